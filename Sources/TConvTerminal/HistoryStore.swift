import Foundation

/// The prompt's history file: one accepted line per line, appended as each line is accepted (a
/// crash loses nothing), consecutive duplicates dropped, trimmed to `limit` lines on load.
public final class HistoryStore {
    public let path: String
    public let limit: Int
    public private(set) var entries: [String] = []

    /// `$XDG_STATE_HOME/tconv/history`, default `~/.local/state/tconv/history` (XDG: a relative
    /// XDG_STATE_HOME is ignored).
    public static func defaultPath(environment: [String: String]) -> String? {
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") {
            return state + "/tconv/history"
        }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return home + "/.local/state/tconv/history"
    }

    public init(path: String, limit: Int = 10_000) {
        self.path = path
        self.limit = limit
    }

    /// Reads the file (missing is fine). Returns the entries, oldest first.
    @discardableResult
    public func load() -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else { return entries }
        let text = String(decoding: data, as: UTF8.self)
        var loaded: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let entry = String(line)
            if loaded.last != entry { loaded.append(entry) }
        }
        if loaded.count > limit {
            loaded = Array(loaded.suffix(limit))
            entries = loaded
            rewrite()
        }
        entries = loaded
        return entries
    }

    /// Records an accepted line. Returns false when it was dropped (blank, or equal to the last).
    @discardableResult
    public func append(_ line: String) -> Bool {
        let entry = line.replacingOccurrences(of: "\n", with: " ")
        guard !entry.allSatisfy(\.isWhitespace), entries.last != entry else { return false }
        entries.append(entry)
        writeLine(entry)
        return true
    }

    private func ensureDirectory() {
        let directory = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                 attributes: [.posixPermissions: 0o700])
    }

    private func writeLine(_ entry: String) {
        ensureDirectory()
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0o600)
        guard fd >= 0 else { return }
        defer { close(fd) }
        let bytes = Array((entry + "\n").utf8)
        _ = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
    }

    private func rewrite() {
        ensureDirectory()
        let text = entries.map { $0 + "\n" }.joined()
        try? text.write(toFile: path, atomically: true, encoding: .utf8)
    }
}
