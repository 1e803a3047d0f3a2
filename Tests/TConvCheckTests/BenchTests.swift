import Foundation
import Testing
@testable import TConvCheck
import TConvEngine

/// `tconv bench`: argument parsing, the suite reader, and the correctness checks it runs before
/// timing (nothing here times anything).
@Suite struct BenchTests {
    static let suitePath: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("Benchmarks/suite.json").path
    }()

    @Test func parsesOptions() throws {
        let o = try BenchCommand.parse(["--json", "--threads", "1", "--dtype", "float64", "--filter", "dcgan", "s.json"]).get()
        #expect(o.json && o.threads == 1 && o.dtype == .float64 && o.filter == "dcgan" && o.suitePath == "s.json")
        for bad in [["--threads"], ["--threads", "-1"], ["--dtype", "float16"], ["--filter", "("], ["--bogus"], ["a", "b"]] {
            if case .success = BenchCommand.parse(bad) { Issue.record("accepted \(bad)") }
        }
    }

    @Test func parsesTheQuietWindowOptions() throws {
        let o = try BenchCommand.parse(["--max-foreign", "0.15", "--attempts", "3"]).get()
        #expect(o.maxForeign == 0.15 && o.attempts == 3)
        #expect(try BenchCommand.parse([]).get().maxForeign == nil)
        for bad in [["--max-foreign"], ["--max-foreign", "-1"], ["--attempts", "0"], ["--attempts", "x"]] {
            if case .success = BenchCommand.parse(bad) { Issue.record("accepted \(bad)") }
        }
    }

    @Test func parsesTheCoreProbeAndFormatsItsReport() throws {
        let o = try BenchCommand.parse(["--cores", "--json", "--min-time", "2"]).get()
        #expect(o.cores && o.json && o.minTime == 2)
        #expect(try !BenchCommand.parse([]).get().cores)
        // The report from given slices (nothing is timed here).
        let result = CoreProbe.Result(slice: 0.25, slices: [61.2, 330.4, 58.9], failure: nil)
        #expect(CoreProbe.report(result) == [
            "round trip of a cache line between two threads, ns per 0.25 s slice:", "61 330 59",
            "median 61 ns (59-330) over 3 slices"])
        let json = try JSON.parse(CoreProbe.json(result))
        #expect(json["round_trip_ns"] == .array([.double(61.2), .double(330.4), .double(58.9)]))
        #expect(json["median_ns"] == .double(61.2))
        let failed = CoreProbe.Result(slice: 0.25, slices: [], failure: "needs 2 cores, this machine has 1")
        #expect(CoreProbe.report(failed) == ["tconv bench --cores: needs 2 cores, this machine has 1"])
        #expect(try JSON.parse(CoreProbe.json(failed))["error"] == .string("needs 2 cores, this machine has 1"))
    }

    /// /proc/stat as Linux writes it: the total line, one line per CPU (user nice system idle iowait
    /// irq softirq steal guest guest_nice, in ticks), then other counters.
    static let procStat = """
        cpu  1000 0 1000 5000 0 0 0 999 0 0
        cpu0 100 10 50 2000 7 3 2 25 0 0
        cpu1 200 0 100 3000 0 1 1 40 0 0
        intr 12345
        """

    /// Busy time from /proc/stat: user + nice + system + irq + softirq of the per-CPU lines only.
    @Test func readsBusyTimeFromProcStat() {
        #expect(BenchLoad.busySeconds(procStat: Self.procStat, ticksPerSecond: 100) == 4.67)
        #expect(BenchLoad.busySeconds(procStat: "intr 1", ticksPerSecond: 100) == nil)
    }

    /// Steal time from /proc/stat: the eighth field of the per-CPU lines; named in the table above 5 %.
    @Test func readsStealTimeFromProcStat() throws {
        #expect(BenchLoad.stealSeconds(procStat: Self.procStat, ticksPerSecond: 100) == 0.65)
        #expect(BenchLoad.stealSeconds(procStat: "cpu0 1 2 3 4 5 6 7", ticksPerSecond: 100) == nil)
        var report = BenchReport(name: "k3s2", kind: "throughput", dtype: .float32, threads: 1, runs: 5, medianSeconds: 0.004,
                                 minSeconds: 0.004, maxSeconds: 0.005, medianCPUSeconds: 0.004, flops: 1e6, peakRSSBytes: 0,
                                 tensorBytes: 0, check: BenchCheckResult(method: "full", passed: true, checkedElements: 1,
                                                                         worstRatio: 0, message: ""), error: nil)
        report.stolenCores = 0.04
        #expect(BenchCommand.stealNote(report) == nil)
        report.stolenCores = 0.31
        #expect(BenchCommand.stealNote(report) == "k3s2 (0.31 cores)")
        #expect(try JSON.parse(report.json.description)["steal_cores"] == .double(0.31))
    }

    @Test func readsTheProjectSuite() throws {
        let cases = try BenchSuite.load(path: Self.suitePath)
        #expect(cases.count == 14)
        let g1 = try #require(cases.first { $0.name == "dcgan_g1_8x4x4x512_to_8x8x256_k5s2" })
        #expect(g1.inputShape == [8, 4, 4, 512] && g1.filterShape == [5, 5, 256, 512] && g1.strides == [2, 2])
        #expect(g1.flops == 838_860_800)
        #expect(cases.filter(\.isLatency).count == 2)
    }

    @Test func rejectsANewerSuiteVersionAndBadCases() {
        #expect(throws: BenchSuiteError.self) { try BenchSuite.parse(#"{"version": 2, "cases": []}"#) }
        #expect(throws: BenchSuiteError.self) { try BenchSuite.parse(#"{"version": 1, "cases": [{"name": "x", "op": "conv9d"}]}"#) }
        #expect(throws: BenchSuiteError.self) { try BenchSuite.parse("not json") }
    }

    @Test func findsTheDefaultSuiteFromASubfolder() throws {
        let root = URL(fileURLWithPath: Self.suitePath).deletingLastPathComponent().deletingLastPathComponent()
        let found = BenchSuite.defaultPath(currentDirectory: root.appendingPathComponent("Sources/TConvCheck").path, executable: "")
        #expect(found.map { URL(fileURLWithPath: $0).standardizedFileURL.path } == URL(fileURLWithPath: Self.suitePath).standardizedFileURL.path)
    }

    /// The sampled check accepts the engine's result and catches a wrong one.
    @Test func sampledCheckAcceptsTheEngineAndCatchesAnError() throws {
        let c = BenchCase(name: "t", group: "", kind: "throughput", op: "conv2d_transpose", inputShape: [2, 5, 6, 3],
                          filterShape: [3, 4, 4, 3], outputShape: [2, 10, 11, 4], strides: [2, 2], rate: 1, padding: "SAME", flops: 1)
        var rng = SplitMix64(seed: 1)
        let x = BenchRunner.tensor(shape: c.inputShape, count: 180, dtype: .float32, rng: &rng)
        let w = BenchRunner.tensor(shape: c.filterShape, count: 144, dtype: .float32, rng: &rng)
        let op = try #require(TFOp(tfName: c.op))
        let result = try TFOps.call(op, keywords: [("input", .tensor(x)), ("filters", .tensor(w))] + c.keywords)
        let good = BenchCheck.sampled(c, x: x, w: w, got: result.tensor, samples: 880, seed: 3)
        #expect(good.passed, "\(good.message)")
        let wrong = Tensor(shape: result.tensor.shape, values: result.tensor.doubles.map { $0 + 0.01 }, dtype: .float32)
        let bad = BenchCheck.sampled(c, x: x, w: w, got: wrong, samples: 100, seed: 3)
        #expect(!bad.passed)
    }

    @Test func fullCheckComparesWithTheReference() throws {
        let c = BenchCase(name: "t", group: "", kind: "latency", op: "atrous_conv2d_transpose", inputShape: [1, 6, 5, 2],
                          filterShape: [3, 3, 2, 2], outputShape: [1, 6, 5, 2], strides: [1, 1], rate: 2, padding: "SAME", flops: 1)
        var rng = SplitMix64(seed: 2)
        let x = BenchRunner.tensor(shape: c.inputShape, count: 60, dtype: .float64, rng: &rng)
        let w = BenchRunner.tensor(shape: c.filterShape, count: 36, dtype: .float64, rng: &rng)
        let op = try #require(TFOp(tfName: c.op))
        let args = try op.bind(positional: [], keywords: [("value", .tensor(x)), ("filters", .tensor(w))] + c.keywords)
        let plan = try TFOps.plan(op, args)
        let got = try Engine.run(plan, input: x, filters: w)
        #expect(try BenchCheck.full(plan: plan, x: x, w: w, got: got, terms: 18).passed)
        var values = got.doubles
        values[0] += 1e-6
        let wrong = Tensor(shape: got.shape, values: values, dtype: .float64)
        #expect(try !BenchCheck.full(plan: plan, x: x, w: w, got: wrong, terms: 18).passed)
    }
}
