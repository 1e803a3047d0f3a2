/// One token of TConvScript (a Python expression subset).
enum TokenKind: Equatable, Sendable {
    case name(String)
    case int(Int64)
    case float(Double)
    case string(String)
    /// Punctuation and operators: `( ) [ ] , : ; . = + - * / // % ** += -= *= /= ...` and the
    /// comparison operators (recognised only to refuse them clearly).
    case op(String)
    /// End of a logical line at bracket depth 0.
    case newline
    case end
}

struct Token: Sendable {
    var kind: TokenKind
    var span: Span
}

/// Splits an input into tokens. Newlines inside brackets, comments and `\`-continuations are
/// skipped; an input that ends inside brackets or after a `\` is reported as unfinished so that
/// the REPL can ask for a continuation line.
struct Lexer {
    /// Brackets still open at the end, innermost last, with their offsets.
    private(set) var openBrackets: [(Character, Int)] = []
    /// The input ended with a `\` line continuation.
    private(set) var endsWithBackslash = false

    private let chars: [Character]
    private var i = 0
    private var tokens: [Token] = []

    init(_ characters: [Character]) { self.chars = characters }

    /// Longest operators first, so that `**=` is not read as `*` `*=`.
    private static let operators = ["**=", "//=", "...", "**", "//", "+=", "-=", "*=", "/=", "%=", "@=", "==", "!=",
                                    "<=", ">=", "->", ":=", "<<", ">>",
                                    "(", ")", "[", "]", "{", "}", ",", ":", ";", ".", "=", "+", "-", "*", "/", "%", "@",
                                    "<", ">", "&", "|", "^", "~"]

    /// Tokenises the whole input. Throws a `syntax` error for characters and literals it cannot
    /// read; an unterminated string is an error, not an unfinished input (as in Python).
    mutating func tokenize() throws(ScriptError) -> [Token] {
        while i < chars.count {
            let c = chars[i]
            if c == "\n" || c == "\r\n" || c == "\r" {
                // A line ending in an operator or a comma continues on the next line.
                if openBrackets.isEmpty, let last = tokens.last, last.kind != .newline, !Self.continues(last.kind) {
                    tokens.append(Token(kind: .newline, span: Span(i, i + 1)))
                }
                i += 1
            } else if c == " " || c == "\t" || c == "\u{0C}" {
                i += 1
            } else if c == "#" {
                while i < chars.count, !isNewline(chars[i]) { i += 1 }
            } else if c == "\\" {
                var j = i + 1
                while j < chars.count, chars[j] == " " || chars[j] == "\t" { j += 1 }
                if j == chars.count {
                    endsWithBackslash = true
                    i = j
                } else if isNewline(chars[j]) {
                    i = j + 1
                } else {
                    throw .syntax("unexpected character after line continuation character", Span(i, i + 1))
                }
            } else if c.isNumber && c.isASCII || (c == "." && i + 1 < chars.count && chars[i + 1].isASCII && chars[i + 1].isNumber) {
                try number()
            } else if isIdentifierStart(c) {
                let start = i
                while i < chars.count, isIdentifierPart(chars[i]) { i += 1 }
                let word = String(chars[start..<i])
                if i < chars.count, chars[i] == "\"" || chars[i] == "'", let prefix = stringPrefix(word) {
                    try string(start: start, prefix: prefix)
                } else {
                    tokens.append(Token(kind: .name(word), span: Span(start, i)))
                }
            } else if c == "\"" || c == "'" {
                try string(start: i, prefix: "")
            } else {
                try punctuation()
            }
        }
        tokens.append(Token(kind: .end, span: Span(chars.count, chars.count)))
        return tokens
    }

    /// Tokens after which an expression cannot end: a newline after them is a continuation.
    private static func continues(_ kind: TokenKind) -> Bool {
        guard case .op(let o) = kind else { return false }
        return [",", "+", "-", "*", "/", "//", "%", "**", "@", ".", "=", "+=", "-=", "*=", "/=", "//=", "%=", "**="].contains(o)
    }

    private func isNewline(_ c: Character) -> Bool { c == "\n" || c == "\r\n" || c == "\r" }

    private func isIdentifierStart(_ c: Character) -> Bool { c == "_" || c.isLetter }
    private func isIdentifierPart(_ c: Character) -> Bool { c == "_" || c.isLetter || c.isNumber }

    /// Python string prefixes tconv understands (`r`, `b` are read as plain strings; `f` is refused).
    private func stringPrefix(_ word: String) -> String? {
        let lower = word.lowercased()
        return ["r", "u", "b", "f", "rb", "br", "fr", "rf"].contains(lower) ? lower : nil
    }

    private mutating func punctuation() throws(ScriptError) {
        let start = i
        for candidate in Self.operators {
            let n = candidate.count
            guard start + n <= chars.count, String(chars[start..<(start + n)]) == candidate else { continue }
            i += n
            switch candidate {
            case "(", "[", "{": openBrackets.append((chars[start], start))
            case ")", "]", "}":
                let want: Character = candidate == ")" ? "(" : candidate == "]" ? "[" : "{"
                guard let open = openBrackets.last else {
                    throw .syntax("unmatched '\(candidate)'", Span(start, i))
                }
                guard open.0 == want else {
                    throw .syntax("closing '\(candidate)' does not match the opening '\(open.0)'", Span(start, i))
                }
                openBrackets.removeLast()
            default: break
            }
            tokens.append(Token(kind: .op(candidate), span: Span(start, i)))
            return
        }
        let c = chars[start]
        let shown = c.unicodeScalars.first.map { $0.value < 32 || $0.value == 127 ? scalarName($0.value) : "'\(c)'" } ?? "'\(c)'"
        throw .syntax("invalid character \(shown) in input", Span(start, start + 1))
    }

    private mutating func number() throws(ScriptError) {
        let start = i
        func digits(_ allowed: (Character) -> Bool) -> String {
            var text = ""
            while i < chars.count, allowed(chars[i]) || (chars[i] == "_" && !text.isEmpty) {
                if chars[i] != "_" { text.append(chars[i]) }
                i += 1
            }
            return text
        }
        let isDigit: (Character) -> Bool = { $0.isASCII && $0.isNumber }
        // 0x / 0o / 0b integers.
        if chars[i] == "0", i + 1 < chars.count, let radix = ["x": 16, "X": 16, "o": 8, "O": 8, "b": 2, "B": 2][chars[i + 1]] {
            i += 2
            let text = digits { $0.isHexDigit }
            guard !text.isEmpty, let value = Int64(text, radix: radix) else {
                throw .syntax(text.isEmpty ? "invalid number literal" : "integer literal \(String(chars[start..<i])) is too large (tconv's ints are 64-bit)",
                              Span(start, i))
            }
            try finishNumber(start: start, kind: .int(value))
            return
        }
        var text = digits(isDigit)
        var isFloat = false
        if i < chars.count, chars[i] == "." {
            // `1.` and `1.5` are floats; `1..` is not our business.
            isFloat = true
            text.append(".")
            i += 1
            text += digits(isDigit)
        }
        if i < chars.count, chars[i] == "e" || chars[i] == "E" {
            var j = i + 1
            if j < chars.count, chars[j] == "+" || chars[j] == "-" { j += 1 }
            if j < chars.count, isDigit(chars[j]) {
                isFloat = true
                text.append("e")
                if chars[i + 1] == "-" { text.append("-") }
                i = j
                text += digits(isDigit)
            }
        }
        if i < chars.count, chars[i] == "j" || chars[i] == "J" {
            i += 1
            throw .syntax("complex numbers are not supported", Span(start, i))
        }
        if isFloat {
            // Python reads 1e999 as inf; so do we. Very long mantissas are fine for strtod.
            let value = Double(text) ?? (text.contains("e") ? Self.overflowed(text) : .nan)
            guard !value.isNaN else { throw .syntax("invalid number literal \(text)", Span(start, i)) }
            try finishNumber(start: start, kind: .float(value))
        } else {
            if text.count > 1, text.first == "0", text.contains(where: { $0 != "0" }) {
                throw .syntax("leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers",
                              Span(start, i))
            }
            guard let value = Int64(text) else {
                throw ScriptError.value("integer literal \(text.count > 30 ? String(text.prefix(12)) + "…(\(text.count) digits)" : text) is too large (tconv's ints are 64-bit)",
                                        Span(start, i), notes: ["write it as a float (e.g. 1e40) if a float will do"])
            }
            try finishNumber(start: start, kind: .int(value))
        }
    }

    /// The value of a float literal whose exponent `Double(_:)` refused (only very large ones).
    private static func overflowed(_ text: String) -> Double {
        text.contains("e-") ? 0 : .infinity
    }

    private mutating func finishNumber(start: Int, kind: TokenKind) throws(ScriptError) {
        if i < chars.count, isIdentifierPart(chars[i]) {
            throw .syntax("invalid number literal", Span(start, i + 1))
        }
        tokens.append(Token(kind: kind, span: Span(start, i)))
    }

    private mutating func string(start: Int, prefix: String) throws(ScriptError) {
        if prefix.contains("f") {
            throw .syntax("f-strings are not supported", Span(start, i + 1))
        }
        let raw = prefix.contains("r")
        let quote = chars[i]
        let triple = i + 2 < chars.count && chars[i + 1] == quote && chars[i + 2] == quote
        i += triple ? 3 : 1
        var text = ""
        while true {
            guard i < chars.count else {
                throw .syntax("unterminated string literal", Span(start, chars.count))
            }
            let c = chars[i]
            if c == quote {
                if !triple { i += 1; break }
                if i + 2 < chars.count, chars[i + 1] == quote, chars[i + 2] == quote { i += 3; break }
            }
            if isNewline(c), !triple {
                throw .syntax("unterminated string literal", Span(start, i))
            }
            if c == "\\", i + 1 < chars.count {
                let next = chars[i + 1]
                i += 2
                if raw { text.append(c); text.append(next); continue }
                switch next {
                case "n": text.append("\n")
                case "t": text.append("\t")
                case "r": text.append("\r")
                case "0": text.append("\0")
                case "\\", "'", "\"": text.append(next)
                case "\n", "\r\n": break
                default: text.append(c); text.append(next)
                }
                continue
            }
            text.append(c)
            i += 1
        }
        // Adjacent literals concatenate, as in Python.
        if let last = tokens.last, case .string(let previous) = last.kind {
            tokens[tokens.count - 1] = Token(kind: .string(previous + text), span: last.span.union(Span(start, i)))
        } else {
            tokens.append(Token(kind: .string(text), span: Span(start, i)))
        }
    }
}

/// `U+0007`-style name of a control character.
private func scalarName(_ scalar: UInt32) -> String {
    let hex = String(scalar, radix: 16, uppercase: true)
    return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
}
