/// The colour bar under a heatmap: the map from its low to its high end, with the low bound,
/// 0 (when inside the range) and the high bound written under it.
public enum ColorBar {
    /// Rows a colour bar takes.
    public static let height = 2

    /// Draws the bar at (`x`, `y`) in `width` columns: the map's name, the bar, and the labels
    /// on the row below. `note` (e.g. `per slice`) follows the name when there is room.
    public static func draw(_ scale: ColorScale, options: RenderOptions, into grid: inout Grid, x: Int, y: Int,
                            width: Int, note: String? = nil) {
        let theme = options.theme
        var name = scale.kind.description
        if let note { name += " " + note }
        let nameWidth = min(name.count + 1, max(0, width / 3))
        grid.put(name, x: x, y: y, style: theme.style(.label), limit: max(0, nameWidth - 1))
        let barX = x + nameWidth
        let barWidth = width - nameWidth
        guard barWidth >= 8 else { return }
        let painter = HeatmapPainter(scale: scale, options: options, size: .cells(columns: 1, rows: 1), numbers: false)
        let ascii = options.glyphMode == .ascii
        for i in 0..<barWidth {
            let t = barWidth == 1 ? 0.5 : Double(i) / Double(barWidth - 1)
            let v = scale.lower + (scale.upper - scale.lower) * t
            if ascii {
                let text = painter.asciiText(v, width: 2)
                grid[barX + i, y] = GridCell(String(text.suffix(1)), style: CellStyle(role: .colorBar))
            } else {
                grid[barX + i, y] = GridCell(Glyph.space, style: CellStyle(role: .colorBar, background: painter.color(v)))
            }
        }
        let p = options.precision
        let low = NumberFormat.format(scale.lower, precision: p)
        let high = NumberFormat.format(scale.upper, precision: p)
        let labelStyle = theme.style(.dim)
        grid.put(low, x: barX, y: y + 1, style: labelStyle, limit: barWidth)
        let highX = barX + barWidth - high.count
        if highX > barX + low.count { grid.put(high, x: highX, y: y + 1, style: labelStyle) }
        if scale.containsZero && scale.lower < 0 && scale.upper > 0 {
            let t = scale.position(0)
            let zx = barX + Int((t * Double(barWidth - 1)).rounded())
            if zx > barX + low.count, zx < highX - 1 {
                grid.put("0", x: zx, y: y + 1, style: labelStyle)
                if !ascii { grid[zx, y].text = "|" ; grid[zx, y].style.foreground = RGB(0, 0, 0) }
            }
        }
    }
}
