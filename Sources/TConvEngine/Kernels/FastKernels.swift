/// Entry point of the fast kernels (issue 5). Returns false when no fast kernel applies, and the
/// caller falls back to the reference kernels. The output buffer arrives zeroed.
enum FastKernels {
    static func run<T: EngineScalar>(_ problem: ConvProblem, transposed: Bool, input: UnsafeBufferPointer<T>,
                                     filter: UnsafeBufferPointer<T>, output: UnsafeMutableBufferPointer<T>,
                                     threads: Int, control: ComputeControl?) throws(EngineError) -> Bool {
        false
    }
}
