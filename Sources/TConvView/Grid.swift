/// A 24-bit colour. Views always speak RGB; the terminal layer maps it to the colour tier in use
/// (direct colour, the 256-colour cube, 8/16 colours, or none).
public struct RGB: Hashable, Sendable, CustomStringConvertible {
    public var r: UInt8, g: UInt8, b: UInt8
    public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) { self.r = r; self.g = g; self.b = b }
    public var description: String { "#" + [r, g, b].map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined() }
}

/// What a cell is, independent of colour: lets a monochrome terminal (and the text snapshots of
/// the tests) still tell input, tap, output and dropped cells apart.
public enum StyleRole: String, Sendable, CaseIterable {
    case normal, label, dim, title, status, message, error, note, prompt
    case heat          // a heatmap cell: colour carries the value
    case colorBar      // the colour bar under a heatmap
    case input         // the input element of the current step
    case tap           // the kernel tap of the current step
    case output        // the output cell of the current step
    case dropped       // a tap that falls outside the output (TF's cropped border)
    case cursor        // the user's cursor in a pane
    case contributor   // cells feeding the output cell under the cursor (gather view)
    case border
}

/// How one cell is drawn.
public struct CellStyle: Hashable, Sendable {
    public var role: StyleRole
    public var foreground: RGB?
    public var background: RGB?
    public var bold: Bool
    public var reverse: Bool
    public var underline: Bool

    public init(role: StyleRole = .normal, foreground: RGB? = nil, background: RGB? = nil, bold: Bool = false,
                reverse: Bool = false, underline: Bool = false) {
        self.role = role
        self.foreground = foreground
        self.background = background
        self.bold = bold
        self.reverse = reverse
        self.underline = underline
    }

    public static let plain = CellStyle()
}

/// One character cell: a single grapheme of display width 1 and its style.
public struct GridCell: Hashable, Sendable {
    public var text: String
    public var style: CellStyle
    public init(_ text: String = " ", style: CellStyle = .plain) { self.text = text; self.style = style }
}

/// A rectangle of cells that views draw into. Only the terminal layer turns a grid into curses
/// calls or ANSI text, which is what makes every view testable as a text snapshot.
public struct Grid: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [GridCell]

    public init(width: Int, height: Int, fill: GridCell = GridCell()) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: fill, count: self.width * self.height)
    }

    /// The cell at column `x`, row `y`; writes outside the grid are ignored, reads give a blank.
    public subscript(x: Int, y: Int) -> GridCell {
        get { (x >= 0 && x < width && y >= 0 && y < height) ? cells[y * width + x] : GridCell() }
        set { if x >= 0 && x < width && y >= 0 && y < height { cells[y * width + x] = newValue } }
    }

    /// Writes `text` from (`x`, `y`) rightwards, one character per cell, clipped at the edge.
    /// Returns the column after the last character written.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: CellStyle = .plain) -> Int {
        var column = x
        for ch in text {
            self[column, y] = GridCell(String(ch), style: style)
            column += 1
        }
        return column
    }

    /// Copies `other` with its top-left corner at (`x`, `y`), clipped.
    public mutating func blit(_ other: Grid, x: Int, y: Int) {
        blit(other, x: x, y: y, within: 0, 0, width, height)
    }

    /// Copies `other` with its top-left corner at (`x`, `y`), clipped to the rectangle
    /// (`clipX`, `clipY`, `clipWidth`, `clipHeight`) of this grid. Copies whole row runs.
    public mutating func blit(_ other: Grid, x: Int, y: Int, within clipX: Int, _ clipY: Int, _ clipWidth: Int, _ clipHeight: Int) {
        let x0 = max(0, x, clipX), x1 = min(width, x + other.width, clipX + clipWidth)
        let y0 = max(0, y, clipY), y1 = min(height, y + other.height, clipY + clipHeight)
        guard x0 < x1, y0 < y1 else { return }
        let run = x1 - x0
        for row in y0..<y1 {
            let source = (row - y) * other.width + (x0 - x)
            let target = row * width + x0
            cells.replaceSubrange(target..<(target + run), with: other.cells[source..<(source + run)])
        }
    }

    /// The characters, one line per row, trailing blanks kept.
    public var text: String {
        (0..<height).map { y in (0..<width).map { self[$0, y].text }.joined() }.joined(separator: "\n")
    }
}
