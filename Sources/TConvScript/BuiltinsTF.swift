import TConvEngine

/// `tf.*` builtins other than the convolution ops (those come from the engine's `TFOp` table).
extension Builtins {
    static let tensorflow: [Builtin] = [
        Builtin("tf.constant", [P("value", help: "a number, a nested list or an array"),
                                P("dtype", "None", help: "tf.float32, tf.float64, tf.int32, ...; None infers it"),
                                P("shape", "None", help: "reshape to this shape (a scalar is repeated)"), P("name", "None")],
                "A tensor from Python values: ints become int32, floats float32, numpy arrays keep their dtype.") { interp, args throws(ScriptError) in
            try constant(args, interpreter: interp)
        },
        Builtin("tf.convert_to_tensor", [P("value"), P("dtype", "None"), P("name", "None")],
                "Like tf.constant without a shape argument.") { interp, args throws(ScriptError) in
            try constant(args, interpreter: interp)
        },
        Builtin("tf.zeros", [P("shape"), P("dtype", "tf.float32"), P("name", "None")], "A tensor of zeros (float32 by default).") { interp, args throws(ScriptError) in
            try filled(args, value: 0, kind: try args.dtype("dtype") ?? .float32, flavor: .tf, interpreter: interp)
        },
        Builtin("tf.ones", [P("shape"), P("dtype", "tf.float32"), P("name", "None")], "A tensor of ones (float32 by default).") { interp, args throws(ScriptError) in
            try filled(args, value: 1, kind: try args.dtype("dtype") ?? .float32, flavor: .tf, interpreter: interp)
        },
        Builtin("tf.zeros_like", [P("input"), P("dtype", "None"), P("name", "None")], "Zeros with the shape (and dtype) of input.") { interp, args throws(ScriptError) in
            let a = try Convert.tfTensor(try args.required("input"), span: args.span("input"), interpreter: interp)
            return .array(try fill(a.shape, 0, kind: try args.dtype("dtype") ?? a.kind, flavor: .tf, span: args.site.whole, interpreter: interp))
        },
        Builtin("tf.ones_like", [P("input"), P("dtype", "None"), P("name", "None")], "Ones with the shape (and dtype) of input.") { interp, args throws(ScriptError) in
            let a = try Convert.tfTensor(try args.required("input"), span: args.span("input"), interpreter: interp)
            return .array(try fill(a.shape, 1, kind: try args.dtype("dtype") ?? a.kind, flavor: .tf, span: args.site.whole, interpreter: interp))
        },
        Builtin("tf.fill", [P("dims", help: "the shape"), P("value", help: "a scalar; its type gives the dtype"), P("name", "None")],
                "A tensor of one repeated value (int32 for an int, float32 for a float).") { interp, args throws(ScriptError) in
            let value = try args.required("value")
            let scalar = try Convert.tfTensor(value, span: args.span("value"), interpreter: interp)
            guard scalar.count == 1, scalar.rank == 0 else { throw .value("tf.fill's value must be a scalar", args.span("value")) }
            let shape = try Convert.shape(try args.required("dims"), span: args.span("dims"))
            return .array(try fill(shape, scalar.tensor[flat: 0], kind: scalar.kind, flavor: .tf, span: args.span("dims"), interpreter: interp))
        },
        Builtin("tf.range", [P("start"), P("limit", "None"), P("delta", "1"), P("dtype", "None"), P("name", "'range'")],
                "start, start+delta, ... below limit; int32 for ints, float32 if any argument is a float.") { interp, args throws(ScriptError) in
            try arange(args, startName: "start", stopName: "limit", stepName: "delta", flavor: .tf, interpreter: interp)
        },
        Builtin("tf.reshape", [P("tensor"), P("shape", help: "the new shape; one entry may be -1"), P("name", "None")],
                "The same elements in a new shape.") { interp, args throws(ScriptError) in
            let a = try Convert.tfTensor(try args.required("tensor"), span: args.span("tensor"), interpreter: interp)
            return .array(try ArrayFunctions.reshape(a, try args.required("shape"), span: args.span("shape")))
        },
        Builtin("tf.transpose", [P("a"), P("perm", "None", help: "result axis k is source axis perm[k]; None reverses"),
                                 P("conjugate", "False"), P("name", "'transpose'")],
                "Permute the axes.") { interp, args throws(ScriptError) in
            let a = try Convert.tfTensor(try args.required("a"), span: args.span("a"), interpreter: interp)
            return .array(try ArrayFunctions.transpose(a, args["perm"], span: args.span("perm")))
        },
        Builtin("tf.pad", [P("tensor"), P("paddings", help: "one [before, after] pair per axis"),
                           P("mode", "'CONSTANT'", choices: ["CONSTANT"], help: "only 'CONSTANT'"),
                           P("constant_values", "0"), P("name", "None")],
                "Pad every axis with a constant: paddings[k] = [before, after] for axis k.") { interp, args throws(ScriptError) in
            let a = try Convert.tfTensor(try args.required("tensor"), span: args.span("tensor"), interpreter: interp)
            let pairs = try Convert.numpyArray(try args.required("paddings"), span: args.span("paddings"), interpreter: interp)
            guard pairs.shape == [a.rank, 2], !pairs.kind.isFloat else {
                throw .value("paddings must be an int [\(a.rank), 2] list (one [before, after] per axis), got shape \(shapeText(pairs.shape))", args.span("paddings"))
            }
            if let mode = try args.string("mode"), mode.uppercased() != "CONSTANT" {
                throw .value("tconv's tf.pad supports mode='CONSTANT' only, got '\(mode)'", args.span("mode"))
            }
            let fillValue = try args.double("constant_values", default: 0)
            let pads = pairs.doubles.map { Int(clamping: Int64(max(-1e15, min(1e15, $0)))) }
            var t = a.tensor
            for axis in 0..<a.rank {
                let before = pads[2 * axis], after = pads[2 * axis + 1]
                guard before >= 0, after >= 0, before < 1 << 40, after < 1 << 40 else {
                    throw .value("paddings must be >= 0 (and not huge), got \(pads)", args.span("paddings"))
                }
                let length = t.shape[axis] + before + after
                try ShapeMath.checkAllocation(t.shape.enumerated().map { $0.offset == axis ? length : $0.element }, kind: a.kind,
                                              limits: interp.limits, span: args.span("paddings"))
                t = t.window(axis: axis, start: -before, length: length)
                if fillValue != 0 { t = fillOutside(t, axis: axis, keep: before..<(before + a.shape[axis]), with: fillValue) }
            }
            return .array(ArrayValue(t, kind: a.kind, flavor: .tf))
        },
        Builtin("tf.cast", [P("x"), P("dtype"), P("name", "None")], "Convert to another dtype (floats to ints truncate).") { interp, args throws(ScriptError) in
            let a = try Convert.tfTensor(try args.required("x"), span: args.span("x"), interpreter: interp)
            guard let kind = try args.dtype("dtype") else { throw .type("tf.cast needs a dtype", args.span("dtype")) }
            return .array(a.cast(to: kind, flavor: .tf))
        },
        Builtin("tf.shape", [P("input"), P("out_type", "tf.int32"), P("name", "None")], "The shape as a 1-D int32 tensor.") { interp, args throws(ScriptError) in
            let a = try Convert.tfTensor(try args.required("input"), span: args.span("input"), interpreter: interp)
            let kind = try args.dtype("out_type") ?? .int32
            return .array(ArrayValue(Tensor(shape: [a.rank], float64: a.shape.map(Double.init)), kind: kind, flavor: .tf))
        },
        Builtin("tf.abs", [P("x"), P("name", "None")], "Elementwise absolute value.") { interp, args throws(ScriptError) in
            let a = try Convert.tfTensor(try args.required("x"), span: args.span("x"), interpreter: interp)
            return .array(try Arithmetic.elementwise(a, span: args.span("x"), interpreter: interp) { abs($0) })
        },
        reduction("tf.reduce_sum", .sum, "Sum over axis (all axes by default)."),
        reduction("tf.reduce_max", .max, "Maximum over axis (all axes by default)."),
        reduction("tf.reduce_min", .min, "Minimum over axis (all axes by default)."),
        reduction("tf.reduce_mean", .mean, "Mean over axis (all axes by default)."),
        Builtin("tf.random.normal", [P("shape"), P("mean", "0.0"), P("stddev", "1.0"), P("dtype", "tf.float32"), P("seed", "None"), P("name", "None")],
                "Normally distributed values; the same seed gives the same values (tconv's generator, not TensorFlow's).") { interp, args throws(ScriptError) in
            let mean = try args.double("mean", default: 0), stddev = try args.double("stddev", default: 1)
            return try random(args, kind: try args.dtype("dtype") ?? .float32, flavor: .tf, interpreter: interp) { mean + stddev * $0.normal() }
        },
        Builtin("tf.random.uniform", [P("shape"), P("minval", "0"), P("maxval", "None"), P("dtype", "tf.float32"), P("seed", "None"), P("name", "None")],
                "Uniform values in [minval, maxval) (maxval 1 by default); deterministic for a seed.") { interp, args throws(ScriptError) in
            let lo = try args.double("minval", default: 0), hi = try args.double("maxval", default: 1)
            let kind = try args.dtype("dtype") ?? .float32
            if !kind.isFloat {
                guard args["maxval"] != nil else { throw .value("maxval is required for an integer dtype", args.site.whole) }
                return try random(args, kind: kind, flavor: .tf, interpreter: interp) { (lo + ($0.uniform() * (hi - lo))).rounded(.down) }
            }
            return try random(args, kind: kind, flavor: .tf, interpreter: interp) { lo + $0.uniform() * (hi - lo) }
        },
        Builtin("tf.random.set_seed", [P("seed")], "Seed the generator used by random calls without seed=.") { interp, args throws(ScriptError) in
            interp.random = RandomState(seed: UInt64(bitPattern: try args.int("seed", default: 0)))
            return .none
        },
        Builtin(constant: "tf.float32", .dtype(.float32, .tf), "32-bit float dtype."),
        Builtin(constant: "tf.float64", .dtype(.float64, .tf), "64-bit float dtype."),
        Builtin(constant: "tf.double", .dtype(.float64, .tf), "Alias of tf.float64."),
        Builtin(constant: "tf.int32", .dtype(.int32, .tf), "32-bit int dtype (stored exactly as float64 inside tconv)."),
        Builtin(constant: "tf.int64", .dtype(.int64, .tf), "64-bit int dtype (stored as float64: exact up to 2^53)."),
        Builtin(constant: "tf.bool", .dtype(.bool, .tf), "Boolean dtype."),
    ]

    private static func reduction(_ name: String, _ reduction: ArrayFunctions.Reduction, _ summary: String) -> Builtin {
        Builtin(name, [P("input_tensor"), P("axis", "None", help: "an int or a list of ints; None reduces everything"),
                       P("keepdims", "False", help: "keep reduced axes with size 1"), P("name", "None")], summary) { interp, args throws(ScriptError) in
            let a = try Convert.tfTensor(try args.required("input_tensor"), span: args.span("input_tensor"), interpreter: interp)
            let keep = try args.bool("keepdims", default: false, interpreter: interp)
            return .array(try ArrayFunctions.reduce(a, reduction, axis: args["axis"], keepdims: keep, span: args.span("axis"), interpreter: interp))
        }
    }

    /// `tf.constant` / `tf.convert_to_tensor`.
    private static func constant(_ args: BoundArguments, interpreter: Interpreter) throws(ScriptError) -> Value {
        let value = try args.required("value")
        let span = args.span("value")
        var array: ArrayValue
        if let kind = try args.dtype("dtype") {
            if case .array(let a) = value {
                array = a.cast(to: kind, flavor: .tf)
            } else {
                let (shape, values, literal) = try Convert.flatten(value, span: span, interpreter: interpreter)
                if !kind.isFloat && literal == .float && values.contains(where: { $0 != $0.rounded() }) {
                    throw .type("cannot convert a float value to \(kind.article) \(kind) tensor", span, notes: ["TensorFlow refuses this; use tf.cast"])
                }
                array = ArrayValue(Tensor(shape: shape, float64: values), kind: .float64, flavor: .tf).cast(to: kind)
                if kind == .int32 { try Convert.checkInt32(array, span: span) }
            }
        } else {
            array = try Convert.tfTensor(value, span: span, interpreter: interpreter)
        }
        if let shapeValue = args["shape"] {
            let shape = try Convert.shape(shapeValue, span: args.span("shape"))
            try ShapeMath.checkAllocation(shape, kind: array.kind, limits: interpreter.limits, span: args.span("shape"))
            if array.count == 1 {
                array = try fill(shape, array.tensor[flat: 0], kind: array.kind, flavor: .tf, span: args.span("shape"), interpreter: interpreter)
            } else if let reshaped = ShapeMath.count(shape) == array.count ? array.tensor.reshaped(shape) : nil {
                array = ArrayValue(reshaped, kind: array.kind, flavor: .tf)
            } else {
                throw .value("cannot make a tensor of shape \(shapeText(shape)) from \(array.count) values", args.span("shape"))
            }
        }
        return .array(array)
    }

    /// An array of one repeated value.
    static func fill(_ shape: [Int], _ value: Double, kind: ElementKind, flavor: Flavor, span: Span,
                     interpreter: Interpreter) throws(ScriptError) -> ArrayValue {
        try ShapeMath.checkAllocation(shape, kind: kind, limits: interpreter.limits, span: span)
        let n = ShapeMath.count(shape) ?? 0
        let tensor = kind == .float32 ? Tensor(shape: shape, float32: [Float](repeating: Float(value), count: n))
            : Tensor(shape: shape, float64: [Double](repeating: value, count: n))
        return ArrayValue(tensor, kind: kind, flavor: flavor)
    }

    /// `zeros` / `ones` with a `shape` argument.
    static func filled(_ args: BoundArguments, value: Double, kind: ElementKind, flavor: Flavor, interpreter: Interpreter) throws(ScriptError) -> Value {
        let shape = try Convert.shape(try args.required("shape"), span: args.span("shape"))
        return .array(try fill(shape, value, kind: kind, flavor: flavor, span: args.span("shape"), interpreter: interpreter))
    }

    /// `tf.range` and `np.arange`: ints give ints (int32 in TF, int64 in numpy), floats give
    /// float32 in TF and float64 in numpy; a dtype argument overrides.
    static func arange(_ args: BoundArguments, startName: String, stopName: String, stepName: String, flavor: Flavor,
                       interpreter: Interpreter) throws(ScriptError) -> Value {
        var startValue = args[startName] ?? .int(0)
        var stopValue = args[stopName]
        if stopValue == nil { stopValue = startValue; startValue = .int(0) }
        let stepValue = args[stepName] ?? .int(1)
        var numbers = [Double]()
        var allInts = true
        for (v, name) in [(startValue, startName), (stopValue ?? .int(0), stopName), (stepValue, stepName)] {
            guard let d = v.doubleValue else { throw .type("\(name) must be a number, got \(v.typeName)", args.span(name)) }
            if !v.isPythonInteger, !(v.arrayKind.map { !$0.isFloat } ?? false) { allInts = false }
            numbers.append(d)
        }
        let (start, stop, step) = (numbers[0], numbers[1], numbers[2])
        guard step != 0, step.isFinite, start.isFinite, stop.isFinite else {
            throw .value(step == 0 ? "the step of a range must not be zero" : "range bounds must be finite", args.site.whole)
        }
        let length = ((stop - start) / step).rounded(.up)
        let n = length > 0 ? length : 0
        var kind = try args.dtype("dtype") ?? (allInts ? (flavor == .tf ? .int32 : .int64) : (flavor == .tf ? .float32 : .float64))
        if flavor == .tf && !allInts && !kind.isFloat { kind = .float32 }
        guard n < 1e15 else { throw ScriptError(ErrorCategory.tooLarge.rawValue, "a range of \(n) values is too large", span: args.site.whole) }
        let count = Int(n)
        try ShapeMath.checkAllocation([count], kind: kind, limits: interpreter.limits, span: args.site.whole)
        let values = (0..<count).map { start + Double($0) * step }
        return .array(ArrayValue(Tensor(shape: [count], float64: values), kind: .float64, flavor: flavor).cast(to: kind))
    }

    /// Random values of `shape`: with `seed=` a fresh generator, else the session's.
    static func random(_ args: BoundArguments, shapeName: String = "shape", kind: ElementKind, flavor: Flavor,
                       interpreter: Interpreter, _ draw: (inout RandomState) -> Double) throws(ScriptError) -> Value {
        let shape = try Convert.shape(try args.required(shapeName), span: args.span(shapeName))
        try ShapeMath.checkAllocation(shape, kind: kind, limits: interpreter.limits, span: args.span(shapeName))
        let n = ShapeMath.count(shape) ?? 0
        var values = [Double](repeating: 0, count: n)
        if let seed = args["seed"] {
            guard let s = seed.intValue else { throw .type("seed must be an int", args.span("seed")) }
            var generator = RandomState(seed: UInt64(bitPattern: s))
            for i in 0..<n { values[i] = draw(&generator) }
        } else {
            for i in 0..<n { values[i] = draw(&interpreter.random) }
        }
        return .array(ArrayValue(Tensor(shape: shape, float64: values), kind: .float64, flavor: flavor).cast(to: kind))
    }
}

extension Value {
    /// The element kind of an array value.
    var arrayKind: ElementKind? {
        if case .array(let a) = self { return a.kind }
        return nil
    }
}
