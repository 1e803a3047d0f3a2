import CTerm
import Foundation
import TConvScript
import TConvView

/// The full-screen REPL: pane, status line, message area and the readline input line in one
/// ncursesw screen. One event loop on the main thread reads keys with `wtimeout` (blocking when
/// idle, short while playing or computing); evaluation runs on a worker thread.
@MainActor
final class CursesRepl: LineEditorClient {
    enum Focus { case prompt, pane, replay }

    let options: TConvOptions
    /// Presenter mode (`--present`, `%present`): larger cells, high contrast, keys only in replays.
    var presenter: Bool
    /// A lesson being replayed (`tconv replay FILE`, `%replay FILE`).
    var replayMode: ReplayMode?
    let session = ScriptSession(options: SessionOptions(allowWrites: true, sourceName: "<stdin>"))
    let screen: CursesScreen
    var messages = MessageLog()
    var pane = PaneModel()
    var focus = Focus.prompt
    var evaluation: Evaluation?
    var continuation = false
    var quitting = false
    var history: HistoryStore?
    var nextFrame = ContinuousClock.now
    var spinnerFrame = 0
    var dirty = (pane: true, status: true, messages: true, input: true)
    var paneHadContent = false
    /// The write question on screen (a new one from the replay's worker redraws).
    var shownQuestion: String?
    /// Where the running statement's echo sits in the message log.
    var statementMark = 0
    /// `TCONV_FRAME_STATS=1`: frame count and render times, printed to stderr at exit.
    let frameStats = ProcessEnvironment.value("TCONV_FRAME_STATS") == "1"
    var frames = 0
    var frameTimes: [Double] = []

    init(options: TConvOptions, depth: ColorDepth) {
        self.options = options
        presenter = options.present
        screen = CursesScreen(depth: depth, unicode: LocaleSupport.isUTF8)
    }

    /// Runs until Ctrl-D, `%quit` or a terminating signal (with `replay`: until the replay is
    /// left). nil when curses could not start.
    func run(term: String, replay: (Replay, WriteConfirmation?)? = nil) -> Int32? {
        cterm_save_terminal()
        cterm_install_signal_handlers(1)
        guard screen.start(term: term) else { return nil }
        history = HistoryStore.defaultPath(environment: ProcessInfo.processInfo.environment).map { HistoryStore(path: $0) }
        screen.relayout(paneWanted: false, presenter: presenter)
        LineEditor.setup(curses: true, input: screen.input, client: self)
        cterm_rl_resize(1, Int32(max(screen.width, 1)))
        LineEditor.loadHistory(history)
        if let (lesson, confirmation) = replay {
            enterReplay(lesson, confirmation: confirmation, exitsProgram: true)
        } else {
            LineEditor.install(prompt: Prompt.primary)
            messages.append("tconv \(TConvVersion.string) · \(screen.depth.label) · %help for help · Ctrl-D quits", role: .label)
        }
        loop()
        LineEditor.remove()
        if frameStats { reportFrameStats() }
        evaluation?.cancel(session)
        replayMode?.job?.cancel()
        replayMode?.confirmation?.reply(false)
        screen.stop()
        let signal = cterm_exit_signal()
        if signal != 0 { cterm_die_by_signal(signal) }
        return ExitStatus.success
    }

    // MARK: The loop

    func loop() {
        while !quitting {
            if cterm_exit_signal() != 0 { return }
            if cterm_take_interrupts() > 0 { interrupt() }
            if cterm_rl_take_resize() != 0 { resize() }
            if let evaluation, let result = evaluation.result { finish(result) }
            if let mode = replayMode, let move = mode.job?.result { finishReplayMove(move) }
            if let mode = replayMode, mode.confirmation?.pending != nil, !dirty.input {
                // A write question arrived from the worker: show it.
                if mode.confirmation?.pending != shownQuestion { shownQuestion = mode.confirmation?.pending; dirty = (true, true, true, true) }
            }
            if quitting { return }
            let now = ContinuousClock.now
            if pane.isPlaying && now >= nextFrame {
                if pane.tick(now: now) { dirty.pane = true; dirty.status = true }
                nextFrame = now + .milliseconds(pane.frameInterval ?? 100)
            }
            render()
            let key = readKey(timeout: timeout())
            handle(key)
        }
    }

    func timeout() -> Int32 {
        if evaluation != nil || replayMode?.job != nil { return 50 }
        if pane.isPlaying {
            let left = nextFrame - ContinuousClock.now
            let ms = Int(left.components.seconds * 1000) + Int(left.components.attoseconds / 1_000_000_000_000_000)
            return Int32(max(1, min(ms, 1000)))
        }
        return -1
    }

    func readKey(timeout: Int32) -> Int32 {
        let window = (focus == .pane ? screen.pane : nil) ?? screen.input
        guard let window else { return cterm_err() }
        wtimeout(window, timeout)
        return wgetch(window)
    }

    func handle(_ key: Int32) {
        if key == cterm_err() { return }
        if key == cterm_key_resize() { resize(); return }
        if screen.layout.tooSmall {
            if key == 4 { quitting = true }          // Ctrl-D still leaves
            if key == 3 { interrupt() }
            return
        }
        if key == 3 { interrupt(); return }
        if focus != .prompt && key == 26 { suspend(); return }
        if focus == .pane { handlePaneKey(key); return }
        if focus == .replay { handleReplayKey(key); return }
        guard key >= 0 && key < 256 else { return }
        cterm_rl_push_byte(key)
        // Take everything already typed or pasted in one go, then let readline at it.
        if let input = screen.input {
            wtimeout(input, 0)
            while true {
                let next = wgetch(input)
                if next == cterm_err() { break }
                if next == cterm_key_resize() { resize(); break }
                if next == 3 { interrupt(); break }
                if next >= 0 && next < 256 { cterm_rl_push_byte(next) }
            }
        }
        feedReadline()
    }

    func feedReadline() {
        guard evaluation == nil else { return }
        cterm_rl_feed_queue()
        dirty.input = true
    }

    func handlePaneKey(_ key: Int32) {
        switch pane.handle(code: key) {
        case .leave:
            setFocus(replayMode != nil ? .replay : .prompt)
        case .unchanged:
            if PaneKeys.viewKey(key).flatMap({ KeyMap.action(for: $0) }) == nil { beep() }
        case .redraw:
            break
        case .previousMarker:
            if replayMode != nil { replayMove(.previousMarker) } else { noMarkers() }
        case .nextMarker:
            if replayMode != nil { replayMove(.nextMarker) } else { noMarkers() }
        }
        if pane.isPlaying { nextFrame = ContinuousClock.now + .milliseconds(pane.frameInterval ?? 100) }
        dirty.pane = true
        dirty.status = true
    }

    func noMarkers() {
        messages.append("no lesson markers in this session", role: .note)
        dirty.messages = true
    }

    func setFocus(_ newFocus: Focus) {
        let fallback: Focus = replayMode != nil ? .replay : .prompt
        focus = (newFocus == .pane && screen.pane == nil) ? fallback : newFocus
        curs_set(focus == .prompt ? 1 : 0)
        // Replay keys are read decoded (arrows, PgDn from a clicker); readline wants raw bytes.
        if let input = screen.input { keypad(input, focus == .replay) }
        dirty.status = true
        dirty.input = true
    }

    /// Ctrl-C: cancel a computation, else stop a playback, else drop the line. In a replay:
    /// refuse a pending write, stop the move running, stop the pane's playback.
    func interrupt() {
        if let mode = replayMode {
            dirty = (true, true, true, true)
            if mode.confirmation?.pending != nil { mode.confirmation?.reply(false); return }
            if let job = mode.job { job.cancel(); mode.queued.removeAll(); return }
            if pane.stopPlayback() { return }
            mode.goTo = nil
            mode.showHelp = false
            if focus == .pane { setFocus(.replay) } else { mode.remark = "q leaves the replay" }
            return
        }
        if let evaluation {
            evaluation.cancel(session)
            dirty.input = true
            return
        }
        if pane.stopPlayback() {
            dirty.pane = true
            dirty.status = true
            return
        }
        if focus == .pane { setFocus(.prompt); return }
        session.cancelPendingInput()
        continuation = false
        cterm_rl_set_prompt(Prompt.primary)
        cterm_rl_cancel_line()
        dirty.input = true
    }

    /// Ctrl-Z: back to the shell; `fg` returns to the same screen.
    func suspend() {
        cterm_suspend()
        resize()
    }

    func resize() {
        let messageLines = replayMode != nil ? ReplayScreen.messageLines(height: screen.height, presenter: presenter) : nil
        screen.relayout(paneWanted: !pane.isEmpty, presenter: presenter, messageLines: messageLines)
        cterm_rl_set_input_window(screen.input)
        if focus == .pane && screen.pane == nil { focus = replayMode != nil ? .replay : .prompt }
        setFocus(focus)
        if replayMode != nil { rebuildReplayLog() }
        cterm_repaint_all()
        dirty = (true, true, true, true)
    }

    // MARK: Readline callbacks

    func accept(_ line: String?) {
        guard let line else {
            if continuation {
                session.cancelPendingInput()
                continuation = false
                cterm_rl_set_prompt(Prompt.primary)
                cterm_rl_cancel_line()
                return
            }
            LineEditor.remove()
            quitting = true
            return
        }
        let prompt = continuation ? Prompt.continuation : Prompt.primary
        LineEditor.remove()
        LineEditor.remember(line, in: history)
        statementMark = messages.count
        messages.append(prompt + line, role: .prompt)
        dirty.messages = true
        if TestHooks.crashEnabled && line.trimmingCharacters(in: .whitespaces) == "%crash" {
            render()
            TestHooks.crashIfRequested(line)
        }
        evaluation = Evaluation.start(session, line: line)
        dirty.input = true
    }

    func finish(_ result: SubmitResult) {
        evaluation = nil
        switch result {
        case .needsMore:
            continuation = true
        case .done(let events):
            continuation = false
            show(events)
        }
        dirty.input = true
        if quitting { return }
        // Keys typed while the statement ran belong to whoever has the focus now: a `%show`
        // followed quickly by `?` means the pane's `?`; `%replay` then space runs a statement.
        while focus != .prompt, let key = nextTypeAheadKey() {
            if focus == .pane { handlePaneKey(key) } else { handleReplayKey(key) }
        }
        if replayMode != nil { return }   // leaving the replay installs the prompt
        LineEditor.install(prompt: continuation ? Prompt.continuation : Prompt.primary)
        feedReadline()
    }

    /// The next queued key, with the common escape sequences decoded as keypad keys.
    func nextTypeAheadKey() -> Int32? {
        let byte = cterm_rl_pop_byte()
        guard byte >= 0 else { return nil }
        guard byte == 27, cterm_rl_queue_length() >= 2 else { return byte }
        let second = cterm_rl_pop_byte()
        guard second == 91 || second == 79 else { return 27 }   // ESC [ or ESC O
        let third = cterm_rl_pop_byte()
        switch third {
        case 65: return KEY_UP
        case 66: return KEY_DOWN
        case 67: return KEY_RIGHT
        case 68: return KEY_LEFT
        case 53, 54:
            _ = cterm_rl_pop_byte()   // the '~'
            return third == 53 ? KEY_PPAGE : KEY_NPAGE
        default: return nil
        }
    }

    func show(_ events: [ScriptEvent]) {
        for event in events {
            switch event {
            case .value(let text), .text(let text):
                messages.append(text.hasSuffix("\n") ? String(text.dropLast()) : text, role: .message)
            case .note(let text):
                messages.append(text, role: .note)
            case .error(let diagnostic):
                messages.append(diagnostic.formatted, role: .error)
            case .show(let request):
                pane.show(request)
                paneChanged()
                setFocus(.pane)
            case .step(let request):
                if pane.step(request) {
                    paneChanged()
                    setFocus(.pane)
                } else {
                    messages.append("nothing to step: the trace is empty", role: .note)
                }
            case .setting(let name, let value):
                applySetting(name, value)
            case .quit:
                quitting = true
            }
        }
        // A long output starts at the top of the message area, like a pager's first page.
        let area = screen.layout.messages
        messages.showFrom(statementMark, width: area.width, height: area.height)
        dirty.messages = true
    }

    func applySetting(_ name: String, _ value: String) {
        switch name {
        case "colors":
            if let depth = ColorDepth.resolve(setting: value, curses: true) {
                screen.depth = depth.clamped(toColors: Int(cterm_colors()))
                let limited = screen.depth != depth ? " (the terminal shows no more)" : ""
                messages.append("colours: \(screen.depth.label)\(limited)", role: .note)
                cterm_repaint_all()
                dirty = (true, true, true, true)
            }
        case "cmap":
            if !pane.setColorMap(value) { messages.append("unknown colour map '\(value)'", role: .error) }
            dirty.pane = true
        case "present":
            presenter = value == "toggle" ? !presenter : value == "on"
            messages.append("presenter mode \(presenter ? "on: larger cells, high contrast" : "off")", role: .note)
            resize()
        case "replay":
            startReplay(path: value)
        case "export-cast":
            exportCast(history: session.history, to: value)
        default:
            break
        }
    }

    func paneChanged() {
        if !paneHadContent {
            paneHadContent = true
            resize()
        }
        dirty.pane = true
        dirty.status = true
    }

    func command(_ command: Int32) {
        switch command {
        case Int32(CTERM_CMD_COMPLETE):
            if LineEditor.line.isEmpty && !pane.isEmpty { setFocus(.pane); return }
            if let candidates = LineEditor.complete(session) {
                if candidates.isEmpty { beep() } else {
                    let width = screen.layout.messages.width
                    messages.append(Completion.columns(candidates, width: width).joined(separator: "\n"), role: .label)
                    dirty.messages = true
                }
            }
        case Int32(CTERM_CMD_SCROLL_UP), Int32(CTERM_CMD_SCROLL_DOWN):
            let r = screen.layout.messages
            messages.scroll(pages: command == Int32(CTERM_CMD_SCROLL_UP) ? 1 : -1, width: r.width, height: r.height)
            dirty.messages = true
        case Int32(CTERM_CMD_FOCUS_PANE):
            if !pane.isEmpty { setFocus(.pane) }
        case Int32(CTERM_CMD_REDRAW):
            cterm_repaint_all()
            dirty = (true, true, true, true)
        case Int32(CTERM_CMD_SUSPEND):
            suspend()
        default:
            break
        }
        dirty.input = true
    }

    func redisplay() { dirty.input = true }

    func beep() { _ = CTerm.beep() }
}

public enum TConvVersion {
    public static let string = "0.1.0"
}
