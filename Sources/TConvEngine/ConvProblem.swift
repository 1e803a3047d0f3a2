/// The geometry of one convolution, independent of which TF function described it: what the
/// kernels compute.
///
/// A transposed conv and the forward conv it is the gradient of share one geometry. The
/// *image* is the forward conv's input and the transposed conv's output (spatial size `O`, or
/// `H` for a forward conv); the *feature map* is the forward conv's output and the transposed
/// conv's input (size `I`). Channels-last shapes:
///
///     image   [N, O_1..O_r, Cimg]
///     feature [N, I_1..I_r, Cfeat]
///     filter  [K_1..K_r, Cimg / groups, Cfeat]
///
/// This filter layout is TensorFlow's for both directions: `[K.., Cin, Cout]` for a forward conv
/// and `[K.., Cout, Cin]` for a transposed one. Feature channel `f` belongs to group
/// `f / (Cfeat / groups)` and meets image channels `[g * Cimg/groups, (g+1) * Cimg/groups)`.
///
/// Image position `o` and feature position `i` meet at tap `k` when `o = i*s + k*d - padBefore`
/// on every axis; positions outside `[0, O)` are dropped (they read zeros in the forward direction).
public struct ConvProblem: Sendable, Equatable {
    /// Number of spatial axes, 1...3.
    public var rank: Int
    public var batch: Int
    /// Spatial size of the image (forward input, transposed output), per axis.
    public var image: [Int]
    /// Spatial size of the feature map (forward output, transposed input), per axis.
    public var feature: [Int]
    /// Filter taps per axis.
    public var kernel: [Int]
    public var strides: [Int]
    public var dilations: [Int]
    /// Cells of padding in front of the image on each axis (the crop at the start, for a transposed conv).
    public var padBefore: [Int]
    /// Cells of padding behind the image (informational: the kernels only need `padBefore`).
    public var padAfter: [Int]
    public var imageChannels: Int
    public var featureChannels: Int
    public var groups: Int
    /// Channels on axis 1 (NCW/NCHW/NCDHW) instead of last.
    public var channelsFirst: Bool

    public init(rank: Int, batch: Int, image: [Int], feature: [Int], kernel: [Int], strides: [Int],
                dilations: [Int], padBefore: [Int], padAfter: [Int], imageChannels: Int,
                featureChannels: Int, groups: Int = 1, channelsFirst: Bool = false) {
        self.rank = rank
        self.batch = batch
        self.image = image
        self.feature = feature
        self.kernel = kernel
        self.strides = strides
        self.dilations = dilations
        self.padBefore = padBefore
        self.padAfter = padAfter
        self.imageChannels = imageChannels
        self.featureChannels = featureChannels
        self.groups = groups
        self.channelsFirst = channelsFirst
    }

    /// Image shape in the problem's data layout.
    public var imageShape: [Int] { dataShape(spatial: image, channels: imageChannels) }
    /// Feature-map shape in the problem's data layout.
    public var featureShape: [Int] { dataShape(spatial: feature, channels: featureChannels) }
    /// Filter shape `[K.., Cimg/groups, Cfeat]`.
    public var filterShape: [Int] { kernel + [imageChannels / max(groups, 1), featureChannels] }
    /// The data layout name (`NHWC`, `NCDHW`, ...).
    public var dataLayout: Layout { Layout.data(rank: rank, channelsFirst: channelsFirst) }

    private func dataShape(spatial: [Int], channels: Int) -> [Int] {
        channelsFirst ? [batch, channels] + spatial : [batch] + spatial + [channels]
    }

    /// Multiply-adds of the scatter form, all taps counted (dropped ones too), as the benchmark
    /// suite counts them: `N * prod(I) * prod(K) * Cimg/groups * Cfeat`.
    public var multiplyAdds: Int {
        batch * feature.reduce(1, *) * kernel.reduce(1, *) * (imageChannels / max(groups, 1)) * featureChannels
    }

    /// The problem with its spatial axes padded to three (leading unit axes), so kernels can be
    /// written once for 3-D.
    public var asThreeD: ConvProblem {
        let extra = 3 - rank
        func pad(_ a: [Int], _ v: Int) -> [Int] { Array(repeating: v, count: extra) + a }
        return ConvProblem(rank: 3, batch: batch, image: pad(image, 1), feature: pad(feature, 1),
                           kernel: pad(kernel, 1), strides: pad(strides, 1), dilations: pad(dilations, 1),
                           padBefore: pad(padBefore, 0), padAfter: pad(padAfter, 0),
                           imageChannels: imageChannels, featureChannels: featureChannels,
                           groups: groups, channelsFirst: channelsFirst)
    }
}

/// Element offsets of a tensor stored as `[N, S1, S2, S3, C]` or `[N, C, S1, S2, S3]`: the
/// kernels' view of a data tensor with three spatial axes.
public struct DataIndexer: Sendable {
    public let batchStride: Int
    public let spatialStrides: (Int, Int, Int)
    public let channelStride: Int

    public init(spatial: [Int], channels: Int, channelsFirst: Bool) {
        precondition(spatial.count == 3)
        let pixels = spatial[0] * spatial[1] * spatial[2]
        if channelsFirst {
            channelStride = pixels
            spatialStrides = (spatial[1] * spatial[2], spatial[2], 1)
        } else {
            channelStride = 1
            spatialStrides = (spatial[1] * spatial[2] * channels, spatial[2] * channels, channels)
        }
        batchStride = pixels * channels
    }

    @inlinable
    public func offset(_ n: Int, _ a: Int, _ b: Int, _ c: Int, channel: Int) -> Int {
        n * batchStride + a * spatialStrides.0 + b * spatialStrides.1 + c * spatialStrides.2 + channel * channelStride
    }
}
