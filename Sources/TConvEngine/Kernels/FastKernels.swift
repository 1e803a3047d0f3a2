/// Entry point of the fast kernels (issue 5). Returns false when no fast kernel applies (the output
/// is then untouched), and the caller falls back to the reference kernels. When it returns true it
/// has written every output element, so the output buffer may arrive uninitialised.
///
/// Every transposed and forward problem (1-D/2-D/3-D, any stride, dilation, padding, groups, both
/// data layouts, float32 and float64) goes through one scheme: phase decomposition (`FastGeometry`)
/// into stride-free gathers, each computed as an implicit GEMM by register-tile micro-kernels
/// (`FastMicroKernels`) with no im2col buffer: the kernels read input rows in place through a
/// table of row pointers. Channels-first data is transposed to channels-last one batch item at a
/// time. Scratch memory is bounded by `workspaceLimit`; a problem that would need more (a filter
/// of tens of MiB that must be repacked) goes to the reference kernels instead.
enum FastKernels {
    /// The most scratch memory a fast run may use, in bytes.
    static let workspaceLimit = 64 << 20

    static func run<T: EngineScalar>(_ problem: ConvProblem, transposed: Bool, input: UnsafeBufferPointer<T>,
                                     filter: UnsafeBufferPointer<T>, output: UnsafeMutableBufferPointer<T>,
                                     threads: Int, control: ComputeControl?) throws(EngineError) -> Bool {
        try run(problem, transposed: transposed, input: input, filter: filter, output: output, threads: threads,
                control: control, kernel: nil)
    }

    /// Multiply-adds below which a problem runs on the calling thread alone.
    static let parallelThreshold = 1 << 18

    /// As above; `kernel` forces a micro-kernel family and `parallelThreshold` lowers the size at
    /// which threads are used (tests use both to cover every kernel and the threading on small shapes).
    static func run<T: EngineScalar>(_ problem: ConvProblem, transposed: Bool, input: UnsafeBufferPointer<T>,
                                     filter: UnsafeBufferPointer<T>, output: UnsafeMutableBufferPointer<T>,
                                     threads: Int, control: ComputeControl?, kernel: FastPlan.Kernel?,
                                     parallelThreshold: Int = FastKernels.parallelThreshold) throws(EngineError) -> Bool {
        if T.self == Float.self {
            return try typed(problem, transposed: transposed, input: rebound(input, Float.self), filter: rebound(filter, Float.self),
                             output: reboundMutable(output, Float.self), threads: threads, control: control, kernel: kernel,
                             parallelThreshold: parallelThreshold)
        }
        if T.self == Double.self {
            return try typed(problem, transposed: transposed, input: rebound(input, Double.self), filter: rebound(filter, Double.self),
                             output: reboundMutable(output, Double.self), threads: threads, control: control, kernel: kernel,
                             parallelThreshold: parallelThreshold)
        }
        return false
    }

    private static func rebound<T, U>(_ b: UnsafeBufferPointer<T>, _: U.Type) -> UnsafeBufferPointer<U> {
        UnsafeBufferPointer(start: UnsafeRawPointer(b.baseAddress)?.assumingMemoryBound(to: U.self), count: b.count)
    }

    private static func reboundMutable<T, U>(_ b: UnsafeMutableBufferPointer<T>, _: U.Type) -> UnsafeMutableBufferPointer<U> {
        UnsafeMutableBufferPointer(start: UnsafeMutableRawPointer(b.baseAddress)?.assumingMemoryBound(to: U.self), count: b.count)
    }

    private static func typed<T: FastScalar>(_ problem: ConvProblem, transposed: Bool, input: UnsafeBufferPointer<T>,
                                             filter: UnsafeBufferPointer<T>, output: UnsafeMutableBufferPointer<T>,
                                             threads requested: Int, control: ComputeControl?,
                                             kernel: FastPlan.Kernel?, parallelThreshold: Int) throws(EngineError) -> Bool {
        guard problem.rank >= 1, problem.rank <= 3, problem.groups >= 1,
              problem.imageChannels % problem.groups == 0, problem.featureChannels % problem.groups == 0 else { return false }
        // Tiny problems: a direct loop, nothing allocated, no threads.
        if kernel == nil && FastSmallKernel.accepts(problem, transposed: transposed, as: T.self) {
            control?.begin(totalUnits: 1)
            if let x = input.baseAddress, let w = filter.baseAddress, let y = output.baseAddress {
                FastSmallKernel.run(problem, transposed: transposed, input: x, filter: w, output: y)
            }
            try control?.checkpoint(done: 1)
            return true
        }
        let item = problem.channelsFirst ? batchItem(problem) : problem
        let geometry = FastGeometry(item, transposed: transposed)
        var plan = FastPlan(geometry, transposed: transposed, vectorWidth: T.Vector.scalarCount)
        if let kernel, !plan.apply(kernel, transposed: transposed, vectorWidth: T.Vector.scalarCount) { return false }
        let g = plan.geometry
        let batches = problem.channelsFirst ? problem.batch : 1
        let issued = g.issuedMultiplyAdds * batches

        // Nothing to compute (empty input, no tap reaches the output): the output is zero.
        guard let x = input.baseAddress, let w = filter.baseAddress, let y = output.baseAddress,
              !plan.units.isEmpty, issued > 0 else {
            if let y = output.baseAddress { y.initialize(repeating: 0, count: output.count) }
            control?.begin(totalUnits: 1)
            try control?.checkpoint(done: 1)
            return true
        }
        // Small problems run on the calling thread: waking a worker costs more than they do.
        let threads = issued < parallelThreshold ? 1 : FastParallel.threadCount(requested: requested, units: plan.groupCount)
        let executor = FastExecutor<T>(plan: plan, threads: threads)
        var bytes = executor.bytesNeeded
        if problem.channelsFirst {
            bytes += (g.batch * g.inSize.0 * g.inSize.1 * g.inSize.2 * g.inChannels
                      + g.batch * g.outSize.0 * g.outSize.1 * g.outSize.2 * g.outChannels) * MemoryLayout<T>.stride
        }
        guard bytes <= workspaceLimit else { return false }

        control?.begin(totalUnits: plan.groupCount * batches)
        if !problem.channelsFirst {
            try executor.run(input: x, filter: w, output: y, control: control)
            return true
        }
        // Channels-first: one batch item at a time through channels-last scratch copies.
        let inPixels = g.inSize.0 * g.inSize.1 * g.inSize.2, outPixels = g.outSize.0 * g.outSize.1 * g.outSize.2
        let inItem = inPixels * g.inChannels, outItem = outPixels * g.outChannels
        let inScratch = UnsafeMutablePointer<T>.allocate(capacity: max(inItem, 1))
        defer { inScratch.deallocate() }
        let outScratch = UnsafeMutablePointer<T>.allocate(capacity: max(outItem, 1))
        defer { outScratch.deallocate() }
        for n in 0..<problem.batch {
            transpose(x + n * inItem, rows: g.inChannels, columns: inPixels, into: inScratch)
            try executor.run(input: inScratch, filter: w, output: outScratch, control: control)
            transpose(outScratch, rows: outPixels, columns: g.outChannels, into: y + n * outItem)
        }
        return true
    }

    /// The problem for one batch item, channels-last.
    private static func batchItem(_ problem: ConvProblem) -> ConvProblem {
        var item = problem
        item.batch = 1
        item.channelsFirst = false
        return item
    }

    /// `dst[c][r] = src[r][c]` for a rows x columns matrix, in cache-sized blocks.
    private static func transpose<T>(_ src: UnsafePointer<T>, rows: Int, columns: Int, into dst: UnsafeMutablePointer<T>) {
        let block = 32
        var r0 = 0
        while r0 < rows {
            let r1 = min(rows, r0 + block)
            var c0 = 0
            while c0 < columns {
                let c1 = min(columns, c0 + block)
                for r in r0..<r1 {
                    for c in c0..<c1 { dst[c * rows + r] = src[r * columns + c] }
                }
                c0 = c1
            }
            r0 = r1
        }
    }
}

extension FastPlan {
    /// Forces a kernel family (for tests). Returns false when it cannot run this problem.
    mutating func apply(_ forced: Kernel, transposed: Bool, vectorWidth v: Int) -> Bool {
        if forced == kernel { return true }
        let cin = geometry.inPerGroup
        if forced == .dot && (cin % v != 0 || cin == 0) { return false }
        var copy = FastPlan(geometry, transposed: transposed, vectorWidth: v, forcing: forced)
        swap(&self, &copy)
        return true
    }
}
