/// The fast kernels' view of a convolution: the op's output split into *phases*, each an ordinary
/// stride-free gather `out[m] = sum over taps t, channels c of in[m*inStep + offset_t, c] * W[t, c, :]`.
///
/// Transposed convs (spec 1.3, gather form): with stride s, output position `o` is reached by tap
/// `k` only when `(o + p - k*d) mod s == 0`, which depends on `o mod s` alone. Splitting the output
/// by residue `r = o mod s` (per axis) gives `s^rank` phases; in phase r the outputs are
/// `o = r + s*m`, the reaching taps are fixed, and tap k reads input `i = m + (r + p - k*d)/s`.
/// So no multiply ever touches an inserted zero, and each output element is written exactly once
/// by the phase that owns it (sub-pixel decomposition). kernel == stride gives one tap per phase:
/// a plain GEMM per phase, the pixel shuffle being the phase's output stride.
///
/// Forward convs (spec 1.6) are one phase: output q reads input `q*s + k*d - p`.
///
/// Everything is padded to three spatial axes (leading unit axes) like the reference kernels.
struct FastTap {
    /// Index of the tap in the filter's spatial taps, `(k1*K2 + k2)*K3 + k3`.
    var filterTap: Int
    /// Input offset per axis: input coordinate = m * inStep + offset.
    var offset: (Int, Int, Int)
}

/// A box of a phase's output positions, `m` in `lo..<hi` per axis, over which every tap either
/// reads the input for all positions or for none (it lies wholly inside or wholly in the padding).
struct FastRegion {
    var lo: (Int, Int, Int)
    var hi: (Int, Int, Int)
    /// Index of the region's first pixel in the phase's pixel order (batch items inside regions).
    var first: Int
    var pixelsPerImage: Int { (hi.0 - lo.0) * (hi.1 - lo.1) * (hi.2 - lo.2) }
}

struct FastPhase {
    /// First output coordinate and output step per axis: o = start + step*m, m in 0..<count.
    var start: (Int, Int, Int)
    var step: (Int, Int, Int)
    var count: (Int, Int, Int)
    /// Input step per unit of m (1 for transposed phases, the stride for forward convs).
    var inStep: (Int, Int, Int)
    var taps: [FastTap]
    /// The phase's pixels are numbered region by region (regions in lexicographic order; inside a
    /// region: batch item, then m0, m1, m2), so consecutive pixels share the taps that reach them
    /// and a tile of them can skip the taps that read only padding.
    var regions: [FastRegion]

    /// Output pixels of this phase in one batch item.
    var pixelsPerImage: Int { count.0 * count.1 * count.2 }

    /// Index of the region that holds phase pixel `pixel` (binary search over `first`).
    func region(of pixel: Int) -> Int {
        var low = 0, high = regions.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if regions[mid].first <= pixel { low = mid } else { high = mid - 1 }
        }
        return low
    }
}

/// Output positions (per axis `start + step*m`, m in 0..<count) that no tap reaches: they are zero.
struct FastZeroBox {
    var start: (Int, Int, Int)
    var step: (Int, Int, Int)
    var count: (Int, Int, Int)
}

/// Shapes and strides of one fast run, channels-last, spatial axes padded to three.
struct FastGeometry {
    var batch: Int
    /// Spatial sizes of the kernels' input and output tensors (not the image/feature naming).
    var inSize: (Int, Int, Int)
    var outSize: (Int, Int, Int)
    /// Channels of the input and output tensors (all groups).
    var inChannels: Int
    var outChannels: Int
    var groups: Int
    /// Channels per group: the GEMM's K-per-tap and N.
    var inPerGroup: Int
    var outPerGroup: Int
    /// Filter element (tap t, GEMM k index c, GEMM n index j, group g) is at
    /// `t*tapStride + c*kStride + j*nStride + g*groupStride`.
    var tapStride: Int
    var kStride: Int
    var nStride: Int
    var groupStride: Int
    var phases: [FastPhase]
    /// Phases of the output that no tap reaches (zero, written as such).
    var zeroBoxes: [FastZeroBox]
    /// Spatial taps of the filter (all of them, including those no phase uses).
    var kernelTaps: Int
    /// 1, or the stride s of the last spatial axis when that axis is *folded* (see `LastAxis`): then
    /// the GEMM's output channel n is (column q = n / outChannels, channel n % outChannels) of a block
    /// of s output columns, and reads filter tap `filterTap + q`.
    var fold = 1

    /// Which outputs along the last spatial axis the phases cover.
    ///
    /// A transposed conv whose last axis has stride s > 1, dilation 1 and K a multiple of s can be
    /// folded: its outputs come in blocks of s adjacent columns that all read the same K/s input
    /// columns (column q of block b through taps q, q + s, ...). Treating a block as one pixel with
    /// s * C_out channels turns s phases of C_out channels each into one phase of s * C_out channels,
    /// stored as one contiguous run of s pixels. FCN's 21 classes need the slow 12x(V + V/2) tile and
    /// use 21 of its 24 lanes; 8 * 21 = 168 runs in 6x4V tiles with a 6x3V last block (176 lanes
    /// for 168), and the row-pointer table of a pixel serves s times the work. Transposed ops only.
    enum LastAxis: Equatable {
        /// Every output, in stride-residue phases (the general scheme).
        case all
        /// Only the whole blocks, folded (`FastGeometry.foldedBlocks`), one phase per other-axes residue.
        case folded
        /// Only the outputs outside blocks `blocks` (block b: the s columns from s*b - pad), which
        /// another scheme computes: the folded blocks, or `FastOverlapFold`'s. At most s - 1
        /// columns at each end.
        case edges(blocks: Range<Int>)
    }

    /// The blocks b of a folded last axis of a transposed conv, each covering outputs
    /// [s*b - pad, s*b - pad + s) wholly inside the output; nil when the axis cannot be folded or no
    /// block fits.
    static func foldedBlocks(_ p: ConvProblem, axis: Int) -> Range<Int>? {
        let s = p.strides[axis], k = p.kernel[axis]
        guard s > 1, p.dilations[axis] == 1, k % s == 0, p.groups == 1 else { return nil }
        return wholeBlocks(stride: s, pad: p.padBefore[axis], outputs: p.image[axis])
    }

    /// The blocks b whose s output columns [s*b - pad, s*b - pad + s) lie wholly inside `outputs`
    /// columns, or nil when none does (the folded last axis's, and `FastOverlapFold`'s).
    static func wholeBlocks(stride s: Int, pad: Int, outputs out: Int) -> Range<Int>? {
        let first = ceilDiv(pad, s), last = (out + pad - s) >= 0 ? (out + pad - s) / s : -1
        return last >= first ? first..<(last + 1) : nil
    }

    /// The taps of a transposed conv's axis that reach the outputs of residue r (o = r + s*m), with
    /// the input offset each reads at (input m + offset): tap k when (r + pad - k*d) is a multiple
    /// of s (spec 1.3, gather form).
    static func transposedTaps(residue r: Int, stride s: Int, dilation d: Int, pad: Int, kernel: Int) -> [(k: Int, offset: Int)] {
        var taps = [(k: Int, offset: Int)]()
        for k in 0..<kernel {
            let numerator = r + pad - k * d
            if numerator % s == 0 { taps.append((k, numerator / s)) }
        }
        return taps
    }

    /// Total multiply-adds the phases will issue (taps that never hit the input are already gone).
    var issuedMultiplyAdds: Int {
        var total = 0
        for ph in phases { total += ph.pixelsPerImage * ph.taps.count }
        return total * batch * inPerGroup * outPerGroup * groups
    }

    init(_ problem: ConvProblem, transposed: Bool, lastAxis: LastAxis = .all) {
        let p = problem.asThreeD
        let k = (p.kernel[0], p.kernel[1], p.kernel[2])
        batch = p.batch
        kernelTaps = k.0 * k.1 * k.2
        groups = max(p.groups, 1)
        let imagePerGroup = p.imageChannels / groups
        let featurePerGroup = p.featureChannels / groups
        tapStride = imagePerGroup * p.featureChannels
        groupStride = featurePerGroup
        if transposed {
            // Filter [K.., Cimg/G, Cfeat]: GEMM k = feature channel (stride 1), n = image channel.
            inSize = (p.feature[0], p.feature[1], p.feature[2])
            outSize = (p.image[0], p.image[1], p.image[2])
            inChannels = p.featureChannels; outChannels = p.imageChannels
            inPerGroup = featurePerGroup; outPerGroup = imagePerGroup
            kStride = 1; nStride = p.featureChannels
        } else {
            inSize = (p.image[0], p.image[1], p.image[2])
            outSize = (p.feature[0], p.feature[1], p.feature[2])
            inChannels = p.imageChannels; outChannels = p.featureChannels
            inPerGroup = imagePerGroup; outPerGroup = featurePerGroup
            kStride = p.featureChannels; nStride = 1
        }

        // Per axis: the list of phases (`AxisPhase`).
        // Positions m in [m0, m1) of an axis phase whose position m reads input m * inStep + offset
        // at tap k: the phase of those positions, with the taps that read the input for at least one.
        func restricted(start: Int, step: Int, m0: Int, m1: Int, inStep: Int, inCount: Int,
                        taps allTaps: [(k: Int, offset: Int)]) -> AxisPhase {
            let count = max(0, m1 - m0)
            var taps = [(k: Int, offset: Int)]()
            for tap in allTaps {
                let offset = tap.offset + m0 * inStep
                // Drop taps that read outside the input for every output of the phase.
                guard count > 0 else { continue }
                let first = offset, last = (count - 1) * inStep + offset
                guard last >= 0, first < inCount else { continue }
                taps.append((tap.k, offset))
            }
            // Where a tap starts or stops reading the input: m*inStep + offset in [0, inCount).
            var cuts = [0, count]
            for tap in taps {
                let low = max(0, ceilDiv(-tap.offset, inStep)), high = min(count, ceilDiv(inCount - tap.offset, inStep))
                if low > 0 && low < count { cuts.append(low) }
                if high > 0 && high < count { cuts.append(high) }
            }
            cuts = Array(Set(cuts)).sorted()
            let first = start + step * m0
            return AxisPhase(start: first, step: step, count: count, inStep: inStep, taps: taps, cuts: cuts,
                             box: (first, step, count))
        }
        func axisPhases(_ axis: Int, mode: LastAxis) -> [AxisPhase] {
            let s = p.strides[axis], d = p.dilations[axis], pad = p.padBefore[axis], kernel = p.kernel[axis]
            let outCount = transposed ? p.image[axis] : p.feature[axis]
            let inCount = transposed ? p.feature[axis] : p.image[axis]
            let fold: Range<Int>?
            switch mode {
            case .all: fold = nil
            case .folded: fold = FastGeometry.foldedBlocks(p, axis: axis)
            case .edges(let blocks): fold = blocks
            }
            if mode == .folded, let fold {
                // Block b covers outputs [s*b - pad, s*b - pad + s); column q of it is reached by taps
                // q + s*j, all reading input b - j (spec 1.3 with d = 1 and K a multiple of s). The tap
                // k = s*j stands for the block: column q adds q to the filter tap (see `fold`).
                let taps = (0..<kernel / s).map { j in (k: s * j, offset: fold.lowerBound - j) }
                var phase = restricted(start: s * fold.lowerBound - pad, step: s, m0: 0, m1: fold.count, inStep: 1,
                                       inCount: inCount, taps: taps)
                phase.box = (phase.start, 1, s * phase.count)
                return [phase]
            }
            var result = [AxisPhase]()
            let residues = transposed ? s : 1
            for r in 0..<residues {
                let count = outCount > r ? (outCount - r + residues - 1) / residues : 0
                let inStep = transposed ? 1 : s
                let taps = transposed ? FastGeometry.transposedTaps(residue: r, stride: s, dilation: d, pad: pad, kernel: kernel)
                                      : (0..<kernel).map { (k: $0, offset: $0 * d - pad) }
                if case .edges = mode, let fold {
                    // Only the outputs outside the folded blocks: [0, left) and [right, outCount).
                    let left = s * fold.lowerBound - pad, right = s * fold.upperBound - pad
                    let mLeft = min(count, max(0, ceilDiv(left - r, s))), mRight = min(count, max(0, ceilDiv(right - r, s)))
                    for (m0, m1) in [(0, mLeft), (mRight, count)] where m1 > m0 {
                        result.append(restricted(start: r, step: residues, m0: m0, m1: m1, inStep: inStep, inCount: inCount, taps: taps))
                    }
                } else {
                    result.append(restricted(start: r, step: residues, m0: 0, m1: count, inStep: inStep, inCount: inCount, taps: taps))
                }
            }
            return result
        }
        let a0 = axisPhases(0, mode: .all), a1 = axisPhases(1, mode: .all), a2 = axisPhases(2, mode: lastAxis)
        var phases = [FastPhase]()
        var zeroBoxes = [FastZeroBox]()
        let batch = p.batch
        for x in a0 { for y in a1 { for z in a2 {
            guard x.count > 0, y.count > 0, z.count > 0 else { continue }
            guard !x.taps.isEmpty, !y.taps.isEmpty, !z.taps.isEmpty else {
                zeroBoxes.append(FastZeroBox(start: (x.box.start, y.box.start, z.box.start), step: (x.box.step, y.box.step, z.box.step),
                                             count: (x.box.count, y.box.count, z.box.count)))
                continue
            }
            var taps = [FastTap]()
            taps.reserveCapacity(x.taps.count * y.taps.count * z.taps.count)
            for t0 in x.taps { for t1 in y.taps { for t2 in z.taps {
                taps.append(FastTap(filterTap: (t0.k * k.1 + t1.k) * k.2 + t2.k, offset: (t0.offset, t1.offset, t2.offset)))
            } } }
            var regions = [FastRegion]()
            var first = 0
            for i0 in 1..<x.cuts.count { for i1 in 1..<y.cuts.count { for i2 in 1..<z.cuts.count {
                let region = FastRegion(lo: (x.cuts[i0 - 1], y.cuts[i1 - 1], z.cuts[i2 - 1]),
                                        hi: (x.cuts[i0], y.cuts[i1], z.cuts[i2]), first: first)
                first += region.pixelsPerImage * batch
                regions.append(region)
            } } }
            phases.append(FastPhase(start: (x.start, y.start, z.start), step: (x.step, y.step, z.step),
                                    count: (x.count, y.count, z.count), inStep: (x.inStep, y.inStep, z.inStep), taps: taps,
                                    regions: regions))
        } } }
        self.phases = phases
        self.zeroBoxes = zeroBoxes
        if lastAxis == .folded {
            fold = p.strides[2]
            outPerGroup *= fold
        }
    }
}

/// One axis of a phase: output positions `start + step*m` for m in 0..<count, the taps (filter index
/// k along the axis) that reach them reading input `m*inStep + offset`, and the m where a tap starts
/// or stops reading the input. `box`: the output positions covered, as a zero box describes them
/// (start, step and count, except for a folded axis, whose positions are whole blocks of `step`
/// columns). A struct, not a tuple: arrays of tuples with array members are copied through the
/// runtime's generic tuple witnesses (a few percent of a 0.3 ms call).
private struct AxisPhase {
    var start: Int, step: Int, count: Int, inStep: Int
    var taps: [(k: Int, offset: Int)]
    var cuts: [Int]
    var box: (start: Int, step: Int, count: Int)
}

/// `ceil(a / b)` for b > 0 and any sign of a.
@inline(__always)
func ceilDiv(_ a: Int, _ b: Int) -> Int {
    a >= 0 ? (a + b - 1) / b : -((-a) / b)
}
