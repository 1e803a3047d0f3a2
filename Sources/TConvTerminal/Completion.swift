import Foundation
/// Tab at the prompt: what to do with the session's candidates. Pure, so it is unit tested.
enum CompletionAction: Equatable {
    /// Replace bytes [from, to) of the line with `text`.
    case replace(from: Int, to: Int, text: String)
    /// Several candidates and nothing more to insert: list them.
    case list([String])
    case nothing
}

enum Completion {
    /// `line` and the cursor in UTF-8 bytes (readline's units); `completions` is the session's
    /// answer for a cursor in Characters.
    static func action(line: String, cursorByte: Int,
                       completions: (String, Int) -> (replaceFrom: Int, candidates: [String])) -> CompletionAction {
        let bytes = Array(line.utf8)
        let cursorByte = max(0, min(cursorByte, bytes.count))
        let before = String(decoding: bytes[..<cursorByte], as: UTF8.self)
        let cursor = before.count
        let (from, candidates) = completions(line, cursor)
        let start = max(0, min(from, cursor))
        let unique = candidates.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        guard !unique.isEmpty else { return .nothing }
        let typed = String(before.dropFirst(start))
        let fromByte = String(before.prefix(start)).utf8.count
        if unique.count == 1 {
            return unique[0] == typed ? .nothing : .replace(from: fromByte, to: cursorByte, text: unique[0])
        }
        let common = commonPrefix(unique)
        if common.count > typed.count && common.hasPrefix(typed) {
            return .replace(from: fromByte, to: cursorByte, text: common)
        }
        return .list(unique)
    }

    static func commonPrefix(_ words: [String]) -> String {
        guard var prefix = words.first.map(Array.init) else { return "" }
        for word in words.dropFirst() {
            let characters = Array(word)
            var n = 0
            while n < prefix.count && n < characters.count && prefix[n] == characters[n] { n += 1 }
            prefix = Array(prefix[..<n])
        }
        return String(prefix)
    }

    /// Candidates laid out in columns for `width`.
    static func columns(_ candidates: [String], width: Int) -> [String] {
        let cell = (candidates.map(\.count).max() ?? 0) + 2
        let perRow = max(1, width / max(cell, 1))
        var rows: [String] = []
        var index = 0
        while index < candidates.count {
            let row = candidates[index..<min(index + perRow, candidates.count)]
            rows.append(row.map { $0.padding(toLength: cell, withPad: " ", startingAt: 0) }.joined()
                .replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression))
            index += perRow
        }
        return rows
    }
}
