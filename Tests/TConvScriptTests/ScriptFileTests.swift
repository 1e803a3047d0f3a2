import Foundation
import Testing
import TConvScript

/// Language tests written as `.tconv` scripts with their expected output as `#=> ` lines
/// (Crafting Interpreters' habit): every file in Scripts/ is replayed and compared.
@Suite struct ScriptFileTests {
    @Test func everyScriptMatchesItsRecordedOutput() throws {
        let files = TestPaths.tconvFiles(in: TestPaths.scripts)
        #expect(files.count >= 6, "expected the script tests in \(TestPaths.scripts.path)")
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            let (results, fileError) = SessionFile.replay(text, source: file.lastPathComponent)
            #expect(fileError == nil, "\(file.lastPathComponent): \(fileError?.formatted ?? "")")
            #expect(!results.isEmpty, "\(file.lastPathComponent) has no statements")
            let failures = results.filter { !$0.matches }
            #expect(failures.isEmpty, Comment(rawValue: mismatchReport(file.lastPathComponent, results)))
        }
    }

    /// The lessons in Sessions/ replay with the outputs recorded in them.
    @Test func everyLessonMatchesItsRecordedOutput() throws {
        let files = TestPaths.tconvFiles(in: TestPaths.sessions)
        #expect(files.count >= 8, "expected at least eight lessons in \(TestPaths.sessions.path)")
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            let parsed = try SessionFile.parse(text, source: file.lastPathComponent)
            #expect(parsed.version == SessionFile.currentVersion, "\(file.lastPathComponent) needs the header line")
            let (results, fileError) = SessionFile.replay(text, source: file.lastPathComponent)
            #expect(fileError == nil)
            #expect(results.filter { !$0.matches }.isEmpty, Comment(rawValue: mismatchReport(file.lastPathComponent, results)))
            // Lessons run under `tconv run`, which fails on unexpected errors: a lesson shows an
            // error only on purpose, with the error recorded as its output.
            let session = ScriptSession(options: SessionOptions(allowWrites: false))
            _ = session.runScript(text, source: file.lastPathComponent)
            #expect(session.unexpectedErrorCount == 0, "\(file.lastPathComponent): \(session.unexpectedErrorCount) unexpected errors")
        }
    }
}
