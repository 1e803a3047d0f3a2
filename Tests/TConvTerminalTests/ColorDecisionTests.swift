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

    /// The curses screen and the ANSI text agree colour for colour (both go through `Palette`),
    /// and the 256-colour tier never picks the user-themed 0-15.
    @Test func cursesColoursAgreeWithThePalette() {
        for c in [RGB(0, 0, 0), RGB(255, 255, 255), RGB(255, 0, 0), RGB(128, 128, 128), RGB(68, 1, 84), RGB(253, 231, 37)] {
            #expect(ColorMapping.cursesColor(c, depth: .ansi256) == Palette.index256(c))
            #expect((16...255).contains(ColorMapping.cursesColor(c, depth: .ansi256)))
            #expect(ColorMapping.cursesColor(c, depth: .ansi16) == Palette.index16(c))
            #expect(ColorMapping.cursesColor(c, depth: .ansi8) == Palette.index8(c))
        }
    }

    @Test func clampedToTheTerminal() {
        #expect(ColorDepth.direct.clamped(toColors: 256) == .ansi256)
        #expect(ColorDepth.direct.clamped(toColors: 1 << 24) == .direct)
        #expect(ColorDepth.ansi256.clamped(toColors: 8) == .ansi8)
        #expect(ColorDepth.ansi16.clamped(toColors: 16) == .ansi16)
        #expect(ColorDepth.ansi8.clamped(toColors: 0) == .mono)
        #expect(ColorDepth.mono.clamped(toColors: 256) == .mono)
    }

    @Test func depthsMapToTiers() {
        #expect(ColorDepth.direct.tier == .direct)
        #expect(ColorDepth.ansi256.tier == .palette256)
        #expect(ColorDepth.ansi16.tier == .palette16)
        #expect(ColorDepth.ansi8.tier == .palette8)
        #expect(ColorDepth.mono.tier == .mono)
    }

    @Test func directColourAvoidsTheANSIIndices() {
        #expect(ColorMapping.cursesColor(RGB(0, 0, 0), depth: .direct) == 8)
        #expect(ColorMapping.cursesColor(RGB(0, 0, 7), depth: .direct) == 8)
        #expect(ColorMapping.cursesColor(RGB(1, 2, 3), depth: .direct) == 0x010203)
        #expect(ColorMapping.cursesColor(RGB(250, 10, 10), depth: .mono) == -1)
    }
}
