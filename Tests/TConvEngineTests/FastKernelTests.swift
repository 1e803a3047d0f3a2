import Testing
import Synchronization
@testable import TConvEngine

/// The fast kernels against the reference kernels (the definition), over seeded random shapes.
///
/// Tolerance: a sum of n products evaluated in any order (with or without fused multiply-adds)
/// is within n*u*sum|products| of the exact sum (u = 2^-24 for float32, 2^-53 for float64), so
/// the fast and reference results may differ by 2*(n+1)*u*sum|products| per element, with
/// sum|products| computed here by the reference kernel on |x| and |w| in float64.

/// A random geometry, small enough for the reference loops in a debug build.
private func randomProblem(_ rng: inout SeededRandom, transposed: Bool, rank: Int? = nil, channels: ClosedRange<Int> = 1...20,
                           groups allowGroups: Bool = false) -> ConvProblem {
    let r = rank ?? rng.draw(1...3)
    var image = [Int](), feature = [Int](), kernel = [Int](), strides = [Int](), dilations = [Int](), pads = [Int]()
    for _ in 0..<r {
        let k = rng.draw(1...(r == 3 ? 3 : 5)), s = rng.draw(1...4), d = rng.draw(0...3) == 0 ? rng.draw(2...3) : 1
        kernel.append(k); strides.append(s); dilations.append(d)
        pads.append(rng.draw(0...((k - 1) * d + 1)))
        feature.append(rng.draw(1...(r == 3 ? 4 : 7)))
        image.append(rng.draw(1...(r == 3 ? 9 : 16)))
    }
    let groups = allowGroups && !transposed ? [1, 2, 3][rng.draw(0...2)] : 1
    var imageChannels = rng.draw(channels), featureChannels = rng.draw(channels)
    // Make the dot kernel's channel multiple (16 floats) appear often.
    if rng.draw(0...2) == 0 { featureChannels = 16 * rng.draw(1...2) }
    if rng.draw(0...3) == 0 { imageChannels = 16 * rng.draw(1...2) }
    imageChannels = max(groups, imageChannels / groups * groups)
    featureChannels = max(groups, featureChannels / groups * groups)
    return ConvProblem(rank: r, batch: rng.draw(1...3), image: image, feature: feature, kernel: kernel, strides: strides,
                       dilations: dilations, padBefore: pads, padAfter: pads, imageChannels: imageChannels,
                       featureChannels: featureChannels, groups: groups, channelsFirst: rng.draw(0...3) == 0)
}

private struct Operands<T: EngineScalar> {
    var x: [T]
    var w: [T]
    var outCount: Int
}

private func operands<T: EngineScalar>(_ p: ConvProblem, transposed: Bool, _ rng: inout SeededRandom, as: T.Type) -> Operands<T> {
    let inCount = (transposed ? p.featureShape : p.imageShape).reduce(1, *)
    let outCount = (transposed ? p.imageShape : p.featureShape).reduce(1, *)
    let wCount = p.filterShape.reduce(1, *)
    return Operands(x: (0..<inCount).map { _ in T(rng.signedUnit()) }, w: (0..<wCount).map { _ in T(rng.signedUnit()) }, outCount: outCount)
}

func reference<T: EngineScalar>(_ p: ConvProblem, transposed: Bool, x: [T], w: [T], count: Int) throws -> [T] {
    var out = [T](repeating: 0, count: count)
    try x.withUnsafeBufferPointer { xp in
        try w.withUnsafeBufferPointer { wp in
            try out.withUnsafeMutableBufferPointer { op in
                if transposed { try ReferenceKernels.transposed(p, input: xp, filter: wp, output: op) }
                else { try ReferenceKernels.forward(p, input: xp, filter: wp, output: op) }
            }
        }
    }
    return out
}

/// Runs the fast kernels; nil when they decline the problem.
func fast<T: EngineScalar>(_ p: ConvProblem, transposed: Bool, x: [T], w: [T], count: Int, threads: Int = 1,
                                   kernel: FastPlan.Kernel? = nil, parallelThreshold: Int = FastKernels.parallelThreshold,
                                   packBudget: Int = FastKernels.workspaceLimit / 2, control: ComputeControl? = nil,
                                   fold: Bool? = nil, winograd: Bool = true, overlap: Bool? = nil) throws -> [T]? {
    // NaN everywhere first: the fast kernels must write every output element themselves.
    var out = [T](repeating: .nan, count: count)
    let ran = try x.withUnsafeBufferPointer { xp in
        try w.withUnsafeBufferPointer { wp in
            try out.withUnsafeMutableBufferPointer { op in
                try FastKernels.run(p, transposed: transposed, input: xp, filter: wp, output: op, threads: threads,
                                    control: control, kernel: kernel, parallelThreshold: parallelThreshold, packBudget: packBudget,
                                    fold: fold, winograd: winograd, overlap: overlap)
            }
        }
    }
    return ran ? out : nil
}

/// Compares with the summation bound; describes the first differences and the largest one.
private func mismatch<T: EngineScalar>(_ got: [T], _ want: [T], magnitude: [Double], terms: Int, u: Double) -> String? {
    var worst = 0.0, worstIndex = 0, bad = [String](), badCount = 0
    for i in 0..<want.count {
        let diff = abs(Double(got[i]) - Double(want[i]))
        let bound = 2 * Double(terms + 1) * u * magnitude[i]
        if diff > worst { worst = diff; worstIndex = i }
        if !(diff <= bound) {
            badCount += 1
            if bad.count < 4 { bad.append("[\(i)] fast \(got[i]) reference \(want[i]) (bound \(bound))") }
        }
    }
    guard badCount > 0 else { return nil }
    return "\(badCount) of \(want.count) differ: " + bad.joined(separator: ", ") + "; largest difference \(worst) at [\(worstIndex)]"
}

private func magnitudes(_ p: ConvProblem, transposed: Bool, x: [Double], w: [Double], count: Int) throws -> [Double] {
    try reference(p, transposed: transposed, x: x.map { abs($0) }, w: w.map { abs($0) }, count: count)
}

private func check(_ p: ConvProblem, transposed: Bool, seed: UInt64, kernels: [FastPlan.Kernel?], fold: Bool? = nil,
                   overlap: Bool? = nil) throws {
    var rng = SeededRandom(seed: seed)
    let o64 = operands(p, transposed: transposed, &rng, as: Double.self)
    let terms = p.kernel.reduce(1, *) * (transposed ? p.featureChannels : p.imageChannels) / p.groups
    let magnitude = try magnitudes(p, transposed: transposed, x: o64.x, w: o64.w, count: o64.outCount)
    let want64 = try reference(p, transposed: transposed, x: o64.x, w: o64.w, count: o64.outCount)
    let x32 = o64.x.map { Float($0) }, w32 = o64.w.map { Float($0) }
    let want32 = try reference(p, transposed: transposed, x: x32, w: w32, count: o64.outCount)
    for kernel in kernels {
        let label = "\(transposed ? "transposed" : "forward") \(p) kernel \(kernel.map { "\($0)" } ?? "auto") fold \(fold.map { "\($0)" } ?? "auto")"
            + " overlap \(overlap.map { "\($0)" } ?? "auto")"
        if let got = try fast(p, transposed: transposed, x: o64.x, w: o64.w, count: o64.outCount, kernel: kernel, fold: fold,
                              overlap: overlap) {
            let m = mismatch(got, want64, magnitude: magnitude, terms: terms, u: 0x1p-53)
            #expect(m == nil, "float64 \(label): \(m ?? "")")
        } else {
            #expect(kernel != nil, "fast path declined \(label)")
        }
        if let got = try fast(p, transposed: transposed, x: x32, w: w32, count: o64.outCount, kernel: kernel, fold: fold,
                              overlap: overlap) {
            let m = mismatch(got, want32, magnitude: magnitude, terms: terms, u: 0x1p-24)
            #expect(m == nil, "float32 \(label): \(m ?? "")")
        }
    }
}

private let allKernels: [FastPlan.Kernel?] = [nil] + FastPlan.DotTile.allCases.map { .dot($0) } + FastPlan.Tile.allCases.map { .tile($0) }

@Test func transposedMatchesReferenceOnRandomShapes() throws {
    var rng = SeededRandom(seed: 0x7A57)
    for index in 0..<24 * fuzzScale {
        let p = randomProblem(&rng, transposed: true)
        try check(p, transposed: true, seed: UInt64(index), kernels: allKernels)
    }
}

@Test func forwardMatchesReferenceOnRandomShapesWithGroups() throws {
    var rng = SeededRandom(seed: 0xF0E)
    for index in 0..<24 * fuzzScale {
        let p = randomProblem(&rng, transposed: false, groups: true)
        try check(p, transposed: false, seed: UInt64(1 << 20 + index), kernels: allKernels)
    }
}

@Test func edgeShapes() throws {
    // C = 1 both sides; stride larger than the kernel (phases no tap reaches stay zero); kernel ==
    // stride; a 1x1 kernel; dilation with stride; a pad larger than the kernel extent.
    let cases: [ConvProblem] = [
        ConvProblem(rank: 2, batch: 1, image: [11, 11], feature: [5, 5], kernel: [3, 3], strides: [2, 2], dilations: [1, 1],
                    padBefore: [0, 0], padAfter: [0, 0], imageChannels: 1, featureChannels: 1),
        ConvProblem(rank: 2, batch: 2, image: [13, 9], feature: [3, 2], kernel: [2, 2], strides: [5, 4], dilations: [1, 1],
                    padBefore: [0, 1], padAfter: [0, 0], imageChannels: 3, featureChannels: 17),
        ConvProblem(rank: 3, batch: 1, image: [4, 4, 6], feature: [2, 2, 3], kernel: [2, 2, 2], strides: [2, 2, 2], dilations: [1, 1, 1],
                    padBefore: [0, 0, 0], padAfter: [0, 0, 0], imageChannels: 33, featureChannels: 32),
        ConvProblem(rank: 1, batch: 3, image: [7], feature: [7], kernel: [1], strides: [1], dilations: [1],
                    padBefore: [0], padAfter: [0], imageChannels: 5, featureChannels: 64),
        ConvProblem(rank: 2, batch: 1, image: [9, 10], feature: [4, 5], kernel: [3, 3], strides: [2, 3], dilations: [2, 3],
                    padBefore: [2, 3], padAfter: [0, 0], imageChannels: 20, featureChannels: 16, channelsFirst: true),
        ConvProblem(rank: 1, batch: 1, image: [3], feature: [2], kernel: [2], strides: [1], dilations: [1],
                    padBefore: [9], padAfter: [0], imageChannels: 2, featureChannels: 2),
    ]
    for (index, p) in cases.enumerated() {
        try check(p, transposed: true, seed: UInt64(500 + index), kernels: allKernels)
        try check(p, transposed: false, seed: UInt64(600 + index), kernels: allKernels)
    }
}

/// The transposed `p` in float32 on 2 and 3 threads (threads from the smallest size on) gives the
/// same bits as on 1.
private func expectSameBitsOnAnyThreadCount(_ p: ConvProblem, _ label: String, _ rng: inout SeededRandom) throws {
    let o = operands(p, transposed: true, &rng, as: Float.self)
    let one = try fast(p, transposed: true, x: o.x, w: o.w, count: o.outCount, threads: 1, parallelThreshold: 0)
    for threads in [2, 3] {
        let many = try fast(p, transposed: true, x: o.x, w: o.w, count: o.outCount, threads: threads, parallelThreshold: 0)
        #expect(one == many, "\(label): \(threads) threads differ from 1")
    }
}

@Test func foldedLastAxisMatchesReference() throws {
    // Last axis with K a multiple of the stride: its blocks of s columns run folded into s * C_out
    // channels, the columns at the ends outside whole blocks in ordinary phases. Pads from 0 to
    // past the kernel (blocks cut at both ends, or none whole: the fast path then runs unfolded),
    // taps that read only padding, 1-D to 3-D, channels-first, batches; folded and unfolded both
    // against the reference.
    var rng = SeededRandom(seed: 0xF01D)
    var folded = 0
    for index in 0..<28 {
        var p = randomProblem(&rng, transposed: true, channels: 1...24)
        let last = p.rank - 1, s = rng.draw(2...4), k = s * rng.draw(1...3)
        p.strides[last] = s; p.kernel[last] = k; p.dilations[last] = 1
        p.padBefore[last] = rng.draw(0...(k + 1)); p.padAfter[last] = p.padBefore[last]
        p.feature[last] = rng.draw(1...6)
        p.image[last] = max(1, s * p.feature[last] + rng.draw(-k...k))
        if index % 4 == 0 { p.imageChannels = 21 }
        if FastGeometry.foldedBlocks(p.asThreeD, axis: 2) != nil { folded += 1 }
        try check(p, transposed: true, seed: UInt64(1200 + index), kernels: [nil], fold: true)
        try check(p, transposed: true, seed: UInt64(1300 + index), kernels: [nil], fold: false)
    }
    #expect(folded >= 20, "only \(folded) of 28 shapes had whole blocks to fold")
    // FCN's upsampler shape, smaller: folded in several work units, the same bits on any thread count.
    let fcn = ConvProblem(rank: 2, batch: 1, image: [16, 128], feature: [2, 16], kernel: [16, 16], strides: [8, 8], dilations: [1, 1],
                          padBefore: [4, 4], padAfter: [4, 4], imageChannels: 21, featureChannels: 21)
    #expect(FastKernels.foldPays(fcn, vectorWidth: 16))
    try expectSameBitsOnAnyThreadCount(fcn, "folded", &rng)
    try check(fcn, transposed: true, seed: 1400, kernels: [nil])
}

@Test func overlappingLastAxisMatchesReference() throws {
    // Last axis with stride 2 and three taps: its column pairs run as overlapping blocks
    // (`FastOverlapFold`), the columns outside whole blocks through the general kernels. Crops from
    // 0 to past the kernel (blocks cut at both ends), rows of 1 to 17 blocks (every tile width, and
    // rows of several tiles), any stride, kernel and dilation on the other axes (taps reading only
    // padding, phases no tap reaches), 1-D to 3-D, channels-first, batches, input channels that
    // are and are not a multiple of V, 2V and 4V output channels; float32 and float64 (where 2V
    // is 16 channels and 32 are 4V) against the reference.
    var rng = SeededRandom(seed: 0x0E1A)
    var ran = 0
    for index in 0..<24 * fuzzScale {
        var p = randomProblem(&rng, transposed: true)
        let last = p.rank - 1
        p.strides[last] = 2; p.kernel[last] = 3; p.dilations[last] = 1
        p.padBefore[last] = rng.draw(0...4); p.padAfter[last] = p.padBefore[last]
        p.feature[last] = rng.draw(1...17)
        p.image[last] = max(1, 2 * p.feature[last] + rng.draw(-3...2))
        p.imageChannels = [16, 32, 64][rng.draw(0...2)]
        p.featureChannels = [3, 16, 21, 32][rng.draw(0...3)]
        for (v, bytes) in [(16, 4), (8, 8)] where FastOverlapFold(p, vectorWidth: v, elementBytes: bytes, forced: true) != nil {
            ran += 1
        }
        try check(p, transposed: true, seed: UInt64(1500 + index), kernels: [nil], overlap: true)
    }
    #expect(ran >= 24 * fuzzScale, "only \(ran) of \(48 * fuzzScale) runs (float32 and float64) took the overlapping blocks")
    // conv3d k3s2's shape, smaller: chosen on its own, several work units and tiles per row, the
    // same bits on any thread count, and the same as the phase-by-phase kernels within rounding.
    let conv3d = ConvProblem(rank: 3, batch: 1, image: [8, 8, 32], feature: [4, 4, 16], kernel: [3, 3, 3], strides: [2, 2, 2],
                             dilations: [1, 1, 1], padBefore: [0, 0, 0], padAfter: [1, 1, 1], imageChannels: 32, featureChannels: 64)
    #expect(FastOverlapFold(conv3d, vectorWidth: 16, elementBytes: 4, forced: false) != nil)
    #expect(FastOverlapFold(conv3d, vectorWidth: 8, elementBytes: 8, forced: false) == nil, "float64: 32 channels are 4V")
    try expectSameBitsOnAnyThreadCount(conv3d, "overlapping blocks", &rng)
    try check(conv3d, transposed: true, seed: 1600, kernels: [nil])
    try check(conv3d, transposed: true, seed: 1601, kernels: [nil], overlap: false)
}

@Test func lastChannelBlockGetsItsOwnTileWhenThatSavesLanes() {
    func plan(_ cout: Int, _ v: Int) -> FastPlan {
        let p = ConvProblem(rank: 2, batch: 1, image: [8, 8], feature: [8, 8], kernel: [3, 3], strides: [1, 1], dilations: [1, 1],
                            padBefore: [1, 1], padAfter: [1, 1], imageChannels: cout, featureChannels: 24)
        return FastPlan(FastGeometry(p, transposed: true), transposed: true, vectorWidth: v)
    }
    let fcn = plan(168, 16)
    #expect(fcn.kernel == .tile(.m6n4) && fcn.lastTile == .m6n3)
    #expect(fcn.blockSpan(1, cout: 168) == (64, 64) && fcn.blockSpan(2, cout: 168) == (128, 40))
    #expect(plan(88, 8).lastTile == .m6n3)
    #expect(plan(128, 16).lastTile == nil && plan(250, 16).lastTile == nil)
    #expect(plan(250, 16).kernel == .tile(.m6n4) && plan(250, 16).blockSpan(3, cout: 250) == (186, 64))
}

@Test func foldingIsChosenWhereItFillsLanes() {
    // FCN's 8x upsampler (21 classes, K = 16, stride 8, 64 -> 512) folds; the same at 8 -> 64 leaves
    // 8 of 64 columns at the ends and does not; K not a multiple of the stride, a dilation, or
    // channels that already fill the tiles do not either, except a pixel shuffle (K == s) whose
    // outputs each sum at most 128 products.
    func problem(_ k: Int, _ s: Int, _ d: Int, _ c: Int, input: Int = 8, cin: Int = 21) -> ConvProblem {
        ConvProblem(rank: 2, batch: 1, image: [input * s, input * s], feature: [input, input], kernel: [k, k], strides: [s, s],
                    dilations: [d, d], padBefore: [4, 4], padAfter: [4, 4], imageChannels: c, featureChannels: cin)
    }
    let fcn = problem(16, 8, 1, 21, input: 64)
    #expect(FastGeometry.foldedBlocks(fcn.asThreeD, axis: 2) == 1..<64)
    #expect(FastKernels.foldPays(fcn, vectorWidth: 16) && FastKernels.foldPays(fcn, vectorWidth: 8))
    #expect(FastGeometry.foldedBlocks(problem(16, 8, 1, 21).asThreeD, axis: 2) == 1..<8)
    #expect(!FastKernels.foldPays(problem(16, 8, 1, 21), vectorWidth: 16))
    #expect(FastGeometry.foldedBlocks(problem(5, 2, 1, 21).asThreeD, axis: 2) == nil)
    #expect(FastGeometry.foldedBlocks(problem(4, 2, 2, 21).asThreeD, axis: 2) == nil)
    // 128 channels fill 6x4V tiles folded or not: a shuffle with 21 or 128 products per output
    // folds, with 129 or 256 it does not, and K = 2s (overlapping taps) does not.
    #expect(FastKernels.foldPays(problem(2, 2, 1, 128), vectorWidth: 16))
    #expect(FastKernels.foldPays(problem(2, 2, 1, 128, cin: 128), vectorWidth: 8))
    #expect(!FastKernels.foldPays(problem(2, 2, 1, 128, cin: 129), vectorWidth: 8))
    #expect(!FastKernels.foldPays(problem(2, 2, 1, 128, cin: 256), vectorWidth: 16))
    #expect(FastGeometry.foldedBlocks(problem(4, 2, 1, 128).asThreeD, axis: 2) != nil)
    #expect(!FastKernels.foldPays(problem(4, 2, 1, 128), vectorWidth: 16))
}

@Test func outputChannelCountsAroundTileWidths() throws {
    // Channel counts below, at and between the tiles' widths (16/8 lanes for float/double): a tile
    // wider than C_out shifts its last column to end at C_out, several blocks overlap the last one,
    // too few channels go through the spill rows, and 2V to 3V channels after 6x4V blocks get a
    // 6x3V tile of their own (104 and 168 floats, 50 and 88 doubles).
    for (index, channels) in [3, 8, 12, 21, 24, 33, 50, 70, 88, 104, 168].enumerated() {
        let p = ConvProblem(rank: 2, batch: 1, image: [7, 6], feature: [4, 3], kernel: [3, 3], strides: [2, 2], dilations: [1, 1],
                            padBefore: [1, 1], padAfter: [1, 1], imageChannels: channels, featureChannels: 16 + index)
        try check(p, transposed: true, seed: UInt64(700 + index), kernels: allKernels)
        try check(p, transposed: false, seed: UInt64(800 + index), kernels: allKernels)
    }
}

@Test func packedChannelBlocksWithSeveralTransposeBlocks() throws {
    // The tile kernels' packed copy is block-major and is filled V x V at a time (16 floats, 8
    // doubles): C_in of several such blocks plus a ragged edge, and C_out of several channel blocks
    // whose last one overlaps the one before at an offset that is not a multiple of V.
    for (index, (cin, cout)) in [(48, 100), (40, 77), (33, 130)].enumerated() {
        let p = ConvProblem(rank: 2, batch: 2, image: [7, 9], feature: [4, 5], kernel: [3, 3], strides: [2, 2], dilations: [1, 1],
                            padBefore: [1, 1], padAfter: [1, 1], imageChannels: cout, featureChannels: cin,
                            channelsFirst: index == 2)
        try check(p, transposed: true, seed: UInt64(950 + index), kernels: allKernels)
    }
}

@Test func filtersTooLargeToRepackRunInPassesOrInPlace() throws {
    // A small budget for packed weights stands in for a filter of tens of MiB. Stride 2: the phases' weights are
    // packed pass by pass. Stride 1 (one phase) with C_in a multiple of 16: the dot kernel reads
    // the filter in place. Stride 1 with C_in = 20: nothing fits, the fast path declines.
    let strided = ConvProblem(rank: 2, batch: 2, image: [13, 12], feature: [6, 6], kernel: [4, 3], strides: [2, 2],
                              dilations: [1, 1], padBefore: [1, 1], padAfter: [1, 1], imageChannels: 40, featureChannels: 24)
    let single = ConvProblem(rank: 2, batch: 1, image: [9, 8], feature: [9, 8], kernel: [3, 3], strides: [1, 1],
                             dilations: [1, 1], padBefore: [1, 1], padAfter: [1, 1], imageChannels: 40, featureChannels: 32)
    var odd = single
    odd.featureChannels = 20
    for (index, (p, expectRun)) in [(strided, true), (single, true), (odd, false)].enumerated() {
        var rng = SeededRandom(seed: UInt64(900 + index))
        let o = operands(p, transposed: true, &rng, as: Double.self)
        let x32 = o.x.map { Float($0) }, w32 = o.w.map { Float($0) }
        let want = try reference(p, transposed: true, x: x32, w: w32, count: o.outCount)
        let magnitude = try magnitudes(p, transposed: true, x: o.x, w: o.w, count: o.outCount)
        let terms = p.kernel.reduce(1, *) * p.featureChannels
        // Room for about half of the filter: one phase of four packs, all of them do not.
        let budget = p.filterShape.reduce(1, *) * 4 / 2
        for threads in [1, 2] {
            let got = try fast(p, transposed: true, x: x32, w: w32, count: o.outCount, threads: threads, parallelThreshold: 0,
                               packBudget: budget)
            #expect((got != nil) == expectRun, "\(p): ran \(got != nil)")
            if let got {
                let m = mismatch(got, want, magnitude: magnitude, terms: terms, u: 0x1p-24)
                #expect(m == nil, "\(p) in passes: \(m ?? "")")
                let whole = try fast(p, transposed: true, x: x32, w: w32, count: o.outCount, threads: 1, parallelThreshold: 0,
                                     packBudget: budget)
                #expect(whole == got, "\(p): \(threads) threads differ from 1")
            }
        }
    }
}

@Test func outputsLargerThanL2MatchReference() throws {
    // Outputs over 1 MiB take the path that prefetches each next tile's output lines (the others
    // in this file are smaller): 48 x 48 x 120 floats is 1.05 MiB, in doubles 2.1 MiB. A 2x2 kernel
    // of stride 2 keeps the reference loops cheap; the second problem has 4 taps per phase, a
    // batch and channels first.
    let unetLike = ConvProblem(rank: 2, batch: 1, image: [48, 48], feature: [24, 24], kernel: [2, 2], strides: [2, 2],
                               dilations: [1, 1], padBefore: [0, 0], padAfter: [0, 0], imageChannels: 120, featureChannels: 8)
    let batched = ConvProblem(rank: 2, batch: 2, image: [40, 34], feature: [20, 17], kernel: [4, 4], strides: [2, 2],
                              dilations: [1, 1], padBefore: [1, 1], padAfter: [1, 1], imageChannels: 100, featureChannels: 6,
                              channelsFirst: true)
    for (index, p) in [unetLike, batched].enumerated() {
        try check(p, transposed: true, seed: UInt64(1100 + index), kernels: [nil])
        var rng = SeededRandom(seed: UInt64(1110 + index))
        let o = operands(p, transposed: true, &rng, as: Float.self)
        let one = try fast(p, transposed: true, x: o.x, w: o.w, count: o.outCount, threads: 1)
        let two = try fast(p, transposed: true, x: o.x, w: o.w, count: o.outCount, threads: 2, parallelThreshold: 0)
        #expect(one != nil && one == two, "\(p): 2 threads differ from 1")
    }
}

@Test func resultDoesNotDependOnThreadCount() throws {
    var rng = SeededRandom(seed: 0x7EAD)
    for index in 0..<6 * fuzzScale {
        let transposed = index % 2 == 0
        let p = randomProblem(&rng, transposed: transposed, rank: 2, channels: 16...40)
        let o = operands(p, transposed: transposed, &rng, as: Float.self)
        for kernel in allKernels {
            let one = try fast(p, transposed: transposed, x: o.x, w: o.w, count: o.outCount, threads: 1, kernel: kernel,
                               parallelThreshold: 0)
            for threads in [2, 3, 8] {
                let many = try fast(p, transposed: transposed, x: o.x, w: o.w, count: o.outCount, threads: threads, kernel: kernel,
                                    parallelThreshold: 0)
                #expect(one == many, "\(p) kernel \(kernel.map { "\($0)" } ?? "auto"): \(threads) threads differ from 1")
            }
        }
    }
}

@Test func cancelledControlStopsTheRunAndProgressCompletesOtherwise() throws {
    // The phase-by-phase tiles, and the overlapping column pairs with an edge column left to them.
    let tiles = ConvProblem(rank: 2, batch: 2, image: [16, 16], feature: [8, 8], kernel: [4, 4], strides: [2, 2], dilations: [1, 1],
                            padBefore: [1, 1], padAfter: [1, 1], imageChannels: 32, featureChannels: 32)
    let pairs = ConvProblem(rank: 2, batch: 2, image: [16, 15], feature: [8, 8], kernel: [3, 3], strides: [2, 2], dilations: [1, 1],
                            padBefore: [0, 1], padAfter: [1, 1], imageChannels: 32, featureChannels: 32)
    #expect(FastOverlapFold(pairs, vectorWidth: 16, elementBytes: 4, forced: false).map { !$0.coversLastAxis } == true)
    for p in [tiles, pairs] {
        var rng = SeededRandom(seed: 9)
        let o = operands(p, transposed: true, &rng, as: Float.self)
        let control = ComputeControl()
        _ = try fast(p, transposed: true, x: o.x, w: o.w, count: o.outCount, threads: 2, parallelThreshold: 0, control: control)
        #expect(control.progress == 1)
        control.cancel()
        for threads in [1, 2] {
            #expect(throws: EngineError.self) {
                _ = try fast(p, transposed: true, x: o.x, w: o.w, count: o.outCount, threads: threads, parallelThreshold: 0,
                             control: control)
            }
        }
    }
}

@Test func engineRunsTheFastPathAndMatchesGoldenStyleExactSums() throws {
    // Multiples of 1/8 make every sum exact, so the auto path must equal the reference bit for bit.
    var rng = SeededRandom(seed: 77)
    for _ in 0..<10 {
        let p = randomProblem(&rng, transposed: true, channels: 1...33)
        let inCount = p.featureShape.reduce(1, *), wCount = p.filterShape.reduce(1, *)
        let x = (0..<inCount).map { _ in Float(rng.draw(-16...16)) / 8 }, w = (0..<wCount).map { _ in Float(rng.draw(-16...16)) / 8 }
        let count = p.imageShape.reduce(1, *)
        let want = try reference(p, transposed: true, x: x, w: w, count: count)
        let got = try fast(p, transposed: true, x: x, w: w, count: count, threads: 2, parallelThreshold: 0)
        #expect(got == want, "\(p)")
    }
}

/// Counts of the units a job ran and the worker indices it used.
private final class Tally: Sendable {
    let counts: Mutex<[Int]>
    let workers = Mutex<Set<Int>>([])
    init(units: Int) { counts = Mutex(Array(repeating: 0, count: units)) }
}

@Test func workerPoolRunsEveryUnitOnceWhateverThePartsAndThreads() throws {
    // Each worker takes its own part of the units first, then what is left of the others': every
    // unit exactly once, with fewer units than parts, uneven parts, and more threads than cores.
    for units in [1, 2, 3, 5, 48, 101] {
        for threads in [1, 2, 3, 8] {
            let tally = Tally(units: units)
            try FastParallel.run(units: units, threads: threads, control: nil, checkpoints: false) { unit, worker in
                tally.counts.withLock { $0[unit] += 1 }
                tally.workers.withLock { _ = $0.insert(worker) }
            }
            #expect(tally.counts.withLock { $0 } == Array(repeating: 1, count: units), "\(units) units, \(threads) threads")
            #expect(tally.workers.withLock { $0.allSatisfy { (0..<threads).contains($0) } }, "\(units) units, \(threads) threads")
        }
    }
}
