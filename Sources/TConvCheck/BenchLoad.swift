import Foundation

/// Foreign CPU load during a timing window, the way the peers' harness (`peers.py`, `quiet.py`)
/// measures it: busy time of all CPUs from `/proc/stat` minus this process's own CPU time, divided
/// by the wall time. A window in which other processes used more than a threshold is re-run, so
/// tconv and the peers are timed under the same conditions on a shared machine.
struct BenchLoad {
    /// Busy seconds of all CPUs (user, nice, system, irq, softirq), or nil where `/proc/stat` is missing.
    static func busySeconds(procStat text: String, ticksPerSecond: Double) -> Double? {
        perCPUSeconds(text, ticksPerSecond: ticksPerSecond) { $0.count >= 7 ? $0[0] + $0[1] + $0[2] + $0[5] + $0[6] : nil }
    }

    /// Stolen seconds of all CPUs: time the hypervisor ran something else while a vCPU had work
    /// (the eighth field of the per-CPU lines), or nil where the field is missing.
    static func stealSeconds(procStat text: String, ticksPerSecond: Double) -> Double? {
        perCPUSeconds(text, ticksPerSecond: ticksPerSecond) { $0.count >= 8 ? $0[7] : nil }
    }

    /// The sum over the per-CPU lines (not the "cpu " total) of what `pick` takes from each line's
    /// tick counts, in seconds; nil when no line has the fields `pick` needs (it returns nil then).
    private static func perCPUSeconds(_ text: String, ticksPerSecond: Double, _ pick: ([Double]) -> Double?) -> Double? {
        var sum = 0.0
        var found = false
        for line in text.split(separator: "\n") where line.hasPrefix("cpu") && !line.hasPrefix("cpu ") {
            guard let ticks = pick(line.split(separator: " ").dropFirst().compactMap { Double($0) }) else { continue }
            sum += ticks
            found = true
        }
        return found ? sum / ticksPerSecond : nil
    }

    /// Busy and stolen seconds of all CPUs, from one reading of `/proc/stat`.
    static func cpuSeconds() -> (busy: Double?, steal: Double?) {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8) else { return (nil, nil) }
        let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
        return (busySeconds(procStat: text, ticksPerSecond: ticksPerSecond), stealSeconds(procStat: text, ticksPerSecond: ticksPerSecond))
    }

    /// User + system CPU time of this process (all threads).
    static func ownSeconds() -> Double {
        var usage = rusage()
        guard getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage) == 0 else { return 0 }
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) * 1e-6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) * 1e-6
    }

    let busy0: Double?
    let steal0: Double?
    let own0: Double
    let wall0: UInt64

    init() {
        (busy0, steal0) = BenchLoad.cpuSeconds()
        own0 = BenchLoad.ownSeconds()
        wall0 = DispatchTime.now().uptimeNanoseconds
    }

    /// Since `init`, in cores' worth: the CPU time other processes used (`foreign`), and the time
    /// the hypervisor took from this VM's vCPUs (`stolen`; processes in the VM do not see it, and on
    /// a shared host it is the other tenants' load). Each 0 when unknown. Steal is reported, not
    /// acted on, since the peers' harness does not count it either.
    func loads() -> (foreign: Double, stolen: Double) {
        let wall = Double(DispatchTime.now().uptimeNanoseconds - wall0) * 1e-9
        guard wall > 0 else { return (0, 0) }
        let (busy1, steal1) = BenchLoad.cpuSeconds()
        var foreign = 0.0, stolen = 0.0
        if let busy0, let busy1 { foreign = max(0, ((busy1 - busy0) - (BenchLoad.ownSeconds() - own0)) / wall) }
        if let steal0, let steal1 { stolen = max(0, (steal1 - steal0) / wall) }
        return (foreign, stolen)
    }

    /// Waits (up to `timeout` seconds) for a 0.3 s window with at most `threshold` foreign cores.
    static func waitQuiet(threshold: Double, timeout: Double) {
        let end = DispatchTime.now().uptimeNanoseconds + UInt64(timeout * 1e9)
        while true {
            let window = BenchLoad()
            usleep(300_000)
            if window.loads().foreign <= threshold || DispatchTime.now().uptimeNanoseconds > end { return }
        }
    }
}
