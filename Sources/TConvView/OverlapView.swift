import TConvEngine

/// The overlap map: how many (input element, tap) pairs land on each output cell, in viridis,
/// with a note when the kernel is not a multiple of the stride (uneven overlap: the cause of
/// checkerboard artifacts).
public enum OverlapView {
    /// Per axis: true when `K % s != 0` there (with dilation, the effective taps per phase differ).
    public static func unevenAxes(_ m: StepModel) -> [Int] {
        let g = m.geometry
        return m.visibleAxes.filter { axis in
            let s = g.strides[axis]
            guard s > 1 else { return false }
            // Taps of phase r are k with (k*d) % s == r; the overlap is even when all phases
            // have the same number of taps.
            var perPhase = Array(repeating: 0, count: s)
            for k in 0..<g.kernel[axis] { perPhase[(k * g.dilations[axis]) % s] += 1 }
            return Set(perPhase).count > 1
        }
    }

    /// The note under the map.
    public static func note(_ m: StepModel) -> String {
        let g = m.geometry
        let letters = m.plan.axisLetters
        let uneven = unevenAxes(m)
        let names = uneven.compactMap { a in m.visibleAxes.firstIndex(of: a).map { letters[$0] } }
        if uneven.isEmpty {
            return "even overlap: on every axis the kernel covers each stride phase equally (kernel % stride == 0 or stride 1)"
        }
        let detail = uneven.map { a -> String in
            g.kernel[a] % g.strides[a] != 0
                ? "kernel \(g.kernel[a]) % stride \(g.strides[a]) = \(g.kernel[a] % g.strides[a]) != 0"
                : "dilation \(g.dilations[a]) puts the \(g.kernel[a]) taps on stride phases unevenly"
        }.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }.joined(separator: "; ")
        return "uneven overlap on " + names.joined(separator: ", ") + " (" + detail
            + "): neighbouring cells get different counts, the checkerboard cause"
    }

    /// Draws the overlap map of `state` at the cursor's depth, its colour bar and note into a `width` x `height` grid.
    public static func render(_ state: ViewState, width: Int, height: Int, options: RenderOptions = .standard) -> Grid {
        var grid = Grid(width: width, height: height)
        guard let m = state.model, width > 0, height > 0 else { return grid }
        let theme = options.theme
        let g = m.geometry
        var y = 0
        grid.put("overlap: how many taps land on each output cell (per channel pair; each also sums over "
                 + "\(m.perGroupFeature) input channel\(m.perGroupFeature == 1 ? "" : "s"))",
                 x: 0, y: y, style: theme.style(.title), limit: width, ellipsis: "~")
        y += 1
        guard g.image.allSatisfy({ $0 > 0 }) else {
            grid.put("The output is empty.", x: 0, y: y, style: theme.style(.note), limit: width)
            return grid
        }
        let d = max(0, min(state.outputCursor[0], g.image[0] - 1))
        var range = ValueRange()
        for c in m.overlap { range.add(Double(c)) }
        let scale = ColorScale(kind: state.colorMap ?? .viridis, range: range, includeZero: true)
        let cursor = (state.outputCursor[1], state.outputCursor[2])
        let label = "taps per cell of " + m.planeLabel("y", batch: state.displayedBatch, channel: state.displayedChannels.output, depth: d)
        let panel = PanelSpec(
            label: label, rows: g.image[1], cols: g.image[2], scale: scale, focus: cursor,
            element: { r, c in
                let count = m.overlapCount([d, r, c])
                return PaintedElement(value: Double(count), role: r == cursor.0 && c == cursor.1 ? .cursor : .heat)
            }, signed: false)
        let footer = 4
        let used = PanelRow.draw([panel], separators: [], into: &grid,
                                 rect: Rect(x: 0, y: y, width: width, height: max(2, height - y - footer)),
                                 options: options, numbers: state.numbers, numberWidth: max(1, String(Int(range.max)).count))
        y += used.height
        if height - y >= 4 {
            ColorBar.draw(scale, options: options, into: &grid, x: 0, y: y, width: min(width, 40))
            y += ColorBar.height
        }
        let here = m.overlapCount([d, cursor.0, cursor.1])
        let total = m.overlap.reduce(0, +)
        let lines = [
            note(m),
            "cursor: \(here) tap\(here == 1 ? "" : "s")  " + options.dot + "  min \(Int(range.min)) max \(Int(range.max))  "
                + options.dot + "  \(total) of \(m.geometry.feature.reduce(1, *) * m.taps) (input, tap) pairs land; the rest are cropped",
        ]
        for line in lines where y < height {
            grid.put(line, x: 0, y: y, style: theme.style(line == lines[0] ? .note : .dim), limit: width, ellipsis: "~")
            y += 1
        }
        return grid
    }
}
