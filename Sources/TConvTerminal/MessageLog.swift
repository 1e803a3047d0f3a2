import TConvView

/// The message area's contents: output and errors as logical lines, wrapped to the window width
/// when drawn, scrollable (PgUp/PgDn at the prompt). Curses-free, so it is tested as text.
struct MessageLog {
    struct Line: Equatable {
        var text: String
        var role: StyleRole
    }

    private(set) var lines: [Line] = []
    /// Visual rows scrolled back from the bottom (0 = following the output).
    private(set) var scrollBack = 0
    let capacity: Int

    init(capacity: Int = 5000) { self.capacity = capacity }

    mutating func append(_ text: String, role: StyleRole = .message) {
        for part in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lines.append(Line(text: String(part).replacingOccurrences(of: "\t", with: "    "), role: role))
        }
        if lines.count > capacity { lines.removeFirst(lines.count - capacity) }
        scrollBack = 0
    }

    mutating func clear() {
        lines.removeAll()
        scrollBack = 0
    }

    /// Every visual row at `width` columns (a long line continues on the next rows, broken at a
    /// space when there is one in the second half of the row, so words stay whole).
    func rows(width: Int) -> [Line] {
        let width = max(1, width)
        var rows: [Line] = []
        for line in lines {
            if line.text.isEmpty { rows.append(line); continue }
            var characters = Substring(line.text)
            while !characters.isEmpty {
                var chunk = characters.prefix(width)
                var taken = chunk.count
                if characters.count > width, characters.dropFirst(width).first == " " {
                    taken += 1   // the row ends at a word's end: the space goes with it
                } else if characters.count > width, let space = chunk.lastIndex(of: " "),
                   chunk.distance(from: chunk.startIndex, to: space) >= width / 2 {
                    chunk = chunk[..<space]
                    taken = chunk.count + 1
                }
                rows.append(Line(text: String(chunk), role: line.role))
                characters = characters.dropFirst(taken)
            }
        }
        return rows
    }

    /// The rows to show in a window of `height` rows, oldest first, and whether more lie below.
    func visible(width: Int, height: Int) -> (rows: [Line], above: Int, below: Int) {
        let all = rows(width: width)
        let height = max(0, height)
        let back = min(scrollBack, max(0, all.count - height))
        let end = all.count - back
        let start = max(0, end - height)
        return (Array(all[start..<end]), start, back)
    }

    /// Number of logical lines so far (a mark for `showFrom`).
    var count: Int { lines.count }

    /// After a long output: scroll back so the window starts at logical line `mark` (the
    /// statement's echo) when everything after it does not fit; the rest is a PgDn away.
    mutating func showFrom(_ mark: Int, width: Int, height: Int) {
        // One or two rows: the output matters more than the echo of what was typed, and with no
        // output the newest row is shown.
        let mark = height <= 2 ? mark + 1 : mark
        guard mark >= 0, mark < lines.count, height > 0 else { scrollBack = 0; return }
        let tail = MessageLog(lines: Array(lines[mark...])).rows(width: width).count
        scrollBack = max(0, tail - height)
    }

    private init(lines: [Line]) {
        self.lines = lines
        capacity = lines.count
    }

    /// Scrolls by `pages` window heights (positive = back in time).
    mutating func scroll(pages: Int, width: Int, height: Int) {
        let total = rows(width: width).count
        let step = max(1, height - 1) * pages
        scrollBack = max(0, min(max(0, total - height), scrollBack + step))
    }
}
