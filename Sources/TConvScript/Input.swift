/// Splitting typed or pasted text into inputs: prompt prefixes, meta commands, and whether an
/// input is finished or needs a continuation line.
public enum Input {
    /// Whether an input can run now.
    public enum Status: Sendable, Equatable {
        case complete
        /// More is needed. `openBracket`: a bracket is still open (blank lines keep reading, as in
        /// Python); otherwise a trailing operator, comma or `\` (a blank line ends the input).
        case incomplete(openBracket: Bool)
    }

    /// Removes a pasted prompt: `>>> `, `... `, `In [12]: `, `   ...: `, `tconv> `, `...> `.
    public static func stripPrompt(_ line: String) -> String {
        for prefix in [">>> ", "tconv> ", "...> ", "... "] where line.hasPrefix(prefix) {
            return String(line.dropFirst(prefix.count))
        }
        if [">>>", "...", "...>", "tconv>"].contains(line) { return "" }
        // IPython: `In [3]: ` and the aligned continuation `   ...: `.
        let chars = Array(line)
        var i = 0
        while i < chars.count, chars[i] == " " { i += 1 }
        if chars.count >= i + 4, String(chars[i..<(i + 4)]) == "In [" {
            var j = i + 4
            while j < chars.count, chars[j].isASCII, chars[j].isNumber { j += 1 }
            if j > i + 4, j + 1 < chars.count, chars[j] == "]", chars[j + 1] == ":" {
                j += 2
                if j < chars.count, chars[j] == " " { j += 1 }
                return String(chars[j...])
            }
        }
        if i > 0, chars.count >= i + 4, String(chars[i..<(i + 4)]) == "...:" {
            var j = i + 4
            if j < chars.count, chars[j] == " " { j += 1 }
            return String(chars[j...])
        }
        return line
    }

    /// `%cmd ...`, `:help`, `?name`, `name?`: the meta command name and its argument text.
    static func metaCommand(_ text: String) -> (name: String, argument: String)? {
        let trimmed = text.trimmingCharacters()
        guard let first = trimmed.first else { return nil }
        if first == "%" || (first == ":" && trimmed.dropFirst().first?.isLetter == true) {
            let body = trimmed.dropFirst()
            let name = String(body.prefix { $0.isLetter || $0.isNumber || $0 == "_" })
            let argument = String(body.dropFirst(name.count)).trimmingCharacters()
            return (String(first) + name, argument)
        }
        if first == "?" { return ("%help", String(trimmed.dropFirst()).trimmingCharacters()) }
        if trimmed.hasSuffix("?") {
            let name = String(trimmed.dropLast()).trimmingCharacters()
            if !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." || $0 == "%" }) {
                return ("%help", name.hasSuffix("?") ? String(name.dropLast()) : name)
            }
        }
        return nil
    }

    /// Is `text` (one or more physical lines) a finished input?
    public static func status(_ text: String) -> Status {
        if let meta = metaCommand(text) {
            guard MetaCommand.named(meta.name)?.takesCode == true else { return .complete }
            return codeStatus(meta.argument)
        }
        return codeStatus(text)
    }

    private static func codeStatus(_ text: String) -> Status {
        let source = SourceText(text, name: "")
        do {
            _ = try Parser.parse(source)
            return .complete
        } catch {
            guard error.incomplete else { return .complete }
            var lexer = Lexer(source.characters)
            _ = try? lexer.tokenize()
            return .incomplete(openBracket: !lexer.openBrackets.isEmpty)
        }
    }
}
