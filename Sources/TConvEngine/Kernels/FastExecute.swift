/// Runs a `FastPlan` on channels-last buffers: packs the weights if the plan says so, then runs
/// the units on the worker threads.
///
/// Shapes: in [N, I1, I2, I3, Cin], out [N, O1, O2, O3, Cout] (channels-last, contiguous), the filter
/// as the problem gives it. Memory: the packed weights (a copy of the filter's size, only when the
/// kernel cannot read it in place) plus a small table of row pointers per worker; `bytesNeeded`
/// says how much, and the caller declines plans over its budget.
///
/// Every output element is written exactly once (by the unit that owns it, or as part of a phase
/// no tap reaches), so `out` may arrive uninitialised.
struct FastExecutor<T: FastScalar> {
    let plan: FastPlan
    let threads: Int

    /// Scratch bytes this run needs (packed weights, zero row, per-worker tables).
    var bytesNeeded: Int {
        plan.packCount * MemoryLayout<T>.stride * packCopies + (plan.geometry.inPerGroup + 64) * MemoryLayout<T>.stride
            + plan.totalTaps * 8 + threads * slotBytes
    }

    /// Bytes of one worker's slot: its scratch, then a line whose first byte says the worker has
    /// prepared it (cleared its scratch and packed its own weights).
    var slotBytes: Int { plan.workerScratchBytes + 64 }

    /// Copies of the packed weights: one per worker when each is at most 1 MiB (and all of them at
    /// most 8 MiB), which each worker packs for itself before its first tiles; else one, packed by
    /// the workers together. Weights one core packed and another reads cross between the cores on
    /// every call, which costs the most when they share no L3 (see `FastWorkerPool`): unet_up (512
    /// KiB of packed weights) then ran at 183 GFLOP/s with one copy and 197 with two, and at 189
    /// and 203 when the cores shared an L3. Packing twice is cheap at this size; dcgan_g1's 13 MiB
    /// is not.
    var packCopies: Int {
        let workers = min(max(1, threads), FastParallel.coreCount), bytes = plan.packCount * MemoryLayout<T>.stride
        return plan.packWeights && workers > 1 && bytes <= 1 << 20 && bytes * workers <= 8 << 20 ? workers : 1
    }

    /// Computes every element of `out`.
    func run(input x: UnsafePointer<T>, filter w: UnsafePointer<T>, output y: UnsafeMutablePointer<T>,
             control: ComputeControl?) throws(EngineError) {
        let g = plan.geometry
        let cin = g.inPerGroup
        // Zero row: what the pointer of a tap in the padding points to (read up to cin values).
        let zeros = UnsafeMutablePointer<T>.allocate(capacity: cin + 64)
        zeros.initialize(repeating: 0, count: cin + 64)
        defer { zeros.deallocate() }
        writeZeroBoxes(y)

        // Weight offset of each tap, per phase (in the filter or in the packed copy).
        let wTap = UnsafeMutablePointer<Int>.allocate(capacity: max(plan.totalTaps, 1))
        defer { wTap.deallocate() }
        let workerCount = max(1, threads)
        let privatePacks = packCopies > 1
        let packed = AlignedMemory.allocate(T.self, count: max(plan.packCount, 1) * packCopies)
        defer { AlignedMemory.free(packed) }
        for (index, phase) in g.phases.enumerated() {
            for (t, tap) in phase.taps.enumerated() {
                wTap[plan.tapBase[index] + t] = plan.packWeights ? t * cin * plan.packedWidth : tap.filterTap * g.tapStride
            }
        }
        let packUnits = plan.totalTaps * g.groups
        if plan.packWeights && !privatePacks {
            // Packing is spread over the threads from 16 Ki elements: conv3d k3s2's 55 Ki (221 KiB in
            // float32) packed on one thread took 2 % of a 2-thread call while the other thread waited
            // (paired runs with both threads: +5-7 %).
            let packThreads = plan.packCount >= (1 << 14) ? FastParallel.threadCount(requested: threads, units: packUnits) : 1
            let sendable = UnsafeSendable((packed, w))
            try FastParallel.run(units: packUnits, threads: packThreads, control: nil, checkpoints: false) { unit, _ in
                packTap(unit, packed: sendable.value.0, filter: sendable.value.1)
            }
        }

        // Each worker clears its own scratch (and packs its own weights) before its first tiles, so
        // those lines start in its own cache, not in the caller's.
        let scratchBytes = plan.workerScratchBytes, slotBytes = slotBytes
        let scratch = AlignedMemory.allocate(bytes: slotBytes * workerCount)
        defer { AlignedMemory.free(scratch) }
        for worker in 0..<workerCount { (scratch + worker * slotBytes + scratchBytes).storeBytes(of: 0, as: UInt8.self) }
        let packCount = plan.packCount
        let shared = UnsafeSendable((x, w, y, packed, UnsafePointer(zeros), UnsafePointer(wTap), scratch))
        try FastParallel.run(units: plan.groupCount, threads: threads, control: control, checkpoints: true) { group, worker in
            let s = shared.value
            let mine = s.6 + worker * slotBytes
            let weights = privatePacks ? s.3 + worker * packCount : s.3
            if mine.load(fromByteOffset: scratchBytes, as: UInt8.self) == 0 {
                // Spill rows of invalid pixels are summed into and then discarded: keep them finite.
                mine.initializeMemory(as: UInt8.self, repeating: 0, count: scratchBytes)
                if privatePacks {
                    for unit in 0..<packUnits { packTap(unit, packed: weights, filter: s.1) }
                }
                mine.storeBytes(of: 1, toByteOffset: scratchBytes, as: UInt8.self)
            }
            for unit in plan.unitGroups[group]..<plan.unitGroups[group + 1] {
                runUnit(plan.units[unit], x: s.0, w: UnsafePointer(weights), filter: s.1, y: s.2, zeros: s.4, wTapAll: s.5,
                        scratch: mine)
            }
        }
    }

    /// Zeroes the output positions of phases that no tap reaches (all channels).
    private func writeZeroBoxes(_ y: UnsafeMutablePointer<T>) {
        let g = plan.geometry
        let outS2 = g.outChannels, outS1 = g.outSize.2 * outS2, outS0 = g.outSize.1 * outS1, outN = g.outSize.0 * outS0
        for box in g.zeroBoxes {
            for n in 0..<g.batch {
                for m0 in 0..<box.count.0 {
                    for m1 in 0..<box.count.1 {
                        for m2 in 0..<box.count.2 {
                            let at = n * outN + (box.start.0 + box.step.0 * m0) * outS0 + (box.start.1 + box.step.1 * m1) * outS1
                                + (box.start.2 + box.step.2 * m2) * outS2
                            (y + at).initialize(repeating: 0, count: g.outChannels)
                        }
                    }
                }
            }
        }
    }

    /// Packs the weights of one tap of one phase and group (unit = flattened (tap, group)).
    private func packTap(_ unit: Int, packed: UnsafeMutablePointer<T>, filter w: UnsafePointer<T>) {
        let g = plan.geometry
        let tapIndex = unit / g.groups, group = unit % g.groups
        var phaseIndex = 0
        while phaseIndex + 1 < plan.tapBase.count && plan.tapBase[phaseIndex + 1] <= tapIndex { phaseIndex += 1 }
        let t = tapIndex - plan.tapBase[phaseIndex]
        let tap = g.phases[phaseIndex].taps[t]
        let cin = g.inPerGroup, cout = g.outPerGroup, width = plan.packedWidth
        let src = w + tap.filterTap * g.tapStride + group * g.groupStride
        let dst = packed + plan.packOffsets[phaseIndex * g.groups + group] + t * cin * width
        if g.fold > 1 {
            // Folded last axis (`FastGeometry.LastAxis`): GEMM channel n is column q = n / C of the
            // block, output channel n % C, read from filter tap `filterTap + q`. Column by column
            // (folding is chosen for few channels, where the filter is small).
            let channels = cout / g.fold
            let blockStride = g.phases[phaseIndex].taps.count * cin * width
            for block in 0..<plan.blocks {
                let (start, columns) = plan.blockSpan(block, cout: cout)
                let to = dst + block * blockStride
                for j in 0..<columns {
                    let n = start + j, q = n / channels
                    let from = w + (tap.filterTap + q) * g.tapStride + (n - q * channels) * g.nStride
                    for c in 0..<cin { to[c &* width &+ j] = from[c &* g.kStride] }
                }
                for c in 0..<cin {
                    for j in columns..<width { to[c * width + j] = 0 }
                }
            }
            return
        }
        switch plan.kernel {
        case .tile:
            // Per channel block: [cin][width] at the block's place in the block-major copy, its
            // output channels contiguous, zero-padded past them. Block b holds channels
            // [start, start + min(nr, cout)), start as in `runUnit` (the last block ends at cout).
            // From a transposed op's C_in-contiguous filter this is a transpose in V x V blocks held
            // in registers (V = 16 floats or 8 doubles): V source rows (output channels) loaded as
            // vectors along C_in, shuffled in registers, V whole destination vectors stored.
            // Element-by-element copies through a buffer ran at a third of the speed and cost 5-13 %
            // of a call (dcgan_g2, atrous). Edges element by element.
            let taps = g.phases[phaseIndex].taps.count, blockStride = taps * cin * width
            for block in 0..<plan.blocks {
                let (start, columns) = plan.blockSpan(block, cout: cout)
                let to = dst + block * blockStride
                for c in 0..<cin {
                    for j in columns..<width { to[c &* width &+ j] = 0 }
                }
                T.transposeRows(src + start &* g.nStride, rowStride: g.nStride, channelStride: g.kStride, rows: columns,
                                channels: cin, into: to, width: width)
            }
        case .dot:
            // [width][cin], input channels contiguous, zero rows past cout.
            for j in 0..<width {
                let row = dst + j * cin
                if j < cout {
                    for c in 0..<cin { row[c] = src[c * g.kStride + j * g.nStride] }
                } else {
                    for c in 0..<cin { row[c] = 0 }
                }
            }
        }
    }

    /// One unit: build the row-pointer table for its tiles, then run the kernel per channel block
    /// and tile (the channel block outermost, so its weights stay in cache across the tiles).
    ///
    /// Each tile keeps only its *active* taps: those that read the input for at least one of its
    /// pixels. The phase's pixels are numbered region by region (`FastPhase.regions`), so almost
    /// every tile lies in one region and skips exactly the taps that would multiply padding zeros.
    /// An output's sum still runs over its taps in phase order, then channels: skipping a tap that
    /// adds 0*w changes nothing, and the tiling, which decides what is skipped, does not depend on
    /// the thread count.
    private func runUnit(_ unit: FastPlan.Unit, x: UnsafePointer<T>, w packed: UnsafePointer<T>,
                         filter: UnsafePointer<T>, y: UnsafeMutablePointer<T>, zeros: UnsafePointer<T>,
                         wTapAll: UnsafePointer<Int>, scratch: UnsafeMutableRawPointer) {
        let g = plan.geometry
        let phase = g.phases[unit.phase]
        let mr = plan.mr, nr = plan.nr
        let taps = phase.taps.count
        let tiles = unit.tile1 - unit.tile0
        let cin = g.inPerGroup, cout = g.outPerGroup
        let pixels = plan.phasePixels[unit.phase]
        let layout = plan.scratch

        // Scratch: row pointers [tiles][taps][mr] (active taps first), per tile its active taps'
        // indices and weight offsets [tiles][taps] and their count, reduction cursors [tiles],
        // output offsets [tiles][mr] (-1: no pixel), destination pointers [mr], and spill tiles
        // [tiles][mr][nr] for rows and channels that are not stored directly.
        let rows = (scratch + layout.rows).bindMemory(to: UnsafePointer<T>.self, capacity: tiles * taps * mr)
        let tileTaps = (scratch + layout.tileTaps).bindMemory(to: Int.self, capacity: tiles * taps)
        let tileWeights = (scratch + layout.tileWeights).bindMemory(to: Int.self, capacity: tiles * taps)
        let tileCounts = (scratch + layout.tileCounts).bindMemory(to: Int.self, capacity: tiles)
        let cursors = (scratch + layout.cursors).bindMemory(to: Int.self, capacity: tiles)
        let outOffsets = (scratch + layout.outOffsets).bindMemory(to: Int.self, capacity: tiles * mr)
        let dst = (scratch + layout.dst).bindMemory(to: UnsafeMutablePointer<T>.self, capacity: mr)
        let spill = (scratch + layout.spill).bindMemory(to: T.self, capacity: tiles * mr * nr + 64)
        // The current tile's input offset per pixel (elements), while its table is written.
        let pixelIn = (scratch + layout.pixelIn).bindMemory(to: Int.self, capacity: mr)
        let prefetchLines = (scratch + layout.prefetchLines).bindMemory(to: UnsafeRawPointer.self, capacity: FastPlan.prefetchLineCapacity(mr: mr, nr: nr))

        // Strides (elements) of the channels-last input and output.
        let inS2 = g.inChannels, inS1 = g.inSize.2 * inS2, inS0 = g.inSize.1 * inS1, inN = g.inSize.0 * inS0
        let outS2 = g.outChannels, outS1 = g.outSize.2 * outS2, outS0 = g.outSize.1 * outS1, outN = g.outSize.0 * outS0
        let inGroup = unit.group * cin, outGroup = unit.group * cout
        let prefetching = g.batch * outN * MemoryLayout<T>.stride > 1 << 20
        let wTapPhase = wTapAll + plan.tapBase[unit.phase]

        // Per tap: its input offset in elements, and whether it reads the input in the current
        // region (the same answer for every pixel of a region).
        let tapOffsets = (scratch + layout.tapOffsets).bindMemory(to: Int.self, capacity: taps)
        let regionValid = (scratch + layout.regionValid).bindMemory(to: Int.self, capacity: taps)
        // The current region's active taps in phase order: index, input offset, weight offset.
        let activeTaps = (scratch + layout.activeTaps).bindMemory(to: Int.self, capacity: taps)
        let activeOffsets = (scratch + layout.activeOffsets).bindMemory(to: Int.self, capacity: taps)
        let activeWeights = (scratch + layout.activeWeights).bindMemory(to: Int.self, capacity: taps)
        var activeCount = 0
        let inLimit = (UInt(g.inSize.0), UInt(g.inSize.1), UInt(g.inSize.2))
        phase.taps.withUnsafeBufferPointer { tapList in
            for t in 0..<taps {
                let off = tapList[t].offset
                tapOffsets[t] = off.0 &* inS0 &+ off.1 &* inS1 &+ off.2 &* inS2
            }
            func enter(_ region: FastRegion) {
                let b0 = region.lo.0 &* phase.inStep.0, b1 = region.lo.1 &* phase.inStep.1, b2 = region.lo.2 &* phase.inStep.2
                for t in 0..<taps {
                    let off = tapList[t].offset
                    // One unsigned compare per axis: negative coordinates wrap to huge values.
                    let inside = UInt(bitPattern: b0 &+ off.0) < inLimit.0 && UInt(bitPattern: b1 &+ off.1) < inLimit.1
                        && UInt(bitPattern: b2 &+ off.2) < inLimit.2
                    regionValid[t] = inside ? 1 : 0
                }
                activeCount = 0
                for t in 0..<taps where regionValid[t] != 0 {
                    activeTaps[activeCount] = t
                    activeOffsets[activeCount] = tapOffsets[t]
                    activeWeights[activeCount] = wTapPhase[t]
                    activeCount += 1
                }
            }
            phase.regions.withUnsafeBufferPointer { regions in
                // Coordinates of the unit's first pixel, then stepped pixel by pixel (no divisions).
                var pixel = unit.tile0 * mr
                var regionIndex = phase.region(of: pixel)
                var region = regions[regionIndex]
                enter(region)
                let width2 = region.hi.2 - region.lo.2, width12 = (region.hi.1 - region.lo.1) * width2
                var local = pixel - region.first
                var n = local / region.pixelsPerImage
                local -= n * region.pixelsPerImage
                var m0 = region.lo.0 + local / width12
                local -= (m0 - region.lo.0) * width12
                var m1 = region.lo.1 + local / width2
                var m2 = region.lo.2 + local - (m1 - region.lo.1) * width2
                let inStep = phase.inStep, start = phase.start, step = phase.step
                // Output and input element offsets of the current pixel: stepped along the last axis,
                // recomputed from (n, m0, m1, m2) only where a row of the region wraps (the full
                // expression per pixel was a tenth of fcn_up8, whose tiles have few taps and channels).
                let outStep2 = step.2 &* outS2, inStep2 = inStep.2 &* inS2
                var outAt = n &* outN &+ (start.0 &+ step.0 &* m0) &* outS0 &+ (start.1 &+ step.1 &* m1) &* outS1
                    &+ (start.2 &+ step.2 &* m2) &* outS2 &+ outGroup
                var inAt = n &* inN &+ inGroup &+ m0 &* inStep.0 &* inS0 &+ m1 &* inStep.1 &* inS1 &+ m2 &* inStep2
                // Steps (n, m0, m1, m2) to the next pixel of the phase, entering the next region after
                // the last pixel of one; true when it entered one.
                @inline(__always) func advance() -> Bool {
                    pixel += 1
                    m2 += 1
                    outAt &+= outStep2
                    inAt &+= inStep2
                    guard m2 == region.hi.2 else { return false }
                    var entered = false
                    m2 = region.lo.2; m1 += 1
                    if m1 == region.hi.1 {
                        m1 = region.lo.1; m0 += 1
                        if m0 == region.hi.0 {
                            m0 = region.lo.0; n += 1
                            if n == g.batch {
                                n = 0; regionIndex += 1
                                if regionIndex < regions.count {
                                    region = regions[regionIndex]
                                    m0 = region.lo.0; m1 = region.lo.1; m2 = region.lo.2
                                    enter(region)
                                    entered = true
                                }
                            }
                        }
                    }
                    outAt = n &* outN &+ (start.0 &+ step.0 &* m0) &* outS0 &+ (start.1 &+ step.1 &* m1) &* outS1
                        &+ (start.2 &+ step.2 &* m2) &* outS2 &+ outGroup
                    inAt = n &* inN &+ inGroup &+ m0 &* inStep.0 &* inS0 &+ m1 &* inStep.1 &* inS1 &+ m2 &* inStep2
                    return entered
                }
                for tile in 0..<tiles {
                    let tileRows = rows + tile * taps * mr
                    let flags = tileTaps + tile * taps
                    if pixel + mr <= region.first + region.pixelsPerImage * g.batch {
                        // The whole tile in the current region: its active taps are the region's,
                        // written compacted directly (the common case).
                        let count = activeCount
                        for k in 0..<count {
                            flags[k] = activeTaps[k]
                            tileWeights[tile * taps + k] = activeWeights[k]
                        }
                        tileCounts[tile] = count
                        // Pixels first, then the table tap by tap: each tap's mr pointers are one
                        // contiguous run of adds to the same offset, which compiles to vector stores
                        // (pixel by pixel, the stores were mr apart and scalar). The step past the
                        // tile's last pixel comes after the table: it may enter the next region,
                        // which replaces the active taps.
                        let tileOut = outOffsets + tile &* mr
                        for p in 0..<mr {
                            tileOut[p] = outAt
                            pixelIn[p] = inAt
                            if p + 1 < mr { _ = advance() }
                        }
                        for k in 0..<count {
                            let row = tileRows + k &* mr, offset = activeOffsets[k]
                            for p in 0..<mr { row[p] = x + (pixelIn[p] &+ offset) }
                        }
                        _ = advance()
                        continue
                    }
                    for t in 0..<taps { flags[t] = regionValid[t] }
                    for p in 0..<mr {
                        guard pixel < pixels else {
                            outOffsets[tile * mr + p] = -1
                            for t in 0..<taps { tileRows[t * mr + p] = zeros }
                            continue
                        }
                        outOffsets[tile * mr + p] = outAt
                        let base = x + inAt
                        for t in 0..<taps {
                            tileRows[t * mr + p] = regionValid[t] != 0 ? base + tapOffsets[t] : zeros
                        }
                        if advance() && p + 1 < mr {
                            for t in 0..<taps { flags[t] |= regionValid[t] }
                        }
                    }
                    // Keep the active taps, in phase order (k <= t: flags already read are reused).
                    var k = 0
                    for t in 0..<taps where flags[t] != 0 {
                        if k != t {
                            for p in 0..<mr { tileRows[k * mr + p] = tileRows[t * mr + p] }
                        }
                        flags[k] = t
                        tileWeights[tile * taps + k] = wTapPhase[t]
                        k += 1
                    }
                    tileCounts[tile] = k
                }
            }
        }

        let wBase = plan.packWeights ? packed + plan.packOffsets[unit.phase * g.groups + unit.group]
                                     : filter + unit.group * g.groupStride
        for block in unit.block0..<unit.block1 {
            // Block `block` owns channels [writeStart, writeStart + writeCount). When cout is not a
            // multiple of nr the last block computes nr channels ending at cout (overlapping the
            // block before: the shared channels get identical sums). With fewer than nr channels in
            // all, a tile whose last column can shift left so it ends at cout still stores directly;
            // otherwise the tile goes through the spill rows.
            let writeStart = block * nr, writeCount = min(nr, cout - block * nr)
            let start = plan.blockSpan(block, cout: cout).start
            switch plan.kernel {
            case .tile(let planShape):
                let v = T.Vector.scalarCount
                let ownTile = block == plan.blocks - 1 ? plan.lastTile : nil
                let shape = ownTile ?? planShape
                let lastWidth = (shape.lastHalves ?? 2) * v / 2
                var last = nr - lastWidth
                var direct = start == writeStart && writeCount == nr
                if cout < nr, shape.lastHalves != nil, cout >= nr - lastWidth {
                    last = cout - lastWidth
                    direct = true
                }
                if ownTile != nil {
                    // Its own narrower tile, last column shifted left to end exactly at cout.
                    last = writeCount - lastWidth
                    direct = true
                }
                let ldw = plan.packWeights ? plan.packedWidth : g.kStride
                let panel = plan.packWeights ? wBase + block * taps * cin * plan.packedWidth : wBase + start * g.nStride
                for tile in 0..<tiles { cursors[tile] = 0 }
                var t0 = 0
                while t0 < taps {
                    let tEnd = taps - t0 <= plan.tapChunk ? taps : t0 + plan.tapChunk
                    var c0 = 0
                    while c0 < cin {
                        let channelCount = min(plan.channelChunk, cin - c0)
                        // The first pass stores each tile's output for the first time. In an output
                        // larger than L2 those lines are mostly not in cache, and a store waits for
                        // its line to arrive: ask for the next tile's lines now, so they arrive while
                        // this tile computes (paired runs: fcn_up8 +14 %, conv3d +4-6 %, unet +2-4 %,
                        // float64 +2-18 %). A smaller output is still in cache and only pays for the
                        // prefetch instructions (fcn_up2, 344 KiB: -3 %).
                        // The kernel itself issues them, one every two input channels: all of a tile's
                        // lines at once (24 for float64 conv3d k2s2) filled the core's miss buffers, and
                        // the prefetch loop then waited for lines to arrive, 8 % of the call; spread out,
                        // float64 conv3d k2s2 runs 9 % faster, k3s2 4 % (1 thread, 10 alternating runs).
                        let firstPass = prefetching && direct && t0 == 0 && c0 == 0
                        if firstPass {
                            let first = outputLines(tile: 0, tiles: tiles, mr: mr, outOffsets: outOffsets, y: y + start,
                                                    count: writeCount, into: prefetchLines)
                            for k in 0..<first { prefetchForWriting(prefetchLines[k]) }
                        }
                        for tile in 0..<tiles {
                            let lineCount = firstPass ? outputLines(tile: tile + 1, tiles: tiles, mr: mr, outOffsets: outOffsets,
                                                                    y: y + start, count: writeCount, into: prefetchLines) : 0
                            // This chunk's taps of the tile: its active taps [kLo, kHi) below tEnd.
                            let list = tileTaps + tile * taps, count = tileCounts[tile], kLo = cursors[tile]
                            var kHi = kLo
                            while kHi < count && list[kHi] < tEnd { kHi += 1 }
                            if kHi == kLo { continue }
                            let offsets = outOffsets + tile * mr
                            // Each tile keeps its own spill rows, since a chunked reduction comes back to them.
                            let tileSpill = spill + tile * mr * nr
                            for p in 0..<mr {
                                dst[p] = offsets[p] >= 0 && direct ? y + offsets[p] + start : tileSpill + p * nr
                            }
                            let rowTable = UnsafePointer(rows + (tile * taps + kLo) * mr)
                            let weights = UnsafePointer(tileWeights + tile * taps + kLo)
                            let wChunk = panel + c0 * ldw, tapCount = kHi - kLo, accumulate = kLo > 0 || c0 > 0
                            FastMicroKernels.tile(shape, taps: tapCount, cin: channelCount, rows: rowTable, w: wChunk, wTap: weights,
                                                  ldw: ldw, cinOffset: c0, accumulate: accumulate, dst: dst, last: last,
                                                  prefetch: UnsafeBufferPointer(start: prefetchLines, count: lineCount))
                        }
                        c0 += channelCount
                    }
                    for tile in 0..<tiles {
                        let list = tileTaps + tile * taps, count = tileCounts[tile]
                        var k = cursors[tile]
                        while k < count && list[k] < tEnd { k += 1 }
                        cursors[tile] = k
                    }
                    t0 = tEnd
                }
                storeBlock(tiles: tiles, mr: mr, nr: nr, y: y, outOffsets: outOffsets, tileCounts: tileCounts, spill: spill,
                           direct: direct, from: writeStart - start, to: writeStart, count: writeCount)
            case .dot(let shape):
                let ldco = plan.packWeights ? cin : g.nStride
                let panel = wBase + start * ldco
                for tile in 0..<tiles where tileCounts[tile] > 0 {
                    let rowTable = UnsafePointer(rows + tile * taps * mr), weights = UnsafePointer(tileWeights + tile * taps)
                    let out = spill + tile * mr * nr
                    switch shape {
                    case .m4n4:
                        FastMicroKernels.dot4x4(taps: tileCounts[tile], cin: cin, rows: rowTable, w: panel, wTap: weights, ldco: ldco, out: out)
                    case .m6n4:
                        FastMicroKernels.dot6x4(taps: tileCounts[tile], cin: cin, rows: rowTable, w: panel, wTap: weights, ldco: ldco, out: out)
                    case .m8n3:
                        FastMicroKernels.dot8x3(taps: tileCounts[tile], cin: cin, rows: rowTable, w: panel, wTap: weights, ldco: ldco, out: out)
                    }
                }
                storeBlock(tiles: tiles, mr: mr, nr: nr, y: y, outOffsets: outOffsets, tileCounts: tileCounts, spill: spill,
                           direct: false, from: writeStart - start, to: writeStart, count: writeCount)
            }
        }
    }

    /// Writes the addresses of the cache lines holding `count` channels from `y` at each pixel of
    /// `tile` to `lines` (none past the unit's last tile), and returns how many.
    @inline(__always)
    private func outputLines(tile: Int, tiles: Int, mr: Int, outOffsets: UnsafePointer<Int>, y: UnsafeMutablePointer<T>,
                             count: Int, into lines: UnsafeMutablePointer<UnsafeRawPointer>) -> Int {
        guard tile < tiles else { return 0 }
        let offsets = outOffsets + tile * mr, bytes = count * MemoryLayout<T>.stride
        var n = 0
        for p in 0..<mr where offsets[p] >= 0 {
            let from = UnsafeRawPointer(y + offsets[p])
            var line = Int(bitPattern: from) & ~63
            let end = Int(bitPattern: from) + bytes
            while line < end {
                lines[n] = UnsafeRawPointer(bitPattern: line)!
                n += 1
                line += 64
            }
        }
        return n
    }

    /// After a block: copies spilled tiles' channels [from, from + count) to the output channels
    /// [to, to + count), and writes zeros for tiles that no tap reached.
    private func storeBlock(tiles: Int, mr: Int, nr: Int, y: UnsafeMutablePointer<T>, outOffsets: UnsafePointer<Int>,
                            tileCounts: UnsafePointer<Int>, spill: UnsafePointer<T>, direct: Bool, from: Int, to: Int, count: Int) {
        for tile in 0..<tiles {
            let offsets = outOffsets + tile * mr
            // Plain loops: a few dozen channels per pixel, where a memcpy call costs more than the copy.
            if tileCounts[tile] == 0 {
                for p in 0..<mr where offsets[p] >= 0 {
                    let target = y + offsets[p] + to
                    for j in 0..<count { target[j] = 0 }
                }
            } else if !direct {
                for p in 0..<mr where offsets[p] >= 0 {
                    let target = y + offsets[p] + to, source = spill + (tile * mr + p) * nr + from
                    for j in 0..<count { target[j] = source[j] }
                }
            }
        }
    }
}
