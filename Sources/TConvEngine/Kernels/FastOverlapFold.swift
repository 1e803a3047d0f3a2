/// Transposed convs whose last axis has stride 2, three taps and dilation 1 (conv3d k3s2 and the
/// other 3x3 stride-2 up-convolutions), with the two output columns of each input step computed
/// together ("overlapping fold").
///
/// Along that axis, with crop p before the output, output column o = 2i + k - p. Block b is the
/// column pair (2b - p, 2b - p + 1): the first column sums tap 0 over input column b and tap 2 over
/// column b - 1, the second tap 1 over column b. So consecutive blocks share an input column:
/// column b feeds block b through taps 0 and 1 and block b + 1 through tap 2. A register tile of M
/// consecutive blocks of one output row (`FastMicroKernels.overlap`) loads, per input channel, the
/// M + 1 input values once each and the 6 weight vectors of the three taps (2V output channels
/// each) for 6M fused multiply-adds: 13 loads per 36 on 6 blocks. Phase by phase, the same work in
/// 12x2V tiles takes 21 loads (each of the 18 pixel-taps broadcasts its own input value). On this
/// host the vCPU's core sometimes runs load-heavy loops a third slower for seconds at a time while
/// arithmetic is spared (see `PanelStride`); fewer loads per product is what helps there.
///
/// The other two axes are split into stride phases as in `FastGeometry` (any stride, kernel,
/// dilation and crop): a phase is a set of output rows, each with the taps of those axes that read
/// the input for it. Columns outside whole blocks (at most one at each end) run through the
/// general kernels (`FastGeometry.LastAxis.edges`).
///
/// Every output element is written by one tile with a fixed summation order (per tap of the other
/// axes in phase order, then input channels, tap 2 before tap 0), so results do not depend on the
/// thread count.
struct FastOverlapFold {
    /// A phase of axes 0 and 1: output rows o0 = start0 + step0 * m0, o1 = start1 + step1 * m1, and
    /// the taps that reach them: filter taps (k0, k1) reading input rows m0 + offset0, m1 + offset1.
    struct Phase {
        var start: (Int, Int)
        var step: (Int, Int)
        var count: (Int, Int)
        var taps: [(k: (Int, Int), offset: (Int, Int))]
        /// Element offset of the phase's packed weights.
        var weights: Int
        /// Output rows of the phase in one batch item; over all items, row r is (n, m0, m1), m1 fastest.
        var rows: Int { count.0 * count.1 }
    }

    let batch: Int
    let inSize: (Int, Int, Int)
    let outSize: (Int, Int, Int)
    let cin: Int
    let cout: Int
    /// Filter taps along axis 1 (a filter tap's index is (k0 * K1 + k1) * 3 + k2).
    let kernel1: Int
    let phases: [Phase]
    /// Whole blocks of the last axis, and its crop p.
    let blocks: Range<Int>
    let crop: Int
    /// Output channels per channel block (2V) and channel blocks.
    let nr: Int
    let channelBlocks: Int
    /// Packed weights: per phase, per channel block, per tap, per input channel, the three taps'
    /// 2V channels [tap 0 | tap 1 | tap 2] (6V elements).
    let packCount: Int
    /// Work units: run k holds, of every phase, rows [rows * k / runs, rows * (k + 1) / runs) of
    /// every batch item, and all channel blocks.
    let runs: Int
    let maxTaps: Int

    /// Register tiles of a row: at most 6 blocks each, as even as possible (16 blocks: 5, 5, 6).
    static let maxBlocks = 6

    /// Whole blocks of an overlapping last axis (stride 2, three taps, dilation 1), or nil. Block b
    /// covers outputs [2b - p, 2b - p + 2), the same span as `FastGeometry.foldedBlocks`'.
    static func overlapBlocks(_ p: ConvProblem) -> Range<Int>? {
        guard p.strides[2] == 2, p.kernel[2] == 3, p.dilations[2] == 1, p.groups == 1 else { return nil }
        return FastGeometry.wholeBlocks(stride: 2, pad: p.padBefore[2], outputs: p.image[2])
    }

    /// The plan for a channels-last transposed `problem`, or nil when it does not apply. Unless
    /// `forced`, also nil where the phase-by-phase tiles do as well: only where they would use
    /// 12x2V tiles (2V output channels), with a row of at least 4 blocks and each tile's weight
    /// panel (taps x C_in x 6V) within 256 KiB, read from L2 across a unit's rows.
    init?(_ problem: ConvProblem, vectorWidth v: Int, elementBytes: Int, forced: Bool) {
        let p = problem.asThreeD
        guard !p.channelsFirst, let blocks = FastOverlapFold.overlapBlocks(p), p.imageChannels % (2 * v) == 0,
              p.featureChannels > 0 else { return nil }
        let cin = p.featureChannels, cout = p.imageChannels
        // Per axis 0 and 1: the stride phases (spec 1.3, gather form), as `FastGeometry` splits them.
        func axisPhases(_ a: Int) -> [(start: Int, count: Int, taps: [(k: Int, offset: Int)])] {
            let s = p.strides[a], d = p.dilations[a], pad = p.padBefore[a], out = p.image[a]
            var list = [(start: Int, count: Int, taps: [(k: Int, offset: Int)])]()
            for r in 0..<min(s, out) {
                let taps = FastGeometry.transposedTaps(residue: r, stride: s, dilation: d, pad: pad, kernel: p.kernel[a])
                list.append((r, (out - r + s - 1) / s, taps))
            }
            return list
        }
        var phases = [Phase]()
        var weights = 0, maxTaps = 0
        let channelBlocks = cout / (2 * v)
        for a in axisPhases(0) {
            for b in axisPhases(1) {
                var taps = [(k: (Int, Int), offset: (Int, Int))]()
                for t0 in a.taps { for t1 in b.taps { taps.append(((t0.k, t1.k), (t0.offset, t1.offset))) } }
                phases.append(Phase(start: (a.start, b.start), step: (p.strides[0], p.strides[1]), count: (a.count, b.count),
                                    taps: taps, weights: weights))
                weights += taps.count * channelBlocks * cin * 6 * v
                maxTaps = max(maxTaps, taps.count)
            }
        }
        if !forced {
            guard FastPlan.bestTile(cout: cout, vectorWidth: v) == .m12n2, blocks.count >= 4,
                  maxTaps * cin * 6 * v * elementBytes <= 256 << 10 else { return nil }
        }
        batch = p.batch
        inSize = (p.feature[0], p.feature[1], p.feature[2])
        outSize = (p.image[0], p.image[1], p.image[2])
        self.cin = cin
        self.cout = cout
        kernel1 = p.kernel[1]
        self.phases = phases
        self.blocks = blocks
        crop = p.padBefore[2]
        nr = 2 * v
        self.channelBlocks = channelBlocks
        packCount = weights
        self.maxTaps = max(1, maxTaps)
        // About 64 blocks per phase per unit, as `FastPlan.Tuning.runPixels` pixels.
        let rowsPerRun = max(1, 64 / blocks.count)
        var runs = 1
        for phase in phases { runs = max(runs, ceilDiv(phase.rows * p.batch, rowsPerRun)) }
        self.runs = runs
    }

    /// Multiply-adds of one run over the blocks (all batch items).
    var multiplyAdds: Int {
        var taps = 0
        for phase in phases { taps += phase.rows * phase.taps.count }
        return taps * batch * blocks.count * 3 * cin * cout
    }

    /// Whether the blocks cover every output column (no edge columns for the general kernels).
    var coversLastAxis: Bool { 2 * blocks.lowerBound - crop == 0 && 2 * blocks.upperBound - crop == outSize.2 }

    /// Elements of one worker's scratch: per tap of a row, M + 1 input pointers for every block
    /// (as element-sized slots: pointers are 8 bytes, an element 4 or 8), its weight offset, and
    /// the output lines to prefetch.
    private var workerSlots: Int { maxTaps * (blocks.count + 2) + maxTaps + 64 }

    /// Copies of the packed weights: one per worker when each is at most 1 MiB (see
    /// `FastExecutor.packCopies`: weights packed on one core and read on another cross between
    /// cores on every call).
    func packCopies(threads: Int, elementBytes: Int) -> Int {
        let workers = min(max(1, threads), FastParallel.coreCount)
        return workers > 1 && packCount * elementBytes <= 1 << 20 ? workers : 1
    }

    /// Scratch bytes of a run on `threads` threads: packed weights, zero row, workers' tables.
    func bytesNeeded(threads: Int, elementBytes: Int) -> Int {
        packCount * elementBytes * packCopies(threads: threads, elementBytes: elementBytes) + (cin + 64) * elementBytes
            + max(1, threads) * slotBytes
    }

    /// Bytes of one worker's slot, whole cache lines (its last byte: see `run`).
    private var slotBytes: Int { (workerSlots * 8 + 64 + 63) / 64 * 64 }
}

extension FastOverlapFold {
    /// Computes the blocks' output columns of channels-last `y` from `x` and the filter `w`
    /// ([K0, K1, 3, C_out, C_in], as a transposed op's). The edge columns are not touched.
    func run<T: FastScalar>(input x: UnsafePointer<T>, filter w: UnsafePointer<T>, output y: UnsafeMutablePointer<T>,
                            threads: Int, control: ComputeControl?) throws(EngineError) {
        let elementBytes = MemoryLayout<T>.stride
        let copies = packCopies(threads: threads, elementBytes: elementBytes)
        let packed = AlignedMemory.allocate(T.self, count: max(1, packCount) * copies)
        defer { AlignedMemory.free(packed) }
        let zeros = UnsafeMutablePointer<T>.allocate(capacity: cin + 64)
        zeros.initialize(repeating: 0, count: cin + 64)
        defer { zeros.deallocate() }
        if copies == 1 { pack(into: packed, filter: w) }
        let slotBytes = self.slotBytes
        let scratch = AlignedMemory.allocate(bytes: slotBytes * threads)
        defer { AlignedMemory.free(scratch) }
        // The last byte of each slot: whether its worker has packed its own weights.
        for worker in 0..<threads { (scratch + worker * slotBytes + slotBytes - 1).storeBytes(of: 0, as: UInt8.self) }
        let shared = UnsafeSendable((x, w, y, packed, UnsafePointer(zeros), scratch))
        try FastParallel.run(units: runs, threads: threads, control: control, checkpoints: true) { unit, worker in
            let s = shared.value
            let mine = s.5 + worker * slotBytes
            let weights = copies > 1 ? s.3 + worker * packCount : s.3
            if copies > 1 && mine.load(fromByteOffset: slotBytes - 1, as: UInt8.self) == 0 {
                pack(into: weights, filter: s.1)
                mine.storeBytes(of: 1, toByteOffset: slotBytes - 1, as: UInt8.self)
            }
            runUnit(unit, x: s.0, w: UnsafePointer(weights), y: s.2, zeros: s.4, scratch: mine)
        }
    }

    /// Packs the filter into `packed` (layout: see `packCount`). Each (tap, channel block) is three
    /// 2V x C_in transposes (`FastScalar.transposeRows`).
    private func pack<T: FastScalar>(into packed: UnsafeMutablePointer<T>, filter w: UnsafePointer<T>) {
        let width = 3 * nr, tapStride = cout * cin
        for phase in phases {
            for block in 0..<channelBlocks {
                for (t, tap) in phase.taps.enumerated() {
                    let to = packed + phase.weights + (block * phase.taps.count + t) * cin * width
                    for k2 in 0..<3 {
                        // Filter [K0, K1, 3, C_out, C_in]: output channel j's row of C_in values.
                        let from = w + ((tap.k.0 * kernel1 + tap.k.1) * 3 + k2) * tapStride + block * nr * cin
                        T.transposeRows(from, rowStride: cin, channelStride: 1, rows: nr, channels: cin,
                                        into: to + k2 * nr, width: width)
                    }
                }
            }
        }
    }

    /// One run: every phase's rows of it, channel block by channel block (a phase's panel stays in
    /// L2 across the rows), row by row, tile by tile.
    private func runUnit<T: FastScalar>(_ unit: Int, x: UnsafePointer<T>, w: UnsafePointer<T>, y: UnsafeMutablePointer<T>,
                                        zeros: UnsafePointer<T>, scratch: UnsafeMutableRawPointer) {
        let nb = blocks.count, stride = nb + 1
        let table = scratch.bindMemory(to: UnsafePointer<T>.self, capacity: maxTaps * stride)
        let wTap = (scratch + maxTaps * stride * 8).bindMemory(to: Int.self, capacity: maxTaps)
        let lineSlots = 64
        let lines = (scratch + (maxTaps * stride + maxTaps) * 8).bindMemory(to: UnsafeRawPointer.self, capacity: lineSlots)
        let inS2 = cin, inS1 = inSize.2 * inS2, inS0 = inSize.1 * inS1, inN = inSize.0 * inS0
        let outS2 = cout, outS1 = outSize.2 * outS2, outS0 = outSize.1 * outS1, outN = outSize.0 * outS0
        let prefetching = batch * outN * MemoryLayout<T>.stride > 1 << 20
        let tilesPerRow = ceilDiv(nb, FastOverlapFold.maxBlocks)
        // Input column of the first block's left neighbour, and the first block's output column.
        let firstColumn = blocks.lowerBound - 1, firstOut = 2 * blocks.lowerBound - crop
        let perChannel = 3 * nr

        for block in 0..<channelBlocks {
            for phase in phases {
                let rowsAll = phase.rows * batch
                let r0 = rowsAll * unit / runs, r1 = rowsAll * (unit + 1) / runs
                guard r1 > r0 else { continue }
                let taps = phase.taps.count
                let panel = w + phase.weights + block * taps * cin * perChannel
                // Output of the row's first block, this channel block.
                func rowOutput(_ row: Int) -> UnsafeMutablePointer<T> {
                    let n = row / phase.rows, m = row - n * phase.rows
                    let m0 = m / phase.count.1, m1 = m - m0 * phase.count.1
                    let o0 = phase.start.0 + phase.step.0 * m0, o1 = phase.start.1 + phase.step.1 * m1
                    return y + n * outN + o0 * outS0 + o1 * outS1 + firstOut * outS2 + block * nr
                }
                for row in r0..<r1 {
                    let n = row / phase.rows, m = row - n * phase.rows
                    let m0 = m / phase.count.1, m1 = m - m0 * phase.count.1
                    // The taps that read the input for this row: their input row and weights.
                    var valid = 0
                    for (t, tap) in phase.taps.enumerated() {
                        let i0 = m0 + tap.offset.0, i1 = m1 + tap.offset.1
                        guard i0 >= 0, i0 < inSize.0, i1 >= 0, i1 < inSize.1 else { continue }
                        let base = x + n * inN + i0 * inS0 + i1 * inS1
                        let pointers = table + valid * stride
                        for j in 0...nb {
                            let column = firstColumn + j
                            pointers[j] = column >= 0 && column < inSize.2 ? UnsafePointer(base + column * inS2) : zeros
                        }
                        wTap[valid] = t * cin * perChannel
                        valid += 1
                    }
                    let out = rowOutput(row)
                    var start = 0
                    for tile in 0..<tilesPerRow {
                        let end = nb * (tile + 1) / tilesPerRow
                        let count = end - start
                        let dst = out + 2 * start * outS2
                        if valid == 0 {
                            for j in 0..<count {
                                for c in 0..<2 {
                                    (dst + (2 * j + c) * outS2).initialize(repeating: 0, count: nr)
                                }
                            }
                            start = end
                            continue
                        }
                        var lineCount = 0
                        if prefetching {
                            // The next tile's output: later in this row, or the next row's first.
                            let next: (UnsafeMutablePointer<T>, Int)? = tile + 1 < tilesPerRow
                                ? (out + 2 * end * outS2, nb * (tile + 2) / tilesPerRow - end)
                                : row + 1 < r1 ? (rowOutput(row + 1), nb / tilesPerRow) : nil
                            if let (to, blocksAhead) = next {
                                lineCount = outputLines(to, blocks: blocksAhead, columnStride: outS2, into: lines, capacity: lineSlots)
                            }
                        }
                        FastMicroKernels.overlap(blocks: count, taps: valid, cin: cin, rows: UnsafePointer(table + start),
                                                 rowStride: stride, w: panel, wTap: UnsafePointer(wTap), dst: dst,
                                                 columnStride: outS2,
                                                 prefetch: UnsafeBufferPointer(start: lines, count: lineCount))
                        start = end
                    }
                }
            }
        }
    }

    /// Addresses of the cache lines of `blocks` blocks' outputs (2V channels in each of two
    /// columns) from `dst`, at most `capacity`; returns how many.
    private func outputLines<T>(_ dst: UnsafeMutablePointer<T>, blocks: Int, columnStride: Int,
                                into lines: UnsafeMutablePointer<UnsafeRawPointer>, capacity: Int) -> Int {
        var n = 0, previous = -1
        for column in 0..<(2 * blocks) {
            let from = Int(bitPattern: UnsafeRawPointer(dst + column * columnStride))
            var line = from & ~63
            let end = from + nr * MemoryLayout<T>.stride
            while line < end && n < capacity {
                if line != previous {
                    lines[n] = UnsafeRawPointer(bitPattern: line)!
                    n += 1
                    previous = line
                }
                line += 64
            }
        }
        return n
    }
}

/// Blocks per register tile of `FastMicroKernels.overlap`, as a type so that each count is
/// compiled on its own with its accumulators in registers.
protocol OverlapBlocks {
    static var count: Int { get }
}
enum OverlapBlocks1: OverlapBlocks { static var count: Int { 1 } }
enum OverlapBlocks2: OverlapBlocks { static var count: Int { 2 } }
enum OverlapBlocks3: OverlapBlocks { static var count: Int { 3 } }
enum OverlapBlocks4: OverlapBlocks { static var count: Int { 4 } }
enum OverlapBlocks5: OverlapBlocks { static var count: Int { 5 } }
enum OverlapBlocks6: OverlapBlocks { static var count: Int { 6 } }

extension FastMicroKernels {
    /// Runs `overlapTile` for `blocks` (1...6) blocks, with prefetches when there are lines.
    @inline(__always)
    static func overlap<T: FastScalar>(blocks: Int, taps: Int, cin: Int, rows: UnsafePointer<UnsafePointer<T>>, rowStride: Int,
                                       w: UnsafePointer<T>, wTap: UnsafePointer<Int>, dst: UnsafeMutablePointer<T>,
                                       columnStride: Int, prefetch: UnsafeBufferPointer<UnsafeRawPointer>) {
        @inline(__always)
        func run<P: OutputPrefetch>(_ mode: P.Type) {
            switch blocks {
            case 6: overlapTile(taps: taps, cin: cin, rows: rows, rowStride: rowStride, w: w, wTap: wTap, dst: dst,
                                columnStride: columnStride, prefetch: prefetch, OverlapBlocks6.self, mode)
            case 5: overlapTile(taps: taps, cin: cin, rows: rows, rowStride: rowStride, w: w, wTap: wTap, dst: dst,
                                columnStride: columnStride, prefetch: prefetch, OverlapBlocks5.self, mode)
            case 4: overlapTile(taps: taps, cin: cin, rows: rows, rowStride: rowStride, w: w, wTap: wTap, dst: dst,
                                columnStride: columnStride, prefetch: prefetch, OverlapBlocks4.self, mode)
            case 3: overlapTile(taps: taps, cin: cin, rows: rows, rowStride: rowStride, w: w, wTap: wTap, dst: dst,
                                columnStride: columnStride, prefetch: prefetch, OverlapBlocks3.self, mode)
            case 2: overlapTile(taps: taps, cin: cin, rows: rows, rowStride: rowStride, w: w, wTap: wTap, dst: dst,
                                columnStride: columnStride, prefetch: prefetch, OverlapBlocks2.self, mode)
            default: overlapTile(taps: taps, cin: cin, rows: rows, rowStride: rowStride, w: w, wTap: wTap, dst: dst,
                                 columnStride: columnStride, prefetch: prefetch, OverlapBlocks1.self, mode)
            }
        }
        if prefetch.isEmpty { run(NoOutputPrefetch.self) } else { run(PrefetchNextTile.self) }
    }

    /// M = `B.count` consecutive blocks of an overlapping last axis (`FastOverlapFold`), 2V output
    /// channels in each of a block's two columns: 4M accumulators (24 for 6 blocks).
    /// rows: per tap (`rowStride` apart), the M + 1 input columns from the first block's left
    /// neighbour, each pointing at C_in values. w: per tap (at `wTap[t]`), per input channel, 6V
    /// weights: tap 0 | tap 1 | tap 2 of the axis, 2V output channels each. dst: the first block's
    /// first column; a block's second column is `columnStride` after its first, the next block
    /// two columns on. Per input channel: M + 1 broadcasts and 6 weight loads for 6M products.
    @inline(never)
    static func overlapTile<T: FastScalar, B: OverlapBlocks, P: OutputPrefetch>(
        taps: Int, cin: Int, rows: UnsafePointer<UnsafePointer<T>>, rowStride: Int, w: UnsafePointer<T>, wTap: UnsafePointer<Int>,
        dst: UnsafeMutablePointer<T>, columnStride: Int, prefetch: UnsafeBufferPointer<UnsafeRawPointer>, _: B.Type, _: P.Type
    ) {
        let m = B.count, v = T.Vector.scalarCount
        var lines = LinePrefetcher<P>(prefetch)
        // Block j: first column (e, f: low and high V channels), second column (g, h).
        var e0 = T.Vector(), f0 = T.Vector(), g0 = T.Vector(), h0 = T.Vector()
        var e1 = T.Vector(), f1 = T.Vector(), g1 = T.Vector(), h1 = T.Vector()
        var e2 = T.Vector(), f2 = T.Vector(), g2 = T.Vector(), h2 = T.Vector()
        var e3 = T.Vector(), f3 = T.Vector(), g3 = T.Vector(), h3 = T.Vector()
        var e4 = T.Vector(), f4 = T.Vector(), g4 = T.Vector(), h4 = T.Vector()
        var e5 = T.Vector(), f5 = T.Vector(), g5 = T.Vector(), h5 = T.Vector()
        var rp = rows
        for t in 0..<taps {
            var wp = w + wTap[t]
            // Column j - 1 of the row is block j's left neighbour and block j - 1's own column.
            let x0 = rp[0], x1 = rp[1]
            let x2 = m > 1 ? rp[2] : x1, x3 = m > 2 ? rp[3] : x1, x4 = m > 3 ? rp[4] : x1
            let x5 = m > 4 ? rp[5] : x1, x6 = m > 5 ? rp[6] : x1
            rp += rowStride
            // One flat loop over the channels, a prefetch request in each (in chunks of two
            // channels with one request per chunk, the compiler reloaded the seven row pointers
            // from the stack for every chunk; unrolled by two, it spilled accumulators).
            for c in 0..<cin {
                lines.step()
                let a0: T.Vector = vload(wp), b0: T.Vector = vload(wp + v)
                let a1: T.Vector = vload(wp + 2 * v), b1: T.Vector = vload(wp + 3 * v)
                let a2: T.Vector = vload(wp + 4 * v), b2: T.Vector = vload(wp + 5 * v)
                wp += 6 * v
                var a = T.Vector(repeating: x0[c])
                e0.addProduct(a, a2); f0.addProduct(a, b2)
                a = T.Vector(repeating: x1[c])
                e0.addProduct(a, a0); f0.addProduct(a, b0); g0.addProduct(a, a1); h0.addProduct(a, b1)
                if m > 1 {
                    e1.addProduct(a, a2); f1.addProduct(a, b2)
                    a = T.Vector(repeating: x2[c])
                    e1.addProduct(a, a0); f1.addProduct(a, b0); g1.addProduct(a, a1); h1.addProduct(a, b1)
                }
                if m > 2 {
                    e2.addProduct(a, a2); f2.addProduct(a, b2)
                    a = T.Vector(repeating: x3[c])
                    e2.addProduct(a, a0); f2.addProduct(a, b0); g2.addProduct(a, a1); h2.addProduct(a, b1)
                }
                if m > 3 {
                    e3.addProduct(a, a2); f3.addProduct(a, b2)
                    a = T.Vector(repeating: x4[c])
                    e3.addProduct(a, a0); f3.addProduct(a, b0); g3.addProduct(a, a1); h3.addProduct(a, b1)
                }
                if m > 4 {
                    e4.addProduct(a, a2); f4.addProduct(a, b2)
                    a = T.Vector(repeating: x5[c])
                    e4.addProduct(a, a0); f4.addProduct(a, b0); g4.addProduct(a, a1); h4.addProduct(a, b1)
                }
                if m > 5 {
                    e5.addProduct(a, a2); f5.addProduct(a, b2)
                    a = T.Vector(repeating: x6[c])
                    e5.addProduct(a, a0); f5.addProduct(a, b0); g5.addProduct(a, a1); h5.addProduct(a, b1)
                }
            }
        }
        let s = columnStride
        var d = dst
        vstore(e0, d); vstore(f0, d + v); vstore(g0, d + s); vstore(h0, d + s + v)
        if m > 1 { d += 2 * s; vstore(e1, d); vstore(f1, d + v); vstore(g1, d + s); vstore(h1, d + s + v) }
        if m > 2 { d += 2 * s; vstore(e2, d); vstore(f2, d + v); vstore(g2, d + s); vstore(h2, d + s + v) }
        if m > 3 { d += 2 * s; vstore(e3, d); vstore(f3, d + v); vstore(g3, d + s); vstore(h3, d + s + v) }
        if m > 4 { d += 2 * s; vstore(e4, d); vstore(f4, d + v); vstore(g4, d + s); vstore(h4, d + s + v) }
        if m > 5 { d += 2 * s; vstore(e5, d); vstore(f5, d + v); vstore(g5, d + s); vstore(h5, d + s + v) }
    }
}
