/// How many colours the output device shows. Decided once at start by the terminal layer
/// (`--color`, `NO_COLOR`, `COLORTERM`, terminfo) and used by both the curses screen and the
/// ANSI text renderer, so the two agree colour for colour.
public enum ColorTier: String, Sendable, CaseIterable, CustomStringConvertible {
    /// 24-bit colour (`38;2;r;g;b`).
    case direct
    /// The xterm 256-colour palette, restricted to the fixed part: the 6x6x6 cube (16-231)
    /// and the grey ramp (232-255). Indices 0-15 are themed by users and never chosen.
    case palette256
    /// The 16 ANSI colours (bright ones as 8-15).
    case palette16
    /// The 8 basic ANSI colours.
    case palette8
    /// No colour: roles become bold/underline/reverse, and heatmaps use characters.
    case mono

    public var description: String { rawValue }

    /// True for every tier but `mono`.
    public var hasColor: Bool { self != .mono }

    /// Number of palette entries (`nil` for direct colour and mono).
    public var paletteSize: Int? {
        switch self {
        case .palette256: return 256
        case .palette16: return 16
        case .palette8: return 8
        case .direct, .mono: return nil
        }
    }
}

/// RGB to palette indices, for the 256-, 16- and 8-colour tiers.
public enum Palette {
    /// Channel levels of the xterm 6x6x6 cube.
    public static let cubeLevels: [UInt8] = [0, 95, 135, 175, 215, 255]

    /// The xterm default colours of indices 0-15 (what most terminals show when not themed).
    public static let ansi16: [RGB] = [
        RGB(0, 0, 0), RGB(205, 0, 0), RGB(0, 205, 0), RGB(205, 205, 0),
        RGB(0, 0, 238), RGB(205, 0, 205), RGB(0, 205, 205), RGB(229, 229, 229),
        RGB(127, 127, 127), RGB(255, 0, 0), RGB(0, 255, 0), RGB(255, 255, 0),
        RGB(92, 92, 255), RGB(255, 0, 255), RGB(0, 255, 255), RGB(255, 255, 255),
    ]

    /// The colour palette index `index` stands for (xterm defaults for 0-15).
    public static func color(ofIndex index: Int) -> RGB {
        switch index {
        case ..<0: return RGB(0, 0, 0)
        case 0..<16: return ansi16[index]
        case 16..<232:
            let i = index - 16
            return RGB(cubeLevels[i / 36], cubeLevels[(i / 6) % 6], cubeLevels[i % 6])
        case 232..<256:
            let v = UInt8(8 + 10 * (index - 232))
            return RGB(v, v, v)
        default: return RGB(255, 255, 255)
        }
    }

    /// The nearest colour among the cube (16-231) and the grey ramp (232-255).
    public static func index256(_ c: RGB) -> Int {
        func level(_ v: UInt8) -> Int {
            if v < 48 { return 0 }
            if v < 115 { return 1 }
            return min(5, (Int(v) - 35) / 40)
        }
        let ri = level(c.r), gi = level(c.g), bi = level(c.b)
        let cube = 16 + 36 * ri + 6 * gi + bi
        let average = (Int(c.r) + Int(c.g) + Int(c.b)) / 3
        let greyStep = average > 238 ? 23 : max(0, min(23, (average - 3) / 10))
        let grey = 232 + greyStep
        return distance(c, color(ofIndex: grey)) < distance(c, color(ofIndex: cube)) ? grey : cube
    }

    /// The nearest of the 16 ANSI colours (assuming xterm's defaults).
    public static func index16(_ c: RGB) -> Int { nearest(c, count: 16) }

    /// The nearest of the 8 basic ANSI colours.
    public static func index8(_ c: RGB) -> Int { nearest(c, count: 8) }

    /// The palette index for `c` in `tier`, or `nil` for direct colour and mono.
    public static func index(_ c: RGB, tier: ColorTier) -> Int? {
        switch tier {
        case .palette256: return index256(c)
        case .palette16: return index16(c)
        case .palette8: return index8(c)
        case .direct, .mono: return nil
        }
    }

    /// The colour `c` becomes in `tier` (itself for direct colour; nil in mono).
    public static func displayed(_ c: RGB, tier: ColorTier) -> RGB? {
        switch tier {
        case .direct: return c
        case .mono: return nil
        default: return index(c, tier: tier).map { color(ofIndex: $0) }
        }
    }

    /// The colour number curses should use for `c` in `tier`: `0xRRGGBB` for direct colour
    /// (nudged off 0-7, which direct-colour terminfo entries read as ANSI indices), the palette
    /// index otherwise, nil in mono. The same mapping the ANSI renderer uses.
    public static func cursesColor(_ c: RGB, tier: ColorTier) -> Int? {
        switch tier {
        case .direct:
            let value = Int(c.r) << 16 | Int(c.g) << 8 | Int(c.b)
            return value < 8 ? 8 : value
        case .mono: return nil
        default: return index(c, tier: tier)
        }
    }

    /// Squared distance, weighted towards green as the eye is (a cheap "redmean"-style metric).
    static func distance(_ a: RGB, _ b: RGB) -> Int {
        let dr = Int(a.r) - Int(b.r), dg = Int(a.g) - Int(b.g), db = Int(a.b) - Int(b.b)
        return 2 * dr * dr + 4 * dg * dg + 3 * db * db
    }

    static func nearest(_ c: RGB, count: Int) -> Int {
        var best = 0, bestDistance = Int.max
        for i in 0..<count {
            let d = distance(c, ansi16[i])
            if d < bestDistance { best = i; bestDistance = d }
        }
        return best
    }
}

/// Attributes a monochrome device uses to tell roles apart (and that colour devices add on top
/// of the cell's own flags).
public struct MonoAttributes: Sendable, Equatable {
    public var bold: Bool
    public var underline: Bool
    public var reverse: Bool
    public var dim: Bool
    public init(bold: Bool = false, underline: Bool = false, reverse: Bool = false, dim: Bool = false) {
        self.bold = bold
        self.underline = underline
        self.reverse = reverse
        self.dim = dim
    }
}

extension StyleRole {
    /// How this role shows without colour: highlights are reversed or underlined, labels bold.
    public var monoAttributes: MonoAttributes {
        switch self {
        case .title, .label: return MonoAttributes(bold: true)
        case .status: return MonoAttributes(reverse: true)
        case .error: return MonoAttributes(bold: true, underline: true)
        case .dim, .border: return MonoAttributes(dim: true)
        case .input: return MonoAttributes(bold: true, reverse: true)
        case .tap: return MonoAttributes(reverse: true)
        case .output: return MonoAttributes(bold: true, underline: true, reverse: true)
        case .dropped: return MonoAttributes(underline: true)
        case .cursor: return MonoAttributes(bold: true, reverse: true)
        case .contributor: return MonoAttributes(underline: true)
        case .normal, .message, .note, .prompt, .heat, .colorBar: return MonoAttributes()
        }
    }

    /// One letter per role, for the role maps of text snapshots.
    public var letter: Character {
        switch self {
        case .normal: return "."
        case .label: return "l"
        case .dim: return "d"
        case .title: return "t"
        case .status: return "s"
        case .message: return "m"
        case .error: return "e"
        case .note: return "n"
        case .prompt: return "p"
        case .heat: return "h"
        case .colorBar: return "b"
        case .input: return "X"
        case .tap: return "W"
        case .output: return "Y"
        case .dropped: return "D"
        case .cursor: return "C"
        case .contributor: return "F"
        case .border: return "#"
        }
    }
}
