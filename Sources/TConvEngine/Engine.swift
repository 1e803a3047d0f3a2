#if canImport(Glibc)
import Glibc
#endif

/// Runs validated plans: chooses the kernel, allocates the result, and reshapes it to what the
/// caller asked for.
public enum Engine {
    /// Computes `plan` on `input` and `filters`, whose shapes must be the plan's.
    /// Throws `cancelled` when `options.control` is cancelled between tiles.
    public static func run(_ plan: ConvPlan, input: Tensor, filters: Tensor,
                           options: ExecutionOptions = ExecutionOptions()) throws(EngineError) -> Tensor {
        precondition(input.dtype == filters.dtype, "plan operands must share a dtype")
        let problem = plan.problem
        let resultCount = plan.resultShape.reduce(1, *)
        switch (input.storage, filters.storage) {
        case (.float32(let x), .float32(let w)):
            let out = try compute(problem, transposed: plan.transposed, x: x, w: w, count: resultCount, options: options)
            return Tensor(shape: plan.resultShape, storage: .float32(out), layout: plan.resultLayout)
        case (.float64(let x), .float64(let w)):
            let out = try compute(problem, transposed: plan.transposed, x: x, w: w, count: resultCount, options: options)
            return Tensor(shape: plan.resultShape, storage: .float64(out), layout: plan.resultLayout)
        default:
            throw EngineError(.badDType, op: plan.op.pythonName, argument: "filters",
                              "input is \(input.dtype) but filters is \(filters.dtype)", valid: "the same dtype")
        }
    }

    /// Runs the reference kernels, whatever `options.algorithm` says.
    public static func runReference(_ plan: ConvPlan, input: Tensor, filters: Tensor) throws(EngineError) -> Tensor {
        try run(plan, input: input, filters: filters, options: ExecutionOptions(algorithm: .reference))
    }

    static func compute<T: EngineScalar>(_ problem: ConvProblem, transposed: Bool, x: TensorBuffer<T>, w: TensorBuffer<T>,
                                         count: Int, options: ExecutionOptions) throws(EngineError) -> TensorBuffer<T> {
        // The fast kernels write every output element, so the result starts uninitialised (no
        // zero-filling pass over a large output); the reference kernels accumulate into zeros.
        try TensorBuffer<T>.make(count: count) { (op) throws(EngineError) in
            if count == 0 { return }
            try x.withUnsafeBufferPointer { (xp) throws(EngineError) in
                try w.withUnsafeBufferPointer { (wp) throws(EngineError) in
                    if options.algorithm == .auto,
                       try FastKernels.run(problem, transposed: transposed, input: xp, filter: wp, output: op,
                                           threads: options.threads, control: options.control) {
                        return
                    }
                    op.initialize(repeating: 0)
                    if transposed {
                        try ReferenceKernels.transposed(problem, input: xp, filter: wp, output: op, control: options.control)
                    } else {
                        try ReferenceKernels.forward(problem, input: xp, filter: wp, output: op, control: options.control)
                    }
                }
            }
        }
    }
}

/// The element types the kernels are specialised for.
public protocol EngineScalar: BinaryFloatingPoint, SIMDScalar, Sendable, Codable {}
extension Float: EngineScalar {}
extension Double: EngineScalar {}
