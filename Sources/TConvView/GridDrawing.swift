/// A rectangle of cells: column `x`, row `y`, `width` x `height`.
public struct Rect: Sendable, Equatable, CustomStringConvertible {
    public var x: Int, y: Int, width: Int, height: Int
    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }
    public var maxX: Int { x + width }
    public var maxY: Int { y + height }
    public var isEmpty: Bool { width == 0 || height == 0 }
    public var description: String { "\(width)x\(height)+\(x)+\(y)" }
}

/// The glyph strings views use, created once (every cell holds one of these instead of building a
/// new `String` per cell).
public enum Glyph {
    public static let space = " "
    /// U+2580 UPPER HALF BLOCK: foreground = upper element, background = lower element.
    public static let upperHalf = "\u{2580}"
    public static let fullBlock = "\u{2588}"
    public static let middleDot = "\u{00B7}"
    public static let times = "\u{00D7}"
    public static let arrow = "\u{2192}"
    public static let diamond = "\u{25C6}"
    public static let bullet = "\u{2022}"
    /// The ASCII ramp, darkest (blank) to densest.
    public static let ramp: [String] = [" ", ".", ":", "-", "=", "+", "*", "#", "%", "@"]
    /// The magnitude ramp for signed data in ASCII: no `-` or `+`, so that a leading `-` always
    /// means a negative value.
    public static let magnitudeRamp: [String] = [" ", ".", ":", "=", "*", "#", "%", "@"]
    /// Doubled ramp characters for two-column ASCII cells, so nothing is allocated per cell.
    static let rampCharacters: [Character] = ramp.map { Character($0) }
}

extension Grid {
    /// Sets every cell of `rect` (clipped) to `cell`.
    public mutating func fill(_ rect: Rect, with cell: GridCell) {
        let x0 = max(0, rect.x), x1 = min(width, rect.maxX)
        let y0 = max(0, rect.y), y1 = min(height, rect.maxY)
        guard x0 < x1, y0 < y1 else { return }
        for row in y0..<y1 {
            for column in x0..<x1 { self[column, row] = cell }
        }
    }

    /// Writes `text` from (`x`, `y`), at most `limit` characters (an ellipsis marks a cut when
    /// `ellipsis` is given). Returns the column after the last character written.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: CellStyle = .plain, limit: Int,
                             ellipsis: String? = nil) -> Int {
        guard limit > 0 else { return x }
        let count = text.count
        if count <= limit { return put(text, x: x, y: y, style: style) }
        if let ellipsis, limit > ellipsis.count {
            put(String(text.prefix(limit - ellipsis.count)), x: x, y: y, style: style)
            return put(ellipsis, x: x + limit - ellipsis.count, y: y, style: style)
        }
        return put(String(text.prefix(limit)), x: x, y: y, style: style)
    }

    /// Writes `text` centred in `width` columns starting at `x`.
    public mutating func putCentered(_ text: String, x: Int, y: Int, width: Int, style: CellStyle = .plain) {
        let n = min(text.count, width)
        put(text, x: x + (width - n) / 2, y: y, style: style, limit: width)
    }

    /// Gives every cell of `rect` the style `style`, keeping its character.
    public mutating func restyle(_ rect: Rect, style: CellStyle) {
        let x0 = max(0, rect.x), x1 = min(width, rect.maxX)
        let y0 = max(0, rect.y), y1 = min(height, rect.maxY)
        guard x0 < x1, y0 < y1 else { return }
        for row in y0..<y1 {
            for column in x0..<x1 { self[column, row].style = style }
        }
    }

    /// One letter per cell for its style role (see `StyleRole.letter`), one line per row.
    public var roleMap: String {
        (0..<height).map { y in String((0..<width).map { self[$0, y].style.role.letter }) }.joined(separator: "\n")
    }

    /// The characters, then a line `--- roles ---`, then the role map: the form text snapshots
    /// are stored in.
    public var snapshot: String { text + "\n--- roles ---\n" + roleMap + "\n" }

    /// Rows as text with trailing blanks removed (for plain output of a grid without styles).
    public var trimmedLines: [String] {
        (0..<height).map { y in
            var line = (0..<width).map { self[$0, y].text }.joined()
            while line.last == " " { line.removeLast() }
            return line
        }
    }
}
