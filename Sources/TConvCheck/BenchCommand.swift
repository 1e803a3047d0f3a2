import Foundation
import TConvEngine

/// `tconv bench [--json] [--threads N] [--dtype float32|float64] [--filter REGEX] [--min-time S]
/// [--max-foreign CORES [--attempts N]] [SUITE]`:
/// checks each case of a benchmark suite once, then times it. Returns the exit status (0 all
/// checks passed, 1 a check failed, 2 usage or suite error).
public enum BenchCommand {
    public static let usage = """
        usage: tconv bench [--json] [--threads N] [--dtype float32|float64] [--filter REGEX] [--min-time SECONDS]
                           [--max-foreign CORES [--attempts N]] [SUITE]
          SUITE defaults to Benchmarks/suite.json (found from the current folder or the executable).
          --threads N          worker threads (0 = every core, the default)
          --min-time S         timed seconds per case after warm-up (default 1.0; at least 5 runs)
          --max-foreign CORES  on a shared machine: wait for a quiet moment, and time a case again (up to
                               --attempts times, default 5) while other processes used more than CORES of
                               CPU beyond the cores this run leaves free; the least disturbed try is kept
               tconv bench --view  times the views instead: a 64x64x8 output drawn as heatmaps and step views
               tconv bench --cores [--json] [--min-time S]  measures instead how long a cache line takes to
                                   go between two threads' cores and back, per quarter second, for S
                                   seconds (default 1); a jump means the host moved the vCPUs to cores
                                   that share less cache, and 2-thread timings drop with it
        GFLOP/s is the suite's flops (2 x a direct convolution's multiply-adds) over the median time.
        Stride-1 and dilated 3x3 layers run as Winograd F(2x2, 3x3), which multiplies 2.25x less, so
        their figure can exceed the machine's FMA peak.
        Peak memory: the resident size, sampled every millisecond while a case's tensors are made, checked
        and warmed up, and after its timed runs; the last line gives the whole process's peak.
        In a virtual machine the host may run other guests on this one's vCPUs (steal time, which no
        process here sees): each JSON line gives it as steal_cores, and the table says which cases lost
        more than 5 % of a core that way, as their times are then inflated.
        """

    public struct Options: Sendable {
        public var json = false
        public var threads = 0
        public var dtype = DType.float32
        public var filter: String? = nil
        public var minTime = 1.0
        /// Foreign CPU load (cores) a timing window may see; nil: time once, whatever the load.
        public var maxForeign: Double? = nil
        public var attempts = 5
        public var suitePath: String? = nil
        /// `--cores`: run `CoreProbe` instead of the suite.
        public var cores = false
        public init() {}
    }

    /// Parses the arguments; returns an error message for bad ones.
    public static func parse(_ arguments: [String]) -> Result<Options, BenchUsageError> {
        var o = Options()
        var i = 0
        func value(_ name: String) -> String? {
            i += 1
            return i < arguments.count ? arguments[i] : nil
        }
        while i < arguments.count {
            let arg = arguments[i]
            switch arg {
            case "--json": o.json = true
            case "--cores": o.cores = true
            case "--threads":
                guard let v = value(arg), let n = Int(v), n >= 0, n <= 1024 else { return .failure(.init("--threads needs a count >= 0")) }
                o.threads = n
            case "--dtype":
                guard let v = value(arg), let d = DType(rawValue: v) else { return .failure(.init("--dtype needs float32 or float64")) }
                o.dtype = d
            case "--filter":
                guard let v = value(arg), (try? NSRegularExpression(pattern: v)) != nil else {
                    return .failure(.init("--filter needs a valid regular expression"))
                }
                o.filter = v
            case "--min-time":
                guard let v = value(arg), let t = Double(v), t >= 0, t <= 3600 else { return .failure(.init("--min-time needs seconds >= 0")) }
                o.minTime = t
            case "--max-foreign":
                guard let v = value(arg), let c = Double(v), c >= 0, c <= 1024 else { return .failure(.init("--max-foreign needs cores >= 0")) }
                o.maxForeign = c
            case "--attempts":
                guard let v = value(arg), let n = Int(v), n >= 1, n <= 100 else { return .failure(.init("--attempts needs a count 1...100")) }
                o.attempts = n
            case "--help", "-h": return .failure(.init(""))
            default:
                if arg.hasPrefix("-") { return .failure(.init("unknown option \(arg)")) }
                if o.suitePath != nil { return .failure(.init("more than one suite given")) }
                o.suitePath = arg
            }
            i += 1
        }
        return .success(o)
    }

    public static func main(_ arguments: [String], write: (String) -> Void = { FileHandle.standardOutput.write(($0 + "\n").data(using: .utf8) ?? Data()) },
                            writeError: (String) -> Void = { FileHandle.standardError.write(($0 + "\n").data(using: .utf8) ?? Data()) }) -> Int32 {
        let options: Options
        switch parse(arguments) {
        case .success(let o): options = o
        case .failure(let e):
            if e.message.isEmpty { write(usage); return 0 }
            writeError("tconv bench: \(e.message)\n\(usage)")
            return 2
        }
        if options.cores {
            let result = CoreProbe.measure(seconds: options.minTime)
            if options.json { write(CoreProbe.json(result)) } else { CoreProbe.report(result).forEach(write) }
            return result.failure == nil ? 0 : 1
        }
        guard let path = options.suitePath ?? BenchSuite.defaultPath() else {
            writeError("tconv bench: no suite given and Benchmarks/suite.json not found from the current folder or the executable")
            return 2
        }
        var cases: [BenchCase]
        do { cases = try BenchSuite.load(path: path) } catch {
            writeError("tconv bench: \(error)")
            return 2
        }
        if let pattern = options.filter, let regex = try? NSRegularExpression(pattern: pattern) {
            cases = cases.filter { regex.firstMatch(in: $0.name, range: NSRange($0.name.startIndex..., in: $0.name)) != nil }
        }
        let threads = options.threads == 0 ? ProcessInfo.processInfo.activeProcessorCount : options.threads
        #if DEBUG
        writeError("tconv bench: this is a debug build; timings are not meaningful (use swift build -c release)")
        #endif
        if !options.json {
            write("suite \(path): \(cases.count) cases, \(options.dtype), \(threads) thread\(threads == 1 ? "" : "s")")
            write(BenchReport.header)
        }
        var failures = 0, casePeak = 0
        var robbed = [String]()
        for c in cases {
            let result = BenchRunner.run(c, options: options, threads: threads)
            if !result.check.passed { failures += 1 }
            casePeak = max(casePeak, result.peakRSSBytes)
            write(options.json ? result.json.description : result.line)
            if let note = stealNote(result) { robbed.append(note) }
        }
        let peak = max(BenchMemory.processPeakBytes(), casePeak)
        if !options.json {
            if !robbed.isEmpty {
                write("the host took CPU time from this VM while these were timed (steal), so their times are inflated: "
                      + robbed.joined(separator: ", "))
            }
            write("process peak memory: \(BenchReport.mebibytes(peak)) MiB; \(failures == 0 ? "all checks passed" : "\(failures) check(s) FAILED")")
        }
        return failures == 0 ? 0 : 1
    }
}

extension BenchCommand {
    /// "name (0.31 cores)" when the host took more than 5 % of a core from this VM while `report`
    /// was timed, else nil.
    static func stealNote(_ report: BenchReport) -> String? {
        guard report.stolenCores > 0.05 else { return nil }
        return "\(report.name) (\(String(format: "%.2f", report.stolenCores)) cores)"
    }
}

public struct BenchUsageError: Error, Sendable {
    public var message: String
    init(_ message: String) { self.message = message }
}
