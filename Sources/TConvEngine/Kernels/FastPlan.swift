/// How one channels-last convolution is cut into work for the micro-kernels: which kernel, how the
/// weights are read (native layout or a packed copy), and the work units.
///
/// Shapes (channels-last, spatial axes padded to three, see `FastGeometry`):
///   in  [N, I1, I2, I3, Cin]    out [N, O1, O2, O3, Cout]    per group g: Cin/G -> Cout/G
/// A work unit is (phase, group, a run of pixel tiles, a run of channel blocks); its output
/// elements belong to no other unit, so units run on any thread in any order.
struct FastPlan {
    enum Kernel: Equatable {
        /// Vectors along output channels: `tile6x4`, `tile12x2`, `tile12x1` (nv = 4, 2, 1).
        case tile(nv: Int)
        /// Vectors along input channels, 4 pixels x 4 output channels: `dot4x4`.
        case dot
    }

    struct Unit {
        var phase: Int
        var group: Int
        var tile0: Int, tile1: Int
        var block0: Int, block1: Int
    }

    var geometry: FastGeometry
    var kernel: Kernel
    /// Pixels per tile and output channels per block.
    var mr: Int
    var nr: Int
    /// Channel blocks per group (the last one may overlap the one before it).
    var blocks: Int
    /// True when the weights are packed first (else the kernel reads the filter as it is).
    var packWeights: Bool
    /// Width of a packed row (tile: output channels; dot: output-channel rows per tap).
    var packedWidth: Int
    /// Element offset of each (phase, group) in the packed weights, and the total.
    var packOffsets: [Int]
    var packCount: Int
    /// Reduction chunks: taps per chunk, and input channels per chunk (less than all only with one
    /// tap per chunk, so that chunks always follow the unchunked order: taps, then channels). Sized
    /// so one chunk's weight panel (chunk x nr) stays in L2 while the tiles of a unit reuse it.
    var tapChunk: Int
    var channelChunk: Int
    /// Start of each phase's taps in the flattened tap tables.
    var tapBase: [Int]
    var totalTaps: Int
    var maxTaps: Int
    var maxTilesPerUnit: Int
    var units: [Unit]
    /// Pixels of the output per phase (all batch items).
    var phasePixels: [Int]

    /// Bytes of scratch memory one worker needs.
    var workerScratchBytes: Int {
        maxTilesPerUnit * maxTaps * mr * 8 + maxTilesPerUnit * mr * 8 + mr * 8 + (maxTilesPerUnit * mr * nr + 64) * 8
    }

    /// Chooses the kernel and the work split for `geometry` with vectors of `vectorWidth` lanes.
    init(_ geometry: FastGeometry, transposed: Bool, vectorWidth v: Int, forcing forced: Kernel? = nil) {
        self.geometry = geometry
        let cin = geometry.inPerGroup, cout = geometry.outPerGroup
        var pixelsTotal = 0
        phasePixels = geometry.phases.map { $0.pixelsPerImage * geometry.batch }
        for p in phasePixels { pixelsTotal += p }

        // Dot kernel: vectors along C_in. It reads a transposed op's filter ([K.., Cout, Cin]) as
        // it is and wastes no lanes when C_out is small, but needs 8 vector loads per 16 FMAs and a
        // lane reduction per output value. The tile kernels reach ~95% of the FMA peak, but need
        // C_out-contiguous weights: for a transposed op that is a transposed copy of the filter,
        // which costs more than it saves when each weight meets few pixels (dcgan_g1: 128 per phase).
        let dotPossible = cin % v == 0 && cin > 0
        let pixelsPerPhase = phasePixels.isEmpty ? 0 : pixelsTotal / phasePixels.count
        let useDot = dotPossible && (cout < v || (transposed && pixelsPerPhase < 256 && cout * cin >= 1 << 14))
        let chosen: Kernel = forced ?? (useDot ? .dot : .tile(nv: cout >= 4 * v ? 4 : cout >= 2 * v ? 2 : 1))
        kernel = chosen
        switch chosen {
        case .dot: mr = 4; nr = 4
        case .tile(let nv) where nv >= 4: mr = 6; nr = 4 * v
        case .tile(let nv) where nv == 2: mr = 12; nr = 2 * v
        case .tile: mr = 12; nr = v
        }
        blocks = max(1, (cout + nr - 1) / nr)
        // Native layouts: a transposed op's filter is C_in-contiguous (what `dot` wants), a forward
        // op's is C_out-contiguous (what `tile` wants). Too few channels for one block: pad a copy.
        switch kernel {
        case .dot: packWeights = !transposed || cout < nr
        case .tile: packWeights = transposed || cout < nr
        }
        packedWidth = max(cout, nr)
        let panelBudget = 160 << 10, rowBytes = nr * (64 / v)
        if case .dot = chosen {
            channelChunk = cin; tapChunk = Int.max
        } else if cin * rowBytes > panelBudget {
            channelChunk = max(1, panelBudget / rowBytes); tapChunk = 1
        } else {
            channelChunk = cin; tapChunk = max(1, panelBudget / max(1, cin * rowBytes))
        }

        var offsets = [Int]()
        var count = 0
        var bases = [Int]()
        var taps = 0, maxTaps = 1
        for phase in geometry.phases {
            bases.append(taps)
            taps += phase.taps.count
            maxTaps = max(maxTaps, phase.taps.count)
            for _ in 0..<geometry.groups {
                offsets.append(count)
                if packWeights { count += phase.taps.count * cin * packedWidth }
            }
        }
        packOffsets = offsets
        packCount = count
        tapBase = bases
        totalTaps = taps
        self.maxTaps = maxTaps

        // Pixel runs of about 128 pixels per unit (enough reuse of each weight block from cache),
        // with the pointer table per unit kept under 512 KiB; then split channel blocks when that
        // leaves too few units to share between threads.
        let tableLimit = max(1, (512 << 10) / (maxTaps * mr * 8))
        let tilesWanted = max(1, min(128 / mr, tableLimit))
        var units = [Unit]()
        var maxTiles = 1
        var pixelRuns = 0
        for p in phasePixels { pixelRuns += max(1, ((p + mr - 1) / mr + tilesWanted - 1) / tilesWanted) }
        pixelRuns *= geometry.groups
        let blockSplit = pixelRuns >= 16 || pixelRuns == 0 ? 1 : min(blocks, (16 + pixelRuns - 1) / pixelRuns)
        for (phaseIndex, pixels) in phasePixels.enumerated() {
            let tiles = (pixels + mr - 1) / mr
            let runs = max(1, (tiles + tilesWanted - 1) / tilesWanted)
            for group in 0..<geometry.groups {
                for run in 0..<runs {
                    let t0 = tiles * run / runs, t1 = tiles * (run + 1) / runs
                    if t1 <= t0 { continue }
                    maxTiles = max(maxTiles, t1 - t0)
                    for part in 0..<blockSplit {
                        let b0 = blocks * part / blockSplit, b1 = blocks * (part + 1) / blockSplit
                        if b1 > b0 { units.append(Unit(phase: phaseIndex, group: group, tile0: t0, tile1: t1, block0: b0, block1: b1)) }
                    }
                }
            }
        }
        self.units = units
        maxTilesPerUnit = maxTiles
    }
}
