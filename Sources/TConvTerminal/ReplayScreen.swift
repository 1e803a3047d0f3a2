import TConvScript
import TConvView

/// How the replay screen looks, shared by the curses screen (window by window) and the asciicast
/// frames (one grid): the layout's message rows, the status line, the styles of the narration
/// band and of the statement at the prompt.
enum ReplayScreen {
    /// Rows of the message area during a replay: more than the REPL's, for the transcript, the
    /// narration band and the statement. Presenter mode leaves the pane most of an 80x24 screen.
    static func messageLines(height: Int, presenter: Bool) -> Int {
        presenter ? max(6, height / 4) : max(6, height * 3 / 10)
    }

    static func layout(width: Int, height: Int, paneWanted: Bool, presenter: Bool) -> FrontLayout {
        FrontLayout(width: width, height: height, paneWanted: paneWanted, presenter: presenter,
                    messageLines: messageLines(height: height, presenter: presenter))
    }

    /// The status line: where the lesson is, how its outputs compare, what the pane shows, and
    /// the essential keys on the right.
    static func statusText(_ player: ReplayPlayer, pane: PaneModel, width: Int, options: RenderOptions,
                           busy: String? = nil, remark: String? = nil) -> String {
        let dot = " " + options.dot + " "
        // Most to least said; the first that fits beside the key hint wins.
        var tail = [String]()
        if let marker = player.marker { tail.append(marker) }
        if !player.transcript.isEmpty { tail.append(player.matchSummary(utf8: options.utf8)) }
        if let busy { tail.append(busy) }
        if let remark { tail.append(remark) }
        let name = player.title.hasSuffix(".tconv") ? String(player.title.dropLast(6)) : player.title
        let short = player.isAtEnd ? "end" : "\(player.cursor + 1)/\(player.count)"
        let candidates = [
            " " + (["REPLAY " + player.title, player.position] + tail).joined(separator: dot),
            " " + ([name, player.position] + tail).joined(separator: dot),
            " " + ([name, short] + tail).joined(separator: dot),
            " " + ([short] + tail).joined(separator: dot),
        ]
        // The lesson's name matters more than the whole key hint: `? keys  q quit` makes room.
        let hints = [KeyMap.replayHint, KeyMap.replayBindings.filter { [.help, .quit].contains($0.action) }.compactMap(\.hint).joined(separator: "  ")]
        let tries = candidates.dropLast().map { ($0, hints[0]) } + candidates.map { ($0, hints[1]) }
        for (candidate, hint) in tries where candidate.count + hint.count + 3 <= width {
            var left = candidate
            let right = hint + " "
            if let view = pane.state?.statusParts(options: options).left, left.count + view.count + right.count + 5 <= width {
                left += dot + view
            }
            return left + String(repeating: " ", count: width - left.count - right.count) + right
        }
        return String(candidates[2].prefix(max(0, width)))
    }

    static let promptStyle = CellStyle(role: .prompt, foreground: RGB(95, 175, 255), bold: true)

    /// The narration band: white on blue, bold, the whole row (readable on light and dark
    /// terminals and from the back of a room).
    static func bandStyle(_ options: RenderOptions) -> CellStyle {
        CellStyle(role: .title, foreground: RGB(255, 255, 255), background: options.presenter ? RGB(0, 0, 135) : RGB(0, 55, 120), bold: true)
    }

    /// Segments of one row with their styles. `band`: a narration band row (padded to `width`).
    static func segments(_ line: MessageLog.Line, band: Bool, statement: Bool, width: Int,
                         options: RenderOptions) -> [(String, CellStyle)] {
        if band {
            return [(line.text + String(repeating: " ", count: max(0, width - line.text.count)), bandStyle(options))]
        }
        if statement || line.role == .prompt {
            let glyphs = ReplayText.Glyphs(utf8: options.utf8)
            let prefixes = [Prompt.primary, Prompt.continuation, glyphs.play]
            let prefix = prefixes.first(where: { line.text.hasPrefix($0) }) ?? String(line.text.prefix { $0 == " " })
            let rest = String(line.text.dropFirst(prefix.count))
            // The statement about to run: the prompt in colour, the code bold in the terminal's
            // own foreground. Statements already run keep the REPL's echo colour.
            return [(prefix, promptStyle), (rest, statement ? CellStyle(role: .prompt, bold: true) : promptStyle)]
        }
        switch line.role {
        case .message: return [(line.text, .plain)]
        case .title: return [(line.text, CellStyle(role: .title, foreground: options.theme.noteForeground, bold: true))]
        default: return [(line.text, options.theme.style(line.role))]
        }
    }

    /// The whole screen as one grid (what a terminal of `width` x `height` shows): the cast's frames.
    static func grid(player: ReplayPlayer, log: MessageLog, pane: PaneModel, statement: String?, width: Int, height: Int,
                     options: RenderOptions) -> Grid {
        var grid = Grid(width: width, height: height)
        let layout = layout(width: width, height: height, paneWanted: !pane.isEmpty, presenter: options.presenter)
        if layout.tooSmall { return grid }
        if layout.pane.height > 0 {
            grid.blit(pane.render(width: layout.pane.width, height: layout.pane.height, options: options), x: layout.pane.x, y: layout.pane.y)
        }
        let status = statusText(player, pane: pane, width: layout.status.width, options: options)
        grid.fill(Rect(x: 0, y: layout.status.y, width: width, height: 1), with: GridCell(" ", style: options.theme.style(.status)))
        grid.put(status, x: 0, y: layout.status.y, style: options.theme.style(.status), limit: width)
        let bottom = ReplayBottom.make(log: log, narration: player.bandNarration(presenter: options.presenter), statement: statement, atEnd: player.isAtEnd,
                                       width: width, height: layout.messages.height, presenter: options.presenter, utf8: options.utf8)
        for (index, row) in bottom.rows.enumerated() {
            put(segments(row, band: bottom.bandRange.contains(index), statement: index >= bottom.bandRange.upperBound,
                         width: width, options: options), into: &grid, y: layout.messages.y + index, width: width)
        }
        put(segments(bottom.input, band: false, statement: statement != nil, width: width, options: options),
            into: &grid, y: layout.input.y, width: width)
        return grid
    }

    static func put(_ segments: [(String, CellStyle)], into grid: inout Grid, y: Int, width: Int) {
        var x = 0
        for (text, style) in segments where x < width {
            x = grid.put(text, x: x, y: y, style: style, limit: width - x)
        }
    }
}
