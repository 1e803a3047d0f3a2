import TConvEngine

/// A (row, column) key for marks that may lie outside an array (the margin ring).
struct CellKey: Hashable {
    var row: Int
    var col: Int
}

/// The step-by-step scatter frame: input x, kernel slice w[..., co, ci] and output y side by side;
/// the current input element, kernel tap(s) and output cell(s) highlighted; the output filling in
/// from the cursor's state; taps outside the output drawn as dropped in a ring around it that
/// stands for the full scatter extent; a caption with the product and running value.
public enum ScatterView {
    /// What the current position highlights, on three axes.
    struct Highlights {
        var batch = 0
        var inputChannel = 0
        var outputChannel = 0
        var input: [Int]? = nil
        /// (tap, landing position) pairs.
        var taps: [([Int], [Int])] = []
    }

    /// The highlights of the current position for the shown channel pair.
    static func highlights(_ state: ViewState, _ m: StepModel) -> Highlights? {
        guard let c = state.cursor, c.position >= 0 else { return nil }
        let p = c.position
        let shown = state.displayedChannels
        var h = Highlights()
        h.batch = m.batch(ofStep: p)
        h.inputChannel = m.inputChannel(ofStep: p)
        h.outputChannel = shown.output
        guard h.inputChannel == shown.input else { return nil }
        let i = m.inputPosition(ofStep: p)
        h.input = i
        let steps: Range<Int> = state.granularity == .element && state.pinned == nil
            ? m.trace.elementSteps(containing: p).lowerBound..<(p + 1) : p..<(p + 1)
        for k in steps where m.outputChannel(ofStep: k) == shown.output {
            let tap = m.tap(ofStep: k)
            h.taps.append((tap, m.landing(input: i, tap: tap)))
        }
        if h.taps.isEmpty && !state.channels.locked { return nil }
        return h
    }

    /// Draws the scatter frame of `state` into a `width` x `height` grid.
    public static func render(_ state: ViewState, width: Int, height: Int, options: RenderOptions = .standard) -> Grid {
        var grid = Grid(width: width, height: height)
        guard let m = state.model, let cursor = state.cursor, width > 0, height > 0 else { return grid }
        let theme = options.theme
        var y = 0
        let header = StepPanels.header(m, options: options)
        // Presenter mode gives the rows to the panels: the call only, and one caption line
        // (the status line still shows the step number).
        let headerLines = options.presenter ? 1 : (height >= 16 ? 3 : (height >= 10 ? 2 : 1))
        for (n, line) in header.prefix(headerLines).enumerated() {
            grid.put(line, x: 0, y: y, style: theme.style(n == 0 ? .title : .dim), limit: width, ellipsis: "~")
            y += 1
        }
        let captionLines = options.presenter ? 1 : 2
        let g = m.geometry
        let h = highlights(state, m)
        let shown = state.displayedChannels
        let b = h?.batch ?? state.displayedBatch
        let inputDepth = h?.input?[0] ?? 0
        let kernelDepth = h?.taps.last?.0[0] ?? 0
        let landingDepth = h?.taps.last?.1[0] ?? state.outputCursor[0]
        let outputDepth = state.depth ?? landingDepth

        var inputMarks = [Int: StyleRole]()
        if let i = h?.input { inputMarks[i[1] * g.feature[2] + i[2]] = .input }
        var tapMarks = [Int: StyleRole]()
        var landingMarks = [CellKey: StyleRole]()
        func key(_ r: Int, _ c: Int) -> CellKey { CellKey(row: r, col: c) }
        for (tap, o) in h?.taps ?? [] {
            if tap[0] == kernelDepth { tapMarks[tap[1] * g.kernel[2] + tap[2]] = .tap }
            if o[0] == outputDepth { landingMarks[key(o[1], o[2])] = m.isInside(o) ? .output : .dropped }
        }
        if h == nil, state.pinned == nil {
            landingMarks[key(state.outputCursor[1], state.outputCursor[2])] = .cursor
        }
        if let pin = state.pinned, pin.channel == shown.output, pin.position[0] == outputDepth, landingMarks[key(pin.position[1], pin.position[2])] == nil {
            landingMarks[key(pin.position[1], pin.position[2])] = .cursor
        }
        let position = cursor.position
        let state0 = cursor.state
        let co = shown.output
        let outLabel = "output " + m.planeLabel("y", batch: b, channel: co, depth: outputDepth)
            + (outputDepth >= 0 && outputDepth < g.image[0] ? "" : " (cropped depth)")
        let panels = [
            StepPanels.inputPanel(m, batch: b, channel: shown.input, depth: inputDepth, map: state.colorMap,
                                  focus: (h?.input?[1] ?? 0, h?.input?[2] ?? 0), marks: inputMarks),
            StepPanels.kernelPanel(m, outputChannel: co % max(m.perGroupImage, 1), inputChannel: shown.input, depth: kernelDepth,
                                   map: state.colorMap, focus: (h?.taps.last?.0[1] ?? 0, h?.taps.last?.0[2] ?? 0), marks: tapMarks),
            StepPanels.outputPanel(m, values: state0, batch: b, channel: co, depth: outputDepth, map: state.colorMap, withRing: true,
                                   focus: (h?.taps.last?.1[1] ?? state.outputCursor[1], h?.taps.last?.1[2] ?? state.outputCursor[2]),
                                   label: outLabel,
                                   reached: { r, c in m.isReached(batch: b, position: [outputDepth, r, c], channel: co, by: position) },
                                   mark: { r, c in landingMarks[key(r, c)] }),
        ]
        let bodyHeight = max(2, height - y - captionLines)
        let used = PanelRow.draw(panels, separators: [" " + options.times + " ", " " + options.arrow + " "], into: &grid,
                                 rect: Rect(x: 0, y: y, width: width, height: bodyHeight), options: options,
                                 numbers: state.numbers, numberWidth: m.numberWidth)
        y = min(y + min(bodyHeight, used.height) + 1, height - captionLines)
        let caption = captionLine(state, m, options: options)
        grid.put(caption, x: 0, y: y, style: theme.style(.label), limit: width, ellipsis: "~")
        if captionLines > 1 {
            grid.put(progressLine(state, m, options: options), x: 0, y: y + 1, style: theme.style(.dim), limit: width, ellipsis: "~")
        }
        return grid
    }

    /// The formula of the current position: `x[0,1,2,0]=0.5 × w[1,0,0,0]=2 → y[0,2,4,0] += 1 = 3.25`.
    public static func captionLine(_ state: ViewState, _ m: StepModel, options: RenderOptions) -> String {
        guard let c = state.cursor else { return "" }
        guard c.position >= 0, let step = state.currentStep else {
            return "Press . to step and space to play: each step multiplies one input element by one kernel tap "
                + "and adds the product to one output cell."
        }
        if state.granularity == .element && state.pinned == nil {
            return StepText.elementLine(m, steps: m.trace.elementSteps(containing: c.position), options: options)
        }
        var text = StepText.stepLine(step, options: options)
        if state.channels.locked && !state.matchesChannels(c.position) {
            text = "(showing out \(state.channels.output), in \(state.channels.input); . goes to its next tap)  " + text
        }
        return text
    }

    /// `step 18/288  element 3/32  tap 5/9  out ch 1/3  in ch 0/2  ‖ 4 steps/s by tap`.
    public static func progressLine(_ state: ViewState, _ m: StepModel, options: RenderOptions) -> String {
        guard let c = state.cursor else { return "" }
        let count = m.trace.count
        let spe = max(1, m.trace.stepsPerElement)
        var parts = ["step \(c.position + 1)/\(count)"]
        if c.position >= 0 {
            parts.append("element \(c.position / spe + 1)/\(m.trace.elementCount)")
            parts.append("tap \((c.position % spe) / max(1, m.perGroupImage) + 1)/\(m.taps)")
        }
        let shown = state.displayedChannels
        parts.append("out ch \(shown.output)/\(m.geometry.imageChannels)")
        parts.append("in ch \(shown.input)/\(m.geometry.featureChannels)" + (state.channels.locked ? " (locked)" : ""))
        let unit = state.granularity == .tap ? "steps" : "elements"
        let play = state.playing ? (options.utf8 ? "\u{25B6} " : "> ") : (options.utf8 ? "\u{2016} " : "|| ")
        parts.append(play + NumberFormat.format(state.speed) + " " + unit + "/s by " + state.granularity.rawValue)
        if let pin = state.pinned { parts.append("pinned " + m.dataIndexLabel("y", pin)) }
        return parts.joined(separator: "  ")
    }
}
