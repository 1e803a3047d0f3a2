import TConvEngine

/// The transposed conv as an ordinary stride-1 convolution: the input stretched with `s-1` zeros
/// between elements and padded by `E-1-p` in front (a negative pad crops), the kernel flipped,
/// sliding with stride 1 and the same dilation (conv_arithmetic's picture, with real numbers).
/// Works on three axes like `StepModel`.
public struct DirectConvolution: Sendable {
    public let model: StepModel
    /// Cells of zero padding in front of the stretched input, per axis (`E-1-p`; may be negative).
    public let front: [Int]
    /// Length of the stretched, padded input per axis (`O + E - 1`: what a stride-1 window of
    /// extent E needs to produce O outputs).
    public let length: [Int]
    /// Effective kernel extent per axis, `(K-1)*d + 1`.
    public let extent: [Int]

    /// What one cell of the stretched input holds.
    public enum Source: Sendable, Equatable {
        /// Input element at this position (three axes).
        case input([Int])
        /// A zero inserted between input elements (stride > 1).
        case stretch
        /// Zero padding around the input.
        case padding
    }

    public init(model m: StepModel) {
        model = m
        let g = m.geometry
        extent = (0..<3).map { (g.kernel[$0] - 1) * g.dilations[$0] + 1 }
        front = (0..<3).map { (g.kernel[$0] - 1) * g.dilations[$0] - g.padBefore[$0] }
        length = (0..<3).map { max(0, g.image[$0] + (g.kernel[$0] - 1) * g.dilations[$0]) }
    }

    /// What cell `j` (three axes) of the stretched input holds.
    public func source(_ j: [Int]) -> Source {
        let g = model.geometry
        var i = [0, 0, 0]
        var stretch = false
        for axis in 0..<3 {
            let q = j[axis] - front[axis]
            if q < 0 || g.feature[axis] == 0 || q > (g.feature[axis] - 1) * g.strides[axis] { return .padding }
            if q % g.strides[axis] != 0 { stretch = true } else { i[axis] = q / g.strides[axis] }
        }
        return stretch ? .stretch : .input(i)
    }

    /// The stretched input's value at `j` for batch `b`, input channel `f`.
    public func value(batch b: Int, position j: [Int], channel f: Int) -> Double {
        if case .input(let i) = source(j) { return model.inputValue(batch: b, position: i, channel: f) }
        return 0
    }

    /// The flipped kernel: `flip[m] = w[K-1-m]` for local output channel `local`, input channel `f`.
    public func flippedWeight(tap m: [Int], outputChannel local: Int, inputChannel f: Int) -> Double {
        let g = model.geometry
        return model.weight(tap: (0..<3).map { g.kernel[$0] - 1 - m[$0] }, outputChannel: local, inputChannel: f)
    }

    /// One output cell computed as the sliding window: `y[o] = Σ_f Σ_m z_f[o + m*d] · flip_f[m]`.
    /// `channels` restricts the sum to some input channels (nil: all of the group).
    public func output(batch b: Int, position o: [Int], channel c: Int, inputChannels: [Int]? = nil) -> Double {
        let g = model.geometry
        let group = c / max(model.perGroupImage, 1), local = c % max(model.perGroupImage, 1)
        let fs = inputChannels ?? Array((group * model.perGroupFeature)..<((group + 1) * model.perGroupFeature))
        var sum = 0.0
        for f in fs {
            for m0 in 0..<g.kernel[0] {
                for m1 in 0..<g.kernel[1] {
                    for m2 in 0..<g.kernel[2] {
                        let j = [o[0] + m0 * g.dilations[0], o[1] + m1 * g.dilations[1], o[2] + m2 * g.dilations[2]]
                        guard case .input(let i) = source(j) else { continue }
                        sum += model.inputValue(batch: b, position: i, channel: f)
                            * flippedWeight(tap: [m0, m1, m2], outputChannel: local, inputChannel: f)
                    }
                }
            }
        }
        return sum
    }

    /// The whole output computed by sliding, row-major in the op's layout (equal to the op's
    /// result up to rounding: the sums run in another order, in Double).
    public func fullOutput() -> [Double] {
        let g = model.geometry
        var out = Array(repeating: 0.0, count: model.result.count)
        for b in 0..<g.batch {
            for o0 in 0..<g.image[0] {
                for o1 in 0..<g.image[1] {
                    for o2 in 0..<g.image[2] {
                        for c in 0..<g.imageChannels {
                            out[model.outputOffset(batch: b, position: [o0, o1, o2], channel: c)] =
                                output(batch: b, position: [o0, o1, o2], channel: c)
                        }
                    }
                }
            }
        }
        return out
    }
}

/// The direct-convolution view: stretched, padded input with the window at the cursor, flipped
/// kernel, output with the cursor, and the window's sum written out.
public enum DirectView {
    /// Draws the direct-convolution view of `state` (cursor cell, shown input channel) into a `width` x `height` grid.
    public static func render(_ state: ViewState, width: Int, height: Int, options: RenderOptions = .standard) -> Grid {
        var grid = Grid(width: width, height: height)
        guard let m = state.model, width > 0, height > 0 else { return grid }
        let theme = options.theme
        let g = m.geometry
        guard g.image.allSatisfy({ $0 > 0 }) else {
            grid.put("The output is empty: nothing to slide over.", x: 0, y: 0, style: theme.style(.note), limit: width)
            return grid
        }
        let direct = DirectConvolution(model: m)
        let shown = state.displayedChannels
        let b = state.pinned?.batch ?? state.displayedBatch
        let o = state.pinned?.position ?? state.outputCursor
        let co = state.pinned?.channel ?? shown.output
        let f = shown.input
        let local = co % max(m.perGroupImage, 1)
        var y = 0
        grid.put("direct: the same numbers as a stride-1 convolution of the stretched, padded input with the flipped kernel",
                 x: 0, y: y, style: theme.style(.title), limit: width, ellipsis: "~")
        y += 1
        let zDepth = o[0]
        var windowMarks = [CellKey: StyleRole]()
        for m1 in 0..<g.kernel[1] {
            for m2 in 0..<g.kernel[2] {
                windowMarks[CellKey(row: o[1] + m1 * g.dilations[1], col: o[2] + m2 * g.dilations[2])] = .contributor
            }
        }
        let zRange = m.inputRange
        let zLabel = "x stretched + padded, ch \(f)" + (m.plan.problem.rank == 3 ? ", depth \(zDepth)" : "")
        let zPanel = PanelSpec(
            label: zLabel, rows: direct.length[1], cols: direct.length[2],
            scale: StepPanels.scale(zRange, map: state.colorMap), focus: (o[1], o[2]),
            element: { r, c in
                let j = [zDepth, r, c]
                let mark = windowMarks[CellKey(row: r, col: c)]
                switch direct.source(j) {
                case .input(let i): return PaintedElement(value: m.inputValue(batch: b, position: i, channel: f), role: mark ?? .heat)
                case .stretch: return PaintedElement(value: mark == nil ? .nan : 0, role: mark ?? .dim)
                case .padding: return PaintedElement(value: mark == nil ? .nan : 0, role: mark ?? .border)
                }
            })
        let flipLabel = "flipped " + flippedLabel(m, local: local, f: f)
        let kernelPanel = PanelSpec(
            label: flipLabel, rows: g.kernel[1], cols: g.kernel[2], scale: StepPanels.scale(m.filterRange, map: state.colorMap),
            focus: (0, 0),
            element: { r, c in PaintedElement(value: direct.flippedWeight(tap: [0, r, c], outputChannel: local, inputChannel: f)) })
        let outPanel = StepPanels.outputPanel(
            m, values: m.result, batch: b, channel: co, depth: o[0], map: state.colorMap, withRing: false, focus: (o[1], o[2]),
            label: "output " + m.planeLabel("y", batch: b, channel: co, depth: o[0]), reached: nil,
            mark: { r, c in r == o[1] && c == o[2] ? .cursor : nil })
        let captionLines = 3
        let bodyHeight = max(2, height - y - captionLines)
        let used = PanelRow.draw([zPanel, kernelPanel, outPanel], separators: [" * ", " " + options.arrow + " "],
                                 into: &grid, rect: Rect(x: 0, y: y, width: width, height: bodyHeight), options: options,
                                 numbers: state.numbers, numberWidth: m.numberWidth)
        y = max(y + min(bodyHeight, used.height), height - captionLines)
        for line in captions(direct, batch: b, position: o, channel: co, inputChannel: f, options: options) where y < height {
            grid.put(line, x: 0, y: y, style: theme.style(y == height - 1 ? .dim : .label), limit: width, ellipsis: "~")
            y += 1
        }
        return grid
    }

    static func flippedLabel(_ m: StepModel, local: Int, f: Int) -> String {
        let rank = m.plan.problem.rank
        let spatial = Array(repeating: "::-1", count: rank)
        return "w[" + (spatial + [String(local), String(f)]).joined(separator: ",") + "]"
    }

    /// The window's sum for the shown channel, the total over channels, and the geometry.
    static func captions(_ d: DirectConvolution, batch b: Int, position o: [Int], channel co: Int, inputChannel f: Int,
                         options: RenderOptions) -> [String] {
        let m = d.model
        let g = m.geometry
        let local = co % max(m.perGroupImage, 1)
        var terms = [String]()
        for m1 in 0..<g.kernel[1] {
            for m2 in 0..<g.kernel[2] {
                let j = [o[0], o[1] + m1 * g.dilations[1], o[2] + m2 * g.dilations[2]]
                let z = d.value(batch: b, position: j, channel: f)
                let w = d.flippedWeight(tap: [0, m1, m2], outputChannel: local, inputChannel: f)
                terms.append(StepPanels.factor(z, options) + options.times + StepPanels.factor(w, options))
            }
        }
        let p = options.precision
        let channelSum = d.output(batch: b, position: o, channel: co, inputChannels: [f])
        let total = d.output(batch: b, position: o, channel: co)
        let cell = "y" + NumberFormat.list(m.dataIndex(batch: b, position: o, channel: co))
        var first = "window of ch \(f): " + terms.joined(separator: " + ") + " = " + NumberFormat.format(channelSum, precision: p)
        if g.kernel[0] > 1 { first = "depth 0 of the window, ch \(f): " + terms.joined(separator: " + ") }
        let second = cell + " = sum over \(m.perGroupFeature) input channel\(m.perGroupFeature == 1 ? "" : "s")"
            + (g.kernel[0] > 1 ? " and \(g.kernel[0]) kernel depths" : "") + " = " + NumberFormat.format(total, precision: p)
        let axes = m.visibleAxes
        let letters = m.plan.axisLetters
        let geometry = zip(letters, axes).map { letter, a -> String in
            let back = d.length[a] - d.front[a] - ((g.feature[a] - 1) * g.strides[a] + 1)
            return "\(letter): \(g.strides[a] - 1) zero\(g.strides[a] == 2 ? "" : "s") between, pad \(d.front[a])|\(back)"
        }.joined(separator: "  ")
        return [first, second, geometry + "  (pad = E-1-p; negative crops); stride 1, dilation "
                + axes.map { String(g.dilations[$0]) }.joined(separator: ",")]
    }
}
