import TConvView

/// Presentation choices shared by the curses screen and the text output.
extension ColorDepth {
    /// TConvView's name for this depth.
    var tier: ColorTier {
        switch self {
        case .direct: .direct
        case .ansi256: .palette256
        case .ansi16: .palette16
        case .ansi8: .palette8
        case .mono: .mono
        }
    }

    func renderOptions(utf8: Bool, presenter: Bool) -> RenderOptions {
        RenderOptions(tier: tier, utf8: utf8, presenter: presenter)
    }
}
