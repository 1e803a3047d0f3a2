import Foundation

/// Foreign CPU load during a timing window, the way the peers' harness (`peers.py`, `quiet.py`)
/// measures it: busy time of all CPUs from `/proc/stat` minus this process's own CPU time, divided
/// by the wall time. A window in which other processes used more than a threshold is re-run, so
/// tconv and the peers are timed under the same conditions on a shared machine.
struct BenchLoad {
    /// Busy seconds of all CPUs (user, nice, system, irq, softirq), or nil where `/proc/stat` is missing.
    static func busySeconds(procStat text: String, ticksPerSecond: Double) -> Double? {
        var busy = 0.0
        var found = false
        for line in text.split(separator: "\n") where line.hasPrefix("cpu") && !line.hasPrefix("cpu ") {
            let fields = line.split(separator: " ").dropFirst().compactMap { Double($0) }
            guard fields.count >= 7 else { continue }
            busy += fields[0] + fields[1] + fields[2] + fields[5] + fields[6]
            found = true
        }
        return found ? busy / ticksPerSecond : nil
    }

    /// Stolen seconds of all CPUs: time the hypervisor ran something else while a vCPU had work
    /// (the eighth field of the per-CPU lines), or nil where the field is missing.
    static func stealSeconds(procStat text: String, ticksPerSecond: Double) -> Double? {
        var steal = 0.0
        var found = false
        for line in text.split(separator: "\n") where line.hasPrefix("cpu") && !line.hasPrefix("cpu ") {
            let fields = line.split(separator: " ").dropFirst().compactMap { Double($0) }
            guard fields.count >= 8 else { continue }
            steal += fields[7]
            found = true
        }
        return found ? steal / ticksPerSecond : nil
    }

    static func busySeconds() -> Double? {
        guard let text = procStat() else { return nil }
        return busySeconds(procStat: text, ticksPerSecond: ticksPerSecond)
    }

    static func stealSeconds() -> Double? {
        guard let text = procStat() else { return nil }
        return stealSeconds(procStat: text, ticksPerSecond: ticksPerSecond)
    }

    private static func procStat() -> String? { try? String(contentsOfFile: "/proc/stat", encoding: .utf8) }
    private static var ticksPerSecond: Double { Double(sysconf(Int32(_SC_CLK_TCK))) }

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
        busy0 = BenchLoad.busySeconds()
        steal0 = BenchLoad.stealSeconds()
        own0 = BenchLoad.ownSeconds()
        wall0 = DispatchTime.now().uptimeNanoseconds
    }

    /// Cores' worth of CPU time other processes used since `init` (0 when unknown).
    func foreignCores() -> Double {
        let wall = Double(DispatchTime.now().uptimeNanoseconds - wall0) * 1e-9
        guard let busy0, let busy1 = BenchLoad.busySeconds(), wall > 0 else { return 0 }
        return max(0, ((busy1 - busy0) - (BenchLoad.ownSeconds() - own0)) / wall)
    }

    /// Cores' worth of time the hypervisor took from this VM's vCPUs since `init` (0 when unknown).
    /// Processes in the VM do not see it: on a shared host it is the other tenants' load. It is
    /// reported, not acted on, since the peers' harness does not count it either.
    func stolenCores() -> Double {
        let wall = Double(DispatchTime.now().uptimeNanoseconds - wall0) * 1e-9
        guard let steal0, let steal1 = BenchLoad.stealSeconds(), wall > 0 else { return 0 }
        return max(0, (steal1 - steal0) / wall)
    }

    /// Waits (up to `timeout` seconds) for a 0.3 s window with at most `threshold` foreign cores.
    static func waitQuiet(threshold: Double, timeout: Double) {
        let end = DispatchTime.now().uptimeNanoseconds + UInt64(timeout * 1e9)
        while true {
            let window = BenchLoad()
            usleep(300_000)
            if window.foreignCores() <= threshold || DispatchTime.now().uptimeNanoseconds > end { return }
        }
    }
}
