import TConvEngine

/// Everything the step views need about one transposed conv, computed once per `%step`: the
/// trace, the operands as Doubles, the op's result, value ranges, which step first reaches each
/// output cell, and how many taps land on each.
///
/// Geometry is handled with three spatial axes (`ConvProblem.asThreeD`: 1-D and 2-D problems get
/// leading unit axes), so every view draws (H, W) planes and 3-D adds a depth.
public struct StepModel: Sendable {
    /// The call as the user wrote it.
    public let title: String
    /// The validated call.
    public let plan: ConvPlan
    /// The lazy scatter steps, in reference order.
    public let trace: ScatterTrace
    /// The problem with three spatial axes.
    public let geometry: ConvProblem
    /// The input and filter elements, row-major in their layouts.
    public let input: [Double]
    public let filters: [Double]
    /// The op's output, row-major in its layout.
    public let result: [Double]
    /// Value ranges of input, filters and result (they fix each panel's colour scale).
    public let inputRange: ValueRange
    public let filterRange: ValueRange
    public let resultRange: ValueRange
    /// Widest compact number among input, filter and result values (at most 6).
    public let numberWidth: Int
    /// The result as a picture named `y`: its ranges colour the output while it fills in.
    public let resultPicture: TensorPicture
    /// Per output pixel (row-major over the padded 3-D image): the smallest
    /// `inputPixel * taps + tapFlat` that lands there, or -1 when nothing does.
    let firstPair: [Int]
    /// Per output pixel: number of (input position, tap) pairs landing there.
    public let overlap: [Int]
    let xIndexer: DataIndexer
    let yIndexer: DataIndexer
    /// Taps in the kernel.
    public let taps: Int
    /// Output (image) and input (feature) channels per group.
    public let perGroupImage: Int
    public let perGroupFeature: Int

    /// A model of `plan` on `input` and `filters`; nil when the plan is not a transposed op or
    /// the operands do not match it.
    public init?(title: String, plan: ConvPlan, input: Tensor, filters: Tensor) {
        guard let trace = ScatterTrace(plan: plan, input: input, filters: filters) else { return nil }
        self.title = title
        self.plan = plan
        self.trace = trace
        let g = plan.problem.asThreeD
        geometry = g
        self.input = input.doubles
        self.filters = filters.doubles
        // The reference kernels: the result of a teaching-size op costs nothing, and the step
        // views then never depend on the fast kernels' threading.
        var computed: [Double]? = nil
        if let tensor = try? Engine.runReference(plan, input: input, filters: filters) { computed = tensor.doubles }
        let outputCount = plan.resultShape.reduce(1, *)
        if computed?.count != outputCount {
            computed = trace.count > 0 ? trace.outputState(through: trace.count - 1).doubles : Array(repeating: 0, count: outputCount)
        }
        result = computed ?? Array(repeating: 0, count: outputCount)
        inputRange = ValueRange(self.input)
        filterRange = ValueRange(self.filters)
        resultRange = ValueRange(result)
        xIndexer = DataIndexer(spatial: g.feature, channels: g.featureChannels, channelsFirst: g.channelsFirst)
        yIndexer = DataIndexer(spatial: g.image, channels: g.imageChannels, channelsFirst: g.channelsFirst)
        taps = g.kernel.reduce(1, *)
        perGroupImage = g.imageChannels / max(g.groups, 1)
        perGroupFeature = g.featureChannels / max(g.groups, 1)

        let pixels = g.image.reduce(1, *)
        var first = Array(repeating: -1, count: pixels)
        var counts = Array(repeating: 0, count: pixels)
        let inPixels = g.feature.reduce(1, *)
        // Input positions and taps in scatter order, so the first write to a pixel is its first step.
        for inputPixel in 0..<inPixels {
            let i = StepModel.unflatten(inputPixel, g.feature)
            for tapFlat in 0..<taps {
                let k = StepModel.unflatten(tapFlat, g.kernel)
                var o = [0, 0, 0], inside = true
                for axis in 0..<3 {
                    o[axis] = i[axis] * g.strides[axis] + k[axis] * g.dilations[axis] - g.padBefore[axis]
                    if o[axis] < 0 || o[axis] >= g.image[axis] { inside = false }
                }
                guard inside else { continue }
                let p = (o[0] * g.image[1] + o[1]) * g.image[2] + o[2]
                if first[p] < 0 { first[p] = inputPixel * taps + tapFlat }
                counts[p] += 1
            }
        }
        firstPair = first
        overlap = counts
        var widest = 1
        for r in [inputRange, filterRange, resultRange] {
            for v in [r.min, r.max] { widest = max(widest, NumberFormat.compact(v, width: 6)?.count ?? 6) }
        }
        for values in [self.input, self.filters, result] {
            let step = max(1, values.count / 512)
            var n = 0
            while n < values.count {
                widest = max(widest, NumberFormat.compact(values[n], width: 6)?.count ?? 6)
                n += step
            }
        }
        numberWidth = widest
        resultPicture = TensorPicture(name: "y", shape: plan.resultShape, values: result, layout: plan.resultLayout,
                                      dtype: plan.dtype)
    }

    /// Row-major multi-index of `flat` in `extent` (three axes).
    static func unflatten(_ flat: Int, _ extent: [Int]) -> [Int] {
        var rest = flat
        var index = [0, 0, 0]
        for axis in stride(from: 2, through: 0, by: -1) {
            let e = max(1, extent[axis])
            index[axis] = rest % e
            rest /= e
        }
        return index
    }

    // MARK: Step numbers

    /// The input channel (feature channel) of step `k`.
    public func inputChannel(ofStep k: Int) -> Int { (k / max(trace.stepsPerElement, 1)) % max(geometry.featureChannels, 1) }

    /// The output channel of step `k`.
    public func outputChannel(ofStep k: Int) -> Int {
        let f = inputChannel(ofStep: k)
        return (f / max(perGroupFeature, 1)) * perGroupImage + k % max(perGroupImage, 1)
    }

    /// The batch entry of step `k`.
    public func batch(ofStep k: Int) -> Int {
        (k / max(trace.stepsPerElement, 1)) / max(geometry.featureChannels, 1) / max(geometry.feature.reduce(1, *), 1)
    }

    /// The input position (three axes) of step `k`.
    public func inputPosition(ofStep k: Int) -> [Int] {
        let element = k / max(trace.stepsPerElement, 1)
        return StepModel.unflatten((element / max(geometry.featureChannels, 1)) % max(geometry.feature.reduce(1, *), 1),
                                   geometry.feature)
    }

    /// The tap (three axes) of step `k`.
    public func tap(ofStep k: Int) -> [Int] {
        StepModel.unflatten((k / max(perGroupImage, 1)) % max(taps, 1), geometry.kernel)
    }

    /// Where input position `i` and tap `k` land (three axes; may be outside the output).
    public func landing(input i: [Int], tap k: [Int]) -> [Int] {
        (0..<3).map { i[$0] * geometry.strides[$0] + k[$0] * geometry.dilations[$0] - geometry.padBefore[$0] }
    }

    /// True when an output position (three axes) lies inside the output.
    public func isInside(_ o: [Int]) -> Bool {
        o.count == 3 && (0..<3).allSatisfy { o[$0] >= 0 && o[$0] < geometry.image[$0] }
    }

    /// True when some step up to and including `position` has reached output cell
    /// (`batch`, `o`, `channel`).
    public func isReached(batch: Int, position o: [Int], channel: Int, by position: Int) -> Bool {
        guard position >= 0, o.count == 3, isInside(o) else { return false }
        let pixel = (o[0] * geometry.image[1] + o[1]) * geometry.image[2] + o[2]
        guard pixel < firstPair.count else { return false }
        let pair = firstPair[pixel]
        guard pair >= 0 else { return false }
        let group = channel / max(perGroupImage, 1)
        let f = group * perGroupFeature
        let inputPixel = pair / max(taps, 1), tapFlat = pair % max(taps, 1)
        let element = (batch * geometry.feature.reduce(1, *) + inputPixel) * geometry.featureChannels + f
        let step = (element * taps + tapFlat) * perGroupImage + channel % max(perGroupImage, 1)
        return step <= position
    }

    // MARK: Values

    /// Input element (`batch`, position `i` (three axes), channel `f`).
    public func inputValue(batch: Int, position i: [Int], channel f: Int) -> Double {
        StepModel.read(input, xIndexer.offset(batch, i[0], i[1], i[2], channel: f))
    }

    /// Filter value at tap `k` for local output channel `local` and input channel `f`.
    public func weight(tap k: [Int], outputChannel local: Int, inputChannel f: Int) -> Double {
        let tapFlat = (k[0] * geometry.kernel[1] + k[1]) * geometry.kernel[2] + k[2]
        return StepModel.read(filters, (tapFlat * perGroupImage + local) * geometry.featureChannels + f)
    }

    /// `values[offset]`, or NaN when the offset is outside (empty operands, a batch of 0).
    static func read(_ values: [Double], _ offset: Int) -> Double {
        offset >= 0 && offset < values.count ? values[offset] : .nan
    }

    /// An output element (three-axis position) read from `values` (the result, or a cursor's
    /// state); NaN outside.
    public func outputValue(_ values: [Double], batch: Int, position o: [Int], channel c: Int) -> Double {
        StepModel.read(values, outputOffset(batch: batch, position: o, channel: c))
    }

    /// Taps landing on output pixel (three axes), 0 outside.
    public func overlapCount(_ o: [Int]) -> Int {
        guard o.count == 3, isInside(o) else { return 0 }
        let pixel = (o[0] * geometry.image[1] + o[1]) * geometry.image[2] + o[2]
        return pixel < overlap.count ? overlap[pixel] : 0
    }

    /// Flat offset of an output element (three-axis position).
    public func outputOffset(batch: Int, position o: [Int], channel c: Int) -> Int {
        yIndexer.offset(batch, o[0], o[1], o[2], channel: c)
    }

    /// Flat offset of an input element.
    public func inputOffset(batch: Int, position i: [Int], channel f: Int) -> Int {
        xIndexer.offset(batch, i[0], i[1], i[2], channel: f)
    }

    // MARK: Labels

    /// The spatial axes the user sees (1-3), as indices into the three-axis geometry.
    public var visibleAxes: [Int] { Array((3 - plan.problem.rank)..<3) }

    /// A data multi-index in the op's layout from a three-axis position.
    public func dataIndex(batch: Int, position p: [Int], channel: Int) -> [Int] {
        let spatial = visibleAxes.map { p[$0] }
        return geometry.channelsFirst ? [batch, channel] + spatial : [batch] + spatial + [channel]
    }

    /// A filter multi-index `[k.., local output channel, input channel]`.
    public func filterIndex(tap k: [Int], outputChannel local: Int, inputChannel f: Int) -> [Int] {
        visibleAxes.map { k[$0] } + [local, f]
    }

    /// `x[0,:,:,1]`-style label of a data plane at `depth` (3-D shows the depth index).
    public func planeLabel(_ name: String, batch: Int, channel: Int, depth: Int) -> String {
        let rank = plan.problem.rank
        var spatial = Array(repeating: ":", count: rank)
        if rank == 3 { spatial[0] = String(depth) }
        let parts = geometry.channelsFirst ? [String(batch), String(channel)] + spatial : [String(batch)] + spatial + [String(channel)]
        return name + "[" + parts.joined(separator: ",") + "]"
    }

    /// `w[:,:,co,ci]`-style label of a kernel plane.
    public func kernelLabel(outputChannel local: Int, inputChannel f: Int, depth: Int) -> String {
        let rank = plan.problem.rank
        var spatial = Array(repeating: ":", count: rank)
        if rank == 3 { spatial[0] = String(depth) }
        return "w[" + (spatial + [String(local), String(f)]).joined(separator: ",") + "]"
    }

    /// Per axis: cells of the full scatter cropped at the front (the forward pad before) and at
    /// the back (negative when TF appends zero cells instead).
    public func crop(axis: Int) -> (front: Int, back: Int) {
        let g = geometry
        let full = g.feature[axis] > 0 ? (g.feature[axis] - 1) * g.strides[axis] + (g.kernel[axis] - 1) * g.dilations[axis] + 1 : 0
        return (g.padBefore[axis], full - g.padBefore[axis] - g.image[axis])
    }
}
