import Foundation
import Synchronization
import TConvEngine

/// The measurements of one case.
public struct BenchReport: Sendable {
    public var name: String
    public var kind: String
    public var dtype: DType
    public var threads: Int
    public var runs: Int
    public var medianSeconds: Double
    public var minSeconds: Double
    public var maxSeconds: Double
    /// Median process CPU time per call (all threads): with one thread, a measure that time spent
    /// descheduled on a busy machine does not inflate.
    public var medianCPUSeconds: Double
    public var flops: Double
    /// Highest resident memory while this case ran (its tensors, the engine's scratch, the process).
    public var peakRSSBytes: Int
    /// Bytes of the case's own tensors (input, filter, output).
    public var tensorBytes: Int
    public var check: BenchCheckResult
    public var error: String?
    /// Cores' worth of CPU other processes used during the kept timing window, and which try it was.
    public var foreignCores: Double = 0
    public var attempt: Int = 1
    /// Cores' worth of time the hypervisor took from this VM's vCPUs during that window (steal time).
    public var stolenCores: Double = 0

    public var gflops: Double { medianSeconds > 0 ? flops / medianSeconds / 1e9 : 0 }

    public var json: JSON {
        var members: [(String, JSON)] = [
            ("version", .int(1)), ("name", .string(name)), ("kind", .string(kind)), ("threads", .int(Int64(threads))),
            ("dtype", .string(dtype.rawValue)), ("runs", .int(Int64(runs))), ("median_s", .double(medianSeconds)),
            ("min_s", .double(minSeconds)), ("max_s", .double(maxSeconds)),
            ("cpu_median_s", .double(medianCPUSeconds)), ("flops", .double(flops)), ("gflops", .double(gflops)),
            ("peak_rss_bytes", .int(Int64(peakRSSBytes))), ("tensor_bytes", .int(Int64(tensorBytes))),
            ("check", .string(check.method)), ("check_passed", .bool(check.passed)),
            ("check_elements", .int(Int64(check.checkedElements))), ("check_worst_ratio", .double(check.worstRatio)),
            ("foreign_cores", .double(foreignCores)), ("attempt", .int(Int64(attempt))),
            ("steal_cores", .double(stolenCores)),
        ]
        if !check.passed || error != nil { members.append(("message", .string(error ?? check.message))) }
        return .object(members)
    }

    static let header = pad("case", 40) + " " + pad("median", 13, left: true) + " " + pad("min", 13, left: true) + " "
        + pad("max", 13, left: true) + " " + pad("GFLOP/s", 9, left: true) + " " + pad("peak MiB", 9, left: true) + "  check"

    static func pad(_ s: String, _ width: Int, left: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - s.count))
        return left ? fill + s : s + fill
    }

    /// One line of the human table: microseconds for latency cases, milliseconds otherwise.
    var line: String {
        if let error { return "\(name): ERROR \(error)" }
        let scale = kind == "latency" ? 1e6 : 1e3, unit = kind == "latency" ? "us" : "ms"
        func t(_ s: Double) -> String { BenchReport.pad(String(format: "%.3f", s * scale) + " " + unit, 13, left: true) }
        let checkText = check.passed ? "ok (\(check.method))" : "FAILED (\(check.method)): \(check.message)"
        return BenchReport.pad(name, 40) + " " + t(medianSeconds) + " " + t(minSeconds) + " " + t(maxSeconds) + " "
            + BenchReport.pad(String(format: "%.1f", gflops), 9, left: true) + " "
            + BenchReport.pad(BenchReport.mebibytes(peakRSSBytes), 9, left: true) + "  " + checkText
    }

    static func mebibytes(_ bytes: Int) -> String { String(format: "%.1f", Double(bytes) / 1048576) }
}

enum BenchRunner {
    /// Cases whose reference run would take longer than about a second (in a release build) are
    /// checked by sampling instead.
    static let fullCheckFlops = 3e8

    static func run(_ c: BenchCase, options: BenchCommand.Options, threads: Int) -> BenchReport {
        var report = BenchReport(name: c.name, kind: c.kind, dtype: options.dtype, threads: threads, runs: 0, medianSeconds: 0,
                                 minSeconds: 0, maxSeconds: 0, medianCPUSeconds: 0, flops: c.flops, peakRSSBytes: 0, tensorBytes: 0,
                                 check: BenchCheckResult(method: "none", passed: false, checkedElements: 0, worstRatio: 0, message: ""),
                                 error: nil)
        let memory = BenchMemory.Sampler()
        defer { _ = memory.stop() }
        guard let op = TFOp(tfName: c.op) else { report.error = "unknown op \(c.op)"; return report }
        var rng = SplitMix64(seed: 0x7C0_4E5 &+ UInt64(truncatingIfNeeded: c.name.hashValueStable))
        let xCount = c.inputShape.reduce(1, *), wCount = c.filterShape.reduce(1, *)
        let x = tensor(shape: c.inputShape, count: xCount, dtype: options.dtype, rng: &rng)
        let w = tensor(shape: c.filterShape, count: wCount, dtype: options.dtype, rng: &rng)
        let keywords = [(c.inputName, TFValue.tensor(x)), ("filters", .tensor(w))] + c.keywords
        let plan: ConvPlan
        do throws(EngineError) {
            plan = try TFOps.plan(op, op.bind(positional: [], keywords: keywords))
        } catch {
            report.error = "\(error)"
            return report
        }
        let engineOptions = ExecutionOptions(threads: options.threads)
        let call = { () throws(EngineError) -> Tensor in try Engine.run(plan, input: x, filters: w, options: engineOptions) }

        // Check once.
        let terms = c.filterShape.dropLast(2).reduce(1, *) * c.filterShape[c.filterShape.count - 1]
        do {
            let got = try call()
            report.tensorBytes = (xCount + wCount + got.count) * options.dtype.byteWidth
            if c.flops <= fullCheckFlops {
                report.check = try BenchCheck.full(plan: plan, x: x, w: w, got: got, terms: terms)
            } else {
                report.check = BenchCheck.sampled(c, x: x, w: w, got: got, samples: 400, seed: 0x5EED)
            }
        } catch {
            report.error = "\(error)"
            return report
        }

        // Time: warm up, then run until both a minimum count and a minimum time are reached. With
        // --max-foreign, wait for a quiet moment first and time again while others used the CPU
        // (beyond the cores this run leaves free); keep the least disturbed try.
        var times = [Double](), cpuTimes = [Double]()
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let threshold = options.maxForeign.map { $0 + Double(max(0, cores - threads)) }
        do {
            for _ in 0..<(c.isLatency ? 200 : 2) { _ = try call() }
            report.peakRSSBytes = memory.stop()
            let minRuns = c.isLatency ? 2000 : 5, maxRuns = c.isLatency ? 2_000_000 : 10_000
            for attempt in 1...(threshold == nil ? 1 : options.attempts) {
                if let threshold { BenchLoad.waitQuiet(threshold: threshold, timeout: 10) }
                var tryTimes = [Double](), tryCPU = [Double]()
                let window = BenchLoad()
                let start = DispatchTime.now().uptimeNanoseconds
                while tryTimes.count < maxRuns {
                    let c0 = BenchClock.processCPU()
                    let t0 = DispatchTime.now().uptimeNanoseconds
                    let result = try call()
                    let t1 = DispatchTime.now().uptimeNanoseconds
                    let c1 = BenchClock.processCPU()
                    withExtendedLifetime(result) {}
                    tryTimes.append(Double(t1 - t0) * 1e-9)
                    tryCPU.append(c1 - c0)
                    if tryTimes.count >= minRuns && Double(t1 - start) * 1e-9 >= options.minTime { break }
                }
                let (foreign, stolen) = window.loads()
                if attempt == 1 || foreign < report.foreignCores {
                    times = tryTimes; cpuTimes = tryCPU
                    report.foreignCores = foreign; report.attempt = attempt; report.stolenCores = stolen
                }
                if let threshold, foreign <= threshold { break }
            }
        } catch {
            report.error = "\(error)"
            return report
        }
        report.runs = times.count
        report.medianSeconds = median(times)
        report.medianCPUSeconds = median(cpuTimes)
        times.sort()
        report.minSeconds = times.first ?? 0
        report.maxSeconds = times.last ?? 0
        report.peakRSSBytes = max(report.peakRSSBytes, BenchMemory.residentBytes())
        return report
    }

    static func median(_ values: [Double]) -> Double {
        let v = values.sorted()
        guard !v.isEmpty else { return 0 }
        return v.count % 2 == 1 ? v[v.count / 2] : (v[v.count / 2 - 1] + v[v.count / 2]) / 2
    }

    static func tensor(shape: [Int], count: Int, dtype: DType, rng: inout SplitMix64) -> Tensor {
        // Written in place: an array copied into the tensor would double a large filter's memory.
        switch dtype {
        case .float32:
            return Tensor(shape: shape, storage: .float32(.make(count: count) { a in
                for i in 0..<count { a[i] = Float(rng.signedUnit()) }
            }))
        case .float64:
            return Tensor(shape: shape, storage: .float64(.make(count: count) { a in
                for i in 0..<count { a[i] = rng.signedUnit() }
            }))
        }
    }
}

extension String {
    /// A hash that is the same in every run (Swift's `hashValue` is seeded per process).
    var hashValueStable: UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in utf8 { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return h
    }
}

enum BenchClock {
    /// CPU time of the whole process so far, in seconds.
    static func processCPU() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }
}

/// Resident memory of this process, from /proc (Linux); 0 elsewhere.
///
/// A case's peak is sampled, not read from the kernel's high-water mark: `VmHWM` can only be reset,
/// and resetting it (`/proc/self/clear_refs`) also resets what `getrusage` and `time` report for the
/// whole process, which then showed the last case's peak as the suite's. A thread reads the resident
/// size every millisecond while the case's tensors are made, checked and warmed up (the timed calls
/// repeat the warm-up calls' allocations, and sampling them would take CPU from the timed threads);
/// the resident size after the timed calls is counted too.
enum BenchMemory {
    /// The process's peak over its whole life (`getrusage`).
    static func processPeakBytes() -> Int {
        var usage = rusage()
        guard getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage) == 0 else { return 0 }
        return Int(usage.ru_maxrss) * 1024
    }

    /// Resident bytes now (`/proc/self/statm`), or 0.
    static func residentBytes() -> Int {
        let fd = open("/proc/self/statm", O_RDONLY)
        guard fd >= 0 else { return 0 }
        defer { close(fd) }
        return residentBytes(statm: fd)
    }

    /// Resident bytes read from an open `/proc/self/statm`.
    static func residentBytes(statm fd: Int32) -> Int {
        var buffer = [UInt8](repeating: 0, count: 128)
        let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 127, 0) }
        guard n > 0 else { return 0 }
        // "size resident shared ...", in pages.
        let fields = buffer[0..<n].split(separator: UInt8(ascii: " "))
        guard fields.count > 1, let pages = Int(String(decoding: fields[1], as: UTF8.self)) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// Samples the resident size every millisecond until `stop`.
    final class Sampler: @unchecked Sendable {
        private let peak = Atomic<Int>(0)
        private let running = Atomic<Bool>(true)
        private let finished = DispatchSemaphore(value: 0)
        private var result: Int?

        init() {
            peak.store(BenchMemory.residentBytes(), ordering: .relaxed)
            Thread.detachNewThread { [self] in
                let fd = open("/proc/self/statm", O_RDONLY)
                if fd >= 0 {
                    while running.load(ordering: .relaxed) {
                        peak.max(BenchMemory.residentBytes(statm: fd), ordering: .relaxed)
                        usleep(1000)
                    }
                    close(fd)
                }
                finished.signal()
            }
        }

        /// Stops sampling (the first call); the largest resident size seen.
        func stop() -> Int {
            if let result { return result }
            running.store(false, ordering: .relaxed)
            finished.wait()
            let value = max(peak.load(ordering: .relaxed), BenchMemory.residentBytes())
            result = value
            return value
        }
    }

}
