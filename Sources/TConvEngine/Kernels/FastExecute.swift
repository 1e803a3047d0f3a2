/// Runs a `FastPlan` on channels-last buffers: packs the weights if the plan says so, then runs
/// the units on the worker threads.
///
/// Shapes: in [N, I1, I2, I3, Cin], out [N, O1, O2, O3, Cout] (channels-last, contiguous), the filter
/// as the problem gives it. Memory: the packed weights (a copy of the filter's size, only when the
/// kernel cannot read it in place) plus a small table of row pointers per worker; `bytesNeeded`
/// says how much, and the caller declines plans over its budget.
struct FastExecutor<T: FastScalar> {
    let plan: FastPlan
    let threads: Int

    /// Scratch bytes this run needs (packed weights, zero row, per-worker tables).
    var bytesNeeded: Int {
        plan.packCount * MemoryLayout<T>.stride + (plan.geometry.inPerGroup + 64) * MemoryLayout<T>.stride
            + plan.totalTaps * 8 + threads * plan.workerScratchBytes
    }

    /// Computes `out` (zeroed or not: every output element of a phase is overwritten, and elements
    /// no tap reaches are left as they are, which is zero on arrival).
    func run(input x: UnsafePointer<T>, filter w: UnsafePointer<T>, output y: UnsafeMutablePointer<T>,
             control: ComputeControl?) throws(EngineError) {
        let g = plan.geometry
        let cin = g.inPerGroup
        // Zero row: what the pointer of a tap in the padding points to (read up to cin values).
        let zeros = UnsafeMutablePointer<T>.allocate(capacity: cin + 64)
        zeros.initialize(repeating: 0, count: cin + 64)
        defer { zeros.deallocate() }

        // Weight offset of each tap, per phase (in the filter or in the packed copy).
        let wTap = UnsafeMutablePointer<Int>.allocate(capacity: max(plan.totalTaps, 1))
        defer { wTap.deallocate() }
        let packed = UnsafeMutablePointer<T>.allocate(capacity: max(plan.packCount, 1))
        defer { packed.deallocate() }
        for (index, phase) in g.phases.enumerated() {
            for (t, tap) in phase.taps.enumerated() {
                wTap[plan.tapBase[index] + t] = plan.packWeights ? t * cin * plan.packedWidth : tap.filterTap * g.tapStride
            }
        }
        if plan.packWeights {
            let packUnits = plan.totalTaps * g.groups
            let packThreads = plan.packCount >= (1 << 16) ? FastParallel.threadCount(requested: threads, units: packUnits) : 1
            let sendable = UnsafeSendable((packed, w))
            try FastParallel.run(units: packUnits, threads: packThreads, control: nil, checkpoints: false) { unit, _ in
                packTap(unit, packed: sendable.value.0, filter: sendable.value.1)
            }
        }

        let scratchBytes = plan.workerScratchBytes
        let workerCount = max(1, threads)
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: scratchBytes * workerCount, alignment: 64)
        defer { scratch.deallocate() }
        // Spill rows of invalid pixels are summed into and then discarded: keep them finite.
        scratch.initializeMemory(as: UInt8.self, repeating: 0, count: scratchBytes * workerCount)
        let shared = UnsafeSendable((x, w, y, UnsafePointer(packed), UnsafePointer(zeros), UnsafePointer(wTap), scratch))
        try FastParallel.run(units: plan.units.count, threads: threads, control: control, checkpoints: true) { unit, worker in
            let s = shared.value
            runUnit(plan.units[unit], x: s.0, w: s.3, filter: s.1, y: s.2, zeros: s.4, wTapAll: s.5,
                    scratch: s.6 + worker * scratchBytes)
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
        switch plan.kernel {
        case .tile:
            // [cin][width], output channels contiguous, zero-padded past cout. From a transposed
            // op's C_in-contiguous filter this is a transpose: 16 output channels at a time, so
            // 16 source rows stream sequentially and each destination line is written whole.
            for c in 0..<cin {
                for j in cout..<width { dst[c * width + j] = 0 }
            }
            var j0 = 0
            while j0 < cout {
                let j1 = min(cout, j0 + 16)
                for c in 0..<cin {
                    let row = dst + c * width, column = src + c * g.kStride
                    for j in j0..<j1 { row[j] = column[j * g.nStride] }
                }
                j0 = j1
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

        // Scratch layout: row pointers [tiles][taps][mr], output offsets [tiles][mr], destination
        // pointers [mr], a spill tile [mr][nr] for rows and channels that are not stored.
        let rows = scratch.bindMemory(to: UnsafePointer<T>.self, capacity: tiles * taps * mr)
        let outOffsets = (scratch + plan.maxTilesPerUnit * plan.maxTaps * mr * 8).bindMemory(to: Int.self, capacity: tiles * mr)
        let dst = (scratch + plan.maxTilesPerUnit * plan.maxTaps * mr * 8 + plan.maxTilesPerUnit * mr * 8)
            .bindMemory(to: UnsafeMutablePointer<T>.self, capacity: mr)
        let spill = (scratch + plan.maxTilesPerUnit * plan.maxTaps * mr * 8 + plan.maxTilesPerUnit * mr * 8 + mr * 8)
            .bindMemory(to: T.self, capacity: plan.maxTilesPerUnit * mr * nr + 64)

        // Strides (elements) of the channels-last input and output.
        let inS2 = g.inChannels, inS1 = g.inSize.2 * inS2, inS0 = g.inSize.1 * inS1, inN = g.inSize.0 * inS0
        let outS2 = g.outChannels, outS1 = g.outSize.2 * outS2, outS0 = g.outSize.1 * outS1, outN = g.outSize.0 * outS0
        let inGroup = unit.group * cin, outGroup = unit.group * cout
        let c1c2 = phase.count.1 * phase.count.2, perImage = phase.count.0 * c1c2

        let inLimit = (UInt(g.inSize.0), UInt(g.inSize.1), UInt(g.inSize.2))
        phase.taps.withUnsafeBufferPointer { tapList in
            for tile in 0..<tiles {
                // Coordinates of the tile's first pixel, then stepped pixel by pixel (no divisions).
                let first = (unit.tile0 + tile) * mr
                var n = first / perImage
                let r = first - n * perImage
                var m0 = r / c1c2
                let r2 = r - m0 * c1c2
                var m1 = r2 / phase.count.2
                var m2 = r2 - m1 * phase.count.2
                for p in 0..<mr {
                    let rowBase = rows + (tile * taps) * mr + p
                    guard first + p < pixels else {
                        outOffsets[tile * mr + p] = -1
                        for t in 0..<taps { rowBase[t * mr] = zeros }
                        continue
                    }
                    outOffsets[tile * mr + p] = n * outN + (phase.start.0 + phase.step.0 * m0) * outS0
                        + (phase.start.1 + phase.step.1 * m1) * outS1 + (phase.start.2 + phase.step.2 * m2) * outS2 + outGroup
                    let b0 = m0 * phase.inStep.0, b1 = m1 * phase.inStep.1, b2 = m2 * phase.inStep.2
                    let inBase = x + n * inN + inGroup
                    for t in 0..<taps {
                        let off = tapList[t].offset
                        let i0 = b0 + off.0, i1 = b1 + off.1, i2 = b2 + off.2
                        // One unsigned compare per axis: negative coordinates wrap to huge values.
                        if UInt(bitPattern: i0) < inLimit.0 && UInt(bitPattern: i1) < inLimit.1 && UInt(bitPattern: i2) < inLimit.2 {
                            rowBase[t * mr] = inBase + i0 * inS0 + i1 * inS1 + i2 * inS2
                        } else {
                            rowBase[t * mr] = zeros
                        }
                    }
                    m2 += 1
                    if m2 == phase.count.2 {
                        m2 = 0; m1 += 1
                        if m1 == phase.count.1 {
                            m1 = 0; m0 += 1
                            if m0 == phase.count.0 { m0 = 0; n += 1 }
                        }
                    }
                }
            }
        }

        let wBase = plan.packWeights ? packed + plan.packOffsets[unit.phase * g.groups + unit.group]
                                     : filter + unit.group * g.groupStride
        let wTap = wTapAll + plan.tapBase[unit.phase]
        for block in unit.block0..<unit.block1 {
            // The last block overlaps the one before when cout is not a multiple of nr: the shared
            // channels are computed twice, identically.
            let start = cout >= nr ? min(block * nr, cout - nr) : 0
            let valid = min(nr, cout - start)
            switch plan.kernel {
            case .tile(let nv):
                let ldw = plan.packWeights ? plan.packedWidth : g.kStride
                let panel = wBase + start * (plan.packWeights ? 1 : g.nStride)
                // Each tile keeps its own spill rows, since a chunked reduction comes back to them.
                var t0 = 0
                while t0 < taps {
                    let tapCount = min(plan.tapChunk, taps - t0)
                    var c0 = 0
                    while c0 < cin {
                        let channelCount = min(plan.channelChunk, cin - c0)
                        let accumulate = t0 > 0 || c0 > 0
                        for tile in 0..<tiles {
                            let offsets = outOffsets + tile * mr
                            let tileSpill = spill + tile * mr * nr
                            for p in 0..<mr {
                                dst[p] = offsets[p] >= 0 && valid == nr ? y + offsets[p] + start : tileSpill + p * nr
                            }
                            let rowTable = UnsafePointer(rows + (tile * taps + t0) * mr)
                            let wTapChunk = wTap + t0, wChunk = panel + c0 * ldw
                            switch nv {
                            case 4:
                                FastMicroKernels.tile6x4(taps: tapCount, cin: channelCount, rows: rowTable, w: wChunk, wTap: wTapChunk,
                                                         ldw: ldw, cinOffset: c0, accumulate: accumulate, dst: dst)
                            case 2:
                                FastMicroKernels.tile12x2(taps: tapCount, cin: channelCount, rows: rowTable, w: wChunk, wTap: wTapChunk,
                                                          ldw: ldw, cinOffset: c0, accumulate: accumulate, dst: dst)
                            default:
                                FastMicroKernels.tile12x1(taps: tapCount, cin: channelCount, rows: rowTable, w: wChunk, wTap: wTapChunk,
                                                          ldw: ldw, cinOffset: c0, accumulate: accumulate, dst: dst)
                            }
                        }
                        c0 += channelCount
                    }
                    t0 += tapCount
                }
                if valid < nr {
                    for tile in 0..<tiles {
                        let offsets = outOffsets + tile * mr
                        for p in 0..<mr where offsets[p] >= 0 {
                            let target = y + offsets[p] + start, source = spill + (tile * mr + p) * nr
                            for j in 0..<valid { target[j] = source[j] }
                        }
                    }
                }
            case .dot:
                let ldco = plan.packWeights ? cin : g.nStride
                let panel = wBase + start * ldco
                for tile in 0..<tiles {
                    let offsets = outOffsets + tile * mr
                    let rowTable = UnsafePointer(rows + tile * taps * mr)
                    FastMicroKernels.dot4x4(taps: taps, cin: cin, rows: rowTable, w: panel, wTap: wTap, ldco: ldco, out: spill)
                    for p in 0..<4 where offsets[p] >= 0 {
                        let target = y + offsets[p] + start
                        for j in 0..<valid { target[j] = spill[p * 4 + j] }
                    }
                }
            }
        }
    }
}
