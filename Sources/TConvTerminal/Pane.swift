import TConvEngine
import TConvScript
import TConvView

/// What the pane can be asked to do. Keys map to these in `PaneKeys` (one table).
enum PaneAction: String, CaseIterable, Sendable {
    case playPause, stepForward, stepBack, firstStep, lastStep, previousMarker, nextMarker
    case faster, slower, nextChannel, previousChannel, previousSlice, nextSlice
    case nextView, cursorUp, cursorDown, cursorLeft, cursorRight, pin
    case toggleNumbers, nextColorMap, help, back, cancel
}

/// A scatter trace being played step by step.
struct StepPlayback {
    static let speeds: [Double] = [1, 2, 4, 8, 15, 30, 60, 120]
    static let views = ["scatter", "numbers"]

    let request: StepRequest
    let trace: ScatterTrace
    var index = 0
    var playing = false
    var speedLevel = 2
    var depthSlice = 0
    var view = 0
    var cursor = (row: 0, column: 0)

    init?(_ request: StepRequest) {
        guard let trace = ScatterTrace(plan: request.plan, input: request.input, filters: request.filters),
              trace.count > 0 else { return nil }
        self.request = request
        self.trace = trace
    }

    var stepsPerSecond: Double { Self.speeds[speedLevel] }

    /// "step 3/128" and what it does, one line.
    var caption: String {
        let step = trace.step(index)
        let x = "x[" + step.inputIndex.map(String.init).joined(separator: ",") + "]"
        let w = "w[" + step.filterIndex.map(String.init).joined(separator: ",") + "]"
        let value = InterimHeatmap.format
        var text = "step \(index + 1)/\(trace.count)  \(x)=\(value(step.inputValue, 4)) × \(w)=\(value(step.weight, 4))"
        if let output = step.outputIndex, let running = step.runningValue {
            text += " → y[" + output.map(String.init).joined(separator: ",") + "] += \(value(step.product, 4)) = \(value(running, 4))"
        } else {
            text += " → dropped (outside the output: TF crops it)"
        }
        return text
    }

    /// Moves by `delta` steps, clamped. Returns false at an end.
    @discardableResult
    mutating func move(_ delta: Int) -> Bool {
        let target = max(0, min(trace.count - 1, index + delta))
        defer { index = target }
        return target != index
    }
}

/// What the pane shows.
enum PaneContent {
    case empty
    case heatmaps([ShowRequest], selected: Int)
    case steps(StepPlayback)
}

/// The pane's state: content plus the display choices the user toggles.
struct PaneModel {
    var content: PaneContent = .empty
    var channel = 0
    var depthSlice = 0
    var numbers = false
    var colorMapIndex = 0
    var showHelp = false
    var present = false

    var isEmpty: Bool { if case .empty = content { return true } else { return false } }
    var isPlaying: Bool { if case .steps(let p) = content { return p.playing } else { return false } }
    var colorMapName: String { InterimColorMap.all[colorMapIndex].name }

    mutating func show(_ request: ShowRequest) {
        var list: [ShowRequest] = []
        if case .heatmaps(let existing, _) = content { list = existing.filter { $0.name != request.name } }
        list.append(request)
        content = .heatmaps(Array(list.suffix(4)), selected: min(list.count, 4) - 1)
        channel = 0
        depthSlice = 0
    }

    mutating func step(_ request: StepRequest) -> Bool {
        guard let playback = StepPlayback(request) else { return false }
        content = .steps(playback)
        channel = 0
        depthSlice = 0
        return true
    }

    mutating func setColorMap(_ name: String) -> Bool {
        guard let i = InterimColorMap.all.firstIndex(where: { $0.name.lowercased() == name.lowercased() }) else { return false }
        colorMapIndex = i
        return true
    }

    /// Applies an action; returns false when the action does not apply (the caller may beep).
    mutating func apply(_ action: PaneAction) -> Bool {
        switch action {
        case .toggleNumbers: numbers.toggle(); return true
        case .nextColorMap: colorMapIndex = (colorMapIndex + 1) % InterimColorMap.all.count; return true
        case .help: showHelp.toggle(); return true
        case .nextChannel: channel += 1; return true
        case .previousChannel: channel = max(0, channel - 1); return true
        case .nextSlice: depthSlice += 1; return true
        case .previousSlice: depthSlice = max(0, depthSlice - 1); return true
        default: break
        }
        switch content {
        case .empty:
            return false
        case .heatmaps(let list, let selected):
            if action == .nextView {
                content = .heatmaps(list, selected: (selected + 1) % max(list.count, 1))
                return true
            }
            return false
        case .steps(var playback):
            defer { content = .steps(playback) }
            switch action {
            case .playPause:
                if !playback.playing && playback.index == playback.trace.count - 1 { playback.index = 0 }
                playback.playing.toggle()
            case .stepForward: playback.playing = false; return playback.move(1)
            case .stepBack: playback.playing = false; return playback.move(-1)
            case .firstStep: playback.playing = false; playback.index = 0
            case .lastStep: playback.playing = false; playback.index = playback.trace.count - 1
            case .nextMarker: playback.playing = false; playback.move(playback.trace.stepsPerElement)
            case .previousMarker: playback.playing = false; playback.move(-playback.trace.stepsPerElement)
            case .faster: playback.speedLevel = min(StepPlayback.speeds.count - 1, playback.speedLevel + 1)
            case .slower: playback.speedLevel = max(0, playback.speedLevel - 1)
            case .nextView: playback.view = (playback.view + 1) % StepPlayback.views.count
            case .cancel:
                guard playback.playing else { return false }
                playback.playing = false
            default: return false
            }
            return true
        }
    }

    /// Advances a playing trace by one frame. Returns true when something changed.
    mutating func tick() -> Bool {
        guard case .steps(var playback) = content, playback.playing else { return false }
        if !playback.move(1) { playback.playing = false }
        content = .steps(playback)
        return true
    }

    /// Milliseconds until the next frame while playing, nil when idle.
    var frameInterval: Int? {
        guard case .steps(let playback) = content, playback.playing else { return nil }
        return max(8, Int(1000 / playback.stepsPerSecond))
    }

    /// One line for the status bar.
    var summary: String {
        switch content {
        case .empty: return "no view"
        case .heatmaps(let list, let selected):
            let r = list[selected]
            return "\(r.name) " + shapeText(r.tensor)
        case .steps(let p):
            return (p.playing ? "▶ " : "❚❚ ") + "\(Int(p.stepsPerSecond)) steps/s"
        }
    }

    func shapeText(_ t: Tensor) -> String {
        "[" + t.shape.map(String.init).joined(separator: ",") + "]" + (t.layout.map { " " + $0.name } ?? "")
    }
}

/// The pane's keys: the one table the pane dispatches through (until TConvView's key table lands,
/// which will replace `bindings`), and the `?` listing drawn from it.
enum PaneKeys {
    /// Key codes of curses with keypad on.
    static let keyUp: Int32 = 0o403, keyDown: Int32 = 0o402, keyLeft: Int32 = 0o404, keyRight: Int32 = 0o405
    static let keyNextPage: Int32 = 0o522, keyPreviousPage: Int32 = 0o523, keyEnter: Int32 = 0o527

    struct Binding {
        var keys: [Int32]
        var label: String
        var action: PaneAction
        var help: String
    }

    static func ch(_ c: Character) -> Int32 { Int32(c.asciiValue ?? 0) }

    static let bindings: [Binding] = [
        Binding(keys: [ch(" ")], label: "space", action: .playPause, help: "play / pause"),
        Binding(keys: [ch(".")], label: ".", action: .stepForward, help: "next step"),
        Binding(keys: [ch(",")], label: ",", action: .stepBack, help: "previous step"),
        Binding(keys: [ch("g")], label: "g", action: .firstStep, help: "first step"),
        Binding(keys: [ch("G")], label: "G", action: .lastStep, help: "last step"),
        Binding(keys: [ch("[")], label: "[", action: .previousMarker, help: "previous input element"),
        Binding(keys: [ch("]")], label: "]", action: .nextMarker, help: "next input element"),
        Binding(keys: [ch("+"), ch("=")], label: "+", action: .faster, help: "faster"),
        Binding(keys: [ch("-")], label: "-", action: .slower, help: "slower"),
        Binding(keys: [ch("c")], label: "c", action: .nextChannel, help: "next channel"),
        Binding(keys: [ch("C")], label: "C", action: .previousChannel, help: "previous channel"),
        Binding(keys: [keyPreviousPage], label: "PgUp", action: .previousSlice, help: "previous depth slice"),
        Binding(keys: [keyNextPage], label: "PgDn", action: .nextSlice, help: "next depth slice"),
        Binding(keys: [9], label: "Tab", action: .nextView, help: "next view / tensor"),
        Binding(keys: [keyUp, ch("k")], label: "↑ k", action: .cursorUp, help: "cursor up"),
        Binding(keys: [keyDown, ch("j")], label: "↓ j", action: .cursorDown, help: "cursor down"),
        Binding(keys: [keyLeft, ch("h")], label: "← h", action: .cursorLeft, help: "cursor left"),
        Binding(keys: [keyRight, ch("l")], label: "→ l", action: .cursorRight, help: "cursor right"),
        Binding(keys: [13, 10, keyEnter], label: "Enter", action: .pin, help: "pin the cell"),
        Binding(keys: [ch("n")], label: "n", action: .toggleNumbers, help: "numbers in cells"),
        Binding(keys: [ch("m")], label: "m", action: .nextColorMap, help: "next colour map"),
        Binding(keys: [ch("?")], label: "?", action: .help, help: "this list"),
        Binding(keys: [ch("q"), 27], label: "q Esc", action: .back, help: "back to the prompt"),
        Binding(keys: [3], label: "Ctrl-C", action: .cancel, help: "stop playback"),
    ]

    static func action(for key: Int32) -> PaneAction? {
        bindings.first { $0.keys.contains(key) }?.action
    }

    static var helpLines: [String] {
        bindings.map { b in b.label.padding(toLength: 8, withPad: " ", startingAt: 0) + b.help }
    }
}
