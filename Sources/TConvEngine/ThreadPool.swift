import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Runs numbered work units on several threads. Units are handed out in increasing order from a
/// shared counter, so the split depends on timing; kernels make each unit write its own output
/// elements with a fixed summation order, which keeps results independent of the thread count.
///
/// Between units it reports progress to the `ComputeControl` and stops early (throwing
/// `cancelled`) once the control is cancelled. One thread runs inline on the caller, with no
/// wake-up at all, which is what small problems use.
enum FastParallel {
    /// Cores available to this process (at least 1).
    static let coreCount: Int = {
        #if canImport(Glibc)
        return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        #else
        return 1
        #endif
    }()

    /// Threads to use for `requested` (0 = every core), never more than the units of work.
    static func threadCount(requested: Int, units: Int) -> Int {
        let wanted = requested <= 0 ? coreCount : requested
        return max(1, min(wanted, units))
    }

    /// Calls `body(unit, worker)` for every unit in `0..<units`, on `threads` workers
    /// (`worker` in `0..<threads`, stable for the life of one worker, so it can index per-worker
    /// scratch memory). Checks `control` after every unit when `checkpoints` is true.
    static func run(units: Int, threads: Int, control: ComputeControl?, checkpoints: Bool,
                    _ body: (Int, Int) -> Void) throws(EngineError) {
        if units <= 0 { return }
        if threads <= 1 {
            for unit in 0..<units {
                body(unit, 0)
                if checkpoints { try control?.checkpoint(done: 1) }
            }
            return
        }
        let state = SharedState()
        withoutActuallyEscaping(body) { body in
            let box = UnsafeSendable(body)
            DispatchQueue.concurrentPerform(iterations: threads) { worker in
                while !state.stop.load(ordering: .relaxed) {
                    let unit = state.next.add(1, ordering: .relaxed).oldValue
                    if unit >= units { break }
                    box.value(unit, worker)
                    if checkpoints, let control {
                        do throws(EngineError) {
                            try control.checkpoint(done: 1)
                        } catch {
                            state.stop.store(true, ordering: .relaxed)
                        }
                    }
                }
            }
        }
        if state.stop.load(ordering: .relaxed) {
            throw EngineError(.cancelled, op: "compute", argument: "", "computation cancelled")
        }
    }

    private final class SharedState: Sendable {
        let next = Atomic<Int>(0)
        let stop = Atomic<Bool>(false)
    }
}

/// Carries a value that the caller knows is used safely across threads (disjoint writes, shared
/// reads) into a `@Sendable` closure.
struct UnsafeSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
