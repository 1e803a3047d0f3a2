import Testing
@testable import TConvEngine

/// The tiny-problem kernel (`FastSmallKernel`) against the reference kernels, called directly so
/// that every part of it is reached: all ranks, both data layouts, groups, 4/8/16-lane vectors,
/// input channels around the unroll by four, the 4 KiB and 16 KiB stack blocks and the heap
/// block, an input too large to copy, outputs staged in several blocks of rows, and operands
/// at odd addresses. Operands are multiples of 1/8, so every sum is exact and the kernel must
/// equal the reference bit for bit, whatever its summation order.

/// Runs the reference and the small kernel (operands placed `offset` elements past an aligned
/// start, output pre-filled with NaN) and describes the first differences; nil when equal.
private func compare<T: FastScalar>(_ p: ConvProblem, transposed: Bool, as _: T.Type, offset: Int, seed: UInt64) throws -> String? {
    var rng = SeededRandom(seed: seed)
    let inCount = (transposed ? p.featureShape : p.imageShape).reduce(1, *)
    let outCount = (transposed ? p.imageShape : p.featureShape).reduce(1, *)
    let wCount = p.filterShape.reduce(1, *)
    let x = (0..<inCount).map { _ in T(rng.eighth()) }, w = (0..<wCount).map { _ in T(rng.eighth()) }

    var want = [T](repeating: 0, count: outCount)
    try x.withUnsafeBufferPointer { xp in
        try w.withUnsafeBufferPointer { wp in
            try want.withUnsafeMutableBufferPointer { op in
                if transposed { try ReferenceKernels.transposed(p, input: xp, filter: wp, output: op) }
                else { try ReferenceKernels.forward(p, input: xp, filter: wp, output: op) }
            }
        }
    }

    // One 64-byte aligned block holding the three operands, each `offset` elements into its part.
    func part(_ count: Int) -> Int { (count + offset + 16) / 16 * 16 }
    let block = UnsafeMutablePointer<T>.allocate(capacity: part(inCount) + part(wCount) + part(outCount))
    defer { block.deallocate() }
    let xs = block + offset, ws = block + part(inCount) + offset, ys = block + part(inCount) + part(wCount) + offset
    xs.initialize(from: x, count: inCount)
    ws.initialize(from: w, count: wCount)
    ys.initialize(repeating: .nan, count: outCount)
    FastSmallKernel.run(p, transposed: transposed, input: xs, filter: ws, output: ys)

    var bad = [String](), badCount = 0
    for i in 0..<outCount where ys[i] != want[i] {
        badCount += 1
        if bad.count < 4 { bad.append("[\(i)] small \(ys[i]) reference \(want[i])") }
    }
    return badCount == 0 ? nil : "\(badCount) of \(outCount) differ: " + bad.joined(separator: ", ")
}

private func checkBothTypes(_ p: ConvProblem, transposed: Bool, seed: UInt64, offsets: [Int] = [0, 1, 3]) throws {
    let label = "\(transposed ? "transposed" : "forward") \(p)"
    // float64 vectors hold 8 lanes, so more output channels per group than that are declined.
    let cout = (transposed ? p.imageChannels : p.featureChannels) / p.groups
    #expect(FastSmallKernel.accepts(p, transposed: transposed, as: Float.self), "float32 declined \(label)")
    #expect(FastSmallKernel.accepts(p, transposed: transposed, as: Double.self) == (cout <= 8), "float64 \(label)")
    for offset in offsets {
        if FastSmallKernel.accepts(p, transposed: transposed, as: Float.self) {
            let m = try compare(p, transposed: transposed, as: Float.self, offset: offset, seed: seed)
            #expect(m == nil, "float32 offset \(offset) \(label): \(m ?? "")")
        }
        if FastSmallKernel.accepts(p, transposed: transposed, as: Double.self) {
            let m = try compare(p, transposed: transposed, as: Double.self, offset: offset, seed: seed)
            #expect(m == nil, "float64 offset \(offset) \(label): \(m ?? "")")
        }
    }
}

@Test func smallKernelMatchesReferenceOnRandomTinyShapes() throws {
    var rng = SeededRandom(seed: 0x5A11)
    var checked = 0
    while checked < 60 * fuzzScale {
        let rank = rng.draw(1...3), transposed = rng.draw(0...1) == 0
        var image = [Int](), feature = [Int](), kernel = [Int](), strides = [Int](), dilations = [Int](), pads = [Int]()
        for _ in 0..<rank {
            let k = rng.draw(1...(rank == 3 ? 3 : 5)), s = rng.draw(1...3), d = rng.draw(0...3) == 0 ? 2 : 1
            kernel.append(k); strides.append(s); dilations.append(d)
            pads.append(rng.draw(0...((k - 1) * d + 1)))
            feature.append(rng.draw(1...(rank == 3 ? 3 : 6)))
            image.append(rng.draw(1...(rank == 3 ? 7 : 13)))
        }
        let groups = transposed ? 1 : rng.draw(1...3)
        let cin = rng.draw(1...9), cout = [1, 2, 3, 4, 5, 8, 11, 16][rng.draw(0...7)]
        let imageChannels = (transposed ? cout : cin) * groups, featureChannels = (transposed ? cin : cout) * groups
        let p = ConvProblem(rank: rank, batch: rng.draw(1...3), image: image, feature: feature, kernel: kernel, strides: strides,
                            dilations: dilations, padBefore: pads, padAfter: pads, imageChannels: imageChannels,
                            featureChannels: featureChannels, groups: groups, channelsFirst: rng.draw(0...2) == 0)
        // Double vectors hold 8 lanes: 11 or 16 output channels per group exceed them.
        guard FastSmallKernel.accepts(p, transposed: transposed, as: Float.self) else { continue }
        let offsets = checked % 4 == 0 ? [0, 1] : [0]
        for offset in offsets {
            for m in [try compare(p, transposed: transposed, as: Float.self, offset: offset, seed: UInt64(checked)),
                      FastSmallKernel.accepts(p, transposed: transposed, as: Double.self)
                          ? try compare(p, transposed: transposed, as: Double.self, offset: offset, seed: UInt64(checked)) : nil] {
                #expect(m == nil, "\(transposed ? "transposed" : "forward") \(p) offset \(offset): \(m ?? "")")
            }
        }
        checked += 1
    }
}

@Test func smallKernelTeachingCasesAtOddAddresses() throws {
    // The two teaching cases of the benchmark suite, with operands 0 to 15 elements past a 64-byte
    // boundary (vector loads of the input and stores of the output straddle cache lines).
    let teaching = [
        ConvProblem(rank: 2, batch: 1, image: [11, 11], feature: [5, 5], kernel: [3, 3], strides: [2, 2], dilations: [1, 1],
                    padBefore: [0, 0], padAfter: [0, 0], imageChannels: 1, featureChannels: 1),
        ConvProblem(rank: 2, batch: 1, image: [16, 16], feature: [8, 8], kernel: [4, 4], strides: [2, 2], dilations: [1, 1],
                    padBefore: [1, 1], padAfter: [1, 1], imageChannels: 4, featureChannels: 4),
    ]
    for (index, p) in teaching.enumerated() {
        try checkBothTypes(p, transposed: true, seed: UInt64(index), offsets: Array(0..<16))
    }
}

@Test func smallKernelScratchAndStagingVariants() throws {
    let cases: [(ConvProblem, Bool, String)] = [
        // 1-D and 3-D, channels-first with a batch: rows map to (item, row) of NCW/NCDHW.
        (ConvProblem(rank: 1, batch: 3, image: [9], feature: [4], kernel: [3], strides: [2], dilations: [1],
                     padBefore: [1], padAfter: [1], imageChannels: 3, featureChannels: 5, channelsFirst: true), true, "NCW"),
        (ConvProblem(rank: 3, batch: 2, image: [5, 4, 6], feature: [3, 2, 3], kernel: [2, 3, 2], strides: [2, 2, 2],
                     dilations: [1, 1, 1], padBefore: [0, 1, 0], padAfter: [0, 0, 0], imageChannels: 6, featureChannels: 7,
                     channelsFirst: true), true, "NCDHW"),
        // Output rows of 40 x 6 = 240 elements: 17 rows per staged block, so the 40 rows take 3 blocks.
        (ConvProblem(rank: 2, batch: 1, image: [40, 40], feature: [20, 20], kernel: [2, 2], strides: [2, 2], dilations: [1, 1],
                     padBefore: [0, 0], padAfter: [0, 0], imageChannels: 6, featureChannels: 2), true, "row blocks NHWC"),
        (ConvProblem(rank: 2, batch: 2, image: [40, 40], feature: [20, 20], kernel: [2, 2], strides: [2, 2], dilations: [1, 1],
                     padBefore: [0, 0], padAfter: [0, 0], imageChannels: 6, featureChannels: 2, channelsFirst: true), true,
         "row blocks NCHW"),
        // A forward conv reading a 70 x 70 image (4900 elements): too large to copy, read in place.
        (ConvProblem(rank: 2, batch: 1, image: [70, 70], feature: [7, 7], kernel: [3, 3], strides: [10, 10], dilations: [1, 1],
                     padBefore: [0, 0], padAfter: [0, 0], imageChannels: 1, featureChannels: 3), false, "input in place"),
        // 27 taps x 16 input channels x 16 lanes of packed float weights: over 16 KiB, a heap
        // block; with 8 output channels, the float64 weights take the heap block.
        (ConvProblem(rank: 3, batch: 1, image: [3, 3, 3], feature: [1, 1, 1], kernel: [3, 3, 3], strides: [1, 1, 1],
                     dilations: [1, 1, 1], padBefore: [0, 0, 0], padAfter: [0, 0, 0], imageChannels: 16, featureChannels: 16),
         true, "heap scratch"),
        (ConvProblem(rank: 3, batch: 1, image: [3, 3, 3], feature: [1, 1, 1], kernel: [3, 3, 3], strides: [1, 1, 1],
                     dilations: [1, 1, 1], padBefore: [0, 0, 0], padAfter: [0, 0, 0], imageChannels: 8, featureChannels: 16),
         true, "heap scratch float64"),
        // Stride larger than the kernel (output pixels no tap reaches are zero) and a pad past the kernel.
        (ConvProblem(rank: 2, batch: 1, image: [13, 9], feature: [3, 2], kernel: [2, 2], strides: [5, 4], dilations: [1, 1],
                     padBefore: [0, 1], padAfter: [0, 0], imageChannels: 3, featureChannels: 6), true, "gaps"),
        (ConvProblem(rank: 1, batch: 1, image: [3], feature: [2], kernel: [2], strides: [1], dilations: [1],
                     padBefore: [9], padAfter: [0], imageChannels: 2, featureChannels: 2), true, "pad past the kernel"),
        // Dilation with a stride that does not divide it (the stepped quotient-remainder pairs).
        (ConvProblem(rank: 2, batch: 1, image: [12, 11], feature: [5, 4], kernel: [3, 3], strides: [2, 3], dilations: [3, 2],
                     padBefore: [2, 3], padAfter: [0, 0], imageChannels: 8, featureChannels: 4), true, "dilation"),
    ]
    for (index, (p, transposed, label)) in cases.enumerated() {
        let m = try compare(p, transposed: transposed, as: Float.self, offset: 1, seed: UInt64(40 + index))
        #expect(FastSmallKernel.accepts(p, transposed: transposed, as: Float.self), "\(label) declined")
        #expect(m == nil, "\(label) \(p): \(m ?? "")")
        try checkBothTypes(p, transposed: transposed, seed: UInt64(60 + index), offsets: [0, 1])
    }
}

@Test func smallKernelInputChannelCountsAroundTheCompiledOnes() throws {
    // 1 to 4 input channels per group, channels-last, take the pixel loop compiled for that count;
    // 5 channels or channels-first take the general one. Groups 2 (forward) and a batch of 2.
    for cin in 1...5 {
        for channelsFirst in [false, true] {
            let transposed = ConvProblem(rank: 2, batch: 2, image: [9, 7], feature: [4, 3], kernel: [3, 3], strides: [2, 2],
                                         dilations: [1, 1], padBefore: [1, 0], padAfter: [1, 0], imageChannels: 3,
                                         featureChannels: cin, channelsFirst: channelsFirst)
            try checkBothTypes(transposed, transposed: true, seed: UInt64(80 + cin), offsets: [0, 1])
            let grouped = ConvProblem(rank: 2, batch: 2, image: [9, 7], feature: [4, 3], kernel: [3, 3], strides: [2, 2],
                                      dilations: [1, 1], padBefore: [1, 0], padAfter: [1, 0], imageChannels: 2 * cin,
                                      featureChannels: 6, groups: 2, channelsFirst: channelsFirst)
            try checkBothTypes(grouped, transposed: false, seed: UInt64(90 + cin), offsets: [0, 1])
        }
    }
}
