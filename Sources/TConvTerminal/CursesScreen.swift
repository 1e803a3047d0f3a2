import CTerm
import TConvView

typealias Window = UnsafeMutablePointer<WINDOW>

/// Where each part of the screen goes: pane above, status line, message area, input line.
/// Pure arithmetic, tested without curses.
struct ScreenLayout: Equatable {
    static let minimumWidth = 30
    static let minimumHeight = 6

    struct Rect: Equatable { var y = 0, x = 0, height = 0, width = 0 }
    var pane = Rect(), status = Rect(), messages = Rect(), input = Rect()
    var tooSmall = false

    init(width: Int, height: Int, paneWanted: Bool) {
        guard width >= Self.minimumWidth, height >= Self.minimumHeight else {
            tooSmall = true
            return
        }
        input = Rect(y: height - 1, x: 0, height: 1, width: width)
        var messageRows = height - 2
        var paneRows = 0
        if paneWanted {
            messageRows = max(2, min(10, height / 4))
            paneRows = height - 2 - messageRows
            if paneRows < 3 { paneRows = 0; messageRows = height - 2 }
        }
        pane = Rect(y: 0, x: 0, height: paneRows, width: width)
        status = Rect(y: paneRows, x: 0, height: 1, width: width)
        messages = Rect(y: paneRows + 1, x: 0, height: messageRows, width: width)
    }
}

/// The curses screen: windows, colour pairs and drawing of grids. Main thread only.
@MainActor
final class CursesScreen {
    private(set) var pane: Window?
    private(set) var status: Window?
    private(set) var messages: Window?
    private(set) var input: Window?
    private(set) var layout = ScreenLayout(width: 0, height: 0, paneWanted: false)
    var depth: ColorDepth
    let unicode: Bool
    private var pairs: [Int64: Int32] = [:]
    private var nextPair: Int32 = 1
    /// Set when the pair table was reset: every window must be redrawn.
    private(set) var pairsReset = false

    init(depth: ColorDepth, unicode: Bool) {
        self.depth = depth
        self.unicode = unicode
    }

    var width: Int { Int(cterm_cols()) }
    var height: Int { Int(cterm_lines()) }

    /// Starts curses on `term`; false when the terminal is unknown (the caller goes plain).
    func start(term: String) -> Bool {
        guard cterm_start_curses(term) == 0 else { return false }
        if cterm_colors() <= 0 { depth = .mono }
        return true
    }

    func stop() { cterm_end_curses() }

    /// (Re)creates the windows for the current terminal size.
    func relayout(paneWanted: Bool) {
        for window in [pane, status, messages, input].compactMap({ $0 }) { delwin(window) }
        pane = nil; status = nil; messages = nil; input = nil
        layout = ScreenLayout(width: width, height: height, paneWanted: paneWanted)
        func make(_ r: ScreenLayout.Rect) -> Window? {
            r.height > 0 && r.width > 0 ? newwin(Int32(r.height), Int32(r.width), Int32(r.y), Int32(r.x)) : nil
        }
        if layout.tooSmall {
            // Keep a 1x1 input window so keys (Ctrl-D, resize) still arrive.
            input = newwin(1, 1, 0, 0)
        } else {
            pane = make(layout.pane)
            status = make(layout.status)
            messages = make(layout.messages)
            input = make(layout.input)
        }
        if let input { keypad(input, false); wtimeout(input, -1) }
        if let pane { keypad(pane, true) }
        if let screen = cterm_stdscr() {
            werase(screen)
            wnoutrefresh(screen)
        }
    }

    func resetPairsIfNeeded() -> Bool {
        defer { pairsReset = false }
        return pairsReset
    }

    /// Attributes and pair for a style at the current depth.
    func attributes(for style: CellStyle) -> (attr_t, Int32) {
        var attributes: attr_t = CTERM_A_NORMAL
        if style.bold { attributes |= CTERM_A_BOLD }
        if style.reverse { attributes |= CTERM_A_REVERSE }
        if style.underline { attributes |= CTERM_A_UNDERLINE }
        var foreground = style.foreground, background = style.background
        switch style.role {
        case .error: foreground = foreground ?? RGB(255, 95, 95); attributes |= CTERM_A_BOLD
        case .note: foreground = foreground ?? RGB(215, 175, 0)
        case .prompt: foreground = foreground ?? RGB(95, 175, 255); attributes |= CTERM_A_BOLD
        case .status: attributes |= CTERM_A_REVERSE
        case .title: attributes |= CTERM_A_BOLD
        case .input: attributes |= CTERM_A_BOLD
        case .output: attributes |= CTERM_A_BOLD
        case .dropped: attributes |= CTERM_A_DIM
        case .cursor: attributes |= CTERM_A_REVERSE
        default: break
        }
        if depth == .mono {
            switch style.role {
            case .input, .output, .cursor: attributes |= CTERM_A_REVERSE
            case .tap: attributes |= CTERM_A_UNDERLINE
            default: break
            }
            return (attributes, 0)
        }
        if foreground == nil && background == nil { return (attributes, 0) }
        let fg = foreground.map { Int32(ColorMapping.cursesColor($0, depth: depth)) } ?? -1
        let bg = background.map { Int32(ColorMapping.cursesColor($0, depth: depth)) } ?? -1
        return (attributes, pair(fg, bg))
    }

    /// A colour pair for (fg, bg), allocated once and never recoloured while on screen; when the
    /// table fills, it is reset and everything redrawn.
    func pair(_ fg: Int32, _ bg: Int32) -> Int32 {
        let key = Int64(fg) << 32 | Int64(UInt32(bitPattern: bg))
        if let p = pairs[key] { return p }
        let limit = min(Int32(cterm_color_pairs()), 65_535)
        if nextPair >= limit {
            pairs.removeAll()
            nextPair = 1
            pairsReset = true
        }
        guard nextPair < limit else { return 0 }
        let p = nextPair
        nextPair += 1
        if cterm_init_pair(p, fg, bg) != cterm_err() { pairs[key] = p } else { return 0 }
        return p
    }

    /// Copies a grid into a window, clipped.
    func draw(_ grid: Grid, in window: Window) {
        let rows = min(grid.height, Int(getmaxy(window)))
        let columns = min(grid.width, Int(getmaxx(window)))
        for y in 0..<rows {
            for x in 0..<columns {
                let cell = grid[x, y]
                let (attributes, pair) = attributes(for: cell.style)
                var codepoint = cell.text.unicodeScalars.first?.value ?? 32
                if !unicode && codepoint > 126 { codepoint = Self.asciiFallback(codepoint) }
                _ = cterm_put_char(window, Int32(y), Int32(x), codepoint, attributes, pair)
            }
        }
    }

    /// Writes one line of text with a style, clearing the rest of the row.
    func put(_ text: String, in window: Window, y: Int, x: Int = 0, style: CellStyle = .plain, clearRest: Bool = true) {
        let (attributes, pair) = attributes(for: style)
        let width = Int(getmaxx(window))
        cterm_set_attr(window, attributes, pair)
        var line = text
        if !unicode { line = String(String.UnicodeScalarView(text.unicodeScalars.map { $0.value > 126 ? Unicode.Scalar(UInt8(Self.asciiFallback($0.value))) : $0 })) }
        cterm_put_string(window, Int32(y), Int32(x), line, Int32(max(0, width - x)))
        if clearRest {
            if style.role == .status {
                let used = Int(cterm_curx(window))
                if used < width && Int(cterm_cury(window)) == y {
                    cterm_put_string(window, Int32(y), Int32(used), String(repeating: " ", count: width - used), Int32(width - used))
                }
            } else {
                cterm_set_attr(window, CTERM_A_NORMAL, 0)
                wclrtoeol(window)
            }
        }
        cterm_set_attr(window, CTERM_A_NORMAL, 0)
    }

    static func asciiFallback(_ codepoint: UInt32) -> UInt32 {
        switch codepoint {
        case 0x2580, 0x2588, 0x2584: return 35   // half and full blocks -> '#'
        case 0x2192: return 62                    // → -> '>'
        case 0x00D7: return 120                   // × -> 'x'
        case 0x2026: return 46                    // … -> '.'
        case 0x2502, 0x2503: return 124
        case 0x2500: return 45
        default: return 63                        // '?'
        }
    }
}
