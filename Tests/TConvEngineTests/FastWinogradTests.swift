import Testing
@testable import TConvEngine

/// The Winograd F(2x2, 3x3) path (`FastWinograd`) against the reference kernels.
///
/// Exact data (multiples of 1/8): every transform only adds and halves, so all its intermediate
/// values stay exact, and the result must equal the reference bit for bit. That checks the tiling,
/// the padding, the dilation's sub-grids, the partial tiles at the edges and the channel blocks.
///
/// Random data: the rounding of F(2x2, 3x3) is bounded by the transforms applied to absolute values.
/// Every transformed weight is a combination of the 3x3 weights with coefficients of at most 1 in
/// magnitude, so |U| <= sum|g|; every transformed input likewise |V| <= sum of |x| over the 4x4
/// patch; an output combines 9 of the 16 products with coefficients +-1. Along the way a value goes
/// through at most 2 + 4 additions in the transforms, 1 product, the C_in-term sum and 4 more
/// additions, so |fast - exact| <= gamma(C_in + 11) * 9 * sum over channels of sum|g| * sum|x|.
/// The patch of an output's tile lies within rows (and columns) a + o + d*(-1...3) of the input,
/// a being the lowest input offset of its taps; the tests sum |x| over that 5x5 window.

/// Problems the transform takes: 3x3, stride 1, 2-D; dilations, paddings and sizes that leave
/// partial tiles; transposed and forward; both layouts.
private let shapes: [(ConvProblem, Bool)] = [
    (ConvProblem(rank: 2, batch: 2, image: [11, 10], feature: [11, 10], kernel: [3, 3], strides: [1, 1], dilations: [1, 1],
                 padBefore: [1, 1], padAfter: [1, 1], imageChannels: 64, featureChannels: 32), true),
    (ConvProblem(rank: 2, batch: 1, image: [13, 9], feature: [13, 9], kernel: [3, 3], strides: [1, 1], dilations: [2, 2],
                 padBefore: [2, 2], padAfter: [2, 2], imageChannels: 64, featureChannels: 48, channelsFirst: true), true),
    (ConvProblem(rank: 2, batch: 1, image: [10, 11], feature: [8, 9], kernel: [3, 3], strides: [1, 1], dilations: [1, 1],
                 padBefore: [0, 0], padAfter: [0, 0], imageChannels: 64, featureChannels: 32), true),
    (ConvProblem(rank: 2, batch: 1, image: [12, 12], feature: [10, 10], kernel: [3, 3], strides: [1, 1], dilations: [1, 1],
                 padBefore: [0, 0], padAfter: [0, 0], imageChannels: 32, featureChannels: 64), false),
    (ConvProblem(rank: 2, batch: 2, image: [17, 16], feature: [13, 16], kernel: [3, 3], strides: [1, 1], dilations: [3, 2],
                 padBefore: [2, 3], padAfter: [0, 1], imageChannels: 48, featureChannels: 128), false),
]

/// The fast path's geometry of `p` (one batch item, channels-last), to see that the transform applies.
private func takesTransform(_ p: ConvProblem, transposed: Bool, vectorWidth v: Int) -> Bool {
    var item = p
    item.batch = 1
    item.channelsFirst = false
    return FastWinograd(FastGeometry(item, transposed: transposed), vectorWidth: v) != nil
}

@Test func winogradAppliesToTheseShapesAndNotToOthers() {
    for (p, transposed) in shapes {
        #expect(takesTransform(p, transposed: transposed, vectorWidth: 16), "float32 \(p)")
        #expect(takesTransform(p, transposed: transposed, vectorWidth: 8), "float64 \(p)")
    }
    let base = shapes[0].0
    var stride2 = base; stride2.strides = [2, 2]; stride2.feature = [6, 5]
    var kernel5 = base; kernel5.kernel = [5, 5]; kernel5.padBefore = [2, 2]; kernel5.padAfter = [2, 2]
    var fewIn = base; fewIn.featureChannels = 16
    var oddOut = base; oddOut.imageChannels = 48
    for p in [stride2, kernel5, fewIn, oddOut] {
        #expect(!takesTransform(p, transposed: true, vectorWidth: 16), "\(p)")
    }
}

@Test func winogradGivesExactSumsExactly() throws {
    for (index, (p, transposed)) in shapes.enumerated() {
        var rng = SeededRandom(seed: UInt64(4100 + index))
        let inCount = (transposed ? p.featureShape : p.imageShape).reduce(1, *)
        let outCount = (transposed ? p.imageShape : p.featureShape).reduce(1, *)
        let x = (0..<inCount).map { _ in rng.eighth() }, w = (0..<p.filterShape.reduce(1, *)).map { _ in rng.eighth() }
        let want = try reference(p, transposed: transposed, x: x, w: w, count: outCount)
        let got64 = try fast(p, transposed: transposed, x: x, w: w, count: outCount, threads: 2)
        #expect(got64 == want, "float64 \(p)")
        let got32 = try fast(p, transposed: transposed, x: x.map { Float($0) }, w: w.map { Float($0) }, count: outCount, threads: 2)
        #expect(got32 == want.map { Float($0) }, "float32 \(p)")
    }
}

@Test func winogradStaysWithinItsRoundingBound() throws {
    // Channels-last shapes (the bound below indexes channels-last data).
    for (index, (p, transposed)) in shapes.enumerated() where !p.channelsFirst {
        var rng = SeededRandom(seed: UInt64(4200 + index))
        let inShape = transposed ? p.featureShape : p.imageShape, outShape = transposed ? p.imageShape : p.featureShape
        let x = (0..<inShape.reduce(1, *)).map { _ in rng.signedUnit() }
        let w = (0..<p.filterShape.reduce(1, *)).map { _ in rng.signedUnit() }
        let want = try reference(p, transposed: transposed, x: x, w: w, count: outShape.reduce(1, *))
        let bound = roundingScale(p, transposed: transposed, x: x, w: w)
        let cin = transposed ? p.featureChannels : p.imageChannels
        let got64 = try #require(try fast(p, transposed: transposed, x: x, w: w, count: want.count, threads: 2))
        let got32 = try #require(try fast(p, transposed: transposed, x: x.map { Float($0) }, w: w.map { Float($0) }, count: want.count,
                                          threads: 2))
        // The float64 reference's own error (9 C_in terms) is added to both comparisons.
        let reference = 2 * Double(9 * cin + 1) * 0x1p-53
        var worst32 = 0.0, worst64 = 0.0
        for i in 0..<want.count {
            worst32 = max(worst32, abs(Double(got32[i]) - want[i]) / ((2 * Double(cin + 12) * 0x1p-24 + reference) * bound[i]))
            worst64 = max(worst64, abs(got64[i] - want[i]) / ((2 * Double(cin + 12) * 0x1p-53 + reference) * bound[i]))
        }
        #expect(worst32 <= 1, "float32 \(p): worst error / bound \(worst32)")
        #expect(worst64 <= 1, "float64 \(p): worst error / bound \(worst64)")
    }
}

@Test func winogradDoesNotDependOnThreadCountAndMatchesTheDirectKernels() throws {
    let (p, transposed) = shapes[4]
    var rng = SeededRandom(seed: 4300)
    let inCount = (transposed ? p.featureShape : p.imageShape).reduce(1, *)
    let outCount = (transposed ? p.imageShape : p.featureShape).reduce(1, *)
    let x = (0..<inCount).map { _ in Float(rng.signedUnit()) }, w = (0..<p.filterShape.reduce(1, *)).map { _ in Float(rng.signedUnit()) }
    let one = try fast(p, transposed: transposed, x: x, w: w, count: outCount, threads: 1, parallelThreshold: 0)
    let two = try fast(p, transposed: transposed, x: x, w: w, count: outCount, threads: 2, parallelThreshold: 0)
    #expect(one != nil && one == two)
    // The direct kernels on the same data: close (different rounding), not equal bit for bit.
    let direct = try #require(try fast(p, transposed: transposed, x: x, w: w, count: outCount, winograd: false))
    let got = try #require(one)
    var largest = 0.0
    for i in 0..<outCount { largest = max(largest, abs(Double(got[i]) - Double(direct[i]))) }
    #expect(largest < 1e-3, "largest difference from the direct kernels \(largest)")
}

/// Per output element (channels-last): 9 * sum over input channels c of (sum of |g| over the 3x3
/// taps of (c, output channel)) * (sum of |x_c| over the 5x5 window around the output's tile).
private func roundingScale(_ p: ConvProblem, transposed: Bool, x: [Double], w: [Double]) -> [Double] {
    let inSize = transposed ? p.feature : p.image, outSize = transposed ? p.image : p.feature
    let cin = transposed ? p.featureChannels : p.imageChannels, cout = transposed ? p.imageChannels : p.featureChannels
    // Filter [3, 3, image channels, feature channels].
    func weightSum(_ c: Int, _ j: Int) -> Double {
        let (a, b) = transposed ? (j, c) : (c, j)
        var s = 0.0
        for t in 0..<9 { s += abs(w[(t * p.imageChannels + a) * p.featureChannels + b]) }
        return s
    }
    let weights = (0..<cin).map { c in (0..<cout).map { j in weightSum(c, j) } }
    // Lowest input offset of the taps: transposed i = o + pad - k d, forward i = o - pad + k d.
    let low = (0..<2).map { transposed ? p.padBefore[$0] - 2 * p.dilations[$0] : -p.padBefore[$0] }
    var out = [Double](repeating: 0, count: p.batch * outSize[0] * outSize[1] * cout)
    for n in 0..<p.batch {
        for o1 in 0..<outSize[0] {
            for o2 in 0..<outSize[1] {
                var window = [Double](repeating: 0, count: cin)
                for k1 in -1...3 {
                    let i1 = o1 + low[0] + k1 * p.dilations[0]
                    guard i1 >= 0 && i1 < inSize[0] else { continue }
                    for k2 in -1...3 {
                        let i2 = o2 + low[1] + k2 * p.dilations[1]
                        guard i2 >= 0 && i2 < inSize[1] else { continue }
                        let at = ((n * inSize[0] + i1) * inSize[1] + i2) * cin
                        for c in 0..<cin { window[c] += abs(x[at + c]) }
                    }
                }
                let at = ((n * outSize[0] + o1) * outSize[1] + o2) * cout
                for j in 0..<cout {
                    var s = 0.0
                    for c in 0..<cin { s += weights[c][j] * window[c] }
                    out[at + j] = 9 * s
                }
            }
        }
    }
    return out
}
