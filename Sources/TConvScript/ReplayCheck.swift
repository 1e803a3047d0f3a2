import Foundation

/// The non-interactive replay check (`tconv replay --check FILE...`, and the lesson tests): every
/// statement of a file runs in a fresh session with writes refused, and every difference from the
/// recorded `#=> ` output is reported with both texts. Unknown directives (a misspelt `#: say`)
/// and a `#: step` that no transposed convolution follows are reported as problems too.
public struct ReplayReport: Sendable {
    public var source: String
    /// The file could not be read (missing, not UTF-8, a newer or broken header).
    public var fileError: ScriptDiagnostic?
    public var statementCount: Int
    /// Statements whose output differs from the recording.
    public var differences: [Replay.Outcome]
    /// Other problems, one line each (`12: unknown directive '#: sya'`).
    public var problems: [String]

    public var passed: Bool { fileError == nil && differences.isEmpty && problems.isEmpty }

    /// `FILE: ok (23 statements)`, or the problems with both texts of every difference.
    public var text: String {
        if let fileError { return fileError.formatted }
        if passed { return "\(source): ok (\(statementCount) statement\(statementCount == 1 ? "" : "s") match their recorded output)" }
        var lines = ["\(source): \(differences.count) difference\(differences.count == 1 ? "" : "s"), \(problems.count) other problem\(problems.count == 1 ? "" : "s")"]
        lines += differences.compactMap { $0.difference.map { "\(source):" + $0 } }
        lines += problems.map { "\(source):" + $0 }
        return lines.joined(separator: "\n")
    }
}

extension Replay {
    /// Replays a whole file and reports every flagged difference.
    public static func check(text: String, source: String, options: SessionOptions = SessionOptions(allowWrites: false)) -> ReplayReport {
        let replay: Replay
        do {
            replay = try Replay(text: text, source: source, options: options)
        } catch {
            return ReplayReport(source: source, fileError: error.diagnostic, statementCount: 0, differences: [], problems: [])
        }
        var differences = [Outcome]()
        var problems = [String]()
        var pendingStep: Int? = nil
        for directive in replay.items.flatMap(\.directives) + replay.trailingDirectives where !knownDirectives.contains(directive.name) {
            var problem = "\(directive.line): unknown directive '#: \(directive.name)'"
            if let guess = closestName(to: directive.name, in: knownDirectives) ?? knownDirectives.first(where: { $0.sorted() == directive.name.sorted() }) { problem += "; did you mean '#: \(guess)'?" }
            problems.append(problem)
        }
        while let item = replay.current {
            if item.requestsStep, pendingStep == nil { pendingStep = item.directives.first { $0.name == "step" }?.line }
            guard let outcome = replay.runNext() else { break }
            if outcome.step != nil { pendingStep = nil }
            if !outcome.matches { differences.append(outcome) }
        }
        if let line = pendingStep ?? replay.trailingDirectives.first(where: { $0.name == "step" })?.line {
            problems.append("\(line): '#: step' is not followed by a transposed convolution to play")
        }
        return ReplayReport(source: source, fileError: nil, statementCount: replay.count, differences: differences, problems: problems)
    }

    /// Reads and checks the file at `path` (a missing or non-UTF-8 file is a `fileError`).
    public static func check(path: String, options: SessionOptions = SessionOptions(allowWrites: false)) -> ReplayReport {
        func unreadable(_ why: String) -> ReplayReport {
            ReplayReport(source: path, fileError: SessionFileError(message: why, source: path, line: 1, sourceLine: "").diagnostic,
                         statementCount: 0, differences: [], problems: [])
        }
        guard let data = FileManager.default.contents(atPath: path) else { return unreadable("cannot read \(path) (no such file, or not readable)") }
        guard let text = String(data: data, encoding: .utf8) else { return unreadable("\(path) is not UTF-8 text") }
        return check(text: text, source: path, options: options)
    }

    /// Checks several files (what `tconv replay --check FILE...` runs): one report per file, the
    /// text to print (every report, then a summary line), and whether all passed (exit 0) or not
    /// (exit 1).
    public static func checkFiles(_ paths: [String], options: SessionOptions = SessionOptions(allowWrites: false))
        -> (reports: [ReplayReport], text: String, passed: Bool)
    {
        let reports = paths.map { check(path: $0, options: options) }
        let failed = reports.filter { !$0.passed }.count
        let summary = failed == 0 ? "replay check: \(reports.count) file\(reports.count == 1 ? "" : "s"), all match"
            : "replay check: \(failed) of \(reports.count) file\(reports.count == 1 ? "" : "s") differ from their recording"
        return (reports, (reports.map(\.text) + [summary]).joined(separator: "\n"), failed == 0 && !reports.isEmpty)
    }
}
