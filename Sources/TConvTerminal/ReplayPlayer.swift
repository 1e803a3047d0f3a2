import TConvScript
import TConvView

/// A move through a lesson, as a key asks for it.
enum ReplayMoveKind: Equatable, Sendable {
    case next, back, nextMarker, previousMarker, toPause, restart
    /// So that this many statements have run (the next one shown is number `statement + 1`).
    case goTo(Int)
}

/// What a move did: the statements it ran (all of them from the first when it went back: the
/// state is rebuilt from the log), where the cursor is now, and why it stopped early.
struct ReplayMove: Sendable {
    var kind: ReplayMoveKind
    var outcomes: [Replay.Outcome]
    /// The state was rebuilt from the first statement: `outcomes` is the whole transcript.
    var rebuilt: Bool
    var cursor: Int
    /// Ctrl-C stopped it (a statement was cancelled, or the rebuild stopped between statements).
    var interrupted: Bool
    /// Nothing to do, and why ("no marker after this point").
    var note: String?
}

/// Performs moves on a `Replay` statement by statement, so a rebuild can stop between
/// statements. Runs on whichever thread drives the replay (a worker in the full screen).
enum ReplayMover {
    static func perform(_ kind: ReplayMoveKind, on replay: Replay, shouldStop: () -> Bool = { false },
                        sessionChanged: (ScriptSession) -> Void = { _ in }) -> ReplayMove {
        let start = replay.cursor
        func nothing(_ note: String) -> ReplayMove {
            ReplayMove(kind: kind, outcomes: [], rebuilt: false, cursor: start, interrupted: false, note: note)
        }
        let target: Int
        switch kind {
        case .next:
            guard start < replay.count else { return nothing("end of the lesson: , goes back, q leaves") }
            target = start + 1
        case .back:
            guard start > 0 else { return nothing("already at the first statement") }
            target = start - 1
        case .goTo(let statement):
            target = max(0, min(statement, replay.count))
            if target == start { return nothing("already there") }
        case .nextMarker:
            guard let marker = replay.markers.first(where: { $0.statement > start }) else { return nothing("no marker after this point") }
            target = marker.statement
        case .previousMarker:
            guard let marker = replay.markers.last(where: { $0.statement < start }) else { return nothing("no marker before this point") }
            target = marker.statement
        case .toPause:
            guard start < replay.count else { return nothing("end of the lesson: , goes back, q leaves") }
            target = replay.items.dropFirst(start + 1).first(where: \.pausesBefore)?.index ?? replay.count
        case .restart:
            guard start > 0 else { return nothing("already at the first statement") }
            target = 0
        }
        var rebuilt = false
        if target < start {
            replay.restart()
            rebuilt = true
            sessionChanged(replay.session)
        }
        var outcomes = [Replay.Outcome]()
        var interrupted = false
        while replay.cursor < target {
            if shouldStop() { interrupted = true; break }
            guard let outcome = replay.runNext() else { break }
            outcomes.append(outcome)
            if outcome.events.contains(where: { if case .error(let d) = $0 { return d.category == "cancelled" } else { return false } }) {
                interrupted = true
                break
            }
        }
        return ReplayMove(kind: kind, outcomes: outcomes, rebuilt: rebuilt, cursor: replay.cursor, interrupted: interrupted, note: nil)
    }
}

/// What the pane does after a move.
enum PaneChange {
    case keep
    case clear
    case show(ShowRequest)
    /// `play`: a `#: step` asked for this scatter just now; otherwise it is shown finished (it
    /// played earlier in the lesson).
    case step(StepRequest, play: Bool)
}

/// The replay as the screen shows it: the statements run so far with their outputs (the
/// transcript), the statement and narration that come next, markers, and the differences from
/// the recording. Main thread only; it never touches the `Replay` itself (a worker may be running
/// it), only the moves that come back.
struct ReplayPlayer {
    let source: String
    let version: Int
    let items: [Replay.Item]
    let markers: [(label: String, statement: Int)]
    let closingNarration: [String]
    private(set) var cursor = 0
    private(set) var transcript: [Replay.Outcome] = []

    /// Reads the lesson's fixed parts (call while no move is running).
    init(_ replay: Replay) {
        source = replay.source
        version = replay.version
        items = replay.items
        markers = replay.markers
        closingNarration = replay.trailingDirectives.filter { $0.name == "say" }.map(\.argument)
        cursor = replay.cursor
    }

    var count: Int { items.count }
    var isAtEnd: Bool { cursor >= items.count }
    /// The statement shown at the prompt (nil at the end).
    var current: Replay.Item? { cursor < items.count ? items[cursor] : nil }
    /// The narration that introduces the statement shown (at the end: the closing words).
    var narration: [String] { current?.narration ?? closingNarration }

    /// What the narration band shows. Presenter mode keeps the latest narration of the part
    /// being played up while its statements run (the class reads it while the output appears);
    /// otherwise the band introduces the statement shown, and narration already read joins the
    /// transcript.
    func bandNarration(presenter: Bool) -> [String] {
        let next = narration
        guard presenter, next.isEmpty else { return next }
        for outcome in transcript.reversed() {
            if !outcome.item.narration.isEmpty { return outcome.item.narration }
            if !outcome.item.markers.isEmpty { break }
        }
        return []
    }
    /// Statements run so far whose output differs from the recording.
    var differences: [Replay.Outcome] { transcript.filter { !$0.matches } }
    /// The marker of the part being played: the last one at or before the cursor.
    var marker: String? { markers.last(where: { $0.statement <= cursor })?.label }
    /// The file name without its folders.
    var title: String { source.split(separator: "/").last.map(String.init) ?? source }

    /// Takes a finished move; returns what the pane should show.
    mutating func apply(_ move: ReplayMove) -> PaneChange {
        if move.rebuilt { transcript = move.outcomes } else { transcript += move.outcomes }
        cursor = move.cursor
        let searched = move.rebuilt ? transcript : move.outcomes
        guard let (index, event) = Self.lastPicture(in: searched) else { return move.rebuilt ? .clear : .keep }
        switch event {
        case .show(let request):
            return .show(request)
        case .step(let request):
            let justRun = !move.rebuilt && index == searched.count - 1 && searched[index].step != nil
            return .step(request, play: justRun && !move.interrupted)
        default:
            return .keep
        }
    }

    /// The last `show`/`step` event among `outcomes`, with the index of its outcome.
    static func lastPicture(in outcomes: [Replay.Outcome]) -> (Int, ScriptEvent)? {
        for (index, outcome) in outcomes.enumerated().reversed() {
            for event in outcome.events.reversed() {
                switch event {
                case .show, .step: return (index, event)
                default: continue
                }
            }
        }
        return nil
    }

    /// "statement 4/13" (the one shown next), or "end 13/13".
    var position: String {
        isAtEnd ? "end \(count)/\(count)" : "statement \(cursor + 1)/\(count)"
    }

    /// "✓ 5 match" or "✗ 1 of 5 differs" (ASCII without UTF-8).
    func matchSummary(utf8: Bool) -> String {
        let bad = differences.count
        if transcript.isEmpty { return "nothing run yet" }
        if bad == 0 { return (utf8 ? "✓ " : "ok: ") + "\(transcript.count) match" }
        return (utf8 ? "✗ " : "X ") + "\(bad) of \(transcript.count) differ\(bad == 1 ? "s" : "")"
    }
}
