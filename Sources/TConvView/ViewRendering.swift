/// Drawing the pane for a state: the current view, the help overlay, the status line text.
extension ViewState {
    /// The pane (the area above the status line) for this state.
    public func render(width: Int, height: Int, options: RenderOptions = .standard) -> Grid {
        var grid: Grid
        switch content {
        case .tensor(let picture):
            grid = HeatmapView.render(picture, settings: heatmap, width: width, height: height, options: options)
            if let pin = pinnedElement, let value = picture.value(at: pin), height > 0 {
                let text = "pinned " + picture.name + NumberFormat.list(pin) + " = " + NumberFormat.format(value, precision: options.precision)
                let x = max(0, width - text.count)
                grid.put(text, x: x, y: height - 1, style: options.theme.style(.note), limit: width)
            }
        case .step(let m):
            switch view {
            case .scatter: grid = ScatterView.render(self, width: width, height: height, options: options)
            case .gather: grid = GatherView.render(self, width: width, height: height, options: options)
            case .direct: grid = DirectView.render(self, width: width, height: height, options: options)
            case .overlap: grid = OverlapView.render(self, width: width, height: height, options: options)
            case .matrix: grid = MatrixView.render(self, width: width, height: height, options: options)
            case .channels:
                let picture = m.resultPicture.replacingValues(cursor?.state ?? m.result)
                var settings = heatmap
                settings.showCursor = true
                grid = HeatmapView.render(picture, settings: settings, width: width, height: height, options: options)
            }
        }
        if showHelp { HelpOverlay.draw(into: &grid, options: options) }
        return grid
    }

    /// The status line: the view and where it is, then key hints, fitted to `width`.
    public func statusLine(width: Int, options: RenderOptions = .standard) -> String {
        let (left, right) = statusParts(options: options)
        if left.count + right.count + 2 <= width {
            return left + String(repeating: " ", count: width - left.count - right.count) + right
        }
        return String(left.prefix(max(0, width)))
    }

    /// The status line's two parts, for front ends that compose their own line: `left` says what
    /// the pane shows and where it is (`scatter  ·  step 3/24  ·  auto colours`), `right` is the
    /// pane's key hint.
    public func statusParts(options: RenderOptions = .standard) -> (left: String, right: String) {
        var left: String
        switch content {
        case .tensor(let picture):
            left = "show " + picture.name + "  " + options.dot + "  slice \(min(heatmap.focus, max(0, picture.slices.sliceCount - 1)) + 1)/\(max(1, picture.slices.sliceCount))"
            if picture.slices.depth > 1 { left += "  depth \(heatmap.depth + 1)/\(picture.slices.depth)" }
        case .step(let m):
            let position = cursor?.position ?? -1
            left = view.description + "  " + options.dot + "  step \(position + 1)/\(m.trace.count)"
            left += playing ? "  playing" : ""
        }
        left += "  " + options.dot + "  " + (colorMap?.description ?? "auto colours") + (numbers ? ", numbers" : "")
        if let remark { left += "  " + options.dot + "  " + remark }
        return (left, "? keys  Tab view  q prompt")
    }
}

/// The `?` overlay: the key table in a box over the middle of the pane.
public enum HelpOverlay {
    /// Draws the key table (the pane's unless `entries` are given) in as many columns as the
    /// height needs.
    public static func draw(into grid: inout Grid, options: RenderOptions, entries: [String] = KeyMap.helpLines,
                            title: String = "keys (any key closes this)") {
        let rowsAvailable = max(1, grid.height - 4)
        let columns = max(1, (entries.count + rowsAvailable - 1) / rowsAvailable)
        let rows = (entries.count + columns - 1) / columns
        let columnWidth = (entries.map(\.count).max() ?? 0) + 3
        let innerWidth = min(grid.width - 2, max(title.count + 2, columns * columnWidth + 1))
        let innerHeight = min(grid.height - 2, rows + 2)
        guard innerWidth > 10, innerHeight > 2 else { return }
        let x0 = (grid.width - innerWidth - 2) / 2, y0 = max(0, (grid.height - innerHeight - 2) / 2)
        let border = options.theme.style(.border)
        let body = CellStyle(role: .normal)
        grid.fill(Rect(x: 0, y: y0, width: grid.width, height: innerHeight + 2), with: GridCell(" ", style: body))
        let (h, v) = options.utf8 ? ("\u{2500}", "\u{2502}") : ("-", "|")
        let corner = options.utf8 ? ["\u{250C}", "\u{2510}", "\u{2514}", "\u{2518}"] : ["+", "+", "+", "+"]
        for x in (x0 + 1)...(x0 + innerWidth) {
            grid[x, y0] = GridCell(h, style: border)
            grid[x, y0 + innerHeight + 1] = GridCell(h, style: border)
        }
        for y in (y0 + 1)...(y0 + innerHeight) {
            grid[x0, y] = GridCell(v, style: border)
            grid[x0 + innerWidth + 1, y] = GridCell(v, style: border)
        }
        grid[x0, y0] = GridCell(corner[0], style: border)
        grid[x0 + innerWidth + 1, y0] = GridCell(corner[1], style: border)
        grid[x0, y0 + innerHeight + 1] = GridCell(corner[2], style: border)
        grid[x0 + innerWidth + 1, y0 + innerHeight + 1] = GridCell(corner[3], style: border)
        grid.put(title, x: x0 + 2, y: y0 + 1, style: options.theme.style(.title), limit: innerWidth - 2)
        for (n, line) in entries.enumerated() {
            let column = n / rows, row = n % rows
            let x = x0 + 2 + column * columnWidth
            guard row + 2 < innerHeight, x < x0 + innerWidth else { continue }
            grid.put(line, x: x, y: y0 + 3 + row, style: body, limit: min(columnWidth - 1, x0 + innerWidth - x))
        }
    }
}
