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

    static func compute<T: EngineScalar>(_ problem: ConvProblem, transposed: Bool, x: [T], w: [T], count: Int,
                                         options: ExecutionOptions) throws(EngineError) -> [T] {
        if count == 0 { return [] }
        var failure: EngineError? = nil
        // The fast kernels write every output element, so the result starts uninitialised (no
        // zero-filling pass over a large output); the reference kernels accumulate into zeros.
        let out = [T](unsafeUninitializedCapacity: count) { op, initializedCount in
            adviseHugePages(UnsafeMutableRawBufferPointer(op))
            x.withUnsafeBufferPointer { xp in
                w.withUnsafeBufferPointer { wp in
                    do throws(EngineError) {
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
                    } catch {
                        failure = error
                    }
                }
            }
            // On failure the array is dropped, but it must still hold initialised values.
            if failure != nil { op.initialize(repeating: 0) }
            initializedCount = count
        }
        if let failure { throw failure }
        return out
    }
}

/// Asks the kernel to back a large, still untouched result with 2 MiB pages (where transparent huge
/// pages are enabled on request): a fresh buffer of tens of MiB otherwise costs one page fault per
/// 4 KiB on first write, which is a tenth of the run time of a large, cheap convolution.
private func adviseHugePages(_ buffer: UnsafeMutableRawBufferPointer) {
    #if os(Linux)
    let huge = 2 << 20
    guard buffer.count >= 4 * huge, let base = buffer.baseAddress else { return }
    let start = (Int(bitPattern: base) + huge - 1) / huge * huge
    let end = (Int(bitPattern: base) + buffer.count) / huge * huge
    guard end > start, let pointer = UnsafeMutableRawPointer(bitPattern: start) else { return }
    _ = madvise(pointer, end - start, MADV_HUGEPAGE)
    #endif
}

/// The element types the kernels are specialised for.
public protocol EngineScalar: BinaryFloatingPoint, SIMDScalar, Sendable, Codable {}
extension Float: EngineScalar {}
extension Double: EngineScalar {}
