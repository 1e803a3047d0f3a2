import Foundation
import TConvScript
import TConvView

/// Records a lesson's replay as an asciicast (`tconv replay --cast`, `%export cast`): the replay
/// screen drawn at a fixed size with TConvView's layout and `ANSIRenderer`, each statement typed
/// at the prompt at a typing pace and run, narration held long enough to read, a `#: step`
/// scatter played in the pane, and the lesson's markers as `"m"` events.
struct CastRecorder {
    var width = 100
    var height = 30
    var options = RenderOptions(tier: .palette256, utf8: true)
    /// Seconds per typed character, and the longest a statement takes to type.
    var typingPace = 0.035
    var longestTyping = 2.5
    /// The longest a `#: step` scatter plays before the recording moves on.
    var longestPlayback = 8.0

    /// The size and theme for presenter mode: an 80x24 projector.
    static func presenter() -> CastRecorder {
        var recorder = CastRecorder()
        recorder.width = 80
        recorder.height = 24
        recorder.options.presenter = true
        return recorder
    }

    /// Replays `replay` from its start and returns the cast file's text.
    func record(_ replay: Replay, title: String, timestamp: Int) -> String {
        if replay.cursor > 0 { replay.restart() }
        var cast = AsciicastWriter(width: width, height: height, timestamp: timestamp, title: title)
        var frames = FrameDiffer()
        var player = ReplayPlayer(replay)
        var pane = PaneModel()
        var log = MessageLog()
        let renderer = ANSIRenderer(tier: options.tier, utf8: options.utf8, escapes: options.tier != .mono)

        func emit(_ statement: String?) {
            let grid = ReplayScreen.grid(player: player, log: log, pane: pane, statement: statement, width: width, height: height,
                                         options: options)
            let rows = renderer.render(grid).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            cast.output(frames.output(for: rows))
        }
        func markersAtCursor() {
            for marker in player.markers where marker.statement == player.cursor { cast.marker(marker.label) }
        }
        func readingTime(_ narration: [String]) -> Double {
            narration.isEmpty ? 0 : min(8, 1.2 + 0.05 * Double(narration.joined(separator: " ").count))
        }
        func rebuildLog() {
            let (lines, mark) = ReplayText.transcript(player, utf8: options.utf8, narration: !options.presenter)
            log = MessageLog(transcript: lines)
            let layout = ReplayScreen.layout(width: width, height: height, paneWanted: !pane.isEmpty, presenter: options.presenter)
            let bottom = ReplayBottom.make(log: log, narration: player.bandNarration(presenter: options.presenter), statement: player.current?.statement.text,
                                           atEnd: player.isAtEnd, width: width, height: layout.messages.height,
                                           presenter: options.presenter, utf8: options.utf8)
            log.showFrom(mark, width: width, height: bottom.transcriptHeight)
        }

        rebuildLog()
        markersAtCursor()
        emit(player.current.map { _ in "" })
        cast.wait(1 + readingTime(player.narration))
        while let item = player.current {
            if item.pausesBefore { cast.wait(1.5) }
            // The statement is typed at the prompt, a few characters a frame.
            let text = item.statement.text
            let frameCount = max(1, min(text.count, Int(longestTyping / typingPace / 3)))
            let perFrame = max(1, (text.count + frameCount - 1) / frameCount)
            var typed = 0
            while typed < text.count {
                typed = min(text.count, typed + perFrame)
                emit(String(text.prefix(typed)))
                cast.wait(typingPace * Double(perFrame))
            }
            cast.wait(0.4)
            let move = ReplayMover.perform(.next, on: replay)
            apply(player.apply(move), to: &pane)
            rebuildLog()
            emit(player.current?.statement.text == nil ? nil : "")
            let printed = move.outcomes.reduce(0) { $0 + ReplayText.output($1.events).count }
            cast.wait(min(4, 0.8 + 0.12 * Double(printed)) + (move.outcomes.contains { !$0.matches } ? 2 : 0))
            if pane.isPlaying {
                // The scatter plays: about 8 frames a second, faster for long traces so that it
                // ends within `longestPlayback` seconds; then it stands at its last step.
                let steps = Double(max(1, pane.state?.model?.trace.count ?? 1))
                while let speed = pane.state?.speed, steps / speed > longestPlayback, pane.state?.apply(.faster) == .redraw {}
                let frame = max(0.125, 1 / (pane.state?.speed ?? 8))
                var elapsed = 0.0
                while pane.isPlaying && elapsed < longestPlayback {
                    pane.state?.tick(seconds: frame)
                    emit(player.current.map { _ in "" })
                    cast.wait(frame)
                    elapsed += frame
                }
                pane.showFinished()
                emit(player.current.map { _ in "" })
            }
            markersAtCursor()
            cast.wait(readingTime(player.narration))
        }
        cast.wait(2)
        cast.output("\u{1B}[?25h")
        return cast.text
    }

    /// What a move's pane change does to the pane (as the full screen does it).
    func apply(_ change: PaneChange, to pane: inout PaneModel) {
        switch change {
        case .keep: break
        case .clear: pane = PaneModel()
        case .show(let request): pane.show(request)
        case .step(let request, let play):
            guard pane.step(request) else { return }
            if play { pane.play() } else { pane.showFinished() }
        }
    }

    /// A lesson file made of a session's history (`%export cast`): its inputs with their markers
    /// and narration, outputs as `#=> ` lines.
    static func lessonText(from history: [HistoryEntry]) -> String {
        var lines = [SessionFile.header]
        for entry in history where entry.saved {
            lines += entry.markers.map { "#: marker " + $0 }
            lines += entry.narration.map { "#: say " + $0 }
            lines.append(entry.text)
            lines += entry.output.map { $0.isEmpty ? "#=>" : "#=> " + $0 }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Records `history` (a session's inputs) as a cast at `path`; the write was authorised by the
    /// session. Returns the line to print.
    static func export(history: [HistoryEntry], to path: String, presenter: Bool, timestamp: Int) -> CastExport {
        let text = lessonText(from: history)
        let replay: Replay
        do {
            // Replayed to draw it, never to write: the session's own writes are not repeated.
            replay = try Replay(text: text, source: "session", options: SessionOptions(allowWrites: false, sourceName: "session"))
        } catch {
            return .failed(error.diagnostic)
        }
        let recorder = presenter ? CastRecorder.presenter() : CastRecorder()
        let title = "tconv session (\(replay.count) input\(replay.count == 1 ? "" : "s"))"
        return write(recorder.record(replay, title: title, timestamp: timestamp), to: path, what: "\(replay.count) input\(replay.count == 1 ? "" : "s")",
                     recorder: recorder)
    }

    static func write(_ cast: String, to path: String, what: String, recorder: CastRecorder) -> CastExport {
        do {
            try Data(cast.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            return .failed(ScriptDiagnostic(category: "io", message: "%export cast: cannot write \(path): \(error.localizedDescription)",
                                             source: path, line: 1, column: 1, sourceLine: ""))
        }
        let events = cast.split(separator: "\n").count - 1
        return .wrote("wrote \(path): an asciicast v2 recording of \(what), \(recorder.width)x\(recorder.height), \(events) events (play it with asciinema or its web player)")
    }
}

extension MessageLog {
    /// A log holding `lines` (the replay rebuilds its transcript after every move).
    init(transcript lines: [Line]) {
        self.init()
        for line in lines { append(line.text, role: line.role) }
    }
}

/// What writing a cast did: the line to print, or the error.
enum CastExport {
    case wrote(String)
    case failed(ScriptDiagnostic)
}
