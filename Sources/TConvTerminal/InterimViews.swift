import TConvEngine
import TConvView

// Stand-ins for TConvView's heatmap and step-frame renderers, used until those land (the views
// engineer is building them now). Everything here draws into a `Grid`, like the real ones, so
// swapping them is a change to `PaneRenderer` only. Kept deliberately small.

/// A colour map: value in 0...1 -> RGB, by linear interpolation between stops.
struct InterimColorMap: Sendable {
    var name: String
    var stops: [RGB]

    static let viridis = InterimColorMap(name: "viridis", stops: [
        RGB(68, 1, 84), RGB(72, 40, 120), RGB(62, 74, 137), RGB(49, 104, 142), RGB(38, 130, 142),
        RGB(31, 158, 137), RGB(53, 183, 121), RGB(109, 205, 89), RGB(180, 222, 44), RGB(253, 231, 37),
    ])
    static let rdbu = InterimColorMap(name: "RdBu", stops: [
        RGB(5, 48, 97), RGB(33, 102, 172), RGB(67, 147, 195), RGB(146, 197, 222), RGB(209, 229, 240),
        RGB(247, 247, 247), RGB(253, 219, 199), RGB(244, 165, 130), RGB(214, 96, 77), RGB(178, 24, 43),
        RGB(103, 0, 31),
    ])
    static let cividis = InterimColorMap(name: "cividis", stops: [
        RGB(0, 34, 78), RGB(39, 59, 110), RGB(84, 86, 108), RGB(124, 123, 120), RGB(167, 159, 114),
        RGB(213, 199, 96), RGB(254, 232, 56),
    ])
    static let all = [viridis, rdbu, cividis]

    func color(_ t: Double) -> RGB {
        let clamped = t.isFinite ? min(1, max(0, t)) : 0.5
        let position = clamped * Double(stops.count - 1)
        let i = min(Int(position), stops.count - 2)
        let f = position - Double(i)
        func mix(_ a: UInt8, _ b: UInt8) -> UInt8 { UInt8((Double(a) * (1 - f) + Double(b) * f).rounded()) }
        return RGB(mix(stops[i].r, stops[i + 1].r), mix(stops[i].g, stops[i + 1].g), mix(stops[i].b, stops[i + 1].b))
    }
}

/// A 2-D slice of a tensor, with the value range used for colouring.
struct InterimSlice {
    var rows: Int
    var columns: Int
    var values: [Double]
    /// e.g. "y[0,:,:,1]"
    var label: String

    subscript(r: Int, c: Int) -> Double { values[r * columns + c] }

    /// The slice of `tensor` at batch 0, channel `channel`, depth `depth`, reading the layout
    /// letters when known (else the last two axes).
    static func make(_ tensor: Tensor, name: String, channel: Int, depth: Int) -> InterimSlice {
        let shape = tensor.shape
        let letters = tensor.layout.map { Array($0.name) }.flatMap { $0.count == shape.count ? $0.map(String.init) : nil }
        var rowAxis: Int?, columnAxis: Int?
        var fixed = Array(repeating: 0, count: shape.count)
        if let letters {
            columnAxis = letters.firstIndex(of: "W")
            rowAxis = letters.firstIndex(of: "H")
            for (axis, letter) in letters.enumerated() {
                switch letter {
                case "C", "O": fixed[axis] = min(max(channel, 0), shape[axis] - 1)
                case "D": fixed[axis] = min(max(depth, 0), shape[axis] - 1)
                default: break
                }
            }
        } else if shape.count >= 2 {
            rowAxis = shape.count - 2
            columnAxis = shape.count - 1
            if shape.count >= 3 { fixed[0] = min(max(channel, 0), shape[0] - 1) }
        } else if shape.count == 1 {
            columnAxis = 0
        }
        let rows = rowAxis.map { shape[$0] } ?? 1
        let columns = columnAxis.map { shape[$0] } ?? 1
        var values = [Double]()
        values.reserveCapacity(rows * columns)
        let data = tensor.doubles
        let strides = Tensor.strides(of: shape)
        for r in 0..<rows {
            for c in 0..<columns {
                var index = fixed
                if let rowAxis { index[rowAxis] = r }
                if let columnAxis { index[columnAxis] = c }
                let flat = zip(index, strides).reduce(0) { $0 + $1.0 * $1.1 }
                values.append(shape.isEmpty ? (data.first ?? 0) : data[flat])
            }
        }
        let labelIndex = (0..<shape.count).map { axis in axis == rowAxis || axis == columnAxis ? ":" : String(fixed[axis]) }
        return InterimSlice(rows: rows, columns: columns, values: values,
                            label: name + (shape.isEmpty ? "" : "[" + labelIndex.joined(separator: ",") + "]"))
    }
}

enum InterimHeatmap {
    static let asciiRamp = Array(" .:-=+*#%@")

    /// Draws `slice` at (x, y) with cells `cellWidth` columns wide, one value per row (so numbers
    /// fit) when `numbers` is set, else half-blocks (two values per row). Returns the size used.
    @discardableResult
    static func draw(_ slice: InterimSlice, into grid: inout Grid, x: Int, y: Int, maxWidth: Int, maxHeight: Int,
                     colorMap: InterimColorMap, colored: Bool, unicode: Bool, numbers: Bool, precision: Int = 2,
                     highlight: [Int: StyleRole] = [:]) -> (width: Int, height: Int) {
        let (low, high, signed) = range(slice.values)
        let map = signed ? InterimColorMap.rdbu : colorMap
        func t(_ v: Double) -> Double { high > low ? (v - low) / (high - low) : 0.5 }
        grid.put(String(slice.label.prefix(maxWidth)), x: x, y: y, style: CellStyle(role: .title, bold: true))
        let top = y + 1
        let available = max(1, maxHeight - 3)
        let halfBlocks = unicode && colored && !numbers
        let cellWidth: Int
        if numbers {
            cellWidth = max(5, min(9, maxWidth / max(slice.columns, 1)))
        } else {
            cellWidth = max(1, min(4, maxWidth / max(slice.columns, 1)))
        }
        let rowsPerValue = halfBlocks ? 1 : 1
        var usedRows = 0
        if halfBlocks {
            // Each character row shows two value rows: foreground = upper, background = lower.
            let scale = max(1, min(cellWidth, (available * 2) / max(slice.rows, 1)))
            let width = scale * slice.columns
            let valueRows = slice.rows * scale
            var row = 0
            while row < valueRows && usedRows < available {
                for column in 0..<width {
                    let c = column / scale
                    let upper = slice[row / scale, c]
                    let lowerRow = row + 1 < valueRows ? (row + 1) / scale : nil
                    let upperRole = highlight[(row / scale) * slice.columns + c]
                    let lowerRole = lowerRow.flatMap { highlight[$0 * slice.columns + c] }
                    let role = upperRole ?? lowerRole ?? .heat
                    var style = CellStyle(role: role, foreground: map.color(t(upper)),
                                          background: lowerRow.map { map.color(t(slice[$0, c])) })
                    if upperRole != nil || lowerRole != nil { style.underline = true }
                    grid[x + column, top + usedRows] = GridCell(lowerRow == nil ? "▀" : "▀", style: style)
                }
                row += 2
                usedRows += 1
            }
            drawBar(into: &grid, x: x, y: top + usedRows, width: max(width, 16), low: low, high: high, map: map,
                    colored: colored, unicode: unicode)
            return (max(width, 16), usedRows + 2)
        }
        for r in 0..<min(slice.rows, available / rowsPerValue) {
            for c in 0..<slice.columns where (c + 1) * cellWidth <= maxWidth {
                let v = slice[r, c]
                let role = highlight[r * slice.columns + c] ?? .heat
                let color = map.color(t(v))
                var text: String
                if numbers {
                    text = format(v, precision: precision)
                    text = String(repeating: " ", count: max(0, cellWidth - 1 - text.count)) + text + " "
                    if text.count > cellWidth { text = String(text.suffix(cellWidth)) }
                } else if colored {
                    text = String(repeating: unicode ? "█" : "#", count: cellWidth)
                } else {
                    let level = Int((t(v) * Double(asciiRamp.count - 1)).rounded())
                    let glyph = asciiRamp[max(0, min(asciiRamp.count - 1, level))]
                    text = String(repeating: String(glyph), count: max(1, cellWidth - 1)) + (cellWidth > 1 ? (v < 0 ? "-" : " ") : "")
                }
                let foreground: RGB? = numbers ? (colored ? contrast(color) : nil) : (colored ? color : nil)
                let background: RGB? = numbers && colored ? color : nil
                let style = CellStyle(role: role, foreground: foreground, background: background,
                                      bold: role != .heat, reverse: role != .heat && !colored)
                grid.put(text, x: x + c * cellWidth, y: top + r, style: style)
            }
            usedRows += 1
        }
        let width = cellWidth * slice.columns
        drawBar(into: &grid, x: x, y: top + usedRows, width: max(min(width, maxWidth), 16), low: low, high: high,
                map: map, colored: colored, unicode: unicode)
        return (max(width, 16), usedRows + 2)
    }

    static func drawBar(into grid: inout Grid, x: Int, y: Int, width: Int, low: Double, high: Double,
                        map: InterimColorMap, colored: Bool, unicode: Bool) {
        let text = "\(format(low, precision: 2)) … \(format(high, precision: 2))"
        if colored {
            let barWidth = max(4, min(12, width - text.count - 1))
            for i in 0..<barWidth {
                let color = map.color(Double(i) / Double(max(barWidth - 1, 1)))
                grid[x + i, y] = GridCell(unicode ? "█" : "#", style: CellStyle(role: .colorBar, foreground: color))
            }
            grid.put(" " + text, x: x + barWidth, y: y, style: CellStyle(role: .label))
        } else {
            grid.put("[" + String(asciiRamp) + "] " + text, x: x, y: y, style: CellStyle(role: .label))
        }
    }

    static func range(_ values: [Double]) -> (Double, Double, Bool) {
        let finite = values.filter(\.isFinite)
        guard let lo = finite.min(), let hi = finite.max() else { return (0, 1, false) }
        if lo < 0 && hi > 0 {
            let m = max(-lo, hi)
            return (-m, m, true)
        }
        return (lo, hi, lo < 0)
    }

    static func contrast(_ c: RGB) -> RGB {
        let luminance = 0.299 * Double(c.r) + 0.587 * Double(c.g) + 0.114 * Double(c.b)
        return luminance > 140 ? RGB(0, 0, 0) : RGB(255, 255, 255)
    }

    static func format(_ v: Double, precision: Int) -> String {
        guard v.isFinite else { return v.isNaN ? "nan" : (v > 0 ? "inf" : "-inf") }
        if v == v.rounded() && abs(v) < 1e6 { return String(Int(v)) }
        let scale = pow10(precision)
        let rounded = (v * scale).rounded() / scale
        var text = String(rounded)
        if text.hasSuffix(".0") { text.removeLast(2) }
        return text
    }

    static func pow10(_ n: Int) -> Double { (0..<max(0, n)).reduce(1.0) { r, _ in r * 10 } }
}
