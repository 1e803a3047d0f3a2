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
        #expect(throws: UsageError.self) { try CommandLineParser.parse(["replay", "--check"]) }
        #expect(throws: UsageError.self) { try CommandLineParser.parse(["replay", "--bogus", "a.tconv"]) }
        #expect(throws: UsageError.self) { try CommandLineParser.parse(["replay", "--check", "--present", "a.tconv"]) }
    }

    @Test func replayPlaysOneLesson() throws {
        #expect(try parse(["replay", "a.tconv"]) == .replay(file: "a.tconv", options: TConvOptions(), cast: nil))
        #expect(try parse(["replay", "--present", "a.tconv"]) == .replay(file: "a.tconv", options: TConvOptions(present: true), cast: nil))
        #expect(try parse(["replay", "a.tconv", "--allow-writes", "--plain", "--color=never"])
                == .replay(file: "a.tconv", options: TConvOptions(color: .never, plain: true, allowWrites: true), cast: nil))
        #expect(try parse(["replay", "--", "-odd.tconv"]) == .replay(file: "-odd.tconv", options: TConvOptions(), cast: nil))
    }

    @Test func replayRecordsACast() throws {
        #expect(try parse(["replay", "--cast", "out.cast", "a.tconv"]) == .replay(file: "a.tconv", options: TConvOptions(), cast: "out.cast"))
        #expect(try parse(["replay", "--cast=out.cast", "--present", "a.tconv"])
                == .replay(file: "a.tconv", options: TConvOptions(present: true), cast: "out.cast"))
    }

    @Test func allowWritesIsAnOptionOfTheREPLAndRun() throws {
        #expect(try parse(["--allow-writes"]) == .repl(TConvOptions(allowWrites: true)))
        #expect(try parse(["--present", "--allow-writes"]) == .repl(TConvOptions(present: true, allowWrites: true)))
        // run always allows writes; the flag is accepted and changes nothing there.
        #expect(try parse(["run", "--allow-writes", "a.tconv"]) == .run(files: ["a.tconv"], options: TConvOptions(allowWrites: true)))
        #expect(throws: UsageError.self) { try CommandLineParser.parse(["--allow-writes=yes"]) }
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
        (["replay"], "replay needs a lesson FILE"),
        (["replay", "a.tconv", "b.tconv"], "replay plays one FILE at a time"),
        (["replay", "--cast"], "--cast needs a file name"),
        (["replay", "--cast", "a.cast", "--cast", "b.cast", "x.tconv"], "--cast given twice"),
        (["replay", "--present=yes", "a.tconv"], "--present takes no value"),
        (["replay", "--check", "--cast", "a.cast", "x.tconv"], "replay --check takes only files"),
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
