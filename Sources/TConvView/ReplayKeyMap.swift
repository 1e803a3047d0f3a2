/// Everything a key can do while a lesson replays (`tconv replay FILE`, `%replay FILE`), in the
/// full screen and in presenter mode. The pane's own keys stay in `KeyMap.bindings`; a replay
/// reaches them with Tab, and the pane's `[`/`]` come back here as marker jumps.
public enum ReplayAction: String, Sendable, CaseIterable {
    /// Run the statement shown at the prompt.
    case run
    /// Back one statement (the state is recomputed from the log: exact).
    case back
    case nextMarker, previousMarker
    /// Ask for a statement number and go there.
    case goTo
    /// Run statements up to the next `#: pause` (or the end).
    case runToPause
    /// Back to the first statement.
    case restart
    /// The pane's keys (`q` comes back).
    case pane
    case scrollUp, scrollDown
    case help
    /// Leave the replay (`tconv replay` exits, `%replay` returns to the prompt).
    case quit
}

/// One row of the replay key table.
public struct ReplayKeyBinding: Sendable {
    public var keys: [ViewKey]
    public var action: ReplayAction
    public var help: String
    public var legend: String
    /// Its words in the short hint of the status line (`space run`), nil when left out.
    public var hint: String?

    public init(_ keys: [ViewKey], _ action: ReplayAction, _ help: String, legend: String? = nil, hint: String? = nil) {
        self.keys = keys
        self.action = action
        self.help = help
        self.legend = legend ?? keys.map(\.description).joined(separator: " ")
        self.hint = hint
    }
}

extension KeyMap {
    /// The replay's key table: handling (`replayAction(for:)`), the `?` overlay, the status line
    /// hint and the manual all read it. A presentation clicker sends PgDn/PgUp or Right/Left:
    /// they advance and go back too.
    public static let replayBindings: [ReplayKeyBinding] = [
        ReplayKeyBinding([.enter, .character(" "), .right, .pageDown], .run, "run the statement shown",
                         legend: "Enter space", hint: "space run"),
        ReplayKeyBinding([.character(","), .left, .pageUp], .back, "back one statement (exact)", legend: ",", hint: ", back"),
        ReplayKeyBinding([.character("]")], .nextMarker, "next marker", hint: "] [ markers"),
        ReplayKeyBinding([.character("[")], .previousMarker, "previous marker"),
        ReplayKeyBinding([.character("g")], .goTo, "go to statement number"),
        ReplayKeyBinding([.character("p")], .runToPause, "run to the next pause"),
        ReplayKeyBinding([.home], .restart, "back to the start"),
        ReplayKeyBinding([.tab], .pane, "the pane's keys (q returns)"),
        ReplayKeyBinding([.up], .scrollUp, "scroll the messages back"),
        ReplayKeyBinding([.down], .scrollDown, "scroll the messages on"),
        ReplayKeyBinding([.character("?")], .help, "replay keys", hint: "? keys"),
        ReplayKeyBinding([.character("q")], .quit, "leave the replay", hint: "q quit"),
    ]

    /// The replay action bound to `key`, if any.
    public static func replayAction(for key: ViewKey) -> ReplayAction? {
        for binding in replayBindings where binding.keys.contains(key) { return binding.action }
        return nil
    }

    /// The keys bound to a replay action.
    public static func keys(for action: ReplayAction) -> [ViewKey] {
        replayBindings.filter { $0.action == action }.flatMap(\.keys)
    }

    /// Help text for the replay, one line per binding: legend padded, then the description.
    public static var replayHelpLines: [String] {
        let width = replayBindings.map(\.legend.count).max() ?? 0
        return replayBindings.map { $0.legend + String(repeating: " ", count: width - $0.legend.count + 2) + $0.help }
    }

    /// The short hint of the essential keys: `space run  , back  ] [ markers  ? keys  q quit`.
    public static var replayHint: String {
        replayBindings.compactMap(\.hint).joined(separator: "  ")
    }
}
