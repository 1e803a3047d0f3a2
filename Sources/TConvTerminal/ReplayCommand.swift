import CTerm
import Foundation
import TConvScript

/// `tconv replay FILE`: the lesson player. On a terminal, the full screen with keys (presenter
/// mode with `--present`); without one, a transcript (exit 1 when an output differs from the
/// recording). `--cast OUT` records the replay as an asciicast instead. A replayed file writes
/// nothing unless `--allow-writes`: the full screen asks first, plain mode refuses.
@MainActor
enum ReplayCommand {
    static func run(file: String, options: TConvOptions, cast: String?) -> Int32 {
        LocaleSupport.setup()
        if let cast { return record(file: file, to: cast, options: options) }
        let term = ProcessEnvironment.value("TERM")
        let frontEnd = TConvMain.chooseFrontEnd(stdinTTY: Terminfo.isTerminal(0), stdoutTTY: Terminfo.isTerminal(1),
                                                term: term, plain: options.plain)
        if frontEnd == .curses {
            let confirmation = options.allowWrites ? nil : WriteConfirmation()
            guard let replay = open(file, allowWrites: options.allowWrites, confirmation: confirmation) else { return ExitStatus.noInput }
            let depth = ColorEnvironment.current(choice: options.color, curses: true).depth
            if let status = CursesRepl(options: options, depth: depth).run(term: term ?? "", replay: (replay, confirmation)) {
                return status
            }
            StandardError.write("tconv: terminal '\(term ?? "")' unknown to terminfo; printing the lesson as a transcript\n")
        }
        cterm_install_signal_handlers(0)
        guard let replay = open(file, allowWrites: options.allowWrites, confirmation: nil) else { return ExitStatus.noInput }
        var printer = PlainPrinter.forPipes(options)
        printer.replaying = true
        let differences = ReplayTranscript.play(replay, printer: &printer)
        StandardOutput.flush()
        return differences == 0 ? ExitStatus.success : ExitStatus.failure
    }

    /// Reads the lesson; a missing file, a broken header or a newer version is reported on
    /// standard error (nil).
    static func open(_ file: String, allowWrites: Bool, confirmation: WriteConfirmation?) -> Replay? {
        let ask = WriteConfirmation.callback(confirmation)
        do {
            return try Replay(contentsOf: file, options: SessionOptions(allowWrites: allowWrites, sourceName: file, confirmWrite: ask))
        } catch {
            StandardOutput.flush()
            StandardError.write(error.diagnostic.formatted + "\n")
            return nil
        }
    }

    /// `tconv replay --cast OUT FILE`.
    static func record(file: String, to path: String, options: TConvOptions) -> Int32 {
        cterm_install_signal_handlers(0)
        guard let replay = open(file, allowWrites: options.allowWrites, confirmation: nil) else { return ExitStatus.noInput }
        let recorder = options.present ? CastRecorder.presenter() : CastRecorder()
        let title = "tconv lesson: " + (file.split(separator: "/").last.map(String.init) ?? file)
        let cast = recorder.record(replay, title: title, timestamp: Int(Date().timeIntervalSince1970))
        switch CastRecorder.write(cast, to: path, what: "\(file) (\(replay.count) statements)", recorder: recorder) {
        case .wrote(let text):
            StandardOutput.write(text + "\n")
            StandardOutput.flush()
            return ExitStatus.success
        case .failed(let diagnostic):
            StandardError.write("tconv: " + diagnostic.message + "\n")
            return ExitStatus.failure
        }
    }
}
