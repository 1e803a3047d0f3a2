import Foundation
import TConvEngine

/// `tconv golden [--json] [--quiet] PATH...`: the conformance runner. Returns the exit status.
public enum GoldenCommand {
    public static let usage = "usage: tconv golden [--json] [--quiet] PATH...   (golden files or folders)"

    public static func main(_ arguments: [String], write: (String) -> Void = { print($0) },
                            writeError: (String) -> Void = { FileHandle.standardError.write(($0 + "\n").data(using: .utf8)!) }) -> Int32 {
        var json = false, quiet = false
        var paths = [String]()
        for arg in arguments {
            switch arg {
            case "--json": json = true
            case "--quiet", "-q": quiet = true
            case "--help", "-h": write(usage); return 0
            default:
                if arg.hasPrefix("-") { writeError("tconv golden: unknown option \(arg)\n\(usage)"); return 2 }
                paths.append(arg)
            }
        }
        guard !paths.isEmpty else { writeError(usage); return 2 }
        let cases: [GoldenCase]
        do { cases = try GoldenRunner.load(paths: paths) } catch {
            writeError("tconv golden: \(error)")
            return 2
        }
        var passed = 0, failed = 0
        for c in cases {
            let report = GoldenRunner.check(c)
            if report.passed { passed += 1 } else { failed += 1 }
            if json {
                write(report.json.description)
            } else if !report.passed {
                write("FAIL \(report.id) \(report.op): \(report.reasons.joined(separator: "; "))")
            } else if !quiet {
                let err = report.maxError.values.max().map { String(format: " (max abs error %.3g)", $0) } ?? ""
                write("ok   \(report.id) \(report.op) -> \(report.outcome)\(err)")
            }
        }
        let summary = "\(passed) passed, \(failed) failed"
        if json {
            write(JSON.object([("summary", .string(summary)), ("passed", .int(Int64(passed))), ("failed", .int(Int64(failed)))]).description)
        } else {
            write(summary)
        }
        return failed == 0 ? 0 : 1
    }
}
