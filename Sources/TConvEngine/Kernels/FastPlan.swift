/// How one channels-last convolution is cut into work for the micro-kernels: which kernel, how the
/// weights are read (native layout or a packed copy), and the work units.
///
/// Shapes (channels-last, spatial axes padded to three, see `FastGeometry`):
///   in  [N, I1, I2, I3, Cin]    out [N, O1, O2, O3, Cout]    per group g: Cin/G -> Cout/G
/// A work unit is (phase, group, a run of pixel tiles, a run of channel blocks); its output
/// elements belong to no other unit, so units run on any thread in any order.
struct FastPlan {
    /// Sizes chosen by measurement on AVX-512 machines (1 MiB L2 per core and more).
    enum Tuning {
        /// Bytes of one reduction chunk's weight panel (chunk x nr), kept in L2 across a unit's tiles.
        static let panelBudget = 160 << 10
        /// Output pixels per work unit. A unit's tiles share each chunk of weights (read once from
        /// L2 per tile), and read the input rows of their pixels at every tap: with 128 pixels a
        /// float64 atrous unit's rows (3 row offsets x 126 pixels x 2 KiB) filled L2 and were read
        /// again from L3 for each channel block. 64 pixels: float64 +5-10 % (atrous, unet, conv3d
        /// k3s2), float32 equal or a few % faster (s1, atrous); 32 was slower (fcn).
        static let runPixels = 64
        /// Work units at least (channel blocks are split between units until there are), and work
        /// groups at least (when there are that many units). Threads take groups one at a time, so
        /// the last group one thread takes is what the other may wait for at the end. With at least 16
        /// (atrous: 9 pixel runs x 2 channel parts, one group each) that tail cost the atrous cases
        /// about a tenth at 2 threads; 48 units of a quarter of the channels each do not.
        static let minUnits = 48
        static let minGroups = 48
    }

    /// The register tiles of `FastMicroKernels`: pixels x output channels (in half vectors).
    enum Tile: CaseIterable, Equatable {
        case m6n4, m8n3, m12n2, m12n1h, m12n1, m12nh, m6n3

        var mr: Int {
            switch self {
            case .m6n4, .m6n3: 6
            case .m8n3: 8
            default: 12
            }
        }

        /// Output channels per tile, in half vectors.
        var halves: Int {
            switch self {
            case .m6n4: 8
            case .m8n3, .m6n3: 6
            case .m12n2: 4
            case .m12n1h: 3
            case .m12n1: 2
            case .m12nh: 1
            }
        }

        /// Width of the last column in half vectors when the tile has more than one column (the
        /// last column can then be shifted left so the tile ends exactly at C_out), else nil.
        var lastHalves: Int? {
            switch self {
            case .m6n4, .m8n3, .m12n2, .m6n3: 2
            case .m12n1h: 1
            case .m12n1, .m12nh: nil
            }
        }

        /// Width of a row of the packed weight copy for this tile: its channels rounded up to whole
        /// vectors (a half-vector tile's rows stay half a vector).
        func packedWidth(vectorWidth v: Int) -> Int {
            let nr = halves * v / 2
            return nr < v ? nr : (nr + v - 1) / v * v
        }

        /// Offset of the last column within a packed row: right after the columns before it (0 for
        /// one-column tiles, which have none).
        func packedLast(vectorWidth v: Int) -> Int { lastHalves.map { (halves - $0) * v / 2 } ?? 0 }

        /// Relative speed per useful lane (fewer loads per FMA in the larger tiles, and fewer tiles'
        /// worth of row pointers and stores per output). Measured on FCN's folded upsamplers, whose
        /// short reductions (4 taps x 21 channels) show it most: 168 channels ran at 62-71 GFLOP/s
        /// in 6x4V tiles (an eighth of the lanes wasted), 60-66 in 8x3V, 56-58 in 12x(V + V/2) (no
        /// waste), 54-56 in 12x2V and 47-57 in 12xV; 42 channels 62-77 in 8x3V, 44-59 in the others.
        var speed: Double {
            switch self {
            case .m6n4: 1.0
            case .m8n3: 0.95
            case .m12n2: 0.85
            case .m12n1h: 0.8
            case .m12n1: 0.75
            case .m12nh: 0.6
            case .m6n3: 0.9
            }
        }
    }

    /// The dot-product tiles: pixels x output channels, vectors along input channels.
    enum DotTile: CaseIterable, Equatable {
        case m4n4, m6n4, m8n3

        var mr: Int { self == .m4n4 ? 4 : self == .m6n4 ? 6 : 8 }
        var nr: Int { self == .m8n3 ? 3 : 4 }
    }

    enum Kernel: Equatable {
        /// Vectors along output channels: one of the register tiles.
        case tile(Tile)
        /// Vectors along input channels: `dot4x4`, `dot6x4`, `dot8x3`.
        case dot(DotTile)
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
    /// The tile of the last channel block when it is not the plan's: after 6x4V blocks, 6x3V for the
    /// 2V to 3V channels left (FCN's folded 168 = 64 + 64 + 40 computes 176 lanes instead of 192).
    var lastTile: Tile?
    /// True when the weights are packed first (else the kernel reads the filter as it is).
    var packWeights: Bool
    /// Width of a packed row (tile: one channel block's output channels, padded to whole vectors;
    /// dot: output-channel rows per tap).
    var packedWidth: Int
    /// Elements of packed weights per tap and input channel (tile: every block's row; dot: one row).
    var packedTapRow: Int
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
    /// Units `unitGroups[i]..<unitGroups[i + 1]` form work group i (a thread runs a group in order).
    var unitGroups: [Int]
    var groupCount: Int { unitGroups.count - 1 }
    /// Pixels of the output per phase (all batch items).
    var phasePixels: [Int]

    /// Byte offsets of one worker's scratch arrays (see `FastExecutor.runUnit`), and the total.
    struct Scratch {
        var rows = 0, tileTaps = 0, tileWeights = 0, tileCounts = 0, cursors = 0, outOffsets = 0, dst = 0, spill = 0
        var tapOffsets = 0, pixelIn = 0, prefetchLines = 0, regionValid = 0, activeTaps = 0, activeOffsets = 0, activeWeights = 0, bytes = 0
    }
    var scratch: Scratch

    /// Bytes of scratch memory one worker needs.
    var workerScratchBytes: Int { scratch.bytes }

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
        // (A folded geometry's channels are columns of several filter taps: only the packed tile layout reads them.)
        let dotPossible = cin % v == 0 && cin > 0 && geometry.fold == 1
        let pixelsPerPhase = phasePixels.isEmpty ? 0 : pixelsTotal / phasePixels.count
        let useDot = dotPossible && (cout < v || (transposed && pixelsPerPhase < 256 && cout * cin >= 1 << 14))
        // Three output channels (an RGB image) fill the 8x3 dot tile exactly; more use 4x4 (6x4
        // measured slower on dcgan_g1, where 4x4 pixels per phase and image leave ragged 6-pixel tiles).
        let chosen: Kernel = forced ?? (useDot ? .dot(cout <= 3 ? .m8n3 : .m4n4) : .tile(FastPlan.bestTile(cout: cout, vectorWidth: v)))
        kernel = chosen
        switch chosen {
        case .dot(let tile): mr = tile.mr; nr = tile.nr
        case .tile(let tile): mr = tile.mr; nr = tile.halves * v / 2
        }
        blocks = max(1, (cout + nr - 1) / nr)
        let rest = cout - (blocks - 1) * nr
        lastTile = forced == nil && chosen == .tile(.m6n4) && blocks > 1 && rest > 2 * v && rest <= 3 * v ? .m6n3 : nil
        // Native layouts: a transposed op's filter is C_in-contiguous (what `dot` wants), a forward
        // op's is C_out-contiguous (what `tile` wants). Too few channels for one block: pad a copy.
        switch kernel {
        case .dot: packWeights = !transposed || cout < nr
        case .tile: packWeights = transposed || cout < nr
        }
        // Tile kernels: the packed copy is block-major, [block][tap][cin][width], so the panel a
        // block's tiles stream through is contiguous. Packed as [tap][cin][all of C_out], a block's
        // rows were C_out apart: at 2 KiB (float64, 256 channels) its 4 lines per row fell into 1/8
        // of L2's sets and float64 atrous ran at 0.41 of float32's GFLOP/s. Rows are padded to whole
        // 64-byte lines: with the copy 64-byte aligned, every weight vector the kernel loads sits
        // in one cache line (a load across two costs double); a half-vector tile's 32-byte rows
        // need no padding for that.
        if case .tile(let tile) = chosen {
            packedWidth = tile.packedWidth(vectorWidth: v)
            packedTapRow = packedWidth * blocks
        } else {
            packedWidth = max(cout, nr)
            packedTapRow = packedWidth
        }
        let panelBudget = Tuning.panelBudget, rowBytes = nr * (64 / v)
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
                if packWeights { count += phase.taps.count * cin * packedTapRow }
            }
        }
        packOffsets = offsets
        packCount = count
        tapBase = bases
        totalTaps = taps
        self.maxTaps = maxTaps

        // Pixel runs of about 128 pixels per unit (the pointer table per unit kept under 512 KiB),
        // aligned across phases: run k of every phase covers the same fraction of its pixels, which
        // is about the same stretch of the output and of the input. Units are ordered run by run
        // (run, phase, group, channel part), so consecutive units write interleaved pixels of one
        // output region while it is in cache, and read one input region; then cut into contiguous
        // groups of about equal work that the threads take one at a time (few places where two
        // threads write neighbouring pixels, and enough groups to balance two threads).
        let tableLimit = max(1, (512 << 10) / (maxTaps * mr * 8))
        let tilesWanted = max(1, min(Tuning.runPixels / mr, tableLimit))
        var units = [Unit]()
        var work = [Int]()
        var maxTiles = 1
        var runs = 1
        for p in phasePixels { runs = max(runs, ((p + mr - 1) / mr + tilesWanted - 1) / tilesWanted) }
        let pixelRuns = runs * geometry.groups * phasePixels.count
        let wanted = Tuning.minUnits
        let blockSplit = pixelRuns >= wanted || pixelRuns == 0 ? 1 : min(blocks, (wanted + pixelRuns - 1) / pixelRuns)
        for run in 0..<runs {
            for (phaseIndex, pixels) in phasePixels.enumerated() {
                let tiles = (pixels + mr - 1) / mr
                let t0 = tiles * run / runs, t1 = tiles * (run + 1) / runs
                if t1 <= t0 { continue }
                maxTiles = max(maxTiles, t1 - t0)
                for group in 0..<geometry.groups {
                    for part in 0..<blockSplit {
                        let b0 = blocks * part / blockSplit, b1 = blocks * (part + 1) / blockSplit
                        if b1 > b0 {
                            units.append(Unit(phase: phaseIndex, group: group, tile0: t0, tile1: t1, block0: b0, block1: b1))
                            work.append((t1 - t0) * geometry.phases[phaseIndex].taps.count * (b1 - b0))
                        }
                    }
                }
            }
        }
        var total = 0
        for w in work { total += w }
        let groupCount = min(units.count, max(runs, Tuning.minGroups))
        var groups = [0]
        var done = 0
        for (index, w) in work.enumerated() {
            done += w
            // Close a group once its share of the work is reached.
            if index + 1 < work.count && done * groupCount >= total * groups.count { groups.append(index + 1) }
        }
        groups.append(units.count)
        unitGroups = groups
        self.units = units
        maxTilesPerUnit = maxTiles
        scratch = FastPlan.layout(tiles: maxTiles, taps: maxTaps, mr: mr, nr: nr)
    }

    /// Channels [start, start + columns) that channel block `block` computes (of `cout` per group):
    /// blocks of nr from 0; the last one ends at cout, overlapping the one before unless it has a
    /// tile of its own (`lastTile`); with fewer than nr channels in all, one block from 0.
    func blockSpan(_ block: Int, cout: Int) -> (start: Int, columns: Int) {
        if lastTile != nil && block == blocks - 1 { return (block * nr, cout - block * nr) }
        return (cout >= nr ? min(block * nr, cout - nr) : 0, min(nr, cout))
    }

    /// The tile that wastes the fewest lanes on `cout` channels (the last block of a group
    /// overlaps the one before it, so its lanes are partly duplicates), weighted by tile speed.
    static func bestTile(cout: Int, vectorWidth v: Int) -> Tile {
        tileChoice(cout: cout, vectorWidth: v).tile
    }

    /// `bestTile` and its score: the share of the lanes doing useful work, times the tile's speed.
    static func tileChoice(cout: Int, vectorWidth v: Int) -> (tile: Tile, score: Double) {
        var best = Tile.m12n1, bestScore = -1.0
        for tile in Tile.allCases {
            let nr = tile.halves * v / 2
            let blocks = max(1, (cout + nr - 1) / nr)
            let score = Double(cout) / Double(blocks * nr) * tile.speed
            if score > bestScore + 1e-9 { best = tile; bestScore = score }
        }
        return (best, bestScore)
    }

    /// Most cache lines a tile's output can span: mr rows of at most nr elements of 8 bytes, each
    /// row starting anywhere in a line.
    static func prefetchLineCapacity(mr: Int, nr: Int) -> Int { mr * (nr * 8 / 64 + 2) }

    private static func layout(tiles: Int, taps: Int, mr: Int, nr: Int) -> Scratch {
        var s = Scratch()
        var bytes = 0
        func take(_ count: Int) -> Int {
            let at = bytes
            bytes += (count * 8 + 63) / 64 * 64
            return at
        }
        s.rows = take(tiles * taps * mr)
        s.tileTaps = take(tiles * taps)
        s.tileWeights = take(tiles * taps)
        s.tileCounts = take(tiles)
        s.cursors = take(tiles)
        s.outOffsets = take(tiles * mr)
        s.dst = take(mr)
        s.spill = take(tiles * mr * nr + 64)
        s.tapOffsets = take(taps)
        s.pixelIn = take(mr)
        s.prefetchLines = take(prefetchLineCapacity(mr: mr, nr: nr))
        s.regionValid = take(taps)
        s.activeTaps = take(taps)
        s.activeOffsets = take(taps)
        s.activeWeights = take(taps)
        s.bytes = bytes
        return s
    }
}
