/// PyTorch's convolutions (`torch.nn.functional.conv{1,2,3}d` and `conv_transpose{1,2,3}d`) with
/// PyTorch's own semantics, so that tconv can check a TensorFlow <-> PyTorch translation on the same
/// engine. Channels-first data `[N, C, spatial..]` (or unbatched `[C, spatial..]`), weights
/// `[Cout, Cin/groups, k..]` (forward) and `[Cin, Cout/groups, k..]` (transposed), output size
/// `(I-1)*s - 2p + d*(k-1) + output_padding + 1` with `output_padding < max(stride, dilation)`.
public enum TorchOp: String, Sendable, CaseIterable, CustomStringConvertible {
    case conv1d, conv2d, conv3d
    case convTranspose1d = "conv_transpose1d", convTranspose2d = "conv_transpose2d", convTranspose3d = "conv_transpose3d"

    public var description: String { rawValue }
    /// `torch.nn.functional.conv_transpose2d`.
    public var qualifiedName: String { "torch.nn.functional." + rawValue }
    public var isTransposed: Bool { rawValue.hasPrefix("conv_transpose") }
    /// Number of spatial axes.
    public var rank: Int { Int(String(rawValue.dropLast().last ?? "2")) ?? 2 }

    /// The TF op family it corresponds to (for titles and plans).
    public var tfEquivalent: TFOp {
        switch self {
        case .conv1d: return .conv1d
        case .conv2d: return .conv2d
        case .conv3d: return .conv3d
        case .convTranspose1d: return .conv1dTranspose
        case .convTranspose2d: return .conv2dTranspose
        case .convTranspose3d: return .conv3dTranspose
        }
    }

    public var parameters: [TFParameter] {
        func p(_ name: String, _ d: TFValue?, _ help: String) -> TFParameter { TFParameter(name: name, defaultValue: d, help: help) }
        if isTransposed {
            return [p("input", nil, "[N, Cin, spatial..] or [Cin, spatial..]"), p("weight", nil, "[Cin, Cout/groups, k..]"),
                    p("bias", .null, "[Cout] or None"), p("stride", 1, "int or one per axis"), p("padding", 0, "int or one per axis"),
                    p("output_padding", 0, "int or one per axis, < max(stride, dilation)"), p("groups", 1, "divides Cin"),
                    p("dilation", 1, "int or one per axis")]
        }
        return [p("input", nil, "[N, Cin, spatial..] or [Cin, spatial..]"), p("weight", nil, "[Cout, Cin/groups, k..]"),
                p("bias", .null, "[Cout] or None"), p("stride", 1, "int or one per axis"),
                p("padding", 0, "int, one per axis, 'valid' or 'same'"), p("dilation", 1, "int or one per axis"),
                p("groups", 1, "divides Cin and Cout")]
    }

    /// Python-style binding, as for the TF ops.
    public func bind(positional: [TFValue], keywords: [(String, TFValue)]) throws(EngineError) -> TFArguments {
        let params = parameters
        var values = [String: TFValue]()
        guard positional.count <= params.count else {
            throw EngineError(.badArgument, op: rawValue, argument: "arguments",
                              "takes at most \(params.count) positional arguments but \(positional.count) were given")
        }
        for (i, v) in positional.enumerated() { values[params[i].name] = v }
        for (name, v) in keywords {
            guard params.contains(where: { $0.name == name }) else {
                throw EngineError(.badArgument, op: rawValue, argument: name, "unexpected keyword argument '\(name)'",
                                  valid: params.map(\.name).joined(separator: ", "))
            }
            guard values[name] == nil else {
                throw EngineError(.badArgument, op: rawValue, argument: name, "got multiple values for argument '\(name)'")
            }
            values[name] = v
        }
        for param in params where values[param.name] == nil {
            guard let d = param.defaultValue else {
                throw EngineError(.badArgument, op: rawValue, argument: param.name, "missing required argument '\(param.name)'")
            }
            values[param.name] = d
        }
        return TFArguments(values: values)
    }
}

/// A validated PyTorch call: the engine plan plus what PyTorch adds around it.
public struct TorchPlan: Sendable {
    public var op: TorchOp
    /// The plan of the batched problem (weights already in the engine's layout).
    public var plan: ConvPlan
    /// The input had no batch axis: the result drops it too.
    public var unbatched: Bool
    /// The result shape PyTorch returns.
    public var resultShape: [Int]
}

public enum TorchOps {
    /// Validates a PyTorch call in ATen's order (`_convolution` / `check_shape_forward`).
    public static func plan(_ op: TorchOp, _ args: TFArguments, limits: EngineLimits = .default) throws(EngineError) -> TorchPlan {
        let name = op.rawValue, n = op.rank
        func fail(_ c: ErrorCategory, _ arg: String, _ m: String, _ valid: String? = nil) -> EngineError {
            EngineError(c, op: name, argument: arg, m, valid: valid)
        }
        let reader = ArgumentReader(op: name)
        var x = try reader.tensor(args["input"], "input")
        let w = try reader.tensor(args["weight"], "weight")
        guard x.rank == n + 1 || x.rank == n + 2 else {
            throw fail(.badRank, "input", "Expected \(n + 1)D (unbatched) or \(n + 2)D (batched) input to \(name), but got input of size: \(shapeText(x.shape))",
                       "[N, C, \(spatialLetters(n).joined(separator: ", "))] or [C, \(spatialLetters(n).joined(separator: ", "))]")
        }
        let unbatched = x.rank == n + 1
        if unbatched, let batched = x.reshaped([1] + x.shape, layout: x.layout) { x = batched }
        func list(_ key: String, _ category: ErrorCategory) throws(EngineError) -> [Int64] {
            let value = args[key]
            let items: [TFValue] = value.elements ?? [value]
            var ints = [Int64]()
            for item in items {
                guard let v = ArgumentReader.strictInteger(item), abs(v) <= ArgumentReader.maxAttribute else {
                    throw fail(category, key, "\(key) must be integers, got \(value)", "an int or \(n) ints")
                }
                ints.append(v)
            }
            if ints.count == 1 { ints = Array(repeating: ints[0], count: n) }
            guard ints.count == n else {
                throw fail(category, key, "expected \(key) to be a single integer value or a list of \(n) values to match the convolution dimensions, but got \(key)=\(value)",
                           "an int or \(n) ints")
            }
            return ints
        }
        let stride = try list("stride", .badStrides)
        let dilation = try list("dilation", .badDilations)
        var padding: [Int64] = Array(repeating: 0, count: n)
        var samePadding = false
        if case .string(let s) = args["padding"] {
            guard !op.isTransposed else {
                throw fail(.badPadding, "padding", "\(name) takes padding as ints, not the string '\(s)'", "an int or \(n) ints")
            }
            switch s {
            case "valid": break
            case "same": samePadding = true
            default: throw fail(.badPadding, "padding", "Invalid padding string '\(s)'", "'valid', 'same', or ints")
            }
        } else {
            padding = try list("padding", .badPadding)
        }
        let outputPadding = op.isTransposed ? try list("output_padding", .badPadding) : Array(repeating: 0, count: n)
        guard let groups64 = ArgumentReader.strictInteger(args["groups"]), abs(groups64) <= ArgumentReader.maxAttribute else {
            throw fail(.badArgument, "groups", "groups must be an int, got \(args["groups"])")
        }
        try TFOps.checkSameDType(x, w, reader)
        // check_shape_forward, in ATen's order.
        guard groups64 > 0 else { throw fail(.channelMismatch, "groups", "non-positive groups is not supported (groups=\(groups64))", "groups >= 1") }
        if let p = padding.first(where: { $0 < 0 }) { throw fail(.badPadding, "padding", "negative padding is not supported (padding=\(p))", "padding >= 0") }
        if let p = outputPadding.first(where: { $0 < 0 }) {
            throw fail(.badPadding, "output_padding", "negative output_padding is not supported (output_padding=\(p))", "output_padding >= 0")
        }
        if let s = stride.first(where: { $0 <= 0 }) { throw fail(.badStrides, "stride", "non-positive stride is not supported (stride=\(s))", "stride >= 1") }
        if let d = dilation.first(where: { $0 <= 0 }) { throw fail(.badDilations, "dilation", "dilation should be greater than zero (dilation=\(d))", "dilation >= 1") }
        guard w.rank == n + 2 else {
            throw fail(.badRank, "weight", "weight of size \(shapeText(w.shape)) should have \(n + 2) dimensions for \(name)",
                       op.isTransposed ? "[Cin, Cout/groups, k..]" : "[Cout, Cin/groups, k..]")
        }
        let groups = Int(groups64)
        let inChannels = x.shape[1]
        let cimg: Int, cfeat: Int
        if op.isTransposed {
            guard w.shape[0] == inChannels else {
                throw fail(.channelMismatch, "weight",
                           "Given transposed=1, weight of size \(shapeText(w.shape)), expected input\(shapeText(x.shape)) to have \(w.shape[0]) channels, but got \(inChannels) channels instead",
                           "weight[0] = Cin = \(inChannels): PyTorch's transposed weights are [in, out/groups, k..]")
            }
            guard w.shape[0] % groups == 0 else {
                throw fail(.channelMismatch, "groups", "Given groups=\(groups), expected weight to be divisible by \(groups) at dimension 0, but got weight of size \(shapeText(w.shape)) instead",
                           "groups dividing \(w.shape[0])")
            }
            cfeat = inChannels
            cimg = w.shape[1] * groups
        } else {
            guard w.shape[0] % groups == 0 else {
                throw fail(.channelMismatch, "groups", "Given groups=\(groups), expected weight to be divisible by \(groups) at dimension 0, but got weight of size \(shapeText(w.shape)) instead",
                           "groups dividing \(w.shape[0])")
            }
            guard w.shape[1] * groups == inChannels else {
                throw fail(.channelMismatch, "weight",
                           "Given groups=\(groups), weight of size \(shapeText(w.shape)), expected input\(shapeText(x.shape)) to have \(w.shape[1] * groups) channels, but got \(inChannels) channels instead",
                           "weight[1] * groups = Cin = \(inChannels)")
            }
            cimg = inChannels
            cfeat = w.shape[0]
        }
        // Bias.
        if case .tensor(let b) = args["bias"] {
            let cout = op.isTransposed ? cimg : cfeat
            guard b.rank == 1, b.shape[0] == cout else {
                throw fail(.channelMismatch, "bias", "expected bias to be 1-dimensional with \(cout) elements, but got bias of size \(shapeText(b.shape)) instead",
                           "a [\(cout)] tensor or None")
            }
            try TFOps.checkSameDType(x, b, reader)
        } else if !args["bias"].isNone {
            throw fail(.badArgument, "bias", "bias must be a tensor or None, got \(args["bias"])")
        }
        let kernel = (0..<n).map { w.shape[2 + $0] }
        let spatialIn = (0..<n).map { x.shape[2 + $0] }
        var image = [Int](), feature = [Int](), padBefore = [Int](), padAfter = [Int]()
        for j in 0..<n {
            let k = Int64(kernel[j]), s = stride[j], d = dilation[j]
            let e = (k - 1) * d + 1
            if op.isTransposed {
                guard outputPadding[j] < max(s, d) else {
                    throw fail(.badPadding, "output_padding",
                               "output padding must be smaller than either stride or dilation, but got output_padding=\(outputPadding[j]), stride=\(s), dilation=\(d) on axis \(spatialLetters(n)[j])",
                               "output_padding < \(max(s, d))")
                }
                let I = Int64(spatialIn[j])
                let size = (I - 1) * s - 2 * padding[j] + (k - 1) * d + outputPadding[j] + 1
                guard size > 0 else {
                    throw fail(.badPadding, "padding",
                               "Given input size per channel: \(I). Calculated output size per channel: \(size). Output size is too small (padding \(padding[j]) on axis \(spatialLetters(n)[j]))",
                               "padding up to \(((I - 1) * s + (k - 1) * d + outputPadding[j]) / 2)")
                }
                image.append(Int(size)); feature.append(Int(I))
                padBefore.append(Int(padding[j])); padAfter.append(Int(padding[j]))
            } else {
                let H = Int64(spatialIn[j])
                var before = padding[j], after = padding[j]
                if samePadding {
                    guard s == 1 else {
                        throw fail(.badPadding, "padding", "padding='same' is not supported for strided convolutions", "stride 1, or explicit ints")
                    }
                    let total = e - 1
                    before = total / 2
                    after = total - before
                }
                let padded = H + before + after
                guard padded >= e else {
                    throw fail(.filterTooLarge, "weight",
                               "Calculated padded input size per channel: \(padded) on axis \(spatialLetters(n)[j]). Kernel size: \(e) (with dilation). Kernel size can't be greater than actual input size",
                               "a kernel extent up to \(padded)")
                }
                image.append(Int(H)); feature.append(Int((padded - e) / s + 1))
                padBefore.append(Int(before)); padAfter.append(Int(after))
            }
        }
        let problem = ConvProblem(rank: n, batch: x.shape[0], image: image, feature: feature, kernel: kernel,
                                  strides: stride.map { Int($0) }, dilations: dilation.map { Int($0) }, padBefore: padBefore,
                                  padAfter: padAfter, imageChannels: cimg, featureChannels: cfeat, groups: groups, channelsFirst: true)
        let resultBatched = op.isTransposed ? problem.imageShape : problem.featureShape
        try TFOps.checkResultSize(reader, shape: resultBatched.map { Int64($0) }, dtype: x.dtype, limits: limits)
        let plan = ConvPlan(op: op.tfEquivalent, problem: problem, transposed: op.isTransposed, resultShape: resultBatched,
                            resultLayout: problem.dataLayout, inputShape: x.shape, filterShape: problem.filterShape, dtype: x.dtype,
                            paddingRules: (0..<n).map { .explicit(before: Int64(padBefore[$0]), after: Int64(padAfter[$0])) },
                            tfCPURefusals: [])
        return TorchPlan(op: op, plan: plan, unbatched: unbatched,
                         resultShape: unbatched ? Array(resultBatched.dropFirst()) : resultBatched)
    }

    /// PyTorch's weight `[A, B, k..]` as the engine's filter `[k.., B, A]` (for both directions:
    /// forward `[Cout, Cin/g, k..]` -> `[k.., Cin/g, Cout]`; transposed `[Cin, Cout/g, k..]` ->
    /// `[k.., Cout/g, Cin]`).
    public static func engineFilter(_ weight: Tensor) -> Tensor {
        let n = weight.rank - 2
        return weight.transposed(Array(2..<(2 + n)) + [1, 0])
    }

    /// Validates and computes a PyTorch call.
    public static func run(_ op: TorchOp, _ args: TFArguments, options: ExecutionOptions = ExecutionOptions())
        throws(EngineError) -> (tensor: Tensor, plan: TorchPlan)
    {
        let tp = try plan(op, args, limits: options.limits)
        let reader = ArgumentReader(op: op.rawValue)
        var x = try reader.tensor(args["input"], "input")
        if tp.unbatched, let batched = x.reshaped([1] + x.shape) { x = batched }
        let w = engineFilter(try reader.tensor(args["weight"], "weight"))
        var y = try Engine.run(tp.plan, input: x, filters: w, options: options)
        if case .tensor(let bias) = args["bias"] { y = addChannelBias(y, bias) }
        if tp.unbatched, let squeezed = y.reshaped(tp.resultShape, layout: nil) { y = squeezed }
        return (y, tp)
    }

    /// `call` with Python-style arguments.
    public static func call(_ op: TorchOp, positional: [TFValue] = [], keywords: [(String, TFValue)] = [],
                            options: ExecutionOptions = ExecutionOptions()) throws(EngineError) -> (tensor: Tensor, plan: TorchPlan) {
        try run(op, op.bind(positional: positional, keywords: keywords), options: options)
    }

    /// Adds `bias[c]` to every element of channel `c` of a channels-first tensor.
    static func addChannelBias(_ y: Tensor, _ bias: Tensor) -> Tensor {
        let channels = y.shape[1]
        let inner = y.shape.dropFirst(2).reduce(1, *)
        let b = bias.doubles
        var values = y.doubles
        for index in 0..<values.count {
            let c = (index / max(inner, 1)) % max(channels, 1)
            values[index] = y.dtype == .float32 ? Double(Float(values[index]) + Float(b[c])) : values[index] + b[c]
        }
        return Tensor(shape: y.shape, values: values, dtype: y.dtype, layout: y.layout)
    }
}
