import TConvEngine

/// A convolution the session ran (TensorFlow or PyTorch), kept with everything needed to translate
/// it (`%translate`), write it out as a Python test (`%export`) or play its scatter (`#: step`).
struct OpCall: Sendable {
    enum Framework: Sendable {
        case tf(TFOp)
        case torch(TorchOp)
    }

    var framework: Framework
    /// The builtin's table name (`tf.nn.conv2d_transpose`, `torch.nn.functional.conv2d`).
    var function: String
    /// The call as written, for titles.
    var title: String
    /// The operands as the op received them: TF layout for TF ops, PyTorch's for torch ops.
    var input: Tensor
    var filter: Tensor
    var bias: Tensor?
    /// Element kind of the operands and the result (an int64 PyTorch conv computes in float64).
    var kind: ElementKind
    /// Keyword names of the operands in the call (`input`/`value`, `filters`/`filter`/`weight`).
    var inputKeyword: String
    var filterKeyword: String
    /// The operands' source text (`x`, `tf.ones([3, 3, 1, 1])`), for generated code.
    var inputText: String
    var filterText: String
    var biasText: String?
    /// The other arguments given, in the op's parameter order, as Python literals.
    var options: [(name: String, python: String)]
    /// The engine's plan (for PyTorch: the batched, channels-first problem, filter in the
    /// engine's layout).
    var plan: ConvPlan
    var torchPlan: TorchPlan?
    /// What tconv computed.
    var result: Tensor

    var isTransposed: Bool { plan.transposed }

    /// The framework's name for messages and file headers.
    var frameworkName: String {
        if case .torch = framework { return "PyTorch" }
        return "TensorFlow"
    }

    /// The scatter to play for this call (transposed ops only): the plan with the batched operands
    /// in the engine's layout.
    var stepRequest: StepRequest? {
        guard plan.transposed else { return nil }
        switch framework {
        case .tf:
            return StepRequest(title: title, plan: plan, input: input, filters: filter)
        case .torch:
            var x = input
            if torchPlan?.unbatched == true, let batched = x.reshaped([1] + x.shape, layout: x.layout) { x = batched }
            return StepRequest(title: title, plan: plan, input: x, filters: TorchOps.engineFilter(filter))
        }
    }
}

extension Builtins {
    /// The source text of an argument.
    static func argumentText(_ args: BoundArguments, _ name: String, interpreter: Interpreter) -> String {
        args.text(name, in: interpreter.source)?.trimmingCharacters() ?? name
    }

    /// The non-operand arguments of a call as Python literals, in parameter order (`name=` left out).
    static func pythonOptions(_ args: BoundArguments, parameters: [String], operands: Set<String>) -> [(name: String, python: String)] {
        var options = [(name: String, python: String)]()
        for name in parameters where !operands.contains(name) && name != "name" {
            guard let value = args.values[name], let text = PythonLiteral.text(value) else { continue }
            options.append((name, text))
        }
        return options
    }

    /// Runs a TensorFlow op and records it as the session's last op call.
    static func runTFCall(_ op: TFOp, _ args: BoundArguments, interpreter: Interpreter) throws(ScriptError) -> OpCall {
        let (tfArguments, _) = try opArguments(op, args, interpreter: interpreter)
        let result: OpResult
        let x: Tensor, w: Tensor
        do {
            result = try TFOps.run(op, tfArguments, options: interpreter.executionOptions)
            (x, w) = try TFOps.operands(of: result.plan, tfArguments)
        } catch {
            throw engineError(error, op: op, args: args, interpreter: interpreter)
        }
        if !result.plan.tfCPURefusals.isEmpty {
            interpreter.emit(.note(refusalNote(result.plan)))
        }
        let inputKeyword = ["input", "value"].first { args[$0] != nil } ?? "input"
        let filterKeyword = ["filters", "filter"].first { args[$0] != nil } ?? "filters"
        let call = OpCall(framework: .tf(op), function: op.qualifiedName, title: interpreter.source.text(args.site.whole).trimmingCharacters(),
                          input: x, filter: w, bias: nil, kind: ElementKind(x.dtype), inputKeyword: inputKeyword, filterKeyword: filterKeyword,
                          inputText: argumentText(args, inputKeyword, interpreter: interpreter),
                          filterText: argumentText(args, filterKeyword, interpreter: interpreter), biasText: nil,
                          options: pythonOptions(args, parameters: op.parameters.map(\.name), operands: ["input", "value", "filters", "filter"]),
                          plan: result.plan, torchPlan: nil, result: result.tensor)
        interpreter.lastOpCall = call
        return call
    }
}

/// Python source text of simple values (for generated code).
enum PythonLiteral {
    /// `2`, `'SAME'`, `[1, 2]`, `(1, 2)`, `None`, `True`, `0.5`; an integer array as a list; nil
    /// for anything else.
    static func text(_ value: Value) -> String? {
        switch value {
        case .none: return "None"
        case .bool(let b): return b ? "True" : "False"
        case .int(let i): return String(i)
        case .float(let d): return float(d)
        case .string(let s): return Printing.pythonString(s)
        case .list(let items), .tuple(let items):
            var parts = [String]()
            for item in items {
                guard let t = text(item) else { return nil }
                parts.append(t)
            }
            if case .tuple = value { return "(" + parts.joined(separator: ", ") + (parts.count == 1 ? ",)" : ")") }
            return "[" + parts.joined(separator: ", ") + "]"
        case .array(let a) where a.rank <= 1 && a.count <= 64:
            let numbers = a.doubles.map { a.kind.isFloat ? float($0) : Printing.integerText($0) }
            return a.rank == 0 ? numbers.first : "[" + numbers.joined(separator: ", ") + "]"
        case .dtype(let kind, let flavor):
            switch flavor {
            case .tf: return "tf.\(kind)"
            case .torch: return "torch.\(kind)"
            case .numpy: return "np.\(kind)"
            }
        default: return nil
        }
    }

    /// A float as Python reads it back exactly: `repr`, or `float('nan')` / `float('inf')`.
    static func float(_ d: Double) -> String {
        if d.isNaN { return "float('nan')" }
        if d.isInfinite { return d < 0 ? "-float('inf')" : "float('inf')" }
        return FloatText.pythonRepr(d)
    }
}
