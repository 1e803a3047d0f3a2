import Foundation
import Testing
import TConvScript
import TConvView
@testable import TConvTerminal

/// The asciicast files tconv writes, parsed back as the web player reads them.
@Suite struct AsciicastTests {
    struct Cast {
        var header: [String: Any]
        var events: [(time: Double, kind: String, data: String)]
        var markers: [String] { events.filter { $0.kind == "m" }.map(\.data) }
        var output: String { events.filter { $0.kind == "o" }.map(\.data).joined() }
    }

    /// Parses a cast: a JSON object line, then JSON arrays `[time, kind, data]`.
    func parse(_ text: String) throws -> Cast {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.last == "", "a cast ends with a newline")
        let header = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        var events: [(Double, String, String)] = []
        for line in lines.dropFirst() where !line.isEmpty {
            let array = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [Any])
            #expect(array.count == 3)
            let time = try #require((array[0] as? NSNumber)?.doubleValue)
            let kind = try #require(array[1] as? String)
            let data = try #require(array[2] as? String)
            events.append((time, kind, data))
        }
        return Cast(header: header, events: events.map { (time: $0.0, kind: $0.1, data: $0.2) })
    }

    func checkShape(_ cast: Cast, width: Int, height: Int) {
        #expect(cast.header["version"] as? Int == 2)
        #expect(cast.header["width"] as? Int == width)
        #expect(cast.header["height"] as? Int == height)
        #expect(cast.header["timestamp"] as? Int == 1_700_000_000)
        #expect(cast.header["title"] is String)
        let times = cast.events.map(\.time)
        #expect(zip(times, times.dropFirst()).allSatisfy { $0 <= $1 }, "times go back")
        #expect(times.first == 0)
        #expect(Set(cast.events.map(\.kind)).isSubset(of: ["o", "m"]))
    }

    @Test func aLessonRecordsWithItsMarkersInOrder() throws {
        let replay = try lesson()
        let cast = try parse(CastRecorder().record(replay, title: "small", timestamp: 1_700_000_000))
        checkShape(cast, width: 100, height: 30)
        #expect(cast.markers == replay.markers.map(\.label))
        #expect(cast.markers == ["start", "scatter"])
        let output = cast.output
        #expect(output.hasPrefix("\u{1B}[?25l\u{1B}[H\u{1B}[2J"))
        #expect(output.contains("Watch the scatter."))             // narration
        #expect(output.contains("[1. 1. 2. 2. 3. 3.]"))            // outputs
        #expect(output.contains("step 6/6"))                       // the #: step played to its end
        #expect(output.contains("\u{1B}[0;"))                      // ANSI styles
        // Typed at a pace: the statement's text arrives over several frames, and reading takes time.
        let total = try #require(cast.events.last?.time)
        #expect(total > 10 && total < 120)
    }

    @Test func everyLessonRecordsAndItsMarkersMatch() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let path = root.appendingPathComponent("Sessions/01-textbook-stride2.tconv").path
        let replay = try Replay(contentsOf: path)
        let cast = try parse(CastRecorder.presenter().record(replay, title: "lesson 1", timestamp: 1_700_000_000))
        checkShape(cast, width: 80, height: 24)
        #expect(cast.markers == ["setup", "scatter", "impulse", "channels"])
        #expect(cast.markers == replay.markers.map(\.label))
    }

    @Test func theSessionHistoryBecomesALesson() throws {
        let session = ScriptSession()
        _ = session.submit("a = tf.range(3.)")
        _ = session.submit("a * 2")
        _ = session.submit("%history")
        let text = CastRecorder.lessonText(from: session.history)
        #expect(text == "# tconv session v1\na = tf.range(3.)\na * 2\n#=> <tensor [3] float32>\n#=> [0. 2. 4.]\n")
    }

    @Test func jsonStringsEscapeControlCharacters() {
        #expect(AsciicastWriter.json("a\"b\\c\n\u{1B}[0m\t\u{7}é") == "\"a\\\"b\\\\c\\n\\u001b[0m\\t\\u0007é\"")
        var writer = AsciicastWriter(width: 10, height: 5, timestamp: 1, title: "t")
        writer.output("x")
        writer.wait(0.25)
        writer.marker("m")
        writer.wait(-1)   // time never goes back
        writer.output("")
        #expect(writer.text == "{\"version\": 2, \"width\": 10, \"height\": 5, \"timestamp\": 1, \"title\": \"t\", \"env\": {\"TERM\": \"xterm-256color\"}}\n"
                + "[0.000, \"o\", \"x\"]\n[0.250, \"m\", \"m\"]\n")
    }

    @Test func framesRewriteOnlyChangedRows() {
        var differ = FrameDiffer()
        let first = differ.output(for: ["a", "b"])
        #expect(first == "\u{1B}[?25l\u{1B}[H\u{1B}[2J\u{1B}[1;1Ha\u{1B}[0m\u{1B}[K\u{1B}[2;1Hb\u{1B}[0m\u{1B}[K")
        #expect(differ.output(for: ["a", "c"]) == "\u{1B}[2;1Hc\u{1B}[0m\u{1B}[K")
        #expect(differ.output(for: ["a", "c"]) == "")
    }
}
