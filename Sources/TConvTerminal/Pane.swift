import CTerm
import TConvEngine
import TConvScript
import TConvView

/// The pane: TConvView's `ViewState` (what is shown, the scatter cursor, playback, channels,
/// views) plus the wall clock that drives playback. Keys go through TConvView's `KeyMap`, the
/// one table of pane bindings.
struct PaneModel {
    var state: ViewState?
    private var lastTick: ContinuousClock.Instant?

    var isEmpty: Bool { state == nil }
    var isPlaying: Bool { state?.playing ?? false }

    mutating func show(_ request: ShowRequest) {
        state = ViewState(name: request.name, tensor: request.tensor)
        lastTick = nil
    }

    /// False when the request cannot be stepped (not a transposed op).
    mutating func step(_ request: StepRequest) -> Bool {
        guard let s = ViewState(title: request.title, plan: request.plan, input: request.input, filters: request.filters) else {
            return false
        }
        state = s
        lastTick = nil
        return true
    }

    /// `%cmap NAME` (`auto` for the automatic choice).
    mutating func setColorMap(_ name: String) -> Bool {
        let wanted = name.lowercased() == "gray" ? "grey" : name.lowercased()
        if wanted == "auto" { state?.colorMap = nil; return true }
        guard let kind = ColorMapKind.allCases.first(where: { $0.description.lowercased() == wanted || $0.rawValue == wanted }) else {
            return false
        }
        state?.colorMap = kind
        return true
    }

    /// A key read with keypad on (curses codes). Ctrl-C is handled by the caller.
    mutating func handle(code: Int32) -> ViewOutcome {
        guard state != nil, let key = PaneKeys.viewKey(code) else { return .unchanged }
        let wasPlaying = isPlaying
        let outcome = state!.handle(key)
        if isPlaying && !wasPlaying { lastTick = ContinuousClock.now }
        return outcome
    }

    /// Starts playing from where the scatter is (a lesson's `#: step`).
    mutating func play() {
        guard state?.model != nil else { return }
        state?.playing = true
        lastTick = ContinuousClock.now
    }

    /// Moves the scatter to its last step, not playing (a step that played earlier in a lesson).
    mutating func showFinished() {
        guard state?.model != nil else { return }
        state?.apply(.lastStep)
        state?.playing = false
        state?.remark = nil
    }

    /// Ctrl-C in the pane: stops a playback; false when nothing was playing.
    mutating func stopPlayback() -> Bool {
        guard isPlaying else { return false }
        state?.playing = false
        return true
    }

    /// Advances playback by the wall time since the last tick. True when the picture changed.
    mutating func tick(now: ContinuousClock.Instant = .now) -> Bool {
        guard isPlaying else { lastTick = nil; return false }
        let previous = lastTick ?? now
        lastTick = now
        let elapsed = now - previous
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let moved = state?.tick(seconds: seconds) ?? false
        return moved || !isPlaying
    }

    /// Milliseconds between frames while playing (at most 30 frames a second, at least 4; fast
    /// speeds move several steps a frame), nil when idle.
    var frameInterval: Int? {
        guard let state, state.playing else { return nil }
        return max(33, min(250, Int(1000 / max(state.speed, 0.001))))
    }

    /// "step 3/24" etc. for the status line.
    func statusLine(width: Int, options: RenderOptions) -> String {
        state?.statusLine(width: width, options: options) ?? ""
    }

    func render(width: Int, height: Int, options: RenderOptions) -> Grid {
        guard let state, width > 0, height > 0 else { return Grid(width: max(0, width), height: max(0, height)) }
        return state.render(width: width, height: height, options: options)
    }
}

/// Curses key codes (keypad on) to TConvView's keys. The bindings themselves live in
/// TConvView's `KeyMap`.
enum PaneKeys {
    static func viewKey(_ code: Int32) -> ViewKey? {
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case KEY_HOME: return .home
        case KEY_END: return .end
        case KEY_ENTER: return .enter
        case KEY_BTAB: return .backTab
        case KEY_BACKSPACE: return .backspace
        default: return ViewKey(code: code)
        }
    }
}
