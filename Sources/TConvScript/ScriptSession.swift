import Synchronization
import TConvEngine

/// Options a front end sets when it opens a session.
public struct SessionOptions: Sendable {
    /// Whether `np.save`, `%save` and other writes are allowed (replayed files from others: no).
    public var allowWrites: Bool
    /// Name used in diagnostics for interactive input.
    public var sourceName: String
    /// Digits after the point when printing (numpy's default 8).
    public var precision: Int
    /// Largest array any statement may create, in bytes (the engine's 4 GiB by default).
    public var maxResultBytes: Int64
    /// When writes are not allowed: asked before each write with a one-line question naming the
    /// file (`np.save would write 'y.npy'. Allow?`); true lets that one write happen. nil: every
    /// write is refused with an `io` error that says how to allow writes (`--allow-writes`).
    public var confirmWrite: (@Sendable (String) -> Bool)?

    public init(allowWrites: Bool = true, sourceName: String = "<stdin>", precision: Int = 8,
                maxResultBytes: Int64 = EngineLimits.default.maxResultBytes, confirmWrite: (@Sendable (String) -> Bool)? = nil) {
        self.allowWrites = allowWrites
        self.confirmWrite = confirmWrite
        self.sourceName = sourceName
        self.precision = precision
        self.maxResultBytes = maxResultBytes
    }
}

/// One accepted input of the session (it parsed), with what it printed.
public struct HistoryEntry: Sendable {
    /// The input as typed (several lines for a continued statement), prompts stripped.
    public var text: String
    /// False when it ended with an error.
    public var succeeded: Bool
    /// Its output as session-file lines (without the `#=> ` prefix).
    public var output: [String]
    /// Whether `%save` writes it (meta commands such as `%history` are left out).
    public var saved: Bool
    /// Markers (`#: marker`) and narration (`#: say`) that came before it in a replayed or
    /// `%load`ed file; `%export md` writes them.
    public var markers: [String] = []
    public var narration: [String] = []
}

/// A REPL session: variables, history of accepted statements, settings. The front ends drive it
/// line by line with `submit`; scripts run through `runScript`.
///
/// Threading: one thread calls `submit`/`runScript`/`completions`; any other thread may read
/// `currentComputation` and call `cancel()` on it (Ctrl-C). A cancelled statement ends with an
/// error event of category `cancelled` and the session goes on.
///
/// Errors: every failure is an `.error` event. For `tconv run`, errors that the file itself
/// records as expected output (`#=> error[...]` after the statement) have
/// `ScriptDiagnostic.expected == true`; `unexpectedErrorCount` counts the others (exit 1 when
/// it is non-zero).
public final class ScriptSession: @unchecked Sendable {
    public let options: SessionOptions
    let interpreter: Interpreter

    /// Physical lines of an unfinished input.
    private var pending: [String] = []
    private var pendingFirstLine = 1
    /// Physical lines submitted so far (diagnostics for `<stdin>` count lines over the session).
    private var lineCounter = 0
    /// Accepted inputs, oldest first.
    public internal(set) var history: [HistoryEntry] = []
    /// Errors not anticipated by a `#=> error[...]` line, since the session started.
    public internal(set) var unexpectedErrorCount = 0
    /// Nesting of `%run` / `%load`, to refuse a file that runs itself.
    var runDepth = 0
    /// Markers and narration waiting for the next input that joins the history.
    var pendingMarkers: [String] = []
    var pendingNarration: [String] = []

    private let running = Mutex<ComputeControl?>(nil)

    public init(options: SessionOptions = SessionOptions()) {
        self.options = options
        self.interpreter = Interpreter(options: options)
    }

    /// Feeds one physical line typed at the prompt (prefixes like `>>> ` already allowed).
    public func submit(_ line: String) -> SubmitResult {
        let line = Input.stripPrompt(line)
        lineCounter += 1
        if pending.isEmpty {
            pendingFirstLine = lineCounter
            if line.trimmingCharacters().isEmpty { return .done([]) }
        }
        pending.append(line)
        let text = pending.joined(separator: "\n")
        if case .incomplete(let openBracket) = Input.status(text) {
            let blank = line.trimmingCharacters().isEmpty
            if !blank || openBracket { return .needsMore }
        }
        pending = []
        let source = SourceText(text, name: options.sourceName, firstLine: pendingFirstLine)
        let (events, _) = runInput(source, expectedOutput: nil, recordHistory: true)
        return .done(events)
    }

    /// Drops a partly entered statement (Ctrl-C at a `...> ` prompt).
    public func cancelPendingInput() { pending = [] }

    /// True while a statement is unfinished (the front end shows `...> `).
    public var hasPendingInput: Bool { !pending.isEmpty }

    /// Runs a whole script (`tconv run`, `%run`); events in order. `source` names it in
    /// diagnostics. A statement that fails does not stop the script (a cancelled one does);
    /// `#=>` lines are ignored except to mark errors the file expects.
    public func runScript(_ text: String, source: String) -> [ScriptEvent] {
        let file: SessionFile
        do {
            file = try SessionFile.parse(text, source: source)
        } catch {
            unexpectedErrorCount += 1
            return [.error(error.diagnostic)]
        }
        var events = [ScriptEvent]()
        for statement in file.statements {
            let input = SourceText(statement.text, name: source, firstLine: statement.line)
            let (produced, outcome) = runInput(input, expectedOutput: statement.recorded, recordHistory: false)
            events += produced
            if outcome == .cancelled { break }
        }
        return events
    }

    /// Completion candidates for the text before `cursor` in `line`: the offset (in Characters)
    /// where the replaced word starts, and the candidates.
    public func completions(for line: String, cursor: Int) -> (replaceFrom: Int, candidates: [String]) {
        Completion.complete(line, cursor: cursor, interpreter: interpreter)
    }

    /// The computation running right now, if any; another thread may call `cancel()` on it (Ctrl-C).
    public var currentComputation: ComputeControl? { running.withLock { $0 } }

    /// Numeric print precision now in effect (`%precision`).
    public var precision: Int { interpreter.printOptions.precision }

    /// Names and one-line descriptions of the user's variables (as `%vars` lists them).
    public var variableNames: [String] { interpreter.variableOrder }

    // MARK: - Running one input

    enum Outcome: Equatable { case ok, failed, cancelled }

    /// Runs one input (one or more statements, or a meta command). `expectedOutput`: the
    /// `#=>` lines a file recorded for it, used only to mark expected errors.
    func runInput(_ source: SourceText, expectedOutput: [String]?, recordHistory: Bool) -> ([ScriptEvent], Outcome) {
        let text = source.text(Span(0, source.characters.count))
        var events = [ScriptEvent]()
        var outcome = Outcome.ok
        var saved = true
        if let meta = Input.metaCommand(text) {
            let result = runMeta(meta.name, meta.argument, source: source)
            events = result.events
            saved = result.saved
            if events.contains(where: { if case .error = $0 { return true } else { return false } }) { outcome = .failed }
        } else {
            let statements: [Statement]
            do {
                statements = try Parser.parse(source)
            } catch {
                events.append(.error(source.diagnostic(error)))
                return (finish(events, expectedOutput), .failed)
            }
            for statement in statements {
                let (produced, ok) = execute(statement, source: source)
                events += produced
                if !ok {
                    outcome = produced.contains(where: { if case .error(let d) = $0 { return d.category == "cancelled" } else { return false } })
                        ? .cancelled : .failed
                    break
                }
            }
        }
        events = finish(events, expectedOutput)
        if recordHistory {
            history.append(HistoryEntry(text: text, succeeded: outcome == .ok, output: SessionFile.outputLines(events), saved: saved,
                                        markers: pendingMarkers, narration: pendingNarration))
            pendingMarkers = []
            pendingNarration = []
        }
        return (events, outcome)
    }

    /// Marks errors the file expected and counts the others.
    private func finish(_ events: [ScriptEvent], _ expectedOutput: [String]?) -> [ScriptEvent] {
        let expectedErrors = (expectedOutput ?? []).filter { $0.hasPrefix("error[") }
        return events.map { event in
            guard case .error(var d) = event else { return event }
            if expectedErrors.contains(where: { SessionFile.errorLine(d).hasPrefix($0) }) {
                d.expected = true
            } else {
                unexpectedErrorCount += 1
            }
            return .error(d)
        }
    }

    /// Runs one statement with a fresh cancellation control; returns its events and success.
    func execute(_ statement: Statement, source: SourceText) -> ([ScriptEvent], Bool) {
        let control = ComputeControl()
        running.withLock { $0 = control }
        defer { running.withLock { $0 = nil } }
        interpreter.control = control
        interpreter.events = []
        interpreter.source = source
        var events = [ScriptEvent]()
        do {
            let value = try interpreter.execute(statement)
            let (notes, others) = split(interpreter.events)
            events += others
            if let value, !statement.suppressed, !value.isNone {
                events.append(.value(Printing.repr(value, options: interpreter.printOptions)))
            }
            if let value, case .expression = statement.kind, !value.isNone { interpreter.lastValue = value }
            events += notes
            return (events, true)
        } catch {
            let (notes, others) = split(interpreter.events)
            events += others + notes
            events.append(.error(source.diagnostic(error)))
            return (events, false)
        }
    }

    private func split(_ events: [ScriptEvent]) -> (notes: [ScriptEvent], others: [ScriptEvent]) {
        var notes = [ScriptEvent](), others = [ScriptEvent]()
        for e in events {
            if case .note = e { notes.append(e) } else { others.append(e) }
        }
        return (notes, others)
    }

    /// Runs code given to a meta command (`%timeit`, `%shapes`, ...) as statements of `source`,
    /// whose text starts at `offset`.
    func withControl<T>(_ body: (ComputeControl) throws(ScriptError) -> T) throws(ScriptError) -> T {
        let control = ComputeControl()
        running.withLock { $0 = control }
        defer { running.withLock { $0 = nil } }
        interpreter.control = control
        return try body(control)
    }
}
