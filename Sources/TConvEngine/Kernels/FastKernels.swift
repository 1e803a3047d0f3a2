/// Entry point of the fast kernels (issue 5). Returns false when no fast kernel applies (the output
/// is then untouched), and the caller falls back to the reference kernels. When it returns true it
/// has written every output element, so the output buffer may arrive uninitialised.
///
/// Every transposed and forward problem (1-D/2-D/3-D, any stride, dilation, padding, groups, both
/// data layouts, float32 and float64) goes through one scheme: phase decomposition (`FastGeometry`)
/// into stride-free gathers, each computed as an implicit GEMM by register-tile micro-kernels
/// (`FastMicroKernels`) with no im2col buffer: the kernels read input rows in place through a
/// table of row pointers. A transposed op whose last axis has K a multiple of the stride and too few
/// channels to fill the tiles is *folded* (`FastGeometry.LastAxis`): each block of s output columns
/// becomes one pixel of s * C_out channels. A 2-D gather of 3x3 taps at unit step (stride 1, dilated
/// or not) with enough channels runs as Winograd F(2x2, 3x3) instead (`FastWinograd`): 16 multiplies
/// per 2x2 outputs instead of 36. A transposed op whose last axis has stride 2 and three taps
/// computes that axis's column pairs together (`FastOverlapFold`): neighbouring pairs share an
/// input column, which the tile loads once. Channels-first data is transposed to channels-last one
/// batch item at a time. Scratch memory is bounded by `workspaceLimit`: a filter too large to repack at once is
/// repacked phase by phase (or read in place by the other kernel family); only a problem that fits
/// none of these goes to the reference kernels.
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

    /// As above; `kernel` forces a micro-kernel family, `parallelThreshold` lowers the size at which
    /// threads are used and `packBudget` the bytes of packed weights per pass (tests use them to
    /// cover every kernel, the threading and the split into passes on small shapes).
    static func run<T: EngineScalar>(_ problem: ConvProblem, transposed: Bool, input: UnsafeBufferPointer<T>,
                                     filter: UnsafeBufferPointer<T>, output: UnsafeMutableBufferPointer<T>,
                                     threads: Int, control: ComputeControl?, kernel: FastPlan.Kernel?,
                                     parallelThreshold: Int = FastKernels.parallelThreshold,
                                     packBudget: Int = FastKernels.workspaceLimit / 2, fold: Bool? = nil,
                                     winograd: Bool = true, overlap: Bool? = nil) throws(EngineError) -> Bool {
        if T.self == Float.self {
            return try typed(problem, transposed: transposed, input: rebound(input, Float.self), filter: rebound(filter, Float.self),
                             output: reboundMutable(output, Float.self), threads: threads, control: control, kernel: kernel,
                             parallelThreshold: parallelThreshold, packBudget: packBudget, fold: fold,
                             winograd: winograd, overlap: overlap)
        }
        if T.self == Double.self {
            return try typed(problem, transposed: transposed, input: rebound(input, Double.self), filter: rebound(filter, Double.self),
                             output: reboundMutable(output, Double.self), threads: threads, control: control, kernel: kernel,
                             parallelThreshold: parallelThreshold, packBudget: packBudget, fold: fold,
                             winograd: winograd, overlap: overlap)
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
                                             kernel: FastPlan.Kernel?, parallelThreshold: Int, packBudget: Int,
                                             fold: Bool?, winograd: Bool, overlap: Bool?) throws(EngineError) -> Bool {
        guard problem.rank >= 1, problem.rank <= 3, problem.groups >= 1,
              problem.imageChannels % problem.groups == 0, problem.featureChannels % problem.groups == 0 else { return false }
        // Tiny problems: a direct loop, nothing allocated, no threads.
        if kernel == nil && fold == nil && FastSmallKernel.accepts(problem, transposed: transposed, as: T.self) {
            control?.begin(totalUnits: 1)
            if let x = input.baseAddress, let w = filter.baseAddress, let y = output.baseAddress {
                FastSmallKernel.run(problem, transposed: transposed, input: x, filter: w, output: y)
            }
            try control?.checkpoint(done: 1)
            return true
        }
        let item = problem.channelsFirst ? batchItem(problem) : problem
        let v = T.Vector.scalarCount
        let elementBytes = MemoryLayout<T>.stride
        let batches = problem.channelsFirst ? problem.batch : 1

        // A last axis of stride 2 and three taps: its column pairs computed together (`FastOverlapFold`).
        if kernel == nil, fold == nil, transposed, overlap ?? true,
           let over = FastOverlapFold(item, vectorWidth: v, elementBytes: elementBytes, forced: overlap == true),
           over.packCount * elementBytes <= packBudget, let x = input.baseAddress, let w = filter.baseAddress,
           let y = output.baseAddress,
           try runOverlap(over, problem, item, input: x, filter: w, output: y, threads: requested, control: control,
                          parallelThreshold: parallelThreshold, packBudget: packBudget) {
            return true
        }

        // Packed weights over half the workspace (a filter of tens of MiB): run the phases in passes
        // that each pack only their own weights; when one phase alone is too large, use the kernel
        // family that reads the filter in place. (Decided without the thread count, so the result
        // does not depend on it.) A last axis worth folding (`FastGeometry.LastAxis`) runs as two
        // plans: the folded blocks, then the few columns at the ends outside them; the unfolded
        // plan is then never built.
        let plans: [FastPlan]
        if kernel == nil, transposed, fold ?? foldPays(item, vectorWidth: v),
           let folded = FastGeometry.foldedBlocks(item.asThreeD, axis: 2),
           let blocks = passes(FastPlan(FastGeometry(item, transposed: true, lastAxis: .folded), transposed: true, vectorWidth: v),
                               transposed: true, vectorWidth: v, packBudget: packBudget, elementBytes: elementBytes, forced: false),
           let edges = passes(FastPlan(FastGeometry(item, transposed: true, lastAxis: .edges(blocks: folded)), transposed: true,
                                       vectorWidth: v),
                              transposed: true, vectorWidth: v, packBudget: packBudget, elementBytes: elementBytes, forced: false) {
            plans = blocks + edges
        } else {
            var plan = FastPlan(FastGeometry(item, transposed: transposed), transposed: transposed, vectorWidth: v)
            if let kernel, !plan.apply(kernel, transposed: transposed, vectorWidth: v) { return false }
            guard let split = passes(plan, transposed: transposed, vectorWidth: v, packBudget: packBudget,
                                     elementBytes: elementBytes, forced: kernel != nil) else { return false }
            plans = split
        }
        // Tensor sizes and channel counts: the same in every plan.
        let g = plans[0].geometry
        if kernel == nil, fold == nil, winograd, plans.count == 1, let transform = FastWinograd(g, vectorWidth: v),
           let x = input.baseAddress, let w = filter.baseAddress, let y = output.baseAddress {
            let threads = FastParallel.threadCount(requested: requested, units: transform.units)
            if transform.bytesNeeded(threads: threads, elementBytes: elementBytes)
                + layoutScratch(problem, g) * elementBytes <= workspaceLimit {
                control?.begin(totalUnits: transform.units * batches)
                try channelsLast(problem, g, input: x, output: y) { (x, y) throws(EngineError) in
                    try transform.run(input: x, filter: w, output: y, threads: threads, control: control)
                }
                return true
            }
        }
        var issued = 0
        for p in plans { issued += p.geometry.issuedMultiplyAdds * batches }

        // Nothing to compute (empty input, no tap reaches the output): the output is zero.
        guard let x = input.baseAddress, let w = filter.baseAddress, let y = output.baseAddress, issued > 0 else {
            if let y = output.baseAddress { y.initialize(repeating: 0, count: output.count) }
            control?.begin(totalUnits: 1)
            try control?.checkpoint(done: 1)
            return true
        }
        // Small problems run on the calling thread: waking a worker costs more than they do.
        var groups = 0
        for p in plans { groups = max(groups, p.groupCount) }
        let threads = issued < parallelThreshold ? 1 : FastParallel.threadCount(requested: requested, units: groups)
        let executors = plans.map { FastExecutor<T>(plan: $0, threads: threads) }
        var bytes = 0
        for e in executors { bytes = max(bytes, e.bytesNeeded) }
        bytes += layoutScratch(problem, g) * MemoryLayout<T>.stride
        guard bytes <= workspaceLimit else { return false }

        var totalGroups = 0
        for p in plans { totalGroups += p.groupCount }
        control?.begin(totalUnits: totalGroups * batches)
        try channelsLast(problem, g, input: x, output: y) { (x, y) throws(EngineError) in
            for executor in executors { try executor.run(input: x, filter: w, output: y, control: control) }
        }
        return true
    }

    /// Runs `over` and the general kernels on the columns outside its blocks; false (nothing
    /// written) when they would need more than the workspace.
    private static func runOverlap<T: FastScalar>(_ over: FastOverlapFold, _ problem: ConvProblem, _ item: ConvProblem,
                                                  input x: UnsafePointer<T>, filter w: UnsafePointer<T>,
                                                  output y: UnsafeMutablePointer<T>, threads requested: Int,
                                                  control: ComputeControl?, parallelThreshold: Int,
                                                  packBudget: Int) throws(EngineError) -> Bool {
        let v = T.Vector.scalarCount, elementBytes = MemoryLayout<T>.stride
        let g = FastGeometry(item, transposed: true, lastAxis: .edges(blocks: over.blocks))
        var edges = [FastPlan]()
        if !over.coversLastAxis {
            guard let plans = passes(FastPlan(g, transposed: true, vectorWidth: v), transposed: true, vectorWidth: v,
                                     packBudget: packBudget, elementBytes: elementBytes, forced: false) else { return false }
            edges = plans
        }
        let threads = over.multiplyAdds < parallelThreshold ? 1 : FastParallel.threadCount(requested: requested, units: over.runs)
        let executors = edges.map { FastExecutor<T>(plan: $0, threads: threads) }
        var bytes = over.bytesNeeded(threads: threads, elementBytes: elementBytes)
        for e in executors { bytes = max(bytes, e.bytesNeeded) }
        guard bytes + layoutScratch(problem, g) * elementBytes <= workspaceLimit else { return false }
        var units = over.runs
        for plan in edges { units += plan.groupCount }
        control?.begin(totalUnits: units * (problem.channelsFirst ? problem.batch : 1))
        try channelsLast(problem, g, input: x, output: y) { (x, y) throws(EngineError) in
            try over.run(input: x, filter: w, output: y, threads: threads, control: control)
            for executor in executors { try executor.run(input: x, filter: w, output: y, control: control) }
        }
        return true
    }

    /// Elements of the channels-last copies of one batch item that channels-first data goes through
    /// (`g`: the geometry of one item); 0 for channels-last data.
    private static func layoutScratch(_ problem: ConvProblem, _ g: FastGeometry) -> Int {
        guard problem.channelsFirst else { return 0 }
        return g.batch * (g.inSize.0 * g.inSize.1 * g.inSize.2 * g.inChannels + g.outSize.0 * g.outSize.1 * g.outSize.2 * g.outChannels)
    }

    /// Calls `body` with channels-last input and output: `x` and `y` themselves, or for channels-first
    /// data one batch item at a time through channels-last scratch copies (`g`: one item's geometry).
    private static func channelsLast<T>(_ problem: ConvProblem, _ g: FastGeometry, input x: UnsafePointer<T>,
                                        output y: UnsafeMutablePointer<T>,
                                        _ body: (UnsafePointer<T>, UnsafeMutablePointer<T>) throws(EngineError) -> Void)
        throws(EngineError) {
        guard problem.channelsFirst else { return try body(x, y) }
        let inPixels = g.inSize.0 * g.inSize.1 * g.inSize.2, outPixels = g.outSize.0 * g.outSize.1 * g.outSize.2
        let inItem = inPixels * g.inChannels, outItem = outPixels * g.outChannels
        let inScratch = UnsafeMutablePointer<T>.allocate(capacity: max(inItem, 1))
        defer { inScratch.deallocate() }
        let outScratch = UnsafeMutablePointer<T>.allocate(capacity: max(outItem, 1))
        defer { outScratch.deallocate() }
        for n in 0..<problem.batch {
            transpose(x + n * inItem, rows: g.inChannels, columns: inPixels, into: inScratch)
            try body(inScratch, outScratch)
            transpose(outScratch, rows: outPixels, columns: g.outChannels, into: y + n * outItem)
        }
    }

    /// Whether folding the last axis (`FastGeometry.LastAxis`) is worth it: when s * C_out channels
    /// fill the register tiles better than C_out do (FCN's 21 classes: 168 in 6x4V tiles at 7/8 of
    /// their lanes, instead of 21 in the slower 12x(V + V/2) tile), and the columns left to the
    /// ordinary phases at the ends are at most 1/16 of the row (each is a phase of its own: on
    /// FCN's upsampler with a 64-wide output, 8 of them cost more than folding saved). Also, for
    /// K == s (no overlap: a pixel shuffle), when the tiles are filled equally well and each output
    /// sums few products (taps per phase x C_in at most 128): the output is then written about as
    /// fast as it is computed, and folded it is written in whole runs of s * C_out channels instead
    /// of C_out-channel pieces s pixels apart (float64 conv3d k2s2, 64 products per output: +10 %
    /// at 1 and 2 threads; U-Net's 256 products per output gained nothing; float64 fcn_up2, K = 2s
    /// with 84 products, lost 20 %).
    static func foldPays(_ problem: ConvProblem, vectorWidth v: Int) -> Bool {
        let p = problem.asThreeD, cout = p.imageChannels
        guard let blocks = FastGeometry.foldedBlocks(p, axis: 2),
              16 * (p.image[2] - blocks.count * p.strides[2]) <= p.image[2] else { return false }
        let folded = FastPlan.tileChoice(cout: cout * p.strides[2], vectorWidth: v).score
        let plain = FastPlan.tileChoice(cout: cout, vectorWidth: v).score
        var tapsPerPhase = 1
        for a in 0..<3 { tapsPerPhase *= ceilDiv(p.kernel[a], p.strides[a]) }
        let shortSums = tapsPerPhase * (p.featureChannels / max(1, p.groups)) <= 128
        let shuffle = p.strides[2] > 1 && p.kernel[2] == p.strides[2]
        return folded > plain + 0.02 || (shuffle && shortSums && folded >= plain - 1e-9)
    }

    /// `plan` itself when its packed weights fit `packBudget` bytes; else the same kernel over
    /// consecutive runs of phases whose packed weights fit (the first pass also writes the zero
    /// phases); else, unless the kernel was forced, the plan with the kernel family that reads
    /// the filter in place. Nil when none fits.
    static func passes(_ plan: FastPlan, transposed: Bool, vectorWidth v: Int, packBudget: Int, elementBytes: Int,
                       forced: Bool) -> [FastPlan]? {
        if plan.packCount * elementBytes <= packBudget { return [plan] }
        let g = plan.geometry
        let perTap = g.inPerGroup * plan.packedTapRow * g.groups * elementBytes
        var result = [FastPlan]()
        var start = 0
        while start < g.phases.count {
            var end = start, bytes = 0
            while end < g.phases.count && bytes + g.phases[end].taps.count * perTap <= packBudget {
                bytes += g.phases[end].taps.count * perTap
                end += 1
            }
            if end == start { result = []; break }
            var part = g
            part.phases = Array(g.phases[start..<end])
            if start > 0 { part.zeroBoxes = [] }
            result.append(FastPlan(part, transposed: transposed, vectorWidth: v, forcing: plan.kernel))
            start = end
        }
        if !result.isEmpty { return result }
        if forced || g.fold > 1 { return nil }
        let cin = g.inPerGroup
        let inPlace: FastPlan.Kernel? = transposed ? (cin % v == 0 && cin > 0 ? .dot(g.outPerGroup <= 3 ? .m8n3 : .m4n4) : nil)
                                                   : .tile(FastPlan.bestTile(cout: g.outPerGroup, vectorWidth: v))
        guard let inPlace, inPlace != plan.kernel else { return nil }
        let other = FastPlan(g, transposed: transposed, vectorWidth: v, forcing: inPlace)
        return other.packCount * elementBytes <= packBudget ? [other] : nil
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
        if case .dot = forced, cin % v != 0 || cin == 0 || geometry.fold > 1 { return false }
        var copy = FastPlan(geometry, transposed: transposed, vectorWidth: v, forcing: forced)
        swap(&self, &copy)
        return true
    }
}
