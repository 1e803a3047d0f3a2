/// The colours of everything that is not a heatmap value: labels, the status line, and the
/// highlights of the step views. Highlight colours are chosen to appear in none of the colour
/// maps (amber, magenta, lime), and carry black text so they read on light and dark terminals.
public struct Theme: Sendable, Equatable {
    public var inputHighlight: RGB
    public var tapHighlight: RGB
    public var outputHighlight: RGB
    public var droppedHighlight: RGB
    public var contributorHighlight: RGB
    public var statusForeground: RGB
    public var statusBackground: RGB
    public var errorForeground: RGB
    public var noteForeground: RGB
    public var dimForeground: RGB
    /// Labels and titles in bold.
    public var boldLabels: Bool

    /// For everyday terminals.
    public static let standard = Theme(
        inputHighlight: RGB(255, 176, 0), tapHighlight: RGB(224, 64, 251), outputHighlight: RGB(118, 255, 3),
        droppedHighlight: RGB(96, 96, 96), contributorHighlight: RGB(255, 176, 0),
        statusForeground: RGB(236, 239, 241), statusBackground: RGB(38, 50, 56),
        errorForeground: RGB(255, 82, 82), noteForeground: RGB(100, 181, 246), dimForeground: RGB(128, 128, 128),
        boldLabels: true)

    /// Presenter mode: the same hues at full strength, black status bar, nothing dim.
    public static let highContrast = Theme(
        inputHighlight: RGB(255, 196, 0), tapHighlight: RGB(255, 0, 255), outputHighlight: RGB(0, 255, 0),
        droppedHighlight: RGB(64, 64, 64), contributorHighlight: RGB(255, 196, 0),
        statusForeground: RGB(255, 255, 255), statusBackground: RGB(0, 0, 0),
        errorForeground: RGB(255, 64, 64), noteForeground: RGB(64, 196, 255), dimForeground: RGB(176, 176, 176),
        boldLabels: true)

    /// The style of a text role (labels, status, messages). Heat cells are styled by the
    /// heatmap painter instead.
    public func style(_ role: StyleRole) -> CellStyle {
        switch role {
        case .title: return CellStyle(role: .title, bold: true)
        case .label: return CellStyle(role: .label, bold: boldLabels)
        case .dim, .border: return CellStyle(role: role, foreground: dimForeground)
        case .status: return CellStyle(role: .status, foreground: statusForeground, background: statusBackground)
        case .error: return CellStyle(role: .error, foreground: errorForeground, bold: true)
        case .note: return CellStyle(role: .note, foreground: noteForeground)
        case .input: return CellStyle(role: .input, foreground: RGB(0, 0, 0), background: inputHighlight, bold: true)
        case .tap: return CellStyle(role: .tap, foreground: RGB(0, 0, 0), background: tapHighlight, bold: true)
        case .output: return CellStyle(role: .output, foreground: RGB(0, 0, 0), background: outputHighlight, bold: true)
        case .dropped: return CellStyle(role: .dropped, foreground: RGB(255, 255, 255), background: droppedHighlight, bold: true)
        case .contributor:
            return CellStyle(role: .contributor, foreground: RGB(0, 0, 0), background: contributorHighlight, bold: true)
        case .cursor: return CellStyle(role: .cursor, bold: true, reverse: true)
        default: return CellStyle(role: role)
        }
    }

    /// The background a highlight role paints an element with (nil for roles that keep the value colour).
    public func highlightColor(_ role: StyleRole) -> RGB? {
        switch role {
        case .input: return inputHighlight
        case .tap: return tapHighlight
        case .output: return outputHighlight
        case .dropped: return droppedHighlight
        case .contributor: return contributorHighlight
        default: return nil
        }
    }
}

/// How views turn values into cells.
public enum GlyphMode: String, Sendable, CaseIterable {
    /// U+2580 half blocks: two elements per character cell, stacked. Needs UTF-8 and colour.
    case halfBlock
    /// Background-coloured blank cells (any terminal with colour).
    case block
    /// The ASCII ramp ` .:-=+*#%@`, two columns per element, a leading `-` for negative values:
    /// readable without colour and without UTF-8.
    case ascii
}

/// What the output device can show, and presentation choices.
public struct RenderOptions: Sendable, Equatable {
    /// The colour tier; `mono` switches heatmaps to characters.
    public var tier: ColorTier
    /// Whether non-ASCII glyphs (half blocks, `×`, `→`) may be used.
    public var utf8: Bool
    /// Presenter mode: larger cells, high contrast, readable on an 80x24 projector.
    public var presenter: Bool
    /// Draw values with the ASCII ramp even when colour is available.
    public var asciiRamp: Bool
    /// Digits after the point in captions and formulas (numbers in cells are shortened to fit).
    public var precision: Int

    public init(tier: ColorTier = .direct, utf8: Bool = true, presenter: Bool = false, asciiRamp: Bool = false,
                precision: Int = 4) {
        self.tier = tier
        self.utf8 = utf8
        self.presenter = presenter
        self.asciiRamp = asciiRamp
        self.precision = precision
    }

    /// Colour, UTF-8, everyday theme.
    public static let standard = RenderOptions()

    /// The theme in use.
    public var theme: Theme { presenter ? .highContrast : .standard }

    /// How heatmap elements are drawn with these options.
    public var glyphMode: GlyphMode {
        if asciiRamp || !tier.hasColor { return .ascii }
        return utf8 ? .halfBlock : .block
    }

    /// `×`, or `*` without UTF-8 (an `x` would read as the tensor x).
    public var times: String { utf8 ? Glyph.times : "*" }
    /// `→` or `->`.
    public var arrow: String { utf8 ? Glyph.arrow : "->" }
    /// `·` or `.`.
    public var dot: String { utf8 ? Glyph.middleDot : "." }
}
