import TConvEngine

/// The sparse matrix C^T of one channel pair: one row per output cell, one column per input
/// cell, entry = the weight that links them (`y = C^T x`; the forward conv is `x = C y`).
/// Shown for small sizes only, with the cursor's row (its gather) and the current input
/// element's column (its scatter) lit.
public enum MatrixView {
    /// Most output or input cells the matrix view accepts.
    public static let maxCells = 256

    /// True when the matrix is small enough to draw.
    public static func isSmallEnough(_ m: StepModel) -> Bool {
        let g = m.geometry
        let rows = g.image.reduce(1, *), cols = g.feature.reduce(1, *)
        return rows > 0 && cols > 0 && rows <= maxCells && cols <= maxCells
    }

    /// The tap linking output pixel `o` and input pixel `i` (three axes), or nil when none does.
    public static func tap(_ m: StepModel, output o: [Int], input i: [Int]) -> [Int]? {
        let g = m.geometry
        var k = [0, 0, 0]
        for axis in 0..<3 {
            let numerator = o[axis] + g.padBefore[axis] - i[axis] * g.strides[axis]
            guard numerator >= 0, numerator % g.dilations[axis] == 0 else { return nil }
            k[axis] = numerator / g.dilations[axis]
            guard k[axis] < g.kernel[axis] else { return nil }
        }
        return k
    }

    /// Entry (row `oPixel`, column `iPixel`) of C^T for local output channel `local` and input
    /// channel `f`: the weight, or nil for a structural zero.
    public static func entry(_ m: StepModel, row oPixel: Int, column iPixel: Int, local: Int, f: Int) -> Double? {
        let o = StepModel.unflatten(oPixel, m.geometry.image)
        let i = StepModel.unflatten(iPixel, m.geometry.feature)
        return tap(m, output: o, input: i).map { m.weight(tap: $0, outputChannel: local, inputChannel: f) }
    }

    /// Draws C^T of the shown channel pair, with the cursor row and the current input column lit into a `width` x `height` grid.
    public static func render(_ state: ViewState, width: Int, height: Int, options: RenderOptions = .standard) -> Grid {
        var grid = Grid(width: width, height: height)
        guard let m = state.model, width > 0, height > 0 else { return grid }
        let theme = options.theme
        let g = m.geometry
        let rows = g.image.reduce(1, *), cols = g.feature.reduce(1, *)
        let shown = state.displayedChannels
        let local = shown.output % max(m.perGroupImage, 1), f = shown.input
        let b = state.displayedBatch
        grid.put("C^T for out ch \(shown.output), in ch \(f): y = C^T x  (\(rows) output cells " + options.times
                 + " \(cols) input cells; the forward conv is x = C y)", x: 0, y: 0, style: theme.style(.title), limit: width, ellipsis: "~")
        guard isSmallEnough(m) else {
            grid.put("The matrix view is for small sizes: C^T here would be \(rows) " + options.times + " \(cols) "
                     + "(at most \(maxCells) " + options.times + " \(maxCells)).", x: 0, y: min(1, height - 1),
                     style: theme.style(.note), limit: width)
            return grid
        }
        let cursorPosition = state.pinned?.position ?? state.outputCursor
        let litRow = (cursorPosition[0] * g.image[1] + cursorPosition[1]) * g.image[2] + cursorPosition[2]
        var litColumn: Int? = nil
        if let c = state.cursor, c.position >= 0, m.inputChannel(ofStep: c.position) == f {
            let i = m.inputPosition(ofStep: c.position)
            litColumn = (i[0] * g.feature[1] + i[1]) * g.feature[2] + i[2]
        }
        func name(_ p: Int, _ extent: [Int]) -> String {
            let position = StepModel.unflatten(p, extent)
            return m.visibleAxes.map { String(position[$0]) }.joined(separator: ",")
        }
        let labelWidth = (0..<rows).map { name($0, g.image).count }.max().map { $0 + 1 } ?? 2
        let top = 2, footer = 2
        let available = Rect(x: labelWidth, y: top, width: width - labelWidth, height: height - top - footer)
        var size = ElementSize.cells(columns: 2, rows: 1)
        if cols * 2 > available.width { size = .cells(columns: 1, rows: 1) }
        if options.glyphMode == .ascii { size = .cells(columns: 2, rows: 1) }
        let capacity = size.capacity(width: available.width, height: available.height)
        let window = ElementWindow.showing(focus: (litRow, litColumn ?? 0), rows: rows, cols: cols, capacity: capacity)
        let scale = StepPanels.scale(m.filterRange, map: state.colorMap)
        let painter = HeatmapPainter(scale: scale, options: options, size: size, numbers: false)
        painter.draw(into: &grid, x: available.x, y: available.y, window: window) { r, c in
            guard let w = entry(m, row: r, column: c, local: local, f: f) else {
                return PaintedElement(value: .nan, role: r == litRow || c == litColumn ? .border : .dim)
            }
            if r == litRow && c == litColumn { return PaintedElement(value: w, role: .cursor) }
            if r == litRow { return PaintedElement(value: w, role: .contributor) }
            if c == litColumn { return PaintedElement(value: w, role: .output) }
            return PaintedElement(value: w)
        }
        for r in 0..<window.rows {
            let row = window.rowStart + r
            grid.put(name(row, g.image), x: 0, y: available.y + r, style: theme.style(row == litRow ? .cursor : .dim),
                     limit: labelWidth - 1)
        }
        var colHeader = "columns " + (window.colStart > 0 || window.cols < cols ? "\(window.colStart)-\(window.colStart + window.cols - 1) of \(cols)" : "0-\(cols - 1)")
            + ": cells of " + m.planeLabel("x", batch: b, channel: f, depth: 0) + " in row-major order"
        if let lit = litColumn { colHeader += "; lit column \(lit) = current input element x[" + name(lit, g.feature) + "]" }
        grid.put(colHeader, x: 0, y: 1, style: theme.style(.dim), limit: width, ellipsis: "~")
        let rowCount = (0..<cols).filter { entry(m, row: litRow, column: $0, local: local, f: f) != nil }.count
        var foot = "row " + m.dataIndexLabel("y", OutputCell(batch: b, position: cursorPosition, channel: shown.output))
            + ": \(rowCount) non-zero\(rowCount == 1 ? "" : "s") (its gather)"
        if let lit = litColumn {
            let colCount = (0..<rows).filter { entry(m, row: $0, column: lit, local: local, f: f) != nil }.count
            foot += ";  column: \(colCount) non-zero\(colCount == 1 ? "" : "s") of \(m.taps) taps (its scatter; the rest are cropped)"
        }
        grid.put(foot, x: 0, y: height - 2, style: theme.style(.label), limit: width, ellipsis: "~")
        grid.put("rows: output cells of y (" + m.plan.axisLetters.joined(separator: ",") + "), lit row = cursor; "
                 + "amber = inputs feeding it, green = where the current input element lands",
                 x: 0, y: height - 1, style: theme.style(.dim), limit: width, ellipsis: "~")
        return grid
    }
}

