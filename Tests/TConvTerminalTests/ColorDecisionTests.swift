import Testing
import TConvView
@testable import TConvTerminal

@Suite struct ColorDecisionTests {
    typealias E = ColorEnvironment

    @Test(arguments: [
        // The decision table of UX.md, in order.
        (E(choice: .never), ColorDepth.mono),
        (E(noColor: "1"), .mono),
        (E(noColor: ""), .ansi256),                          // empty NO_COLOR does not count
        (E(choice: .always, noColor: "1"), .ansi256),        // an explicit flag beats the environment
        (E(stdoutIsTerminal: false), .mono),
        (E(choice: .always, stdoutIsTerminal: false), .ansi256),
        (E(term: "dumb", terminfoColors: nil), .mono),
        (E(term: "", terminfoColors: nil), .mono),
        (E(term: nil, terminfoColors: nil), .mono),
        (E(colorTerm: "truecolor"), .direct),                // ANSI text: COLORTERM is enough
        (E(colorTerm: "24bit"), .direct),
        (E(colorTerm: "truecolor", curses: true), .ansi256), // curses needs a direct-colour terminfo
        (E(colorTerm: "truecolor", terminfoColors: 16_777_216, terminfoRGB: true, curses: true), .direct),
        (E(term: "xterm-direct", terminfoColors: 16_777_216, terminfoRGB: true, curses: true), .direct),
        (E(term: "tmux-256color"), .ansi256),
        (E(term: "xterm-16color", terminfoColors: 16), .ansi16),
        (E(term: "xterm", terminfoColors: 8), .ansi8),
        (E(term: "vt100", terminfoColors: 0), .mono),
        (E(term: "vt100", terminfoColors: 0, curses: true), .mono),
        (E(term: "unknown-256color", terminfoColors: nil), .ansi256),
        (E(term: "unknown", terminfoColors: nil), .ansi8),
    ])
    func decision(environment: ColorEnvironment, expected: ColorDepth) {
        #expect(environment.depth == expected)
    }

    @Test func settingNames() {
        #expect(ColorDepth(setting: "256") == .ansi256)
        #expect(ColorDepth(setting: "truecolor") == .direct)
        #expect(ColorDepth(setting: "none") == .mono)
        #expect(ColorDepth(setting: "8") == .ansi8)
        #expect(ColorDepth(setting: "purple") == nil)
    }

    @Test func cubeAndGreyIndices() {
        #expect(ColorMapping.index256(RGB(0, 0, 0)) == 16)
        #expect(ColorMapping.index256(RGB(255, 255, 255)) == 231)
        #expect(ColorMapping.index256(RGB(255, 0, 0)) == 196)
        #expect(ColorMapping.index256(RGB(128, 128, 128)) == 244)
        #expect((16...255).contains(ColorMapping.index256(RGB(68, 1, 84))))   // never the themed 0-15
    }

    @Test func directColourAvoidsTheANSIIndices() {
        #expect(ColorMapping.cursesColor(RGB(0, 0, 0), depth: .direct) == 8)
        #expect(ColorMapping.cursesColor(RGB(0, 0, 7), depth: .direct) == 8)
        #expect(ColorMapping.cursesColor(RGB(1, 2, 3), depth: .direct) == 0x010203)
        #expect(ColorMapping.cursesColor(RGB(250, 10, 10), depth: .ansi8) == 1)
        #expect(ColorMapping.cursesColor(RGB(250, 10, 10), depth: .mono) == -1)
    }
}
