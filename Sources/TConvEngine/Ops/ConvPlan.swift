/// A validated call: what the kernels will compute and what the result will look like.
/// Produced by `TFOps.plan` from TF-style arguments; consumed by `Engine.run`, the trace
/// builder and the views.
public struct ConvPlan: Sendable, Equatable {
    /// The TF function that was called.
    public var op: TFOp
    /// The geometry the kernels compute.
    public var problem: ConvProblem
    /// True when the call is a transposed conv (a scatter from the feature map to the image).
    public var transposed: Bool
    /// Shape of the result as the caller sees it (for forward ops with extra leading batch
    /// dimensions, those are restored here).
    public var resultShape: [Int]
    /// Layout name of the result.
    public var resultLayout: Layout
    /// Shapes of the operands as given.
    public var inputShape: [Int]
    public var filterShape: [Int]
    public var dtype: DType
    /// The padding rule per spatial axis, as the call gave it.
    public var paddingRules: [PaddingRule]
    /// Why TensorFlow's CPU kernels would refuse this configuration (empty when they accept it).
    /// tconv computes these anyway; the REPL shows the reasons in one line.
    public var tfCPURefusals: [String]

    public init(op: TFOp, problem: ConvProblem, transposed: Bool, resultShape: [Int], resultLayout: Layout,
                inputShape: [Int], filterShape: [Int], dtype: DType, paddingRules: [PaddingRule], tfCPURefusals: [String]) {
        self.op = op
        self.problem = problem
        self.transposed = transposed
        self.resultShape = resultShape
        self.resultLayout = resultLayout
        self.inputShape = inputShape
        self.filterShape = filterShape
        self.dtype = dtype
        self.paddingRules = paddingRules
        self.tfCPURefusals = tfCPURefusals
    }

    /// Spatial letters of the problem's axes (`["H", "W"]`).
    public var axisLetters: [String] { spatialLetters(problem.rank) }
}

/// The result of running a TF op: the tensor and the plan that produced it.
public struct OpResult: Sendable {
    public var tensor: Tensor
    public var plan: ConvPlan
}

/// How to run a plan.
public struct ExecutionOptions: Sendable {
    /// Which kernels to use.
    public enum Algorithm: String, Sendable, CaseIterable {
        /// The fast kernels where they apply, the reference kernels otherwise.
        case auto
        /// Always the plain reference loops.
        case reference
    }
    public var algorithm: Algorithm
    /// Worker threads for the fast kernels (0 = one per core).
    public var threads: Int
    /// Cancellation and progress, if someone watches.
    public var control: ComputeControl?
    public var limits: EngineLimits

    public init(algorithm: Algorithm = .auto, threads: Int = 0, control: ComputeControl? = nil,
                limits: EngineLimits = .default) {
        self.algorithm = algorithm
        self.threads = threads
        self.control = control
        self.limits = limits
    }
}
