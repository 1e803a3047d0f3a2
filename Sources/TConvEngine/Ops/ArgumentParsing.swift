/// `padding` after TensorFlow's Python conversion (`convert_padding`): a string, or the string
/// `EXPLICIT` plus one `[before, after]` pair per dimension in data_format order.
enum ParsedPadding: Equatable {
    case string(String)
    case explicit([(Int64, Int64)])

    static func == (a: ParsedPadding, b: ParsedPadding) -> Bool {
        switch (a, b) {
        case (.string(let x), .string(let y)): return x == y
        case (.explicit(let x), .explicit(let y)): return x.elementsEqual(y, by: ==)
        default: return false
        }
    }

    var isExplicit: Bool { if case .explicit = self { return true } else { return false } }
}

/// Argument conversion with TensorFlow's rules and tconv's messages. Every function throws an
/// `EngineError` naming the op and the argument.
struct ArgumentReader {
    let op: String

    /// Largest stride, dilation or pad accepted (TensorFlow's shapes are int32), which keeps every
    /// index computation of the kernels far from Int64 overflow.
    static let maxAttribute: Int64 = Int64(Int32.max)

    func fail(_ category: ErrorCategory, _ argument: String, _ message: String, valid: String? = nil) -> EngineError {
        EngineError(category, op: op, argument: argument, message, valid: valid)
    }

    /// The tensor bound to `name`, or a `bad_argument` error.
    func tensor(_ value: TFValue, _ name: String) throws(EngineError) -> Tensor {
        guard case .tensor(let t) = value else {
            throw fail(.badArgument, name, "expected a tensor, got \(value.typeName) \(value)",
                       valid: "a float32 or float64 tensor")
        }
        return t
    }

    /// TensorFlow's `_get_sequence`: None means all ones; an int or a one-element list is copied to
    /// every spatial axis; `n` values are the spatial axes; `n + 2` values are used as given.
    /// Returns the full list in data_format order.
    func sequence(_ value: TFValue, _ name: String, spatial n: Int, channelsFirst: Bool,
                  category: ErrorCategory, lengthText: String? = nil) throws(EngineError) -> [Int64] {
        var items: [TFValue]
        switch value {
        case .null: return Array(repeating: 1, count: n + 2)
        case .list(let l): items = l
        case .tensor(let t) where t.rank == 1: items = t.doubles.map { .float($0) }
        default: items = [value]
        }
        let lengths = lengthText ?? "1, \(n) or \(n + 2)"
        var ints = [Int64]()
        for item in items {
            guard let v = Self.strictInteger(item) else {
                throw fail(category, name, "\(name) must be integers, got \(item.typeName) \(item) in \(value)",
                           valid: "a list of \(lengths) integers")
            }
            guard abs(v) <= Self.maxAttribute else {
                throw fail(category, name, "\(name) value \(v) is beyond any size tconv handles",
                           valid: "values up to \(Self.maxAttribute)")
            }
            ints.append(v)
        }
        if ints.count == n + 2 { return ints }
        if ints.count == 1 { ints = Array(repeating: ints[0], count: n) }
        guard ints.count == n else {
            throw fail(category, name, "\(name) should be of length \(lengths), got \(value) of length \(items.count)",
                       valid: "an int, or a list of \(lengths) values")
        }
        return channelsFirst ? [1, 1] + ints : [1] + ints + [1]
    }

    /// An int that is written as an int (Python `int`, numpy integer, or an integral tensor element).
    static func strictInteger(_ value: TFValue) -> Int64? {
        switch value {
        case .int(let i): return i
        case .float(let d):
            // Values that came out of a tensor or a JSON number: accept when integral.
            guard d.isFinite, d == d.rounded(), abs(d) < 9.0e18 else { return nil }
            return Int64(d)
        case .tensor(let t) where t.count == 1: return TFValue.float(t[flat: 0]).integer
        default: return nil
        }
    }

    /// TensorFlow's `convert_padding`: a string passes through (except `EXPLICIT`); a list must be
    /// `expectedLength` pairs. Pads given as floats are truncated, as Python's int() does.
    func padding(_ value: TFValue, expectedLength: Int, allowList: Bool = true, listRefusal: String? = nil)
        throws(EngineError) -> ParsedPadding
    {
        switch value {
        case .string(let s):
            if s == "EXPLICIT" {
                throw fail(.badPadding, "padding", "'EXPLICIT' is not a valid padding string",
                           valid: allowList ? "'SAME', 'VALID', or a list of \(expectedLength) [before, after] pairs"
                               : "'SAME' or 'VALID'")
            }
            return .string(s)
        case .list(let items):
            guard allowList else {
                throw fail(.badPadding, "padding", listRefusal ?? "\(op) takes padding as a string, got the list \(value)",
                           valid: "'SAME' or 'VALID'")
            }
            var pairs = [(Int64, Int64)]()
            for (index, item) in items.enumerated() {
                guard case .list(let pair) = item else {
                    throw fail(.badPadding, "padding",
                               "element \(index) of padding is \(item.typeName) \(item), not a [before, after] pair",
                               valid: "a list of \(expectedLength) [before, after] pairs")
                }
                guard pair.count == 2 else {
                    throw fail(.badPadding, "padding", "element \(index) of padding has \(pair.count) values, not 2",
                               valid: "a list of \(expectedLength) [before, after] pairs")
                }
                var ints = [Int64]()
                for v in pair {
                    switch v {
                    case .int(let i): ints.append(i)
                    case .float(let d) where d.isFinite && abs(d) < 9.0e18: ints.append(Int64(d))
                    default:
                        throw fail(.badPadding, "padding", "padding element \(index) holds \(v.typeName) \(v), not a number",
                                   valid: "integer pads")
                    }
                }
                guard ints.allSatisfy({ abs($0) <= Self.maxAttribute }) else {
                    throw fail(.badPadding, "padding", "padding element \(index) \(item) is beyond any size tconv handles",
                               valid: "pads up to \(Self.maxAttribute)")
                }
                pairs.append((ints[0], ints[1]))
            }
            guard items.count == expectedLength else {
                throw fail(.badPadding, "padding",
                           "explicit padding has \(items.count) pairs, needs \(expectedLength) (one per dimension, in data_format order)",
                           valid: "a list of \(expectedLength) [before, after] pairs with [0, 0] for batch and channels")
            }
            return .explicit(pairs)
        case .tensor:
            throw fail(.badPadding, "padding", "padding given as a tensor (TF: truth value of an array is ambiguous)",
                       valid: "a string or a Python list of pairs")
        default:
            throw fail(.badPadding, "padding", "padding must be a string or a list, got \(value.typeName) \(value)",
                       valid: allowList ? "'SAME', 'VALID' or a list of pairs" : "'SAME' or 'VALID'")
        }
    }

    /// A string argument such as `data_format`; `None` gives `defaultValue`.
    func string(_ value: TFValue, _ name: String, default defaultValue: String, category: ErrorCategory,
                valid: String) throws(EngineError) -> String {
        switch value {
        case .null: return defaultValue
        case .string(let s): return s
        default: throw fail(category, name, "\(name) must be a string, got \(value.typeName) \(value)", valid: valid)
        }
    }

    /// `output_shape` as a list of ints (a list, tuple, or 1-D tensor of integral values).
    func outputShape(_ value: TFValue) throws(EngineError) -> [Int64] {
        let items: [TFValue]
        switch value {
        case .list(let l): items = l
        case .tensor(let t):
            guard t.rank == 1 else {
                throw fail(.badOutputShape, "output_shape", "output_shape must be 1-D, got a tensor of rank \(t.rank)",
                           valid: "a list of ints")
            }
            items = t.doubles.map { .float($0) }
        case .null:
            throw fail(.badOutputShape, "output_shape", "output_shape is required", valid: "a list of ints")
        default:
            throw fail(.badOutputShape, "output_shape", "output_shape must be a list of ints, got \(value.typeName) \(value)",
                       valid: "a list of ints")
        }
        var shape = [Int64]()
        for item in items {
            guard let v = Self.strictInteger(item) else {
                throw fail(.badOutputShape, "output_shape", "output_shape entries must be integers, got \(item.typeName) \(item)",
                           valid: "a list of ints")
            }
            shape.append(v)
        }
        return shape
    }

    /// The batch and channel entries of a full strides/dilations list must be 1.
    func requireUnitBatchAndChannel(_ values: [Int64], _ name: String, nonSpatial: [Int], category: ErrorCategory,
                                    valid: String = "1 on batch and channels") throws(EngineError) {
        for axis in nonSpatial where values[axis] != 1 {
            let what = name == "strides" ? "stride" : "dilation"
            throw fail(category, name,
                       "\(what) on the \(axis == 0 ? "batch" : "channel") dimension is \(values[axis]) in \(shapeText(values))",
                       valid: valid)
        }
    }

    /// The spatial entries of a full strides/dilations list must be at least 1.
    func requirePositive(_ values: [Int64], _ name: String, spatial: [Int], category: ErrorCategory) throws(EngineError) {
        for axis in spatial where values[axis] < 1 {
            let what = name == "strides" ? "stride" : "dilation"
            throw fail(category, name, "\(what) \(values[axis]) on axis \(axis) of \(shapeText(values)) is below 1",
                       valid: "\(name) >= 1")
        }
    }

    /// Explicit pads: none negative, and [0, 0] on the batch and channel dimensions.
    func checkExplicitPads(_ pairs: [(Int64, Int64)], nonSpatial: [Int]) throws(EngineError) {
        if let bad = pairs.firstIndex(where: { $0.0 < 0 || $0.1 < 0 }) {
            throw fail(.badPadding, "padding", "explicit padding \(TFOps.pairText(pairs)) has a negative pad at index \(bad)",
                       valid: "pads >= 0")
        }
        for axis in nonSpatial where pairs[axis] != (0, 0) {
            throw fail(.badPadding, "padding",
                       "explicit padding \(TFOps.pairText(pairs)) pads the \(axis == 0 ? "batch" : "channel") dimension",
                       valid: "[0, 0] for batch and channels")
        }
    }

    /// Rejects negative and absurd output_shape entries (TF converts to int32: values >= 2^31 wrap).
    func checkOutputShapeEntries(_ shape: [Int64]) throws(EngineError) {
        for (axis, v) in shape.enumerated() {
            if v < 0 {
                throw fail(.badOutputShape, "output_shape", "output_shape[\(axis)] = \(v) is negative (in \(shape))",
                           valid: "sizes >= 0")
            }
            if v > Int64(Int32.max) {
                throw fail(.badOutputShape, "output_shape",
                           "output_shape[\(axis)] = \(v) does not fit TensorFlow's int32 shape (max 2147483647)",
                           valid: "sizes below 2^31")
            }
        }
    }
}

/// Spatial letters for `rank` spatial axes: ["W"], ["H", "W"], ["D", "H", "W"].
func spatialLetters(_ rank: Int) -> [String] {
    Array(["D", "H", "W"].suffix(rank))
}

/// Spatial axis indices in a data tensor of spatial rank `rank`.
func spatialAxes(rank: Int, channelsFirst: Bool) -> [Int] {
    channelsFirst ? Array(2..<(2 + rank)) : Array(1..<(1 + rank))
}

func shapeText(_ shape: [Int]) -> String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }
func shapeText(_ shape: [Int64]) -> String { "[" + shape.map { String($0) }.joined(separator: ", ") + "]" }
