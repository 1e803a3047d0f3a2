/// One labelled 2-D panel in a row of panels (input, kernel, output, ...).
struct PanelSpec {
    var label: String
    var rows: Int
    var cols: Int
    var scale: ColorScale
    /// The element that must stay visible when the panel is too large to show whole.
    var focus: (row: Int, col: Int)
    var element: (Int, Int) -> PaintedElement
    /// Signed ASCII form (a leading `-`); defaults to the scale's sign.
    var signed: Bool? = nil
}

/// Lays out panels side by side with separators between them (` × `, ` → `), choosing the
/// largest element size that fits them all, and windows around each panel's focus when even
/// the smallest size does not.
enum PanelRow {
    /// Element sizes tried, largest first.
    static func candidates(options: RenderOptions, numbers: Bool, numberWidth: Int) -> [ElementSize] {
        var list = [ElementSize]()
        if numbers {
            let w = max(3, numberWidth + 1)
            list += [.cells(columns: max(6, w), rows: 3), .cells(columns: max(4, w), rows: 2), .cells(columns: w, rows: 1)]
            if w > 5 { list += [.cells(columns: 5, rows: 2), .cells(columns: 5, rows: 1)] }
        }
        list += [.cells(columns: 6, rows: 3), .cells(columns: 4, rows: 2), .cells(columns: 4, rows: 1),
                 .cells(columns: 3, rows: 1), .cells(columns: 2, rows: 1)]
        if options.glyphMode != .ascii && !options.presenter { list.append(.cells(columns: 1, rows: 1)) }
        return list
    }

    /// Draws `panels` in `rect`; returns the rows used and whether numbers were shown.
    @discardableResult
    static func draw(_ panels: [PanelSpec], separators: [String], into grid: inout Grid, rect: Rect,
                     options: RenderOptions, numbers: Bool, numberWidth: Int) -> (height: Int, numbers: Bool) {
        guard !panels.isEmpty, rect.width > 0, rect.height > 1 else { return (0, false) }
        let separatorWidth = separators.reduce(0) { $0 + $1.count }
        let bodyHeight = rect.height - 1
        let sizes = candidates(options: options, numbers: numbers, numberWidth: numberWidth)
        func slotWidths(_ size: ElementSize) -> [Int] {
            let full = panels.map { p in max(size.extent(rows: p.rows, cols: p.cols).width, p.label.count) }
            if full.reduce(0, +) + separatorWidth <= rect.width { return full }
            return panels.map { p in max(size.extent(rows: p.rows, cols: p.cols).width, min(p.label.count, 16)) }
        }
        var chosen: ElementSize? = nil
        for size in sizes {
            let widths = slotWidths(size)
            let heights = panels.map { size.extent(rows: $0.rows, cols: $0.cols).height }
            if widths.reduce(0, +) + separatorWidth <= rect.width && (heights.max() ?? 0) <= bodyHeight {
                chosen = size
                break
            }
        }
        let size = chosen ?? sizes.last ?? .cells(columns: 1, rows: 1)
        var numbersShown = false
        if numbers, case .cells(let c, _) = size, c >= min(5, numberWidth + 1) { numbersShown = true }

        // Column widths: natural when everything fits; otherwise shared in proportion, each at least 6.
        var widths = slotWidths(size)
        let available = rect.width - separatorWidth
        if chosen == nil {
            let natural = panels.map { size.extent(rows: $0.rows, cols: $0.cols).width }
            let total = max(1, natural.reduce(0, +))
            widths = natural.map { max(6, min($0, available * $0 / total)) }
            var excess = widths.reduce(0, +) - available
            var k = widths.count - 1
            while excess > 0 && k >= 0 {
                let cut = min(excess, max(0, widths[k] - 6))
                widths[k] -= cut
                excess -= cut
                k -= 1
            }
        }
        var x = rect.x
        var used = 0
        // Each separator sits at the middle of the shorter of its two neighbours.
        let heights = panels.enumerated().map { n, p in
            min(size.extent(rows: p.rows, cols: p.cols).height, size.capacity(width: widths[n], height: bodyHeight).rows
                * (size == .half ? 1 : size.extent(rows: 1, cols: 1).height))
        }
        for (n, p) in panels.enumerated() {
            let slot = widths[n]
            let labelStyle = options.theme.style(.label)
            grid.put(p.label, x: x, y: rect.y, style: labelStyle, limit: slot, ellipsis: "~")
            let capacity = size.capacity(width: slot, height: bodyHeight)
            let window = ElementWindow.showing(focus: p.focus, rows: p.rows, cols: p.cols, capacity: capacity)
            let painter = HeatmapPainter(scale: p.scale, options: options, size: size, numbers: numbersShown, signed: p.signed)
            let extent = painter.draw(into: &grid, x: x, y: rect.y + 1, window: window, element: p.element)
            used = max(used, extent.height + 1)
            x += slot
            if n < separators.count {
                let sep = separators[n]
                let shorter = min(heights[n], n + 1 < heights.count ? heights[n + 1] : heights[n])
                grid.put(sep, x: x, y: rect.y + 1 + max(0, shorter - 1) / 2, style: options.theme.style(.label))
                x += sep.count
            }
        }
        return (used, numbersShown)
    }
}
