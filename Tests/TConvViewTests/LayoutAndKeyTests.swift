import Testing
import TConvEngine
@testable import TConvView

@Suite struct ScreenLayoutTests {
    @Test(arguments: [(80, 24), (120, 40), (40, 12), (200, 60), (100, 30)])
    func rowsPartitionTheScreen(size: (Int, Int)) {
        let (w, h) = size
        for presenter in [false, true] {
            let l = ScreenLayout(width: w, height: h, presenter: presenter)
            #expect(!l.tooSmall)
            #expect(l.pane.y == 0 && l.status.y == l.pane.maxY && l.messages.y == l.status.maxY && l.input.y == l.messages.maxY)
            #expect(l.input.maxY == h)
            #expect(l.status.height == 1 && l.input.height == 1)
            #expect(l.pane.width == w && l.messages.width == w)
            #expect(l.pane.height >= h - 6)
        }
        #expect(ScreenLayout(width: w, height: h, presenter: true).pane.height >= ScreenLayout(width: w, height: h).pane.height)
    }

    @Test func messageLinesGrowWithHeight() {
        #expect(ScreenLayout(width: 80, height: 24).messages.height == 3)
        #expect(ScreenLayout(width: 80, height: 20).messages.height == 2)
        #expect(ScreenLayout(width: 120, height: 40).messages.height == 4)
        #expect(ScreenLayout(width: 80, height: 24, messageLines: 5, inputLines: 2).input.height == 2)
    }

    @Test(arguments: [(39, 24), (80, 11), (10, 3), (1, 1), (0, 0), (-5, 7)])
    func tooSmallTerminalsGetAClearMessage(size: (Int, Int)) {
        let (w, h) = size
        let l = ScreenLayout(width: w, height: h)
        #expect(l.tooSmall)
        let grid = l.compose(pane: Grid(width: 5, height: 5), status: "status", messages: [ScreenMessage("hello")])
        #expect(grid.width == max(0, w) && grid.height == max(0, h))
        if w >= 50 && h >= 3 {
            #expect(grid.text.contains("tconv needs at least 40x12, this terminal is \(w)x\(h)"))
        }
        let words = grid.text.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
        if w >= 20 && h >= 6 { #expect(words == "tconv needs at least 40x12, this terminal is \(w)x\(h)") }
    }

    @Test func composeKeepsTheInputRowsBlankAndShowsTheLastMessages() {
        let l = ScreenLayout(width: 50, height: 14)
        var pane = Grid(width: 50, height: 40, fill: GridCell("#"))
        pane.put("pane", x: 0, y: 0)
        let messages = (1...6).map { ScreenMessage("message \($0)", role: $0 == 6 ? .error : .message) }
        let grid = l.compose(pane: pane, status: "status line", messages: messages)
        let lines = grid.trimmedLines
        #expect(lines[0].hasPrefix("pane"))
        #expect(lines[l.status.y] == "status line")
        #expect(grid[0, l.status.y].style.role == .status && grid[49, l.status.y].style.role == .status)
        #expect(lines[l.messages.y] == "message \(7 - l.messages.height)")
        #expect(lines[l.messages.maxY - 1] == "message 6")
        #expect(grid[0, l.messages.maxY - 1].style.role == .error)
        #expect(lines[l.input.y] == "")
    }
}

@Suite struct KeyMapTests {
    @Test func everyActionHasAKeyAndEveryKeyOneAction() {
        for action in ViewAction.allCases {
            #expect(!KeyMap.keys(for: action).isEmpty, "\(action) has no key")
        }
        var seen = Set<ViewKey>()
        for binding in KeyMap.bindings {
            for key in binding.keys {
                #expect(!seen.contains(key), "\(key) bound twice")
                seen.insert(key)
            }
        }
    }

    @Test func helpListsTheKeysTheBriefAsksFor() {
        let help = KeyMap.helpLines.joined(separator: "\n")
        for legend in [". ", ", ", "g Home", "G End", "space", "+ ", "- ", "c ", "C ", "PgUp", "PgDn", "Tab", "arrows hjkl",
                       "Enter", "n ", "m ", "? ", "q Esc", "[", "]"] {
            #expect(help.contains(legend), "help lacks \(legend)")
        }
        for binding in KeyMap.bindings where binding.help.isEmpty {
            // Only the three other cursor directions share the cursor line.
            #expect([.cursorDown, .cursorLeft, .cursorRight].contains(binding.action))
        }
    }

    @Test func keysMapToTheirActions() {
        #expect(KeyMap.action(for: .character(".")) == .stepForward)
        #expect(KeyMap.action(for: .character(" ")) == .playPause)
        #expect(KeyMap.action(for: .character("k")) == .cursorUp)
        #expect(KeyMap.action(for: .up) == .cursorUp)
        #expect(KeyMap.action(for: .pageDown) == .nextDepth)
        #expect(KeyMap.action(for: .tab) == .nextView)
        #expect(KeyMap.action(for: .character("x")) == nil)
        #expect(ViewKey(code: 9) == .tab && ViewKey(code: 13) == .enter && ViewKey(code: 27) == .escape)
        #expect(ViewKey(code: 46) == .character("."))
        #expect(ViewKey(code: 200) == nil && ViewKey(code: -1) == nil)
    }

    @Test func helpOverlayFitsAn80x24Pane() {
        var grid = Grid(width: 80, height: 19)
        HelpOverlay.draw(into: &grid, options: .standard)
        let text = grid.text
        for binding in KeyMap.bindings where !binding.help.isEmpty {
            #expect(text.contains(binding.help), "overlay lacks \(binding.help)")
        }
    }
}
