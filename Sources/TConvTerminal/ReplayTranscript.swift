import Foundation
import TConvScript
import TConvView

/// A lesson replayed without a terminal (`tconv replay FILE` on a pipe, `--plain`, `%replay` in
/// plain mode): the statements, narration, markers, pauses and outputs in order, like a
/// transcript, with every output that differs from the recording flagged with both texts.
enum ReplayTranscript {
    /// Replays `replay` from where it is to its end through `printer`. Returns the number of
    /// statements whose output differs from the recording.
    @discardableResult
    static func play(_ replay: Replay, printer: inout PlainPrinter) -> Int {
        let glyphs = ReplayText.Glyphs(utf8: printer.unicode)
        let color = printer.depth != .mono
        func line(_ text: String, _ role: StyleRole = .message) {
            let sgr: String
            switch role {
            case .error: sgr = "\u{1B}[1;31m"
            case .label, .title: sgr = "\u{1B}[1m"
            case .dim: sgr = "\u{1B}[2m"
            default: sgr = ""
            }
            printer.out(color && !sgr.isEmpty ? sgr + text + ANSIRenderer.reset + "\n" : text + "\n")
        }
        line("\(glyphs.rule) \(replay.source): \(replay.count) statement\(replay.count == 1 ? "" : "s"), tconv session v\(replay.version) \(glyphs.rule)", .label)
        var differences = 0
        while let item = replay.current {
            for marker in item.markers { line(ReplayText.marker(marker, glyphs: glyphs).text, .label) }
            for narration in item.narration { line(glyphs.narration + narration, .title) }
            if item.pausesBefore { line("\(glyphs.rule) pause \(glyphs.rule)", .dim) }
            guard let outcome = replay.runNext() else { break }
            for echo in ReplayText.echo(item.statement.text) { line(echo.text) }
            var events = outcome.events
            // A lesson cannot start another replay from inside a replay.
            events = events.map { event in
                if case .setting("replay", _) = event { return .note("%replay inside a replay is ignored") }
                return event
            }
            _ = printer.render(events, errorsExpected: true, session: replay.session)
            if !outcome.matches {
                differences += 1
                for flag in ReplayText.difference(outcome, glyphs: glyphs) { line(flag.text, flag.role) }
            }
        }
        for directive in replay.trailingDirectives {
            switch directive.name {
            case "marker": line(ReplayText.marker(directive.argument, glyphs: glyphs).text, .label)
            case "say": line(glyphs.narration + directive.argument, .title)
            default: break
            }
        }
        let summary = differences == 0 ? "every output matches the recording"
            : "\(differences) statement\(differences == 1 ? "" : "s") differ\(differences == 1 ? "s" : "") from the recording"
        line("\(glyphs.rule) end of \(replay.source): \(replay.count) statement\(replay.count == 1 ? "" : "s"), \(summary) \(glyphs.rule)",
             differences == 0 ? .label : .error)
        return differences
    }
}
