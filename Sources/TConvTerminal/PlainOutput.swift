import Foundation
import TConvEngine
import TConvScript
import TConvView

/// Renders script events as text for `tconv run`, `-c` and the plain REPL: values to stdout,
/// errors to stderr, heatmaps through TConvView's ANSI renderer, steps through its text printer.
struct PlainPrinter {
    var depth: ColorDepth
    var unicode: Bool
    var width = 80
    var presenter = false
    /// `--allow-writes`: a `%replay`ed lesson may write files (plain mode cannot ask).
    var allowWrites = false
    /// Inside a `%replay` (a replay does not start another).
    var replaying = false
    var out: (String) -> Void = { StandardOutput.write($0) }
    var err: (String) -> Void = { StandardOutput.flush(); StandardError.write($0) }

    var options: RenderOptions { depth.renderOptions(utf8: unicode, presenter: presenter) }

    /// Returns whether a statement failed and whether the script asked to quit. With
    /// `errorsExpected` (a lesson recorded the error), errors are ordinary output. `session`
    /// is the one that produced the events (`%export cast` records its history).
    mutating func render(_ events: [ScriptEvent], errorsExpected: Bool = false, session: ScriptSession? = nil) -> (failed: Bool, quit: Bool) {
        var failed = false
        for event in events {
            switch event {
            case .value(let text), .text(let text):
                out(text.hasSuffix("\n") ? text : text + "\n")
            case .note(let text):
                out(text + "\n")
            case .error(let diagnostic):
                if errorsExpected {
                    out(diagnostic.formatted + "\n")
                } else {
                    failed = true
                    err(diagnostic.formatted + "\n")
                }
            case .show(let request):
                out(heatmapText(ViewState(name: request.name, tensor: request.tensor)))
            case .step(let request):
                out(stepText(request))
            case .setting("replay", let path):
                failed = replay(path) || failed
            case .setting("present", let value):
                presenter = value == "toggle" ? !presenter : value == "on"
                out("presenter mode \(presenter ? "on" : "off")\n")
            case .setting("export-cast", let path):
                switch CastRecorder.export(history: session?.history ?? [], to: path, presenter: presenter,
                                           timestamp: Int(Date().timeIntervalSince1970)) {
                case .wrote(let text): out(text + "\n")
                case .failed(let diagnostic):
                    failed = true
                    err(diagnostic.formatted + "\n")
                }
            case .setting(let name, let value):
                if name == "colors", let d = ColorDepth.resolve(setting: value, curses: false) { depth = d }
            case .quit:
                return (failed, true)
            }
        }
        return (failed, false)
    }

    /// `%replay FILE` without a screen: the lesson as a transcript, writes refused unless
    /// `--allow-writes`. True when it could not be read or an output differs from the recording.
    mutating func replay(_ path: String) -> Bool {
        guard !replaying else {
            out("note: %replay inside a replay is ignored\n")
            return false
        }
        let lesson: Replay
        do {
            lesson = try Replay(contentsOf: path, options: SessionOptions(allowWrites: allowWrites, sourceName: path))
        } catch {
            err(error.diagnostic.formatted + "\n")
            return true
        }
        replaying = true
        defer { replaying = false }
        return ReplayTranscript.play(lesson, printer: &self) > 0
    }

    /// The heatmaps as a screenful (24 rows) of text, runs of blank rows collapsed to one.
    func heatmapText(_ state: ViewState) -> String {
        let grid = state.render(width: width, height: 24, options: options)
        let renderer = ANSIRenderer(tier: depth.tier, utf8: unicode, escapes: depth != .mono)
        var lines: [String] = []
        for line in renderer.render(grid).split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            let blank = line.isEmpty || line == ANSIRenderer.reset
            if blank && (lines.last.map { $0.isEmpty } ?? true) { continue }
            lines.append(blank ? "" : line)
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines.joined(separator: "\n") + "\n"
    }

    func stepText(_ request: StepRequest) -> String {
        guard let state = ViewState(title: request.title, plan: request.plan, input: request.input, filters: request.filters),
              let model = state.model else {
            return "nothing to step: \(request.title) is not a transposed convolution\n"
        }
        var plain = options
        if !unicode { plain.utf8 = false }
        return StepText.lines(model, options: plain).joined(separator: "\n") + "\n"
    }
}
