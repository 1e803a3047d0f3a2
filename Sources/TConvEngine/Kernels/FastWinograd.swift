/// Winograd's F(2x2, 3x3) for the 2-D gathers whose one phase is a 3x3 grid of taps read at unit
/// input step: stride-1 convolutions (transposed or forward) and their dilated forms (atrous), where
/// the taps are d apart. Each 2x2 block of outputs (d apart as well) costs 16 multiplies per input
/// and output channel pair instead of 36, as 16 independent GEMMs of [tiles x C_in] x [C_in x C_out]
/// between transformed inputs V and transformed weights U, then a transform back.
///
/// For one output tile (a 2x2 block of the sub-grid of outputs with the same residue modulo d) with
/// the 4x4 input patch x it reads (d apart, zero in the padding) and the 3x3 weights g of one
/// (input channel, output channel) pair:
///   U = G g G^T,  V = B^T x B,  Y = A^T (sum over input channels of U (.) V) A
///   G = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1]
///   B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1],  A^T = [1 1 1 0; 0 1 -1 -1]
/// The transforms add and halve, so integer-valued operands (the golden vectors) still give exact
/// sums; on general data the rounding is bounded by the same transforms applied to |g| and |x|
/// (the test derives it), a few times the direct sum's bound instead of 2.25 times fewer multiplies.
///
/// Work units are runs of tiles times parts of the output channels; a tile's result does not depend
/// on which unit or thread computes it, so the output is bit-identical for any thread count.
struct FastWinograd {
    let geometry: FastGeometry
    /// Input offset of tap (0, 0) and the tap spacing, along axes 1 and 2.
    let base: (Int, Int)
    let spacing: (Int, Int)
    /// Filter tap of grid position (i, j), at index 3 i + j.
    let filterTaps: [Int]
    /// Tiles per work unit, output channel blocks (of `nr`) and blocks per unit part.
    let tilesPerRun: Int
    let nr: Int
    let blocks: Int
    let parts: Int
    let runs: Int
    /// The first output of each tile along axes 1 and 2: per residue r modulo the spacing d, the
    /// sub-grid r, r + d, ... holds ceil((O - r) / d) outputs, covered by tiles of 2 starting at
    /// r, r + 2d, ... A tile is (batch item, row tile, column tile), numbered in that order.
    let rowOrigins: [Int]
    let columnOrigins: [Int]
    let totalTiles: Int

    /// Transformed weights and one worker's scratch, in elements.
    var weightCount: Int { 16 * geometry.inPerGroup * geometry.outPerGroup }
    var workerCount: Int { 16 * tilesPerRun * (geometry.inPerGroup + geometry.outPerGroup) + 6 * nr + 64 }
    var units: Int { runs * parts }

    /// Scratch bytes a run on `threads` threads needs: the transformed weights, a transposed op's
    /// filter copy, and every worker's transformed inputs and products.
    func bytesNeeded(threads: Int, elementBytes: Int) -> Int {
        (weightCount + (geometry.nStride != 1 ? 9 * geometry.inPerGroup * geometry.outPerGroup : 0) + max(1, threads) * workerCount)
            * elementBytes
    }

    /// The transform for `g`, or nil when it does not apply (or would not pay: fewer than 32 input
    /// channels, output channels not a multiple of 4 vectors, fewer than 64 output pixels).
    init?(_ g: FastGeometry, vectorWidth v: Int) {
        guard g.groups == 1, g.fold == 1, g.phases.count == 1, g.zeroBoxes.isEmpty, g.inSize.0 == 1, g.outSize.0 == 1,
              g.inPerGroup % v == 0, g.inPerGroup >= 32, g.outPerGroup % (4 * v) == 0,
              g.outSize.1 * g.outSize.2 >= 64 else { return nil }
        let phase = g.phases[0]
        guard phase.start == (0, 0, 0), phase.step == (1, 1, 1), phase.inStep == (1, 1, 1),
              phase.count == (1, g.outSize.1, g.outSize.2), phase.taps.count == 9 else { return nil }
        var lo1 = Int.max, lo2 = Int.max, hi1 = Int.min, hi2 = Int.min
        for tap in phase.taps {
            guard tap.offset.0 == 0 else { return nil }
            lo1 = min(lo1, tap.offset.1); hi1 = max(hi1, tap.offset.1)
            lo2 = min(lo2, tap.offset.2); hi2 = max(hi2, tap.offset.2)
        }
        guard hi1 > lo1, hi2 > lo2, (hi1 - lo1) % 2 == 0, (hi2 - lo2) % 2 == 0 else { return nil }
        let d1 = (hi1 - lo1) / 2, d2 = (hi2 - lo2) / 2
        var taps = [Int](repeating: -1, count: 9)
        for tap in phase.taps {
            let i = tap.offset.1 - lo1, j = tap.offset.2 - lo2
            guard i % d1 == 0, j % d2 == 0 else { return nil }
            let at = (i / d1) * 3 + j / d2
            guard taps[at] < 0 else { return nil }
            taps[at] = tap.filterTap
        }
        geometry = g
        base = (lo1, lo2)
        spacing = (d1, d2)
        filterTaps = taps
        nr = 4 * v
        blocks = g.outPerGroup / nr
        // Counted per residue: with the counts of residue 0 for all, atrous rate 4 on 33 outputs
        // computed 5 tiles for each residue's 8 or 9 outputs (400 tiles for 289).
        func origins(_ outputs: Int, _ d: Int) -> [Int] {
            var list = [Int]()
            for r in 0..<min(d, outputs) {
                let tiles = (ceilDiv(outputs - r, d) + 1) / 2
                for p in 0..<tiles { list.append(r + 2 * p * d) }
            }
            return list
        }
        rowOrigins = origins(g.outSize.1, d1)
        columnOrigins = origins(g.outSize.2, d2)
        totalTiles = g.batch * rowOrigins.count * columnOrigins.count
        // About 256 KiB of transformed inputs and products per unit, in whole 6-tile groups (s1's
        // 64 + 64 channels in float32: 30 tiles; atrous's 256 + 256: 6). They stay in L2 between
        // the transforms and the GEMMs: with 1-1.5 MiB per unit, s1 and atrous ran 20-40 % slower.
        let elementBytes = v == 16 ? 4 : 8
        let perTile = 16 * (g.inPerGroup + g.outPerGroup) * elementBytes
        tilesPerRun = max(6, min(96, (256 << 10) / perTile / 6 * 6))
        runs = ceilDiv(totalTiles, tilesPerRun)
        // Enough units to keep two threads busy to the end: split the output channels when there
        // are few runs (each part transforms the run's inputs again, a few % of its work).
        parts = min(blocks, max(1, ceilDiv(32, runs)))
    }
}

extension FastWinograd {
    /// Computes `y` from channels-last `x` and the filter `w` as the geometry describes them.
    func run<T: FastScalar>(input x: UnsafePointer<T>, filter w: UnsafePointer<T>, output y: UnsafeMutablePointer<T>,
                            threads: Int, control: ComputeControl?) throws(EngineError) {
        let g = geometry
        let cin = g.inPerGroup, cout = g.outPerGroup, v = T.Vector.scalarCount
        let u = AlignedMemory.allocate(T.self, count: weightCount)
        defer { AlignedMemory.free(u) }
        // The weights with output channels contiguous: a forward op's filter as it is; a transposed
        // op's (input channels contiguous) transposed tap by tap in V x V register blocks first.
        var source = w, tapOffsets = filterTaps.map { $0 * g.tapStride }, kStride = g.kStride
        var copy: UnsafeMutablePointer<T>? = nil
        defer { if let copy { AlignedMemory.free(copy) } }
        if g.nStride != 1 {
            let p = AlignedMemory.allocate(T.self, count: 9 * cin * cout)
            copy = p
            let sendable = UnsafeSendable((p, w))
            let taps = filterTaps, tapStride = g.tapStride, nStride = g.nStride
            let transposeThreads = cin * cout >= 1 << 14 ? FastParallel.threadCount(requested: threads, units: 9) : 1
            try FastParallel.run(units: 9, threads: transposeThreads, control: nil, checkpoints: false) { t, _ in
                let (to, from) = sendable.value
                let src = from + taps[t] * tapStride, dst = to + t * cin * cout
                var j0 = 0
                while j0 < cout {
                    var c0 = 0
                    while c0 < cin {
                        T.transposeBlock(src + j0 * nStride + c0, nStride, dst + c0 * cout + j0, cout)
                        c0 += v
                    }
                    j0 += v
                }
            }
            source = UnsafePointer(p)
            tapOffsets = (0..<9).map { $0 * cin * cout }
            kStride = cout
        }
        let weights = UnsafeSendable((u, source))
        let offsets = tapOffsets, rowStride = kStride
        let weightThreads = cin * cout >= 1 << 14 ? FastParallel.threadCount(requested: threads, units: cin) : 1
        try FastParallel.run(units: cin, threads: weightThreads, control: nil, checkpoints: false) { c, _ in
            transformWeights(channel: c, source: weights.value.1, tapOffsets: offsets, kStride: rowStride, into: weights.value.0)
        }

        let perWorker = workerCount
        let workers = max(1, threads)
        let scratch = AlignedMemory.allocate(T.self, count: perWorker * workers)
        defer { AlignedMemory.free(scratch) }
        let shared = UnsafeSendable((x, UnsafePointer(u), y, scratch))
        try FastParallel.run(units: units, threads: threads, control: control, checkpoints: true) { unit, worker in
            let s = shared.value
            runUnit(unit, x: s.0, u: s.1, y: s.2, scratch: s.3 + worker * perWorker)
        }
    }

    /// The rows of F(2, 3)'s input transform B^T applied to four values.
    @inline(__always)
    private static func inputRows<V: SIMD>(_ a: V, _ b: V, _ e: V, _ f: V) -> (V, V, V, V) where V.Scalar: FloatingPoint {
        (a - e, b + e, e - b, b - f)
    }

    /// The rows of G applied to three values (the halving is exact).
    @inline(__always)
    private static func weightRows<V: SIMD>(_ a: V, _ b: V, _ e: V) -> (V, V, V, V) where V.Scalar: FloatingPoint {
        let half = V(repeating: 1) / V(repeating: 2)
        return (a, (a + b + e) * half, (a - b + e) * half, e)
    }

    /// The rows of A^T applied to four values.
    @inline(__always)
    private static func outputRows<V: SIMD>(_ a: V, _ b: V, _ e: V, _ f: V) -> (V, V) where V.Scalar: FloatingPoint {
        (a + b + e, b - e - f)
    }

    /// U[xi][block][c][0..<nr] for input channel c: G g G^T of every output channel's 3x3 weights, a
    /// vector of output channels at a time. `source + tapOffsets[3 i + j] + c * kStride` holds the
    /// output channels of grid tap (i, j) contiguously.
    private func transformWeights<T: FastScalar>(channel c: Int, source: UnsafePointer<T>, tapOffsets: [Int], kStride: Int,
                                                 into u: UnsafeMutablePointer<T>) {
        let cin = geometry.inPerGroup, v = T.Vector.scalarCount
        tapOffsets.withUnsafeBufferPointer { taps in
            var column = 0
            while column < geometry.outPerGroup {
                func k(_ t: Int) -> T.Vector { vload(source + taps[t] + c * kStride + column) }
                // G g over i (per column j), then (G g) G^T over j (per row r).
                let (a0, a1, a2, a3) = FastWinograd.weightRows(k(0), k(3), k(6))
                let (b0, b1, b2, b3) = FastWinograd.weightRows(k(1), k(4), k(7))
                let (e0, e1, e2, e3) = FastWinograd.weightRows(k(2), k(5), k(8))
                let block = column / nr, offset = column - block * nr
                func put(_ xi: Int, _ value: T.Vector) { vstore(value, u + ((xi * blocks + block) * cin + c) * nr + offset) }
                func row(_ r: Int, _ a: T.Vector, _ b: T.Vector, _ e: T.Vector) {
                    let (q0, q1, q2, q3) = FastWinograd.weightRows(a, b, e)
                    put(4 * r, q0); put(4 * r + 1, q1); put(4 * r + 2, q2); put(4 * r + 3, q3)
                }
                row(0, a0, b0, e0); row(1, a1, b1, e1); row(2, a2, b2, e2); row(3, a3, b3, e3)
                column += v
            }
        }
    }

    /// One unit: transform its run's inputs, then per position and channel block the GEMM, then
    /// transform back into the output.
    private func runUnit<T: FastScalar>(_ unit: Int, x: UnsafePointer<T>, u: UnsafePointer<T>, y: UnsafeMutablePointer<T>,
                                        scratch: UnsafeMutablePointer<T>) {
        let g = geometry, cin = g.inPerGroup, cout = g.outPerGroup, v = T.Vector.scalarCount
        let run = unit / parts, part = unit % parts
        let b0 = blocks * part / parts, b1 = blocks * (part + 1) / parts
        let tile0 = run * tilesPerRun, tile1 = min(totalTiles, tile0 + tilesPerRun)
        let count = tile1 - tile0
        let vBuf = scratch, mBuf = scratch + 16 * tilesPerRun * cin, spill = mBuf + 16 * tilesPerRun * cout
        let inS2 = g.inChannels, inS1 = g.inSize.2 * inS2, inN = g.inSize.1 * inS1
        let outS2 = g.outChannels, outS1 = g.outSize.2 * outS2, outN = g.outSize.1 * outS1
        let (d1, d2) = spacing
        let columns = columnOrigins.count, perImage = rowOrigins.count * columns

        // Batch item and output of the tile's (0, 0) corner.
        @inline(__always) func origin(_ tile: Int) -> (n: Int, o1: Int, o2: Int) {
            let n = tile / perImage, rest = tile - n * perImage
            let row = rest / columns
            return (n, rowOrigins[row], columnOrigins[rest - row * columns])
        }

        // Inputs: V[xi][tile][:] = B^T x B over the 4x4 patch, a vector of channels at a time.
        let zero = T.Vector()
        for local in 0..<count {
            let (n, o1, o2) = origin(tile0 + local)
            let row0 = o1 + base.0, col0 = o2 + base.1
            // Element offsets of the patch's rows and columns, -1 in the padding.
            func rowOffset(_ k: Int) -> Int { let r = row0 + k * d1; return r >= 0 && r < g.inSize.1 ? r * inS1 : -1 }
            func colOffset(_ k: Int) -> Int { let c = col0 + k * d2; return c >= 0 && c < g.inSize.2 ? c * inS2 : -1 }
            let ra = rowOffset(0), rb = rowOffset(1), rc = rowOffset(2), rd = rowOffset(3)
            let ca = colOffset(0), cb = colOffset(1), cc = colOffset(2), cd = colOffset(3)
            let image = x + n * inN
            let out = vBuf + local * cin
            var c = 0
            while c < cin {
                func load(_ r: Int, _ col: Int) -> T.Vector { r >= 0 && col >= 0 ? vload(image + r + col + c) : zero }
                // B^T x over rows (per column), then B over columns (per row).
                func column(_ col: Int) -> (T.Vector, T.Vector, T.Vector, T.Vector) {
                    FastWinograd.inputRows(load(ra, col), load(rb, col), load(rc, col), load(rd, col))
                }
                let (a0, a1, a2, a3) = column(ca), (b0, b1, b2, b3) = column(cb)
                let (e0, e1, e2, e3) = column(cc), (f0, f1, f2, f3) = column(cd)
                func row(_ r: Int, _ a: T.Vector, _ b: T.Vector, _ e: T.Vector, _ f: T.Vector) {
                    let (q0, q1, q2, q3) = FastWinograd.inputRows(a, b, e, f)
                    let at = out + 4 * r * tilesPerRun * cin + c
                    vstore(q0, at); vstore(q1, at + tilesPerRun * cin)
                    vstore(q2, at + 2 * tilesPerRun * cin); vstore(q3, at + 3 * tilesPerRun * cin)
                }
                row(0, a0, b0, e0, f0); row(1, a1, b1, e1, f1); row(2, a2, b2, e2, f2); row(3, a3, b3, e3, f3)
                c += v
            }
        }

        // Products: M[xi][tile][block's channels] = V[xi][tile][:] U[xi][:][block], 6 tiles at a time.
        var rows = [UnsafePointer<T>](repeating: UnsafePointer(vBuf), count: 6)
        var dst = [UnsafeMutablePointer<T>](repeating: spill, count: 6)
        let wTap = [0]
        for xi in 0..<16 {
            for block in b0..<b1 {
                let panel = u + (xi * blocks + block) * cin * nr
                var first = 0
                while first < count {
                    for p in 0..<6 {
                        rows[p] = UnsafePointer(vBuf + (xi * tilesPerRun + min(first + p, count - 1)) * cin)
                        dst[p] = first + p < count ? mBuf + (xi * tilesPerRun + first + p) * cout + block * nr : spill + p * nr
                    }
                    FastMicroKernels.tile(.m6n4, taps: 1, cin: cin, rows: rows, w: panel, wTap: wTap, ldw: nr, cinOffset: 0,
                                          accumulate: false, dst: dst, last: 3 * v, prefetch: UnsafeBufferPointer(start: nil, count: 0))
                    first += 6
                }
            }
        }

        // Outputs: Y = A^T M A for the part's channels, where the 2x2 outputs exist.
        for local in 0..<count {
            let (n, o1, o2) = origin(tile0 + local)
            guard o1 < g.outSize.1, o2 < g.outSize.2 else { continue }
            let image = y + n * outN
            let second1 = o1 + d1 < g.outSize.1, second2 = o2 + d2 < g.outSize.2
            let from = mBuf + local * cout
            var c = b0 * nr
            while c < b1 * nr {
                func m(_ xi: Int) -> T.Vector { vload(from + xi * tilesPerRun * cout + c) }
                // A^T over rows (per column), then A over columns (per output row).
                let (a0, a1) = FastWinograd.outputRows(m(0), m(4), m(8), m(12))
                let (b0, b1) = FastWinograd.outputRows(m(1), m(5), m(9), m(13))
                let (e0, e1) = FastWinograd.outputRows(m(2), m(6), m(10), m(14))
                let (f0, f1) = FastWinograd.outputRows(m(3), m(7), m(11), m(15))
                let (y00, y01) = FastWinograd.outputRows(a0, b0, e0, f0)
                let at = image + o1 * outS1 + o2 * outS2 + c
                vstore(y00, at)
                if second2 { vstore(y01, at + d2 * outS2) }
                if second1 {
                    let (y10, y11) = FastWinograd.outputRows(a1, b1, e1, f1)
                    vstore(y10, at + d1 * outS1)
                    if second2 { vstore(y11, at + d1 * outS1 + d2 * outS2) }
                }
                c += v
            }
        }
    }
}
