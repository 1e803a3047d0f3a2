import TConvEngine

/// A 2-D array of values to draw: `rows` x `cols`, row-major.
public struct Slice2D: Sendable, Equatable {
    public var rows: Int
    public var cols: Int
    public var values: [Double]

    public init(rows: Int, cols: Int, values: [Double]) {
        precondition(values.count == rows * cols, "slice values do not match its size")
        self.rows = rows
        self.cols = cols
        self.values = values
    }

    /// A slice of zeros.
    public init(rows: Int, cols: Int, fill: Double = 0) {
        self.init(rows: max(0, rows), cols: max(0, cols), values: Array(repeating: fill, count: max(0, rows) * max(0, cols)))
    }

    /// The element at (`row`, `col`), or NaN outside.
    public subscript(row: Int, col: Int) -> Double {
        (row >= 0 && row < rows && col >= 0 && col < cols) ? values[row * cols + col] : .nan
    }

    /// The range of the values.
    public var range: ValueRange { ValueRange(values) }
}

/// How a tensor of any rank is cut into 2-D pictures: which axes are spatial (drawn), which
/// index the small multiples (batch, channel, filter in/out), and which one is the channel.
///
/// With a layout name (`NHWC`, `NCDHW`, `HWOI`, ...) the letters decide: D, H, W are spatial,
/// C (or O for filters) is the channel. Without one: rank 0 is a scalar, rank 1 a row, rank 2 a
/// matrix, rank 3/4/5 are read as NWC/NHWC/NDHWC (channel last), and higher ranks put the
/// channel last, three spatial axes before it and index every other axis.
public struct SliceLayout: Sendable, Equatable {
    public let shape: [Int]
    /// Up to three drawn axes: `[W]`, `[H, W]` or `[D, H, W]`; the last two are rows/columns.
    public let spatialAxes: [Int]
    /// Axes each small multiple fixes, in axis order.
    public let sliceAxes: [Int]
    /// The channel axis (one of `sliceAxes`), if any.
    public let channelAxis: Int?

    /// The cut of `tensor`, from its layout name when it has one that matches its rank.
    public init(tensor: Tensor) { self.init(shape: tensor.shape, layout: tensor.layout) }

    public init(shape: [Int], layout: Layout?) {
        self.shape = shape
        let rank = shape.count
        if let name = layout?.name, name.count == rank, rank > 0 {
            let letters = Array(name)
            var spatial = [Int](), slices = [Int]()
            for (axis, letter) in letters.enumerated() {
                if "DHW".contains(letter) && spatial.count < 3 { spatial.append(axis) } else { slices.append(axis) }
            }
            spatialAxes = spatial
            sliceAxes = slices
            channelAxis = letters.firstIndex(of: "C") ?? letters.firstIndex(of: "O") ?? slices.last
            return
        }
        switch rank {
        case 0: spatialAxes = []; sliceAxes = []; channelAxis = nil
        case 1: spatialAxes = [0]; sliceAxes = []; channelAxis = nil
        case 2: spatialAxes = [0, 1]; sliceAxes = []; channelAxis = nil
        default:
            let first = max(1, rank - 4)
            spatialAxes = Array(first..<(rank - 1))
            sliceAxes = Array(0..<first) + [rank - 1]
            channelAxis = rank - 1
        }
    }

    /// Number of spatial axes drawn (0 for a scalar).
    public var spatialRank: Int { spatialAxes.count }
    /// Rows of one picture (1 for rank 0 and 1-D).
    public var rows: Int { spatialRank >= 2 ? shape[spatialAxes[spatialRank - 2]] : 1 }
    /// Columns of one picture.
    public var cols: Int { spatialRank >= 1 ? shape[spatialAxes[spatialRank - 1]] : 1 }
    /// Depth slices (1 unless 3-D).
    public var depth: Int { spatialRank == 3 ? shape[spatialAxes[0]] : 1 }
    /// Number of small multiples (one per combination of the slice axes).
    public var sliceCount: Int { sliceAxes.reduce(1) { $0 * shape[$1] } }
    /// True when the tensor has no elements (some axis is 0).
    public var isEmpty: Bool { shape.contains(0) }
    /// Channels (1 when there is no channel axis).
    public var channelCount: Int { channelAxis.map { shape[$0] } ?? 1 }

    /// The slice-axis indices of small multiple `n` (row-major over the slice axes).
    public func sliceIndex(_ n: Int) -> [Int] {
        var rest = n
        var index = Array(repeating: 0, count: sliceAxes.count)
        for k in stride(from: sliceAxes.count - 1, through: 0, by: -1) {
            let extent = max(1, shape[sliceAxes[k]])
            index[k] = rest % extent
            rest /= extent
        }
        return index
    }

    /// The channel of small multiple `n` (0 without a channel axis).
    public func channel(ofSlice n: Int) -> Int {
        guard let c = channelAxis, let k = sliceAxes.firstIndex(of: c) else { return 0 }
        return sliceIndex(n)[k]
    }

    /// The full multi-index of element (`row`, `col`) of slice `n` at depth `d`.
    public func elementIndex(slice n: Int, depth d: Int, row: Int, col: Int) -> [Int] {
        var index = Array(repeating: 0, count: shape.count)
        for (k, axis) in sliceAxes.enumerated() { index[axis] = sliceIndex(n)[k] }
        switch spatialRank {
        case 1: index[spatialAxes[0]] = col
        case 2: index[spatialAxes[0]] = row; index[spatialAxes[1]] = col
        case 3: index[spatialAxes[0]] = d; index[spatialAxes[1]] = row; index[spatialAxes[2]] = col
        default: break
        }
        return index
    }

    /// The label of slice `n`: `y[0,:,:,1]`, or `y[0,2,:,:,1]` for depth slice 2 of a 3-D tensor.
    public func label(name: String, slice n: Int, depth d: Int? = nil) -> String {
        guard !shape.isEmpty else { return name }
        let fixed = sliceIndex(n)
        var parts = [String]()
        for axis in 0..<shape.count {
            if let k = sliceAxes.firstIndex(of: axis) { parts.append(String(fixed[k])) } else if spatialRank == 3 && axis == spatialAxes[0], let d {
                parts.append(String(d))
            } else { parts.append(":") }
        }
        return name + "[" + parts.joined(separator: ",") + "]"
    }

    /// Depth slice `d` of small multiple `n`, read from `values` (the tensor's row-major
    /// elements). Out-of-range `n` or `d` give an empty slice.
    public func extract(_ values: [Double], slice n: Int, depth d: Int = 0) -> Slice2D {
        guard !isEmpty, values.count == shape.reduce(1, *), n >= 0, n < sliceCount, d >= 0, d < depth else {
            return Slice2D(rows: 0, cols: 0)
        }
        let strides = Tensor.strides(of: shape)
        var base = 0
        for (k, axis) in sliceAxes.enumerated() { base += sliceIndex(n)[k] * strides[axis] }
        if spatialRank == 3 { base += d * strides[spatialAxes[0]] }
        let rowStride = spatialRank >= 2 ? strides[spatialAxes[spatialRank - 2]] : 0
        let colStride = spatialRank >= 1 ? strides[spatialAxes[spatialRank - 1]] : 0
        let r = rows, c = cols
        var out = [Double](repeating: 0, count: r * c)
        values.withUnsafeBufferPointer { src in
            for row in 0..<r {
                let rowBase = base + row * rowStride
                for col in 0..<c { out[row * c + col] = src[rowBase + col * colStride] }
            }
        }
        return Slice2D(rows: r, cols: c, values: out)
    }

    /// The layout name shown with the shape (`NHWC`), or the shape alone.
    public static func describe(shape: [Int], layout: Layout?) -> String {
        NumberFormat.list(shape) + (layout.map { " " + $0.name } ?? "")
    }
}
