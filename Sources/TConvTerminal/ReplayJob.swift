import CTerm
import Foundation
import TConvScript

/// A replay move running on a worker thread, so the loop keeps reading keys (Ctrl-C stops it,
/// a write question is answered) and the screen stays alive while a rebuild re-runs a lesson.
final class ReplayJob: @unchecked Sendable {
    let kind: ReplayMoveKind
    let started = ContinuousClock.now
    private let lock = NSLock()
    private var move: ReplayMove?
    private var stopRequested = false
    /// The session running now (a rebuild replaces it), for Ctrl-C.
    private var session: ScriptSession?

    private init(kind: ReplayMoveKind, session: ScriptSession) {
        self.kind = kind
        self.session = session
    }

    /// Starts `kind` on `replay` (which nothing else may touch until `result` is set).
    static func start(_ kind: ReplayMoveKind, on replay: Replay) -> ReplayJob {
        let job = ReplayJob(kind: kind, session: replay.session)
        let thread = Thread {
            cterm_block_signals()
            let move = ReplayMover.perform(kind, on: replay, shouldStop: { job.shouldStop }, sessionChanged: { job.setSession($0) })
            job.finish(move)
        }
        thread.stackSize = 64 << 20   // deep expressions recurse in the evaluator
        thread.start()
        return job
    }

    var result: ReplayMove? { lock.withLock { move } }

    var elapsedSeconds: Double {
        let d = ContinuousClock.now - started
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    /// Ctrl-C: cancels the running statement and stops before the next one.
    func cancel() {
        let running = lock.withLock { () -> ScriptSession? in
            stopRequested = true
            return session
        }
        running?.currentComputation?.cancel()
    }

    var cancelRequested: Bool { lock.withLock { stopRequested } }

    private var shouldStop: Bool { lock.withLock { stopRequested } }
    private func setSession(_ s: ScriptSession) { lock.withLock { session = s } }
    private func finish(_ m: ReplayMove) { lock.withLock { move = m } }
}

/// A write a replayed lesson wants to make (`np.save`, `%save`, `%export`), asked in the message
/// area: the worker thread waits in `ask` until the loop calls `reply`. Stepping back re-runs
/// statements; a question already answered gets the same answer without asking again.
final class WriteConfirmation: @unchecked Sendable {
    private let lock = NSLock()
    private let answered = DispatchSemaphore(value: 0)
    private var question: String?
    private var answer: Bool?
    private var answers: [String: Bool] = [:]

    /// Worker thread: asks and waits for the answer (default no).
    func ask(_ text: String) -> Bool {
        let known = lock.withLock { () -> Bool? in
            if let previous = answers[text] { return previous }
            question = text
            return nil
        }
        if let known { return known }
        answered.wait()
        return lock.withLock {
            let yes = answer ?? false
            answers[text] = yes
            answer = nil
            return yes
        }
    }

    /// The session option that asks `confirmation` (nil: no callback, writes are refused).
    static func callback(_ confirmation: WriteConfirmation?) -> (@Sendable (String) -> Bool)? {
        guard let confirmation else { return nil }
        return { question in confirmation.ask(question) }
    }

    /// The question waiting for an answer, if any.
    var pending: String? { lock.withLock { question } }

    /// Main thread: answers the pending question.
    func reply(_ yes: Bool) {
        let waiting = lock.withLock { () -> Bool in
            guard question != nil else { return false }
            question = nil
            answer = yes
            return true
        }
        if waiting { answered.signal() }
    }
}
