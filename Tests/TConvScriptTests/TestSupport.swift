import Foundation
import TConvScript

/// Paths of the test folders, found from this file's location.
enum TestPaths {
    static let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let scripts = tests.appendingPathComponent("Scripts")
    static let repository = tests.deletingLastPathComponent().deletingLastPathComponent()
    static let sessions = repository.appendingPathComponent("Sessions")
    static let golden = repository.appendingPathComponent("Tests/Fixtures/golden")

    /// `*.tconv` files of a folder, sorted.
    static func tconvFiles(in folder: URL) -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".tconv") }.sorted().map { folder.appendingPathComponent($0) }
    }

    /// A fresh temporary folder.
    static func temporaryFolder() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tconv-script-tests-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

extension ScriptSession {
    /// Submits lines one by one and returns the events of the last one.
    func run(_ lines: String...) -> [ScriptEvent] {
        var events = [ScriptEvent]()
        for line in lines {
            if case .done(let e) = submit(line) { events = e }
        }
        return events
    }

    /// The output lines (as a session file records them) of one input.
    func output(_ line: String) -> [String] {
        SessionFile.outputLines(run(line))
    }
}

/// A report of replay mismatches, for test failure messages.
func mismatchReport(_ file: String, _ results: [SessionFile.ReplayResult]) -> String {
    results.filter { !$0.matches }.map { r in
        "\(file):\(r.line): \(r.text)\n  expected:\n" + r.expected.map { "    " + $0 }.joined(separator: "\n")
            + "\n  actual:\n" + r.actual.map { "    " + $0 }.joined(separator: "\n")
    }.joined(separator: "\n")
}
