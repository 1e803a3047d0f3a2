import TConvScript
import TConvView

/// The replay's words as lines with roles, shared by the full screen, the asciicast frames and
/// the plain transcript: statement echoes, outputs, narration, markers, difference flags.
enum ReplayText {
    typealias Line = MessageLog.Line

    struct Glyphs {
        var narration: String, rule: String, cross: String, play: String
        init(utf8: Bool) {
            narration = utf8 ? "» " : ">> "
            rule = utf8 ? "──" : "--"
            cross = utf8 ? "✗" : "X"
            play = utf8 ? "▶ " : "> "
        }
    }

    /// `tconv> first line`, then `...> ` for the lines of a continued statement.
    static func echo(_ statement: String, prompt: String = Prompt.primary) -> [Line] {
        statement.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map { index, line in
            Line(text: (index == 0 ? prompt : Prompt.continuation) + line, role: .prompt)
        }
    }

    static func marker(_ label: String, glyphs: Glyphs) -> Line {
        Line(text: "\(glyphs.rule) marker: \(label) \(glyphs.rule)", role: .label)
    }

    /// What a statement printed (pictures go to the pane; settings are applied elsewhere).
    static func output(_ events: [ScriptEvent]) -> [Line] {
        var lines = [Line]()
        for event in events {
            switch event {
            case .value(let text), .text(let text):
                let body = text.hasSuffix("\n") ? String(text.dropLast()) : text
                lines += body.split(separator: "\n", omittingEmptySubsequences: false).map { Line(text: String($0), role: .message) }
            case .note(let text):
                lines.append(Line(text: "note: " + text, role: .note))
            case .error(let diagnostic):
                lines += diagnostic.formatted.split(separator: "\n", omittingEmptySubsequences: false).map { Line(text: String($0), role: .error) }
            case .quit:
                lines.append(Line(text: "note: %quit does not end a replay (q does)", role: .note))
            case .show, .step, .setting:
                break
            }
        }
        return lines
    }

    /// The flag of a statement whose output differs from the recording, with both texts.
    static func difference(_ outcome: Replay.Outcome, glyphs: Glyphs) -> [Line] {
        guard !outcome.matches else { return [] }
        let line = outcome.item.statement.recordedLine ?? outcome.item.statement.line
        var lines = [Line(text: "\(glyphs.cross) DIFFERS from the recording (line \(line)):", role: .error)]
        lines.append(Line(text: "  recorded:", role: .label))
        lines += (outcome.expected.isEmpty ? ["(nothing)"] : outcome.expected).map { Line(text: "    " + $0, role: .dim) }
        lines.append(Line(text: "  now:", role: .label))
        lines += (outcome.actual.isEmpty ? ["(nothing)"] : outcome.actual).map { Line(text: "    " + $0, role: .error) }
        return lines
    }

    /// The transcript of what has run, and the logical line where the last statement's echo
    /// starts (the first page to show after a move). Narration of statements already run is
    /// kept (`.title`) unless `narration` is false (presenter mode: the band carries it); the
    /// narration of the statement shown next is drawn apart, in the band.
    static func transcript(_ player: ReplayPlayer, utf8: Bool, narration: Bool = true) -> (lines: [Line], lastStatement: Int) {
        let glyphs = Glyphs(utf8: utf8)
        var lines = [Line(text: "\(glyphs.rule) \(player.title): \(player.count) statements \(glyphs.rule)", role: .label)]
        var mark = 0
        for outcome in player.transcript {
            lines += outcome.item.markers.map { marker($0, glyphs: glyphs) }
            if narration && !outcome.item.narration.isEmpty {
                lines.append(Line(text: glyphs.narration + outcome.item.narration.joined(separator: " "), role: .title))
            }
            mark = lines.count
            lines += echo(outcome.item.statement.text)
            lines += output(outcome.events)
            lines += difference(outcome, glyphs: glyphs)
        }
        if let current = player.current {
            lines += current.markers.map { marker($0, glyphs: glyphs) }
        } else {
            let differ = player.differences.count
            lines.append(Line(text: "\(glyphs.rule) end of the lesson: \(player.count) statements, "
                              + (differ == 0 ? "every output matches the recording" : "\(differ) differ\(differ == 1 ? "s" : "") from the recording")
                              + " \(glyphs.rule)", role: differ == 0 ? .label : .error))
        }
        return (lines, mark)
    }

    /// Words of `text` in rows of at most `width` columns: the first row starts with `first`, the
    /// others with `rest`. A word longer than a row is cut.
    static func wrap(_ text: String, width: Int, first: String = "", rest: String = "") -> [String] {
        let width = max(first.count + 1, rest.count + 1, width)
        var rows = [String]()
        var row = first
        var rowHasWord = false
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            if rowHasWord && row.count + 1 + word.count > width {
                rows.append(row)
                row = rest
                rowHasWord = false
            }
            var piece = Substring(word)
            if rowHasWord { row += " " }
            while row.count + piece.count > width {
                let room = max(1, width - row.count)
                row += piece.prefix(room)
                piece = piece.dropFirst(room)
                rows.append(row)
                row = rest
            }
            row += piece
            rowHasWord = true
        }
        rows.append(row)
        return rows
    }
}

/// The bottom of the replay screen: the transcript in the message area, then the narration band,
/// then the statement shown next, whose last row is the input line. Pure, so the curses screen
/// and the asciicast frames draw the same thing.
struct ReplayBottom: Equatable {
    /// Rows of the message area, top to bottom (exactly its height).
    var rows: [MessageLog.Line]
    /// The input line.
    var input: MessageLog.Line
    /// Rows of the message area given to the transcript (the top ones).
    var transcriptHeight: Int
    /// Rows of the narration band; the statement's rows follow it.
    var bandRange: Range<Int>

    /// `presenter`: narration gets more rows, and the statement has no `tconv>` prompt.
    static func make(log: MessageLog, narration: [String], statement: String?, atEnd: Bool, width: Int, height: Int,
                     presenter: Bool, utf8: Bool) -> ReplayBottom {
        let glyphs = ReplayText.Glyphs(utf8: utf8)
        let width = max(1, width)
        // Consecutive `#: say` lines are one paragraph (lessons break sentences across them).
        var band = narration.isEmpty ? [] : ReplayText.wrap(narration.joined(separator: " "), width: width - 1, first: glyphs.narration,
                                                            rest: String(repeating: " ", count: glyphs.narration.count))
        var statementRows = [String]()
        var input: MessageLog.Line
        if let statement {
            let prompt = presenter ? glyphs.play : Prompt.primary
            let indent = String(repeating: " ", count: prompt.count)
            for (index, line) in statement.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                statementRows += ReplayText.wrap(String(line), width: width, first: index == 0 ? prompt : Prompt.continuation, rest: indent)
            }
            input = MessageLog.Line(text: statementRows.removeLast(), role: .prompt)
        } else {
            input = MessageLog.Line(text: atEnd ? "(end of the lesson · , back · [ markers · q quits)" : "", role: .dim)
        }
        // The statement first, then the narration, then the transcript get the rows there are.
        let height = max(0, height)
        statementRows = Array(statementRows.suffix(height))
        let bandLimit = presenter ? 5 : 4
        var bandRows = min(band.count, bandLimit, max(0, height - statementRows.count))
        if band.count > bandRows, bandRows > 0 {
            band = Array(band.prefix(bandRows))
            band[bandRows - 1] = String(band[bandRows - 1].prefix(width - 1)) + (utf8 ? "…" : "~")
        }
        band = Array(band.prefix(bandRows))
        bandRows = band.count
        let transcriptHeight = max(0, height - statementRows.count - bandRows)
        var rows = log.visible(width: width, height: transcriptHeight).rows
        rows = Array(repeating: MessageLog.Line(text: "", role: .message), count: max(0, transcriptHeight - rows.count)) + rows
        rows += band.map { MessageLog.Line(text: $0, role: .title) }
        rows += statementRows.map { MessageLog.Line(text: $0, role: .prompt) }
        return ReplayBottom(rows: rows, input: input, transcriptHeight: transcriptHeight,
                            bandRange: transcriptHeight..<(transcriptHeight + bandRows))
    }
}
