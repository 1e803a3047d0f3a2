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
    /// `body` is escaping because the pool's workers hold the job for a moment after the call; they
    /// never call it once `run` has returned (see `FastWorkerPool.Job`).
    static func run(units: Int, threads: Int, control: ComputeControl?, checkpoints: Bool,
                    _ body: @escaping (Int, Int) -> Void) throws(EngineError) {
        if units <= 0 { return }
        if threads > 1, let pool = FastWorkerPool.shared {
            var stopped = false
            if pool.run(units: units, threads: threads, control: control, checkpoints: checkpoints, body, stopped: &stopped) {
                if stopped { throw EngineError(.cancelled, op: "compute", argument: "", "computation cancelled") }
                return
            }
        }
        // One thread (or the pool is running another computation): inline on the caller.
        for unit in 0..<units {
            body(unit, 0)
            if checkpoints { try control?.checkpoint(done: 1) }
        }
    }
}

/// A fixed set of worker threads (one fewer than the cores; the caller is the other worker).
///
/// Why not `DispatchQueue.concurrentPerform`: on this kind of machine (a VM with two vCPUs) waking a
/// parked Dispatch worker takes 15 µs typically and 60 µs often, twice per convolution (packing,
/// then the tiles), which is a tenth of a 1-2 ms call. These workers spin for a short while after a
/// job before they sleep, so back-to-back calls find them awake (as OpenMP's and Eigen's pools do).
///
/// Each worker has a part of a job's units of its own: part w of `helpers + 1` equal runs, taken in
/// order, and the parts of others only once its own is done (one unit at a time, from where that
/// part's owner has got to). So on every call of the same shape a worker computes the same units,
/// which write the same output lines and read the same packed weights as on the call before, and
/// those lines are still in its own caches. With one shared counter the units went to whichever
/// thread came first, and half of each output's lines had last been written by the other core. The
/// host sometimes runs this VM's two vCPUs on cores that share no L3 (a cache line then takes 330
/// ns to go from one to the other and back, instead of 60), and then every such line crossed
/// between them: in that state, with shared counters, unet_up ran at 163 GFLOP/s against 197 when
/// the cores shared an L3, and the atrous layers at 263 against 356. With parts of their own (and
/// private packed weights, see `FastExecutor.run`): unet_up 196, atrous 338-352, conv3d k3s2 213
/// against 173; the same as before, within 2-4 %, when the cores share an L3.
///
/// One job at a time: a second caller while a job runs computes inline instead (same result).
final class FastWorkerPool: Sendable {
    /// The process's pool, or nil with a single core.
    static let shared: FastWorkerPool? = FastParallel.coreCount > 1 ? FastWorkerPool(workers: FastParallel.coreCount - 1) : nil

    /// How long a worker keeps polling for the next job before it sleeps.
    static let spinNanoseconds: UInt64 = 300_000

    let workers: Int
    private let generation = Atomic<Int>(0)
    private let busy = Atomic<Bool>(false)
    private let current = Mutex<Job?>(nil)
    private let gate = SleepGate()

    /// One call's work. Workers take a ticket before touching `body`; once the caller has run out
    /// of units it closes the tickets, so a worker that wakes late does nothing, and the caller
    /// waits only for the workers that joined.
    final class Job: @unchecked Sendable {
        var body: ((Int, Int) -> Void)?
        let units: Int
        let helpers: Int
        let control: ComputeControl?
        let checkpoints: Bool
        /// Parts (`helpers + 1`), and per part the next unit to take: part w's cursor at index 8w,
        /// a cache line each, starting at its first unit.
        let parts: Int
        let cursors: UnsafeMutablePointer<Atomic<Int>>
        let tickets = Atomic<Int>(0)
        let finished = Atomic<Int>(0)
        let stop = Atomic<Bool>(false)

        init(body: @escaping (Int, Int) -> Void, units: Int, helpers: Int, control: ComputeControl?, checkpoints: Bool) {
            self.body = body
            self.units = units
            self.helpers = helpers
            self.control = control
            self.checkpoints = checkpoints
            parts = helpers + 1
            cursors = .allocate(capacity: parts * 8)
            for part in 0..<parts { (cursors + part * 8).initialize(to: Atomic(first(of: part))) }
        }

        deinit {
            for part in 0..<parts { (cursors + part * 8).deinitialize(count: 1) }
            cursors.deallocate()
        }

        /// The first unit of `part` (and the end of the part before it).
        func first(of part: Int) -> Int { units * part / parts }

        /// Worker `worker`'s own part, then each other part in turn, until every unit is taken.
        func work(worker: Int, body: (Int, Int) -> Void) {
            for step in 0..<parts {
                let part = (worker + step) % parts, end = first(of: part + 1)
                while !stop.load(ordering: .relaxed) {
                    let unit = cursors[part * 8].add(1, ordering: .relaxed).oldValue
                    if unit >= end { break }
                    body(unit, worker)
                    if checkpoints, let control {
                        do throws(EngineError) {
                            try control.checkpoint(done: 1)
                        } catch {
                            stop.store(true, ordering: .relaxed)
                        }
                    }
                }
            }
        }
    }

    private init(workers: Int) {
        self.workers = workers
        for index in 0..<workers {
            let start = Unmanaged.passRetained(WorkerStart(pool: self, index: index)).toOpaque()
            var thread = pthread_t()
            if pthread_create(&thread, nil, { argument in
                guard let argument else { return nil }
                let start = Unmanaged<WorkerStart>.fromOpaque(argument).takeRetainedValue()
                start.pool.loop(index: start.index)
                return nil
            }, start) == 0 {
                pthread_detach(thread)
            } else {
                Unmanaged<WorkerStart>.fromOpaque(start).release()
            }
        }
    }

    private final class WorkerStart: @unchecked Sendable {
        let pool: FastWorkerPool
        let index: Int
        init(pool: FastWorkerPool, index: Int) { self.pool = pool; self.index = index }
    }

    /// Runs the job with the caller as worker 0; false when another job holds the pool.
    func run(units: Int, threads: Int, control: ComputeControl?, checkpoints: Bool, _ body: @escaping (Int, Int) -> Void,
             stopped: inout Bool) -> Bool {
        guard busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else { return false }
        let job = Job(body: body, units: units, helpers: min(workers, threads - 1), control: control, checkpoints: checkpoints)
        current.withLock { $0 = job }
        generation.add(1, ordering: .releasing)
        gate.wakeAll()
        job.work(worker: 0, body: body)
        // Close the tickets; wait for the workers that joined.
        let joined = min(job.tickets.exchange(1 << 40, ordering: .acquiringAndReleasing), job.helpers)
        while job.finished.load(ordering: .acquiring) < joined {}
        job.body = nil
        current.withLock { $0 = nil }
        stopped = job.stop.load(ordering: .relaxed)
        busy.store(false, ordering: .releasing)
        return true
    }

    private func loop(index: Int) {
        var seen = 0
        while true {
            // Poll for a new job for a short while, then sleep until one is posted.
            var g = generation.load(ordering: .acquiring)
            if g == seen {
                let deadline = DispatchTime.now().uptimeNanoseconds + FastWorkerPool.spinNanoseconds
                var polls = 0
                while g == seen {
                    polls += 1
                    if polls & 255 == 0 && DispatchTime.now().uptimeNanoseconds > deadline { break }
                    g = generation.load(ordering: .acquiring)
                }
                if g == seen {
                    gate.wait { self.generation.load(ordering: .acquiring) != seen }
                    g = generation.load(ordering: .acquiring)
                }
            }
            seen = g
            guard let job = current.withLock({ $0 }) else { continue }
            let ticket = job.tickets.add(1, ordering: .acquiringAndReleasing).oldValue
            guard ticket < job.helpers else { continue }
            if let body = job.body { job.work(worker: ticket + 1, body: body) }
            job.finished.add(1, ordering: .releasing)
        }
    }
}

/// A mutex and condition variable for sleeping workers (the poll loop covers the fast path).
private final class SleepGate: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    init() {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    /// Sleeps until `ready()` is true (checked under the mutex, so a wake-up cannot be missed).
    func wait(until ready: () -> Bool) {
        pthread_mutex_lock(mutex)
        while !ready() { pthread_cond_wait(condition, mutex) }
        pthread_mutex_unlock(mutex)
    }

    func wakeAll() {
        pthread_mutex_lock(mutex)
        pthread_cond_broadcast(condition)
        pthread_mutex_unlock(mutex)
    }
}

/// Carries a value that the caller knows is used safely across threads (disjoint writes, shared
/// reads) into a `@Sendable` closure.
struct UnsafeSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
