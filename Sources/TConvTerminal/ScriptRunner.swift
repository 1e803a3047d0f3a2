import Foundation
import TConvScript

/// `tconv run FILE...` and `tconv -c STATEMENTS`: no interaction, exit 1 if any statement failed.
enum ScriptRunner {
    static func run(files: [String], options: TConvOptions) -> Int32 {
        var printer = PlainPrinter.forPipes(options)
        var failed = false
        for file in files {
            let text: String
            let name: String
            if file == "-" {
                name = "<stdin>"
                text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
            } else {
                guard let data = FileManager.default.contents(atPath: file) else {
                    StandardOutput.flush()
                    StandardError.write("tconv: cannot read '\(file)': \(readProblem(file))\n")
                    return ExitStatus.noInput
                }
                name = file
                text = String(decoding: data, as: UTF8.self)
            }
            let outcome = runFile(text, source: name, printer: &printer)
            failed = failed || outcome.failed
            if outcome.quit { break }
        }
        StandardOutput.flush()
        return failed ? ExitStatus.failure : ExitStatus.success
    }

    /// One file, statement by statement. A statement whose recorded output (`#=> error[...]`)
    /// says it fails is a lesson showing an error: its error goes to stdout like any recorded
    /// output, and it does not make the run fail.
    static func runFile(_ text: String, source: String, printer: inout PlainPrinter) -> (failed: Bool, quit: Bool) {
        let replay: Replay
        do {
            replay = try Replay(text: text, source: source, options: SessionOptions(allowWrites: true, sourceName: source))
        } catch {
            printer.err(error.diagnostic.formatted + "\n")
            return (true, false)
        }
        var failed = false
        while let outcome = replay.runNext() {
            let errorRecorded = outcome.expected.contains { $0.hasPrefix("error[") }
            let result = printer.render(outcome.events, errorsExpected: errorRecorded, session: replay.session)
            failed = failed || result.failed
            if result.quit { return (failed, true) }
        }
        return (failed, false)
    }

    /// `tconv replay --check FILE...`.
    static func replayCheck(files: [String]) -> Int32 {
        let (_, text, passed) = Replay.checkFiles(files)
        StandardOutput.write(text + "\n")
        StandardOutput.flush()
        return passed ? ExitStatus.success : ExitStatus.failure
    }

    static func command(_ statements: String, options: TConvOptions) -> Int32 {
        var printer = PlainPrinter.forPipes(options)
        let session = ScriptSession(options: SessionOptions(allowWrites: true, sourceName: "<command>"))
        let outcome = printer.render(session.runScript(statements, source: "<command>"), session: session)
        StandardOutput.flush()
        return outcome.failed ? ExitStatus.failure : ExitStatus.success
    }

    static func readProblem(_ path: String) -> String {
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) { return "no such file" }
        if isDirectory.boolValue { return "it is a directory" }
        return "permission denied"
    }
}

extension PlainPrinter {
    /// A printer for output that may be a pipe: colour per the decision table, Unicode per locale.
    static func forPipes(_ options: TConvOptions) -> PlainPrinter {
        let environment = ColorEnvironment.current(choice: options.color, curses: false)
        let columns = Int(ProcessEnvironment.value("COLUMNS") ?? "") ?? 80
        return PlainPrinter(depth: environment.depth, unicode: LocaleSupport.isUTF8, width: max(40, min(columns, 200)),
                            presenter: options.present, allowWrites: options.allowWrites)
    }
}
