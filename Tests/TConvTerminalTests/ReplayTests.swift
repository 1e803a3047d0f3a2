import CTerm
import Foundation
import Testing
import TConvEngine
import TConvScript
import TConvView
@testable import TConvTerminal

/// A small lesson: two markers, narration split over two `#: say` lines, a pause, a `#: step`.
let smallLesson = """
    # tconv session v1
    #: marker start
    #: say A 1-D input,
    #: say and a kernel.
    x = tf.reshape(tf.range(1., 4.), [1, 3, 1])
    w = tf.ones([2, 1, 1])
    x[0, :, 0]
    #=> <tensor [3] float32>
    #=> [1. 2. 3.]
    #: marker scatter
    #: say Watch the scatter.
    #: pause
    #: step
    y = tf.nn.conv1d_transpose(x, w, output_shape=[1, 6, 1], strides=2, padding="VALID")
    y[0, :, 0]
    #=> <tensor [6] float32>
    #=> [1. 1. 2. 2. 3. 3.]
    #: say The end.
    """

func lesson(_ text: String = smallLesson, allowWrites: Bool = false) throws -> Replay {
    try Replay(text: text, source: "small.tconv", options: SessionOptions(allowWrites: allowWrites))
}

@Suite struct ReplayKeyTests {
    func code(_ c: Character) -> Int32 { Int32(c.asciiValue!) }
    func action(_ code: Int32) -> ReplayAction? { PaneKeys.viewKey(code).flatMap { KeyMap.replayAction(for: $0) } }

    @Test func theEssentialKeys() {
        #expect(action(13) == .run)
        #expect(action(KEY_ENTER) == .run)
        #expect(action(code(" ")) == .run)
        #expect(action(code(",")) == .back)
        #expect(action(code("]")) == .nextMarker)
        #expect(action(code("[")) == .previousMarker)
        #expect(action(code("g")) == .goTo)
        #expect(action(code("p")) == .runToPause)
        #expect(action(code("?")) == .help)
        #expect(action(code("q")) == .quit)
        #expect(action(9) == .pane)
        // A presentation clicker sends PgDn/PgUp or Right/Left.
        #expect(action(KEY_NPAGE) == .run)
        #expect(action(KEY_RIGHT) == .run)
        #expect(action(KEY_PPAGE) == .back)
        #expect(action(KEY_LEFT) == .back)
        #expect(action(code("x")) == nil)
        #expect(action(27) == nil)   // Esc never leaves a lesson by accident
    }

    @Test func everyActionHasOneReachableKeyAndNoKeyTwoActions() {
        let codes: [Int32] = Array(0...255) + [KEY_UP, KEY_DOWN, KEY_LEFT, KEY_RIGHT, KEY_NPAGE, KEY_PPAGE, KEY_HOME,
                                               KEY_END, KEY_BTAB, KEY_ENTER, KEY_BACKSPACE]
        let reachable = Set(codes.compactMap { PaneKeys.viewKey($0) })
        for replayAction in ReplayAction.allCases {
            let keys = KeyMap.keys(for: replayAction)
            #expect(!keys.isEmpty, "\(replayAction) has no key")
            #expect(keys.contains { reachable.contains($0) }, "no terminal key reaches \(replayAction)")
        }
        var seen = Set<ViewKey>()
        for key in KeyMap.replayBindings.flatMap(\.keys) {
            #expect(!seen.contains(key), "\(key) is bound twice")
            seen.insert(key)
        }
    }

    @Test func helpAndHintComeFromTheTable() {
        let help = KeyMap.replayHelpLines.joined(separator: "\n")
        for binding in KeyMap.replayBindings { #expect(help.contains(binding.help)) }
        #expect(KeyMap.replayHint == "space run  , back  ] [ markers  ? keys  q quit")
        // The pane's own [ and ] hand marker jumps to the replay.
        var state = ViewState(name: "t", tensor: Tensor(shape: [2], float32: [1, 2]))
        #expect(state.handle(.character("]")) == .nextMarker)
        #expect(state.handle(.character("[")) == .previousMarker)
    }
}

@Suite struct ReplayPlayerTests {
    @Test func runBackAndMarkersAreExact() throws {
        let replay = try lesson()
        var player = ReplayPlayer(replay)
        #expect(player.count == 5)
        #expect(player.narration == ["A 1-D input,", "and a kernel."])
        #expect(player.marker == "start")
        _ = player.apply(ReplayMover.perform(.next, on: replay))
        _ = player.apply(ReplayMover.perform(.next, on: replay))
        _ = player.apply(ReplayMover.perform(.next, on: replay))
        #expect(player.cursor == 3)
        #expect(player.transcript.count == 3)
        #expect(player.differences.isEmpty)
        #expect(player.marker == "scatter")
        #expect(player.narration == ["Watch the scatter."])
        // Back one: rebuilt from the first statement, same outputs as before.
        let first = player.transcript.map(\.actual)
        let back = ReplayMover.perform(.back, on: replay)
        #expect(back.rebuilt)
        _ = player.apply(back)
        #expect(player.cursor == 2)
        #expect(player.transcript.map(\.actual) == Array(first.prefix(2)))
        // Markers: ] goes to the next one, [ to the one before the cursor.
        _ = player.apply(ReplayMover.perform(.nextMarker, on: replay))
        #expect(player.cursor == 3)
        #expect(ReplayMover.perform(.nextMarker, on: replay).note != nil)
        _ = player.apply(ReplayMover.perform(.previousMarker, on: replay))
        #expect(player.cursor == 0)
        #expect(player.transcript.isEmpty)
        _ = player.apply(ReplayMover.perform(.goTo(5), on: replay))
        #expect(player.isAtEnd)
        #expect(player.narration == ["The end."])
        #expect(player.position == "end 5/5")
        #expect(ReplayMover.perform(.next, on: replay).note?.contains("end of the lesson") == true)
    }

    @Test func aStepPlaysWhenItsStatementRunsAndStandsFinishedAfterARebuild() throws {
        let replay = try lesson()
        var player = ReplayPlayer(replay)
        _ = player.apply(ReplayMover.perform(.goTo(3), on: replay))
        guard case .step(_, let play) = player.apply(ReplayMover.perform(.next, on: replay)) else {
            Issue.record("#: step did not reach the pane")
            return
        }
        #expect(play)
        _ = player.apply(ReplayMover.perform(.next, on: replay))
        guard case .step(_, let playAgain) = player.apply(ReplayMover.perform(.back, on: replay)) else {
            Issue.record("stepping back lost the pane")
            return
        }
        #expect(!playAgain)
        guard case .clear = player.apply(ReplayMover.perform(.restart, on: replay)) else {
            Issue.record("back to the start should clear the pane")
            return
        }
    }

    @Test func runToPauseStopsBeforeThePausedStatement() throws {
        let replay = try lesson()
        var player = ReplayPlayer(replay)
        _ = player.apply(ReplayMover.perform(.toPause, on: replay))
        #expect(player.cursor == 3)
        #expect(player.current?.pausesBefore == true)
        _ = player.apply(ReplayMover.perform(.toPause, on: replay))
        #expect(player.isAtEnd)
    }

    @Test func aDifferenceIsFlaggedWithBothTexts() throws {
        let tampered = smallLesson.replacingOccurrences(of: "#=> [1. 1. 2. 2. 3. 3.]", with: "#=> [1. 1. 2. 2. 3. 4.]")
        let replay = try lesson(tampered)
        var player = ReplayPlayer(replay)
        _ = player.apply(ReplayMover.perform(.goTo(5), on: replay))
        #expect(player.differences.count == 1)
        #expect(player.matchSummary(utf8: true) == "✗ 1 of 5 differs")
        let text = ReplayText.transcript(player, utf8: true).lines.map(\.text)
        let flag = try #require(text.firstIndex { $0.hasPrefix("✗ DIFFERS from the recording (line ") })
        #expect(text[flag + 1] == "  recorded:")
        #expect(text.contains("    [1. 1. 2. 2. 3. 4.]"))
        #expect(text.contains("  now:"))
        #expect(text.contains("    [1. 1. 2. 2. 3. 3.]"))
    }

    @Test func theBottomRowsHoldTranscriptBandAndStatement() throws {
        let replay = try lesson()
        var player = ReplayPlayer(replay)
        _ = player.apply(ReplayMover.perform(.next, on: replay))
        let (lines, _) = ReplayText.transcript(player, utf8: true)
        let bottom = ReplayBottom.make(log: MessageLog(transcript: lines), narration: ["A very long narration " + String(repeating: "word ", count: 30)],
                                       statement: player.current?.statement.text, atEnd: false, width: 40, height: 8,
                                       presenter: false, utf8: true)
        #expect(bottom.rows.count == 8)
        #expect(bottom.input.text == "tconv> w = tf.ones([2, 1, 1])")
        #expect(bottom.bandRange.count == 4)   // at most four rows, the last cut with an ellipsis
        #expect(bottom.rows[bottom.bandRange.upperBound - 1].text.hasSuffix("…"))
        #expect(bottom.rows[bottom.bandRange.lowerBound].text.hasPrefix("» A very long"))
        #expect(bottom.transcriptHeight == 4)
        // Presenter mode: no prompt, a play mark instead.
        let presenter = ReplayBottom.make(log: MessageLog(), narration: [], statement: "x = 1", atEnd: false, width: 40, height: 6,
                                          presenter: true, utf8: true)
        #expect(presenter.input.text == "▶ x = 1")
        // A long statement wraps upwards from the input line.
        let long = ReplayBottom.make(log: MessageLog(), narration: [], statement: "y = f(" + String(repeating: "a, ", count: 20) + "b)",
                                     atEnd: false, width: 30, height: 6, presenter: false, utf8: false)
        #expect(long.rows.contains { $0.text.hasPrefix("tconv> y = f(") })
        #expect(long.rows.last?.text.hasPrefix("       a,") == true)
        #expect(long.input.text.hasSuffix("b)"))
    }

    @Test func presenterKeepsTheLatestNarrationUpWhileItsPartRuns() throws {
        let replay = try lesson()
        var player = ReplayPlayer(replay)
        _ = player.apply(ReplayMover.perform(.next, on: replay))
        #expect(player.bandNarration(presenter: false).isEmpty)
        #expect(player.bandNarration(presenter: true) == ["A 1-D input,", "and a kernel."])
        _ = player.apply(ReplayMover.perform(.next, on: replay))
        _ = player.apply(ReplayMover.perform(.next, on: replay))
        #expect(player.bandNarration(presenter: true) == ["Watch the scatter."])
    }

    @Test func statusLineFitsAndKeepsTheKeys() throws {
        let replay = try lesson()
        var player = ReplayPlayer(replay)
        _ = player.apply(ReplayMover.perform(.next, on: replay))
        let options = RenderOptions(tier: .palette256)
        for width in [80, 100, 120] {
            let text = ReplayScreen.statusText(player, pane: PaneModel(), width: width, options: options)
            #expect(text.count == width)
            #expect(text.hasSuffix((width >= 100 ? KeyMap.replayHint : "? keys  q quit") + " "))
            #expect(text.contains("2/5"))
        }
        #expect(ReplayScreen.statusText(player, pane: PaneModel(), width: 120, options: options).contains("REPLAY small.tconv"))
        // Tight: the lesson's name stays, the hint shrinks to the help and quit keys.
        let tight = ReplayScreen.statusText(player, pane: PaneModel(), width: 50, options: options)
        #expect(tight.count == 50)
        #expect(tight.hasPrefix(" small · 2/5 · start · ✓ 1 match"))
        #expect(tight.hasSuffix("? keys  q quit "))
    }
}

@Suite struct ReplayTranscriptTests {
    func transcript(_ text: String, allowWrites: Bool = false) throws -> (String, Int) {
        let replay = try lesson(text, allowWrites: allowWrites)
        var out = ""
        var printer = PlainPrinter(depth: .mono, unicode: true)
        printer.out = { out += $0 }
        printer.err = { out += $0 }
        let differences = ReplayTranscript.play(replay, printer: &printer)
        return (out, differences)
    }

    @Test func everythingInOrder() throws {
        let (text, differences) = try transcript(smallLesson)
        #expect(differences == 0)
        let lines = text.split(separator: "\n").map(String.init)
        func at(_ s: String) -> Int { lines.firstIndex(of: s) ?? -1 }
        #expect(lines.first == "── small.tconv: 5 statements, tconv session v1 ──")
        #expect(at("── marker: start ──") < at("» A 1-D input,"))
        #expect(at("» and a kernel.") < at("tconv> x = tf.reshape(tf.range(1., 4.), [1, 3, 1])"))
        #expect(at("[1. 2. 3.]") > at("tconv> x[0, :, 0]"))
        #expect(at("── pause ──") < at("tconv> y = tf.nn.conv1d_transpose(x, w, output_shape=[1, 6, 1], strides=2, padding=\"VALID\")"))
        #expect(lines.contains { $0.hasPrefix("step ") && $0.contains("→ y[0,0,0] += 1 = 1") })   // #: step printed as text
        #expect(at("» The end.") > at("[1. 1. 2. 2. 3. 3.]"))
        #expect(lines.last == "── end of small.tconv: 5 statements, every output matches the recording ──")
    }

    @Test func aDifferenceIsFlaggedAndCounted() throws {
        let (text, differences) = try transcript(smallLesson.replacingOccurrences(of: "#=> [1. 2. 3.]", with: "#=> [1. 2. 4.]"))
        #expect(differences == 1)
        #expect(text.contains("✗ DIFFERS from the recording (line 8):\n  recorded:\n    <tensor [3] float32>\n    [1. 2. 4.]\n  now:\n    <tensor [3] float32>\n    [1. 2. 3.]\n"))
        #expect(text.hasSuffix("1 statement differs from the recording ──\n"))
    }

    @Test func writesAreRefusedWithTheFlagNamed() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tconv-transcript-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let target = directory.appendingPathComponent("a.npy").path
        let text = "# tconv session v1\na = tf.range(3.)\nnp.save(\"\(target)\", a)\n"
        let (refused, differences) = try transcript(text)
        #expect(differences == 1)
        #expect(refused.contains("--allow-writes"))
        #expect(!FileManager.default.fileExists(atPath: target))
        let (_, allowed) = try transcript(text, allowWrites: true)
        #expect(allowed == 0)
        #expect(FileManager.default.fileExists(atPath: target))
    }

    @Test func aNewerFileIsRefusedClearly() {
        #expect {
            _ = try Replay(text: "# tconv session v99\n1\n", source: "new.tconv")
        } throws: { error in
            (error as? SessionFileError)?.message.contains("a newer tconv wrote it") == true
        }
    }
}

@Suite struct WriteConfirmationTests {
    @Test func theWorkerWaitsForTheAnswerAndItIsRemembered() async {
        let confirmation = WriteConfirmation()
        let asked = Task.detached { confirmation.ask("np.save would write 'a.npy'. Allow?") }
        while confirmation.pending == nil { await Task.yield() }
        #expect(confirmation.pending == "np.save would write 'a.npy'. Allow?")
        confirmation.reply(true)
        #expect(await asked.value)
        #expect(confirmation.pending == nil)
        // Stepping back re-runs the statement: the same question gets the same answer unasked.
        #expect(confirmation.ask("np.save would write 'a.npy'. Allow?"))
        confirmation.reply(false)   // nothing pending: ignored
    }
}

@Suite struct MessageWrapTests {
    @Test func longLinesBreakBetweenWords() {
        var log = MessageLog()
        log.append("one two three four five six")
        #expect(log.rows(width: 10).map(\.text) == ["one two", "three four", "five six"])
        #expect(ReplayText.wrap("aaa bbb ccc", width: 9, first: "» ", rest: "  ") == ["» aaa bbb", "  ccc"])
    }
}
