/// Validation of the transposed ops, in TensorFlow's order (`tf-semantics.md` 3.1-3.3), ending in
/// a `ConvPlan`. The first failing check wins, so the category a user sees is the one TF reports.
extension TFOps {
    /// `tf.nn.conv2d_transpose` and `tf.nn.conv1d_transpose` (which TF runs as the 2-D kernel with a
    /// unit H axis). `spatialRank` is 2 or 1.
    static func planConv2DTranspose(_ op: TFOp, _ args: TFArguments, spatialRank n: Int,
                                    limits: EngineLimits) throws(EngineError) -> ConvPlan {
        let name = op.pythonName
        let reader = ArgumentReader(op: name)
        let x = try reader.tensor(args["input"], "input")
        let w = try reader.tensor(args["filters"], "filters")
        var refusals = [String]()

        // Python layer: data_format (1-D maps NWC/NCW first), strides, dilations, padding.
        let channelsFirst: Bool
        let formats = n == 1 ? ["NWC", "NCW"] : ["NHWC", "NCHW"]
        let dataFormat = try reader.string(args["data_format"], "data_format", default: formats[0],
                                           category: .badDataFormat, valid: formats.map { "'\($0)'" }.joined(separator: " or "))
        if n == 1 {
            guard formats.contains(dataFormat) else {
                throw reader.fail(.badDataFormat, "data_format", "data_format '\(dataFormat)' is not a 1-D layout",
                                  valid: "'NWC' or 'NCW'")
            }
        }
        channelsFirst = dataFormat.hasPrefix("NC")
        let strides = try reader.sequence(args["strides"], "strides", spatial: n, channelsFirst: channelsFirst,
                                          category: .badStrides, lengthText: n == 1 ? "1 or 3" : nil)
        let dilations = try reader.sequence(args["dilations"], "dilations", spatial: n, channelsFirst: channelsFirst,
                                            category: .badDilations, lengthText: n == 1 ? "1 or 3" : nil)
        let padding = try reader.padding(args["padding"], expectedLength: n + 2, allowList: n == 2,
                                         listRefusal: n == 1 ? "conv1d_transpose takes padding as a string only, got the list \(args["padding"])" : nil)
        let outputShape = try reader.outputShape(args["output_shape"])
        // Attribute checks: data_format before padding.
        guard formats.contains(dataFormat) else {
            throw reader.fail(.badDataFormat, "data_format", "unknown data_format '\(dataFormat)'",
                              valid: formats.map { "'\($0)'" }.joined(separator: " or "))
        }
        if case .string(let s) = padding, s != "SAME", s != "VALID" {
            throw reader.fail(.badPadding, "padding", "padding '\(s)' is not accepted (it is case-sensitive)",
                              valid: n == 2 ? "'SAME', 'VALID' or a list of 4 [before, after] pairs" : "'SAME' or 'VALID'")
        }
        try checkSameDType(x, w, reader)

        // Kernel construction: attributes only.
        if channelsFirst { refusals.append("TensorFlow's reference CPU kernels accept only \(formats[0]) for \(name) (oneDNN's float32 path accepts \(dataFormat))") }
        let spatial = spatialAxes(rank: n, channelsFirst: channelsFirst)
        let nonSpatial = channelsFirst ? [0, 1] : [0, n + 1]
        let example = shapeText(fullList(spatial: Array(repeating: 2, count: n), channelsFirst: channelsFirst))
        try reader.requireUnitBatchAndChannel(strides, "strides", nonSpatial: nonSpatial, category: .badStrides,
                                              valid: "1 on batch and channels, e.g. \(example)")
        try reader.requirePositive(strides, "strides", spatial: spatial, category: .badStrides)
        try reader.requireUnitBatchAndChannel(dilations, "dilations", nonSpatial: nonSpatial, category: .badDilations)
        try reader.requirePositive(dilations, "dilations", spatial: spatial, category: .badDilations)
        let dilated = spatial.contains { dilations[$0] > 1 }
        if dilated { refusals.append("TensorFlow's reference CPU kernels reject dilation > 1 in \(name) (oneDNN's float32 path accepts it)") }
        var explicitPads: [(Int64, Int64)]? = nil
        if case .explicit(let pairs) = padding {
            try reader.checkExplicitPads(pairs, nonSpatial: nonSpatial)
            explicitPads = pairs
        }

        // Shapes.
        guard x.rank == n + 2 else {
            throw reader.fail(.badRank, "input", "input has rank \(x.rank) (shape \(shapeText(x.shape))), needs \(n + 2)",
                              valid: "a \(n + 2)-D tensor in \(dataFormat) layout")
        }
        var os = outputShape
        let twoValueForm = n == 2 && os.count == 2
        guard os.count == n + 2 || twoValueForm else {
            throw reader.fail(.badOutputShape, "output_shape", "output_shape \(shapeText(os)) has \(os.count) entries, needs \(n + 2)",
                              valid: "\(n + 2) values in \(dataFormat) order" + (n == 2 ? " (or [OH, OW])" : ""))
        }
        try reader.checkOutputShapeEntries(os)
        guard w.rank == n + 2 else {
            throw reader.fail(.badRank, "filters", "filters has rank \(w.rank) (shape \(shapeText(w.shape))), needs \(n + 2)",
                              valid: "[\(spatialLetters(n).map { "K" + $0 }.joined(separator: ", ")), Cout, Cin]")
        }
        let filterOut = Int64(w.shape[n]), filterIn = Int64(w.shape[n + 1])
        let xChannelAxis = channelsFirst ? 1 : n + 1
        if twoValueForm {
            os = channelsFirst ? [Int64(x.shape[0]), filterOut] + os : [Int64(x.shape[0])] + os + [filterOut]
        }
        let osChannel = os[xChannelAxis]
        guard os[0] == Int64(x.shape[0]) else {
            throw EngineError(.inconsistentOutputShape, op: name, argument: "output_shape",
                              "output_shape batch \(os[0]) differs from the input batch \(x.shape[0])",
                              valid: "output_shape[0] = \(x.shape[0])")
        }
        guard filterOut > 0 else {
            throw reader.fail(.channelMismatch, "filters", "filters has \(filterOut) output channels (shape \(shapeText(w.shape)))",
                              valid: "at least 1 output channel")
        }
        guard osChannel % filterOut == 0 else {
            throw channelCountError(reader, os: os, axis: xChannelAxis, osChannel: osChannel, filterOut: filterOut, w: w)
        }
        guard filterIn == Int64(x.shape[xChannelAxis]) else {
            throw reader.fail(.channelMismatch, "filters",
                              "filters in-channels filters.shape[\(n + 1)] = \(filterIn) differ from the input's \(x.shape[xChannelAxis]) channels (input \(shapeText(x.shape)), filters \(shapeText(w.shape)))",
                              valid: "filters of shape [..., Cout, \(x.shape[xChannelAxis])]: transposed filters are [K.., out, in]")
        }
        let rules: [PaddingRule] = (0..<n).map { j in
            if let pads = explicitPads { return .explicit(before: pads[spatial[j]].0, after: pads[spatial[j]].1) }
            if case .string("VALID") = padding { return .valid }
            return .same
        }
        let geometry = try spatialGeometry(reader, x: x, w: w, os: os, n: n, channelsFirst: channelsFirst,
                                           strides: spatial.map { strides[$0] }, dilations: spatial.map { dilations[$0] },
                                           rules: rules)
        guard osChannel == filterOut else {
            throw channelCountError(reader, os: os, axis: xChannelAxis, osChannel: osChannel, filterOut: filterOut, w: w)
        }
        if explicitPads != nil && channelsFirst {
            refusals.append("TensorFlow's CPU kernels reject explicit padding with \(dataFormat) (only NHWC)")
        }
        if explicitPads != nil && dilated {
            refusals.append("TensorFlow's CPU kernels reject explicit padding together with dilation > 1")
        }
        return try makeTransposedPlan(op, reader, x: x, w: w, os: os, geometry: geometry, channelsFirst: channelsFirst,
                                      rules: rules, refusals: refusals, limits: limits)
    }

    /// `tf.nn.conv3d_transpose` (`tf-semantics.md` 3.2).
    static func planConv3DTranspose(_ op: TFOp, _ args: TFArguments, limits: EngineLimits) throws(EngineError) -> ConvPlan {
        let name = op.pythonName, n = 3
        let reader = ArgumentReader(op: name)
        let x = try reader.tensor(args["input"], "input")
        let w = try reader.tensor(args["filters"], "filters")
        var refusals = [String]()
        let dataFormat = try reader.string(args["data_format"], "data_format", default: "NDHWC",
                                           category: .badDataFormat, valid: "'NDHWC' or 'NCDHW'")
        let channelsFirst = dataFormat.hasPrefix("NC")
        let strides = try reader.sequence(args["strides"], "strides", spatial: n, channelsFirst: channelsFirst, category: .badStrides)
        let dilations = try reader.sequence(args["dilations"], "dilations", spatial: n, channelsFirst: channelsFirst,
                                            category: .badDilations)
        let padding = try reader.padding(args["padding"], expectedLength: 5, allowList: false,
                                         listRefusal: "conv3d_transpose takes padding as a string only, got the list \(args["padding"])")
        let outputShape = try reader.outputShape(args["output_shape"])
        guard dataFormat == "NDHWC" || dataFormat == "NCDHW" else {
            throw reader.fail(.badDataFormat, "data_format", "unknown data_format '\(dataFormat)'", valid: "'NDHWC' or 'NCDHW'")
        }
        guard case .string(let paddingName) = padding, paddingName == "SAME" || paddingName == "VALID" else {
            throw reader.fail(.badPadding, "padding", "padding \(args["padding"]) is not accepted (it is case-sensitive)",
                              valid: "'SAME' or 'VALID'")
        }
        try checkSameDType(x, w, reader)
        if channelsFirst { refusals.append("TensorFlow's reference CPU kernels accept only NDHWC for conv3d_transpose (oneDNN's float32 path accepts NCDHW)") }
        let spatial = spatialAxes(rank: n, channelsFirst: channelsFirst)
        let nonSpatial = channelsFirst ? [0, 1] : [0, 4]
        try reader.requireUnitBatchAndChannel(dilations, "dilations", nonSpatial: nonSpatial, category: .badDilations)
        try reader.requirePositive(dilations, "dilations", spatial: spatial, category: .badDilations)
        if spatial.contains(where: { dilations[$0] > 1 }) {
            refusals.append("TensorFlow's reference CPU kernels reject dilation > 1 in conv3d_transpose (oneDNN's float32 path accepts it)")
        }
        try reader.requireUnitBatchAndChannel(strides, "strides", nonSpatial: nonSpatial, category: .badStrides)
        guard outputShape.count == 5 else {
            throw reader.fail(.badOutputShape, "output_shape", "output_shape \(shapeText(outputShape)) has \(outputShape.count) entries, needs 5",
                              valid: "5 values in \(dataFormat) order")
        }
        try reader.checkOutputShapeEntries(outputShape)
        guard w.rank == 5 else {
            throw reader.fail(.badRank, "filters", "filters has rank \(w.rank) (shape \(shapeText(w.shape))), needs 5",
                              valid: "[KD, KH, KW, Cout, Cin]")
        }
        guard x.rank == 5 else {
            throw reader.fail(.badRank, "input", "input has rank \(x.rank) (shape \(shapeText(x.shape))), needs 5",
                              valid: "a 5-D tensor in \(dataFormat) layout")
        }
        let channelAxis = channelsFirst ? 1 : 4
        guard outputShape[channelAxis] == Int64(w.shape[3]) else {
            throw reader.fail(.channelMismatch, "output_shape",
                              "output_shape has \(outputShape[channelAxis]) channels but filters.shape[3] (Cout) is \(w.shape[3])",
                              valid: "output_shape[\(channelAxis)] = \(w.shape[3])")
        }
        guard Int64(x.shape[channelAxis]) == Int64(w.shape[4]) else {
            throw reader.fail(.channelMismatch, "filters",
                              "filters in-channels filters.shape[4] = \(w.shape[4]) differ from the input's \(x.shape[channelAxis]) channels (input \(shapeText(x.shape)), filters \(shapeText(w.shape)))",
                              valid: "filters of shape [KD, KH, KW, Cout, \(x.shape[channelAxis])]")
        }
        guard outputShape[0] == Int64(x.shape[0]) else {
            throw EngineError(.inconsistentOutputShape, op: name, argument: "output_shape",
                              "output_shape batch \(outputShape[0]) differs from the input batch \(x.shape[0])",
                              valid: "output_shape[0] = \(x.shape[0])")
        }
        try reader.requirePositive(strides, "strides", spatial: spatial, category: .badStrides)
        let rules: [PaddingRule] = Array(repeating: paddingName == "SAME" ? .same : .valid, count: n)
        let geometry = try spatialGeometry(reader, x: x, w: w, os: outputShape, n: n, channelsFirst: channelsFirst,
                                           strides: spatial.map { strides[$0] }, dilations: spatial.map { dilations[$0] },
                                           rules: rules)
        return try makeTransposedPlan(op, reader, x: x, w: w, os: outputShape, geometry: geometry,
                                      channelsFirst: channelsFirst, rules: rules, refusals: refusals, limits: limits)
    }

    /// `tf.nn.atrous_conv2d_transpose` (`tf-semantics.md` 2.5, 3.3): conv2d_transpose with stride 1
    /// and dilation `rate`, NHWC only. Rate 1 is TF's shortcut straight to conv2d_transpose.
    static func planAtrousTranspose(_ args: TFArguments, limits: EngineLimits) throws(EngineError) -> ConvPlan {
        let op = TFOp.atrousConv2dTranspose, name = op.rawValue
        let reader = ArgumentReader(op: name)
        let x = try reader.tensor(args["value"], "value")
        let w = try reader.tensor(args["filters"], "filters")
        guard x.rank >= 4 else {
            throw reader.fail(.badRank, "value", "value has rank \(x.rank) (shape \(shapeText(x.shape))), needs 4",
                              valid: "an NHWC tensor")
        }
        guard w.rank >= 4 else {
            throw reader.fail(.badRank, "filters", "filters has rank \(w.rank) (shape \(shapeText(w.shape))), needs 4",
                              valid: "[KH, KW, Cout, Cin]")
        }
        guard x.shape[3] == w.shape[3] else {
            throw reader.fail(.channelMismatch, "filters",
                              "value has \(x.shape[3]) channels but filters.shape[3] (Cin) is \(w.shape[3]) (value \(shapeText(x.shape)), filters \(shapeText(w.shape)))",
                              valid: "filters of shape [KH, KW, Cout, \(x.shape[3])]")
        }
        let rateValue = args["rate"]
        guard case .int(let rate) = rateValue else {
            throw reader.fail(.badRate, "rate", "rate must be a Python int, got \(rateValue.typeName) \(rateValue)",
                              valid: "an int >= 1")
        }
        guard rate >= 1 else {
            throw reader.fail(.badRate, "rate", "rate \(rate) is less than one", valid: "an int >= 1")
        }
        if rate == 1 {
            // TF calls v1 conv2d_transpose with unit strides and skips its own later checks.
            var forwarded = TFArguments(values: [
                "input": args["value"], "filters": args["filters"], "output_shape": args["output_shape"],
                "strides": .ints([1, 1, 1, 1]), "padding": args["padding"], "data_format": "NHWC", "dilations": .null,
            ])
            forwarded.given = Set(forwarded.values.keys)
            var plan = try planConv2DTranspose(.conv2dTranspose, forwarded, spatialRank: 2, limits: limits)
            plan.op = op
            return plan
        }
        let outputShape = try reader.outputShape(args["output_shape"])
        guard outputShape.count == 4 else {
            throw reader.fail(.badOutputShape, "output_shape", "output_shape \(shapeText(outputShape)) has \(outputShape.count) entries, needs 4",
                              valid: "[N, OH, OW, Cout]")
        }
        guard outputShape[3] == Int64(w.shape[2]) else {
            throw reader.fail(.channelMismatch, "output_shape",
                              "output_shape has \(outputShape[3]) channels but filters.shape[2] (Cout) is \(w.shape[2])",
                              valid: "output_shape[3] = \(w.shape[2])")
        }
        let padding: PaddingRule
        switch args["padding"] {
        case .string("SAME"): padding = .same
        case .string("VALID"): padding = .valid
        case let other:
            throw reader.fail(.badPadding, "padding", "padding \(other) is not accepted when rate > 1",
                              valid: "'SAME' or 'VALID' (explicit lists only work at rate 1)")
        }
        try checkSameDType(x, w, reader)
        try reader.checkOutputShapeEntries(outputShape)
        guard x.rank == 4 else {
            throw reader.fail(.badRank, "value", "value has rank \(x.rank) (shape \(shapeText(x.shape))), needs 4", valid: "an NHWC tensor")
        }
        guard w.rank == 4 else {
            throw reader.fail(.badRank, "filters", "filters has rank \(w.rank) (shape \(shapeText(w.shape))), needs 4",
                              valid: "[KH, KW, Cout, Cin]")
        }
        guard outputShape[0] == Int64(x.shape[0]) else {
            throw EngineError(.inconsistentOutputShape, op: name, argument: "output_shape",
                              "output_shape batch \(outputShape[0]) differs from the value batch \(x.shape[0])",
                              valid: "output_shape[0] = \(x.shape[0])")
        }
        let rules = [padding, padding]
        let geometry = try spatialGeometry(reader, x: x, w: w, os: outputShape, n: 2, channelsFirst: false,
                                           strides: [1, 1], dilations: [rate, rate], rules: rules)
        return try makeTransposedPlan(op, reader, x: x, w: w, os: outputShape, geometry: geometry, channelsFirst: false,
                                      rules: rules, refusals: [], limits: limits)
    }

    /// `tf.nn.conv_transpose`: picks the 1-, 2- or 3-D op from `len(output_shape)`.
    static func planConvTranspose(_ args: TFArguments, limits: EngineLimits) throws(EngineError) -> ConvPlan {
        let reader = ArgumentReader(op: "conv_transpose")
        guard let entries = args["output_shape"].elements else {
            throw reader.fail(.badOutputShape, "output_shape",
                              "output_shape must be a list (its length picks the op), got \(args["output_shape"].typeName) \(args["output_shape"])",
                              valid: "a list of length 3, 4 or 5")
        }
        var plan: ConvPlan
        switch entries.count - 2 {
        case 1: plan = try planConv2DTranspose(.conv1dTranspose, args, spatialRank: 1, limits: limits)
        case 2: plan = try planConv2DTranspose(.conv2dTranspose, args, spatialRank: 2, limits: limits)
        case 3: plan = try planConv3DTranspose(.conv3dTranspose, args, limits: limits)
        default:
            throw reader.fail(.badOutputShape, "output_shape",
                              "output_shape \(args["output_shape"]) has \(entries.count) entries; its length picks the op",
                              valid: "length 3 (1-D), 4 (2-D) or 5 (3-D)")
        }
        plan.op = .convTranspose
        return plan
    }

    // MARK: - Shared pieces

    /// The spatial checks of every transposed op: per axis, `F(O)` must equal the input size `I`.
    /// On a mismatch the error lists the accepted range on every axis.
    static func spatialGeometry(_ reader: ArgumentReader, x: Tensor, w: Tensor, os: [Int64], n: Int, channelsFirst: Bool,
                               strides: [Int64], dilations: [Int64], rules: [PaddingRule])
        throws(EngineError) -> [AxisGeometry]
    {
        let axes = spatialAxes(rank: n, channelsFirst: channelsFirst)
        let letters = spatialLetters(n)
        var result: [AxisGeometry] = []
        var mismatch: (Int, Int64, Int64?)? = nil
        for j in 0..<n {
            let O = os[axes[j]], I = Int64(x.shape[axes[j]]), K = Int64(w.shape[j])
            let F = ConvArithmetic.forwardOutputSize(inputSize: O, kernel: K, stride: strides[j], dilation: dilations[j],
                                                     padding: rules[j])
            if F != I, mismatch == nil { mismatch = (j, O, F) }
            let pads = ConvArithmetic.padding(inputSize: O, outputSize: I, kernel: K, stride: strides[j],
                                              dilation: dilations[j], rule: rules[j])
            result.append(AxisGeometry(O: O, I: I, K: K, stride: strides[j], dilation: dilations[j],
                                       before: pads.before, after: pads.after))
        }
        if let (j, O, F) = mismatch {
            let ranges = (0..<n).map { k in
                AxisRange(axis: k, letter: letters[k],
                          range: ConvArithmetic.acceptedOutputSizes(inputSize: result[k].I, kernel: result[k].K, stride: strides[k],
                                                                    dilation: dilations[k], padding: rules[k]))
            }
            let I = result[j].I
            let e = ConvArithmetic.effectiveKernel(result[j].K, dilation: dilations[j]) ?? 0
            var why = "output_shape \(letters[j]) = \(O) does not fit input \(letters[j]) = \(I) with kernel \(result[j].K)"
            if dilations[j] > 1 { why += " (dilation \(dilations[j]), extent \(e))" }
            why += ", stride \(strides[j]), padding \(rules[j])"
            if let F, F < 0 {
                why += ": the forward conv of a size-\(O) input would have negative size \(F)"
            } else if let F {
                why += ": a forward conv of a size-\(O) input gives \(F), not \(I)"
            }
            let valid = ranges.map(\.description).joined(separator: ", ")
            throw EngineError(.inconsistentOutputShape, op: reader.op, argument: "output_shape", why,
                              valid: valid, ranges: ranges)
        }
        return result
    }

    static func channelCountError(_ reader: ArgumentReader, os: [Int64], axis: Int, osChannel: Int64, filterOut: Int64,
                                  w: Tensor) -> EngineError {
        var message = "output_shape has \(osChannel) channels but filters.shape[\(w.rank - 2)] (Cout) is \(filterOut) (filters \(shapeText(w.shape)))"
        if osChannel > filterOut && osChannel % filterOut == 0 {
            message += "; \(osChannel) = \(osChannel / filterOut) x \(filterOut) would be a grouped transposed conv, which TensorFlow's CPU kernels do not support"
        }
        return reader.fail(.channelMismatch, "output_shape", message, valid: "output_shape[\(axis)] = \(filterOut)")
    }

    static func checkSameDType(_ x: Tensor, _ w: Tensor, _ reader: ArgumentReader) throws(EngineError) {
        guard x.dtype == w.dtype else {
            throw reader.fail(.badDType, "filters", "input is \(x.dtype) but filters is \(w.dtype)",
                              valid: "both float32 or both float64 (cast one with tf.cast)")
        }
    }

    static func makeTransposedPlan(_ op: TFOp, _ reader: ArgumentReader, x: Tensor, w: Tensor, os: [Int64],
                                   geometry: [AxisGeometry],
                                   channelsFirst: Bool, rules: [PaddingRule], refusals: [String],
                                   limits: EngineLimits) throws(EngineError) -> ConvPlan {
        let n = geometry.count
        try checkResultSize(reader, shape: os, dtype: x.dtype, limits: limits)
        let channelAxis = channelsFirst ? 1 : n + 1
        let problem = ConvProblem(
            rank: n, batch: x.shape[0], image: geometry.map { Int($0.O) }, feature: geometry.map { Int($0.I) },
            kernel: geometry.map { Int($0.K) }, strides: geometry.map { Int($0.stride) },
            dilations: geometry.map { Int($0.dilation) },
            padBefore: geometry.map { Int($0.before) }, padAfter: geometry.map { Int($0.after) },
            imageChannels: Int(os[channelAxis]), featureChannels: x.shape[channelAxis], groups: 1,
            channelsFirst: channelsFirst)
        return ConvPlan(op: op, problem: problem, transposed: true, resultShape: os.map { Int($0) },
                        resultLayout: Layout.data(rank: n, channelsFirst: channelsFirst), inputShape: x.shape,
                        filterShape: w.shape, dtype: x.dtype, paddingRules: rules, tfCPURefusals: refusals)
    }

    /// Refuses a result whose byte size would pass the limit, before anything is allocated.
    static func checkResultSize(_ reader: ArgumentReader, shape: [Int64], dtype: DType, limits: EngineLimits) throws(EngineError) {
        let elements = SizeArithmetic.product(shape)
        let bytes = elements.flatMap { SizeArithmetic.mul($0, Int64(dtype.byteWidth)) }
        guard let bytes, bytes <= limits.maxResultBytes else {
            let size = bytes.map { "\($0) bytes" } ?? "more than 2^63 bytes"
            throw EngineError(.tooLarge, op: reader.op, argument: "output_shape",
                              "the result \(shapeText(shape)) \(dtype) would take \(size)",
                              valid: "results up to \(limits.maxResultBytes) bytes (the configured limit)")
        }
    }

    /// One spatial axis of a validated call.
    struct AxisGeometry {
        var O: Int64, I: Int64, K: Int64, stride: Int64, dilation: Int64, before: Int64, after: Int64
    }

    static func fullList(spatial: [Int64], channelsFirst: Bool) -> [Int64] {
        channelsFirst ? [1, 1] + spatial : [1] + spatial + [1]
    }

    static func pairText(_ pairs: [(Int64, Int64)]) -> String {
        "[" + pairs.map { "[\($0.0), \($0.1)]" }.joined(separator: ", ") + "]"
    }
}
