/// Turns a grid into text with ANSI SGR escape codes, for pipes, `tconv run` and plain mode.
///
/// Colours are mapped with `Palette` exactly as the curses screen maps them. In `mono`, roles
/// become bold/underline/reverse; with `colors: false` nothing but characters is written (for
/// `NO_COLOR` and files). Without UTF-8, non-ASCII glyphs are replaced by ASCII ones of the
/// same width.
public struct ANSIRenderer: Sendable {
    /// The colour tier colours are mapped to.
    public var tier: ColorTier
    /// False: non-ASCII glyphs are replaced by ASCII stand-ins.
    public var utf8: Bool
    /// When false, no escape codes at all (not even bold): plain characters.
    public var escapes: Bool

    public init(tier: ColorTier, utf8: Bool = true, escapes: Bool = true) {
        self.tier = tier
        self.utf8 = utf8
        self.escapes = escapes
    }

    /// The grid as lines joined by `\n` (no trailing newline). Each line ends with a reset, and
    /// trailing blank cells without a background are dropped.
    public func render(_ grid: Grid) -> String {
        var out = ""
        out.reserveCapacity(grid.width * grid.height * 4)
        for y in 0..<grid.height {
            if y > 0 { out += "\n" }
            renderLine(grid, row: y, into: &out)
        }
        return out
    }

    /// One row of `grid`.
    public func renderLine(_ grid: Grid, row y: Int, into out: inout String) {
        var last = grid.width - 1
        while last >= 0 {
            let cell = grid[last, y]
            if cell.text != " " || (escapes && tier.hasColor && cell.style.background != nil)
                || (escapes && attributes(of: cell.style).reverse) { break }
            last -= 1
        }
        guard last >= 0 else { return }
        var current: String? = ANSIRenderer.reset
        var currentStyle: CellStyle? = nil
        for x in 0...last {
            let cell = grid[x, y]
            if escapes && cell.style != currentStyle {
                currentStyle = cell.style
                let sgr = sequence(for: cell.style)
                if sgr != current {
                    out += sgr
                    current = sgr
                }
            }
            out += utf8 ? cell.text : ANSIRenderer.ascii(cell.text)
        }
        if escapes && current != ANSIRenderer.reset { out += ANSIRenderer.reset }
    }

    /// SGR 0: back to the terminal's defaults.
    public static let reset = "\u{1B}[0m"

    /// The attributes a style gets on this tier: its own flags, plus the role's mono attributes
    /// when there is no colour to carry the role.
    public func attributes(of style: CellStyle) -> MonoAttributes {
        var a = MonoAttributes(bold: style.bold, underline: style.underline, reverse: style.reverse)
        if !tier.hasColor {
            let m = style.role.monoAttributes
            a.bold = a.bold || m.bold
            a.underline = a.underline || m.underline
            a.reverse = a.reverse || m.reverse
            a.dim = m.dim
        }
        return a
    }

    /// The full SGR sequence (starting from a reset) for a style.
    public func sequence(for style: CellStyle) -> String {
        var codes = ["0"]
        let a = attributes(of: style)
        if a.bold { codes.append("1") }
        if a.dim { codes.append("2") }
        if a.underline { codes.append("4") }
        if a.reverse { codes.append("7") }
        if let fg = style.foreground, let code = colorCode(fg, background: false) { codes.append(code) }
        if let bg = style.background, let code = colorCode(bg, background: true) { codes.append(code) }
        return codes.count == 1 ? ANSIRenderer.reset : "\u{1B}[" + codes.joined(separator: ";") + "m"
    }

    func colorCode(_ c: RGB, background: Bool) -> String? {
        switch tier {
        case .mono: return nil
        case .direct: return (background ? "48;2;" : "38;2;") + "\(c.r);\(c.g);\(c.b)"
        case .palette256: return (background ? "48;5;" : "38;5;") + String(Palette.index256(c))
        case .palette16:
            let i = Palette.index16(c)
            let base = i < 8 ? (background ? 40 : 30) : (background ? 100 : 90)
            return String(base + i % 8)
        case .palette8:
            return String((background ? 40 : 30) + Palette.index8(c))
        }
    }

    /// ASCII stand-ins for the glyphs views use (one column each).
    public static func ascii(_ text: String) -> String {
        if text.utf8.count == text.count { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar.isASCII { out.unicodeScalars.append(scalar); continue }
            switch scalar.value {
            case 0x2580, 0x2588, 0x2584: out += "#"      // half and full blocks
            case 0x00B7, 0x2022: out += "."             // middle dot, bullet
            case 0x00D7: out += "x"                     // multiplication sign
            case 0x2192, 0x25B6, 0x25B8: out += ">"     // arrows, play
            case 0x2190, 0x25C0, 0x25C2: out += "<"
            case 0x2191, 0x25B2: out += "^"
            case 0x2193, 0x25BC: out += "v"
            case 0x25C6, 0x25CF: out += "*"             // diamond, circle
            case 0x2500, 0x2501, 0x2504: out += "-"     // horizontal lines
            case 0x2502, 0x2503: out += "|"
            case 0x2026: out += "~"                     // ellipsis (one column)
            case 0x2211: out += "S"                     // sum
            case 0x2016, 0x23F8: out += "="             // pause
            default: out += "?"
            }
        }
        return out
    }
}
