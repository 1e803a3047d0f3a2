import TConvEngine

/// Conversions between Python values and arrays, with numpy's and TensorFlow's dtype rules.
enum Convert {
    /// numpy has at most 32 axes (`NPY_MAXDIMS`); tconv keeps that bound everywhere.
    static let maxRank = 32

    /// `np.asarray(value)`: numbers and (nested) lists become arrays; ints become int64, floats
    /// float64, bools bool, as numpy infers them. Arrays pass through (a tensor becomes numpy).
    static func numpyArray(_ value: Value, span: Span, interpreter: Interpreter) throws(ScriptError) -> ArrayValue {
        if case .array(let a) = value { return ArrayValue(a.tensor, kind: a.kind, flavor: .numpy) }
        let (shape, values, kind) = try flatten(value, span: span, interpreter: interpreter)
        return ArrayValue(Tensor(shape: shape, float64: values), kind: kind.numpyDefault, flavor: .numpy)
    }

    /// `tf.constant(value)` without a dtype: Python ints become int32, floats float32, bools bool;
    /// numpy arrays keep their dtype.
    static func tfTensor(_ value: Value, span: Span, interpreter: Interpreter) throws(ScriptError) -> ArrayValue {
        if case .array(let a) = value { return ArrayValue(a.tensor, kind: a.kind, flavor: .tf) }
        let (shape, values, kind) = try flatten(value, span: span, interpreter: interpreter)
        let array = ArrayValue(Tensor(shape: shape, float64: values), kind: kind.tfDefault, flavor: .tf)
        if array.kind == .int32 { try checkInt32(array, span: span) }
        return array.kind == .float32 ? array.cast(to: .float32) : array
    }

    /// TensorFlow refuses Python ints outside int32 when it builds an int32 tensor.
    static func checkInt32(_ array: ArrayValue, span: Span) throws(ScriptError) {
        if let bad = array.doubles.first(where: { $0 < -2147483648 || $0 > 2147483647 }) {
            throw .value("cannot convert \(Printing.integerText(bad)) to an int32 tensor (out of range)", span,
                         notes: ["give dtype=tf.int64 or tf.float64"])
        }
    }

    /// The Python scalar kinds found in a nested list, from weakest to strongest.
    enum LiteralKind: Int {
        case bool, int, float
        var numpyDefault: ElementKind { [.bool, .int64, .float64][rawValue] }
        var tfDefault: ElementKind { [.bool, .int32, .float32][rawValue] }
    }

    /// Shape, row-major values and the strongest scalar kind of a number or nested list. Arrays
    /// inside lists are stacked.
    static func flatten(_ value: Value, span: Span, interpreter: Interpreter) throws(ScriptError) -> ([Int], [Double], LiteralKind) {
        var shape = [Int]()
        var probe = value
        while true {
            if shape.count > maxRank {
                throw .value("nested lists deeper than \(maxRank) levels cannot become an array", span)
            }
            if let items = probe.sequence {
                shape.append(items.count)
                guard let first = items.first else { break }
                probe = first
            } else if case .array(let a) = probe {
                shape += a.shape
                break
            } else {
                break
            }
        }
        guard shape.count <= maxRank else { throw .value("an array can have at most \(maxRank) axes", span) }
        try ShapeMath.checkAllocation(shape, kind: .float64, limits: interpreter.limits, span: span)
        var values = [Double]()
        values.reserveCapacity(ShapeMath.count(shape) ?? 0)
        var kind = LiteralKind.bool
        var sawAnything = false
        func fill(_ v: Value, _ axis: Int) throws(ScriptError) {
            if axis == shape.count {
                switch v {
                case .bool(let b): values.append(b ? 1 : 0)
                case .int(let i): values.append(Double(i)); kind = max(kind, .int)
                case .float(let d): values.append(d); kind = .float
                case .array(let a) where a.rank == 0:
                    values.append(a.tensor[flat: 0])
                    kind = max(kind, a.kind.isFloat ? .float : a.kind == .bool ? .bool : .int)
                case .string:
                    throw .value("could not convert a string to a number", span)
                default:
                    throw .type("cannot put a \(v.typeName) into an array", span)
                }
                sawAnything = true
                return
            }
            if let items = v.sequence {
                guard items.count == shape[axis] else {
                    throw .value("the nested lists are ragged: a list of \(items.count) where \(shape[axis]) items were expected (depth \(axis + 1))", span,
                                 notes: ["every row must have the same length"])
                }
                for item in items { try fill(item, axis + 1) }
            } else if case .array(let a) = v, Array(shape[axis...]) == a.shape {
                values += a.doubles
                kind = max(kind, a.kind.isFloat ? .float : a.kind == .bool ? .bool : .int)
                sawAnything = true
            } else {
                throw .value("the nested lists are ragged (an item of type \(v.typeName) where a list of \(shape[axis]) was expected)", span)
            }
        }
        try fill(value, 0)
        // An empty list is float64 in numpy, float32 in TF.
        if !sawAnything { kind = .float }
        return (shape, values, kind)
    }

    /// Strongest numpy kind of two arrays (numpy's promotion for the kinds tconv has).
    static func promote(_ a: ElementKind, _ b: ElementKind) -> ElementKind {
        if a == b { return a }
        let (low, high) = a.rank < b.rank ? (a, b) : (b, a)
        if low == .bool { return high }
        if low == .int32 && high == .int64 { return .int64 }
        // Any int with float32, or float32 with float64, needs float64.
        return .float64
    }

    /// numpy's rule for a Python scalar meeting an array of `kind` (NEP 50: the scalar is weak).
    static func promoteScalar(_ scalar: Value, with kind: ElementKind) -> ElementKind {
        switch scalar {
        case .float: return kind.isFloat ? kind : .float64
        case .int: return kind == .bool ? .int64 : kind
        default: return kind
        }
    }

    /// Reads a `dtype=` argument: `tf.float32`, `np.float64`, `'float32'`, Python `float`/`int`/`bool`.
    static func dtype(_ value: Value, span: Span) throws(ScriptError) -> ElementKind? {
        switch value {
        case .none: return nil
        case .dtype(let kind, _): return kind
        case .string(let s):
            if let kind = ElementKind(rawValue: s) { return kind }
            switch s {
            case "float", "double", "f8": return .float64
            case "f4", "single": return .float32
            case "int", "i8": return .int64
            case "i4": return .int32
            default: break
            }
            throw .type("data type '\(s)' is not supported", span, notes: ["tconv has float32, float64, int32, int64 and bool"])
        case .builtin("float"): return .float64
        case .builtin("int"): return .int64
        case .builtin("bool"): return .bool
        default:
            throw .type("expected a dtype such as tf.float32 or np.float64, got \(value.typeName)", span)
        }
    }

    /// A shape argument: an int, a list/tuple of ints, or a 1-D integer array.
    static func shape(_ value: Value, span: Span, allowInferred: Bool = false) throws(ScriptError) -> [Int] {
        var items: [Value]
        switch value {
        case .list(let l), .tuple(let l): items = l
        case .array(let a) where a.rank == 1: items = a.doubles.map { .float($0) }
        case .array(let a) where a.rank == 0: items = [.float(a.tensor[flat: 0])]
        default:
            guard value.intValue != nil else {
                throw .type("a shape must be an int or a list of ints, got \(value.typeName)", span)
            }
            items = [value]
        }
        guard items.count <= maxRank else { throw .value("a shape can have at most \(maxRank) axes, got \(items.count)", span) }
        var shape = [Int]()
        for item in items {
            var n: Int64? = item.intValue
            if n == nil, case .float(let d) = item, d.isFinite, d == d.rounded(), abs(d) < 9e18 { n = Int64(d) }
            guard let n else { throw .type("shape entries must be integers, got \(item.typeName) \(Printing.repr(item, options: PrintOptions()))", span) }
            guard n >= 0 || (allowInferred && n == -1) else {
                throw .value("negative dimensions are not allowed (\(n))", span)
            }
            guard n <= Int64(Int32.max) * 1024 else { throw ScriptError(ErrorCategory.tooLarge.rawValue, "dimension \(n) is too large", span: span) }
            shape.append(Int(n))
        }
        return shape
    }

    /// A list of ints (axes, perm), from an int, a list/tuple or a 1-D array.
    static func ints(_ value: Value, span: Span, what: String) throws(ScriptError) -> [Int] {
        if let i = value.intValue { return [Int(clamping: i)] }
        var items: [Value] = []
        switch value {
        case .list(let l), .tuple(let l): items = l
        case .array(let a) where a.rank == 1 && !a.kind.isFloat: items = a.doubles.map { .int(Int64($0)) }
        default: throw .type("\(what) must be an int or a list of ints, got \(value.typeName)", span)
        }
        var result = [Int]()
        for item in items {
            guard let i = item.intValue else { throw .type("\(what) must be integers, got \(item.typeName)", span) }
            result.append(Int(clamping: i))
        }
        return result
    }
}

extension Convert.LiteralKind: Comparable {
    static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}
