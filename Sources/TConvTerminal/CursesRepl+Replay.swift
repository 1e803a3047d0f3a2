import CTerm
import Foundation
import TConvScript
import TConvView

/// A lesson being replayed in the full screen: the `Replay` (driven by one `ReplayJob` at a
/// time), what the screen shows of it (`ReplayPlayer`, its transcript log), and the small modes
/// of the keys: the `?` overlay, `g`'s number entry, a write question.
@MainActor
final class ReplayMode {
    let replay: Replay
    var player: ReplayPlayer
    /// nil with --allow-writes (then nothing is asked).
    let confirmation: WriteConfirmation?
    var job: ReplayJob?
    /// Moves asked for while one runs (keys pressed quickly), done in order.
    var queued: [ReplayMoveKind] = []
    var log = MessageLog()
    var showHelp = false
    /// Digits typed after `g`, while asking for a statement number.
    var goTo: String?
    /// A one-line remark for the status line ("no marker after this point").
    var remark: String?
    /// `tconv replay FILE`: leaving the replay leaves tconv.
    let exitsProgram: Bool
    /// The REPL's pane and messages, given back when the replay ends (`%replay`).
    let savedPane: PaneModel
    let savedMessages: MessageLog

    init(replay: Replay, confirmation: WriteConfirmation?, exitsProgram: Bool, savedPane: PaneModel, savedMessages: MessageLog) {
        self.replay = replay
        self.player = ReplayPlayer(replay)
        self.confirmation = confirmation
        self.exitsProgram = exitsProgram
        self.savedPane = savedPane
        self.savedMessages = savedMessages
    }
}

extension CursesRepl {
    /// Opens `path` for `%replay` (writes refused, or asked, unless --allow-writes). Errors go to
    /// the message area.
    func startReplay(path: String) {
        guard replayMode == nil else {
            messages.append("note: %replay inside a replay is ignored", role: .note)
            return
        }
        let confirmation = options.allowWrites ? nil : WriteConfirmation()
        let ask = WriteConfirmation.callback(confirmation)
        do {
            let replay = try Replay(contentsOf: path, options: SessionOptions(allowWrites: options.allowWrites, sourceName: path,
                                                                               confirmWrite: ask))
            enterReplay(replay, confirmation: confirmation, exitsProgram: false)
        } catch {
            messages.append(error.diagnostic.formatted, role: .error)
            dirty.messages = true
        }
    }

    func enterReplay(_ replay: Replay, confirmation: WriteConfirmation?, exitsProgram: Bool) {
        replayMode = ReplayMode(replay: replay, confirmation: confirmation, exitsProgram: exitsProgram,
                                savedPane: pane, savedMessages: messages)
        pane = PaneModel()
        setFocus(.replay)
        rebuildReplayLog()
        resize()
    }

    /// `q`: back to the prompt as it was (`%replay`), or out of tconv (`tconv replay`).
    func leaveReplay() {
        guard let mode = replayMode else { return }
        mode.job?.cancel()
        mode.confirmation?.reply(false)
        if mode.exitsProgram {
            quitting = true
            return
        }
        replayMode = nil
        pane = mode.savedPane
        messages = mode.savedMessages
        messages.append("left the replay of \(mode.player.title) at \(mode.player.position)", role: .note)
        setFocus(.prompt)
        resize()
        LineEditor.install(prompt: Prompt.primary)
        feedReadline()
    }

    // MARK: Keys

    func handleReplayKey(_ key: Int32) {
        guard let mode = replayMode else { return }
        defer { dirty = (true, true, true, true) }
        if mode.confirmation?.pending != nil {
            // y allows this write; anything else (Enter included) refuses it.
            mode.confirmation?.reply(key == 121 || key == 89)
            return
        }
        if mode.goTo != nil { handleGoToKey(key, mode); return }
        mode.remark = nil
        if key == 4 { leaveReplay(); return }   // Ctrl-D
        let viewKey = PaneKeys.viewKey(key)
        if mode.showHelp {
            mode.showHelp = false
            if viewKey.flatMap({ KeyMap.replayAction(for: $0) }) == .help { return }
        }
        guard let viewKey, let action = KeyMap.replayAction(for: viewKey) else {
            if key != cterm_err() && viewKey != .escape { beep() }
            return
        }
        switch action {
        case .run: replayMove(.next)
        case .back: replayMove(.back)
        case .nextMarker: replayMove(.nextMarker)
        case .previousMarker: replayMove(.previousMarker)
        case .runToPause: replayMove(.toPause)
        case .restart: replayMove(.restart)
        case .goTo: mode.goTo = ""
        case .pane:
            if pane.isEmpty { mode.remark = "nothing in the pane yet" } else { setFocus(.pane) }
        case .scrollUp, .scrollDown:
            let height = replayBottom(mode).transcriptHeight
            mode.log.scroll(pages: action == .scrollUp ? 1 : -1, width: screen.layout.messages.width, height: height)
        case .help: mode.showHelp = true
        case .quit: leaveReplay()
        }
    }

    func handleGoToKey(_ key: Int32, _ mode: ReplayMode) {
        let entry = mode.goTo ?? ""
        switch key {
        case 48...57:
            if entry.count < 6 { mode.goTo = entry + String(UnicodeScalar(UInt8(key))) }
        case 8, 127, KEY_BACKSPACE:
            mode.goTo = String(entry.dropLast())
        case 10, 13, KEY_ENTER:
            mode.goTo = nil
            if let number = Int(entry), number >= 1, number <= mode.player.count + 1 {
                replayMove(.goTo(number - 1))
            } else if !entry.isEmpty {
                mode.remark = "no statement \(entry): the lesson has 1 to \(mode.player.count)"
            }
        default:
            mode.goTo = nil   // Esc or any other key cancels
        }
    }

    /// Starts a move, or queues it behind the one running.
    func replayMove(_ kind: ReplayMoveKind) {
        guard let mode = replayMode else { return }
        if mode.job != nil {
            if mode.queued.count < 16 { mode.queued.append(kind) }
            return
        }
        mode.job = ReplayJob.start(kind, on: mode.replay)
    }

    /// A move finished: transcript, pane, settings, then the next queued move.
    func finishReplayMove(_ move: ReplayMove) {
        guard let mode = replayMode else { return }
        mode.job = nil
        let before = mode.player.cursor
        let paneWasEmpty = pane.isEmpty
        let change = mode.player.apply(move)
        mode.remark = move.interrupted ? "stopped (Ctrl-C)" : move.note
        for outcome in move.outcomes {
            for case let .setting(name, value) in outcome.events {
                // A rebuild re-runs earlier statements: only new ones write files or start things.
                let fresh = !move.rebuilt || outcome.item.index >= before
                applyReplaySetting(name, value, fresh: fresh, session: mode.replay.session)
            }
        }
        switch change {
        case .keep: break
        case .clear: pane = PaneModel()
        case .show(let request): pane.show(request)
        case .step(let request, let play):
            if pane.step(request) {
                if play { pane.play(); nextFrame = ContinuousClock.now } else { pane.showFinished() }
            }
        }
        if move.interrupted { mode.queued.removeAll() }
        rebuildReplayLog()
        if paneWasEmpty != pane.isEmpty { resize() }
        dirty = (true, true, true, true)
        if !mode.queued.isEmpty { replayMove(mode.queued.removeFirst()) }
    }

    func applyReplaySetting(_ name: String, _ value: String, fresh: Bool, session: ScriptSession) {
        switch name {
        case "replay":
            if fresh { replayMode?.remark = "%replay inside a replay is ignored" }
        case "export-cast":
            if fresh { exportCast(history: session.history, to: value) }
        default:
            applySetting(name, value)
        }
    }

    /// The transcript log after a move, showing the last statement's echo first when its output
    /// does not fit (the rest is an Up/Down away).
    func rebuildReplayLog() {
        guard let mode = replayMode else { return }
        let (lines, mark) = ReplayText.transcript(mode.player, utf8: screen.unicode, narration: !presenter)
        mode.log = MessageLog(transcript: lines)
        let bottom = replayBottom(mode)
        mode.log.showFrom(mark, width: max(1, screen.layout.messages.width), height: bottom.transcriptHeight)
    }

    /// The message area's rows and the input line for the replay now.
    func replayBottom(_ mode: ReplayMode) -> ReplayBottom {
        ReplayBottom.make(log: mode.log, narration: mode.player.bandNarration(presenter: presenter), statement: mode.player.current?.statement.text,
                          atEnd: mode.player.isAtEnd, width: screen.layout.messages.width, height: screen.layout.messages.height,
                          presenter: presenter, utf8: screen.unicode)
    }

    /// `%export cast FILE` (the write was authorised by the session).
    func exportCast(history: [HistoryEntry], to path: String) {
        switch CastRecorder.export(history: history, to: path, presenter: presenter, timestamp: Int(Date().timeIntervalSince1970)) {
        case .wrote(let text): messages.append(text, role: .message)
        case .failed(let diagnostic): messages.append(diagnostic.formatted, role: .error)
        }
        replayMode?.remark = "cast written: \(path)"
        dirty.messages = true
    }

    // MARK: Drawing

    func drawReplayStatus(_ window: Window, _ mode: ReplayMode) {
        var busy: String?
        if mode.confirmation?.pending != nil { busy = "answer y or N" }
        else if mode.job != nil { busy = "running" + (mode.queued.isEmpty ? "" : " (+\(mode.queued.count))") }
        else if mode.goTo != nil { busy = "go to" }
        let text = ReplayScreen.statusText(mode.player, pane: pane, width: Int(getmaxx(window)), options: renderOptions,
                                           busy: busy, remark: mode.remark)
        screen.put(text, in: window, y: 0, style: renderOptions.theme.style(.status))
    }

    func drawReplayMessages(_ window: Window, _ mode: ReplayMode) {
        werase(window)
        let width = Int(getmaxx(window)), height = Int(getmaxy(window))
        if mode.showHelp && screen.pane == nil {
            var grid = Grid(width: width, height: height)
            HelpOverlay.draw(into: &grid, options: renderOptions, entries: KeyMap.replayHelpLines, title: "replay keys (any key closes this)")
            screen.draw(grid, in: window)
            return
        }
        let bottom = replayBottom(mode)
        for (index, row) in bottom.rows.enumerated() where index < height {
            let segments = ReplayScreen.segments(row, band: bottom.bandRange.contains(index),
                                                 statement: index >= bottom.bandRange.upperBound, width: width, options: renderOptions)
            putSegments(segments, in: window, y: index, width: width)
        }
        let below = mode.log.visible(width: width, height: bottom.transcriptHeight).below
        if below > 0 && bottom.transcriptHeight >= 2 {
            screen.put("── \(below) more below (Down) ──", in: window, y: bottom.transcriptHeight - 1, style: renderOptions.theme.style(.status))
        }
        if let question = mode.confirmation?.pending, height > 0 {
            // The lesson wants to write a file: asked here, answered with one key.
            screen.put("? " + question + " [y/N]", in: window, y: height - 1, style: ReplayScreen.bandStyle(renderOptions))
        }
    }

    func drawReplayInput(_ window: Window, _ mode: ReplayMode) {
        werase(window)
        let width = Int(getmaxx(window))
        if mode.confirmation?.pending != nil {
            screen.put("y allows this write · n, Enter or any other key refuses it", in: window, y: 0,
                       style: renderOptions.theme.style(.error))
            return
        }
        if let entry = mode.goTo {
            screen.put("go to statement (1-\(mode.player.count)), Enter goes, Esc cancels: " + entry, in: window, y: 0,
                       style: ReplayScreen.promptStyle)
            return
        }
        if focus == .pane {
            screen.put("pane keys: ? lists them · q returns to the lesson", in: window, y: 0, style: renderOptions.theme.style(.dim))
            return
        }
        if let job = mode.job, job.elapsedSeconds >= 0.5 {
            spinnerFrame += 1
            let spinner = ["|", "/", "-", "\\"][(spinnerFrame / 2) % 4]
            let what = job.kind == .next ? "running the statement" : "replaying the lesson up to there"
            screen.put("\(spinner) \(what) (\(Int(job.elapsedSeconds)) s) · Ctrl-C stops", in: window, y: 0,
                       style: renderOptions.theme.style(.note))
            return
        }
        let bottom = replayBottom(mode)
        var segments = ReplayScreen.segments(bottom.input, band: false, statement: mode.player.current != nil, width: width,
                                             options: renderOptions)
        let hint = screen.unicode ? "⏎ run " : "Enter runs "
        let used = segments.reduce(0) { $0 + $1.0.count }
        if mode.player.current != nil && !presenter && used + hint.count + 2 <= width {
            segments.append((String(repeating: " ", count: width - used - hint.count), .plain))
            segments.append((hint, renderOptions.theme.style(.dim)))
        }
        putSegments(segments, in: window, y: 0, width: width)
    }

    func putSegments(_ segments: [(String, CellStyle)], in window: Window, y: Int, width: Int) {
        var x = 0
        for (index, (text, style)) in segments.enumerated() where x < width {
            let last = index == segments.count - 1
            screen.put(String(text.prefix(width - x)), in: window, y: y, x: x, style: style, clearRest: last)
            x += text.count
        }
        if segments.isEmpty { wmove(window, Int32(y), 0); wclrtoeol(window) }
    }
}
