import TConvEngine

// The seam between the language (TConvScript) and the front ends (TConvTerminal: the readline
// prompt, the curses screen, plain mode, `tconv run`). Front ends feed lines to a
// `ScriptSession` and render the events it returns; they never look inside the evaluator.
// Extend these types freely; do not remove or rename what front ends already use.

/// A language or engine error, located in the source.
public struct ScriptDiagnostic: Sendable, Equatable {
    /// `syntax`, `name`, `type`, `value`, `io`, or an engine category (`inconsistent_output_shape`, ...).
    public var category: String
    public var message: String
    /// File name, or `<stdin>`.
    public var source: String
    /// 1-based line and column of the fault.
    public var line: Int
    public var column: Int
    /// Columns underlined (at least 1).
    public var length: Int
    /// The offending source line, shown with a caret.
    public var sourceLine: String
    /// Optional extra lines: what would be valid, accepted ranges, hints.
    public var notes: [String]
    /// The script being run records this error as its expected output (`#=> error[...]`), as
    /// lessons do to show an error on purpose; `tconv run` should not fail because of it.
    public var expected: Bool

    public init(category: String, message: String, source: String, line: Int, column: Int, length: Int = 1,
                sourceLine: String, notes: [String] = [], expected: Bool = false) {
        self.expected = expected
        self.category = category
        self.message = message
        self.source = source
        self.line = line
        self.column = column
        self.length = length
        self.sourceLine = sourceLine
        self.notes = notes
    }

    /// `<source>:LINE:COL: error[<category>]: message`, then the line and a caret, then notes.
    public var formatted: String {
        var lines = ["\(source):\(line):\(column): error[\(category)]: \(message)"]
        if !sourceLine.isEmpty {
            lines.append("    " + sourceLine)
            lines.append("    " + String(repeating: " ", count: max(0, column - 1)) + String(repeating: "^", count: max(1, length)))
        }
        lines += notes.map { "  note: " + $0 }
        return lines.joined(separator: "\n")
    }
}

/// A tensor to draw as heatmaps (`%show y`, `show(y)`).
public struct ShowRequest: Sendable {
    public var name: String
    public var tensor: Tensor
    public init(name: String, tensor: Tensor) { self.name = name; self.tensor = tensor }
}

/// A transposed conv to play step by step (`%step tf.nn.conv2d_transpose(...)`).
public struct StepRequest: Sendable {
    /// The call as the user wrote it.
    public var title: String
    public var plan: ConvPlan
    public var input: Tensor
    public var filters: Tensor
    public init(title: String, plan: ConvPlan, input: Tensor, filters: Tensor) {
        self.title = title
        self.plan = plan
        self.input = input
        self.filters = filters
    }
}

/// What evaluating input produced, in order.
public enum ScriptEvent: Sendable {
    /// The printed form of a statement's value (numpy style), for the REPL to echo.
    case value(String)
    /// Other output: `print(...)`, `%vars`, help text, `%shapes` tables, `%timeit` results.
    case text(String)
    /// A one-line remark, e.g. that TensorFlow's CPU kernels would refuse this configuration.
    case note(String)
    /// An error; the statement failed and the session goes on.
    case error(ScriptDiagnostic)
    case show(ShowRequest)
    case step(StepRequest)
    /// A front-end setting changed: `name` is e.g. `colors`, `cmap`, `precision`; `value` its new value.
    case setting(name: String, value: String)
    /// `%quit` / `:quit` / `quit()`.
    case quit
}

extension ScriptEvent {
    /// The event as plain text (what `tconv run` and plain mode print), or nil for events a
    /// view renders (`show`, `step`, `setting`, `quit`). Notes get a `note: ` prefix; errors are
    /// the full diagnostic with its caret.
    public var plainText: String? {
        switch self {
        case .value(let s), .text(let s): return s
        case .note(let s): return "note: " + s
        case .error(let d): return d.formatted
        case .show, .step, .setting, .quit: return nil
        }
    }

    /// True for `.error`.
    public var isError: Bool { if case .error = self { return true } else { return false } }
}

/// The outcome of submitting one line.
public enum SubmitResult: Sendable {
    /// The statement is unfinished (open bracket, trailing comma, ...): show `...> ` and read more.
    case needsMore
    /// The buffered statement(s) ran; render these events.
    case done([ScriptEvent])
}
