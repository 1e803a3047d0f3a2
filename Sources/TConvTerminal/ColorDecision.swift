import TConvView

/// How many colours tconv uses, decided once at start (UX.md) and changeable with `%colors`.
public enum ColorDepth: String, Equatable, Sendable, CaseIterable {
    /// 24-bit colour (`38;2;r;g;b`, or 0xRRGGBB colour numbers with a direct-colour terminfo).
    case direct
    /// The 6x6x6 cube and the grey ramp (16-255; the user-themed 0-15 are skipped).
    case ansi256
    /// The 16 ANSI colours.
    case ansi16
    /// The 8 ANSI colours.
    case ansi8
    /// No colour: attributes and glyphs only.
    case mono

    /// `%colors` values.
    public init?(setting: String) {
        switch setting.lowercased() {
        case "direct", "truecolor", "24bit", "24-bit", "rgb": self = .direct
        case "256", "ansi256": self = .ansi256
        case "16", "ansi16": self = .ansi16
        case "8", "ansi8": self = .ansi8
        case "none", "mono", "never", "off", "0", "2": self = .mono
        default: return nil
        }
    }

    /// The deepest depth not beyond what a terminal with `colors` colours can show (curses).
    public func clamped(toColors colors: Int) -> ColorDepth {
        switch self {
        case .direct where colors >= 1 << 24: return .direct
        case .direct, .ansi256: return colors >= 256 ? .ansi256 : ColorDepth.ansi16.clamped(toColors: colors)
        case .ansi16: return colors >= 16 ? .ansi16 : ColorDepth.ansi8.clamped(toColors: colors)
        case .ansi8: return colors >= 8 ? .ansi8 : .mono
        case .mono: return .mono
        }
    }

    /// `%colors VALUE`: a depth, or `auto`/`always`/`never` decided again as at start.
    static func resolve(setting: String, curses: Bool) -> ColorDepth? {
        switch setting.lowercased() {
        case "auto": return ColorEnvironment.current(choice: .auto, curses: curses).depth
        case "always": return ColorEnvironment.current(choice: .always, curses: curses).depth
        default: return ColorDepth(setting: setting)
        }
    }

    public var label: String {
        switch self {
        case .direct: "24-bit colour"
        case .ansi256: "256 colours"
        case .ansi16: "16 colours"
        case .ansi8: "8 colours"
        case .mono: "no colour"
        }
    }
}

/// The facts the colour decision depends on: gathered once from the process (`current`), or
/// written out by the tests.
public struct ColorEnvironment: Equatable, Sendable {
    public var choice: TConvOptions.ColorChoice
    /// `NO_COLOR`, nil when unset.
    public var noColor: String?
    public var stdoutIsTerminal: Bool
    public var term: String?
    public var colorTerm: String?
    /// terminfo `colors` for TERM; nil when TERM has no terminfo entry.
    public var terminfoColors: Int?
    /// terminfo `RGB` flag (a direct-colour entry such as xterm-direct).
    public var terminfoRGB: Bool
    /// Drawing through curses (needs the terminfo to say direct colour) rather than ANSI text.
    public var curses: Bool

    public init(choice: TConvOptions.ColorChoice = .auto, noColor: String? = nil, stdoutIsTerminal: Bool = true,
                term: String? = "xterm-256color", colorTerm: String? = nil, terminfoColors: Int? = 256,
                terminfoRGB: Bool = false, curses: Bool = false) {
        self.choice = choice
        self.noColor = noColor
        self.stdoutIsTerminal = stdoutIsTerminal
        self.term = term
        self.colorTerm = colorTerm
        self.terminfoColors = terminfoColors
        self.terminfoRGB = terminfoRGB
        self.curses = curses
    }

    /// The decision table of UX.md, in order.
    public var depth: ColorDepth {
        switch choice {
        case .never:
            return .mono
        case .auto:
            if let noColor, !noColor.isEmpty { return .mono }
            if !stdoutIsTerminal { return .mono }
            let name = term ?? ""
            if name.isEmpty || name == "dumb" { return .mono }
        case .always:
            break
        }
        let trueColor = ["truecolor", "24bit"].contains((colorTerm ?? "").lowercased())
        if trueColor && (terminfoRGB || !curses) { return .direct }
        if terminfoRGB && curses { return .direct }
        let colors: Int
        if let terminfoColors {
            colors = terminfoColors
        } else {
            // No terminfo entry: guess from the name for ANSI text; curses cannot start anyway.
            let name = term ?? ""
            colors = name.contains("256") ? 256 : (choice == .always ? 256 : (name.isEmpty || name == "dumb" ? 0 : 8))
        }
        if colors >= 256 { return .ansi256 }
        if colors >= 16 { return .ansi16 }
        if colors >= 8 { return .ansi8 }
        return choice == .always ? .ansi8 : .mono
    }
}

extension ColorEnvironment {
    /// The facts of this process. `curses` says whether the full-screen front end will draw.
    static func current(choice: TConvOptions.ColorChoice, curses: Bool) -> ColorEnvironment {
        let environment = ProcessEnvironment.self
        let term = environment.value("TERM")
        var colors: Int? = nil
        var rgb = false
        if let term, !term.isEmpty, term != "dumb" {
            let n = Terminfo.number(term: term, capability: "colors")
            if n != -2 { colors = max(n, 0) }
            rgb = Terminfo.flag(term: term, capability: "RGB")
        }
        return ColorEnvironment(choice: choice, noColor: environment.value("NO_COLOR"),
                                stdoutIsTerminal: Terminfo.isTerminal(1), term: term,
                                colorTerm: environment.value("COLORTERM"), terminfoColors: colors,
                                terminfoRGB: rgb, curses: curses)
    }
}

/// Maps the views' RGB to what each depth can show.
public enum ColorMapping {
    /// The colour number curses wants for `c` at `depth` (direct: 0xRRGGBB, nudged off 0-7).
    public static func cursesColor(_ c: RGB, depth: ColorDepth) -> Int {
        switch depth {
        case .direct:
            let value = Int(c.r) << 16 | Int(c.g) << 8 | Int(c.b)
            return value < 8 ? 8 : value
        case .ansi256, .ansi16, .ansi8: return Palette.index(c, tier: depth.tier) ?? -1
        case .mono: return -1
        }
    }
}
