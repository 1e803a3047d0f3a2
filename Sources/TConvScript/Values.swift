import TConvEngine

/// The element type a script array claims to have. The engine computes in float32 and float64
/// only; integer and boolean arrays (`np.arange(6)`, `tf.range(6)`, int `.npy` files) are stored
/// as float64 tensors holding integral values, and remember their kind for printing and for
/// numpy's and TensorFlow's type rules.
public enum ElementKind: String, Sendable, CaseIterable, CustomStringConvertible {
    case float32, float64, int32, int64, bool

    public var description: String { rawValue }
    public var isFloat: Bool { self == .float32 || self == .float64 }
    /// `a` or `an`, for messages.
    var article: String { self == .int32 || self == .int64 ? "an" : "a" }
    /// The storage type of the tensor that holds this kind.
    public var storage: DType { self == .float32 ? .float32 : .float64 }

    /// The kind of a float tensor.
    public init(_ dtype: DType) { self = dtype == .float32 ? .float32 : .float64 }

    /// numpy's promotion order: bool < ints < floats; the wider of the same family.
    var rank: Int {
        switch self {
        case .bool: return 0
        case .int32: return 1
        case .int64: return 2
        case .float32: return 3
        case .float64: return 4
        }
    }
}

/// Which library made an array: TensorFlow tensors refuse operands of another dtype, numpy
/// arrays promote, and a numpy operand meeting a tensor is converted to the tensor's dtype.
/// PyTorch tensors promote as numpy does (with float32 as the default float) and print with
/// a `<torch.Tensor ...>` header.
enum Flavor: Sendable, Equatable {
    case tf, numpy, torch
}

/// An array value of the language: a tensor plus its claimed element kind and origin.
struct ArrayValue: Sendable {
    var tensor: Tensor
    var kind: ElementKind
    var flavor: Flavor

    init(_ tensor: Tensor, kind: ElementKind? = nil, flavor: Flavor) {
        let kind = kind ?? ElementKind(tensor.dtype)
        self.tensor = tensor.dtype == kind.storage ? tensor : tensor.converted(to: kind.storage)
        self.kind = kind
        self.flavor = flavor
    }

    var shape: [Int] { tensor.shape }
    var rank: Int { tensor.rank }
    var count: Int { tensor.count }
    var doubles: [Double] { tensor.doubles }

    /// `tensor` or `array`, for messages and headers.
    var noun: String {
        switch flavor {
        case .tf: return "tensor"
        case .numpy: return "array"
        case .torch: return "torch.Tensor"
        }
    }

    /// Python's name of the value's class, for messages (`Tensor`, `ndarray`).
    var className: String {
        switch flavor {
        case .tf: return "Tensor"
        case .numpy: return "ndarray"
        case .torch: return "torch.Tensor"
        }
    }

    /// The same values as another element kind (floats become ints by truncation, as a cast does;
    /// bools become 0/1 and any non-zero becomes True).
    func cast(to newKind: ElementKind, flavor newFlavor: Flavor? = nil) -> ArrayValue {
        let f = newFlavor ?? flavor
        if newKind == kind { return ArrayValue(tensor, kind: kind, flavor: f) }
        switch newKind {
        case .float32, .float64:
            return ArrayValue(tensor.converted(to: newKind.storage), kind: newKind, flavor: f)
        case .int32, .int64:
            let values = doubles.map { v -> Double in v.isFinite ? v.rounded(.towardZero) : 0 }
            return ArrayValue(Tensor(shape: shape, float64: values, layout: tensor.layout), kind: newKind, flavor: f)
        case .bool:
            let values = doubles.map { $0 != 0 ? 1.0 : 0.0 }
            return ArrayValue(Tensor(shape: shape, float64: values, layout: tensor.layout), kind: .bool, flavor: f)
        }
    }
}

/// A value of the language.
indirect enum Value: Sendable {
    case none
    case bool(Bool)
    case int(Int64)
    case float(Double)
    case string(String)
    case list([Value])
    case tuple([Value])
    case array(ArrayValue)
    /// `tf.float32`, `np.float64`, ...
    case dtype(ElementKind, Flavor)
    /// A module namespace: `tf`, `tf.nn`, `np.random`, `torch`.
    case module(String)
    /// A builtin function, by its table name.
    case builtin(String)
    /// A method bound to an array: `x.reshape`.
    case method(ArrayValue, String)
    case ellipsis

    /// Python's name for the value's type, for messages.
    var typeName: String {
        switch self {
        case .none: return "NoneType"
        case .bool: return "bool"
        case .int: return "int"
        case .float: return "float"
        case .string: return "str"
        case .list: return "list"
        case .tuple: return "tuple"
        case .array(let a): return a.className
        case .dtype: return "dtype"
        case .module: return "module"
        case .builtin: return "function"
        case .method: return "method"
        case .ellipsis: return "ellipsis"
        }
    }

    var isNone: Bool { if case .none = self { return true } else { return false } }

    /// The value as a Python int, when it is one (bools and integral 0-d integer arrays count).
    var intValue: Int64? {
        switch self {
        case .int(let i): return i
        case .bool(let b): return b ? 1 : 0
        case .array(let a) where a.count == 1 && a.rank == 0 && !a.kind.isFloat:
            let v = a.tensor[flat: 0]
            return v.isFinite && abs(v) < 9.2e18 ? Int64(v) : nil
        default: return nil
        }
    }

    /// The value as a Python float, when it is a number or a one-element array.
    var doubleValue: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .float(let d): return d
        case .bool(let b): return b ? 1 : 0
        case .array(let a) where a.count == 1: return a.tensor[flat: 0]
        default: return nil
        }
    }

    /// The items of a list or tuple.
    var sequence: [Value]? {
        switch self {
        case .list(let items), .tuple(let items): return items
        default: return nil
        }
    }
}

/// Checked size arithmetic for shapes: element counts and byte sizes never trap.
enum ShapeMath {
    /// Product of extents, `nil` on a negative extent or when the product of the non-zero extents
    /// overflows (so that no partial product of an existing shape can overflow either).
    static func count(_ shape: [Int]) -> Int? {
        var n = 1
        var hasZero = false
        for extent in shape {
            guard extent >= 0 else { return nil }
            if extent == 0 { hasZero = true; continue }
            let (p, overflow) = n.multipliedReportingOverflow(by: extent)
            if overflow { return nil }
            n = p
        }
        return hasZero ? 0 : n
    }

    /// Refuses a new array whose storage would pass `limits` (or overflow), before allocating it.
    static func checkAllocation(_ shape: [Int], kind: ElementKind, limits: EngineLimits, span: Span?) throws(ScriptError) {
        let width = Int64(kind.storage.byteWidth)
        guard shape.count <= Convert.maxRank else {
            throw .value("an array can have at most \(Convert.maxRank) axes, got \(shape.count)", span)
        }
        guard let n = count(shape), let bytes = SizeArithmetic.mul(Int64(n), width), bytes <= limits.maxResultBytes else {
            let shown = "[" + shape.map(String.init).joined(separator: ", ") + "]"
            let size = count(shape).flatMap { SizeArithmetic.mul(Int64($0), width) }.map { "\($0) bytes" } ?? "more than 2^63 bytes"
            throw ScriptError(ErrorCategory.tooLarge.rawValue, "an array of shape \(shown) (\(kind)) would take \(size)",
                              span: span, notes: ["the limit is \(limits.maxResultBytes) bytes"])
        }
    }
}
