/// A key as the pane sees it. The terminal layer translates curses key codes into these
/// (`ViewKey(code:)` covers plain bytes); printable keys, space included, are `.character`.
public enum ViewKey: Hashable, Sendable, CustomStringConvertible {
    case character(Character)
    case up, down, left, right
    case pageUp, pageDown, home, end
    case enter, tab, backTab, escape, backspace

    /// A key from a byte read in raw mode: 9 Tab, 10/13 Enter, 27 Esc, 127/8 Backspace,
    /// printable ASCII as characters. Other codes give nil.
    public init?(code: Int32) {
        switch code {
        case 9: self = .tab
        case 10, 13: self = .enter
        case 27: self = .escape
        case 8, 127: self = .backspace
        case 32...126:
            guard let scalar = Unicode.Scalar(UInt32(code)) else { return nil }
            self = .character(Character(scalar))
        default: return nil
        }
    }

    /// How help writes the key.
    public var description: String {
        switch self {
        case .character(" "): return "space"
        case .character(let c): return String(c)
        case .up: return "Up"
        case .down: return "Down"
        case .left: return "Left"
        case .right: return "Right"
        case .pageUp: return "PgUp"
        case .pageDown: return "PgDn"
        case .home: return "Home"
        case .end: return "End"
        case .enter: return "Enter"
        case .tab: return "Tab"
        case .backTab: return "S-Tab"
        case .escape: return "Esc"
        case .backspace: return "Backspace"
        }
    }
}

/// Everything a key can do in the pane.
public enum ViewAction: String, Sendable, CaseIterable {
    case stepForward, stepBack, firstStep, lastStep
    case playPause, faster, slower, toggleGranularity
    case nextChannel, previousChannel, allChannels
    case nextDepth, previousDepth
    case nextView, previousView
    case cursorUp, cursorDown, cursorLeft, cursorRight
    case pin, toggleNumbers, nextColorMap, nextScale
    case help, previousMarker, nextMarker, leave
}

/// One row of the key table: the keys, what they do, and the help text.
public struct KeyBinding: Sendable {
    public var keys: [ViewKey]
    public var action: ViewAction
    public var help: String
    /// How help shows the keys (`. ,` or `arrows / hjkl`); defaults to the keys themselves.
    public var legend: String

    public init(_ keys: [ViewKey], _ action: ViewAction, _ help: String, legend: String? = nil) {
        self.keys = keys
        self.action = action
        self.help = help
        self.legend = legend ?? keys.map(\.description).joined(separator: " ")
    }
}

/// The pane's one key table: handling (`action(for:)`) and help (`helpLines`) both read it, so
/// they cannot disagree. The terminal engineer maps curses keys to `ViewKey` and calls
/// `ViewState.handle(_:)`.
public enum KeyMap {
    public static let bindings: [KeyBinding] = [
        KeyBinding([.character(".")], .stepForward, "step forward"),
        KeyBinding([.character(",")], .stepBack, "step back"),
        KeyBinding([.character("g"), .home], .firstStep, "first step"),
        KeyBinding([.character("G"), .end], .lastStep, "last step"),
        KeyBinding([.character(" ")], .playPause, "play / pause"),
        KeyBinding([.character("+"), .character("=")], .faster, "faster", legend: "+"),
        KeyBinding([.character("-"), .character("_")], .slower, "slower", legend: "-"),
        KeyBinding([.character("e")], .toggleGranularity, "by tap / by element"),
        KeyBinding([.character("c")], .nextChannel, "next channel (pair)"),
        KeyBinding([.character("C")], .previousChannel, "previous channel"),
        KeyBinding([.character("a")], .allChannels, "all channels (follow)"),
        KeyBinding([.pageDown], .nextDepth, "next depth slice"),
        KeyBinding([.pageUp], .previousDepth, "previous depth slice"),
        KeyBinding([.tab], .nextView, "next view"),
        KeyBinding([.backTab], .previousView, "previous view"),
        KeyBinding([.up, .character("k")], .cursorUp, "move the cursor", legend: "arrows hjkl"),
        KeyBinding([.down, .character("j")], .cursorDown, "", legend: ""),
        KeyBinding([.left, .character("h")], .cursorLeft, "", legend: ""),
        KeyBinding([.right, .character("l")], .cursorRight, "", legend: ""),
        KeyBinding([.enter], .pin, "pin / unpin a cell"),
        KeyBinding([.character("n")], .toggleNumbers, "numbers on / off"),
        KeyBinding([.character("m")], .nextColorMap, "next colour map"),
        KeyBinding([.character("s")], .nextScale, "scale: global/ch/slice"),
        KeyBinding([.character("[")], .previousMarker, "previous marker"),
        KeyBinding([.character("]")], .nextMarker, "next marker"),
        KeyBinding([.character("?")], .help, "this help"),
        KeyBinding([.character("q"), .escape], .leave, "back to the prompt"),
    ]

    /// The action bound to `key`, if any.
    public static func action(for key: ViewKey) -> ViewAction? {
        for binding in bindings where binding.keys.contains(key) { return binding.action }
        return nil
    }

    /// The keys bound to `action`.
    public static func keys(for action: ViewAction) -> [ViewKey] {
        bindings.filter { $0.action == action }.flatMap(\.keys)
    }

    /// Help text, one line per binding that has help: `legend` padded, then the description.
    public static var helpLines: [String] {
        let rows = bindings.filter { !$0.help.isEmpty }
        let width = rows.map(\.legend.count).max() ?? 0
        return rows.map { $0.legend + String(repeating: " ", count: width - $0.legend.count + 2) + $0.help }
    }
}
