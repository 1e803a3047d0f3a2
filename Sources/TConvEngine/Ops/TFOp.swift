/// The TensorFlow functions the engine implements, with their Python signatures.
public enum TFOp: String, Sendable, CaseIterable, CustomStringConvertible {
    case conv1dTranspose = "conv1d_transpose"
    case conv2dTranspose = "conv2d_transpose"
    case conv3dTranspose = "conv3d_transpose"
    case atrousConv2dTranspose = "atrous_conv2d_transpose"
    case convTranspose = "conv_transpose"
    /// `tf.compat.v1.nn.conv2d_transpose`: `value`/`input` and `filter`/`filters` aliases.
    case conv2dTransposeV1 = "compat.v1.conv2d_transpose"
    /// `tf.compat.v1.nn.conv3d_transpose`: `value` is a required positional argument.
    case conv3dTransposeV1 = "compat.v1.conv3d_transpose"
    case conv1d = "conv1d"
    case conv2d = "conv2d"
    case conv3d = "conv3d"
    case atrousConv2d = "atrous_conv2d"
    case convolution = "convolution"

    public var description: String { rawValue }

    /// The op's name as users write it after `tf.nn.` (or `tf.compat.v1.nn.`).
    public var pythonName: String {
        switch self {
        case .conv2dTransposeV1: return "conv2d_transpose"
        case .conv3dTransposeV1: return "conv3d_transpose"
        default: return rawValue
        }
    }

    /// The full Python path: `tf.nn.conv2d_transpose`, `tf.compat.v1.nn.conv3d_transpose`.
    public var qualifiedName: String {
        switch self {
        case .conv2dTransposeV1, .conv3dTransposeV1: return "tf.compat.v1.nn." + pythonName
        default: return "tf.nn." + rawValue
        }
    }

    /// True for the transposed ops (the gradients of the forward ones).
    public var isTransposed: Bool {
        switch self {
        case .conv1dTranspose, .conv2dTranspose, .conv3dTranspose, .atrousConv2dTranspose, .convTranspose,
             .conv2dTransposeV1, .conv3dTransposeV1:
            return true
        case .conv1d, .conv2d, .conv3d, .atrousConv2d, .convolution:
            return false
        }
    }

    /// Finds an op by its golden-file / `tf.nn` name.
    public init?(tfName: String) {
        var name = tfName
        for prefix in ["tf.nn.", "nn."] where name.hasPrefix(prefix) { name.removeFirst(prefix.count) }
        if name.hasPrefix("tf.compat.v1.nn.") { name = "compat.v1." + name.dropFirst("tf.compat.v1.nn.".count) }
        self.init(rawValue: name)
    }

    /// Python parameters in order. Required ones have no default.
    public var parameters: [TFParameter] {
        func p(_ name: String, _ defaultValue: TFValue? = nil, _ help: String) -> TFParameter {
            TFParameter(name: name, defaultValue: defaultValue, help: help)
        }
        let input = p("input", nil, "the tensor to upsample (transposed) or filter (forward)")
        let filters = p("filters", nil, "the filter tensor")
        let outputShape = p("output_shape", nil, "the full output shape, in data_format order")
        let name = p("name", .null, "ignored (TensorFlow's op name)")
        let dilations = p("dilations", .null, "dilation per spatial axis: int or list")
        switch self {
        case .conv2dTranspose:
            return [input, filters, outputShape, p("strides", nil, "stride per spatial axis: int, [sh, sw] or [1, sh, sw, 1]"),
                    p("padding", "SAME", "'SAME', 'VALID' or a list of 4 [before, after] pairs"),
                    p("data_format", "NHWC", "'NHWC' or 'NCHW'"), dilations, name]
        case .conv3dTranspose:
            return [input, filters, outputShape, p("strides", nil, "stride per spatial axis: int, 3 or 5 values"),
                    p("padding", "SAME", "'SAME' or 'VALID'"), p("data_format", "NDHWC", "'NDHWC' or 'NCDHW'"),
                    dilations, name]
        case .conv1dTranspose:
            return [input, filters, outputShape, p("strides", nil, "stride: int, 1 or 3 values"),
                    p("padding", "SAME", "'SAME' or 'VALID'"), p("data_format", "NWC", "'NWC' or 'NCW'"),
                    dilations, name]
        case .convTranspose:
            return [input, filters, outputShape, p("strides", nil, "stride per spatial axis"),
                    p("padding", "SAME", "'SAME', 'VALID' (or a list, 2-D only)"),
                    p("data_format", .null, "layout; None means channels last"), dilations, name]
        case .atrousConv2dTranspose:
            return [p("value", nil, "the NHWC tensor to upsample"), filters, outputShape,
                    p("rate", nil, "dilation rate (int >= 1)"), p("padding", nil, "'SAME' or 'VALID'"), name]
        case .conv2dTransposeV1:
            return [p("value", .null, "alias of input"), p("filter", .null, "alias of filters"),
                    p("output_shape", .null, "the full output shape"), p("strides", .null, "stride per spatial axis"),
                    p("padding", "SAME", "'SAME', 'VALID' or 4 pairs"), p("data_format", "NHWC", "'NHWC' or 'NCHW'"),
                    name, p("input", .null, "the tensor to upsample"), p("filters", .null, "the filter tensor"), dilations]
        case .conv3dTransposeV1:
            return [p("value", nil, "the tensor to upsample (required; pass None to use input=)"),
                    p("filter", .null, "alias of filters"), p("output_shape", .null, "the full output shape"),
                    p("strides", .null, "stride per spatial axis"), p("padding", "SAME", "'SAME' or 'VALID'"),
                    p("data_format", "NDHWC", "'NDHWC' or 'NCDHW'"), name, p("input", .null, "alias of value"),
                    p("filters", .null, "the filter tensor"), dilations]
        case .conv2d:
            return [input, filters, p("strides", nil, "stride per spatial axis: int, 2 or 4 values"),
                    p("padding", nil, "'SAME', 'VALID' or 4 pairs"), p("data_format", "NHWC", "'NHWC' or 'NCHW'"),
                    dilations, name]
        case .conv3d:
            return [input, filters, p("strides", nil, "a list of 5 strides [1, sd, sh, sw, 1]"),
                    p("padding", nil, "'SAME' or 'VALID'"), p("data_format", "NDHWC", "'NDHWC' or 'NCDHW'"),
                    p("dilations", .null, "a list of 5 dilations"), name]
        case .conv1d:
            return [input, filters, p("stride", nil, "stride: int, 1 or 3 values"), p("padding", nil, "'SAME' or 'VALID'"),
                    p("data_format", "NWC", "'NWC' or 'NCW'"), dilations, name]
        case .convolution:
            return [input, filters, p("strides", .null, "stride per spatial axis"), p("padding", "VALID", "'SAME', 'VALID' or pairs"),
                    p("data_format", .null, "layout; None means channels last"), dilations, name]
        case .atrousConv2d:
            return [p("value", nil, "the NHWC input"), filters, p("rate", nil, "dilation rate (int >= 1)"),
                    p("padding", nil, "'SAME' or 'VALID'"), name]
        }
    }

    /// Binds Python-style positional and keyword arguments to parameter names, as Python would:
    /// unknown or repeated keywords, too many positionals and missing required arguments are
    /// `bad_argument` errors. Defaults are filled in.
    public func bind(positional: [TFValue], keywords: [(String, TFValue)]) throws(EngineError) -> TFArguments {
        let params = parameters
        var values: [String: TFValue] = [:]
        var given = Set<String>()
        guard positional.count <= params.count else {
            throw EngineError(.badArgument, op: rawValue, argument: "arguments",
                              "takes at most \(params.count) positional arguments but \(positional.count) were given",
                              valid: signature)
        }
        for (index, value) in positional.enumerated() {
            values[params[index].name] = value
            given.insert(params[index].name)
        }
        for (name, value) in keywords {
            guard params.contains(where: { $0.name == name }) else {
                throw EngineError(.badArgument, op: rawValue, argument: name, "unexpected keyword argument '\(name)'",
                                  valid: signature)
            }
            guard !given.contains(name) else {
                throw EngineError(.badArgument, op: rawValue, argument: name, "got multiple values for argument '\(name)'",
                                  valid: signature)
            }
            values[name] = value
            given.insert(name)
        }
        for param in params where values[param.name] == nil {
            guard let d = param.defaultValue else {
                throw EngineError(.badArgument, op: rawValue, argument: param.name,
                                  "missing required argument '\(param.name)'", valid: signature)
            }
            values[param.name] = d
        }
        return TFArguments(values: values, given: given)
    }

    /// `name(a, b, c='SAME', ...)` as Python prints it.
    public var signature: String {
        let inner = parameters.map { p in p.defaultValue.map { "\(p.name)=\($0)" } ?? p.name }
        return qualifiedName + "(" + inner.joined(separator: ", ") + ")"
    }
}

/// One Python parameter of a TF function.
public struct TFParameter: Sendable {
    public var name: String
    /// `nil` means required.
    public var defaultValue: TFValue?
    public var help: String
}

/// Arguments bound to parameter names, defaults filled in.
public struct TFArguments: Sendable {
    public var values: [String: TFValue]
    /// Names the caller passed explicitly.
    public var given: Set<String>

    public init(values: [String: TFValue], given: Set<String>? = nil) {
        self.values = values
        self.given = given ?? Set(values.keys)
    }

    public subscript(name: String) -> TFValue { values[name] ?? .null }
}
