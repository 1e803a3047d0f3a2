import TConvEngine

/// Options a front end sets when it opens a session.
public struct SessionOptions: Sendable {
    /// Whether `np.save`, `%save` and other writes are allowed (replayed files from others: no).
    public var allowWrites: Bool
    /// Name used in diagnostics for interactive input.
    public var sourceName: String
    /// Digits after the point when printing (numpy's default 8).
    public var precision: Int
    public init(allowWrites: Bool = true, sourceName: String = "<stdin>", precision: Int = 8) {
        self.allowWrites = allowWrites
        self.sourceName = sourceName
        self.precision = precision
    }
}

/// A REPL session: variables, history of accepted statements, settings. The front ends drive it
/// line by line; scripts run through `runScript`.
///
/// STUB: the language issue replaces the bodies; the signatures are the front ends' contract.
public final class ScriptSession: @unchecked Sendable {
    public let options: SessionOptions

    public init(options: SessionOptions = SessionOptions()) { self.options = options }

    /// Feeds one physical line typed at the prompt (prefixes like `>>> ` already allowed).
    public func submit(_ line: String) -> SubmitResult {
        .done([.error(ScriptDiagnostic(category: "syntax", message: "the language is not implemented yet",
                                       source: options.sourceName, line: 1, column: 1, sourceLine: line))])
    }

    /// Drops a partly entered statement (Ctrl-C at a `...> ` prompt).
    public func cancelPendingInput() {}

    /// Runs a whole script (`tconv run`, `%run`); events in order. `source` names it in diagnostics.
    public func runScript(_ text: String, source: String) -> [ScriptEvent] { [] }

    /// Completion candidates for the text before `cursor` in `line`: the offset (in Characters)
    /// where the replaced word starts, and the candidates.
    public func completions(for line: String, cursor: Int) -> (replaceFrom: Int, candidates: [String]) { (cursor, []) }

    /// The computation running right now, if any; another thread may call `cancel()` on it (Ctrl-C).
    public var currentComputation: ComputeControl? { nil }
}
