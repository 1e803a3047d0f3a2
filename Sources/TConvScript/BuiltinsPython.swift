import TConvEngine

/// Python's own builtins that pasted code uses, and tconv's helpers (`impulse`, `show`).
extension Builtins {
    static let python: [Builtin] = [
        Builtin("print", [P("values", variadic: true, help: "values to print"), P("sep", "' '", help: "separator")],
                "Print values (numpy arrays as numpy prints them, tensors with their header).") { interp, args throws(ScriptError) in
            let sep = try args.string("sep") ?? " "
            interp.emit(.text(args.rest.map { Printing.str($0.0, options: interp.printOptions) }.joined(separator: sep)))
            return .none
        },
        Builtin("len", [P("obj")], "Number of items: list length, or the first axis of an array.") { _, args throws(ScriptError) in
            let v = try args.required("obj")
            switch v {
            case .list(let l), .tuple(let l): return .int(Int64(l.count))
            case .string(let s): return .int(Int64(s.count))
            case .array(let a):
                guard let first = a.shape.first else { throw .type("len() of unsized object (a 0-d array)", args.span("obj")) }
                return .int(Int64(first))
            default: throw .type("object of type '\(v.typeName)' has no len()", args.span("obj"))
            }
        },
        Builtin("list", [P("iterable", "()")], "A Python list of the items (an array's first axis).") { interp, args throws(ScriptError) in
            .list(try items(args["iterable"] ?? .tuple([]), span: args.span("iterable"), interpreter: interp))
        },
        Builtin("tuple", [P("iterable", "()")], "A Python tuple of the items.") { interp, args throws(ScriptError) in
            .tuple(try items(args["iterable"] ?? .tuple([]), span: args.span("iterable"), interpreter: interp))
        },
        Builtin("int", [P("x", "0")], "Convert to a Python int (truncates toward zero).") { _, args throws(ScriptError) in
            let v = args["x"] ?? .int(0)
            if case .int(let i) = v { return .int(i) }
            if case .bool(let b) = v { return .int(b ? 1 : 0) }
            if case .string(let s) = v {
                guard let i = Int64(s.trimmingCharacters()) else {
                    throw .value("invalid literal for int() with base 10: \(Printing.pythonString(s))", args.span("x"))
                }
                return .int(i)
            }
            guard let d = v.doubleValue else { throw .type("int() argument must be a number, not '\(v.typeName)'", args.span("x")) }
            guard d.isFinite, abs(d) < 9.2e18 else { throw .value("cannot convert \(FloatText.pythonRepr(d)) to an int", args.span("x")) }
            return .int(Int64(d.rounded(.towardZero)))
        },
        Builtin("float", [P("x", "0.0")], "Convert to a Python float.") { _, args throws(ScriptError) in
            let v = args["x"] ?? .float(0)
            if case .string(let s) = v {
                let t = s.trimmingCharacters().lowercased()
                if let d = Double(t) { return .float(d) }
                if ["inf", "+inf", "infinity"].contains(t) { return .float(.infinity) }
                if t == "-inf" { return .float(-.infinity) }
                if t == "nan" { return .float(.nan) }
                throw .value("could not convert string to float: \(Printing.pythonString(s))", args.span("x"))
            }
            guard let d = v.doubleValue else { throw .type("float() argument must be a number, not '\(v.typeName)'", args.span("x")) }
            return .float(d)
        },
        Builtin("bool", [P("x", "False")], "Python truth value.") { interp, args throws(ScriptError) in
            .bool(try interp.truth(args["x"] ?? .bool(false), span: args.span("x")))
        },
        Builtin("str", [P("object", "''")], "The text print() would show.") { interp, args throws(ScriptError) in
            .string(Printing.str(args["object"] ?? .string(""), options: interp.printOptions))
        },
        Builtin("repr", [P("object")], "The text the REPL would show.") { interp, args throws(ScriptError) in
            .string(Printing.repr(try args.required("object"), options: interp.printOptions))
        },
        Builtin("abs", [P("x")], "Absolute value of a number or of every element.") { interp, args throws(ScriptError) in
            try absolute(try args.required("x"), span: args.span("x"), interpreter: interp)
        },
        Builtin("min", [P("values", variadic: true)], "Smallest of the arguments, or of one list.") { interp, args throws(ScriptError) in
            try extreme(args, largest: false, interpreter: interp)
        },
        Builtin("max", [P("values", variadic: true)], "Largest of the arguments, or of one list.") { interp, args throws(ScriptError) in
            try extreme(args, largest: true, interpreter: interp)
        },
        Builtin("sum", [P("iterable"), P("start", "0")], "Sum of a list of numbers (or of an array's first axis).") { interp, args throws(ScriptError) in
            var total = args["start"] ?? .int(0)
            for item in try items(try args.required("iterable"), span: args.span("iterable"), interpreter: interp) {
                total = try Arithmetic.binary("+", total, item, opSpan: args.span("iterable"), interpreter: interp)
            }
            return total
        },
        Builtin("range", [P("start"), P("stop", "None"), P("step", "1")], "A list of ints, as Python's range.") { interp, args throws(ScriptError) in
            var start = try args.int("start", default: 0), stop = try args.int("stop", default: 0)
            if args["stop"] == nil { (start, stop) = (0, start) }
            let step = try args.int("step", default: 1)
            guard step != 0 else { throw .value("range() arg 3 must not be zero", args.span("step")) }
            let (lo, hi) = step > 0 ? (start, stop) : (stop, start)
            let span = SizeArithmetic.sub(hi, lo) ?? Int64.max
            let count = span <= 0 ? 0 : (span - 1) / abs(step) + 1
            guard count <= interp.limits.maxResultBytes / 64 else {
                throw ScriptError(ErrorCategory.tooLarge.rawValue, "range of \(count) items is too long for a Python list", span: args.site.whole,
                                  notes: ["use np.arange or tf.range for large ranges"])
            }
            return .list((0..<count).map { .int(start + $0 * step) })
        },
        Builtin("help", [P("object", "None")], "Help on a builtin (same as %help name or name?).") { interp, args throws(ScriptError) in
            let name = args.text("object", in: interp.source)
            interp.emit(.text(Help.text(for: name?.trimmingCharacters() ?? "", interpreter: interp)))
            return .none
        },
        Builtin("quit", [], "Leave tconv (also exit(), %quit, :quit, Ctrl-D).") { interp, _ throws(ScriptError) in
            interp.emit(.quit)
            return .none
        },
        Builtin("exit", [], "Leave tconv.") { interp, _ throws(ScriptError) in
            interp.emit(.quit)
            return .none
        },
    ]

    /// tconv's own helpers.
    static let tconv: [Builtin] = [
        Builtin("impulse", [P("shape", help: "the tensor's shape, e.g. [1, 3, 3, 1]"),
                            P("index", help: "where the single 1 goes, e.g. [0, 1, 1, 0]"),
                            P("dtype", "tf.float32", help: "tf.float32 or tf.float64")],
                "A float tensor of zeros with a single 1 at `index` (to see a kernel's footprint).",
                details: "Example: tf.nn.conv2d_transpose(impulse([1,3,3,1], [0,1,1,0]), w, [1,6,6,2], 2)") { interp, args throws(ScriptError) in
            let shape = try Convert.shape(try args.required("shape"), span: args.span("shape"))
            let kind = try args.dtype("dtype") ?? .float32
            guard kind.isFloat else { throw .type("impulse() makes float tensors; dtype must be float32 or float64", args.span("dtype")) }
            try ShapeMath.checkAllocation(shape, kind: kind, limits: interp.limits, span: args.span("shape"))
            let index = try Convert.ints(try args.required("index"), span: args.span("index"), what: "index")
            guard index.count == shape.count else {
                throw .value("index \(index) has \(index.count) entries but the shape \(shapeText(shape)) has \(shape.count) axes", args.span("index"))
            }
            var offset = 0
            let strides = Tensor.strides(of: shape)
            for (axis, i) in index.enumerated() {
                let k = i < 0 ? i + shape[axis] : i
                guard k >= 0 && k < shape[axis] else {
                    throw .value("index \(i) is out of bounds for axis \(axis) with size \(shape[axis])", args.span("index"))
                }
                offset += k * strides[axis]
            }
            var values = [Double](repeating: 0, count: ShapeMath.count(shape) ?? 0)
            values[offset] = 1
            return .array(ArrayValue(Tensor(shape: shape, float64: values), kind: kind, flavor: .tf))
        },
        Builtin("show", [P("value", help: "a tensor or array"), P("title", "None", help: "a title for the view")],
                "Draw a tensor as heatmaps in the view pane (same as %show).") { interp, args throws(ScriptError) in
            let value = try args.required("value")
            let array: ArrayValue
            switch value {
            case .array(let a): array = a
            default: array = try Convert.numpyArray(value, span: args.span("value"), interpreter: interp)
            }
            let title = try args.string("title") ?? args.text("value", in: interp.source) ?? "value"
            interp.emit(.show(ShowRequest(name: title, tensor: array.tensor)))
            return .none
        },
    ]

    /// Items of a list, tuple or array (first axis).
    static func items(_ value: Value, span: Span, interpreter: Interpreter) throws(ScriptError) -> [Value] {
        switch value {
        case .list(let l), .tuple(let l): return l
        case .string(let s): return s.map { .string(String($0)) }
        case .array(let a):
            guard let n = a.shape.first else { throw .type("iteration over a 0-d array", span) }
            var out = [Value]()
            for i in 0..<n {
                out.append(try Indexing.subscriptValue(value, [.int(Int64(i), span)], span: span, interpreter: interpreter))
            }
            return out
        default:
            throw .type("'\(value.typeName)' object is not iterable", span)
        }
    }

    static func absolute(_ value: Value, span: Span, interpreter: Interpreter) throws(ScriptError) -> Value {
        switch value {
        case .int(let i):
            guard i != Int64.min else { throw .value("integer overflow in abs()", span) }
            return .int(abs(i))
        case .bool(let b): return .int(b ? 1 : 0)
        case .float(let d): return .float(abs(d))
        case .array(let a): return .array(try Arithmetic.elementwise(a, span: span, interpreter: interpreter) { abs($0) })
        default:
            let array = try Convert.numpyArray(value, span: span, interpreter: interpreter)
            return .array(try Arithmetic.elementwise(array, span: span, interpreter: interpreter) { abs($0) })
        }
    }

    private static func extreme(_ args: BoundArguments, largest: Bool, interpreter: Interpreter) throws(ScriptError) -> Value {
        var candidates = args.rest.map { $0.0 }
        let span = args.site.whole
        if candidates.count == 1, let only = candidates.first { candidates = try items(only, span: span, interpreter: interpreter) }
        guard var best = candidates.first else { throw .value("\(largest ? "max" : "min")() arg is an empty sequence", span) }
        guard var bestValue = best.doubleValue else { throw .type("cannot compare \(best.typeName) values", span) }
        for c in candidates.dropFirst() {
            guard let v = c.doubleValue else { throw .type("cannot compare \(c.typeName) values", span) }
            if largest ? v > bestValue : v < bestValue { best = c; bestValue = v }
        }
        return best
    }
}

extension String {
    /// The text without leading and trailing spaces, tabs and newlines.
    func trimmingCharacters() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        return String(drop(while: isSpace).reversed().drop(while: isSpace).reversed())
    }
}
