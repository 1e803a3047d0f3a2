/// A range of one input's text, in Character offsets `[start, end)`.
struct Span: Sendable, Equatable {
    var start: Int
    var end: Int

    init(_ start: Int, _ end: Int) {
        self.start = start
        self.end = max(end, start)
    }

    /// The smallest span covering both.
    func union(_ other: Span) -> Span { Span(min(start, other.start), max(end, other.end)) }
}

/// The text of one input (a REPL entry or a statement of a file), with where it sits in its
/// source, so that errors can name a line and column and show the line with a caret.
struct SourceText: Sendable {
    /// File name, or `<stdin>`.
    let name: String
    let characters: [Character]
    /// Line number (1-based) of the first character in the whole source.
    let firstLine: Int
    /// Offsets where each physical line starts.
    private let lineStarts: [Int]

    init(_ text: String, name: String, firstLine: Int = 1) {
        self.name = name
        self.characters = Array(text)
        self.firstLine = firstLine
        var starts = [0]
        for (i, c) in characters.enumerated() where c == "\n" || c == "\r\n" { starts.append(i + 1) }
        self.lineStarts = starts
    }

    /// The text of a span.
    func text(_ span: Span) -> String {
        let lo = max(0, min(span.start, characters.count)), hi = max(lo, min(span.end, characters.count))
        return String(characters[lo..<hi])
    }

    /// Line index (0-based, within this input) holding `offset`.
    func lineIndex(of offset: Int) -> Int {
        var lo = 0, hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= offset { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }

    /// The text of line `index` (0-based, within this input), without its newline.
    func lineText(_ index: Int) -> String {
        guard index >= 0, index < lineStarts.count else { return "" }
        let start = lineStarts[index]
        var end = index + 1 < lineStarts.count ? lineStarts[index + 1] : characters.count
        while end > start, characters[end - 1] == "\n" || characters[end - 1] == "\r\n" || characters[end - 1] == "\r" { end -= 1 }
        return String(characters[start..<end])
    }

    /// A diagnostic for `error`, located at its span (or at the start when it has none).
    func diagnostic(_ error: ScriptError) -> ScriptDiagnostic {
        let span = error.span ?? Span(0, 1)
        let offset = min(max(0, span.start), max(0, characters.count))
        let index = lineIndex(of: offset)
        let lineStart = lineStarts[index]
        let text = lineText(index)
        let column = offset - lineStart + 1
        let available = max(1, text.count - (column - 1))
        let length = max(1, min(span.end - span.start, available))
        return ScriptDiagnostic(category: error.category, message: error.message, source: name, line: firstLine + index,
                                column: column, length: length, sourceLine: text, notes: error.notes)
    }
}

/// A language or engine error inside the evaluator, with the span it concerns. Converted to a
/// `ScriptDiagnostic` (file, line, column, caret) by the statement that ran it.
struct ScriptError: Error, Sendable {
    /// `syntax`, `name`, `type`, `value`, `io`, `cancelled`, or an engine category.
    var category: String
    var message: String
    var span: Span?
    var notes: [String] = []
    /// Input ended where more was expected: the REPL asks for a continuation line.
    var incomplete = false

    init(_ category: String, _ message: String, span: Span? = nil, notes: [String] = [], incomplete: Bool = false) {
        self.category = category
        self.message = message
        self.span = span
        self.notes = notes
        self.incomplete = incomplete
    }

    static func syntax(_ message: String, _ span: Span?, notes: [String] = []) -> ScriptError {
        ScriptError("syntax", message, span: span, notes: notes)
    }
    static func name(_ message: String, _ span: Span?, notes: [String] = []) -> ScriptError {
        ScriptError("name", message, span: span, notes: notes)
    }
    static func type(_ message: String, _ span: Span?, notes: [String] = []) -> ScriptError {
        ScriptError("type", message, span: span, notes: notes)
    }
    static func value(_ message: String, _ span: Span?, notes: [String] = []) -> ScriptError {
        ScriptError("value", message, span: span, notes: notes)
    }
    static func io(_ message: String, _ span: Span?, notes: [String] = []) -> ScriptError {
        ScriptError("io", message, span: span, notes: notes)
    }

    /// The same error located at `span` if it has no place yet.
    func located(_ span: Span) -> ScriptError {
        var copy = self
        if copy.span == nil { copy.span = span }
        return copy
    }
}

/// Closest candidate to a misspelt name (edit distance at most 2, or a shared prefix), for
/// "did you mean" notes.
func closestName(to name: String, in candidates: [String]) -> String? {
    let target = Array(name.lowercased())
    var best: (String, Int)? = nil
    for candidate in candidates where candidate != name {
        let c = Array(candidate.lowercased())
        guard abs(c.count - target.count) <= 2 else { continue }
        let d = editDistance(target, c)
        guard d <= (target.count <= 3 ? 1 : 2) else { continue }
        if let current = best, current.1 <= d { continue }
        best = (candidate, d)
    }
    return best?.0
}

private func editDistance(_ a: [Character], _ b: [Character]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = previous
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}
