import Foundation
import Synchronization

/// `tconv bench --cores`: how long one cache line takes to go from one thread's core to another's
/// and back, slice by slice. The two threads pass a counter back and forth through one atomic, so
/// each round trip is two transfers of its line between the cores' caches.
///
/// Why a benchmark needs it: on a VM the host decides where the vCPUs run, and may move them while
/// a benchmark runs. On this project's machine (2 vCPUs of an AMD EPYC) the round trip reads about
/// 60 ns when both vCPUs sit on cores that share an L3, and about 330 ns when they do not; in the
/// second state every cache line one core writes and the other reads costs that much more, and
/// 2-thread results drop (see `FastWorkerPool`). A probe before and after a measurement says which
/// state it ran in.
public enum CoreProbe {
    /// The shared line, and the flag that ends the partner thread.
    private final class Line: Sendable {
        let value = Atomic<Int>(0)
        let stop = Atomic<Bool>(false)
    }

    public struct Result: Sendable {
        /// Seconds per slice.
        public var slice: Double
        /// Mean round trip per slice, nanoseconds.
        public var slices: [Double]
        /// Nil, or why there is no measurement (a single core, a partner that never answered).
        public var failure: String?

        /// The middle slice (the upper one of an even count), nil without slices.
        var median: Double? { slices.isEmpty ? nil : slices.sorted()[slices.count / 2] }
    }

    /// Round trips for `seconds`, one mean per `slice` seconds.
    public static func measure(seconds: Double, slice: Double = 0.25) -> Result {
        guard ProcessInfo.processInfo.activeProcessorCount >= 2 else {
            return Result(slice: slice, slices: [], failure: "needs 2 cores, this machine has 1")
        }
        let line = Line()
        let partner = Thread {
            var expected = 1
            while !line.stop.load(ordering: .relaxed) {
                if line.value.load(ordering: .acquiring) == expected {
                    line.value.store(expected + 1, ordering: .releasing)
                    expected += 2
                }
            }
        }
        partner.start()
        defer { line.stop.store(true, ordering: .relaxed) }
        func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
        let sliceNanoseconds = UInt64(max(slice, 0.01) * 1e9)
        let end = now() + UInt64(max(seconds, slice) * 1e9)
        var sent = 0
        var slices = [Double]()
        while now() < end {
            let start = now()
            var trips = 0
            while now() - start < sliceNanoseconds {
                for _ in 0..<256 {
                    line.value.store(sent + 1, ordering: .releasing)
                    // Wait for the partner's answer; give up if it has not answered in a second
                    // (its thread never got a core).
                    var polls = 0
                    while line.value.load(ordering: .acquiring) != sent + 2 {
                        polls += 1
                        if polls & 0xFFFF == 0 && now() - start > 1_000_000_000 + sliceNanoseconds {
                            return Result(slice: slice, slices: slices, failure: "the second thread did not answer within a second")
                        }
                    }
                    sent += 2
                }
                trips += 256
            }
            slices.append(Double(now() - start) / Double(trips))
        }
        return Result(slice: slice, slices: slices, failure: nil)
    }

    /// The text report: every slice, then the median and range.
    public static func report(_ result: Result) -> [String] {
        if let failure = result.failure { return ["tconv bench --cores: \(failure)"] }
        guard let median = result.median, let low = result.slices.min(), let high = result.slices.max() else {
            return ["tconv bench --cores: no slices measured"]
        }
        return [
            "round trip of a cache line between two threads, ns per \(result.slice) s slice:",
            result.slices.map { String(Int($0.rounded())) }.joined(separator: " "),
            "median \(Int(median.rounded())) ns (\(Int(low.rounded()))-\(Int(high.rounded()))) over \(result.slices.count) slices",
        ]
    }

    /// One JSON object: the slices and their median.
    public static func json(_ result: Result) -> String {
        var fields: [(String, JSON)] = [("probe", .string("cores")), ("slice_s", .double(result.slice)),
                                        ("round_trip_ns", .array(result.slices.map { .double(($0 * 10).rounded() / 10) }))]
        if let median = result.median { fields.append(("median_ns", .double((median * 10).rounded() / 10))) }
        if let failure = result.failure { fields.append(("error", .string(failure))) }
        return JSON.object(fields).description
    }
}
