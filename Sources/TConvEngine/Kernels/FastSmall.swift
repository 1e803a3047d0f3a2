/// The kernel for tiny problems (teaching sizes: a 5x5 map, a few channels), where the fixed cost of
/// a call is the whole story.
///
/// Shapes: channels-last in [N, I1, I2, I3, Cin] and out [N, O1, O2, O3, Cout], the filter as the
/// problem gives it (`FastGeometry`'s strides), phases from `FastGeometry`. Each output element is
/// one scalar sum over the phase's taps, then the group's input channels, written once.
///
/// Why it is fast for these sizes: no packing, no pointer tables, no scratch memory, no threads;
/// the phase decomposition still means that no multiply touches an inserted zero.
enum FastSmallKernel {
    /// Issued multiply-adds up to which this kernel is used, and the most input x output channels
    /// per group (beyond a few channels the tile kernels' vectors win even at teaching sizes).
    static let limit = 1 << 15
    static let channelProductLimit = 8

    static func run<T: FastScalar>(_ g: FastGeometry, input x: UnsafePointer<T>, filter w: UnsafePointer<T>,
                                   output y: UnsafeMutablePointer<T>) {
        let cin = g.inPerGroup, cout = g.outPerGroup
        let taps = g.kernelTaps
        // The filter again as [tap][group][cin][cout] (cout contiguous), on the stack: the inner loop
        // then updates cout independent sums (no single dependent chain) over contiguous weights.
        let packedCount = taps * g.groups * cin * cout
        withUnsafeTemporaryAllocation(of: T.self, capacity: packedCount + cout) { buffer in
            guard let packed = buffer.baseAddress else { return }
            for t in 0..<taps {
                for group in 0..<g.groups {
                    for c in 0..<cin {
                        let row = packed + ((t * g.groups + group) * cin + c) * cout
                        let src = w + t * g.tapStride + group * g.groupStride + c * g.kStride
                        for j in 0..<cout { row[j] = src[j * g.nStride] }
                    }
                }
            }
            let sums = packed + packedCount
            let inS2 = g.inChannels, inS1 = g.inSize.2 * inS2, inS0 = g.inSize.1 * inS1, inN = g.inSize.0 * inS0
            let outS2 = g.outChannels, outS1 = g.outSize.2 * outS2, outS0 = g.outSize.1 * outS1, outN = g.outSize.0 * outS0
            let inLimit = (UInt(g.inSize.0), UInt(g.inSize.1), UInt(g.inSize.2))
            for phase in g.phases {
                phase.taps.withUnsafeBufferPointer { tapList in
                    for n in 0..<g.batch {
                        for m0 in 0..<phase.count.0 {
                            for m1 in 0..<phase.count.1 {
                                for m2 in 0..<phase.count.2 {
                                    let out = y + n * outN + (phase.start.0 + phase.step.0 * m0) * outS0
                                        + (phase.start.1 + phase.step.1 * m1) * outS1 + (phase.start.2 + phase.step.2 * m2) * outS2
                                    let b0 = m0 * phase.inStep.0, b1 = m1 * phase.inStep.1, b2 = m2 * phase.inStep.2
                                    for group in 0..<g.groups {
                                        for j in 0..<cout { sums[j] = 0 }
                                        for tap in tapList {
                                            let i0 = b0 + tap.offset.0, i1 = b1 + tap.offset.1, i2 = b2 + tap.offset.2
                                            guard UInt(bitPattern: i0) < inLimit.0, UInt(bitPattern: i1) < inLimit.1,
                                                  UInt(bitPattern: i2) < inLimit.2 else { continue }
                                            let row = x + n * inN + i0 * inS0 + i1 * inS1 + i2 * inS2 + group * cin
                                            let weights = packed + (tap.filterTap * g.groups + group) * cin * cout
                                            for c in 0..<cin {
                                                let value = row[c], wrow = weights + c * cout
                                                for j in 0..<cout { sums[j] += value * wrow[j] }
                                            }
                                        }
                                        for j in 0..<cout { out[group * cout + j] = sums[j] }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
