/// The shape solver: for an input, filter, strides, dilations and padding, every `output_shape`
/// a transposed op accepts, the padding split each one implies, and the PyTorch call that gives
/// the same numbers.
///
/// Per axis, the transposed op's full scatter covers `full = (I-1)*s + (K-1)*d + 1` cells.
/// TensorFlow keeps `O` of them starting at the forward pad `before` (cells past `full` are
/// zeros). PyTorch's `conv_transpose(padding=p, output_padding=q)` keeps `full - 2p + q` cells
/// starting at `p`, with `q < max(stride, dilation)`. So the match is `p = before` whenever
/// PyTorch's window can still reach TF's last cell; otherwise a smaller `p` and a slice. When TF
/// drops the odd cell at the end, PyTorch needs a final slice.
public enum ShapeSolver {
    /// One accepted output size on one axis.
    public struct Option: Sendable, Equatable {
        /// The output size `O`.
        public var size: Int64
        /// The forward conv's padding for this `O`: the cells cropped at the start of the full
        /// scatter (`before`), and the forward pad at the end (`after`).
        public var padBefore: Int64
        public var padAfter: Int64
        /// Cells of the full scatter dropped at the start and at the end (negative at the end:
        /// that many zero cells are appended).
        public var cropStart: Int64
        public var cropEnd: Int64
        /// The PyTorch equivalent.
        public var torch: TorchEquivalent
    }

    /// PyTorch `conv_transpose{1,2,3}d` arguments that reproduce TF on one axis: call PyTorch
    /// with `padding` and `output_padding`, then keep `torchSize - sliceStart - sliceEnd` cells
    /// from `sliceStart` and append `padEnd` zero cells.
    public struct TorchEquivalent: Sendable, Equatable, CustomStringConvertible {
        public var padding: Int64
        public var outputPadding: Int64
        /// Cells to drop at the start of PyTorch's result (when TF's leading crop is larger than
        /// any PyTorch padding that still reaches TF's last cell).
        public var sliceStart: Int64
        /// Cells to drop at the end of PyTorch's result (`y[..., :O]`): TF crops the odd cell at the end.
        public var sliceEnd: Int64
        /// Zero cells to append (TF's output reaches past the scatter further than output_padding can).
        public var padEnd: Int64
        /// PyTorch's output size before any slice or pad.
        public var torchSize: Int64

        /// True when `padding`/`output_padding` alone reproduce TF.
        public var exact: Bool { sliceStart == 0 && sliceEnd == 0 && padEnd == 0 }

        public var description: String {
            var text = "padding=\(padding), output_padding=\(outputPadding)"
            if sliceStart > 0 { text += ", then drop the first \(sliceStart)" }
            if sliceEnd > 0 { text += ", then drop the last \(sliceEnd)" + (sliceStart == 0 && sliceEnd == 1 ? " (TF crops the odd cell at the end)" : "") }
            if padEnd > 0 { text += ", then append \(padEnd) zero cell\(padEnd == 1 ? "" : "s")" }
            return text
        }

        /// The PyTorch call closest to TF's window `[start, start + size)` of a full scatter of
        /// `full` cells, where cells at `full` and beyond are zeros. PyTorch keeps
        /// `[p, full - p + q)` with `0 <= q <= maxOutputPadding`.
        public static func matching(full: Int64, start a: Int64, size: Int64, maxOutputPadding qmax: Int64) -> TorchEquivalent {
            let b = a + size
            // The largest padding whose window can still reach b, or reach past the real cells,
            // and leaves PyTorch at least one cell.
            let p = max(0, min(a, max(qmax + full - b, qmax), (full + qmax - 1) / 2))
            let base = full - 2 * p
            let q = max(min(max(b - (full - p), 0), qmax), min(1 - base, qmax))
            let end = full - p + q
            return TorchEquivalent(padding: p, outputPadding: q, sliceStart: a - p, sliceEnd: max(end - b, 0),
                                   padEnd: max(b - end, 0), torchSize: base + q)
        }
    }

    /// Everything about one spatial axis.
    public struct Axis: Sendable, Equatable {
        public var letter: String
        public var inputSize: Int64
        public var kernel: Int64
        public var stride: Int64
        public var dilation: Int64
        public var padding: PaddingRule
        /// `(K-1)*d + 1`.
        public var effectiveKernel: Int64
        /// `(I-1)*s + E`: the cells the scatter touches before any crop.
        public var fullExtent: Int64
        /// Accepted output sizes (`nil`: none).
        public var range: ClosedRange<Int64>?
        /// One option per accepted size, up to `optionLimit` (the smallest, then evenly spread, and
        /// always the largest).
        public var options: [Option]
    }

    /// A whole solution: one `Axis` per spatial axis, plus the fixed parts of `output_shape`.
    public struct Solution: Sendable, Equatable {
        public var op: TFOp
        public var axes: [Axis]
        public var batch: Int
        public var outputChannels: Int
        public var channelsFirst: Bool
        public var dataFormat: Layout

        /// The full `output_shape` for one chosen size per axis.
        public func outputShape(sizes: [Int64]) -> [Int64] {
            channelsFirst ? [Int64(batch), Int64(outputChannels)] + sizes : [Int64(batch)] + sizes + [Int64(outputChannels)]
        }

        /// Number of distinct full output shapes.
        public var combinations: Int {
            axes.reduce(1) { acc, axis in
                guard let r = axis.range else { return 0 }
                let n = r.upperBound - r.lowerBound + 1
                return n > Int64(Int32.max) ? Int(Int32.max) : min(Int(Int32.max), acc * Int(n))
            }
        }
    }

    /// How many options `solveAxis` lists at most per axis.
    public static let optionLimit = 64

    /// Solves one axis.
    public static func solveAxis(letter: String = "W", inputSize I: Int64, kernel K: Int64, stride s: Int64,
                                 dilation d: Int64, padding: PaddingRule) -> Axis {
        let e = ConvArithmetic.effectiveKernel(K, dilation: d) ?? 0
        let full = (I - 1) * s + e
        let range = ConvArithmetic.acceptedOutputSizes(inputSize: I, kernel: K, stride: s, dilation: d, padding: padding)
        var sizes = [Int64]()
        if let range {
            let count = range.upperBound - range.lowerBound + 1
            if count <= Int64(optionLimit) {
                sizes = Array(range)
            } else {
                let steps = Int64(optionLimit - 1)
                sizes = (0..<steps).map { range.lowerBound + ($0 * (count - 1)) / steps } + [range.upperBound]
            }
        }
        let options = sizes.map { O in option(size: O, inputSize: I, kernel: K, stride: s, dilation: d, padding: padding, full: full) }
        return Axis(letter: letter, inputSize: I, kernel: K, stride: s, dilation: d, padding: padding, effectiveKernel: e,
                    fullExtent: full, range: range, options: options)
    }

    static func option(size O: Int64, inputSize I: Int64, kernel K: Int64, stride s: Int64, dilation d: Int64,
                       padding: PaddingRule, full: Int64) -> Option {
        let pads = ConvArithmetic.padding(inputSize: O, outputSize: I, kernel: K, stride: s, dilation: d, rule: padding)
        let torch = TorchEquivalent.matching(full: full, start: pads.before, size: O, maxOutputPadding: max(s, d) - 1)
        return Option(size: O, padBefore: pads.before, padAfter: pads.after, cropStart: pads.before,
                      cropEnd: full - pads.before - O, torch: torch)
    }

    /// Solves a transposed-op call given without `output_shape` (or with one: it is ignored).
    /// Arguments are read and validated as the op itself would; any error other than the output
    /// size is reported as the op would report it.
    public static func solve(_ op: TFOp, _ args: TFArguments) throws(EngineError) -> Solution {
        guard op.isTransposed else {
            throw EngineError(.badArgument, op: op.pythonName, argument: "op",
                              "the shape solver is for transposed ops; \(op.qualifiedName) computes its output size itself",
                              valid: "a transposed op such as tf.nn.conv2d_transpose")
        }
        let reader = ArgumentReader(op: op.pythonName)
        var resolved = args
        if op == .conv2dTransposeV1 || op == .conv3dTransposeV1 { resolved = try TFOps.resolveV1Aliases(op, args) }
        let inputName = op == .atrousConv2dTranspose ? "value" : "input"
        let x = try reader.tensor(resolved[inputName], inputName)
        let w = try reader.tensor(resolved["filters"], "filters")
        var n: Int
        switch op {
        case .conv1dTranspose: n = 1
        case .conv3dTranspose, .conv3dTransposeV1: n = 3
        case .convTranspose: n = w.rank - 2
        default: n = 2
        }
        guard (1...3).contains(n), x.rank == n + 2, w.rank == n + 2 else {
            throw reader.fail(.badRank, "input", "input rank \(x.rank) and filters rank \(w.rank) do not make a 1-, 2- or 3-D transposed conv",
                              valid: "input and filters both of rank 3, 4 or 5")
        }
        // Read strides/dilations/padding with the op's own rules.
        let isAtrous = op == .atrousConv2dTranspose
        let defaultFormat = Layout.data(rank: n, channelsFirst: false).name
        let dataFormat = isAtrous ? "NHWC" : try reader.string(resolved["data_format"], "data_format", default: defaultFormat,
                                                               category: .badDataFormat, valid: "a \(n)-D layout")
        let channelsFirst = dataFormat.hasPrefix("NC")
        let spatial = spatialAxes(rank: n, channelsFirst: channelsFirst)
        var strides: [Int64], dilations: [Int64]
        if isAtrous {
            guard case .int(let rate) = resolved["rate"], rate >= 1 else {
                throw reader.fail(.badRate, "rate", "rate must be an int >= 1, got \(resolved["rate"])", valid: "an int >= 1")
            }
            strides = [1, 1, 1, 1]
            dilations = [1, rate, rate, 1]
        } else {
            strides = try reader.sequence(resolved["strides"], "strides", spatial: n, channelsFirst: channelsFirst, category: .badStrides)
            dilations = try reader.sequence(resolved["dilations"], "dilations", spatial: n, channelsFirst: channelsFirst,
                                            category: .badDilations)
        }
        let padding = try reader.padding(resolved["padding"], expectedLength: n + 2, allowList: n == 2)
        try reader.requirePositive(strides, "strides", spatial: spatial, category: .badStrides)
        try reader.requirePositive(dilations, "dilations", spatial: spatial, category: .badDilations)
        let rules: [PaddingRule] = spatial.map { axis in
            switch padding {
            case .explicit(let pairs): return .explicit(before: pairs[axis].0, after: pairs[axis].1)
            case .string(let s): return s == "VALID" ? .valid : .same
            }
        }
        let letters = spatialLetters(n)
        let axes = (0..<n).map { j in
            solveAxis(letter: letters[j], inputSize: Int64(x.shape[spatial[j]]), kernel: Int64(w.shape[j]),
                      stride: strides[spatial[j]], dilation: dilations[spatial[j]], padding: rules[j])
        }
        let solution = Solution(op: op, axes: axes, batch: x.shape[0], outputChannels: w.shape[n], channelsFirst: channelsFirst,
                                dataFormat: Layout.data(rank: n, channelsFirst: channelsFirst))
        // Validate everything else with the op itself, at the smallest accepted size.
        if axes.allSatisfy({ $0.range != nil }) {
            var check = resolved
            let sizes = axes.map { $0.range?.lowerBound ?? 0 }
            check.values["output_shape"] = .list(solution.outputShape(sizes: sizes).map { .int($0) })
            if op == .conv2dTransposeV1 || op == .conv3dTransposeV1 {
                check.values["value"] = .null
                check.values["filter"] = .null
            }
            _ = try TFOps.plan(op, check, limits: EngineLimits(maxResultBytes: Int64.max))
        }
        return solution
    }
}
