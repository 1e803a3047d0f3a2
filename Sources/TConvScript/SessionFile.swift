/// A `.tconv` session or lesson file: a versioned header line, statements (one input per line,
/// continued while a bracket is open), `#` comments, recorded output as `#=> ` lines after the
/// statement that produced it, and `#: name argument` directives (`#: marker`, `#: say`,
/// `#: pause`, `#: step`) for players.
///
///     # tconv session v1
///     x = tf.constant([[1., 2.], [3., 4.]])
///     x.shape
///     #=> (2, 2)
///
/// Recorded output: values and text line by line, notes as `note: ...`, errors as
/// `error[category]: message` followed by their notes. `show`/`step`/setting events record
/// nothing. When replaying, an expected `error[...]` line matches any actual error line that
/// starts with it (its notes may be left out).
public struct SessionFile: Sendable {
    /// The format version this tconv writes and the newest it reads.
    public static let currentVersion = 1
    /// The first line of every file tconv writes.
    public static let header = "# tconv session v\(currentVersion)"

    /// One input of the file.
    public struct Statement: Sendable {
        /// 1-based line of its first physical line.
        public var line: Int
        /// The input (several lines for a continued statement).
        public var text: String
        /// Its recorded output (`#=> ` lines, prefix removed), in order.
        public var recorded: [String]
        /// Line of the first `#=>` line, if any.
        public var recordedLine: Int?
    }

    /// A `#: name argument` line.
    public struct Directive: Sendable {
        public var line: Int
        /// `marker`, `say`, `pause`, `step`, ...
        public var name: String
        public var argument: String
    }

    public enum Item: Sendable {
        case statement(Statement)
        case directive(Directive)
    }

    /// The version the header declares (nil when the file has no header).
    public var version: Int?
    public var items: [Item]

    public var statements: [Statement] {
        items.compactMap { if case .statement(let s) = $0 { return s } else { return nil } }
    }

    public var directives: [Directive] {
        items.compactMap { if case .directive(let d) = $0 { return d } else { return nil } }
    }

    /// Splits a file into statements, recorded outputs and directives. Throws for a header that
    /// declares a newer version than `currentVersion` or that cannot be read.
    public static func parse(_ text: String, source: String) throws(SessionFileError) -> SessionFile {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            line.hasSuffix("\r") ? String(line.dropLast()) : String(line)
        }
        if let first = lines.first, first.hasPrefix("\u{FEFF}") { lines[0] = String(first.dropFirst()) }
        var file = SessionFile(version: nil, items: [])
        if let first = lines.first?.trimmingCharacters(), first.hasPrefix("# tconv session") {
            let rest = String(first.dropFirst("# tconv session".count)).trimmingCharacters()
            guard rest.hasPrefix("v"), let version = Int(rest.dropFirst()), version >= 1 else {
                throw SessionFileError(message: "unreadable session header '\(first)' (expected '\(header)')", source: source, line: 1,
                                       sourceLine: first)
            }
            guard version <= currentVersion else {
                throw SessionFileError(message: "this file is a tconv session v\(version); this tconv reads up to v\(currentVersion) (a newer tconv wrote it)",
                                       source: source, line: 1, sourceLine: first)
            }
            file.version = version
        }
        var pending = [String]()
        var pendingLine = 0
        var lastStatement: Int? = nil
        func flush() {
            guard !pending.isEmpty else { return }
            file.items.append(.statement(Statement(line: pendingLine, text: pending.joined(separator: "\n"), recorded: [], recordedLine: nil)))
            lastStatement = file.items.count - 1
            pending = []
        }
        for (index, raw) in lines.enumerated() {
            let number = index + 1
            if !pending.isEmpty {
                pending.append(raw)
                switch Input.status(pending.joined(separator: "\n")) {
                case .complete: flush()
                case .incomplete(let openBracket):
                    if raw.trimmingCharacters().isEmpty && !openBracket { flush() }
                }
                continue
            }
            let trimmed = raw.trimmingCharacters()
            if trimmed.isEmpty { continue }
            if trimmed.hasPrefix("#=>") {
                var output = String(trimmed.dropFirst(3))
                if output.hasPrefix(" ") { output.removeFirst() }
                // Keep the recorded text exactly (leading spaces matter in numpy output).
                if let range = raw.range(of: "#=>") {
                    output = String(raw[range.upperBound...])
                    if output.hasPrefix(" ") { output.removeFirst() }
                }
                if let i = lastStatement, case .statement(var s) = file.items[i] {
                    if s.recordedLine == nil { s.recordedLine = number }
                    s.recorded.append(output.trailingSpacesRemoved)
                    file.items[i] = .statement(s)
                }
                continue
            }
            if trimmed.hasPrefix("#:") {
                let body = String(trimmed.dropFirst(2)).trimmingCharacters()
                let name = String(body.prefix { !$0.isWhitespace })
                let argument = String(body.dropFirst(name.count)).trimmingCharacters()
                file.items.append(.directive(Directive(line: number, name: name, argument: argument)))
                continue
            }
            if trimmed.hasPrefix("#") { continue }
            pending = [Input.stripPrompt(raw)]
            pendingLine = number
            if Input.status(pending[0]) == .complete { flush() }
        }
        flush()
        return file
    }

    // MARK: - Recorded output

    /// The session-file lines of events (without `#=> `), trailing spaces removed.
    public static func outputLines(_ events: [ScriptEvent]) -> [String] {
        var lines = [String]()
        for event in events {
            switch event {
            case .value(let s), .text(let s):
                lines += s.split(separator: "\n", omittingEmptySubsequences: false).map { String($0).trailingSpacesRemoved }
            case .note(let s):
                lines.append(("note: " + s).trailingSpacesRemoved)
            case .error(let d):
                lines.append(errorLine(d))
                lines += d.notes.map { ("note: " + $0).trailingSpacesRemoved }
            case .show, .step, .setting, .quit:
                break
            }
        }
        return lines
    }

    /// `error[category]: message`: a diagnostic as a session file records it (no place, which
    /// differs between runs of the same statement).
    public static func errorLine(_ d: ScriptDiagnostic) -> String {
        "error[\(d.category)]: \(d.message)".trailingSpacesRemoved
    }

    /// Whether recorded output matches what a statement produces now: line for line, except
    /// that an expected `error[...]` line matches an actual line it is a prefix of, and the notes
    /// after an error may be omitted from the expected lines.
    public static func matches(expected: [String], actual: [String]) -> Bool {
        let e = expected.map(\.trailingSpacesRemoved), a = actual.map(\.trailingSpacesRemoved)
        var i = 0, j = 0
        while i < e.count {
            guard j < a.count else { return false }
            if e[i].hasPrefix("error[") {
                guard a[j].hasPrefix(e[i]) else { return false }
                i += 1
                j += 1
                if i == e.count || !e[i].hasPrefix("note: ") {
                    while j < a.count, a[j].hasPrefix("note: ") { j += 1 }
                }
                continue
            }
            guard e[i] == a[j] else { return false }
            i += 1
            j += 1
        }
        return j == a.count
    }

    /// A whole session as file text: the header, then each input followed by its output as
    /// `#=> ` lines.
    public static func render(_ entries: [(text: String, output: [String])]) -> String {
        var lines = [header]
        for entry in entries {
            lines.append(entry.text)
            lines += entry.output.map { $0.isEmpty ? "#=>" : "#=> " + $0 }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: - Replay

    /// How one statement of a replayed file compares with its recorded output.
    public struct ReplayResult: Sendable {
        public var line: Int
        public var text: String
        public var expected: [String]
        public var actual: [String]
        public var matches: Bool
    }

    /// Runs a file statement by statement in a fresh session and compares each statement's
    /// output with its `#=>` lines. A header error is returned as `fileError`.
    public static func replay(_ text: String, source: String,
                              options: SessionOptions = SessionOptions(allowWrites: false)) -> (results: [ReplayResult], fileError: ScriptDiagnostic?) {
        let file: SessionFile
        do { file = try parse(text, source: source) } catch { return ([], error.diagnostic) }
        var sessionOptions = options
        sessionOptions.sourceName = source
        let session = ScriptSession(options: sessionOptions)
        var results = [ReplayResult]()
        for statement in file.statements {
            let input = SourceText(statement.text, name: source, firstLine: statement.line)
            let (events, _) = session.runInput(input, expectedOutput: statement.recorded, recordHistory: true)
            let actual = outputLines(events)
            results.append(ReplayResult(line: statement.line, text: statement.text, expected: statement.recorded, actual: actual,
                                        matches: matches(expected: statement.recorded, actual: actual)))
        }
        return (results, nil)
    }

    /// The file with every statement's `#=>` lines replaced by what it produces now (how lesson
    /// outputs are recorded; review them before committing).
    public static func record(_ text: String, source: String, options: SessionOptions = SessionOptions(allowWrites: false)) -> String {
        let (results, fileError) = replay(text, source: source, options: options)
        if fileError != nil { return text }
        var outputByLine = [Int: [String]]()
        for r in results { outputByLine[r.line] = r.actual }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let file = try? parse(text, source: source) else { return text }
        var lastLineOfStatement = [Int: Int]()
        for s in file.statements { lastLineOfStatement[s.line + s.text.split(separator: "\n", omittingEmptySubsequences: false).count - 1] = s.line }
        var out = [String]()
        for (index, line) in lines.enumerated() {
            if line.trimmingCharacters().hasPrefix("#=>") { continue }
            out.append(line)
            if let start = lastLineOfStatement[index + 1], let output = outputByLine[start] {
                out += output.map { $0.isEmpty ? "#=>" : "#=> " + $0 }
            }
        }
        return out.joined(separator: "\n")
    }
}

/// A session file that cannot be read (a newer version, a broken header).
public struct SessionFileError: Error, Sendable {
    public var message: String
    public var source: String
    public var line: Int
    public var sourceLine: String

    /// As an `io` diagnostic.
    public var diagnostic: ScriptDiagnostic {
        ScriptDiagnostic(category: "io", message: message, source: source, line: line, column: 1,
                         length: max(1, sourceLine.count), sourceLine: sourceLine)
    }
}

extension String {
    var trailingSpacesRemoved: String {
        var s = self
        while let last = s.last, last == " " || last == "\t" { s.removeLast() }
        return s
    }
}
