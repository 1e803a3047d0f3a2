import Foundation
import Testing
import TConvCheck
import TConvEngine

/// The TensorFlow-generated golden set (`Tests/Fixtures/golden`, copied from the shared folder so
/// a clone stands alone), run through the engine in float32 and float64.
@Suite struct GoldenTests {
    static let folder: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("Tests/Fixtures/golden").path
    }()

    static let cases: [GoldenCase] = (try? GoldenRunner.load(paths: [folder])) ?? []
    /// More TF-generated vectors made by `Tests/Fixtures/tools/make_extra_golden.py`.
    static let extraCases: [GoldenCase] = (try? GoldenRunner.load(paths: [folder + "-extra"])) ?? []

    @Test func theWholeSetIsThere() throws {
        let manifest = try JSON.parse(String(contentsOfFile: Self.folder + "/manifest.json", encoding: .utf8))
        guard case .object(let files)? = manifest["files"] else { Issue.record("manifest has no files"); return }
        let expected = files.compactMap { $0.1["cases"]?.intValue }.reduce(0, +)
        #expect(Self.cases.count == Int(expected))
        #expect(expected == 316)
    }

    @Test(arguments: cases.map(\.id))
    func goldenCase(_ id: String) throws {
        let c = try #require(Self.cases.first { $0.id == id })
        let report = GoldenRunner.check(c)
        #expect(report.passed, "\(id): \(report.reasons.joined(separator: "; "))")
    }

    @Test func extraSet() {
        #expect(Self.extraCases.count >= 400)
        let failures = Self.extraCases.map { GoldenRunner.check($0) }.filter { !$0.passed }
        for f in failures { Issue.record("\(f.id): \(f.reasons.joined(separator: "; "))") }
        #expect(failures.isEmpty)
    }

    @Test func errorCasesAreRejectedAndUnsupportedOnesComputedAndFlagged() {
        let errors = Self.cases.filter { $0.errorCategory != nil }
        #expect(errors.count == 69)
        for c in errors {
            let result = GoldenRunner.run(c, dtype: .float64)
            switch (c.errorCategory, result) {
            case ("unsupported", .success(let r)): #expect(!r.plan.tfCPURefusals.isEmpty)
            case ("unsupported", .failure(let e)): Issue.record("\(c.id): unsupported case raised \(e)")
            case (let category?, .failure(let e)): #expect(e.category.rawValue == category, "\(c.id)")
            default: Issue.record("\(c.id): expected \(c.errorCategory ?? "?"), got a result")
            }
        }
    }

    @Test func theRunnerNoticesAWrongResult() throws {
        // A corrupted copy of a success case must fail, with the error size in the reason.
        var c = try #require(Self.cases.first { $0.expected != nil && !($0.expected?.f32.isEmpty ?? true) })
        c.expected?.f32[0] += 0.5
        c.expected?.f64[0] += 0.5
        let report = GoldenRunner.check(c)
        #expect(!report.passed)
        #expect(report.reasons.allSatisfy { $0.contains("max abs error 0.5") })
        var e = try #require(Self.cases.first { $0.errorCategory == "bad_padding" })
        e.errorCategory = "bad_rank"
        #expect(!GoldenRunner.check(e).passed)
    }

    @Test func commandLineSummaryAndExitStatus() {
        var lines = [String]()
        let status = GoldenCommand.main(["--json", Self.folder + "/conv1d.json"], write: { lines.append($0) }, writeError: { _ in })
        #expect(status == 0)
        #expect(lines.count == 22)
        #expect(lines.last?.contains("\"21 passed, 0 failed\"") == true)
        let first = (try? JSON.parse(lines[0])) ?? .null
        #expect(first["status"] == .string("pass") && first["id"] != nil && first["op"] == .string("conv1d"))
        #expect(GoldenCommand.main(["/nonexistent"], write: { _ in }, writeError: { _ in }) == 2)
    }
}
