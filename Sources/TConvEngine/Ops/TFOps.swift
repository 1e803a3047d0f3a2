/// The TensorFlow-facing entry points: bind Python-style arguments, validate them in TF's order,
/// and run the result.
public enum TFOps {
    /// Validates a call and describes what it computes, without computing it. Throws the first
    /// error TensorFlow would report, as an `EngineError` with tconv's message.
    public static func plan(_ op: TFOp, _ args: TFArguments, limits: EngineLimits = .default) throws(EngineError) -> ConvPlan {
        switch op {
        case .conv2dTranspose: return try planConv2DTranspose(op, args, spatialRank: 2, limits: limits)
        case .conv1dTranspose: return try planConv2DTranspose(op, args, spatialRank: 1, limits: limits)
        case .conv3dTranspose: return try planConv3DTranspose(op, args, limits: limits)
        case .atrousConv2dTranspose: return try planAtrousTranspose(args, limits: limits)
        case .convTranspose: return try planConvTranspose(args, limits: limits)
        case .conv2dTransposeV1, .conv3dTransposeV1:
            let resolved = try resolveV1Aliases(op, args)
            var plan = op == .conv2dTransposeV1
                ? try planConv2DTranspose(op, resolved, spatialRank: 2, limits: limits)
                : try planConv3DTranspose(op, resolved, limits: limits)
            plan.op = op
            return plan
        case .conv2d: return try planConv2D(args, limits: limits)
        case .conv1d: return try planConv1D(args, limits: limits)
        case .conv3d: return try planConv3D(args, limits: limits)
        case .convolution: return try planConvolution(args, limits: limits)
        case .atrousConv2d: return try planAtrousConv2D(args, limits: limits)
        }
    }

    /// Validates and computes a call. The input and filter tensors are taken from `args`.
    public static func run(_ op: TFOp, _ args: TFArguments, options: ExecutionOptions = ExecutionOptions())
        throws(EngineError) -> OpResult
    {
        let plan = try plan(op, args, limits: options.limits)
        let (x, w) = try operands(of: plan, args)
        let tensor = try Engine.run(plan, input: x, filters: w, options: options)
        return OpResult(tensor: tensor, plan: plan)
    }

    /// Binds positional and keyword arguments, then runs the op.
    public static func call(_ op: TFOp, positional: [TFValue] = [], keywords: [(String, TFValue)] = [],
                            options: ExecutionOptions = ExecutionOptions()) throws(EngineError) -> OpResult {
        try run(op, op.bind(positional: positional, keywords: keywords), options: options)
    }

    /// The input and filter tensors of a validated call.
    public static func operands(of plan: ConvPlan, _ args: TFArguments) throws(EngineError) -> (Tensor, Tensor) {
        var resolved = args
        if plan.op == .conv2dTransposeV1 || plan.op == .conv3dTransposeV1 { resolved = try resolveV1Aliases(plan.op, args) }
        let inputName = (plan.op == .atrousConv2d || plan.op == .atrousConv2dTranspose) ? "value" : "input"
        let reader = ArgumentReader(op: plan.op.pythonName)
        return (try reader.tensor(resolved[inputName], inputName), try reader.tensor(resolved["filters"], "filters"))
    }

    /// v1 names: `value`/`input` and `filter`/`filters` are alias pairs; giving both is an error.
    static func resolveV1Aliases(_ op: TFOp, _ args: TFArguments) throws(EngineError) -> TFArguments {
        var values = args.values
        let reader = ArgumentReader(op: op.qualifiedName)
        for (old, new) in [("value", "input"), ("filter", "filters")] {
            let a = args[old], b = args[new]
            if !a.isNone && !b.isNone {
                throw reader.fail(.badArgument, new, "cannot specify both '\(old)' and '\(new)'", valid: "one of them")
            }
            values[new] = a.isNone ? b : a
            values[old] = nil
        }
        if args["strides"].isNone && op == .conv2dTransposeV1 { values["strides"] = .null }
        return TFArguments(values: values, given: args.given)
    }
}
