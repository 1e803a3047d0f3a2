import Foundation
import TConvEngine

/// A lesson or saved session being played, one statement at a time, with its directives:
/// `#: marker <label>`, `#: say <narration>`, `#: pause` (an auto-player stops before the next
/// statement) and `#: step` (the next transposed convolution's scatter is played: its statement's
/// outcome carries a `.step` event).
///
/// The state is a log: `cursor` statements have run in `session`. Going back rebuilds a fresh
/// session and re-runs statements `0..<k`, so stepping back is exact (random values, variables,
/// `%precision` all as they were). `session` is replaced when that happens; read it after each call.
///
/// Files: the header `# tconv session vN` is checked; a newer version than this tconv reads is
/// refused with a clear message. A file without a header is read as version 1 (the only format so
/// far; hand-written files often omit it). Writes are refused while replaying unless the options
/// allow them or ask (`SessionOptions.confirmWrite`).
///
/// Threading: one thread drives a `Replay`; another may cancel `session.currentComputation`.
public final class Replay: @unchecked Sendable {
    /// One statement of the file with the directives written before it.
    public struct Item: Sendable {
        /// 0-based position among the statements.
        public var index: Int
        /// 1-based line, text and recorded `#=> ` output.
        public var statement: SessionFile.Statement
        /// Directives between the previous statement and this one, in order.
        public var directives: [SessionFile.Directive]
        /// `#: marker` labels just before it.
        public var markers: [String] { directives.filter { $0.name == "marker" }.map(\.argument) }
        /// `#: say` lines just before it: what to show (or read out) before running it.
        public var narration: [String] { directives.filter { $0.name == "say" }.map(\.argument) }
        /// A `#: pause` comes before it: an auto-player stops and waits before running it.
        public var pausesBefore: Bool { directives.contains { $0.name == "pause" } }
        /// A `#: step` comes before it: the next transposed convolution (this statement's or a later
        /// one's) is played step by step.
        public var requestsStep: Bool { directives.contains { $0.name == "step" } }
    }

    /// What running one statement produced and whether it matches the file.
    public struct Outcome: Sendable {
        public var item: Item
        /// The events to render, as the REPL would; includes a `.step` for a pending `#: step`.
        public var events: [ScriptEvent]
        /// The file's `#=> ` lines and what the statement prints now.
        public var expected: [String]
        public var actual: [String]
        public var matches: Bool
        /// The scatter this statement plays (also among `events`), if a `#: step` asked for it.
        public var step: StepRequest?

        /// For a difference: where, then both texts (`recorded:` and `now:`); nil when it matches.
        public var difference: String? {
            guard !matches else { return nil }
            var lines = ["\(item.statement.line): output differs from the recording: \(item.statement.text.split(separator: "\n").first ?? "")"]
            lines.append("  recorded:")
            lines += expected.isEmpty ? ["    (nothing)"] : expected.map { "    " + $0 }
            lines.append("  now:")
            lines += actual.isEmpty ? ["    (nothing)"] : actual.map { "    " + $0 }
            return lines.joined(separator: "\n")
        }
    }

    /// The directive names this tconv knows.
    public static let knownDirectives = ["marker", "say", "pause", "step"]

    /// File name used in diagnostics.
    public let source: String
    /// The header's version, or 1 for a file without a header.
    public let version: Int
    /// Whether the file starts with a `# tconv session vN` header.
    public let hasHeader: Bool
    public let items: [Item]
    /// Directives after the last statement (a closing `#: say`, a final marker).
    public let trailingDirectives: [SessionFile.Directive]
    /// Number of statements that have run (the next one to run is `items[cursor]`).
    public private(set) var cursor = 0
    /// The session holding the state after `cursor` statements.
    public private(set) var session: ScriptSession
    private let options: SessionOptions
    /// A `#: step` seen whose transposed convolution has not run yet.
    private var stepPending = false

    /// Reads a file's text. Throws for a header from a newer tconv or an unreadable header.
    public init(text: String, source: String, options: SessionOptions = SessionOptions(allowWrites: false)) throws(SessionFileError) {
        let file = try SessionFile.parse(text, source: source)
        var items = [Item]()
        var waiting = [SessionFile.Directive]()
        for entry in file.items {
            switch entry {
            case .directive(let d): waiting.append(d)
            case .statement(let s):
                items.append(Item(index: items.count, statement: s, directives: waiting))
                waiting = []
            }
        }
        self.source = source
        self.version = file.version ?? 1
        self.hasHeader = file.version != nil
        self.items = items
        self.trailingDirectives = waiting
        var sessionOptions = options
        sessionOptions.sourceName = source
        self.options = sessionOptions
        self.session = ScriptSession(options: sessionOptions)
    }

    /// Reads the file at `path` (its name is the source in diagnostics).
    public convenience init(contentsOf path: String, options: SessionOptions = SessionOptions(allowWrites: false)) throws(SessionFileError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SessionFileError(message: "cannot read \(path) (no such file, or not readable)", source: path, line: 1, sourceLine: "")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw SessionFileError(message: "\(path) is not UTF-8 text", source: path, line: 1, sourceLine: "")
        }
        try self.init(text: text, source: path, options: options)
    }

    public var count: Int { items.count }
    public var isAtEnd: Bool { cursor >= items.count }
    /// The statement that runs next (nil at the end).
    public var current: Item? { cursor < items.count ? items[cursor] : nil }
    /// Narration to show before the next statement (at the end: the closing narration).
    public var narration: [String] {
        current?.narration ?? trailingDirectives.filter { $0.name == "say" }.map(\.argument)
    }

    /// Every marker with the statement it leads to (`statement == count` for a marker at the end).
    public var markers: [(label: String, statement: Int)] {
        items.flatMap { item in item.markers.map { (label: $0, statement: item.index) } }
            + trailingDirectives.filter { $0.name == "marker" }.map { (label: $0.argument, statement: items.count) }
    }

    // MARK: - Moving

    /// Runs the next statement; nil at the end.
    @discardableResult
    public func runNext() -> Outcome? {
        guard cursor < items.count else { return nil }
        let outcome = run(items[cursor])
        cursor += 1
        return outcome
    }

    /// Steps back one statement: rebuilds the state after `cursor - 1` statements. Returns the
    /// outcomes of the statements re-run (the last one is what the screen showed there).
    @discardableResult
    public func back() -> [Outcome] {
        guard cursor > 0 else { return [] }
        return go(to: cursor - 1)
    }

    /// Moves so that `statement` statements have run (clamped to `0...count`): forward by running
    /// the statements in between, backward by rebuilding from the start. Returns the outcomes of
    /// the statements run.
    @discardableResult
    public func go(to statement: Int) -> [Outcome] {
        let target = max(0, min(statement, items.count))
        if target < cursor { restart() }
        var outcomes = [Outcome]()
        while cursor < target, let outcome = runNext() { outcomes.append(outcome) }
        return outcomes
    }

    /// Goes to the first marker called `label` (the state just before its statement); nil when no
    /// marker has that label.
    @discardableResult
    public func jump(toMarker label: String) -> [Outcome]? {
        guard let marker = markers.first(where: { $0.label == label }) else { return nil }
        return go(to: marker.statement)
    }

    /// Goes to the next marker after the cursor; nil when there is none.
    @discardableResult
    public func nextMarker() -> [Outcome]? {
        guard let marker = markers.first(where: { $0.statement > cursor }) else { return nil }
        return go(to: marker.statement)
    }

    /// Goes to the last marker before the cursor; nil when there is none.
    @discardableResult
    public func previousMarker() -> [Outcome]? {
        guard let marker = markers.last(where: { $0.statement < cursor }) else { return nil }
        return go(to: marker.statement)
    }

    /// Runs statements until the next one that has a `#: pause` before it (or the end). The first
    /// statement runs even when it has a pause (the user pressed play there).
    @discardableResult
    public func runToPause() -> [Outcome] {
        var outcomes = [Outcome]()
        while let item = current {
            if !outcomes.isEmpty && item.pausesBefore { break }
            guard let outcome = runNext() else { break }
            outcomes.append(outcome)
        }
        return outcomes
    }

    /// A fresh session with nothing run.
    public func restart() {
        session = ScriptSession(options: options)
        cursor = 0
        stepPending = false
    }

    private func run(_ item: Item) -> Outcome {
        for d in item.directives { session.noteDirective(d) }
        if item.requestsStep { stepPending = true }
        let interpreter = session.interpreter
        let callsBefore = interpreter.opCallCount
        let input = SourceText(item.statement.text, name: source, firstLine: item.statement.line)
        var (events, _) = session.runInput(input, expectedOutput: item.statement.recorded, recordHistory: true)
        var step: StepRequest? = nil
        if stepPending {
            if let request = events.lazy.compactMap({ if case .step(let s) = $0 { return s } else { return nil } }).first {
                step = request
                stepPending = false
            } else if interpreter.opCallCount != callsBefore, let request = interpreter.lastOpCall?.stepRequest {
                step = request
                events.append(.step(request))
                stepPending = false
            }
        }
        let actual = SessionFile.outputLines(events)
        return Outcome(item: item, events: events, expected: item.statement.recorded, actual: actual,
                       matches: SessionFile.matches(expected: item.statement.recorded, actual: actual), step: step)
    }
}
