// TConvTerminal, the front ends of tconv: the full-screen REPL (ncursesw + GNU readline's callback interface in one
// screen), the plain REPL (readline without curses, or bare lines from a pipe), `tconv run` / `-c`,
// the lesson player (`tconv replay FILE`, `%replay`: `ReplayPlayer` + `ReplayJob` in the full screen,
// `ReplayTranscript` without one, `CastRecorder` for asciicasts), and the command-line parser that
// `main.swift` hands argv to.
//
// - Depends on: CTerm (the only module that imports it), TConvScript (`ScriptSession`, the events),
//   TConvView (`ViewState`, `KeyMap`, renderers, `ANSIRenderer`, `Palette`), TConvCheck (golden, bench).
// - One event loop on the main thread (`CursesRepl.loop`): `wtimeout` blocking when idle, short
//   while a trace plays or a statement runs. Statements run on a worker thread (`Evaluation`) with
//   the async signals blocked, so Ctrl-C, SIGTERM and resizes always reach the loop.
// - Views draw into a `Grid`; `CursesScreen.draw` is the only place cells become curses calls, with
//   colour pairs allocated once per (fg, bg) and never recoloured while on screen.
// - The terminal is restored on every exit path: `cterm_end_curses` (normal, atexit), the loop's
//   signal flags (SIGTERM/SIGHUP re-raised after restoring), and CTerm's crash handler.
// - Pure parts are unit tested (`CommandLineParser`, `ColorEnvironment.depth`, `HistoryStore`,
//   `MessageLog`, `Completion`, `FrontLayout`, `PaneModel`, the replay model, transcript and
//   asciicast writer); the rest by `Tests/e2e/run.sh` in tmux.
// - Replays: the lesson runs on a worker thread one move at a time (`ReplayJob`); a write the
//   lesson wants is asked in the message area (`WriteConfirmation`, y/N) unless --allow-writes.

import CTerm
import Foundation
import TConvCheck
import TConvView

/// Runs a parsed command; `main.swift` turns argv into a `TConvCommand` and exits with this.
@MainActor
public enum TConvMain {
    public static func run(_ command: TConvCommand) -> Int32 {
        switch command {
        case .help:
            StandardOutput.write(CommandLineParser.help + "\n")
            StandardOutput.flush()
            return ExitStatus.success
        case .version:
            StandardOutput.write("tconv \(TConvVersion.string)\n")
            StandardOutput.flush()
            return ExitStatus.success
        case .replayCheck(let files):
            LocaleSupport.setup()
            cterm_install_signal_handlers(0)
            return ScriptRunner.replayCheck(files: files)
        case .replay(let file, let options, let cast):
            return ReplayCommand.run(file: file, options: options, cast: cast)
        case .golden(let arguments):
            return GoldenCommand.main(arguments)
        case .bench(let arguments):
            // `tconv bench --view`: the views' render times (the pane's budget is a 30 fps frame).
            if arguments == ["--view"] {
                print(ViewBenchmark.report())
                return ExitStatus.success
            }
            return BenchCommand.main(arguments)
        case .run(let files, let options):
            LocaleSupport.setup()
            cterm_install_signal_handlers(0)
            return ScriptRunner.run(files: files, options: options)
        case .command(let statements, let options):
            LocaleSupport.setup()
            cterm_install_signal_handlers(0)
            return ScriptRunner.command(statements, options: options)
        case .repl(let options):
            LocaleSupport.setup()
            return repl(options)
        }
    }

    /// Which front end the REPL gets.
    enum FrontEnd: Equatable { case curses, readline, lines }

    nonisolated static func chooseFrontEnd(stdinTTY: Bool, stdoutTTY: Bool, term: String?, plain: Bool) -> FrontEnd {
        guard stdinTTY else { return .lines }
        let term = term ?? ""
        if plain || !stdoutTTY || term.isEmpty || term == "dumb" { return .readline }
        return .curses
    }

    static func repl(_ options: TConvOptions) -> Int32 {
        let term = ProcessEnvironment.value("TERM")
        let frontEnd = chooseFrontEnd(stdinTTY: Terminfo.isTerminal(0), stdoutTTY: Terminfo.isTerminal(1),
                                      term: term, plain: options.plain)
        switch frontEnd {
        case .lines:
            return PlainRepl(options: options).runLines()
        case .readline:
            return runReadline(options)
        case .curses:
            let depth = ColorEnvironment.current(choice: options.color, curses: true).depth
            if let status = CursesRepl(options: options, depth: depth).run(term: term ?? "") { return status }
            StandardError.write("tconv: terminal '\(term ?? "")' unknown to terminfo; using the plain prompt\n")
            return runReadline(options)
        }
    }

    /// The plain readline REPL. Readline's callbacks reach it through `LineEditor.client`, a weak
    /// reference, so the REPL is kept alive here for the whole session.
    private static func runReadline(_ options: TConvOptions) -> Int32 {
        let repl = PlainRepl(options: options)
        return withExtendedLifetime(repl) { repl.runReadline() }
    }
}
