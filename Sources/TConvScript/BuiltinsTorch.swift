import TConvEngine

/// The PyTorch surface that pasted code needs: the six convolutions (`torch.nn.functional.X`, also
/// `torch.X`) with PyTorch's semantics through the engine's `TorchOps`, tensor creation with
/// PyTorch's default dtypes (float32 for floats, int64 for ints), `torch.manual_seed`, dtypes, and
/// `torch.nn.functional.pad` / `torch.as_tensor` so that `%translate`'s output runs here too.
extension Builtins {
    static let torch: [Builtin] = torchCreation + torchDTypes + torchOps

    private static let torchCreation: [Builtin] = [
        Builtin("torch.tensor", [P("data", help: "a number, a nested list, an array or a tensor"),
                                 P("dtype", "None", help: "torch.float32, torch.float64, torch.int64, ...; None infers it"),
                                 P("device", "None"), P("requires_grad", "False", help: "accepted and ignored (tconv has no autograd)")],
                "A tensor from Python values: floats become float32, ints int64; arrays keep their dtype.") { interp, args throws(ScriptError) in
            try torchTensor(args, "data", interpreter: interp)
        },
        Builtin("torch.as_tensor", [P("data"), P("dtype", "None"), P("device", "None")],
                "Like torch.tensor (TensorFlow tensors and numpy arrays keep their dtype).") { interp, args throws(ScriptError) in
            try torchTensor(args, "data", interpreter: interp)
        },
        Builtin("torch.from_numpy", [P("ndarray", help: "a numpy array")],
                "The numpy array as a tensor of the same dtype (float64 stays float64).") { _, args throws(ScriptError) in
            let value = try args.required("ndarray")
            guard case .array(let a) = value, a.flavor == .numpy else {
                throw .type("expected np.ndarray (got \(value.typeName))", args.span("ndarray"),
                            notes: ["torch.tensor(x) converts lists and tensors"])
            }
            return .array(ArrayValue(a.tensor, kind: a.kind, flavor: .torch))
        },
        Builtin("torch.zeros", [P("size", variadic: true, help: "the extents, as separate ints or one list"),
                                P("dtype", "None", help: "float32 when None"), P("device", "None"), P("requires_grad", "False")],
                "A tensor of zeros (float32 by default).") { interp, args throws(ScriptError) in
            let shape = try torchSize(args, interpreter: interp)
            return .array(try fill(shape, 0, kind: try args.dtype("dtype") ?? .float32, flavor: .torch, span: args.site.whole, interpreter: interp))
        },
        Builtin("torch.ones", [P("size", variadic: true, help: "the extents, as separate ints or one list"),
                               P("dtype", "None", help: "float32 when None"), P("device", "None"), P("requires_grad", "False")],
                "A tensor of ones (float32 by default).") { interp, args throws(ScriptError) in
            let shape = try torchSize(args, interpreter: interp)
            return .array(try fill(shape, 1, kind: try args.dtype("dtype") ?? .float32, flavor: .torch, span: args.site.whole, interpreter: interp))
        },
        Builtin("torch.randn", [P("size", variadic: true, help: "the extents, as separate ints or one list"),
                                P("dtype", "None", help: "float32 when None"), P("device", "None"), P("requires_grad", "False")],
                "Standard normal values (tconv's generator, seeded by torch.manual_seed; not PyTorch's numbers).") { interp, args throws(ScriptError) in
            try torchRandom(args, interpreter: interp) { $0.normal() }
        },
        Builtin("torch.rand", [P("size", variadic: true, help: "the extents, as separate ints or one list"),
                               P("dtype", "None", help: "float32 when None"), P("device", "None"), P("requires_grad", "False")],
                "Uniform values in [0, 1) (tconv's generator, seeded by torch.manual_seed; not PyTorch's numbers).") { interp, args throws(ScriptError) in
            try torchRandom(args, interpreter: interp) { $0.uniform() }
        },
        Builtin("torch.arange", [P("start"), P("end", "None"), P("step", "1"), P("dtype", "None"), P("device", "None")],
                "start, start+step, ... below end: int64 for ints, float32 if any argument is a float.") { interp, args throws(ScriptError) in
            guard case .array(let a) = try arange(args, startName: "start", stopName: "end", stepName: "step", flavor: .numpy, interpreter: interp) else {
                throw .type("internal: arange made no array", args.site.whole)
            }
            let kind = try args.dtype("dtype") ?? (a.kind == .float64 ? .float32 : a.kind)
            return .array(a.cast(to: kind, flavor: .torch))
        },
        Builtin("torch.manual_seed", [P("seed")], "Seed the generator used by torch.randn / torch.rand (and other unseeded random calls).") { interp, args throws(ScriptError) in
            interp.random = RandomState(seed: UInt64(bitPattern: try args.int("seed", default: 0)))
            return .none
        },
        Builtin("torch.permute", [P("input"), P("dims", help: "result axis k is input axis dims[k]")], "Permute the axes.") { interp, args throws(ScriptError) in
            let a = try torchOperand(args, "input", function: "permute")
            return .array(try ArrayFunctions.transpose(a, try args.required("dims"), span: args.span("dims")))
        },
        Builtin("torch.allclose", [P("input"), P("other"), P("rtol", "1e-05"), P("atol", "1e-08"), P("equal_nan", "False")],
                "True when |input - other| <= atol + rtol*|other| everywhere.") { interp, args throws(ScriptError) in
            let a = try Convert.numpyArray(try args.required("input"), span: args.span("input"), interpreter: interp)
            let b = try Convert.numpyArray(try args.required("other"), span: args.span("other"), interpreter: interp)
            return .bool(try ArrayFunctions.allclose(a, b, rtol: try args.double("rtol", default: 1e-5), atol: try args.double("atol", default: 1e-8),
                                                     equalNaN: try args.bool("equal_nan", default: false, interpreter: interp),
                                                     span: args.site.whole, interpreter: interp))
        },
        Builtin("torch.nn.functional.pad", [P("input"), P("pad", help: "(left, right) for the last axis, then the axis before it, ..."),
                                            P("mode", "'constant'", choices: ["constant"], help: "only 'constant'"),
                                            P("value", "None", help: "the fill value (0 when None)")],
                "Pad the last axes with a constant ((before, after) pairs from the last axis backwards).") { interp, args throws(ScriptError) in
            let a = try torchOperand(args, "input", function: "pad")
            let pads = try Convert.ints(try args.required("pad"), span: args.span("pad"), what: "pad")
            guard pads.count % 2 == 0, pads.count / 2 <= a.rank else {
                throw .value("Padding length must be divisible by 2 and at most twice the number of dimensions (\(a.rank)), got \(pads.count)", args.span("pad"))
            }
            if let mode = try args.string("mode"), mode != "constant" {
                throw .value("tconv's pad supports mode='constant' only, got '\(mode)'", args.span("mode"))
            }
            let fillValue = try args.double("value", default: 0)
            var t = a.tensor
            for pair in 0..<(pads.count / 2) {
                let axis = a.rank - 1 - pair, before = pads[2 * pair], after = pads[2 * pair + 1]
                guard abs(before) < 1 << 40, abs(after) < 1 << 40 else { throw .value("pad \(pads) is too large", args.span("pad")) }
                let length = t.shape[axis] + before + after
                guard length >= 0 else { throw .value("pad \(pads) would make axis \(axis) negative", args.span("pad")) }
                try ShapeMath.checkAllocation(t.shape.enumerated().map { $0.offset == axis ? length : $0.element }, kind: a.kind,
                                              limits: interp.limits, span: args.span("pad"))
                t = t.window(axis: axis, start: -before, length: length)
                if fillValue != 0 {
                    t = fillOutside(t, axis: axis, keep: before..<(before + a.tensor.shape[axis]), with: fillValue)
                }
            }
            return .array(ArrayValue(t, kind: a.kind, flavor: .torch))
        },
    ]

    private static let torchDTypes: [Builtin] = [
        Builtin(constant: "torch.float32", .dtype(.float32, .torch), "32-bit float dtype (PyTorch's default)."),
        Builtin(constant: "torch.float", .dtype(.float32, .torch), "Alias of torch.float32."),
        Builtin(constant: "torch.float64", .dtype(.float64, .torch), "64-bit float dtype."),
        Builtin(constant: "torch.double", .dtype(.float64, .torch), "Alias of torch.float64."),
        Builtin(constant: "torch.int64", .dtype(.int64, .torch), "64-bit int dtype (stored as float64: exact up to 2^53)."),
        Builtin(constant: "torch.long", .dtype(.int64, .torch), "Alias of torch.int64."),
        Builtin(constant: "torch.int32", .dtype(.int32, .torch), "32-bit int dtype."),
        Builtin(constant: "torch.bool", .dtype(.bool, .torch), "Boolean dtype."),
    ]

    /// `torch.nn.functional.conv_transpose2d` etc., and the same functions as `torch.conv_transpose2d`.
    private static let torchOps: [Builtin] = TorchOp.allCases.flatMap { op in
        [torchOpBuiltin(op, name: op.qualifiedName), torchOpBuiltin(op, name: "torch." + op.rawValue)]
    }

    private static func torchOpBuiltin(_ op: TorchOp, name: String) -> Builtin {
        let parameters = op.parameters.map { p in P(p.name, p.defaultValue.map(pythonText), help: p.help) }
        let what = op.isTransposed
            ? "PyTorch's transposed convolution: data [N, Cin, spatial..], weight [Cin, Cout/groups, k..]."
            : "PyTorch's convolution: data [N, Cin, spatial..], weight [Cout, Cin/groups, k..]."
        let details = op.isTransposed
            ? "Output size (I-1)*stride - 2*padding + dilation*(k-1) + output_padding + 1, output_padding < max(stride, dilation).\n%translate <call> gives the TensorFlow call with the same numbers."
            : "padding may be ints or 'valid'/'same' (stride 1 only).\n%translate <call> gives the TensorFlow call with the same numbers."
        return Builtin(name, parameters, what, details: details) { interp, args throws(ScriptError) in
            let call = try runTorchCall(op, args, name: name, interpreter: interp)
            return .array(ArrayValue(call.result, kind: call.kind, flavor: .torch))
        }
    }

    // MARK: - Helpers

    /// `torch.tensor(data)`: floats become float32, ints int64, bools bool; arrays keep their dtype.
    private static func torchTensor(_ args: BoundArguments, _ name: String, interpreter: Interpreter) throws(ScriptError) -> Value {
        let value = try args.required(name)
        var array: ArrayValue
        if case .array(let a) = value {
            array = ArrayValue(a.tensor, kind: a.kind, flavor: .torch)
        } else {
            let (shape, values, literal) = try Convert.flatten(value, span: args.span(name), interpreter: interpreter)
            let kind: ElementKind = [.bool, .int64, .float32][literal.rawValue]
            array = ArrayValue(Tensor(shape: shape, float64: values), kind: .float64, flavor: .torch).cast(to: kind)
        }
        if let kind = try args.dtype("dtype") { array = array.cast(to: kind) }
        return .array(array)
    }

    /// The `*size` of torch.zeros/ones/randn/rand: separate ints, or one list or tuple.
    private static func torchSize(_ args: BoundArguments, interpreter: Interpreter) throws(ScriptError) -> [Int] {
        let span = args.rest.first.map { $0.1.union(args.rest.last?.1 ?? $0.1) } ?? args.site.whole
        if args.rest.count == 1, let only = args.rest.first, only.0.sequence != nil {
            return try Convert.shape(only.0, span: span)
        }
        return try Convert.shape(.tuple(args.rest.map { $0.0 }), span: span)
    }

    private static func torchRandom(_ args: BoundArguments, interpreter: Interpreter,
                                    _ draw: (inout RandomState) -> Double) throws(ScriptError) -> Value {
        let kind = try args.dtype("dtype") ?? .float32
        guard kind.isFloat else { throw .type("\"normal_kernel_cpu\" not implemented for '\(torchTypeName(kind))'", args.span("dtype")) }
        var copy = args
        copy.values["size"] = .list(try torchSize(args, interpreter: interpreter).map { .int(Int64($0)) })
        return try random(copy, shapeName: "size", kind: kind, flavor: .torch, interpreter: interpreter, draw)
    }

    /// A tensor argument of a torch function (numpy arrays and TF tensors are accepted as PyTorch
    /// accepts them only for `as_tensor`; here they are refused as PyTorch refuses them).
    static func torchOperand(_ args: BoundArguments, _ name: String, function: String) throws(ScriptError) -> ArrayValue {
        let value = try args.required(name)
        guard case .array(let a) = value, a.flavor == .torch else {
            let got: String
            switch value {
            case .array(let a): got = a.flavor == .numpy ? "numpy.ndarray" : "tf.Tensor"
            default: got = value.typeName
            }
            throw .type("\(function)(): argument '\(name)' must be Tensor, not \(got)", args.span(name),
                        notes: ["convert it: torch.from_numpy(x) for a numpy array, torch.tensor(x) or torch.as_tensor(x) otherwise"])
        }
        return a
    }

    /// PyTorch's short type names in messages (`Float`, `Double`, `Long`).
    static func torchTypeName(_ kind: ElementKind) -> String {
        switch kind {
        case .float32: return "Float"
        case .float64: return "Double"
        case .int64: return "Long"
        case .int32: return "Int"
        case .bool: return "Bool"
        }
    }

    /// `t` with every cell of `axis` outside `keep` set to `value` (constant padding).
    static func fillOutside(_ t: Tensor, axis: Int, keep: Range<Int>, with value: Double) -> Tensor {
        let extent = t.shape[axis], inner = t.shape[(axis + 1)...].reduce(1, *)
        var values = t.doubles
        for index in 0..<values.count where !keep.contains((index / max(inner, 1)) % max(extent, 1)) { values[index] = value }
        return Tensor(shape: t.shape, values: values, dtype: t.dtype, layout: t.layout)
    }
}
