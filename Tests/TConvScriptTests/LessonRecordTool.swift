import Foundation
import Testing
import TConvScript

/// Not a check: the tool that records lesson outputs. `TCONV_RECORD="Sessions/a.tconv ..."
/// swift test --filter LessonRecordTool` rewrites each file's `#=> ` lines by running it (review
/// the diff before committing). Without the variable it does nothing.
@Suite struct LessonRecordTool {
    /// TCONV_RECORD="a.tconv b.tconv": rewrites each file's `#=> ` lines by running it.
    @Test func record() throws {
        guard let paths = ProcessInfo.processInfo.environment["TCONV_RECORD"] else { return }
        for path in paths.split(separator: " ").map(String.init) {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            var recorded = SessionFile.record(text, source: (path as NSString).lastPathComponent)
            if !recorded.hasSuffix("\n") { recorded += "\n" }
            try recorded.write(toFile: path, atomically: true, encoding: .utf8)
        }
    }
}
