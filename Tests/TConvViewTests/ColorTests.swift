import Testing
import TConvEngine
@testable import TConvView

@Suite struct ColorMapTests {
    @Test func viridisAndCividisEndpointsMatchThePublishedTables() {
        // matplotlib's first and last entries, times 255, rounded.
        #expect(ColorMapKind.viridis.map.table.first == RGB(68, 1, 84))
        #expect(ColorMapKind.viridis.map.table.last == RGB(253, 231, 37))
        #expect(ColorMapKind.cividis.map.table.first == RGB(0, 34, 78))
        #expect(ColorMapKind.cividis.map.table.last == RGB(254, 232, 56))
        // Control points in the middle are reproduced (to the nearest 8-bit step of the table):
        // viridis entry 128 of 255 and cividis entry 64.
        func near(_ a: RGB, _ b: RGB) -> Bool {
            abs(Int(a.r) - Int(b.r)) <= 1 && abs(Int(a.g) - Int(b.g)) <= 1 && abs(Int(a.b) - Int(b.b)) <= 1
        }
        #expect(near(ColorMapKind.viridis.map.color(at: 128.0 / 255), RGB(33, 145, 140)))
        #expect(near(ColorMapKind.cividis.map.color(at: 64.0 / 255), RGB(67, 78, 108)))
        #expect(ColorMapKind.grey.map.table.first == RGB(0, 0, 0))
        #expect(ColorMapKind.grey.map.table.last == RGB(255, 255, 255))
    }

    @Test(arguments: [ColorMapKind.viridis, .cividis, .grey])
    func sequentialMapsRiseInLuminance(kind: ColorMapKind) {
        let table = kind.map.table
        #expect(table.count == ColorMap.size)
        // Sampled every 4 entries: 8-bit rounding must not hide the rise.
        var last = -1.0
        for i in stride(from: 0, to: ColorMap.size, by: 4) {
            let l = table[i].luminance
            #expect(l > last, "luminance falls at entry \(i) of \(kind)")
            last = l
        }
        #expect(table[ColorMap.size - 1].luminance > table[0].luminance + 0.5)
    }

    @Test func rdbuIsWhiteAtZeroBlueBelowRedAbove() {
        let scale = ColorScale(kind: .rdbu, range: ValueRange([-1, 3]))
        #expect(scale.lower == -3 && scale.upper == 3)
        #expect(scale.color(0) == RGB(247, 247, 247))
        let low = scale.color(-3), high = scale.color(3)
        #expect(low == RGB(5, 48, 97))
        #expect(high == RGB(103, 0, 31))
        #expect(low.b > low.r && high.r > high.b)
        // Symmetric: equal magnitudes are equally far from white.
        #expect(scale.position(-1.5) + scale.position(1.5) == 1)
    }

    @Test func automaticChoiceAndRanges() {
        #expect(ColorScale.automatic(for: ValueRange([-1, 2])).kind == .rdbu)
        #expect(ColorScale.automatic(for: ValueRange([0, 2])).kind == .viridis)
        let counts = ColorScale(kind: .viridis, range: ValueRange([3, 5]), includeZero: true)
        #expect(counts.lower == 0 && counts.upper == 5)
        let plain = ColorScale(kind: .viridis, range: ValueRange([3, 5]))
        #expect(plain.lower == 3 && plain.upper == 5)
        let constant = ColorScale(kind: .viridis, range: ValueRange([2, 2]))
        #expect(constant.position(2) == 0.5)
    }

    @Test func nonFiniteAndHugeValuesNeverBreakTheScale() {
        let r = ValueRange([.nan, .infinity, -.infinity, -1e308, 1e308, 1])
        #expect(r.nanCount == 1 && r.infiniteCount == 2 && r.finiteCount == 3)
        for kind in ColorMapKind.allCases {
            let s = ColorScale(kind: kind, range: r)
            #expect(s.color(.nan) == ColorScale.nanColor)
            #expect(s.position(.infinity) == 1 && s.position(-.infinity) == 0)
            #expect(s.position(1e308) <= 1 && s.position(-1e308) >= 0)
        }
        let empty = ColorScale(kind: .rdbu, range: ValueRange())
        #expect(empty.lower == -1 && empty.upper == 1)
    }

    @Test func mapsAreFoundByName() {
        #expect(ColorMapKind(name: "RdBu") == .rdbu)
        #expect(ColorMapKind(name: "gray") == .grey)
        #expect(ColorMapKind(name: "Cividis") == .cividis)
        #expect(ColorMapKind(name: "jet") == nil)
    }
}

@Suite struct PaletteTests {
    @Test func everyFixedPaletteColourMapsToItself() {
        for i in 16..<256 {
            #expect(Palette.index256(Palette.color(ofIndex: i)) == i, "index \(i)")
        }
    }

    @Test func the256TierNeverUsesThemedColours() {
        var rng: UInt64 = 12345
        for _ in 0..<2000 {
            rng = rng &* 6364136223846793005 &+ 1442695040888963407
            let c = RGB(UInt8(truncatingIfNeeded: rng >> 16), UInt8(truncatingIfNeeded: rng >> 32), UInt8(truncatingIfNeeded: rng >> 48))
            #expect(Palette.index256(c) >= 16)
        }
        #expect(Palette.index256(RGB(255, 0, 0)) == 196)
        #expect(Palette.index256(RGB(0, 0, 0)) == 16)
        #expect(Palette.index256(RGB(255, 255, 255)) == 231)
        #expect(Palette.index256(RGB(128, 128, 128)) == 244)
        // RdBu's near-white centre is nearer the cube's white than the ramp's lightest grey.
        #expect(Palette.index256(RGB(247, 247, 247)) == 231)
        #expect(Palette.index256(RGB(238, 238, 238)) == 255)
    }

    @Test func nearestAnsiColours() {
        #expect(Palette.index16(RGB(250, 10, 10)) == 9)
        #expect(Palette.index16(RGB(200, 0, 0)) == 1)
        #expect(Palette.index8(RGB(250, 250, 250)) == 7)
        #expect(Palette.index8(RGB(10, 10, 200)) == 4)
        for c in [RGB(1, 2, 3), RGB(200, 100, 50), RGB(255, 255, 0)] {
            #expect((0..<16).contains(Palette.index16(c)))
            #expect((0..<8).contains(Palette.index8(c)))
        }
        #expect(Palette.index(RGB(1, 2, 3), tier: .direct) == nil)
        #expect(Palette.displayed(RGB(1, 2, 3), tier: .mono) == nil)
    }

    @Test func viridisStaysOrderedInThe256Cube() {
        // The mapped map still rises in luminance overall (no wild jumps back).
        let mapped = stride(from: 0, to: ColorMap.size, by: 32).map { Palette.color(ofIndex: Palette.index256(ColorMapKind.viridis.map.table[$0])).luminance }
        #expect(mapped.last! > mapped.first! + 0.5)
    }
}

@Suite struct NumberFormatTests {
    @Test func shortForms() {
        #expect(NumberFormat.format(3.25) == "3.25")
        #expect(NumberFormat.format(2) == "2")
        #expect(NumberFormat.format(-0.5) == "-0.5")
        #expect(NumberFormat.format(0.1 + 0.2) == "0.3")
        #expect(NumberFormat.format(Double(Float(0.1))) == "0.1")
        #expect(NumberFormat.format(1e-7) == "1e-07")
        #expect(NumberFormat.format(-1.23456e-7) == "-1.2346e-07")
        #expect(NumberFormat.format(1.5e17) == "1.5e+17")
        #expect(NumberFormat.format(123456.75) == "123456.75")
        #expect(NumberFormat.format(.nan) == "nan")
        #expect(NumberFormat.format(-.infinity) == "-inf")
        #expect(NumberFormat.format(.greatestFiniteMagnitude) == "1.7977e+308")
        #expect(NumberFormat.format(.leastNonzeroMagnitude) == "4.9407e-324")
        #expect(NumberFormat.format(-0.0) == "0")
        #expect(NumberFormat.format(9.99995) == "10")
    }

    @Test func compactFormsFitTheirWidth() {
        #expect(NumberFormat.compact(-0.625, width: 6) == "-0.625")
        #expect(NumberFormat.compact(2.375, width: 4) == "2.38")
        #expect(NumberFormat.compact(123456, width: 4) == "1e5")
        #expect(NumberFormat.compact(-0.0001, width: 5) == "-1e-4")
        #expect(NumberFormat.compact(0, width: 1) == "0")
        #expect(NumberFormat.compact(-12345, width: 3) == nil)
        for v in [0.1, -3.75, 1e300, -1e-300, 42, .nan, .infinity] {
            for w in 1...8 {
                if let text = NumberFormat.compact(v, width: w) { #expect(text.count <= w, "\(v) in \(w)") }
            }
        }
    }
}

@Suite struct CursesColorTests {
    @Test func cursesNumbersAgreeWithTheANSITiers() {
        #expect(Palette.cursesColor(RGB(1, 2, 3), tier: .direct) == 0x010203)
        #expect(Palette.cursesColor(RGB(0, 0, 5), tier: .direct) == 8)
        #expect(Palette.cursesColor(RGB(255, 0, 0), tier: .palette256) == 196)
        #expect(Palette.cursesColor(RGB(255, 0, 0), tier: .palette16) == 9)
        #expect(Palette.cursesColor(RGB(255, 0, 0), tier: .palette8) == 1)
        #expect(Palette.cursesColor(RGB(255, 0, 0), tier: .mono) == nil)
    }
}
