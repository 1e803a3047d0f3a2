import Foundation
import Testing
@testable import TConvScript
import TConvEngine

/// The replay model the full-screen player is built on: statements with their directives, a cursor,
/// running forward, exact steps back, markers, narration, pauses, `#: step`, flagged differences,
/// the version check, and the non-interactive check every lesson passes.
@Suite struct ReplayTests {
    /// A small lesson; its `#=> ` lines are recorded by running it.
    static let unrecorded = """
    # tconv session v1
    # Random numbers make the state depend on the history, so stepping back must replay it.
    #: marker start
    #: say First, three random numbers.
    a = np.random.rand(3)
    a
    #: pause
    #: marker transpose
    #: say Now a transposed convolution, played step by step.
    #: step
    w = tf.ones([3, 1, 1])
    y = tf.nn.conv1d_transpose(tf.ones([1, 2, 1]), w, [1, 5, 1], 2, "VALID")
    y[0, :, 0]
    #: marker end
    #: say That is all.
    """

    static let lesson = SessionFile.record(unrecorded, source: "lesson.tconv")

    @Test func statementsCarryTheirDirectives() throws {
        let replay = try Replay(text: Self.lesson, source: "lesson.tconv")
        #expect(replay.count == 5 && replay.version == 1 && replay.hasHeader)
        #expect(replay.items.map(\.statement.line) == [5, 6, 13, 14, 15])
        #expect(replay.items[0].markers == ["start"] && replay.items[0].narration == ["First, three random numbers."])
        #expect(replay.items[2].pausesBefore && replay.items[2].requestsStep && replay.items[2].markers == ["transpose"])
        #expect(!replay.items[1].pausesBefore && replay.items[1].directives.isEmpty)
        #expect(replay.markers.map(\.label) == ["start", "transpose", "end"])
        #expect(replay.markers.map(\.statement) == [0, 2, 5])
        #expect(replay.narration == ["First, three random numbers."])
        #expect(replay.items[4].statement.recorded == ["<tensor [5] float32>", "[1. 1. 2. 1. 1.]"])
    }

    @Test func runningForwardMatchesTheRecordingAndPlaysTheStep() throws {
        let replay = try Replay(text: Self.lesson, source: "lesson.tconv")
        var outcomes = [Replay.Outcome]()
        while let outcome = replay.runNext() { outcomes.append(outcome) }
        #expect(outcomes.count == 5 && replay.isAtEnd && replay.cursor == 5)
        #expect(outcomes.allSatisfy { $0.matches }, "\(outcomes.compactMap { $0.difference })")
        // `#: step` comes before `w = ...`; the scatter played is the next transposed conv's.
        #expect(outcomes.map { $0.step != nil } == [false, false, false, true, false])
        let step = try #require(outcomes[3].step)
        #expect(step.plan.op == .conv1dTranspose && step.input.shape == [1, 2, 1])
        #expect(outcomes[3].events.contains { if case .step = $0 { return true } else { return false } })
        #expect(replay.narration == ["That is all."])
        #expect(replay.runNext() == nil)
        // The replayed session keeps the narration for `%export md`.
        #expect(replay.session.history.map(\.markers) == [["start"], [], ["transpose"], [], []])
    }

    @Test func steppingBackRecomputesTheStateExactly() throws {
        let replay = try Replay(text: Self.lesson, source: "lesson.tconv")
        replay.go(to: 2)
        let first = replay.session.array("a")?.doubles
        let firstSession = ObjectIdentifier(replay.session)
        let rerun = replay.back()
        #expect(replay.cursor == 1 && rerun.count == 1)
        #expect(ObjectIdentifier(replay.session) != firstSession)  // a fresh session, replayed
        #expect(replay.session.array("a")?.doubles == first)
        #expect(replay.session.array("y") == nil)
        // Forward again from there: the same outputs as the first time.
        replay.go(to: 5)
        #expect(replay.session.array("y")?.doubles == [1, 1, 2, 1, 1])
        let back = replay.back()
        #expect(replay.cursor == 4 && back.count == 4 && back.allSatisfy { $0.matches })
        #expect(back.last?.item.index == 3)
        // Back to the very start, then the first statement gives the same random numbers.
        replay.go(to: 0)
        #expect(replay.cursor == 0 && replay.session.array("a") == nil && replay.back().isEmpty)
        replay.runNext()
        #expect(replay.session.array("a")?.doubles == first)
    }

    @Test func markersPausesAndGoto() throws {
        let replay = try Replay(text: Self.lesson, source: "lesson.tconv")
        #expect(replay.jump(toMarker: "transpose")?.count == 2 && replay.cursor == 2)
        #expect(replay.current?.narration == ["Now a transposed convolution, played step by step."])
        #expect(replay.jump(toMarker: "nosuch") == nil && replay.cursor == 2)
        #expect(replay.previousMarker() != nil && replay.cursor == 0)
        #expect(replay.previousMarker() == nil)
        #expect(replay.nextMarker() != nil && replay.cursor == 2)
        #expect(replay.nextMarker() != nil && replay.cursor == 5)
        #expect(replay.nextMarker() == nil)
        // Play stops before the statement that has a pause; pressing play there runs on.
        replay.go(to: 0)
        #expect(replay.runToPause().map(\.item.index) == [0, 1] && replay.cursor == 2)
        #expect(replay.runToPause().map(\.item.index) == [2, 3, 4] && replay.isAtEnd)
        // go(to:) clamps.
        #expect(replay.go(to: -3).isEmpty && replay.cursor == 0)
        #expect(replay.go(to: 99).count == 5 && replay.cursor == 5)
    }

    @Test func aTamperedRecordingIsFlaggedWithBothTexts() throws {
        let tampered = Self.lesson.replacingOccurrences(of: "#=> [1. 1. 2. 1. 1.]", with: "#=> [1. 1. 3. 1. 1.]")
        #expect(tampered != Self.lesson)
        let report = Replay.check(text: tampered, source: "tampered.tconv")
        #expect(!report.passed && report.differences.count == 1 && report.problems.isEmpty)
        let difference = try #require(report.differences.first?.difference)
        #expect(difference == """
            15: output differs from the recording: y[0, :, 0]
              recorded:
                <tensor [5] float32>
                [1. 1. 3. 1. 1.]
              now:
                <tensor [5] float32>
                [1. 1. 2. 1. 1.]
            """)
        #expect(report.text.hasPrefix("tampered.tconv: 1 difference, 0 other problems\ntampered.tconv:15: output differs"))
        #expect(Replay.check(text: Self.lesson, source: "lesson.tconv").text == "lesson.tconv: ok (5 statements match their recorded output)")
    }

    @Test func versionsAndBrokenFiles() throws {
        let newer = Self.lesson.replacingOccurrences(of: "# tconv session v1", with: "# tconv session v2")
        #expect(throws: SessionFileError.self) { _ = try Replay(text: newer, source: "new.tconv") }
        let report = Replay.check(text: newer, source: "new.tconv")
        #expect(report.fileError?.message == "this file is a tconv session v2; this tconv reads up to v1 (a newer tconv wrote it)")
        #expect(report.fileError?.category == "io" && !report.passed)
        // Without a header the file is read as version 1.
        let bare = try Replay(text: "x = 1\nx\n#=> 1\n", source: "bare.tconv")
        #expect(bare.version == 1 && !bare.hasHeader && bare.count == 2)
        #expect(Replay.check(text: "x = 1\nx\n#=> 1\n", source: "bare.tconv").passed)
        // Misspelt directives and a `#: step` with nothing to play are problems for the check.
        let sloppy = Replay.check(text: "# tconv session v1\n#: sya hello\nx = 1\n#: step\nx + 1\n#=> 2\n", source: "s.tconv")
        #expect(sloppy.problems == ["2: unknown directive '#: sya'; did you mean '#: say'?",
                                    "4: '#: step' is not followed by a transposed convolution to play"])
        // Missing files.
        let missing = Replay.checkFiles(["/nonexistent/lesson.tconv"])
        #expect(!missing.passed && missing.text.contains("cannot read /nonexistent/lesson.tconv"))
        #expect(missing.text.hasSuffix("replay check: 1 of 1 file differ from their recording"))
        #expect(throws: SessionFileError.self) { _ = try Replay(contentsOf: "/nonexistent/lesson.tconv") }
    }

    @Test func replayedFilesCannotWrite() throws {
        let folder = TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("out.npy").path
        let replay = try Replay(text: "np.save('\(path)', np.zeros(2))\n", source: "evil.tconv")
        let outcome = try #require(replay.runNext())
        #expect(outcome.actual.first == "error[io]: np.save: writing '\(path)' is not allowed in this session")
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    /// Every lesson in Sessions/ replays with no flagged difference, and is a lesson: a header,
    /// markers and narration.
    @Test func everyLessonReplaysWithoutDifferences() throws {
        let files = TestPaths.tconvFiles(in: TestPaths.sessions)
        #expect(files.count >= 8, "expected at least eight lessons in \(TestPaths.sessions.path)")
        let check = Replay.checkFiles(files.map(\.path))
        #expect(check.passed, Comment(rawValue: check.text))
        var steps = 0
        for file in files {
            let replay = try Replay(contentsOf: file.path)
            #expect(replay.hasHeader, "\(file.lastPathComponent) needs the header line")
            #expect(replay.markers.count >= 2, "\(file.lastPathComponent) needs markers")
            #expect(replay.items.flatMap(\.narration).count >= 3, "\(file.lastPathComponent) needs narration (#: say)")
            steps += replay.items.filter(\.requestsStep).count
        }
        #expect(steps >= 3, "lessons should play scatters with #: step")
    }
}
