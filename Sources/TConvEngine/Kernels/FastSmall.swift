/// The kernel for tiny problems (teaching sizes: a 5x5 map, a few channels), where the fixed cost of
/// a call is the whole story.
///
/// Shapes: the problem's own (1-D/2-D/3-D, channels-last or channels-first, groups), read through
/// element strides; the filter `[K.., Cimg/G, Cfeat]` as TensorFlow lays it out. Each output pixel is
/// a gather: for every tap that reaches it (per axis: `o = i*s + k*d - p`, so no multiply touches an
/// inserted zero or the padding), the input channels times a vector of output-channel weights.
///
/// Why it is fast for these sizes: no threads, no geometry arrays, no division per tap, one scratch
/// block per call (on the stack up to 16 KiB); one vector register (4, 8 or 16 lanes) holds all of
/// a pixel's output channels, and the weights are repacked at that width, not the widest one; for
/// channels-last input with 1 to 4 channels per group the pixel loop is compiled for that count.
///
/// Why its speed should not depend on where the process's stack and heap happen to lie: every load
/// and store of the pixel loop goes to the one scratch block (tables, weights, a copy of a small
/// input, the output rows being computed), whose layout the kernel fixes, next to the compiler's
/// spill slots; the caller's output is written afterwards in a few streams. The version before
/// this one built each pixel's tap list in a table that, at 1.5 KiB, was over the runtime's 1 KiB
/// stack limit for `withUnsafeTemporaryAllocation` and so went to the heap, while the weights sat
/// on the stack; the distance between the two changed with address randomisation, and the kernel
/// ran at about 1.6 or 2.4 us (5x5 teaching case) depending on the process and on placement
/// (stack depth, output address) within one.
enum FastSmallKernel {
    /// Scatter multiply-adds up to which this kernel is used; output channels per group must fit one
    /// vector, and the scratch block stays small.
    static let limit = 1 << 16
    /// Elements of repacked weights, of per-axis tap tables, and of one staged output row at most.
    static let packedLimit = 8192
    static let tableLimit = 4096
    static let rowLimit = 4096
    /// Input elements up to which the input is copied into the scratch block (see `run`).
    static let inputCopyLimit = 4096

    /// Per-axis sizes padded to three axes (leading unit axes), without allocating.
    private struct Axes {
        var outSize = (1, 1, 1), inSize = (1, 1, 1), kernel = (1, 1, 1), stride = (1, 1, 1), dilation = (1, 1, 1), pad = (0, 0, 0)

        init(_ p: ConvProblem, transposed: Bool) {
            for axis in 0..<p.rank {
                let slot = 3 - p.rank + axis
                let o = transposed ? p.image[axis] : p.feature[axis], i = transposed ? p.feature[axis] : p.image[axis]
                Axes.set(&outSize, slot, o); Axes.set(&inSize, slot, i); Axes.set(&kernel, slot, p.kernel[axis])
                Axes.set(&stride, slot, p.strides[axis]); Axes.set(&dilation, slot, p.dilations[axis])
                Axes.set(&pad, slot, p.padBefore[axis])
            }
        }

        static func set(_ t: inout (Int, Int, Int), _ slot: Int, _ value: Int) {
            switch slot {
            case 0: t.0 = value
            case 1: t.1 = value
            default: t.2 = value
            }
        }

        static func get(_ t: (Int, Int, Int), _ slot: Int) -> Int {
            slot == 0 ? t.0 : slot == 1 ? t.1 : t.2
        }
    }

    /// Vector lanes for `cout` output channels: 4, 8 or the widest vector (narrow vectors issue
    /// more multiply-adds per cycle and keep the repacked weights small).
    static func lanes<T: FastScalar>(cout: Int, as _: T.Type) -> Int {
        cout <= 4 ? 4 : cout <= 8 ? 8 : T.Vector.scalarCount
    }

    /// True when `run` takes this problem.
    static func accepts<T: FastScalar>(_ p: ConvProblem, transposed: Bool, as _: T.Type) -> Bool {
        guard p.rank >= 1, p.rank <= 3, p.groups >= 1 else { return false }
        let groups = p.groups
        let inChannels = transposed ? p.featureChannels : p.imageChannels
        let outChannels = transposed ? p.imageChannels : p.featureChannels
        let cin = inChannels / groups, cout = outChannels / groups
        guard cout <= T.Vector.scalarCount, cin >= 1, cout >= 1, p.multiplyAdds <= limit else { return false }
        var taps = 1, table = 0
        for axis in 0..<p.rank {
            taps *= p.kernel[axis]
            table += (transposed ? p.image[axis] : p.feature[axis]) * p.kernel[axis]
        }
        let rowSize = (transposed ? p.image[p.rank - 1] : p.feature[p.rank - 1]) * outChannels
        return taps * groups * cin * lanes(cout: cout, as: T.self) <= packedLimit && table <= tableLimit && rowSize <= rowLimit
    }

    static func run<T: FastScalar>(_ p: ConvProblem, transposed: Bool, input x: UnsafePointer<T>, filter w: UnsafePointer<T>,
                                   output y: UnsafeMutablePointer<T>) {
        let cout = (transposed ? p.imageChannels : p.featureChannels) / p.groups
        switch lanes(cout: cout, as: T.self) {
        case 4: run(SIMD4<T>.self, p, transposed: transposed, input: x, filter: w, output: y)
        case 8: run(SIMD8<T>.self, p, transposed: transposed, input: x, filter: w, output: y)
        default: run(T.Vector.self, p, transposed: transposed, input: x, filter: w, output: y)
        }
    }

    /// Bytes of scratch taken from the stack (a fixed 4 KiB or 16 KiB block, 64-byte aligned); a
    /// problem needing more gets the same layout in one heap block.
    static let stackScratchBytes = 16384

    /// The kernel with `V` holding one pixel's output channels of one group.
    ///
    /// Scratch block (each part starting on a 64-byte boundary): the per-axis tap tables, the
    /// current row's (input offset, weight offset) pairs for the two outer axes, the weights
    /// repacked to `[group][tap][cin][V]`, the output rows being computed (channels-last, as many
    /// rows as fit `rowLimit` elements, at least one; copied out when full), and a copy of a
    /// small input. All hot loads and stores then fall at offsets this kernel chose, next to the
    /// compiler's spill slots when the block is on the stack; the caller's output is written in a
    /// few streams, not between the loads.
    private static func run<T: FastScalar, V: SIMD>(_: V.Type, _ p: ConvProblem, transposed: Bool, input: UnsafePointer<T>,
                                                    filter w: UnsafePointer<T>, output y: UnsafeMutablePointer<T>) where V.Scalar == T {
        let a = Axes(p, transposed: transposed)
        let groups = p.groups, lanes = V.scalarCount
        let inChannels = transposed ? p.featureChannels : p.imageChannels
        let outChannels = transposed ? p.imageChannels : p.featureChannels
        let cin = inChannels / groups, cout = outChannels / groups
        let taps = a.kernel.0 * a.kernel.1 * a.kernel.2
        // Filter [tap][Cimg/G][Cfeat]: for a transposed op GEMM k = feature channel (stride 1) and
        // n = image channel; for a forward op the other way round.
        let tapStride = (p.imageChannels / groups) * p.featureChannels
        let kStride = transposed ? 1 : p.featureChannels, nStride = transposed ? p.featureChannels : 1
        let groupStride = p.featureChannels / groups
        // Element strides of the data tensors.
        let inPixels = a.inSize.0 * a.inSize.1 * a.inSize.2, outPixels = a.outSize.0 * a.outSize.1 * a.outSize.2
        let inC = p.channelsFirst ? inPixels : 1, inP = p.channelsFirst ? 1 : inChannels
        let outC = p.channelsFirst ? outPixels : 1, outP = p.channelsFirst ? 1 : outChannels
        let inS1 = a.inSize.2 * inP, inS0 = a.inSize.1 * inS1, inN = inPixels * inChannels
        let outS1 = a.outSize.2 * outP, outN = outPixels * outChannels

        // Scratch sizes in elements, then the byte offsets of the parts.
        let tableCount = 3 + a.outSize.0 + a.outSize.1 + a.outSize.2
            + 2 * (a.outSize.0 * a.kernel.0 + a.outSize.1 * a.kernel.1 + a.outSize.2 * a.kernel.2)
        let outerCount = 2 * a.kernel.0 * a.kernel.1
        let packedCount = groups * taps * cin * lanes
        let rowSize = a.outSize.2 * outChannels
        let rowsPerItem = a.outSize.0 * a.outSize.1, rows = p.batch * rowsPerItem
        let blockRows = max(1, min(rows, rowLimit / max(rowSize, 1)))
        let stagedCount = blockRows * rowSize + lanes  // the last pixel's vector store runs past its row
        let inputCount = p.batch * inN
        let copyInput = inputCount <= inputCopyLimit
        func rounded(_ bytes: Int) -> Int { (bytes + 63) & ~63 }
        let outerOffset = rounded(tableCount * MemoryLayout<Int>.stride)
        let packedOffset = outerOffset + rounded(outerCount * MemoryLayout<Int>.stride)
        let stagedOffset = packedOffset + rounded(packedCount * MemoryLayout<T>.stride)
        let inputOffset = stagedOffset + rounded(stagedCount * MemoryLayout<T>.stride)
        let scratchBytes = inputOffset + (copyInput ? rounded(inputCount * MemoryLayout<T>.stride) : 0)

        func compute<C: InputChannels>(_ base: UnsafeMutableRawPointer, _: C.Type) {
            let table = base.bindMemory(to: Int.self, capacity: tableCount)
            let outer = (base + outerOffset).bindMemory(to: Int.self, capacity: outerCount)
            let packed = (base + packedOffset).bindMemory(to: T.self, capacity: packedCount)
            let staged = (base + stagedOffset).bindMemory(to: T.self, capacity: stagedCount)
            var x = input
            if copyInput {
                let copy = (base + inputOffset).bindMemory(to: T.self, capacity: inputCount)
                copy.update(from: input, count: inputCount)
                x = UnsafePointer(copy)
            }

            // Weights as [group][tap][cin][V], zero past cout.
            for group in 0..<groups {
                for t in 0..<taps {
                    for c in 0..<cin {
                        let packedRow = packed + ((group * taps + t) * cin + c) * lanes
                        let src = w + t * tapStride + group * groupStride + c * kStride
                        var row = V()
                        for j in 0..<cout { row[j] = src[j * nStride] }
                        UnsafeMutableRawPointer(packedRow).storeBytes(of: row, as: V.self)
                    }
                }
            }

            // Per axis and output coordinate: how many taps reach it, then (input offset, weight
            // offset) pairs in tap order, already scaled by the axis' strides.
            let weightStrides = (a.kernel.1 * a.kernel.2 * cin * lanes, a.kernel.2 * cin * lanes, cin * lanes)
            let inputStrides = (inS0, inS1, inP)
            var cursor = 0
            var axisTable = (0, 0, 0)
            for slot in 0..<3 {
                Axes.set(&axisTable, slot, cursor)
                cursor = tapTable(into: table, at: cursor, transposed: transposed, outSize: Axes.get(a.outSize, slot),
                                  inSize: Axes.get(a.inSize, slot), kernel: Axes.get(a.kernel, slot),
                                  stride: Axes.get(a.stride, slot), dilation: Axes.get(a.dilation, slot),
                                  pad: Axes.get(a.pad, slot), inputStride: Axes.get(inputStrides, slot),
                                  weightStride: Axes.get(weightStrides, slot))
            }

            // Rows (n, o0, o1) in order; `done` rows are written out, `filled` more are staged.
            var done = 0, filled = 0
            for n in 0..<p.batch {
                var e0 = table + axisTable.0
                for _ in 0..<a.outSize.0 {
                    let n0 = e0[0]
                    var e1 = table + axisTable.1
                    for _ in 0..<a.outSize.1 {
                        let n1 = e1[0]
                        // The (input offset, weight offset) pairs of the two outer axes for this row.
                        var pairs = 0
                        for j0 in 0..<n0 {
                            for j1 in 0..<n1 {
                                outer[2 &* pairs] = n &* inN &+ e0[1 &+ 2 &* j0] &+ e1[1 &+ 2 &* j1]
                                outer[2 &* pairs &+ 1] = e0[2 &+ 2 &* j0] &+ e1[2 &+ 2 &* j1]
                                pairs &+= 1
                            }
                        }
                        // Each pixel's sum is stored one pixel late: were a later load ever taken
                        // for a reload of that store (4K aliasing), its value is already there.
                        let row = staged + filled &* rowSize
                        var e2 = table + axisTable.2
                        var pending = V(), pendingAt = row
                        for o2 in 0..<a.outSize.2 {
                            let n2 = e2[0]
                            for group in 0..<groups {
                                let sum = pixel(V.self, C.self, outer: outer, outerCount: pairs, inner: e2 + 1, innerCount: n2,
                                                rows: x + (group &* cin &* inC), weights: packed + (group &* taps &* cin &* lanes),
                                                cin: cin, inC: inC)
                                UnsafeMutableRawPointer(pendingAt).storeBytes(of: pending, as: V.self)
                                pending = sum
                                pendingAt = row + (o2 &* outChannels &+ group &* cout)
                            }
                            e2 += 1 &+ 2 &* n2
                        }
                        UnsafeMutableRawPointer(pendingAt).storeBytes(of: pending, as: V.self)
                        filled += 1
                        if filled == blockRows || done + filled == rows {
                            writeRows(staged, count: filled, from: done, to: y, rowSize: rowSize, rowsPerItem: rowsPerItem,
                                      itemStride: outN, rowStride: outS1, pixels: a.outSize.2, channels: outChannels,
                                      channelStride: outC, as: V.self)
                            done += filled
                            filled = 0
                        }
                        e1 += 1 &+ 2 &* n1
                    }
                    e0 += 1 &+ 2 &* n0
                }
            }
        }

        // Channels-last input with 1 to 4 channels per group (the teaching sizes): the channel loop
        // compiled for that count, with no loop and no per-channel stride.
        func dispatch(_ base: UnsafeMutableRawPointer) {
            switch inC == 1 ? cin : 0 {
            case 1: compute(base, OneChannel.self)
            case 2: compute(base, TwoChannels.self)
            case 3: compute(base, ThreeChannels.self)
            case 4: compute(base, FourChannels.self)
            default: compute(base, AnyChannels.self)
            }
        }

        // Stack blocks come zeroed (Swift has no uninitialised locals), so the smallest that fits.
        if scratchBytes <= 4096 {
            var storage = InlineArray<64, SIMD16<Float>>(repeating: .zero)
            withUnsafeMutableBytes(of: &storage) { raw in
                if let base = raw.baseAddress { dispatch(base) }
            }
        } else if scratchBytes <= stackScratchBytes {
            var storage = InlineArray<256, SIMD16<Float>>(repeating: .zero)
            withUnsafeMutableBytes(of: &storage) { raw in
                if let base = raw.baseAddress { dispatch(base) }
            }
        } else {
            let base = AlignedMemory.allocate(bytes: scratchBytes)
            defer { AlignedMemory.free(base) }
            dispatch(base)
        }
    }

    /// Writes one axis' tap table at `table[start...]` and returns the index past it: per output
    /// coordinate `o`, the number of taps that reach it, then for each (in tap order) the input
    /// coordinate times `inputStride` and the tap times `weightStride`.
    ///
    /// A transposed op reaches `o` from tap `k` when `o + pad - k*d` is a multiple of the stride;
    /// writing `o + pad = q*s + r` and `k*d = kq*s + kr`, that is `r == kr`, from input `q - kq`.
    /// Both quotient-remainder pairs are stepped rather than divided (one division per axis).
    private static func tapTable(into table: UnsafeMutablePointer<Int>, at start: Int, transposed: Bool, outSize: Int,
                                 inSize: Int, kernel: Int, stride s: Int, dilation d: Int, pad: Int, inputStride: Int,
                                 weightStride: Int) -> Int {
        var cursor = start
        // o + pad = q*s + r with 0 <= r < s (pad may be negative).
        var q = pad >= 0 ? pad / s : -((-pad + s - 1) / s)
        var r = pad - q * s
        let dq = d / s, dr = d - dq * s
        for o in 0..<outSize {
            let countAt = cursor
            cursor += 1
            var kq = 0, kr = 0
            for k in 0..<kernel {
                let i: Int
                if transposed {
                    i = kr == r ? q - kq : -1
                    kr += dr; kq += dq
                    if kr >= s { kr -= s; kq += 1 }
                } else {
                    i = o * s + k * d - pad
                }
                guard i >= 0 && i < inSize else { continue }
                table[cursor] = i * inputStride
                table[cursor + 1] = k * weightStride
                cursor += 2
            }
            table[countAt] = (cursor - countAt - 1) / 2
            r += 1
            if r == s { r = 0; q += 1 }
        }
        return cursor
    }

    /// One output pixel of one group: the sum over the row's outer pairs times the pixel's inner
    /// pairs and the input channels. Four partial sums (channel index mod 4) keep the multiply-add
    /// dependency chains short; the order of the terms is fixed per pixel.
    @inline(__always)
    private static func pixel<T: FastScalar, V: SIMD, C: InputChannels>(_: V.Type, _: C.Type, outer: UnsafePointer<Int>,
                                                                        outerCount: Int,
                                                      inner: UnsafePointer<Int>, innerCount: Int, rows: UnsafePointer<T>,
                                                      weights: UnsafePointer<T>, cin: Int, inC: Int) -> V where V.Scalar == T {
        @inline(__always) func load(_ p: UnsafePointer<T>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
        let lanes = V.scalarCount
        var s0 = V(), s1 = V(), s2 = V(), s3 = V()
        for j in 0..<outerCount {
            let rowBase = rows + outer[2 &* j], weightBase = weights + outer[2 &* j &+ 1]
            for j2 in 0..<innerCount {
                var xp = rowBase + inner[2 &* j2]
                var wp = weightBase + inner[2 &* j2 &+ 1]
                if C.count > 0 {
                    // Channels-last, C.count channels: constants, so no loop is left.
                    s0.addProduct(V(repeating: xp[0]), load(wp))
                    if C.count > 1 { s1.addProduct(V(repeating: xp[1]), load(wp + lanes)) }
                    if C.count > 2 { s2.addProduct(V(repeating: xp[2]), load(wp + 2 &* lanes)) }
                    if C.count > 3 { s3.addProduct(V(repeating: xp[3]), load(wp + 3 &* lanes)) }
                    continue
                }
                var c = 0
                while c &+ 3 < cin {
                    s0.addProduct(V(repeating: xp[0]), load(wp))
                    s1.addProduct(V(repeating: xp[inC]), load(wp + lanes))
                    s2.addProduct(V(repeating: xp[2 &* inC]), load(wp + 2 &* lanes))
                    s3.addProduct(V(repeating: xp[3 &* inC]), load(wp + 3 &* lanes))
                    xp += 4 &* inC
                    wp += 4 &* lanes
                    c &+= 4
                }
                if c &+ 1 < cin {
                    s0.addProduct(V(repeating: xp[0]), load(wp))
                    s1.addProduct(V(repeating: xp[inC]), load(wp + lanes))
                    xp += 2 &* inC
                    wp += 2 &* lanes
                    c &+= 2
                }
                if c < cin { s2.addProduct(V(repeating: xp[0]), load(wp)) }
            }
        }
        return (s0 + s1) + (s2 + s3)
    }

    /// Copies `count` staged channels-last rows (`pixels` x `channels` each), rows `first...` of
    /// the output in (n, o0, o1) order, to the output: one vector copy when the output is
    /// channels-last (its rows are then consecutive), a scatter along the channel stride otherwise.
    @inline(__always)
    private static func writeRows<T: FastScalar, V: SIMD>(_ staged: UnsafePointer<T>, count: Int, from first: Int,
                                                          to out: UnsafeMutablePointer<T>, rowSize: Int, rowsPerItem: Int,
                                                          itemStride: Int, rowStride: Int, pixels: Int, channels: Int,
                                                          channelStride: Int, as _: V.Type) where V.Scalar == T {
        if channelStride == 1 {
            (out + first &* rowSize).update(from: staged, count: count &* rowSize)
            return
        }
        for r in 0..<count {
            let row = first &+ r
            let item = row / rowsPerItem, rowInItem = row - item &* rowsPerItem
            let target = out + (item &* itemStride &+ rowInItem &* rowStride)
            let source = staged + r &* rowSize
            for o in 0..<pixels {
                for c in 0..<channels { target[o &+ c &* channelStride] = source[o &* channels &+ c] }
            }
        }
    }
}

/// The input channels per group as a compile-time constant for the pixel loop (`count` 1...4), or
/// 0 for "read it at run time" (any count, any channel stride).
private protocol InputChannels { static var count: Int { get } }
private enum AnyChannels: InputChannels { static var count: Int { 0 } }
private enum OneChannel: InputChannels { static var count: Int { 1 } }
private enum TwoChannels: InputChannels { static var count: Int { 2 } }
private enum ThreeChannels: InputChannels { static var count: Int { 3 } }
private enum FourChannels: InputChannels { static var count: Int { 4 } }
