import TConvEngine

/// The views of the pane; Tab cycles through those available for the content.
public enum ViewKind: String, Sendable, CaseIterable, CustomStringConvertible {
    /// Every (batch, channel) slice as a small multiple (`%show`; the output state for `%step`).
    case channels
    /// The scatter, step by step: input element x kernel tap -> output cell.
    case scatter
    /// The formula of the output cell under the cursor, and what feeds it.
    case gather
    /// The equivalent direct convolution: stretched, padded input; flipped kernel; stride 1.
    case direct
    /// How many taps land on each output cell.
    case overlap
    /// The sparse matrix C^T for one channel pair (small sizes only).
    case matrix

    public var description: String { rawValue }
}

/// Step one kernel tap at a time, or a whole input element (all its taps) at a time.
public enum StepGranularity: String, Sendable, CaseIterable {
    case tap, element
}

/// Which channels the step views show. Unlocked, they follow the trace (the current step's
/// channels). Locked, they show one (output, input) channel pair, and stepping skips the steps
/// of other pairs.
public struct ChannelFocus: Sendable, Equatable {
    public var output: Int
    public var input: Int
    public var locked: Bool
    public init(output: Int = 0, input: Int = 0, locked: Bool = false) {
        self.output = output
        self.input = input
        self.locked = locked
    }
}

/// One output element of a step model: batch entry, position on three axes, channel.
public struct OutputCell: Sendable, Equatable {
    public var batch: Int
    public var position: [Int]
    public var channel: Int
    public init(batch: Int, position: [Int], channel: Int) {
        self.batch = batch
        self.position = position
        self.channel = channel
    }
}

/// What happened when the pane handled a key, for the terminal layer.
public enum ViewOutcome: Sendable, Equatable {
    /// The state changed: draw again.
    case redraw
    /// Nothing to do (no binding, or already at a limit).
    case unchanged
    /// Back to the prompt (`q`, Esc).
    case leave
    /// Lesson markers are the session's business: go to the previous / next one.
    case previousMarker, nextMarker
}

/// The whole state of the pane: what it shows (a tensor or a transposed conv), the scatter cursor,
/// play/pause and speed, step granularity, channels, depth, the current view and the user's cursor.
/// Every key is a mutating method (`apply`) with no other effects, so key handling is tested
/// without a terminal; rendering is `render(width:height:options:)`.
public struct ViewState: Sendable {
    /// What the pane shows.
    public enum Content: Sendable {
        case tensor(TensorPicture)
        case step(StepModel)
    }

    /// The tensor or the transposed conv being shown.
    public let content: Content
    /// The scatter position and the output state it implies (step content only). Moving it is
    /// incremental; rendering reads `cursor.state` and never recomputes it.
    public internal(set) var cursor: ScatterCursor?
    /// The view on screen (Tab cycles through `availableViews`).
    public var view: ViewKind
    /// Playing: `tick(seconds:)` advances the scatter at `speed`.
    public var playing: Bool
    /// Index into `ViewState.speeds`.
    public internal(set) var speedIndex: Int
    /// One tap or one whole input element per step.
    public var granularity: StepGranularity
    /// The channel pair the step views show, following the trace or locked.
    public var channels: ChannelFocus
    /// Depth slice shown (3-D). For step views nil means: follow the current step.
    public var depth: Int?
    /// Batch entry shown in step views when nothing is being stepped.
    public var batch: Int
    /// The user's cursor on the output (three axes: depth, row, column) in step views.
    public var outputCursor: [Int]
    /// A pinned output cell; step views then step only through its contributions.
    public var pinned: OutputCell?
    /// Settings and cursor of the channel grid.
    public var heatmap: HeatmapSettings
    /// A pinned element of the channel grid (full index), shown beside the cursor's.
    public var pinnedElement: [Int]?
    /// The `?` overlay is up.
    public var showHelp: Bool
    /// A one-line remark for the status line (reached the end, locked channels, ...).
    public var remark: String?
    /// Steps owed to playback, carried between ticks.
    var pendingSteps: Double

    /// Playback speeds in steps (or elements) per second.
    public static let speeds: [Double] = [0.5, 1, 2, 4, 8, 15, 30, 60, 120, 250, 500, 1000]

    /// A pane showing `tensor` as heatmaps (`%show`).
    public init(name: String, tensor: Tensor) {
        self.init(content: .tensor(TensorPicture(name: name, tensor: tensor)))
    }

    /// A pane playing a transposed conv (`%step`); nil when the plan is not a transposed op or
    /// the operands do not match it.
    public init?(title: String, plan: ConvPlan, input: Tensor, filters: Tensor) {
        guard let model = StepModel(title: title, plan: plan, input: input, filters: filters) else { return nil }
        self.init(content: .step(model))
    }

    public init(content: Content) {
        self.content = content
        view = .channels
        playing = false
        speedIndex = 3
        granularity = .tap
        channels = ChannelFocus()
        depth = nil
        batch = 0
        outputCursor = [0, 0, 0]
        pinned = nil
        heatmap = HeatmapSettings()
        pinnedElement = nil
        showHelp = false
        remark = nil
        pendingSteps = 0
        if case .step(let model) = content {
            cursor = ScatterCursor(trace: model.trace)
            view = .scatter
            // Step views teach with the real numbers: on by default (cells shrink to colour when they do not fit).
            heatmap.numbers = true
        } else {
            cursor = nil
        }
    }

    /// The step model, for step content.
    public var model: StepModel? {
        if case .step(let m) = content { return m }
        return nil
    }

    /// Steps per second at the current speed.
    public var speed: Double { ViewState.speeds[speedIndex] }

    /// The views Tab cycles through for this content.
    public var availableViews: [ViewKind] {
        guard let m = model else { return [.channels] }
        var views: [ViewKind] = [.scatter, .gather, .direct, .overlap]
        if MatrixView.isSmallEnough(m) { views.append(.matrix) }
        views.append(.channels)
        return views
    }

    /// Whether numbers are drawn in cells (shared by every view).
    public var numbers: Bool {
        get { heatmap.numbers }
        set { heatmap.numbers = newValue }
    }

    /// The chosen colour map, nil for automatic.
    public var colorMap: ColorMapKind? {
        get { heatmap.map }
        set { heatmap.map = newValue }
    }

    /// The current scatter step, if one has been applied.
    public var currentStep: ScatterStep? { cursor?.current }

    /// The (output, input) channel pair the step views show.
    public var displayedChannels: (output: Int, input: Int) {
        guard let m = model else { return (0, 0) }
        if channels.locked { return (channels.output, channels.input) }
        if let c = cursor, c.position >= 0 {
            return (m.outputChannel(ofStep: c.position), m.inputChannel(ofStep: c.position))
        }
        return (min(channels.output, max(0, m.geometry.imageChannels - 1)), min(channels.input, max(0, m.geometry.featureChannels - 1)))
    }

    /// The batch entry the step views show.
    public var displayedBatch: Int {
        guard let m = model else { return 0 }
        if let c = cursor, c.position >= 0 { return m.batch(ofStep: c.position) }
        return min(batch, max(0, m.geometry.batch - 1))
    }
}
