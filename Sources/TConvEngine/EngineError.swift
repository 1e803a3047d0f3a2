/// What kind of mistake an engine error reports. The first eleven are the categories of the golden
/// files (`Tests/Fixtures/golden/README.md`); the rest are tconv's own.
public enum ErrorCategory: String, Sendable, CaseIterable, CustomStringConvertible {
    case channelMismatch = "channel_mismatch"
    case badPadding = "bad_padding"
    case badRate = "bad_rate"
    case badOutputShape = "bad_output_shape"
    case inconsistentOutputShape = "inconsistent_output_shape"
    case badStrides = "bad_strides"
    case badDilations = "bad_dilations"
    case badDataFormat = "bad_data_format"
    case badRank = "bad_rank"
    case filterTooLarge = "filter_too_large"
    /// Well defined but refused by TensorFlow's CPU kernels. The engine computes these; the
    /// category exists so conformance files can name them.
    case unsupported = "unsupported"
    /// The result would exceed the configured size limit.
    case tooLarge = "too_large"
    /// Input and filter have different element types, or a value is not a float tensor.
    case badDType = "bad_dtype"
    /// A missing, duplicated, unknown or mistyped argument (Python's TypeError).
    case badArgument = "bad_argument"
    /// The computation was cancelled (Ctrl-C).
    case cancelled = "cancelled"

    public var description: String { rawValue }
}

/// The accepted output sizes on one spatial axis, reported with `inconsistent_output_shape`.
public struct AxisRange: Sendable, Equatable, CustomStringConvertible {
    /// Spatial axis index (0 = first spatial axis).
    public var axis: Int
    /// Axis letter: D, H or W.
    public var letter: String
    /// Smallest and largest accepted output size; `nil` when no size is accepted.
    public var range: ClosedRange<Int64>?

    public var description: String {
        guard let r = range else { return "\(letter): none" }
        return r.lowerBound == r.upperBound ? "\(letter) = \(r.lowerBound)" : "\(letter) in \(r.lowerBound)...\(r.upperBound)"
    }
}

/// An error from the engine: which op, which argument, what was found and what would be valid.
public struct EngineError: Error, Sendable, Equatable, CustomStringConvertible {
    public var category: ErrorCategory
    /// TensorFlow name of the op (`conv2d_transpose`).
    public var op: String
    /// The argument at fault (`output_shape`, `strides`, `filters`, ...).
    public var argument: String
    /// What is wrong, with the actual numbers.
    public var message: String
    /// What would be accepted instead, when that can be said.
    public var valid: String?
    /// For `inconsistent_output_shape`: the accepted range on every spatial axis.
    public var ranges: [AxisRange]

    public init(_ category: ErrorCategory, op: String, argument: String, _ message: String,
                valid: String? = nil, ranges: [AxisRange] = []) {
        self.category = category
        self.op = op
        self.argument = argument
        self.message = message
        self.valid = valid
        self.ranges = ranges
    }

    /// One line: `op: argument: message (valid: ...)`.
    public var description: String {
        var text = "\(op): \(argument): \(message)"
        if let valid { text += "; valid: \(valid)" }
        return text
    }
}
