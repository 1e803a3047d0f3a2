/// One step of a transposed conv's scatter: an input element times one kernel tap, added into
/// one output cell (or dropped, when the cell lies in TF's cropped border).
public struct ScatterStep: Sendable, Equatable {
    /// Position in the trace, 0-based.
    public var index: Int
    public var batch: Int
    /// Input (feature-map) position, one entry per spatial axis.
    public var inputPosition: [Int]
    public var inputChannel: Int
    /// Kernel tap, one entry per spatial axis.
    public var tap: [Int]
    public var outputChannel: Int
    /// Where the tap lands: `i*s + k*d - padBefore` per axis (may be outside the output).
    public var outputPosition: [Int]
    /// True when `outputPosition` is outside the output (the product is thrown away).
    public var dropped: Bool
    /// Full multi-indices into the input, filter and output tensors, in their layouts.
    public var inputIndex: [Int]
    public var filterIndex: [Int]
    /// `nil` when dropped.
    public var outputIndex: [Int]?
    public var inputValue: Double
    public var weight: Double
    /// `inputValue * weight`, rounded as the op's dtype rounds it.
    public var product: Double
    /// The output cell's value after this step (`nil` when dropped).
    public var runningValue: Double?
}

/// The scatter of a transposed conv as a lazily produced sequence of steps, numbered in the
/// order the reference scatter loop visits them (batch, input position, input channel, tap,
/// output channel). Nothing is materialised: step `k` is decoded from `k`, and a running value is
/// the ordered partial sum of that cell's contributions, so seeking forward, backward or to any
/// step gives bit-identical values, equal to the reference kernel's.
public struct ScatterTrace: Sendable {
    public let plan: ConvPlan
    let problem: ConvProblem
    let x: [Double]
    let w: [Double]
    let single: Bool
    let xIndexer: DataIndexer
    let oIndexer: DataIndexer
    let taps: Int
    let perGroupImage: Int
    let perGroupFeature: Int
    /// Steps per input element (`taps * Cout/groups`).
    public let stepsPerElement: Int
    /// Number of steps.
    public let count: Int

    /// A trace of `plan` (a transposed op) on `input` and `filters`.
    public init?(plan: ConvPlan, input: Tensor, filters: Tensor) {
        guard plan.transposed, input.shape == plan.inputShape, filters.shape == plan.filterShape else { return nil }
        self.plan = plan
        problem = plan.problem
        x = input.doubles
        w = filters.doubles
        single = input.dtype == .float32
        let p3 = problem.asThreeD
        xIndexer = DataIndexer(spatial: p3.feature, channels: p3.featureChannels, channelsFirst: p3.channelsFirst)
        oIndexer = DataIndexer(spatial: p3.image, channels: p3.imageChannels, channelsFirst: p3.channelsFirst)
        taps = problem.kernel.reduce(1, *)
        perGroupImage = problem.imageChannels / max(problem.groups, 1)
        perGroupFeature = problem.featureChannels / max(problem.groups, 1)
        stepsPerElement = taps * perGroupImage
        count = problem.batch * problem.feature.reduce(1, *) * problem.featureChannels * stepsPerElement
    }

    /// Number of input elements (each owns `stepsPerElement` consecutive steps).
    public var elementCount: Int { problem.batch * problem.feature.reduce(1, *) * problem.featureChannels }

    /// The steps of the input element that step `k` belongs to.
    public func elementSteps(containing k: Int) -> Range<Int> {
        let start = (k / max(stepsPerElement, 1)) * stepsPerElement
        return start..<min(start + stepsPerElement, count)
    }

    // MARK: Decoding and encoding step numbers

    struct Coordinates {
        var batch: Int, input: [Int], feature: Int, tap: [Int], localImage: Int
    }

    func decode(_ k: Int) -> Coordinates {
        var rest = k
        let c = rest % perGroupImage; rest /= perGroupImage
        var tapFlat = rest % taps; rest /= taps
        let f = rest % problem.featureChannels; rest /= problem.featureChannels
        var input = Array(repeating: 0, count: problem.rank)
        for axis in stride(from: problem.rank - 1, through: 0, by: -1) {
            input[axis] = rest % problem.feature[axis]
            rest /= problem.feature[axis]
        }
        var tap = Array(repeating: 0, count: problem.rank)
        for axis in stride(from: problem.rank - 1, through: 0, by: -1) {
            tap[axis] = tapFlat % problem.kernel[axis]
            tapFlat /= problem.kernel[axis]
        }
        return Coordinates(batch: rest, input: input, feature: f, tap: tap, localImage: c)
    }

    func encode(_ c: Coordinates) -> Int {
        var element = c.batch
        for axis in 0..<problem.rank { element = element * problem.feature[axis] + c.input[axis] }
        element = element * problem.featureChannels + c.feature
        var tapFlat = 0
        for axis in 0..<problem.rank { tapFlat = tapFlat * problem.kernel[axis] + c.tap[axis] }
        return (element * taps + tapFlat) * perGroupImage + c.localImage
    }

    func product(_ a: Double, _ b: Double) -> Double { single ? Double(Float(a) * Float(b)) : a * b }
    func sum(_ a: Double, _ b: Double) -> Double { single ? Double(Float(a) + Float(b)) : a + b }

    func padded3(_ a: [Int], _ fill: Int) -> [Int] { Array(repeating: fill, count: 3 - a.count) + a }

    func dataIndex(batch: Int, position: [Int], channel: Int) -> [Int] {
        problem.channelsFirst ? [batch, channel] + position : [batch] + position + [channel]
    }

    func inputOffset(_ c: Coordinates) -> Int {
        let i = padded3(c.input, 0)
        return xIndexer.offset(c.batch, i[0], i[1], i[2], channel: c.feature)
    }

    func filterOffset(_ c: Coordinates) -> Int {
        var tapFlat = 0
        for axis in 0..<problem.rank { tapFlat = tapFlat * problem.kernel[axis] + c.tap[axis] }
        return (tapFlat * perGroupImage + c.localImage) * problem.featureChannels + c.feature
    }

    // MARK: Steps

    /// Step `k` (0 <= k < count), with the running value of its output cell.
    public func step(_ k: Int) -> ScatterStep {
        precondition(k >= 0 && k < count, "step out of range")
        let c = decode(k)
        let group = c.feature / max(perGroupFeature, 1)
        let outputChannel = group * perGroupImage + c.localImage
        var o = [Int](), inside = true
        for axis in 0..<problem.rank {
            let v = c.input[axis] * problem.strides[axis] + c.tap[axis] * problem.dilations[axis] - problem.padBefore[axis]
            o.append(v)
            if v < 0 || v >= problem.image[axis] { inside = false }
        }
        let xv = x[inputOffset(c)], wv = w[filterOffset(c)]
        let outputIndex = inside ? dataIndex(batch: c.batch, position: o, channel: outputChannel) : nil
        let running = inside ? runningValue(batch: c.batch, position: o, channel: outputChannel, through: k) : nil
        return ScatterStep(index: k, batch: c.batch, inputPosition: c.input, inputChannel: c.feature, tap: c.tap,
                           outputChannel: outputChannel, outputPosition: o, dropped: !inside,
                           inputIndex: dataIndex(batch: c.batch, position: c.input, channel: c.feature),
                           filterIndex: c.tap + [c.localImage, c.feature], outputIndex: outputIndex,
                           inputValue: xv, weight: wv, product: product(xv, wv), runningValue: running)
    }

    /// Step numbers of every contribution to one output cell, in scatter order (the gather view).
    public func contributionSteps(batch: Int, position o: [Int], channel: Int) -> [Int] {
        guard o.count == problem.rank, batch >= 0, batch < problem.batch, channel >= 0, channel < problem.imageChannels,
              (0..<problem.rank).allSatisfy({ o[$0] >= 0 && o[$0] < problem.image[$0] }) else { return [] }
        let group = channel / max(perGroupImage, 1), local = channel % max(perGroupImage, 1)
        var steps = [Int]()
        var tap = Array(repeating: 0, count: problem.rank)
        for _ in 0..<taps {
            // i = (o + p - k*d) / s must be whole and inside the input on every axis.
            var input = [Int](), valid = true
            for axis in 0..<problem.rank {
                let numerator = o[axis] + problem.padBefore[axis] - tap[axis] * problem.dilations[axis]
                if numerator < 0 || numerator % problem.strides[axis] != 0 { valid = false; break }
                let i = numerator / problem.strides[axis]
                if i >= problem.feature[axis] { valid = false; break }
                input.append(i)
            }
            if valid {
                for f in (group * perGroupFeature)..<((group + 1) * perGroupFeature) {
                    steps.append(encode(Coordinates(batch: batch, input: input, feature: f, tap: tap, localImage: local)))
                }
            }
            var axis = problem.rank - 1
            while axis >= 0 {
                tap[axis] += 1
                if tap[axis] < problem.kernel[axis] { break }
                tap[axis] = 0
                axis -= 1
            }
        }
        return steps.sorted()
    }

    /// Every contribution to one output cell (full multi-index in the output's layout), in
    /// scatter order, each with the running value after it. Their last running value is the cell's
    /// value in the op's result.
    public func contributions(toOutput index: [Int]) -> [ScatterStep] {
        guard let (batch, position, channel) = splitOutputIndex(index) else { return [] }
        return contributionSteps(batch: batch, position: position, channel: channel).map { step($0) }
    }

    /// The output cell's value after steps `0...k` (only its own contributions count).
    public func runningValue(batch: Int, position: [Int], channel: Int, through k: Int) -> Double {
        var value = 0.0
        for s in contributionSteps(batch: batch, position: position, channel: channel) {
            if s > k { break }
            let c = decode(s)
            value = sum(value, product(x[inputOffset(c)], w[filterOffset(c)]))
        }
        return value
    }

    /// The whole output after steps `0...k` (`k = -1`: all zeros; `k = count - 1`: the result),
    /// in the output's layout and dtype. Costs about one evaluation of the op, whatever `k` is.
    public func outputState(through k: Int) -> Tensor {
        var values = [Double](repeating: 0, count: plan.resultShape.reduce(1, *))
        if k >= 0 {
            let p = problem
            var position = Array(repeating: 0, count: p.rank)
            let pixels = p.image.reduce(1, *)
            for n in 0..<p.batch {
                for pixel in 0..<pixels {
                    var rest = pixel
                    for axis in stride(from: p.rank - 1, through: 0, by: -1) {
                        position[axis] = rest % p.image[axis]
                        rest /= p.image[axis]
                    }
                    let q = padded3(position, 0)
                    for c in 0..<p.imageChannels {
                        values[oIndexer.offset(n, q[0], q[1], q[2], channel: c)] =
                            runningValue(batch: n, position: position, channel: c, through: k)
                    }
                }
            }
        }
        return Tensor(shape: plan.resultShape, values: values, dtype: plan.dtype, layout: plan.resultLayout)
    }

    /// Flat offset of an output multi-index, or nil when it is out of range.
    public func outputOffset(_ index: [Int]) -> Int? {
        guard let (batch, position, channel) = splitOutputIndex(index) else { return nil }
        let q = padded3(position, 0)
        return oIndexer.offset(batch, q[0], q[1], q[2], channel: channel)
    }

    func splitOutputIndex(_ index: [Int]) -> (Int, [Int], Int)? {
        guard index.count == problem.rank + 2 else { return nil }
        let batch = index[0]
        let channel = problem.channelsFirst ? index[1] : index[problem.rank + 1]
        let position = problem.channelsFirst ? Array(index[2...]) : Array(index[1...problem.rank])
        guard batch >= 0, batch < problem.batch, channel >= 0, channel < problem.imageChannels,
              (0..<problem.rank).allSatisfy({ position[$0] >= 0 && position[$0] < problem.image[$0] }) else { return nil }
        return (batch, position, channel)
    }
}

/// A position in a trace with the output state it implies, for playing a trace forward and back.
/// Moving one step costs O(1) forward and one cell's gather backward; `seek` recomputes from the
/// trace when the jump is long. Every path yields the same bits.
public struct ScatterCursor: Sendable {
    public let trace: ScatterTrace
    /// Steps `0...position` have been applied; -1 means none.
    public private(set) var position: Int
    /// Output values (flat, row-major in the output's layout) after `position`.
    public private(set) var state: [Double]

    public init(trace: ScatterTrace) {
        self.trace = trace
        position = -1
        state = Array(repeating: 0, count: trace.plan.resultShape.reduce(1, *))
    }

    /// The step just applied, if any.
    public var current: ScatterStep? { position >= 0 ? trace.step(position) : nil }

    /// Applies the next step. Returns false at the end.
    @discardableResult
    public mutating func forward() -> Bool {
        guard position + 1 < trace.count else { return false }
        position += 1
        let s = trace.step(position)
        if let index = s.outputIndex, let offset = trace.outputOffset(index), let running = s.runningValue {
            state[offset] = running
        }
        return true
    }

    /// Undoes the current step. Returns false at the start.
    @discardableResult
    public mutating func backward() -> Bool {
        guard position >= 0 else { return false }
        let s = trace.step(position)
        position -= 1
        if let index = s.outputIndex, let offset = trace.outputOffset(index) {
            state[offset] = trace.runningValue(batch: s.batch, position: s.outputPosition, channel: s.outputChannel,
                                               through: position)
        }
        return true
    }

    /// Moves to `target` (clamped to -1...count-1): step by step for short moves, otherwise by
    /// recomputing the state.
    public mutating func seek(to target: Int) {
        let goal = max(-1, min(target, trace.count - 1))
        let distance = abs(goal - position)
        if distance <= 256 {
            while position < goal { forward() }
            while position > goal { backward() }
            return
        }
        position = goal
        state = trace.outputState(through: goal).doubles
    }
}
