import Foundation
import TConvCheck

/// An asciicast v2 recording (asciinema's format, read by its web player): a JSON header line
/// `{"version": 2, "width": W, "height": H, "timestamp": T, "title": ...}`, then one JSON array
/// per event: `[time, "o", data]` for output written to the terminal, `[time, "m", label]` for a
/// marker. Times are seconds from the start and never decrease.
struct AsciicastWriter {
    static let version = 2
    let width: Int
    let height: Int
    private(set) var lines: [String]
    /// Seconds since the start of the recording.
    private(set) var time: Double = 0

    init(width: Int, height: Int, timestamp: Int, title: String, term: String = "xterm-256color") {
        self.width = width
        self.height = height
        lines = ["{\"version\": \(Self.version), \"width\": \(width), \"height\": \(height), \"timestamp\": \(timestamp), "
                 + "\"title\": \(Self.json(title)), \"env\": {\"TERM\": \(Self.json(term))}}"]
    }

    /// Lets `seconds` pass before the next event.
    mutating func wait(_ seconds: Double) {
        if seconds.isFinite && seconds > 0 { time += seconds }
    }

    /// Bytes written to the terminal now.
    mutating func output(_ data: String) {
        guard !data.isEmpty else { return }
        lines.append("[\(Self.seconds(time)), \"o\", \(Self.json(data))]")
    }

    /// A marker (the web player's chapters) now.
    mutating func marker(_ label: String) {
        lines.append("[\(Self.seconds(time)), \"m\", \(Self.json(label))]")
    }

    /// The file: one JSON value per line.
    var text: String { lines.joined(separator: "\n") + "\n" }

    static func seconds(_ t: Double) -> String { String(format: "%.3f", t) }

    /// A JSON string literal: quotes, backslashes and control characters escaped (ESC as \u001b).
    static func json(_ s: String) -> String { JSON.string(s).description }
}

/// Turns successive screens (rows of ANSI text) into terminal output: the first frame clears the
/// screen, later ones rewrite only the rows that changed.
struct FrameDiffer {
    private var previous: [String] = []

    mutating func output(for rows: [String]) -> String {
        var out = ""
        if previous.isEmpty { out += "\u{1B}[?25l\u{1B}[H\u{1B}[2J" }
        for (index, row) in rows.enumerated() where index >= previous.count || previous[index] != row {
            out += "\u{1B}[\(index + 1);1H" + row + "\u{1B}[0m\u{1B}[K"
        }
        previous = rows
        return out
    }
}
