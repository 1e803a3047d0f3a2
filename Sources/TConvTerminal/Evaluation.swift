import CTerm
import Foundation
import TConvScript

/// One submitted line being evaluated on a worker thread, so the main loop keeps reading keys
/// (Ctrl-C cancels through `ScriptSession.currentComputation`) and keeps the screen alive.
final class Evaluation: @unchecked Sendable {
    let line: String
    let started = ContinuousClock.now
    private let lock = NSLock()
    private var outcome: SubmitResult?
    private(set) var cancelRequested = false

    private init(line: String) { self.line = line }

    /// Starts `session.submit(line)` on a new thread with the async signals blocked (they must
    /// reach the main thread, whose blocking read they interrupt).
    static func start(_ session: ScriptSession, line: String) -> Evaluation {
        let evaluation = Evaluation(line: line)
        let thread = Thread {
            cterm_block_signals()
            let result = session.submit(line)
            evaluation.finish(result)
        }
        thread.stackSize = 64 << 20   // deep expressions recurse in the evaluator
        thread.start()
        return evaluation
    }

    private func finish(_ result: SubmitResult) {
        lock.lock()
        outcome = result
        lock.unlock()
    }

    var result: SubmitResult? {
        lock.lock()
        defer { lock.unlock() }
        return outcome
    }

    var elapsedSeconds: Double {
        let d = ContinuousClock.now - started
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    func cancel(_ session: ScriptSession) {
        cancelRequested = true
        session.currentComputation?.cancel()
    }

    /// "computing 42% (3 s) · Ctrl-C cancels"
    func progressText(_ session: ScriptSession, frame: Int) -> String {
        let spinner = ["|", "/", "-", "\\"][frame % 4]
        var text = "\(spinner) computing"
        if let control = session.currentComputation, control.progress > 0 {
            text += " \(Int(control.progress * 100))%"
        }
        text += " (\(Int(elapsedSeconds)) s)"
        text += cancelRequested ? " · cancelling…" : " · Ctrl-C cancels"
        return text
    }
}
