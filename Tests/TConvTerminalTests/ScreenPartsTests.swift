import Testing
import TConvView
@testable import TConvTerminal

@Suite struct ScreenPartsTests {
    @Test func layoutWithoutPane() {
        let l = FrontLayout(width: 80, height: 24, paneWanted: false)
        #expect(!l.tooSmall)
        #expect(l.pane.height == 0)
        #expect(l.status == .init(y: 0, x: 0, height: 1, width: 80))
        #expect(l.messages == .init(y: 1, x: 0, height: 22, width: 80))
        #expect(l.input == .init(y: 23, x: 0, height: 1, width: 80))
    }

    @Test(arguments: [(80, 24, false), (120, 40, false), (80, 24, true), (40, 12, false), (40, 10, false), (30, 6, false)])
    func layoutWithPaneTilesTheScreen(width: Int, height: Int, presenter: Bool) {
        let l = FrontLayout(width: width, height: height, paneWanted: true, presenter: presenter)
        #expect(!l.tooSmall)
        #expect(l.pane.height + l.status.height + l.messages.height + l.input.height == height)
        #expect(l.messages.height >= 1)
        #expect(l.input.y == height - 1)
        #expect(l.status.y == l.pane.height)
        #expect(l.messages.y == l.status.y + 1)
    }

    @Test func paneFollowsTheViewsLayout() {
        let l = FrontLayout(width: 80, height: 24, paneWanted: true)
        let v = ScreenLayout(width: 80, height: 24)
        #expect(l.pane.height == v.pane.height)
        #expect(l.messages.height == v.messages.height)
        // Below the views' minimum there is no pane, but the prompt works.
        let small = FrontLayout(width: 40, height: 10, paneWanted: true)
        #expect(small.pane.height == 0)
        #expect(small.messages.height == 8)
    }

    @Test func tooSmall() {
        #expect(FrontLayout(width: 29, height: 24, paneWanted: false).tooSmall)
        #expect(FrontLayout(width: 80, height: 5, paneWanted: true).tooSmall)
    }

    @Test func messagesWrapAndScroll() {
        var log = MessageLog()
        for i in 0..<20 { log.append("line \(i)") }
        log.append(String(repeating: "x", count: 25), role: .error)
        #expect(log.rows(width: 10).count == 23)
        var view = log.visible(width: 10, height: 5)
        #expect(view.rows.last?.text == "xxxxx")
        #expect(view.rows.last?.role == .error)
        #expect(view.below == 0)
        log.scroll(pages: 1, width: 10, height: 5)
        view = log.visible(width: 10, height: 5)
        #expect(view.below == 4)
        #expect(view.rows.last?.text == "line 18")
        log.scroll(pages: 100, width: 10, height: 5)
        #expect(log.visible(width: 10, height: 5).rows.first?.text == "line 0")
        log.scroll(pages: -100, width: 10, height: 5)
        #expect(log.visible(width: 10, height: 5).below == 0)
        log.append("new")
        #expect(log.visible(width: 10, height: 5).rows.last?.text == "new")
    }

    @Test func longOutputShowsItsFirstPage() {
        var log = MessageLog()
        log.append("old")
        let mark = log.count
        log.append("tconv> %help")
        for i in 0..<10 { log.append("help \(i)") }
        log.showFrom(mark, width: 40, height: 4)
        let view = log.visible(width: 40, height: 4)
        #expect(view.rows.first?.text == "tconv> %help")
        #expect(view.below == 7)
        var short = MessageLog()
        let start = short.count
        short.append("tconv> 1")
        short.append("1")
        short.showFrom(start, width: 40, height: 4)
        #expect(short.visible(width: 40, height: 4).below == 0)
        // A one-row message area shows the output's first line, not the echo.
        var tiny = MessageLog()
        let echo = tiny.count
        tiny.append("tconv> bad(")
        tiny.append("<stdin>:1:4: error[syntax]: ...")
        tiny.append("    bad(")
        tiny.append("       ^")
        tiny.showFrom(echo, width: 40, height: 1)
        #expect(tiny.visible(width: 40, height: 1).rows.first?.text == "<stdin>:1:4: error[syntax]: ...")
        var silent = MessageLog()
        let quiet = silent.count
        silent.append(String(repeating: "x", count: 60))
        silent.showFrom(quiet, width: 40, height: 1)
        #expect(silent.visible(width: 40, height: 1).below == 0)
    }

    @Test func completionActions() {
        let table = ["tf.nn.conv2d_transpose", "tf.nn.conv2d", "strides=", "padding="]
        func session(_ line: String, _ cursor: Int) -> (replaceFrom: Int, candidates: [String]) {
            let before = String(line.prefix(cursor))
            let start = before.lastIndex(where: { " (,".contains($0) }).map { before.distance(from: before.startIndex, to: $0) + 1 } ?? 0
            let word = String(before.dropFirst(start))
            return (start, table.filter { $0.hasPrefix(word) })
        }
        #expect(Completion.action(line: "tf.nn.conv2d_t", cursorByte: 14, completions: session)
                == .replace(from: 0, to: 14, text: "tf.nn.conv2d_transpose"))
        #expect(Completion.action(line: "f(x, str", cursorByte: 8, completions: session)
                == .replace(from: 5, to: 8, text: "strides="))
        #expect(Completion.action(line: "tf.nn.c", cursorByte: 7, completions: session)
                == .replace(from: 0, to: 7, text: "tf.nn.conv2d"))
        #expect(Completion.action(line: "tf.nn.conv2d", cursorByte: 12, completions: session)
                == .list(["tf.nn.conv2d_transpose", "tf.nn.conv2d"]))
        #expect(Completion.action(line: "zzz", cursorByte: 3, completions: session) == .nothing)
        // Multi-byte text before the cursor: bytes for readline, Characters for the session.
        #expect(Completion.action(line: "é(x, str", cursorByte: 9, completions: session)
                == .replace(from: 6, to: 9, text: "strides="))
    }

    @Test func completionColumns() {
        #expect(Completion.columns(["a", "bb", "ccc"], width: 10) == ["a    bb", "ccc"])
    }
}
