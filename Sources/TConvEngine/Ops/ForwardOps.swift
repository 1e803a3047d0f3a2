/// Validation of the forward convolutions the transposed ops are the gradients of
/// (`tf-semantics.md` 1.6, 2.6), ending in a `ConvPlan` whose problem the forward kernel computes.
extension TFOps {
    /// `tf.nn.conv2d`: explicit padding allowed, groups `G = Cin / filters[2]`, extra leading batch
    /// dimensions flattened and restored.
    static func planConv2D(_ args: TFArguments, limits: EngineLimits) throws(EngineError) -> ConvPlan {
        let reader = ArgumentReader(op: "conv2d")
        let x = try reader.tensor(args["input"], "input")
        let w = try reader.tensor(args["filters"], "filters")
        let dataFormat = try reader.string(args["data_format"], "data_format", default: "NHWC", category: .badDataFormat,
                                           valid: "'NHWC' or 'NCHW'")
        let channelsFirst = dataFormat.hasPrefix("NC")
        let strides = try reader.sequence(args["strides"], "strides", spatial: 2, channelsFirst: channelsFirst, category: .badStrides)
        let dilations = try reader.sequence(args["dilations"], "dilations", spatial: 2, channelsFirst: channelsFirst,
                                            category: .badDilations)
        let padding = try reader.padding(args["padding"], expectedLength: 4)
        guard dataFormat == "NHWC" || dataFormat == "NCHW" else {
            throw reader.fail(.badDataFormat, "data_format", "unknown data_format '\(dataFormat)'", valid: "'NHWC' or 'NCHW'")
        }
        try checkPaddingString(reader, padding, allowsList: true)
        var refusals = [String]()
        if channelsFirst { refusals.append("TensorFlow's reference CPU kernels (float64, or oneDNN off) reject NCHW for conv2d") }
        return try planForward(.conv2d, reader, x: x, w: w, n: 2, channelsFirst: channelsFirst, strides: strides,
                               dilations: dilations, padding: padding, refusals: refusals, extraBatchDims: true,
                               groupsRefusal: nil, limits: limits)
    }

    /// `tf.nn.conv1d`: `stride` (singular); NWC/NCW (the old NHWC/NCHW names too); string padding.
    static func planConv1D(_ args: TFArguments, limits: EngineLimits) throws(EngineError) -> ConvPlan {
        let reader = ArgumentReader(op: "conv1d")
        let x = try reader.tensor(args["input"], "input")
        let w = try reader.tensor(args["filters"], "filters")
        let dataFormat = try reader.string(args["data_format"], "data_format", default: "NWC", category: .badDataFormat,
                                           valid: "'NWC' or 'NCW'")
        let channelsFirst: Bool
        switch dataFormat {
        case "NWC", "NHWC": channelsFirst = false
        case "NCW", "NCHW": channelsFirst = true
        default:
            throw reader.fail(.badDataFormat, "data_format", "unknown data_format '\(dataFormat)'", valid: "'NWC' or 'NCW'")
        }
        let strides = try reader.sequence(args["stride"], "stride", spatial: 1, channelsFirst: channelsFirst,
                                          category: .badStrides, lengthText: "1 or 3")
        let dilations = try reader.sequence(args["dilations"], "dilations", spatial: 1, channelsFirst: channelsFirst,
                                            category: .badDilations, lengthText: "1 or 3")
        let padding = try reader.padding(args["padding"], expectedLength: 3, allowList: false,
                                         listRefusal: "conv1d takes padding as a string only, got the list \(args["padding"])")
        try checkPaddingString(reader, padding, allowsList: false)
        var refusals = [String]()
        if channelsFirst { refusals.append("TensorFlow's reference CPU kernels (float64, or oneDNN off) reject NCW for conv1d") }
        return try planForward(.conv1d, reader, x: x, w: w, n: 1, channelsFirst: channelsFirst, strides: strides,
                               dilations: dilations, padding: padding, refusals: refusals, extraBatchDims: true,
                               groupsRefusal: nil, limits: limits)
    }

    /// `tf.nn.conv3d`: strides and dilations must be full 5-element lists; string padding.
    static func planConv3D(_ args: TFArguments, limits: EngineLimits) throws(EngineError) -> ConvPlan {
        let reader = ArgumentReader(op: "conv3d")
        let x = try reader.tensor(args["input"], "input")
        let w = try reader.tensor(args["filters"], "filters")
        let strides = try fiveList(reader, args["strides"], "strides", category: .badStrides, defaultOnes: false)
        let dilations = try fiveList(reader, args["dilations"], "dilations", category: .badDilations, defaultOnes: true)
        let padding = try reader.padding(args["padding"], expectedLength: 5, allowList: false,
                                         listRefusal: "conv3d takes padding as a string only, got the list \(args["padding"])")
        let dataFormat = try reader.string(args["data_format"], "data_format", default: "NDHWC", category: .badDataFormat,
                                           valid: "'NDHWC' or 'NCDHW'")
        guard dataFormat == "NDHWC" || dataFormat == "NCDHW" else {
            throw reader.fail(.badDataFormat, "data_format", "unknown data_format '\(dataFormat)'", valid: "'NDHWC' or 'NCDHW'")
        }
        try checkPaddingString(reader, padding, allowsList: false)
        let channelsFirst = dataFormat == "NCDHW"
        var refusals = [String]()
        if channelsFirst { refusals.append("TensorFlow's reference CPU kernels reject NCDHW for conv3d (oneDNN's float32 path accepts it)") }
        if spatialAxes(rank: 3, channelsFirst: channelsFirst).contains(where: { dilations[$0] > 1 }) {
            refusals.append("TensorFlow's reference CPU kernels reject dilation > 1 in conv3d (oneDNN's float32 path accepts it)")
        }
        return try planForward(.conv3d, reader, x: x, w: w, n: 3, channelsFirst: channelsFirst, strides: strides,
                               dilations: dilations, padding: padding, refusals: refusals, extraBatchDims: false,
                               groupsRefusal: "TensorFlow's reference CPU kernels reject grouped conv3d", limits: limits)
    }

    /// `tf.nn.convolution`: the rank comes from the filter; stride > 1 together with dilation > 1 is
    /// refused (TF computes dilation with space_to_batch and stride-1 convs).
    static func planConvolution(_ args: TFArguments, limits: EngineLimits) throws(EngineError) -> ConvPlan {
        try planConvolutionLike(.convolution, reader: ArgumentReader(op: "convolution"), input: args["input"],
                                filters: args["filters"], strides: args["strides"], padding: args["padding"],
                                dataFormat: args["data_format"], dilations: args["dilations"], limits: limits)
    }

    /// `tf.nn.atrous_conv2d(value, filters, rate, padding)` = `convolution(dilations=[rate, rate])`.
    static func planAtrousConv2D(_ args: TFArguments, limits: EngineLimits) throws(EngineError) -> ConvPlan {
        let reader = ArgumentReader(op: "atrous_conv2d")
        let rateValue = args["rate"]
        guard case .int(let rate) = rateValue else {
            throw reader.fail(.badRate, "rate", "rate must be an int, got \(rateValue.typeName) \(rateValue)", valid: "an int >= 1")
        }
        guard rate >= 1 else { throw reader.fail(.badRate, "rate", "rate \(rate) is less than one", valid: "an int >= 1") }
        let w = try reader.tensor(args["filters"], "filters")
        guard w.rank == 4 else {
            throw reader.fail(.badRank, "filters", "filters has rank \(w.rank) (shape \(shapeText(w.shape))), needs 4",
                              valid: "[KH, KW, Cin, Cout]")
        }
        return try planConvolutionLike(.atrousConv2d, reader: reader, input: args["value"], filters: args["filters"],
                                       strides: .null, padding: args["padding"], dataFormat: "NHWC",
                                       dilations: .ints([Int(rate), Int(rate)]), limits: limits)
    }

    static func planConvolutionLike(_ op: TFOp, reader: ArgumentReader, input: TFValue, filters: TFValue, strides stridesValue: TFValue,
                                    padding paddingValue: TFValue, dataFormat dataFormatValue: TFValue, dilations dilationsValue: TFValue,
                                    limits: EngineLimits) throws(EngineError) -> ConvPlan {
        let x = try reader.tensor(input, op == .atrousConv2d ? "value" : "input")
        let w = try reader.tensor(filters, "filters")
        let n = w.rank - 2
        guard (1...3).contains(n) else {
            throw reader.fail(.badRank, "filters", "filters has rank \(w.rank) (shape \(shapeText(w.shape))); the rank picks 1-, 2- or 3-D",
                              valid: "rank 3, 4 or 5: [K.., Cin, Cout]")
        }
        guard x.rank == n + 2 else {
            throw reader.fail(.badRank, "input", "input has rank \(x.rank) (shape \(shapeText(x.shape))) but filters of rank \(w.rank) need \(n + 2)",
                              valid: "a \(n + 2)-D input")
        }
        let layouts = [["NWC", "NCW"], ["NHWC", "NCHW"], ["NDHWC", "NCDHW"]][n - 1]
        let dataFormat = try reader.string(dataFormatValue, "data_format", default: layouts[0], category: .badDataFormat,
                                           valid: layouts.map { "'\($0)'" }.joined(separator: " or "))
        guard layouts.contains(dataFormat) else {
            throw reader.fail(.badDataFormat, "data_format", "data_format '\(dataFormat)' does not fit a \(n)-D convolution",
                              valid: layouts.map { "'\($0)'" }.joined(separator: " or "))
        }
        let channelsFirst = dataFormat.hasPrefix("NC")
        let strides = try reader.sequence(stridesValue, "strides", spatial: n, channelsFirst: channelsFirst, category: .badStrides)
        let dilations = try reader.sequence(dilationsValue, "dilations", spatial: n, channelsFirst: channelsFirst,
                                            category: .badDilations)
        let spatial = spatialAxes(rank: n, channelsFirst: channelsFirst)
        if let bad = spatial.first(where: { dilations[$0] < 1 }) {
            throw reader.fail(.badDilations, "dilations", "dilation \(dilations[bad]) is below 1 in \(shapeText(dilations))",
                              valid: "dilations >= 1")
        }
        if spatial.contains(where: { strides[$0] > 1 }) && spatial.contains(where: { dilations[$0] > 1 }) {
            throw reader.fail(.badDilations, "dilations",
                              "strides \(shapeText(strides)) > 1 together with dilations \(shapeText(dilations)) > 1 is not supported by tf.nn.convolution",
                              valid: "either all strides 1 or all dilations 1 (tf.nn.conv2d accepts both)")
        }
        let padding = try reader.padding(paddingValue, expectedLength: n + 2)
        try checkPaddingString(reader, padding, allowsList: true)
        var refusals = [String]()
        if channelsFirst { refusals.append("TensorFlow's reference CPU kernels (float64, or oneDNN off) reject \(dataFormat)") }
        return try planForward(op, reader, x: x, w: w, n: n, channelsFirst: channelsFirst, strides: strides,
                               dilations: dilations, padding: padding, refusals: refusals, extraBatchDims: false,
                               groupsRefusal: n == 3 ? "TensorFlow's reference CPU kernels reject grouped 3-D convolutions" : nil,
                               limits: limits)
    }

    // MARK: - Shared pieces

    static func checkPaddingString(_ reader: ArgumentReader, _ padding: ParsedPadding, allowsList: Bool) throws(EngineError) {
        if case .string(let s) = padding, s != "SAME", s != "VALID" {
            throw reader.fail(.badPadding, "padding", "padding '\(s)' is not accepted (it is case-sensitive)",
                              valid: allowsList ? "'SAME', 'VALID' or a list of [before, after] pairs" : "'SAME' or 'VALID'")
        }
    }

    /// conv3d's strides/dilations: exactly five integers (an int alone is refused).
    static func fiveList(_ reader: ArgumentReader, _ value: TFValue, _ name: String, category: ErrorCategory,
                         defaultOnes: Bool) throws(EngineError) -> [Int64] {
        if value.isNone && defaultOnes { return [1, 1, 1, 1, 1] }
        guard let items = value.elements else {
            throw reader.fail(category, name, "tf.nn.conv3d needs \(name) as a list of 5 values, got \(value.typeName) \(value)",
                              valid: "[1, \(name == "strides" ? "sd, sh, sw" : "dd, dh, dw"), 1]")
        }
        guard items.count == 5 else {
            throw reader.fail(category, name, "\(name) \(value) has \(items.count) values; tf.nn.conv3d needs 5",
                              valid: "[1, \(name == "strides" ? "sd, sh, sw" : "dd, dh, dw"), 1]")
        }
        var ints = [Int64]()
        for item in items {
            guard let v = ArgumentReader.strictInteger(item), abs(v) <= ArgumentReader.maxAttribute else {
                throw reader.fail(category, name, "\(name) must be integers, got \(item) in \(value)", valid: "integers")
            }
            ints.append(v)
        }
        return ints
    }

    /// The forward checks shared by every forward op, in TF's kernel order: batch/channel strides
    /// and dilations, signs, explicit pads, ranks, channels and groups, then the output size.
    static func planForward(_ op: TFOp, _ reader: ArgumentReader, x: Tensor, w: Tensor, n: Int, channelsFirst: Bool,
                            strides: [Int64], dilations: [Int64], padding: ParsedPadding, refusals: [String],
                            extraBatchDims: Bool, groupsRefusal: String?, limits: EngineLimits) throws(EngineError) -> ConvPlan {
        var refusals = refusals
        try checkSameDType(x, w, reader)
        let spatial = spatialAxes(rank: n, channelsFirst: channelsFirst)
        let nonSpatial = channelsFirst ? [0, 1] : [0, n + 1]
        try reader.requireUnitBatchAndChannel(strides, "strides", nonSpatial: nonSpatial, category: .badStrides)
        try reader.requireUnitBatchAndChannel(dilations, "dilations", nonSpatial: nonSpatial, category: .badDilations)
        try reader.requirePositive(strides, "strides", spatial: spatial, category: .badStrides)
        try reader.requirePositive(dilations, "dilations", spatial: spatial, category: .badDilations)
        var rules: [PaddingRule] = Array(repeating: .valid, count: n)
        switch padding {
        case .string(let s): rules = Array(repeating: s == "SAME" ? .same : .valid, count: n)
        case .explicit(let pairs):
            try reader.checkExplicitPads(pairs, nonSpatial: nonSpatial)
            rules = spatial.map { .explicit(before: pairs[$0].0, after: pairs[$0].1) }
        }

        // Ranks; extra leading batch dimensions are flattened (conv2d, conv1d).
        guard x.rank == n + 2 || (extraBatchDims && x.rank > n + 2) else {
            throw reader.fail(.badRank, "input", "input has rank \(x.rank) (shape \(shapeText(x.shape))), needs \(n + 2)",
                              valid: "a \(n + 2)-D tensor in \(Layout.data(rank: n, channelsFirst: channelsFirst)) layout")
        }
        guard w.rank == n + 2 else {
            throw reader.fail(.badRank, "filters", "filters has rank \(w.rank) (shape \(shapeText(w.shape))), needs \(n + 2)",
                              valid: "[\(spatialLetters(n).map { "K" + $0 }.joined(separator: ", ")), Cin, Cout]")
        }
        let leading = x.rank - (n + 1)
        let batch = x.shape[0..<leading].reduce(1, *)
        let inner = Array(x.shape[leading...])
        let channelAxis = channelsFirst ? 0 : n
        let innerSpatial = channelsFirst ? Array(1...n) : Array(0..<n)
        let inChannels = inner[channelAxis]
        let filterIn = w.shape[n], filterOut = w.shape[n + 1]
        guard filterIn > 0, inChannels % filterIn == 0 else {
            throw reader.fail(.channelMismatch, "filters",
                              "filters.shape[\(n)] = \(filterIn) (Cin per group) does not divide the input's \(inChannels) channels (input \(shapeText(x.shape)), filters \(shapeText(w.shape)))",
                              valid: "filters[\(n)] = \(inChannels), or a divisor of it for a grouped conv")
        }
        let groups = inChannels / filterIn
        guard groups > 0, filterOut % groups == 0 else {
            throw reader.fail(.channelMismatch, "filters",
                              "\(groups) groups (\(inChannels) input channels / \(filterIn) per group) do not divide the \(filterOut) output channels",
                              valid: "Cout a multiple of \(groups)")
        }
        if groups > 1, let groupsRefusal { refusals.append(groupsRefusal) }

        let letters = spatialLetters(n)
        var feature = [Int](), padBefore = [Int](), padAfter = [Int]()
        for j in 0..<n {
            let H = Int64(inner[innerSpatial[j]]), K = Int64(w.shape[j])
            guard let F = ConvArithmetic.forwardOutputSize(inputSize: H, kernel: K, stride: strides[spatial[j]],
                                                           dilation: dilations[spatial[j]], padding: rules[j]) else {
                throw EngineError(.tooLarge, op: reader.op, argument: "filters", "size arithmetic overflows on axis \(letters[j])")
            }
            guard F >= 0 else {
                let e = ConvArithmetic.effectiveKernel(K, dilation: dilations[spatial[j]]) ?? 0
                var pads: Int64 = 0
                if case .explicit(let b, let a) = rules[j] { pads = b + a }
                throw EngineError(.filterTooLarge, op: reader.op, argument: "filters",
                                  "on axis \(letters[j]) the filter extent \(e) (kernel \(K), dilation \(dilations[spatial[j]])) exceeds the input size \(H)\(pads > 0 ? " plus padding \(pads)" : "") so much that the output size would be negative (\(F))",
                                  valid: "an effective filter extent up to \(H + pads + strides[spatial[j]] - 1) on \(letters[j]), or padding 'SAME'")
            }
            let pads = ConvArithmetic.padding(inputSize: H, outputSize: F, kernel: K, stride: strides[spatial[j]],
                                              dilation: dilations[spatial[j]], rule: rules[j])
            feature.append(Int(F))
            padBefore.append(Int(pads.before))
            padAfter.append(Int(pads.after))
        }
        let featureInner = channelsFirst ? [filterOut] + feature : feature + [filterOut]
        let resultShape = Array(x.shape[0..<leading]) + featureInner
        try checkResultSize(reader, shape: resultShape.map { Int64($0) }, dtype: x.dtype, limits: limits)
        let problem = ConvProblem(rank: n, batch: batch, image: innerSpatial.map { inner[$0] }, feature: feature,
                                  kernel: Array(w.shape[0..<n]), strides: spatial.map { Int(strides[$0]) },
                                  dilations: spatial.map { Int(dilations[$0]) }, padBefore: padBefore, padAfter: padAfter,
                                  imageChannels: inChannels, featureChannels: filterOut, groups: groups,
                                  channelsFirst: channelsFirst)
        return ConvPlan(op: op, problem: problem, transposed: false, resultShape: resultShape,
                        resultLayout: Layout.data(rank: n, channelsFirst: channelsFirst), inputShape: x.shape,
                        filterShape: w.shape, dtype: x.dtype, paddingRules: rules, tfCPURefusals: refusals)
    }
}
