import Testing
@testable import TConvEngine

/// The register tiles called directly, against a scalar sum over the same panel.
///
/// `FastMicroKernels.tile` picks a 12-pixel tile's `PackedPanel` variant (stride and last-column
/// offset compiled in) when the caller's `ldw` and `last` equal the packed layout's, and its
/// `GivenPanel` variant otherwise. Both are run here for every tile: on a packed panel, and on the
/// same weights in rows 5 vectors wider with the last column shifted left (as a filter read in
/// place, or a block ending at C_out, gives them). Values are multiples of 1/8 in [-2, 2] with few
/// terms, so every sum is exact in float32 and float64 and the comparison is exact.

private func checkTile<T: FastScalar>(_ shape: FastPlan.Tile, _: T.Type, packed: Bool, accumulate: Bool, prefetch: Bool,
                                      rng: inout SeededRandom) -> String? {
    let v = T.Vector.scalarCount, mr = shape.mr, nr = shape.halves * v / 2
    let lastWidth = (shape.lastHalves ?? 2) * v / 2
    let packedWidth = nr < v ? nr : (nr + v - 1) / v * v
    let ldw = packed ? packedWidth : packedWidth + 5 * v
    // The last column's offset: right after the first columns when packed, shifted left otherwise
    // (it then overlaps them, as the last block of a group does).
    let last = shape.lastHalves == nil ? 0 : (packed ? nr - lastWidth : max(0, nr - lastWidth - 3))
    let taps = 3, cin = 5, cinOffset = 2, rowLength = cinOffset + cin
    // The packed case is the layout the dispatcher recognises (else it would test the given-stride
    // variant twice).
    if packed && (ldw != shape.packedWidth(vectorWidth: v) || (shape.lastHalves != nil && last != shape.packedLast(vectorWidth: v))) {
        return "\(shape) \(T.self): the packed layout is ldw \(shape.packedWidth(vectorWidth: v)), last "
            + "\(shape.packedLast(vectorWidth: v)), not \(ldw) and \(last)"
    }
    let written = shape.lastHalves == nil ? Array(0..<nr) : Array(Set(Array(0..<(nr - lastWidth)) + Array(last..<(last + lastWidth)))).sorted()

    // Input rows [taps][mr] of rowLength values, weights [taps] blocks of [cin][ldw].
    let input = (0..<(taps * mr * rowLength)).map { _ in T(rng.eighth()) }
    let tapStride = cin * ldw + 3 * v
    let weights = (0..<(taps * tapStride + 4 * v)).map { _ in T(rng.eighth()) }
    let start = (0..<(mr * (ldw + v))).map { _ in T(rng.eighth()) }
    var out = start
    var want = [T](repeating: 0, count: mr * (ldw + v))
    for p in 0..<mr {
        for o in written {
            var sum = accumulate ? start[p * (ldw + v) + o] : 0
            for t in 0..<taps {
                for c in 0..<cin { sum += input[(t * mr + p) * rowLength + cinOffset + c] * weights[t * tapStride + c * ldw + o] }
            }
            want[p * (ldw + v) + o] = sum
        }
    }
    var problem: String?
    input.withUnsafeBufferPointer { x in
        weights.withUnsafeBufferPointer { w in
            out.withUnsafeMutableBufferPointer { y in
                let rows = (0..<(taps * mr)).map { UnsafePointer(x.baseAddress! + $0 * rowLength) }
                let dst = (0..<mr).map { y.baseAddress! + $0 * (ldw + v) }
                let wTap = (0..<taps).map { $0 * tapStride }
                let scratch = UnsafeMutableRawPointer.allocate(byteCount: 4096, alignment: 64)
                defer { scratch.deallocate() }
                let lines = prefetch ? (0..<8).map { UnsafeRawPointer(scratch + 64 * $0) } : []
                rows.withUnsafeBufferPointer { rows in
                    dst.withUnsafeBufferPointer { dst in
                        wTap.withUnsafeBufferPointer { wTap in
                            lines.withUnsafeBufferPointer { lines in
                                FastMicroKernels.tile(shape, taps: taps, cin: cin, rows: rows.baseAddress!, w: w.baseAddress!,
                                                      wTap: wTap.baseAddress!, ldw: ldw, cinOffset: cinOffset, accumulate: accumulate,
                                                      dst: dst.baseAddress!, last: last, prefetch: lines)
                            }
                        }
                    }
                }
            }
        }
    }
    for p in 0..<mr {
        for o in written where out[p * (ldw + v) + o] != want[p * (ldw + v) + o] {
            problem = "\(shape) \(T.self) packed \(packed) accumulate \(accumulate): pixel \(p) channel \(o) is "
                + "\(out[p * (ldw + v) + o]), want \(want[p * (ldw + v) + o])"
        }
    }
    // Nothing outside the tile's channels is written.
    let writtenSet = Set(written)
    for p in 0..<mr {
        for o in 0..<(ldw + v) where !writtenSet.contains(o) && out[p * (ldw + v) + o] != start[p * (ldw + v) + o] {
            problem = "\(shape) \(T.self) packed \(packed): pixel \(p) offset \(o) outside the tile was written"
        }
    }
    return problem
}

@Test func everyRegisterTileSumsItsPanelWithPackedAndGivenStrides() {
    var rng = SeededRandom(seed: 0x711E)
    for shape in FastPlan.Tile.allCases {
        for packed in [true, false] {
            for accumulate in [false, true] {
                for prefetch in [false, true] {
                    let f = checkTile(shape, Float.self, packed: packed, accumulate: accumulate, prefetch: prefetch, rng: &rng)
                    #expect(f == nil, "\(f ?? "")")
                    let d = checkTile(shape, Double.self, packed: packed, accumulate: accumulate, prefetch: prefetch, rng: &rng)
                    #expect(d == nil, "\(d ?? "")")
                }
            }
        }
    }
}
