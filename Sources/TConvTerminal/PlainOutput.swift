import Foundation
import TConvEngine
import TConvScript
import TConvView

/// Grid -> text with ANSI SGR codes for the depth in use (or none). Interim, until TConvView's
/// ANSI renderer lands.
enum GridText {
    static func render(_ grid: Grid, depth: ColorDepth, unicode: Bool) -> String {
        var out = ""
        for y in 0..<grid.height {
            var lastCode = ""
            var row = ""
            var lastNonBlank = 0
            var cells: [(String, String)] = []
            for x in 0..<grid.width {
                let cell = grid[x, y]
                var text = cell.text
                if !unicode, let scalar = text.unicodeScalars.first, scalar.value > 126 {
                    text = String(UnicodeScalar(UInt8(CursesScreenFallback.ascii(scalar.value))))
                }
                let code = sgr(cell.style, depth: depth)
                cells.append((code, text))
                if text != " " || !code.isEmpty { lastNonBlank = x + 1 }
            }
            for (code, text) in cells.prefix(lastNonBlank) {
                if code != lastCode {
                    row += "\u{1B}[0m" + (code.isEmpty ? "" : "\u{1B}[" + code + "m")
                    lastCode = code
                }
                row += text
            }
            if !lastCode.isEmpty { row += "\u{1B}[0m" }
            if depth == .mono { row = strip(row) }
            out += row + "\n"
        }
        return out
    }

    static func strip(_ text: String) -> String {
        var result = ""
        var inEscape = false
        for ch in text {
            if inEscape { if ch == "m" { inEscape = false }; continue }
            if ch == "\u{1B}" { inEscape = true; continue }
            result.append(ch)
        }
        return result
    }

    static func sgr(_ style: CellStyle, depth: ColorDepth) -> String {
        var parts: [String] = []
        if style.bold || style.role == .title || style.role == .error { parts.append("1") }
        if style.underline { parts.append("4") }
        if style.reverse || (depth == .mono && [.input, .output, .cursor].contains(style.role)) { parts.append("7") }
        guard depth != .mono else { return parts.joined(separator: ";") }
        var foreground = style.foreground
        if foreground == nil && style.role == .error { foreground = RGB(255, 95, 95) }
        if foreground == nil && style.role == .note { foreground = RGB(215, 175, 0) }
        if let fg = foreground { parts.append(color(fg, depth: depth, background: false)) }
        if let bg = style.background { parts.append(color(bg, depth: depth, background: true)) }
        return parts.joined(separator: ";")
    }

    static func color(_ c: RGB, depth: ColorDepth, background: Bool) -> String {
        switch depth {
        case .direct: return (background ? "48;2;" : "38;2;") + "\(c.r);\(c.g);\(c.b)"
        case .ansi256: return (background ? "48;5;" : "38;5;") + String(ColorMapping.index256(c))
        case .ansi16, .ansi8:
            let i = ColorMapping.indexANSI(c, bright: depth == .ansi16)
            return String((background ? 40 : 30) + (i % 8) + (i >= 8 ? 60 : 0))
        case .mono: return ""
        }
    }
}

enum CursesScreenFallback {
    static func ascii(_ codepoint: UInt32) -> UInt32 {
        switch codepoint {
        case 0x2580, 0x2588, 0x2584: return 35
        case 0x2192: return 62
        case 0x00D7: return 120
        case 0x2026: return 46
        default: return 63
        }
    }
}

/// Renders script events as text for `tconv run`, `-c` and the plain REPL: values to stdout,
/// errors to stderr, heatmaps and steps as text.
struct PlainPrinter {
    var depth: ColorDepth
    var unicode: Bool
    var width = 80
    var out: (String) -> Void = { StandardOutput.write($0) }
    var err: (String) -> Void = { StandardOutput.flush(); StandardError.write($0) }

    /// Returns whether a statement failed and whether the script asked to quit.
    mutating func render(_ events: [ScriptEvent]) -> (failed: Bool, quit: Bool) {
        var failed = false
        for event in events {
            switch event {
            case .value(let text), .text(let text):
                out(text.hasSuffix("\n") ? text : text + "\n")
            case .note(let text):
                out(text + "\n")
            case .error(let diagnostic):
                failed = true
                err(diagnostic.formatted + "\n")
            case .show(let request):
                var model = PaneModel()
                model.show(request)
                out(heatmapText(model))
            case .step(let request):
                out(stepText(request))
            case .setting(let name, let value):
                if name == "colors", let d = ColorDepth(setting: value) { depth = d }
            case .quit:
                return (failed, true)
            }
        }
        return (failed, false)
    }

    func heatmapText(_ model: PaneModel) -> String {
        let renderer = PaneRenderer(colored: depth != .mono, unicode: unicode)
        let grid = renderer.render(model, width: width, height: 40)
        return trimBlankRows(GridText.render(grid, depth: depth, unicode: unicode))
    }

    func stepText(_ request: StepRequest, limit: Int = 200) -> String {
        guard var playback = StepPlayback(request) else { return "nothing to step\n" }
        var text = request.title + "\n"
        let count = playback.trace.count
        for k in 0..<min(count, limit) {
            playback.index = k
            text += "  " + playback.caption + "\n"
        }
        if count > limit { text += "  … \(count - limit) more steps (use the pane to play them all)\n" }
        return text
    }

    func trimBlankRows(_ text: String) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while let last = lines.last, GridText.strip(last).trimmingCharacters(in: .whitespaces).isEmpty { lines.removeLast() }
        return lines.joined(separator: "\n") + "\n"
    }
}
