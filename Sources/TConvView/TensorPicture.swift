import TConvEngine

/// A tensor prepared for drawing: its values as Doubles, how it is cut into slices, and the
/// value ranges every scale mode needs. Built once per `%show`, reused by every frame.
public struct TensorPicture: Sendable {
    /// The name in labels (`y` gives `y[0,:,:,1]`).
    public let name: String
    public let shape: [Int]
    public let layout: Layout?
    public let dtype: DType?
    public let slices: SliceLayout
    /// Row-major elements.
    public private(set) var values: [Double]
    /// The range of the whole tensor.
    public let globalRange: ValueRange
    /// One range per small multiple (over all its depth slices).
    public let sliceRanges: [ValueRange]
    /// One range per channel (over batch entries and depth); index 0 when there is no channel axis.
    public let channelRanges: [ValueRange]
    /// Widest compact number (at most 6 characters) among the values, sampled on large tensors.
    public let numberWidth: Int

    /// A picture of `tensor`.
    public init(name: String, tensor: Tensor) {
        self.init(name: name, shape: tensor.shape, values: tensor.doubles, layout: tensor.layout, dtype: tensor.dtype)
    }

    /// A picture of row-major `values` of `shape` (views build their own: partial sums, counts).
    public init(name: String, shape: [Int], values: [Double], layout: Layout? = nil, dtype: DType? = nil,
                slices: SliceLayout? = nil) {
        self.name = name
        self.shape = shape
        self.layout = layout
        self.dtype = dtype
        let cut = slices ?? SliceLayout(shape: shape, layout: layout)
        self.slices = cut
        let consistent = values.count == shape.reduce(1, *)
        self.values = consistent ? values : []
        var sliceRanges = [ValueRange]()
        var channelRanges = Array(repeating: ValueRange(), count: max(1, cut.channelCount))
        var global = ValueRange()
        if consistent && !cut.isEmpty {
            for n in 0..<cut.sliceCount {
                var r = ValueRange()
                for d in 0..<cut.depth { r.merge(cut.extract(values, slice: n, depth: d).range) }
                sliceRanges.append(r)
                channelRanges[min(channelRanges.count - 1, cut.channel(ofSlice: n))].merge(r)
                global.merge(r)
            }
        }
        self.sliceRanges = sliceRanges
        self.channelRanges = channelRanges
        globalRange = global
        var widest = 1
        if consistent && !values.isEmpty {
            let step = max(1, values.count / 4096)
            var i = 0
            while i < values.count {
                widest = max(widest, NumberFormat.compact(values[i], width: 6)?.count ?? 6)
                i += step
            }
            for v in [global.min, global.max] { widest = max(widest, NumberFormat.compact(v, width: 6)?.count ?? 6) }
        }
        numberWidth = widest
    }

    /// The same picture with other values of the same shape (a partial sum filling in), keeping
    /// this picture's ranges so colours stay put while values change. Mismatched counts give
    /// this picture unchanged.
    public func replacingValues(_ newValues: [Double]) -> TensorPicture {
        guard newValues.count == values.count else { return self }
        var copy = self
        copy.values = newValues
        return copy
    }

    /// The value range that colours slice `n` in `mode`.
    public func range(forSlice n: Int, mode: ScaleMode) -> ValueRange {
        switch mode {
        case .global: return globalRange
        case .channel:
            let c = slices.channel(ofSlice: n)
            return c < channelRanges.count ? channelRanges[c] : globalRange
        case .slice: return n >= 0 && n < sliceRanges.count ? sliceRanges[n] : globalRange
        }
    }

    /// The colour scale of slice `n`: the chosen map, or the automatic one for the data.
    public func scale(forSlice n: Int, mode: ScaleMode, map: ColorMapKind?, includeZero: Bool = false) -> ColorScale {
        let r = range(forSlice: n, mode: mode)
        // The automatic map is decided by the whole tensor, so slices never switch maps.
        let kind = map ?? (globalRange.hasNegative ? .rdbu : .viridis)
        return ColorScale(kind: kind, range: r, includeZero: includeZero)
    }

    /// Depth slice `d` of small multiple `n`.
    public func slice(_ n: Int, depth d: Int = 0) -> Slice2D { slices.extract(values, slice: n, depth: d) }

    /// The value at a full multi-index, or nil outside the tensor.
    public func value(at index: [Int]) -> Double? {
        guard index.count == shape.count, !values.isEmpty else { return nil }
        var offset = 0
        for (axis, i) in index.enumerated() {
            guard i >= 0, i < shape[axis] else { return nil }
            offset = offset * shape[axis] + i
        }
        return values[offset]
    }

    /// `[1,8,8,3] NHWC float32`.
    public var shapeDescription: String {
        SliceLayout.describe(shape: shape, layout: layout) + (dtype.map { " " + $0.rawValue } ?? "")
    }
}
