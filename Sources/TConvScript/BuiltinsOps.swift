import TConvEngine

/// The convolution ops, one builtin per `TFOp`, with the engine's Python parameters. Calls go
/// through `TFOps` so that validation happens in TensorFlow's order with tconv's messages.
extension Builtins {
    static let engineOps: [Builtin] = TFOp.allCases.map { op in
        let parameters = op.parameters.map { p in
            P(p.name, p.defaultValue.map(pythonText), choices: choices(for: p.name, op: op), help: p.help)
        }
        let kind = op.isTransposed ? "transposed convolution (the gradient of the forward conv)" : "forward convolution"
        return Builtin(op.qualifiedName, parameters, "TensorFlow's \(op.qualifiedName): a \(kind).",
                       details: details(op)) { interp, args throws(ScriptError) in
            let call = try runTFCall(op, args, interpreter: interp)
            return .array(ArrayValue(call.result, flavor: .tf))
        }
    }

    /// String values worth completing for an op's parameter.
    static func choices(for parameter: String, op: TFOp) -> [String] {
        switch parameter {
        case "padding": return ["SAME", "VALID"]
        case "data_format":
            switch op {
            case .conv1dTranspose, .conv1d: return ["NWC", "NCW"]
            case .conv3dTranspose, .conv3dTransposeV1, .conv3d: return ["NDHWC", "NCDHW"]
            case .convTranspose, .convolution: return ["NWC", "NCW", "NHWC", "NCHW", "NDHWC", "NCDHW"]
            default: return ["NHWC", "NCHW"]
            }
        default: return []
        }
    }

    private static func details(_ op: TFOp) -> String {
        switch op {
        case .conv2dTranspose, .conv2dTransposeV1, .conv1dTranspose, .conv3dTranspose, .conv3dTransposeV1, .convTranspose:
            return "filters are [K.., Cout, Cin]. Several output_shape values can be valid when stride > 1:\n%shapes <this call without output_shape> lists them with their padding and PyTorch equivalent."
        case .atrousConv2dTranspose:
            return "Equal to conv2d_transpose with strides=1 and dilations=rate. filters are [KH, KW, Cout, Cin]."
        default:
            return "filters are [K.., Cin, Cout]."
        }
    }

    /// Python text of a default value.
    static func pythonText(_ value: TFValue) -> String { value.description }

    /// The one-line note for a configuration TensorFlow's CPU kernels refuse.
    static func refusalNote(_ plan: ConvPlan) -> String {
        let what = plan.transposed ? "tconv computed the scatter definition" : "tconv computed the convolution definition"
        let reasons = plan.tfCPURefusals.map { $0.hasPrefix("TensorFlow's ") ? String($0.dropFirst("TensorFlow's ".count)) : $0 }
        return "TensorFlow's CPU kernels would refuse this: \(reasons.joined(separator: "; ")); \(what)"
    }

    /// Script values to the engine's `TFValue`s. The operands (input/value and filters/filter) are
    /// converted as TensorFlow converts them: a tensor keeps its dtype, and numpy arrays, Python
    /// numbers and lists take the dtype of the other operand's tensor (float32 when neither is a
    /// float tensor). Two float tensors of different dtypes are left for the engine to refuse.
    static func opArguments(_ op: TFOp, _ args: BoundArguments, interpreter: Interpreter) throws(ScriptError) -> (TFArguments, [String: ArrayValue]) {
        let operandNames = ["filters", "filter", "input", "value"].filter { args[$0] != nil }
        // TF converts the filter first (it comes first in the kernel's inputs); its dtype wins.
        var anchor: ElementKind? = nil
        for flavor in [Flavor.tf, .numpy] where anchor == nil {
            for name in operandNames {
                if case .array(let a)? = args[name], a.flavor == flavor, a.kind.isFloat { anchor = a.kind; break }
            }
        }
        var operands = [String: ArrayValue]()
        for name in operandNames {
            guard let value = args[name] else { continue }
            let span = args.span(name)
            switch value {
            case .array(let a) where a.flavor == .tf && a.kind.isFloat:
                operands[name] = a
            case .array(let a) where a.flavor == .tf:
                throw .type("\(op.qualifiedName) computes on float32 or float64 tensors; '\(name)' is \(a.kind.article) \(a.kind) tensor", span,
                            notes: ["cast it: tf.cast(\(args.text(name, in: interpreter.source) ?? name), tf.float32)"])
            case .array(let a):
                operands[name] = a.cast(to: anchor ?? .float32, flavor: .tf)
            case .list, .tuple, .int, .float, .bool:
                let array = try Convert.numpyArray(value, span: span, interpreter: interpreter)
                operands[name] = array.cast(to: anchor ?? .float32, flavor: .tf)
            default:
                throw .type("'\(name)' must be a tensor, an array or a nested list, got \(value.typeName)", span)
            }
        }
        var keywords = [(String, TFValue)]()
        for (name, value) in args.values {
            if let operand = operands[name] {
                keywords.append((name, .tensor(operand.tensor)))
            } else {
                keywords.append((name, try tfValue(value, span: args.span(name))))
            }
        }
        do {
            return (try op.bind(positional: [], keywords: keywords), operands)
        } catch {
            throw engineError(error, op: op, args: args, interpreter: interpreter)
        }
    }

    /// A script value as the engine's loosely typed argument.
    static func tfValue(_ value: Value, span: Span) throws(ScriptError) -> TFValue {
        switch value {
        case .none: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .float(let d): return .float(d)
        case .string(let s): return .string(s)
        case .list(let items), .tuple(let items):
            var out = [TFValue]()
            for item in items { out.append(try tfValue(item, span: span)) }
            return .list(out)
        case .array(let a):
            if a.rank == 0 && !a.kind.isFloat, let i = value.intValue { return .int(i) }
            return .tensor(a.tensor)
        case .dtype(let kind, _): return .string(kind.rawValue)
        default:
            throw .type("cannot pass a \(value.typeName) to a TensorFlow op", span)
        }
    }

    /// An engine error as a script error: the golden category, the op's name, the argument at
    /// fault underlined, what would be valid as a note.
    static func engineError(_ error: EngineError, op: TFOp, args: BoundArguments, interpreter: Interpreter) -> ScriptError {
        let aliases = ["filters": "filter", "filter": "filters", "input": "value", "value": "input"]
        let span = args.spans[error.argument] ?? aliases[error.argument].flatMap { args.spans[$0] } ?? args.site.callee
        var notes = [String]()
        if let valid = error.valid { notes.append("valid: \(valid)") }
        if error.category == .inconsistentOutputShape, op.isTransposed {
            let call = callText(args, without: "output_shape", interpreter: interpreter)
            notes.append("`%shapes \(call)` lists every valid output_shape with its padding")
        }
        return ScriptError(error.category.rawValue, "\(op.qualifiedName): \(error.message)", span: span, notes: notes)
    }

    /// The call's source text with one keyword (or its positional slot) removed.
    static func callText(_ args: BoundArguments, without parameter: String, interpreter: Interpreter) -> String {
        let source = interpreter.source
        let callee = source.text(args.site.callee)
        let skip = args.spans[parameter]
        let kept = args.site.arguments.filter { argument in
            if argument.name == parameter { return false }
            if argument.name == nil, let skip, argument.value.span == skip { return false }
            return true
        }
        return callee + "(" + kept.map { source.text($0.span) }.joined(separator: ", ") + ")"
    }
}
