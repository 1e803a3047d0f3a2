/// Element type of a tensor. tconv computes in the two IEEE binary formats TensorFlow's CPU
/// kernels use for convolutions.
public enum DType: String, Sendable, CaseIterable, CustomStringConvertible {
    case float32
    case float64

    /// Bytes per element.
    public var byteWidth: Int { self == .float32 ? 4 : 8 }
    public var description: String { rawValue }
}

/// The name of a tensor's axis order (`NHWC`, `NCHW`, ...), shown with every tensor so that users
/// always know which axis is which. Filters carry names such as `HWOI` (transposed ops:
/// `[KH, KW, Cout, Cin]`) or `HWIO` (forward ops).
public struct Layout: Hashable, Sendable, CustomStringConvertible {
    public let name: String
    public init(_ name: String) { self.name = name }
    public var description: String { name }

    public static let nwc = Layout("NWC"), ncw = Layout("NCW")
    public static let nhwc = Layout("NHWC"), nchw = Layout("NCHW")
    public static let ndhwc = Layout("NDHWC"), ncdhw = Layout("NCDHW")

    /// Data layouts tconv knows, by spatial rank and channel position.
    public static func data(rank: Int, channelsFirst: Bool) -> Layout {
        switch (rank, channelsFirst) {
        case (1, false): return .nwc
        case (1, true): return .ncw
        case (2, false): return .nhwc
        case (2, true): return .nchw
        case (3, false): return .ndhwc
        default: return .ncdhw
        }
    }

    /// Filter layout name: spatial letters, then `OI` for transposed ops (`[K.., Cout, Cin]`) or
    /// `IO` for forward ops (`[K.., Cin, Cout]`).
    public static func filter(rank: Int, transposed: Bool) -> Layout {
        let spatial = ["W", "HW", "DHW"][max(0, min(2, rank - 1))]
        return Layout(spatial + (transposed ? "OI" : "IO"))
    }
}

/// Flat, row-major element storage of one of the two float types.
public enum TensorStorage: Sendable, Equatable {
    case float32(TensorBuffer<Float>)
    case float64(TensorBuffer<Double>)

    public var count: Int {
        switch self {
        case .float32(let a): return a.count
        case .float64(let a): return a.count
        }
    }

    public var dtype: DType {
        switch self {
        case .float32: return .float32
        case .float64: return .float64
        }
    }
}

/// A dense tensor: shape, optional layout name, and row-major (C order) storage.
///
/// Value semantics: copies share their storage, which is never written after it is made.
public struct Tensor: Sendable, Equatable {
    /// Extent of each axis, outermost first.
    public private(set) var shape: [Int]
    /// Axis-order name, for display; `nil` for plain arrays.
    public var layout: Layout?
    /// The elements in row-major order.
    public private(set) var storage: TensorStorage

    /// Creates a tensor; the element count must equal the product of `shape`.
    public init(shape: [Int], storage: TensorStorage, layout: Layout? = nil) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative extent in tensor shape")
        precondition(shape.reduce(1, *) == storage.count, "storage does not match shape")
        self.shape = shape
        self.storage = storage
        self.layout = layout
    }

    public init(shape: [Int], float32 data: [Float], layout: Layout? = nil) {
        self.init(shape: shape, storage: .float32(TensorBuffer(data)), layout: layout)
    }

    public init(shape: [Int], float64 data: [Double], layout: Layout? = nil) {
        self.init(shape: shape, storage: .float64(TensorBuffer(data)), layout: layout)
    }

    /// A tensor of zeros.
    public init(zeros shape: [Int], dtype: DType, layout: Layout? = nil) {
        let n = shape.reduce(1, *)
        switch dtype {
        case .float32: self.init(shape: shape, storage: .float32(TensorBuffer(repeating: 0, count: n)), layout: layout)
        case .float64: self.init(shape: shape, storage: .float64(TensorBuffer(repeating: 0, count: n)), layout: layout)
        }
    }

    /// Builds a tensor of `dtype` from doubles (rounded to float32 when asked).
    public init(shape: [Int], values: [Double], dtype: DType, layout: Layout? = nil) {
        switch dtype {
        case .float32: self.init(shape: shape, storage: .float32(.make(count: values.count) { out in
            for i in 0..<values.count { out[i] = Float(values[i]) }
        }), layout: layout)
        case .float64: self.init(shape: shape, storage: .float64(TensorBuffer(values)), layout: layout)
        }
    }

    public var dtype: DType { storage.dtype }
    public var rank: Int { shape.count }
    /// Number of elements.
    public var count: Int { storage.count }

    /// Element `i` of the flat storage, widened to Double.
    public subscript(flat i: Int) -> Double {
        switch storage {
        case .float32(let a): return Double(a[i])
        case .float64(let a): return a[i]
        }
    }

    /// All elements widened to Double, in row-major order.
    public var doubles: [Double] {
        switch storage {
        case .float32(let a): return a.map { Double($0) }
        case .float64(let a): return a.array
        }
    }

    /// Calls `body` with the elements as doubles: in place for float64, through a widened copy for
    /// float32 (so a large float64 tensor is read without copying it).
    public func withDoubles<R>(_ body: (UnsafeBufferPointer<Double>) throws -> R) rethrows -> R {
        switch storage {
        case .float32: return try doubles.withUnsafeBufferPointer(body)
        case .float64(let a): return try a.withUnsafeBufferPointer(body)
        }
    }

    /// `transform` of every element (widened to Double), as a tensor of `dtype` and this shape.
    public func mapped(to dtype: DType, _ transform: (Double) -> Double) -> Tensor {
        func build<S, T>(_ a: TensorBuffer<S>, _ widen: (S) -> Double, _ narrow: (Double) -> T) -> TensorBuffer<T> {
            .make(count: a.count) { out in
                for i in 0..<a.count { out[i] = narrow(transform(widen(a.base[i]))) }
            }
        }
        switch (storage, dtype) {
        case (.float32(let a), .float32): return Tensor(shape: shape, storage: .float32(build(a, { Double($0) }, { Float($0) })), layout: layout)
        case (.float32(let a), .float64): return Tensor(shape: shape, storage: .float64(build(a, { Double($0) }, { $0 })), layout: layout)
        case (.float64(let a), .float32): return Tensor(shape: shape, storage: .float32(build(a, { $0 }, { Float($0) })), layout: layout)
        case (.float64(let a), .float64): return Tensor(shape: shape, storage: .float64(build(a, { $0 }, { $0 })), layout: layout)
        }
    }

    /// The same values in another element type (float64 -> float32 rounds to nearest).
    public func converted(to dtype: DType) -> Tensor {
        dtype == self.dtype ? self : mapped(to: dtype) { $0 }
    }

    /// The same elements under a new shape of equal element count, or `nil` when the counts differ.
    public func reshaped(_ newShape: [Int], layout: Layout? = nil) -> Tensor? {
        guard newShape.allSatisfy({ $0 >= 0 }), newShape.reduce(1, *) == count else { return nil }
        return Tensor(shape: newShape, storage: storage, layout: layout)
    }

    /// Row-major strides of `shape`, in elements.
    public static func strides(of shape: [Int]) -> [Int] {
        var strides = Array(repeating: 1, count: shape.count)
        var running = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[axis] = running
            running *= shape[axis]
        }
        return strides
    }

    /// Flat offset of a multi-index (no bounds check beyond the arithmetic).
    public func flatIndex(_ index: [Int]) -> Int {
        var offset = 0
        for (axis, i) in index.enumerated() { offset = offset * shape[axis] + i }
        return offset
    }

    /// The axes permuted: result axis `k` is source axis `permutation[k]`.
    public func transposed(_ permutation: [Int], layout: Layout? = nil) -> Tensor {
        precondition(permutation.sorted() == Array(0..<rank), "not a permutation of the axes")
        let newShape = permutation.map { shape[$0] }
        let sourceStrides = Tensor.strides(of: shape)
        let permutedStrides = permutation.map { sourceStrides[$0] }
        func gather<T>(_ a: TensorBuffer<T>) -> TensorBuffer<T> {
            .make(count: a.count) { out in
                if a.isEmpty { return }
                var index = Array(repeating: 0, count: rank)
                var offset = 0
                for k in 0..<a.count {
                    out[k] = a.base[offset]
                    var axis = rank - 1
                    while axis >= 0 {
                        index[axis] += 1
                        offset += permutedStrides[axis]
                        if index[axis] < newShape[axis] { break }
                        offset -= permutedStrides[axis] * newShape[axis]
                        index[axis] = 0
                        axis -= 1
                    }
                }
            }
        }
        switch storage {
        case .float32(let a): return Tensor(shape: newShape, storage: .float32(gather(a)), layout: layout)
        case .float64(let a): return Tensor(shape: newShape, storage: .float64(gather(a)), layout: layout)
        }
    }

    /// Largest absolute elementwise difference, or `nil` when the shapes differ.
    public func maxAbsDifference(_ other: Tensor) -> Double? {
        guard shape == other.shape else { return nil }
        let a = doubles, b = other.doubles
        var worst = 0.0
        for i in 0..<a.count {
            let d = abs(a[i] - b[i])
            if d.isNaN { return .infinity }
            worst = max(worst, d)
        }
        return worst
    }
}
