import Testing
import TConvEngine
@testable import TConvView

@Suite struct ANSIRendererTests {
    func sample() -> Grid {
        var g = Grid(width: 6, height: 2)
        g.put("ab", x: 0, y: 0, style: CellStyle(role: .input, foreground: RGB(255, 0, 0), background: RGB(0, 0, 255)))
        g[2, 0] = GridCell(Glyph.upperHalf, style: CellStyle(role: .heat, foreground: RGB(68, 1, 84), background: RGB(253, 231, 37)))
        g.put("x", x: 0, y: 1)
        return g
    }

    @Test func directColour() {
        let text = ANSIRenderer(tier: .direct).render(sample())
        #expect(text == "\u{1B}[0;38;2;255;0;0;48;2;0;0;255mab\u{1B}[0;38;2;68;1;84;48;2;253;231;37m\u{2580}\u{1B}[0m\nx")
    }

    @Test func paletteTiers() {
        let t256 = ANSIRenderer(tier: .palette256).render(sample())
        #expect(t256.contains("38;5;196") && t256.contains("48;5;21") && t256.contains("38;5;53"))
        let t16 = ANSIRenderer(tier: .palette16).render(sample())
        #expect(t16.contains("\u{1B}[0;91;104m") || t16.contains("\u{1B}[0;91;44m"))
        let t8 = ANSIRenderer(tier: .palette8).render(sample())
        #expect(t8.contains("\u{1B}[0;31;44m"))
    }

    @Test func monoUsesRoleAttributesAndPlainHasNoEscapes() {
        let mono = ANSIRenderer(tier: .mono).render(sample())
        // The input role is bold + reverse without colour.
        #expect(mono.hasPrefix("\u{1B}[0;1;7mab"))
        #expect(!mono.contains("38;") && !mono.contains("48;"))
        let plain = ANSIRenderer(tier: .direct, escapes: false).render(sample())
        #expect(plain == "ab\u{2580}\nx")
        let ascii = ANSIRenderer(tier: .mono, utf8: false, escapes: false).render(sample())
        #expect(ascii == "ab#\nx")
    }

    @Test func asciiStandIns() {
        #expect(ANSIRenderer.ascii("x \u{00D7} w \u{2192} y") == "x x w > y")
        #expect(ANSIRenderer.ascii("\u{00B7}\u{2502}\u{2500}\u{4E2D}") == ".|-?")
        #expect(ANSIRenderer.ascii("plain") == "plain")
    }

    @Test func everyViewRendersToAsciiWithoutUTF8() throws {
        var s = try standardCases()[0].state()
        for _ in 0..<5 { s.apply(.stepForward) }
        let options = RenderOptions(tier: .mono, utf8: false)
        for view in s.availableViews {
            s.view = view
            let grid = ScreenLayout(width: 100, height: 30).frame(s, options: options)
            let text = ANSIRenderer(tier: .mono, utf8: false).render(grid)
            #expect(text.unicodeScalars.allSatisfy { $0.isASCII }, "\(view) is not ASCII")
            // Nothing was replaced by "?": views chose ASCII glyphs themselves.
            #expect(!grid.text.unicodeScalars.contains { !$0.isASCII }, "\(view) drew a non-ASCII glyph")
        }
    }
}

@Suite struct StepTextTests {
    @Test func oneLinePerStepWithAHeader() throws {
        let c = try standardCases()[1]
        let m = try c.model()
        let lines = StepText.lines(m, granularity: .tap, limit: 5)
        #expect(lines.count == 3 + 5 + 1)
        #expect(lines[0] == c.title)
        #expect(lines[1].hasPrefix("x [1,3,3,1] NHWC \u{00D7} w [3,3,2,1] HWOI \u{2192} y [1,3,3,2] NHWC  float32  (gradient of x = conv2d(y, w))"))
        #expect(lines[2].contains("padding SAME") && lines[2].contains("crop front|back H 1|1 W 1|1"))
        // Step 1: x[0,0,0,0] times w[0,0,0,0] lands at (-1,-1): TF crops it.
        #expect(lines[3].hasPrefix("step   1  x[0,0,0,0]="))
        #expect(lines[3].hasSuffix("\u{2192} dropped: (-1,-1) is outside the output"))
        #expect(lines.last == "... 157 more steps (162 in all)")
        let full = StepText.lines(m, limit: 10_000)
        #expect(full.count == 3 + m.trace.count)
        // Every line that lands shows the running value the trace reports.
        for k in 0..<m.trace.count {
            let step = m.trace.step(k)
            if let running = step.runningValue {
                #expect(full[3 + k].hasSuffix(" = " + NumberFormat.format(running)))
            }
        }
    }

    @Test func perElementAndPlainASCII() throws {
        let m = try standardCases()[0].model()
        let lines = StepText.lines(m, granularity: .element, limit: 2, options: RenderOptions(tier: .mono, utf8: false))
        #expect(lines.count == 3 + 2 + 1)
        #expect(lines[3].hasPrefix("element  1  x[0,0,0,0]=") && lines[3].contains("-> 9 taps * 3 out channels: "))
        #expect(lines.allSatisfy { $0.unicodeScalars.allSatisfy(\.isASCII) })
        #expect(lines.last == "... 30 more elements (32 in all)")
    }

    @Test func stepLineFormat() throws {
        let m = try standardCases()[0].model()
        let step = m.trace.step(3)
        let line = StepText.stepLine(step)
        let expected = "x" + NumberFormat.list(step.inputIndex) + "=" + NumberFormat.format(step.inputValue) + " \u{00D7} w"
            + NumberFormat.list(step.filterIndex) + "=" + NumberFormat.format(step.weight) + " \u{2192} y"
            + NumberFormat.list(step.outputIndex ?? []) + " += " + NumberFormat.format(step.product) + " = "
            + NumberFormat.format(step.runningValue ?? .nan)
        #expect(line == expected)
    }
}
