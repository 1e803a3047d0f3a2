import Synchronization

/// Cancellation and progress for one computation, shared between the thread that runs it and
/// the thread that watches it (the REPL polls progress and sets the flag on Ctrl-C).
///
/// Kernels call `checkpoint(done:)` between tiles; it throws `cancelled` once the flag is set.
public final class ComputeControl: Sendable {
    private let cancelFlag = Atomic<Bool>(false)
    private let doneUnits = Atomic<Int>(0)
    private let totalUnits = Atomic<Int>(0)

    public init() {}

    /// Ask the computation to stop at its next checkpoint.
    public func cancel() { cancelFlag.store(true, ordering: .relaxed) }
    public var isCancelled: Bool { cancelFlag.load(ordering: .relaxed) }

    /// Declare how many units of work the computation has (kernels call this once).
    public func begin(totalUnits units: Int) {
        totalUnits.store(max(units, 1), ordering: .relaxed)
        doneUnits.store(0, ordering: .relaxed)
    }

    /// Record `units` more units done, and throw if cancelled.
    public func checkpoint(done units: Int) throws(EngineError) {
        if units > 0 { doneUnits.add(units, ordering: .relaxed) }
        if cancelFlag.load(ordering: .relaxed) {
            throw EngineError(.cancelled, op: "compute", argument: "", "computation cancelled")
        }
    }

    /// Fraction done, 0...1.
    public var progress: Double {
        let total = totalUnits.load(ordering: .relaxed)
        guard total > 0 else { return 0 }
        return min(1, Double(doneUnits.load(ordering: .relaxed)) / Double(total))
    }
}
