import Foundation
import TConvEngine

/// `np.*` builtins, with numpy's names, keywords and default dtypes (int64 for ints, float64 for
/// floats and for `zeros`/`ones`/`eye`).
extension Builtins {
    static let numpy: [Builtin] = [
        Builtin("np.array", [P("object", help: "a number, nested list or array"), P("dtype", "None", help: "np.float32, np.float64, ...")],
                "An array from Python values (ints become int64, floats float64).") { interp, args throws(ScriptError) in
            try numpyArray(args, interpreter: interp)
        },
        Builtin("np.asarray", [P("a"), P("dtype", "None")], "Like np.array.") { interp, args throws(ScriptError) in
            var copy = args
            copy.values["object"] = args.values["a"]
            copy.spans["object"] = args.spans["a"]
            return try numpyArray(copy, interpreter: interp)
        },
        Builtin("np.arange", [P("start"), P("stop", "None"), P("step", "None"), P("dtype", "None")],
                "start, start+step, ... below stop (int64 for ints, float64 otherwise).") { interp, args throws(ScriptError) in
            try arange(args, startName: "start", stopName: "stop", stepName: "step", flavor: .numpy, interpreter: interp)
        },
        Builtin("np.zeros", [P("shape"), P("dtype", "float")], "An array of zeros (float64 by default).") { interp, args throws(ScriptError) in
            try filled(args, value: 0, kind: try args.dtype("dtype") ?? .float64, flavor: .numpy, interpreter: interp)
        },
        Builtin("np.ones", [P("shape"), P("dtype", "None")], "An array of ones (float64 by default).") { interp, args throws(ScriptError) in
            try filled(args, value: 1, kind: try args.dtype("dtype") ?? .float64, flavor: .numpy, interpreter: interp)
        },
        Builtin("np.full", [P("shape"), P("fill_value"), P("dtype", "None")], "An array of one repeated value.") { interp, args throws(ScriptError) in
            let value = try args.required("fill_value")
            let scalar = try Convert.numpyArray(value, span: args.span("fill_value"), interpreter: interp)
            guard scalar.count == 1 else { throw .value("fill_value must be a scalar", args.span("fill_value")) }
            let shape = try Convert.shape(try args.required("shape"), span: args.span("shape"))
            return .array(try fill(shape, scalar.tensor[flat: 0], kind: try args.dtype("dtype") ?? scalar.kind, flavor: .numpy,
                                   span: args.span("shape"), interpreter: interp))
        },
        Builtin("np.zeros_like", [P("a"), P("dtype", "None")], "Zeros with the shape and dtype of a.") { interp, args throws(ScriptError) in
            let a = try Convert.numpyArray(try args.required("a"), span: args.span("a"), interpreter: interp)
            return .array(try fill(a.shape, 0, kind: try args.dtype("dtype") ?? a.kind, flavor: .numpy, span: args.site.whole, interpreter: interp))
        },
        Builtin("np.ones_like", [P("a"), P("dtype", "None")], "Ones with the shape and dtype of a.") { interp, args throws(ScriptError) in
            let a = try Convert.numpyArray(try args.required("a"), span: args.span("a"), interpreter: interp)
            return .array(try fill(a.shape, 1, kind: try args.dtype("dtype") ?? a.kind, flavor: .numpy, span: args.site.whole, interpreter: interp))
        },
        Builtin("np.eye", [P("N"), P("M", "None"), P("k", "0"), P("dtype", "float")], "An N x M matrix with ones on diagonal k.") { interp, args throws(ScriptError) in
            let n = try args.int("N", default: 0), m = try args.int("M", default: n), k = try args.int("k", default: 0)
            guard n >= 0, m >= 0 else { throw .value("negative dimensions are not allowed", args.site.whole) }
            let shape = [Int(clamping: n), Int(clamping: m)]
            let kind = try args.dtype("dtype") ?? .float64
            try ShapeMath.checkAllocation(shape, kind: kind, limits: interp.limits, span: args.site.whole)
            var values = [Double](repeating: 0, count: shape[0] * shape[1])
            for row in 0..<shape[0] {
                let column = Int64(row) + k
                if column >= 0 && column < m { values[row * shape[1] + Int(column)] = 1 }
            }
            return .array(ArrayValue(Tensor(shape: shape, float64: values), kind: .float64, flavor: .numpy).cast(to: kind))
        },
        Builtin("np.load", [P("file", help: "path of a .npy file")],
                "Read a .npy file (float32/float64; int and bool arrays are read as such).") { interp, args throws(ScriptError) in
            let value = try args.required("file")
            guard case .string(let path) = value else { throw .type("np.load needs a file name, got \(value.typeName)", args.span("file")) }
            do throws(NPYError) {
                let array = try NPY.readArray(path, limits: interp.limits)
                return .array(ArrayValue(array.tensor, kind: array.kind, flavor: .numpy))
            } catch {
                throw .io("np.load: \(error.message)", args.span("file"))
            }
        },
        Builtin("np.save", [P("file", help: "path; '.npy' is appended when missing"), P("arr", help: "the array to write")],
                "Write an array to a .npy file (through a temporary file, so nothing is half-written).") { interp, args throws(ScriptError) in
            let value = try args.required("file")
            guard case .string(var path) = value else { throw .type("np.save needs a file name, got \(value.typeName)", args.span("file")) }
            if !path.hasSuffix(".npy") { path += ".npy" }
            try interp.authorizeWrite(path, by: "np.save", span: args.site.whole)
            let array = try Convert.numpyArray(try args.required("arr"), span: args.span("arr"), interpreter: interp)
            do throws(NPYError) {
                try NPY.write(array.tensor, path, kind: array.kind)
            } catch {
                throw .io("np.save: \(error.message)", args.span("file"))
            }
            return .none
        },
        Builtin("np.allclose", [P("a"), P("b"), P("rtol", "1e-05"), P("atol", "1e-08"), P("equal_nan", "False")],
                "True when |a - b| <= atol + rtol*|b| everywhere.") { interp, args throws(ScriptError) in
            let a = try Convert.numpyArray(try args.required("a"), span: args.span("a"), interpreter: interp)
            let b = try Convert.numpyArray(try args.required("b"), span: args.span("b"), interpreter: interp)
            return .bool(try ArrayFunctions.allclose(a, b, rtol: try args.double("rtol", default: 1e-5), atol: try args.double("atol", default: 1e-8),
                                                     equalNaN: try args.bool("equal_nan", default: false, interpreter: interp),
                                                     span: args.site.whole, interpreter: interp))
        },
        Builtin("np.abs", [P("x")], "Elementwise absolute value.") { interp, args throws(ScriptError) in
            let a = try Convert.numpyArray(try args.required("x"), span: args.span("x"), interpreter: interp)
            return .array(try Arithmetic.elementwise(a, span: args.span("x"), interpreter: interp) { abs($0) })
        },
        numpyReduction("np.sum", .sum, "Sum over axis (all axes by default)."),
        numpyReduction("np.max", .max, "Maximum over axis (all axes by default)."),
        numpyReduction("np.min", .min, "Minimum over axis (all axes by default)."),
        numpyReduction("np.mean", .mean, "Mean over axis (all axes by default)."),
        Builtin("np.reshape", [P("a"), P("newshape", help: "the new shape; one entry may be -1")], "The same elements in a new shape.") { interp, args throws(ScriptError) in
            let a = try Convert.numpyArray(try args.required("a"), span: args.span("a"), interpreter: interp)
            return .array(try ArrayFunctions.reshape(a, try args.required("newshape"), span: args.span("newshape")))
        },
        Builtin("np.transpose", [P("a"), P("axes", "None", help: "result axis k is source axis axes[k]; None reverses")],
                "Permute the axes.") { interp, args throws(ScriptError) in
            let a = try Convert.numpyArray(try args.required("a"), span: args.span("a"), interpreter: interp)
            return .array(try ArrayFunctions.transpose(a, args["axes"], span: args.span("axes")))
        },
        Builtin("np.flip", [P("m"), P("axis", "None", help: "an int or list of ints; None flips every axis")],
                "Reverse the order of elements along axes (e.g. the kernel flip of the gather view).") { interp, args throws(ScriptError) in
            let a = try Convert.numpyArray(try args.required("m"), span: args.span("m"), interpreter: interp)
            var axes = Array(0..<a.rank)
            if let axisValue = args["axis"] {
                axes = try Convert.ints(axisValue, span: args.span("axis"), what: "axis").map { $0 < 0 ? $0 + a.rank : $0 }
                guard axes.allSatisfy({ $0 >= 0 && $0 < a.rank }) else {
                    throw .value("axis is out of bounds for array of dimension \(a.rank)", args.span("axis"))
                }
            }
            let span = args.site.whole
            let items: [IndexItem] = (0..<a.rank).map { axes.contains($0) ? .slice(nil, nil, -1, span) : .slice(nil, nil, nil, span) }
            return .array(try Indexing.index(a, items, span: span, interpreter: interp))
        },
        Builtin("np.random.seed", [P("seed")], "Seed the generator used by random calls without a seed.") { interp, args throws(ScriptError) in
            interp.random = RandomState(seed: UInt64(bitPattern: try args.int("seed", default: 0)))
            return .none
        },
        Builtin("np.random.rand", [P("shape", variadic: true, help: "the extents, as separate arguments")],
                "Uniform values in [0, 1), float64 (tconv's generator, not numpy's).") { interp, args throws(ScriptError) in
            try numpyRandom(args, interpreter: interp) { $0.uniform() }
        },
        Builtin("np.random.randn", [P("shape", variadic: true, help: "the extents, as separate arguments")],
                "Standard normal values, float64 (tconv's generator, not numpy's).") { interp, args throws(ScriptError) in
            try numpyRandom(args, interpreter: interp) { $0.normal() }
        },
        Builtin(constant: "np.float32", .dtype(.float32, .numpy), "32-bit float dtype; np.float32(x) converts."),
        Builtin(constant: "np.float64", .dtype(.float64, .numpy), "64-bit float dtype; np.float64(x) converts."),
        Builtin(constant: "np.int32", .dtype(.int32, .numpy), "32-bit int dtype."),
        Builtin(constant: "np.int64", .dtype(.int64, .numpy), "64-bit int dtype (stored as float64: exact up to 2^53)."),
        Builtin(constant: "np.bool_", .dtype(.bool, .numpy), "Boolean dtype."),
        Builtin(constant: "np.newaxis", .none, "None: inserts an axis of size 1 when indexing."),
        Builtin(constant: "np.pi", .float(Double.pi), "3.141592653589793"),
        Builtin(constant: "np.inf", .float(.infinity), "Positive infinity."),
        Builtin(constant: "np.nan", .float(.nan), "Not a number."),
    ]

    private static func numpyReduction(_ name: String, _ reduction: ArrayFunctions.Reduction, _ summary: String) -> Builtin {
        Builtin(name, [P("a"), P("axis", "None", help: "an int or a tuple of ints; None reduces everything"),
                       P("keepdims", "False", help: "keep reduced axes with size 1")], summary) { interp, args throws(ScriptError) in
            let a = try Convert.numpyArray(try args.required("a"), span: args.span("a"), interpreter: interp)
            let keep = try args.bool("keepdims", default: false, interpreter: interp)
            return .array(try ArrayFunctions.reduce(a, reduction, axis: args["axis"], keepdims: keep, span: args.span("axis"), interpreter: interp))
        }
    }

    private static func numpyArray(_ args: BoundArguments, interpreter: Interpreter) throws(ScriptError) -> Value {
        var array = try Convert.numpyArray(try args.required("object"), span: args.span("object"), interpreter: interpreter)
        if let kind = try args.dtype("dtype") { array = array.cast(to: kind) }
        return .array(array)
    }

    private static func numpyRandom(_ args: BoundArguments, interpreter: Interpreter,
                                    _ draw: (inout RandomState) -> Double) throws(ScriptError) -> Value {
        var copy = args
        copy.values["size"] = .tuple(args.rest.map { $0.0 })
        return try random(copy, shapeName: "size", kind: .float64, flavor: .numpy, interpreter: interpreter, draw)
    }
}
