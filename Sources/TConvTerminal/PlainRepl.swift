import CTerm
import Foundation
import TConvScript

/// The REPL without curses. On a pipe: lines from stdin, no prompt, no readline, exit 1 if any
/// statement failed. On a terminal (`--plain`, TERM unknown to terminfo): GNU readline's
/// callback interface with its own terminal handling, Ctrl-C through a flag.
@MainActor
final class PlainRepl: LineEditorClient {
    let options: TConvOptions
    let session = ScriptSession(options: SessionOptions(allowWrites: true, sourceName: "<stdin>"))
    var printer: PlainPrinter
    var failed = false
    var quitting = false
    var continuation = false
    var evaluation: Evaluation?
    var history: HistoryStore?
    /// Columns of the progress line on screen (0: none).
    var progressWidth = 0

    init(options: TConvOptions) {
        self.options = options
        printer = PlainPrinter.forPipes(options)
    }

    /// Lines from a pipe or file.
    func runLines() -> Int32 {
        cterm_install_signal_handlers(0)
        var lineNumber = 0
        var pendingSince = 0
        while !quitting, let line = readLine(strippingNewline: true) {
            lineNumber += 1
            TestHooks.crashIfRequested(line)
            switch session.submit(line) {
            case .needsMore:
                if pendingSince == 0 { pendingSince = lineNumber }
                continue
            case .done(let events):
                pendingSince = 0
                let outcome = printer.render(events, session: session)
                failed = failed || outcome.failed
                quitting = outcome.quit
            }
            StandardOutput.flush()
        }
        if pendingSince > 0 && !quitting {
            // End of input inside an open bracket: the statement never ran.
            failed = true
            StandardOutput.flush()
            StandardError.write("\(session.options.sourceName):\(pendingSince):1: error[syntax]: input ended inside an "
                                + "unfinished statement (started on line \(pendingSince))\n")
        }
        StandardOutput.flush()
        return failed ? ExitStatus.failure : ExitStatus.success
    }

    /// Readline on a terminal, without curses.
    func runReadline() -> Int32 {
        cterm_save_terminal()
        cterm_install_signal_handlers(1)
        history = HistoryStore.defaultPath(environment: ProcessInfo.processInfo.environment).map { HistoryStore(path: $0) }
        LineEditor.setup(curses: false, input: nil, client: self)
        LineEditor.loadHistory(history)
        StandardOutput.flush()
        LineEditor.install(prompt: Prompt.primary)
        while !quitting {
            if cterm_exit_signal() != 0 { break }
            if cterm_take_interrupts() > 0 { interrupt() }
            if let evaluation {
                if let result = evaluation.result {
                    finish(result)
                } else {
                    if evaluation.elapsedSeconds > 1 {
                        // Plain "\r" and padding, no escape codes: this may be a dumb terminal.
                        let text = evaluation.progressText(session, frame: Int(evaluation.elapsedSeconds * 4))
                        let pad = String(repeating: " ", count: max(0, progressWidth - text.count))
                        StandardError.write("\r" + text + pad)
                        progressWidth = max(progressWidth, text.count)
                    }
                    usleep(50_000)
                }
                continue
            }
            var descriptor = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, -1)
            if ready > 0 { cterm_rl_read_char() }
        }
        LineEditor.remove()
        cterm_restore_terminal()
        StandardOutput.flush()
        if cterm_exit_signal() != 0 {
            evaluation?.cancel(session)
            cterm_die_by_signal(cterm_exit_signal())
        }
        return ExitStatus.success
    }

    func interrupt() {
        if let evaluation {
            evaluation.cancel(session)
            clearProgress()
            StandardError.write("^C\n")
            return
        }
        session.cancelPendingInput()
        continuation = false
        cterm_rl_set_prompt(Prompt.primary)
        cterm_rl_cancel_line()
    }

    func accept(_ line: String?) {
        guard let line else {
            if continuation {
                // Ctrl-D at `...> ` drops the unfinished statement instead of leaving.
                session.cancelPendingInput()
                continuation = false
                StandardOutput.write("\n")
                cterm_rl_set_prompt(Prompt.primary)
                cterm_rl_cancel_line()
                return
            }
            LineEditor.remove()   // or readline prompts once more before we leave
            StandardOutput.write("\n")
            quitting = true
            return
        }
        LineEditor.remove()
        LineEditor.remember(line, in: history)
        TestHooks.crashIfRequested(line)
        StandardOutput.flush()
        cterm_set_echo(0)
        evaluation = Evaluation.start(session, line: line)
    }

    func finish(_ result: SubmitResult) {
        evaluation = nil
        cterm_set_echo(1)
        clearProgress()
        switch result {
        case .needsMore:
            continuation = true
        case .done(let events):
            continuation = false
            let outcome = printer.render(events, session: session)
            quitting = outcome.quit
        }
        StandardOutput.flush()
        if !quitting { LineEditor.install(prompt: continuation ? Prompt.continuation : Prompt.primary) }
    }

    func clearProgress() {
        guard progressWidth > 0 else { return }
        StandardError.write("\r" + String(repeating: " ", count: progressWidth) + "\r")
        progressWidth = 0
    }

    func command(_ command: Int32) {
        guard command == Int32(CTERM_CMD_COMPLETE) else { return }
        guard let candidates = LineEditor.complete(session), !candidates.isEmpty else { return }
        let width = Int(ProcessEnvironment.value("COLUMNS") ?? "") ?? 80
        cterm_rl_print_below(Completion.columns(candidates, width: width).joined(separator: "\n") + "\n")
    }

    func redisplay() {}
}
