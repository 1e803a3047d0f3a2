import CTerm
import Foundation
import TConvCheck

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
        case .golden(let arguments):
            return GoldenCommand.main(arguments)
        case .bench(let arguments):
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
            return PlainRepl(options: options).runReadline()
        case .curses:
            let depth = ColorEnvironment.current(choice: options.color, curses: true).depth
            if let status = CursesRepl(options: options, depth: depth).run(term: term ?? "") { return status }
            StandardError.write("tconv: terminal '\(term ?? "")' unknown to terminfo; using the plain prompt\n")
            return PlainRepl(options: options).runReadline()
        }
    }
}
