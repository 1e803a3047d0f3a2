/// Translation of a convolution between TensorFlow and PyTorch: which call in the other framework
/// gives the same numbers, with the weights permuted, the layout converted, the padding chosen, and
/// the slice (or zero tail) needed where no padding argument matches. Each translation can be run
/// on the engine to check it, and rendered as Python.
public struct Translation: Sendable {
    /// Which way it goes.
    public enum Direction: Sendable { case tfToTorch, torchToTF }
    public var direction: Direction
    /// The target call's function, e.g. `torch.nn.functional.conv_transpose2d` or `tf.nn.conv2d_transpose`.
    public var function: String
    /// Axis permutation applied to the source input before the call (nil: none).
    public var inputPermutation: [Int]?
    /// Axis permutation turning the source filter into the target's weight layout.
    public var weightPermutation: [Int]
    /// Zero padding applied to the input before the call, per spatial axis `(before, after)` (nil: none).
    public var inputPadding: [(Int64, Int64)]?
    /// Keyword arguments of the call, in order, as Python source text.
    public var arguments: [(String, String)]
    /// After the call: keep cells `[start, start + length)` on each spatial axis of the target's result
    /// (cells past the end are zeros). nil when the call's result is already right.
    public var window: [(start: Int64, length: Int64)]?
    /// Axis permutation from the target's result back to the source layout (nil: none).
    public var outputPermutation: [Int]?
    /// Number of groups run as separate calls and concatenated (PyTorch groups -> TF transposed).
    public var splitGroups: Int
    /// Remarks worth showing (e.g. TF's CPU kernels refuse this configuration).
    public var notes: [String]

    /// The engine-side call that performs the translated computation (for `run`).
    var perform: @Sendable (Tensor, Tensor) throws(EngineError) -> Tensor

    /// Runs the translated call on the source operands and returns the result in the source's layout.
    public func run(input: Tensor, filter: Tensor) throws(EngineError) -> Tensor {
        var x = input
        if let p = inputPermutation { x = x.transposed(p) }
        let w = filter.transposed(weightPermutation)
        var y = try perform(x, w)
        if let window {
            let n = window.count
            let first = y.rank - n - (direction == .torchToTF ? 1 : 0)
            for (j, cut) in window.enumerated() { y = y.window(axis: first + j, start: Int(cut.start), length: Int(cut.length)) }
        }
        if let p = outputPermutation { y = y.transposed(p) }
        return y
    }

    /// The translated call as Python. `input` and `filter` name the source operands; the last
    /// line assigns the result, in the source's layout, to `result`.
    public func python(input: String, filter: String, result: String) -> String {
        let isTorch = direction == .tfToTorch
        var lines = [String]()
        func permute(_ name: String, _ p: [Int]) -> String {
            isTorch ? "torch.as_tensor(\(name)).permute(\(p.map(String.init).joined(separator: ", ")))"
                    : "tf.transpose(\(name), perm=\(p))"
        }
        lines.append("x_t = " + (inputPermutation.map { permute(input, $0) } ?? (isTorch ? "torch.as_tensor(\(input))" : input)))
        lines.append("w_t = " + permute(filter, weightPermutation))
        if let pads = inputPadding {
            if isTorch {
                // F.pad lists (before, after) pairs from the last axis backwards.
                let flat = pads.reversed().flatMap { [String($0.0), String($0.1)] }.joined(separator: ", ")
                lines.append("x_t = torch.nn.functional.pad(x_t, (\(flat)))")
            } else {
                let spatial = pads.map { "[\($0.0), \($0.1)]" }.joined(separator: ", ")
                lines.append("x_t = tf.pad(x_t, [[0, 0], \(spatial), [0, 0]])")
            }
        }
        let args = arguments.map { "\($0.0)=\($0.1)" }.joined(separator: ", ")
        if splitGroups > 1 {
            lines.append("g = \(splitGroups)  # one call per group, then concatenate the channels")
            lines.append("cin = x_t.shape[-1] // g")
            lines.append("y = tf.concat([\(function)(x_t[..., i * cin:(i + 1) * cin], w_t[..., i * cin:(i + 1) * cin], \(args)) for i in range(g)], axis=-1)")
        } else {
            lines.append("y = \(function)(x_t, w_t\(args.isEmpty ? "" : ", " + args))")
        }
        if let window {
            let n = window.count
            let ranges = window.map { "\($0.start):\($0.start + $0.length)" }.joined(separator: ", ")
            lines.append("y = y[" + (isTorch ? "..., \(ranges)" : ":, \(ranges), :") + "]  # the window TF keeps")
            if window.contains(where: { $0.start + $0.length > 0 }) {
                if isTorch {
                    let pads = (0..<n).reversed().flatMap { j in ["0", "\(window[j].length) - y.shape[\(2 + j)]"] }
                    lines.append("y = torch.nn.functional.pad(y, (\(pads.joined(separator: ", "))))  # zero cells past the scatter, if any")
                } else {
                    let pads = (0..<n).map { j in "[0, \(window[j].length) - y.shape[\(1 + j)]]" }.joined(separator: ", ")
                    lines.append("y = tf.pad(y, [[0, 0], \(pads), [0, 0]])  # zero cells past the scatter, if any")
                }
            }
        }
        if let p = outputPermutation {
            lines.append(isTorch ? "y = y.permute(\(p.map(String.init).joined(separator: ", ")))" : "y = tf.transpose(y, perm=\(p))")
        }
        lines.append("\(result) = y")
        return lines.joined(separator: "\n")
    }
}

extension Tensor {
    /// Cells `[start, start + length)` of one axis; cells outside the tensor are zeros.
    public func window(axis: Int, start: Int, length: Int) -> Tensor {
        precondition(axis >= 0 && axis < rank && length >= 0)
        var newShape = shape
        newShape[axis] = length
        let outer = shape[..<axis].reduce(1, *), inner = shape[(axis + 1)...].reduce(1, *)
        let source = doubles
        var values = [Double](repeating: 0, count: newShape.reduce(1, *))
        for o in 0..<outer {
            for j in 0..<length {
                let from = start + j
                guard from >= 0 && from < shape[axis] else { continue }
                for i in 0..<inner { values[(o * length + j) * inner + i] = source[(o * shape[axis] + from) * inner + i] }
            }
        }
        return Tensor(shape: newShape, values: values, dtype: dtype, layout: layout)
    }
}

/// Builds translations.
public enum Translator {
    static func ints(_ a: [Int]) -> String { a.count == 1 ? String(a[0]) : "(" + a.map(String.init).joined(separator: ", ") + ")" }
    static func ints64(_ a: [Int64]) -> String { ints(a.map { Int($0) }) }

    /// The PyTorch call that reproduces a TensorFlow plan (transposed or forward).
    public static func toTorch(_ plan: ConvPlan) -> Translation {
        let p = plan.problem, n = p.rank
        let toFirst: [Int]? = p.channelsFirst ? nil : [0, n + 1] + Array(1...n)
        let back: [Int]? = p.channelsFirst ? nil : [0] + Array(2...(n + 1)) + [1]
        let weightPermutation = [n + 1, n] + Array(0..<n)
        let suffix = ["1d", "2d", "3d"][n - 1]
        var notes = [String]()
        if plan.transposed {
            var padding = [Int64](), outputPadding = [Int64](), window = [(start: Int64, length: Int64)]()
            var needsWindow = false
            for j in 0..<n {
                let e = Int64((p.kernel[j] - 1) * p.dilations[j] + 1)
                let full = Int64(p.feature[j] - 1) * Int64(p.strides[j]) + e
                let m = ShapeSolver.TorchEquivalent.matching(full: full, start: Int64(p.padBefore[j]), size: Int64(p.image[j]),
                                                             maxOutputPadding: Int64(max(p.strides[j], p.dilations[j]) - 1))
                padding.append(m.padding)
                outputPadding.append(m.outputPadding)
                window.append((m.sliceStart, Int64(p.image[j])))
                if !m.exact { needsWindow = true }
                if m.sliceEnd == 1 && m.sliceStart == 0 && m.padEnd == 0 {
                    notes.append("axis \(spatialLetters(n)[j]): TF crops the odd cell at the end; PyTorch crops symmetrically, so the last cell is sliced off")
                } else if !m.exact {
                    notes.append("axis \(spatialLetters(n)[j]): no padding/output_padding reproduces TF's window; a slice\(m.padEnd > 0 ? " and zero tail" : "") is needed")
                }
            }
            let args: [(String, String)] = [("stride", ints(p.strides)), ("padding", ints64(padding)),
                                            ("output_padding", ints64(outputPadding)), ("dilation", ints(p.dilations))]
            let torchPadding = padding, torchOutputPadding = outputPadding
            let perform: @Sendable (Tensor, Tensor) throws(EngineError) -> Tensor = { x, w throws(EngineError) in
                try TorchOps.call(TorchOp(rawValue: "conv_transpose" + suffix) ?? .convTranspose2d,
                                  keywords: [("input", .tensor(x)), ("weight", .tensor(w)), ("stride", .ints(p.strides)),
                                             ("padding", .list(torchPadding.map { .int($0) })),
                                             ("output_padding", .list(torchOutputPadding.map { .int($0) })),
                                             ("dilation", .ints(p.dilations))]).tensor
            }
            return Translation(direction: .tfToTorch, function: "torch.nn.functional.conv_transpose" + suffix,
                               inputPermutation: toFirst, weightPermutation: weightPermutation, inputPadding: nil, arguments: args,
                               window: needsWindow ? window : nil, outputPermutation: back, splitGroups: 1, notes: notes,
                               perform: perform)
        }
        // Forward: symmetric pads go to `padding`; asymmetric ones (TF SAME with an odd total) need F.pad.
        let symmetric = (0..<n).allSatisfy { p.padBefore[$0] == p.padAfter[$0] }
        let inputPadding: [(Int64, Int64)]? = symmetric ? nil : (0..<n).map { (Int64(p.padBefore[$0]), Int64(p.padAfter[$0])) }
        if !symmetric { notes.append("TF pads unevenly (the extra cell at the end); PyTorch's padding is symmetric, so the input is padded with F.pad first") }
        let padding = symmetric ? p.padBefore : Array(repeating: 0, count: n)
        var args: [(String, String)] = [("stride", ints(p.strides)), ("padding", ints(padding)), ("dilation", ints(p.dilations))]
        if p.groups > 1 { args.append(("groups", String(p.groups))) }
        let perform: @Sendable (Tensor, Tensor) throws(EngineError) -> Tensor = { x, w throws(EngineError) in
            var input = x
            if let inputPadding {
                for (j, pads) in inputPadding.enumerated() {
                    input = input.window(axis: 2 + j, start: -Int(pads.0), length: input.shape[2 + j] + Int(pads.0 + pads.1))
                }
            }
            return try TorchOps.call(TorchOp(rawValue: "conv" + suffix) ?? .conv2d,
                                     keywords: [("input", .tensor(input)), ("weight", .tensor(w)), ("stride", .ints(p.strides)),
                                                ("padding", .ints(padding)), ("dilation", .ints(p.dilations)),
                                                ("groups", .int(Int64(p.groups)))]).tensor
        }
        return Translation(direction: .tfToTorch, function: "torch.nn.functional.conv" + suffix, inputPermutation: toFirst,
                           weightPermutation: weightPermutation, inputPadding: inputPadding, arguments: args, window: nil,
                           outputPermutation: back, splitGroups: 1, notes: notes, perform: perform)
    }

    /// The TensorFlow call (channels-last, so it runs on TF's CPU kernels where they allow) that
    /// reproduces a PyTorch plan.
    public static func toTF(_ torch: TorchPlan) -> Translation {
        let plan = torch.plan, p = plan.problem, n = p.rank
        let toLast = [0] + Array(2...(n + 1)) + [1]
        let back = [0, n + 1] + Array(1...n)
        let weightPermutation = Array(2..<(2 + n)) + [1, 0]
        let letters = spatialLetters(n)
        var notes = [String]()
        let fullStrides = "[1, " + p.strides.map(String.init).joined(separator: ", ") + ", 1]"
        let fullDilations = "[1, " + p.dilations.map(String.init).joined(separator: ", ") + ", 1]"
        if plan.transposed {
            // Per axis: the full scatter, TF's accepted sizes under each padding rule, and PyTorch's window.
            var full = [Int64](), e = [Int64]()
            for j in 0..<n {
                e.append(Int64((p.kernel[j] - 1) * p.dilations[j] + 1))
                full.append(Int64(p.feature[j] - 1) * Int64(p.strides[j]) + e[j])
            }
            func matches(_ rule: PaddingRule, _ j: Int) -> Bool {
                let O = Int64(p.image[j])
                guard let r = ConvArithmetic.acceptedOutputSizes(inputSize: Int64(p.feature[j]), kernel: Int64(p.kernel[j]),
                                                                 stride: Int64(p.strides[j]), dilation: Int64(p.dilations[j]), padding: rule),
                      r.contains(O) else { return false }
                let pads = ConvArithmetic.padding(inputSize: O, outputSize: Int64(p.feature[j]), kernel: Int64(p.kernel[j]),
                                                  stride: Int64(p.strides[j]), dilation: Int64(p.dilations[j]), rule: rule)
                return pads.before == Int64(p.padBefore[j])
            }
            var padding: TFValue
            var paddingText: String
            var outputSpatial = p.image.map { Int64($0) }
            var window: [(start: Int64, length: Int64)]? = nil
            if (0..<n).allSatisfy({ matches(.same, $0) }) {
                padding = "SAME"; paddingText = "\"SAME\""
            } else if (0..<n).allSatisfy({ matches(.valid, $0) }) {
                padding = "VALID"; paddingText = "\"VALID\""
            } else if n == 2, let pairs = explicitPairs(p, full: full) {
                padding = .list([[0, 0]] + pairs.map { .list([.int($0.0), .int($0.1)]) } + [[0, 0]])
                paddingText = "[[0, 0], " + pairs.map { "[\($0.0), \($0.1)]" }.joined(separator: ", ") + ", [0, 0]]"
            } else {
                // VALID keeps the full scatter; then slice PyTorch's window out of it.
                padding = "VALID"; paddingText = "\"VALID\""
                outputSpatial = full
                window = (0..<n).map { (Int64(p.padBefore[$0]), Int64(p.image[$0])) }
                notes.append("no TF padding reproduces PyTorch's window on every axis: VALID keeps the full scatter, then a slice")
            }
            if p.dilations.contains(where: { $0 > 1 }) {
                notes.append("TF's reference CPU kernels reject dilation > 1 in transposed convs (oneDNN's float32 path accepts it)")
            }
            let groups = p.groups
            if groups > 1 { notes.append("TF has no grouped transposed conv on CPU: one call per group, concatenated") }
            let cout = p.imageChannels / groups
            let osText = "[x_t.shape[0], " + outputSpatial.map { String($0) }.joined(separator: ", ") + ", \(cout)]"
            let op: TFOp = [.conv1dTranspose, .conv2dTranspose, .conv3dTranspose][n - 1]
            let args: [(String, String)] = [("output_shape", osText), ("strides", fullStrides), ("padding", paddingText),
                                            ("dilations", fullDilations)]
            let finalPadding = padding, finalSpatial = outputSpatial
            let perform: @Sendable (Tensor, Tensor) throws(EngineError) -> Tensor = { x, w throws(EngineError) in
                let cin = x.shape[n + 1] / groups
                var parts = [Tensor]()
                for g in 0..<groups {
                    let xg = groups == 1 ? x : x.window(axis: n + 1, start: g * cin, length: cin)
                    let wg = groups == 1 ? w : w.window(axis: n + 1, start: g * cin, length: cin)
                    let os = [x.shape[0]] + finalSpatial.map { Int($0) } + [cout]
                    parts.append(try TFOps.call(op, keywords: [("input", .tensor(xg)), ("filters", .tensor(wg)), ("output_shape", .ints(os)),
                                                               ("strides", .ints(p.strides)), ("padding", finalPadding),
                                                               ("dilations", .ints(p.dilations))]).tensor)
                }
                return Tensor.concatenate(parts, axis: n + 1)
            }
            _ = letters
            return Translation(direction: .torchToTF, function: op.qualifiedName, inputPermutation: toLast,
                               weightPermutation: weightPermutation, inputPadding: nil, arguments: args, window: window,
                               outputPermutation: back, splitGroups: groups, notes: notes, perform: perform)
        }
        // Forward.
        let symmetricSame = p.strides.allSatisfy { $0 == 1 } && (0..<n).allSatisfy { j in
            let total = (p.kernel[j] - 1) * p.dilations[j]
            return p.padBefore[j] == total / 2 && p.padAfter[j] == total - total / 2
        }
        let op: TFOp = [.conv1d, .conv2d, .conv3d][n - 1]
        var inputPadding: [(Int64, Int64)]? = nil
        var paddingValue: TFValue = "VALID", paddingText = "\"VALID\""
        if p.padBefore.allSatisfy({ $0 == 0 }) && p.padAfter.allSatisfy({ $0 == 0 }) {
        } else if symmetricSame {
            paddingValue = "SAME"; paddingText = "\"SAME\""
        } else if n == 2 {
            paddingValue = .list([[0, 0]] + (0..<n).map { TFValue.ints([p.padBefore[$0], p.padAfter[$0]]) } + [[0, 0]])
            paddingText = "[[0, 0], " + (0..<n).map { "[\(p.padBefore[$0]), \(p.padAfter[$0])]" }.joined(separator: ", ") + ", [0, 0]]"
        } else {
            inputPadding = (0..<n).map { (Int64(p.padBefore[$0]), Int64(p.padAfter[$0])) }
            notes.append("tf.nn.conv\(n)d takes no explicit padding: the input is padded with tf.pad first")
        }
        if n == 3 && p.groups > 1 { notes.append("TF's reference CPU kernels reject grouped conv3d") }
        let strideName = n == 1 ? "stride" : "strides"
        let strideText = n == 1 ? String(p.strides[0]) : fullStrides
        let args: [(String, String)] = [(strideName, strideText), ("padding", paddingText), ("dilations", fullDilations)]
        let finalPadding = paddingValue, finalInputPadding = inputPadding
        let perform: @Sendable (Tensor, Tensor) throws(EngineError) -> Tensor = { x, w throws(EngineError) in
            var input = x
            if let finalInputPadding {
                for (j, pads) in finalInputPadding.enumerated() {
                    input = input.window(axis: 1 + j, start: -Int(pads.0), length: input.shape[1 + j] + Int(pads.0 + pads.1))
                }
            }
            let strides: TFValue = n == 3 ? .ints([1] + p.strides + [1]) : .ints(p.strides)
            let dilations: TFValue = n == 3 ? .ints([1] + p.dilations + [1]) : .ints(p.dilations)
            return try TFOps.call(op, keywords: [("input", .tensor(input)), ("filters", .tensor(w)), (strideName, strides),
                                                 ("padding", finalPadding), ("dilations", dilations)]).tensor
        }
        return Translation(direction: .torchToTF, function: op.qualifiedName, inputPermutation: toLast,
                           weightPermutation: weightPermutation, inputPadding: inputPadding, arguments: args, window: nil,
                           outputPermutation: back, splitGroups: 1, notes: notes, perform: perform)
    }

    /// Explicit TF pads `(before, after)` per axis that give PyTorch's window exactly, if any.
    static func explicitPairs(_ p: ConvProblem, full: [Int64]) -> [(Int64, Int64)]? {
        var pairs = [(Int64, Int64)]()
        for j in 0..<p.rank {
            let before = Int64(p.padBefore[j]), O = Int64(p.image[j]), s = Int64(p.strides[j])
            // TF accepts O in [full - before - after, ... + s - 1]; pick the largest after >= 0 that fits.
            let after = full[j] - before - O
            if after >= 0 {
                pairs.append((before, after))
            } else if O - (full[j] - before) <= s - 1 {
                pairs.append((before, 0))
            } else {
                return nil
            }
        }
        return pairs
    }
}

extension Tensor {
    /// Tensors joined along `axis` (all other extents equal).
    public static func concatenate(_ parts: [Tensor], axis: Int) -> Tensor {
        guard let first = parts.first else { return Tensor(zeros: [0], dtype: .float32) }
        if parts.count == 1 { return first }
        var shape = first.shape
        shape[axis] = parts.reduce(0) { $0 + $1.shape[axis] }
        let outer = shape[..<axis].reduce(1, *), inner = shape[(axis + 1)...].reduce(1, *)
        var values = [Double]()
        values.reserveCapacity(shape.reduce(1, *))
        let sources = parts.map(\.doubles)
        for o in 0..<outer {
            for (k, part) in parts.enumerated() {
                let chunk = part.shape[axis] * inner
                values += sources[k][(o * chunk)..<((o + 1) * chunk)]
            }
        }
        return Tensor(shape: shape, values: values, dtype: first.dtype, layout: first.layout)
    }
}
