import Testing
@testable import TConvTerminal

@Suite struct CommandLineTests {
    func parse(_ arguments: [String]) throws -> TConvCommand { try CommandLineParser.parse(arguments) }

    @Test func noArgumentsStartsTheREPL() throws {
        #expect(try parse([]) == .repl(TConvOptions()))
    }

    @Test func replOptions() throws {
        #expect(try parse(["--plain", "--color=never", "--present"]) ==
                .repl(TConvOptions(color: .never, plain: true, present: true)))
        #expect(try parse(["--color", "always"]) == .repl(TConvOptions(color: .always)))
        #expect(try parse(["--colour=auto"]) == .repl(TConvOptions(color: .auto)))
    }

    @Test func runTakesFilesAndOptionsInAnyOrder() throws {
        #expect(try parse(["run", "a.tconv", "b.tconv"]) == .run(files: ["a.tconv", "b.tconv"], options: TConvOptions()))
        #expect(try parse(["--color=never", "run", "a.tconv"]) == .run(files: ["a.tconv"], options: TConvOptions(color: .never)))
        #expect(try parse(["run", "a.tconv", "--plain"]) == .run(files: ["a.tconv"], options: TConvOptions(plain: true)))
        #expect(try parse(["run", "-"]) == .run(files: ["-"], options: TConvOptions()))
        #expect(try parse(["run", "--", "-odd.tconv"]) == .run(files: ["-odd.tconv"], options: TConvOptions()))
    }

    @Test func commandStatements() throws {
        #expect(try parse(["-c", "x = 1; x"]) == .command("x = 1; x", options: TConvOptions()))
        #expect(try parse(["-cx"]) == .command("x", options: TConvOptions()))
        #expect(try parse(["--color=always", "-c", "1"]) == .command("1", options: TConvOptions(color: .always)))
    }

    @Test func checkRunnersKeepTheirArguments() throws {
        #expect(try parse(["golden", "--quiet", "Tests/Fixtures/golden"]) == .golden(["--quiet", "Tests/Fixtures/golden"]))
        #expect(try parse(["bench", "--help"]) == .bench(["--help"]))
    }

    @Test func replayCheck() throws {
        #expect(try parse(["replay", "--check", "a.tconv", "b.tconv"]) == .replayCheck(files: ["a.tconv", "b.tconv"]))
        #expect(try parse(["replay", "a.tconv", "--check"]) == .replayCheck(files: ["a.tconv"]))
        #expect(throws: UsageError.self) { try CommandLineParser.parse(["replay", "a.tconv"]) }
        #expect(throws: UsageError.self) { try CommandLineParser.parse(["replay", "--check"]) }
        #expect(throws: UsageError.self) { try CommandLineParser.parse(["replay", "--bogus", "a.tconv"]) }
    }

    @Test func versionAndHelp() throws {
        #expect(try parse(["--version"]) == .version)
        #expect(try parse(["-V"]) == .version)
        #expect(try parse(["--help"]) == .help)
        #expect(try parse(["-h", "--bogus"]) == .help)
    }

    @Test(arguments: [
        (["--bogus"], "unknown option '--bogus'"),
        (["run"], "run needs at least one FILE"),
        (["-c"], "-c needs statements"),
        (["--color=sometimes"], "--color must be auto, always or never"),
        (["--color"], "--color needs a value"),
        (["--plain=yes"], "--plain takes no value"),
        (["script.tconv"], "unknown command 'script.tconv'"),
        (["-c", "1", "run", "x"], "-c and run cannot be combined"),
        (["--plain", "golden"], "'golden' must come first"),
    ])
    func usageErrors(arguments: [String], message: String) {
        #expect {
            _ = try CommandLineParser.parse(arguments)
        } throws: { error in
            (error as? UsageError)?.message.contains(message) == true
        }
    }

    @Test func helpMentionsEveryOption() {
        for option in CommandLineParser.documentedOptions {
            #expect(CommandLineParser.help.contains(option), "help lacks \(option)")
        }
    }

    @Test func frontEndChoice() {
        #expect(TConvMain.chooseFrontEnd(stdinTTY: true, stdoutTTY: true, term: "xterm-256color", plain: false) == .curses)
        #expect(TConvMain.chooseFrontEnd(stdinTTY: true, stdoutTTY: true, term: "xterm-256color", plain: true) == .readline)
        #expect(TConvMain.chooseFrontEnd(stdinTTY: true, stdoutTTY: true, term: "dumb", plain: false) == .readline)
        #expect(TConvMain.chooseFrontEnd(stdinTTY: true, stdoutTTY: true, term: "", plain: false) == .readline)
        #expect(TConvMain.chooseFrontEnd(stdinTTY: true, stdoutTTY: false, term: "xterm", plain: false) == .readline)
        #expect(TConvMain.chooseFrontEnd(stdinTTY: false, stdoutTTY: true, term: "xterm", plain: false) == .lines)
    }
}
