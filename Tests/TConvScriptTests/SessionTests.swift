import Foundation
import Synchronization
import Testing
import TConvEngine
import TConvScript

/// The REPL contract the front ends drive: continuation lines, prompts, diagnostics, events,
/// history and session files, cancellation.
@Suite struct SessionTests {
    @Test func unfinishedInputAsksForMore() {
        let session = ScriptSession()
        #expect(isNeedsMore(session.submit("x = [1,")))
        #expect(isNeedsMore(session.submit("")))       // blank lines inside brackets keep reading
        #expect(session.hasPendingInput)
        #expect(session.output("2]") == [])
        #expect(session.output("x") == ["[1, 2]"])
        #expect(isNeedsMore(session.submit("y = 1 +")))
        #expect(session.output("  2") == [])
        #expect(session.output("y") == ["3"])
        // A blank line ends an input left unfinished by a trailing operator.
        #expect(isNeedsMore(session.submit("z = 1 +")))
        #expect(session.output("").first?.hasPrefix("error[syntax]: unexpected end of input") == true)
        // Ctrl-C at the continuation prompt drops the input.
        #expect(isNeedsMore(session.submit("w = (1,")))
        session.cancelPendingInput()
        #expect(!session.hasPendingInput)
        #expect(session.output("1 + 1") == ["2"])
    }

    @Test func pastedPromptsAreStripped() {
        let session = ScriptSession()
        #expect(session.output(">>> 1 + 1") == ["2"])
        #expect(session.output("In [7]: 2 * 3") == ["6"])
        #expect(isNeedsMore(session.submit("tconv> a = (1,")))
        #expect(session.output("...> 2)") == [])
        #expect(isNeedsMore(session.submit(">>> b = [1,")))
        #expect(session.output("... 2]") == [])
        #expect(session.output("a, b") == ["((1, 2), [1, 2])"])
        #expect(Input.stripPrompt("   ...: x") == "x")
    }

    @Test func diagnosticsPointAtTheFault() throws {
        let session = ScriptSession()
        _ = session.run("x = tf.zeros([1, 4, 4, 3])", "w = tf.zeros([3, 3, 2, 3])")
        let events = session.run("y = tf.nn.conv2d_transpose(x, w, output_shape=[1, 9, 8, 2], strides=2, padding=\"SAME\")")
        guard case .error(let d)? = events.first else {
            Issue.record("no error: \(events)")
            return
        }
        #expect(d.category == "inconsistent_output_shape")
        #expect(d.source == "<stdin>" && d.line == 3 && d.column == 47)
        #expect(d.formatted.hasPrefix("<stdin>:3:47: error[inconsistent_output_shape]: tf.nn.conv2d_transpose: output_shape H = 9"))
        #expect(d.formatted.contains("\n                                                  ^^^^^^^^^^^^\n"))
        #expect(d.notes.contains("valid: H in 7...8, W in 7...8"))
        // A multi-line input reports the line of the fault.
        #expect(isNeedsMore(session.submit("z = (1,")))
        guard case .done(let more) = session.submit("  nosuch)"), case .error(let e)? = more.first else {
            Issue.record("no error")
            return
        }
        #expect(e.category == "name" && e.line == 5 && e.column == 3 && e.sourceLine == "  nosuch)")
    }

    @Test func eventsAndSettings() {
        let session = ScriptSession()
        let shown = session.run("show(tf.ones([1, 2, 2, 1]))")
        guard case .show(let request)? = shown.first else { Issue.record("no show event"); return }
        #expect(request.name == "tf.ones([1, 2, 2, 1])" && request.tensor.shape == [1, 2, 2, 1])
        guard case .show(let again)? = session.run("y = tf.zeros([2, 2])", "%show y").first else { Issue.record("no show"); return }
        #expect(again.name == "y")
        let stepped = session.run("%step tf.nn.conv2d_transpose(tf.ones([1, 2, 2, 1]), tf.ones([3, 3, 1, 1]), [1, 4, 4, 1], 2)")
        guard case .step(let step)? = stepped.first else { Issue.record("no step event: \(stepped)"); return }
        #expect(step.plan.resultShape == [1, 4, 4, 1] && step.input.shape == [1, 2, 2, 1] && step.filters.shape == [3, 3, 1, 1])
        #expect(session.run("%step tf.nn.conv2d(tf.ones([1, 2, 2, 1]), tf.ones([1, 1, 1, 1]), 1, 'SAME')").first?.isError == true)
        guard case .setting(let name, let value)? = session.run("%colors 256").first else { Issue.record("no setting"); return }
        #expect(name == "colors" && value == "256")
        guard case .setting(let cmap, let map)? = session.run("%cmap cividis").first else { Issue.record("no setting"); return }
        #expect(cmap == "cmap" && map == "cividis")
        for quit in ["%quit", ":quit", "quit()", "exit()"] {
            guard case .quit? = session.run(quit).first else { Issue.record("\(quit) does not quit"); continue }
        }
        let timed = session.run("%timeit 1 + 1")
        guard case .text(let text)? = timed.first else { Issue.record("no timeit text"); return }
        #expect(text.contains("per loop") && text.contains("median"))
    }

    @Test func historySaveRunAndLoad() throws {
        let folder = TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let session = ScriptSession()
        _ = session.run("x = np.arange(3)", "x * 2", "nosuch", "%vars")
        #expect(session.history.map(\.text) == ["x = np.arange(3)", "x * 2", "nosuch", "%vars"])
        guard case .text(let listing)? = session.run("%history").first else { Issue.record("no history"); return }
        #expect(listing.hasPrefix("1: x = np.arange(3)\n2: x * 2"))
        let path = folder.appendingPathComponent("s").path
        _ = session.run("%save \(path)")
        let saved = try String(contentsOfFile: path + ".tconv", encoding: .utf8)
        #expect(saved == "# tconv session v1\nx = np.arange(3)\nx * 2\n#=> <array [3] int64>\n#=> [0 2 4]\n")
        // The saved file replays.
        let (results, _) = SessionFile.replay(saved, source: "s.tconv")
        #expect(results.allSatisfy { $0.matches })
        // %run executes it in another session; %load runs it as typed input (joins history).
        let other = ScriptSession()
        #expect(SessionFile.outputLines(other.run("%run \(path).tconv")) == ["<array [3] int64>", "[0 2 4]"])
        #expect(other.output("x") == ["<array [3] int64>", "[0 1 2]"])
        let third = ScriptSession()
        _ = third.run("%load \(path).tconv")
        #expect(third.history.map(\.text) == ["x = np.arange(3)", "x * 2", "%load \(path).tconv"])
        // Missing files and newer versions are refused clearly.
        #expect(other.output("%run \(folder.path)/none.tconv").first?.hasPrefix("error[io]: %run: no such file") == true)
        try "# tconv session v2\n1 + 1\n".write(toFile: folder.path + "/new.tconv", atomically: true, encoding: .utf8)
        #expect(other.output("%run \(folder.path)/new.tconv").first?.hasPrefix("error[io]: this file is a tconv session v2") == true)
        let readOnly = ScriptSession(options: SessionOptions(allowWrites: false))
        #expect(readOnly.output("%save \(path)2").first?.hasPrefix("error[io]") == true)
    }

    @Test func sessionFilesParseStatementsOutputsAndDirectives() throws {
        let text = """
        # tconv session v1
        # a comment
        #: marker start
        x = [1,
             2]
        #: say Look at x.
        x
        #=> [1, 2]
        %precision 3
        #: pause
        """
        let file = try SessionFile.parse(text, source: "t.tconv")
        #expect(file.version == 1)
        #expect(file.statements.map(\.line) == [4, 7, 9])
        #expect(file.statements.map(\.text) == ["x = [1,\n     2]", "x", "%precision 3"])
        #expect(file.statements[1].recorded == ["[1, 2]"] && file.statements[1].recordedLine == 8)
        #expect(file.directives.map(\.name) == ["marker", "say", "pause"])
        #expect(file.directives[1].argument == "Look at x.")
        #expect(throws: SessionFileError.self) { try SessionFile.parse("# tconv session v99\n", source: "n") }
        #expect(throws: SessionFileError.self) { try SessionFile.parse("# tconv session banana\n", source: "n") }
        #expect(SessionFile.matches(expected: ["error[name]"], actual: ["error[name]: name 'q' is not defined", "note: did you mean 'x'?"]))
        #expect(!SessionFile.matches(expected: ["1"], actual: ["1", "2"]))
    }

    @Test func scriptsKeepGoingAfterErrorsAndMarkExpectedOnes() {
        let session = ScriptSession()
        let events = session.runScript("nosuch\n#=> error[name]\n1 + 1\nalso_missing\n", source: "f.tconv")
        let errors = events.compactMap { if case .error(let d) = $0 { return d } else { return nil } }
        #expect(errors.count == 2)
        #expect(errors[0].expected && !errors[1].expected)
        #expect(errors[0].source == "f.tconv" && errors[0].line == 1 && errors[1].line == 4)
        #expect(session.unexpectedErrorCount == 1)
        #expect(events.contains { if case .value("2") = $0 { return true } else { return false } })
    }

    @Test func cancellationFromAnotherThreadStopsTheStatement() {
        let session = ScriptSession()
        _ = session.run("x = tf.ones([4, 64, 64, 32]); w = tf.ones([5, 5, 32, 32])")
        // A real thread (not the test's cooperative pool) plays the front end's Ctrl-C handler.
        let cancelled = Mutex(false)
        let watcher = Thread {
            for _ in 0..<20_000 {
                if let control = session.currentComputation {
                    control.cancel()
                    cancelled.withLock { $0 = true }
                    return
                }
                usleep(200)
            }
        }
        watcher.start()
        let events = session.run("%timeit tf.nn.conv2d_transpose(x, w, [4, 128, 128, 32], 2) * 2")
        while !watcher.isFinished { usleep(1000) }
        #expect(cancelled.withLock { $0 })
        guard case .error(let d)? = events.last else { Issue.record("no error: \(events)"); return }
        #expect(d.category == "cancelled")
        // The session goes on.
        #expect(session.output("1 + 1") == ["2"])
    }

    func isNeedsMore(_ result: SubmitResult) -> Bool {
        if case .needsMore = result { return true }
        return false
    }
}
