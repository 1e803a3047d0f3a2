/// The reference kernels: the definitions of `../spec/tf-semantics.md` 1.3 and 1.6 written as
/// plain loops, to be read next to the formulas. Every fast kernel is tested equal to these.
///
/// Both work on the problem padded to three spatial axes (`ConvProblem.asThreeD`), so one loop
/// nest serves 1-D, 2-D and 3-D. Shapes (channels-last shown; channels-first is handled by the
/// indexer):
///
///     transposed: x [N, I1, I2, I3, Cfeat], w [K1, K2, K3, Cimg/G, Cfeat] -> out [N, O1, O2, O3, Cimg]
///     forward:    x [N, O1, O2, O3, Cimg],  w [K1, K2, K3, Cimg/G, Cfeat] -> out [N, I1, I2, I3, Cfeat]
///
/// They are not fast: no tiling, no SIMD, one thread.
public enum ReferenceKernels {
    /// Transposed convolution as a scatter: every input element, times every tap, is added into
    /// the output cell `o = i*s + k*d - p` when that cell exists. `out` must be zeroed.
    ///
    /// Loop order (outermost first): batch, input position, input channel, tap, output channel.
    /// `ScatterTrace` numbers its steps in exactly this order, so a trace summed cell by cell gives
    /// bit-identical results.
    public static func transposed<T: BinaryFloatingPoint>(
        _ problem: ConvProblem, input x: UnsafeBufferPointer<T>, filter w: UnsafeBufferPointer<T>,
        output out: UnsafeMutableBufferPointer<T>, control: ComputeControl? = nil
    ) throws(EngineError) {
        let p = problem.asThreeD
        let xIndex = DataIndexer(spatial: p.feature, channels: p.featureChannels, channelsFirst: p.channelsFirst)
        let oIndex = DataIndexer(spatial: p.image, channels: p.imageChannels, channelsFirst: p.channelsFirst)
        let perGroupImage = p.imageChannels / p.groups
        let perGroupFeature = p.featureChannels / p.groups
        control?.begin(totalUnits: p.batch * p.feature[0])
        for n in 0..<p.batch {
            for i1 in 0..<p.feature[0] {
                try control?.checkpoint(done: 1)
                for i2 in 0..<p.feature[1] {
                    for i3 in 0..<p.feature[2] {
                        for f in 0..<p.featureChannels {
                            let value = x[xIndex.offset(n, i1, i2, i3, channel: f)]
                            let group = f / perGroupFeature
                            for k1 in 0..<p.kernel[0] {
                                let o1 = i1 * p.strides[0] + k1 * p.dilations[0] - p.padBefore[0]
                                for k2 in 0..<p.kernel[1] {
                                    let o2 = i2 * p.strides[1] + k2 * p.dilations[1] - p.padBefore[1]
                                    for k3 in 0..<p.kernel[2] {
                                        let o3 = i3 * p.strides[2] + k3 * p.dilations[2] - p.padBefore[2]
                                        // Taps that fall outside the output are dropped (TF's crop).
                                        guard o1 >= 0, o1 < p.image[0], o2 >= 0, o2 < p.image[1],
                                              o3 >= 0, o3 < p.image[2] else { continue }
                                        let tap = (k1 * p.kernel[1] + k2) * p.kernel[2] + k3
                                        for c in 0..<perGroupImage {
                                            let weight = w[(tap * perGroupImage + c) * p.featureChannels + f]
                                            let o = oIndex.offset(n, o1, o2, o3, channel: group * perGroupImage + c)
                                            out[o] += value * weight
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

    /// Forward convolution as a gather (cross-correlation, as TF computes it): each output cell
    /// sums input values at `q*s + k*d - p` times the taps; positions outside the input read 0.
    /// Each group's output channels see only that group's input channels.
    public static func forward<T: BinaryFloatingPoint>(
        _ problem: ConvProblem, input x: UnsafeBufferPointer<T>, filter w: UnsafeBufferPointer<T>,
        output y: UnsafeMutableBufferPointer<T>, control: ComputeControl? = nil
    ) throws(EngineError) {
        let p = problem.asThreeD
        let xIndex = DataIndexer(spatial: p.image, channels: p.imageChannels, channelsFirst: p.channelsFirst)
        let yIndex = DataIndexer(spatial: p.feature, channels: p.featureChannels, channelsFirst: p.channelsFirst)
        let perGroupImage = p.imageChannels / p.groups
        let perGroupFeature = p.featureChannels / p.groups
        control?.begin(totalUnits: p.batch * p.feature[0])
        for n in 0..<p.batch {
            for q1 in 0..<p.feature[0] {
                try control?.checkpoint(done: 1)
                for q2 in 0..<p.feature[1] {
                    for q3 in 0..<p.feature[2] {
                        for f in 0..<p.featureChannels {
                            let group = f / perGroupFeature
                            var sum: T = 0
                            for k1 in 0..<p.kernel[0] {
                                let h1 = q1 * p.strides[0] + k1 * p.dilations[0] - p.padBefore[0]
                                guard h1 >= 0, h1 < p.image[0] else { continue }
                                for k2 in 0..<p.kernel[1] {
                                    let h2 = q2 * p.strides[1] + k2 * p.dilations[1] - p.padBefore[1]
                                    guard h2 >= 0, h2 < p.image[1] else { continue }
                                    for k3 in 0..<p.kernel[2] {
                                        let h3 = q3 * p.strides[2] + k3 * p.dilations[2] - p.padBefore[2]
                                        guard h3 >= 0, h3 < p.image[2] else { continue }
                                        let tap = (k1 * p.kernel[1] + k2) * p.kernel[2] + k3
                                        for c in 0..<perGroupImage {
                                            let value = x[xIndex.offset(n, h1, h2, h3, channel: group * perGroupImage + c)]
                                            sum += value * w[(tap * perGroupImage + c) * p.featureChannels + f]
                                        }
                                    }
                                }
                            }
                            y[yIndex.offset(n, q1, q2, q3, channel: f)] = sum
                        }
                    }
                }
            }
        }
    }
}
