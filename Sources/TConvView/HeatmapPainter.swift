/// How many character cells one element takes.
public enum ElementSize: Hashable, Sendable, CustomStringConvertible {
    /// One column and half a row: two elements per cell, stacked, drawn with U+2580.
    case half
    /// `columns` x `rows` cells per element.
    case cells(columns: Int, rows: Int)

    /// Columns per element.
    public var columns: Int {
        switch self {
        case .half: return 1
        case .cells(let c, _): return max(1, c)
        }
    }

    /// Character cells taken by `rows` x `cols` elements.
    public func extent(rows: Int, cols: Int) -> (width: Int, height: Int) {
        switch self {
        case .half: return (cols, (rows + 1) / 2)
        case .cells(let c, let r): return (cols * max(1, c), rows * max(1, r))
        }
    }

    /// Elements that fit in `width` x `height` cells.
    public func capacity(width: Int, height: Int) -> (rows: Int, cols: Int) {
        switch self {
        case .half: return (max(0, height) * 2, max(0, width))
        case .cells(let c, let r): return (max(0, height) / max(1, r), max(0, width) / max(1, c))
        }
    }

    public var description: String {
        switch self {
        case .half: return "half"
        case .cells(let c, let r): return "\(c)x\(r)"
        }
    }
}

/// One element as a view wants it drawn.
public struct PaintedElement: Sendable, Equatable {
    /// The value (NaN is drawn in `ColorScale.nanColor`).
    public var value: Double
    /// `.heat` for a plain value; a highlight role (`input`, `tap`, `output`, `dropped`,
    /// `contributor`, `cursor`); or `.dim` for a placeholder with no value yet.
    public var role: StyleRole

    public init(value: Double, role: StyleRole = .heat) {
        self.value = value
        self.role = role
    }

    /// An element with no value (an output cell nothing has reached yet, a cell of the margin
    /// ring): drawn as a dim dot.
    public static let placeholder = PaintedElement(value: .nan, role: .dim)
}

/// Which elements of a 2-D array to draw: a window of `rows` x `cols` starting at
/// (`rowStart`, `colStart`).
public struct ElementWindow: Sendable, Equatable {
    public var rowStart: Int, colStart: Int, rows: Int, cols: Int
    public init(rowStart: Int = 0, colStart: Int = 0, rows: Int, cols: Int) {
        self.rowStart = rowStart
        self.colStart = colStart
        self.rows = max(0, rows)
        self.cols = max(0, cols)
    }

    /// The window of `capacity` elements that shows `focus` (row, col) in an array of
    /// `rows` x `cols`, paging so the window moves only when the focus leaves it.
    public static func showing(focus: (row: Int, col: Int), rows: Int, cols: Int,
                               capacity: (rows: Int, cols: Int)) -> ElementWindow {
        func axis(_ f: Int, _ n: Int, _ cap: Int) -> (Int, Int) {
            guard cap > 0 else { return (0, 0) }
            if n <= cap { return (0, n) }
            let page = max(0, min(f, n - 1)) / cap
            let start = min(page * cap, n - cap)
            return (start, cap)
        }
        let (r0, nr) = axis(focus.row, rows, capacity.rows)
        let (c0, nc) = axis(focus.col, cols, capacity.cols)
        return ElementWindow(rowStart: r0, colStart: c0, rows: nr, cols: nc)
    }
}

/// Draws 2-D arrays of values into a grid as half blocks, coloured blocks or ASCII ramp cells,
/// with highlights and (when the cells are wide enough) the numbers themselves.
public struct HeatmapPainter: Sendable {
    public var scale: ColorScale
    public var options: RenderOptions
    public var size: ElementSize
    /// Print values in cells that are wide enough.
    public var numbers: Bool
    /// Use the signed ASCII form (a leading `-` for negative values).
    public var signed: Bool

    let table: [RGB]
    let mode: GlyphMode
    let theme: Theme
    static let placeholderColor = RGB(40, 40, 40)
    /// The margin ring around an output (the cropped border of the full scatter).
    static let ringColor = RGB(58, 58, 58)

    public init(scale: ColorScale, options: RenderOptions, size: ElementSize, numbers: Bool, signed: Bool? = nil) {
        self.scale = scale
        self.options = options
        self.numbers = numbers
        self.signed = signed ?? (scale.lower < 0)
        table = scale.kind.map.table
        theme = options.theme
        var mode = options.glyphMode
        if mode == .halfBlock, size != .half { mode = .block }
        self.mode = mode
        self.size = (mode != .halfBlock && size == .half) ? .cells(columns: 2, rows: 1) : size
    }

    /// The colour of a value.
    public func color(_ v: Double) -> RGB {
        if v.isNaN { return ColorScale.nanColor }
        let t = scale.position(v)
        return table[Int((t * Double(ColorMap.size - 1)).rounded())]
    }

    /// The width a number needs in a cell of this size (numbers are right-aligned with one
    /// column of space before them).
    public var numberWidth: Int { max(0, size.columns - 1) }

    /// Draws `window` of a `rows` x `cols` array at (`x`, `y`); `element(row, col)` gives each
    /// element. Returns the cells used.
    @discardableResult
    public func draw(into grid: inout Grid, x: Int, y: Int, window: ElementWindow,
                     element: (Int, Int) -> PaintedElement) -> (width: Int, height: Int) {
        let extent = size.extent(rows: window.rows, cols: window.cols)
        guard window.rows > 0, window.cols > 0 else { return extent }
        if case .half = size {
            drawHalf(into: &grid, x: x, y: y, window: window, element: element)
        } else {
            for r in 0..<window.rows {
                for c in 0..<window.cols {
                    let e = element(window.rowStart + r, window.colStart + c)
                    drawCell(e, into: &grid, x: x + c * size.columns, y: y + r * rowsPerElement)
                }
            }
        }
        return extent
    }

    /// Draws a whole slice with every element a plain value, except where `mark` says otherwise.
    @discardableResult
    public func draw(_ slice: Slice2D, into grid: inout Grid, x: Int, y: Int, window: ElementWindow? = nil,
                     mark: ((Int, Int) -> StyleRole?)? = nil) -> (width: Int, height: Int) {
        let w = window ?? ElementWindow(rows: slice.rows, cols: slice.cols)
        return draw(into: &grid, x: x, y: y, window: w) { r, c in
            PaintedElement(value: slice[r, c], role: mark?(r, c) ?? .heat)
        }
    }

    var rowsPerElement: Int {
        if case .cells(_, let r) = size { return max(1, r) }
        return 1
    }

    // MARK: Half blocks

    func halfColor(_ e: PaintedElement) -> RGB {
        switch e.role {
        case .heat: return color(e.value)
        case .dim: return HeatmapPainter.placeholderColor
        case .border: return HeatmapPainter.ringColor
        case .cursor: return color(e.value).contrastingText
        default: return theme.highlightColor(e.role) ?? color(e.value)
        }
    }

    static func priority(_ role: StyleRole) -> Int {
        switch role {
        case .heat: return 0
        case .dim: return 1
        case .contributor: return 2
        case .tap: return 3
        case .input: return 4
        case .dropped: return 5
        case .output: return 6
        case .cursor: return 7
        default: return 1
        }
    }

    func drawHalf(into grid: inout Grid, x: Int, y: Int, window: ElementWindow, element: (Int, Int) -> PaintedElement) {
        let charRows = (window.rows + 1) / 2
        for cr in 0..<charRows {
            let r0 = window.rowStart + 2 * cr
            let hasLower = 2 * cr + 1 < window.rows
            for c in 0..<window.cols {
                let upper = element(r0, window.colStart + c)
                var style = CellStyle(role: upper.role, foreground: halfColor(upper))
                if hasLower {
                    let lower = element(r0 + 1, window.colStart + c)
                    style.background = halfColor(lower)
                    if HeatmapPainter.priority(lower.role) > HeatmapPainter.priority(upper.role) { style.role = lower.role }
                }
                grid[x + c, y + cr] = GridCell(Glyph.upperHalf, style: style)
            }
        }
    }

    // MARK: Whole cells

    func drawCell(_ e: PaintedElement, into grid: inout Grid, x: Int, y: Int) {
        let w = size.columns, h = rowsPerElement
        var background: RGB? = nil
        var foreground: RGB? = nil
        var bold = false
        var text: String? = nil
        switch e.role {
        case .dim:
            text = centered(options.dot, w)
            foreground = theme.dimForeground
        case .border:
            if mode == .ascii { text = centered("~", w) } else { background = HeatmapPainter.ringColor }
            foreground = theme.dimForeground
        case .dropped where e.value.isNaN:
            text = centered(options.utf8 ? Glyph.times : "X", w)
            if mode != .ascii {
                background = theme.droppedHighlight
                foreground = RGB(255, 255, 255)
            }
            bold = true
        default:
            if mode == .ascii {
                text = asciiText(e.value, width: w)
            } else if let highlight = theme.highlightColor(e.role) {
                background = highlight
                foreground = e.role == .dropped ? RGB(255, 255, 255) : RGB(0, 0, 0)
                bold = true
            } else {
                let c = color(e.value)
                background = c
                foreground = c.contrastingText
            }
            if numbers, w >= 3, let number = NumberFormat.compact(e.value, width: numberWidth) {
                text = NumberFormat.leftPad(number, w)
            }
            if e.role == .cursor {
                bold = true
                if mode != .ascii, let c = background {
                    // Inverted: the value's colour on black or white, so the cell stands out and still shows its colour.
                    background = c.contrastingText
                    foreground = c
                }
                if text == nil { text = w >= 2 ? "[" + String(repeating: " ", count: w - 2) + "]" : "+" }
            }
        }
        let style = CellStyle(role: e.role, foreground: foreground, background: background, bold: bold,
                              reverse: mode == .ascii && e.role == .cursor)
        let middle = (h - 1) / 2
        // ASCII value cells repeat their ramp text on every row so an element reads as a block.
        let everyRow = mode == .ascii && !(numbers && w >= 3) && e.role != .dim && e.role != .border
        for row in 0..<h {
            if row == middle || everyRow, let text {
                var column = x
                for ch in text {
                    grid[column, y + row] = GridCell(String(ch), style: style)
                    column += 1
                }
            } else {
                for column in x..<(x + w) { grid[column, y + row] = GridCell(Glyph.space, style: style) }
            }
        }
    }

    func centered(_ glyph: String, _ w: Int) -> String {
        let left = (w - 1) / 2
        return String(repeating: " ", count: left) + glyph + String(repeating: " ", count: max(0, w - left - 1))
    }

    /// The ASCII ramp form of a value in `w` columns: magnitude characters, with a leading `-`
    /// for negative values of signed data.
    func asciiText(_ v: Double, width w: Int) -> String {
        if v.isNaN { return NumberFormat.leftPad("?", min(w, 2)) + String(repeating: " ", count: max(0, w - 2)) }
        if signed {
            let ramp = Glyph.magnitudeRamp
            let m = max(Swift.abs(scale.lower), Swift.abs(scale.upper))
            var level = 0
            if v != 0 {
                let t = m > 0 ? min(1, Swift.abs(v) / m) : 1
                level = max(1, min(ramp.count - 1, Int((t * Double(ramp.count - 1)).rounded(.up))))
            }
            let sign = v < 0 ? "-" : " "
            let body = w >= 2 ? sign + ramp[level] : (v < 0 && level < 2 ? "-" : ramp[level])
            return body + String(repeating: ramp[level], count: max(0, w - 2))
        }
        let ramp = Glyph.ramp
        let t = scale.position(v)
        var level = Int((t * Double(ramp.count - 1)).rounded())
        if v != 0 && level == 0 && t > 0 { level = 1 }
        return String(repeating: ramp[level], count: max(1, w))
    }
}
