import CTerm
import TConvView

typealias Window = UnsafeMutablePointer<WINDOW>

/// Where each part of the screen goes: pane above, status line, message area, input line.
/// Pure arithmetic, tested without curses.
struct FrontLayout: Equatable {
    static let minimumWidth = 30
    static let minimumHeight = 6

    struct Rect: Equatable { var y = 0, x = 0, height = 0, width = 0 }
    var pane = Rect(), status = Rect(), messages = Rect(), input = Rect()
    var tooSmall = false

    /// `messageLines`: rows of the message area when there is a pane (the views' default when nil).
    init(width: Int, height: Int, paneWanted: Bool, presenter: Bool = false, messageLines: Int? = nil) {
        guard width >= Self.minimumWidth, height >= Self.minimumHeight else {
            tooSmall = true
            return
        }
        // With a pane, TConvView's layout decides (it knows what the views need); it has no room
        // for a pane below 40x12, where the prompt and messages still work.
        let view = ScreenLayout(width: width, height: height, presenter: presenter, messageLines: messageLines)
        if paneWanted && !view.tooSmall {
            func rect(_ r: TConvView.Rect) -> Rect { Rect(y: r.y, x: r.x, height: r.height, width: r.width) }
            pane = rect(view.pane)
            status = rect(view.status)
            messages = rect(view.messages)
            input = Rect(y: height - 1, x: 0, height: 1, width: width)
            messages.height = input.y - messages.y
            return
        }
        input = Rect(y: height - 1, x: 0, height: 1, width: width)
        status = Rect(y: 0, x: 0, height: 1, width: width)
        messages = Rect(y: 1, x: 0, height: height - 2, width: width)
    }
}

/// The curses screen: windows, colour pairs and drawing of grids. Main thread only.
@MainActor
final class CursesScreen {
    private(set) var pane: Window?
    private(set) var status: Window?
    private(set) var messages: Window?
    private(set) var input: Window?
    private(set) var layout = FrontLayout(width: 0, height: 0, paneWanted: false)
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
    func relayout(paneWanted: Bool, presenter: Bool, messageLines: Int? = nil) {
        for window in [pane, status, messages, input].compactMap({ $0 }) { delwin(window) }
        pane = nil; status = nil; messages = nil; input = nil
        layout = FrontLayout(width: width, height: height, paneWanted: paneWanted, presenter: presenter, messageLines: messageLines)
        func make(_ r: FrontLayout.Rect) -> Window? {
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

    /// Attributes and pair for a style at the current depth: TConvView's ANSI renderer decides
    /// the attributes (so a mono screen and mono text agree), the colours map through `Palette`.
    func attributes(for style: CellStyle) -> (attr_t, Int32) {
        let a = ANSIRenderer(tier: depth.tier).attributes(of: style)
        var attributes: attr_t = CTERM_A_NORMAL
        if a.bold { attributes |= CTERM_A_BOLD }
        if a.dim { attributes |= CTERM_A_DIM }
        if a.reverse { attributes |= CTERM_A_REVERSE }
        if a.underline { attributes |= CTERM_A_UNDERLINE }
        guard depth != .mono, style.foreground != nil || style.background != nil else { return (attributes, 0) }
        let fg = style.foreground.map { Int32(ColorMapping.cursesColor($0, depth: depth)) } ?? -1
        let bg = style.background.map { Int32(ColorMapping.cursesColor($0, depth: depth)) } ?? -1
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
                let text = unicode ? cell.text : ANSIRenderer.ascii(cell.text)
                let codepoint = text.unicodeScalars.first?.value ?? 32
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
        if !unicode { line = ANSIRenderer.ascii(text) }
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
}
