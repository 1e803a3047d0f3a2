/// A loosely typed argument value, as Python would pass it to a `tf.nn` function: TensorFlow
/// accepts an int or a list for `strides`, a string or a list of pairs for `padding`, and so on,
/// and it validates them in a fixed order. The ops take `TFValue`s so that they can reproduce that
/// order and say exactly what was wrong.
public indirect enum TFValue: Sendable, Equatable, CustomStringConvertible, ExpressibleByIntegerLiteral,
    ExpressibleByStringLiteral, ExpressibleByArrayLiteral
{
    case null
    case bool(Bool)
    case int(Int64)
    case float(Double)
    case string(String)
    case list([TFValue])
    case tensor(Tensor)

    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: TFValue...) { self = .list(elements) }

    /// A list of ints.
    public static func ints(_ values: [Int]) -> TFValue { .list(values.map { .int(Int64($0)) }) }

    public var isNone: Bool { if case .null = self { return true } else { return false } }

    /// Python-style rendering, used in error messages.
    public var description: String {
        switch self {
        case .null: return "None"
        case .bool(let b): return b ? "True" : "False"
        case .int(let i): return String(i)
        case .float(let d): return String(d)
        case .string(let s): return "'\(s)'"
        case .list(let items): return "[" + items.map(\.description).joined(separator: ", ") + "]"
        case .tensor(let t): return "<tensor \(t.shape) \(t.dtype)>"
        }
    }

    /// The value as an integer, if it is one (an integral float or a bool counts, as in Python's
    /// `int()` on numpy scalars; a one-element tensor counts too).
    public var integer: Int64? {
        switch self {
        case .int(let i): return i
        case .bool(let b): return b ? 1 : 0
        case .float(let d):
            guard d.isFinite, d == d.rounded(), abs(d) < 9.0e18 else { return nil }
            return Int64(d)
        case .tensor(let t) where t.count == 1 && t.rank <= 1:
            return TFValue.float(t[flat: 0]).integer
        default: return nil
        }
    }

    /// The elements, if this is a list or a tensor of rank <= 1 (a 1-D tensor of integral values
    /// stands for a Python list of ints).
    public var elements: [TFValue]? {
        switch self {
        case .list(let items): return items
        case .tensor(let t) where t.rank == 1: return t.doubles.map { .float($0) }
        default: return nil
        }
    }

    /// Short Python-like type name, for messages.
    public var typeName: String {
        switch self {
        case .null: return "NoneType"
        case .bool: return "bool"
        case .int: return "int"
        case .float: return "float"
        case .string: return "str"
        case .list: return "list"
        case .tensor: return "Tensor"
        }
    }
}
