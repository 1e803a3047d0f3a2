/// The kernel for tiny problems (teaching sizes: a 5x5 map, a few channels), where the fixed cost of
/// a call is the whole story.
///
/// Shapes: the problem's own (1-D/2-D/3-D, channels-last or channels-first, groups), read through
/// element strides; the filter `[K.., Cimg/G, Cfeat]` as TensorFlow lays it out. Each output pixel is
/// a gather: for every tap that reaches it (per axis: `o = i*s + k*d - p`, so no multiply touches an
/// inserted zero or the padding), the input channels times a vector of output-channel weights.
///
/// Why it is fast for these sizes: it works from the `ConvProblem` directly, with no geometry
/// arrays, no heap allocation (weights repacked to `[group][tap][cin][V]` and the per-axis tap
/// tables live on the stack), no threads; one vector register (4, 8 or V lanes) holds all of a
/// pixel's output channels, and four partial sums cut the FMA dependency chain to a quarter.
/// Every output element is written, so the output may arrive uninitialised.
enum FastSmallKernel {
    /// Scatter multiply-adds up to which this kernel is used; output channels per group must fit one
    /// vector, and the stack buffers stay small.
    static let limit = 1 << 16
    static let packedLimit = 8192
    static let tableLimit = 4096

    /// Per-axis sizes padded to three axes (leading unit axes), without allocating.
    private struct Axes {
        var outSize = (1, 1, 1), inSize = (1, 1, 1), kernel = (1, 1, 1), stride = (1, 1, 1), dilation = (1, 1, 1), pad = (0, 0, 0)

        init(_ p: ConvProblem, transposed: Bool) {
            for axis in 0..<p.rank {
                let slot = 3 - p.rank + axis
                let o = transposed ? p.image[axis] : p.feature[axis], i = transposed ? p.feature[axis] : p.image[axis]
                Axes.set(&outSize, slot, o); Axes.set(&inSize, slot, i); Axes.set(&kernel, slot, p.kernel[axis])
                Axes.set(&stride, slot, p.strides[axis]); Axes.set(&dilation, slot, p.dilations[axis])
                Axes.set(&pad, slot, p.padBefore[axis])
            }
        }

        static func set(_ t: inout (Int, Int, Int), _ slot: Int, _ value: Int) {
            switch slot {
            case 0: t.0 = value
            case 1: t.1 = value
            default: t.2 = value
            }
        }

        static func get(_ t: (Int, Int, Int), _ slot: Int) -> Int {
            slot == 0 ? t.0 : slot == 1 ? t.1 : t.2
        }
    }

    /// True when `run` takes this problem.
    static func accepts<T: FastScalar>(_ p: ConvProblem, transposed: Bool, as _: T.Type) -> Bool {
        guard p.rank >= 1, p.rank <= 3, p.groups >= 1 else { return false }
        let groups = p.groups
        let cin = (transposed ? p.featureChannels : p.imageChannels) / groups
        let cout = (transposed ? p.imageChannels : p.featureChannels) / groups
        guard cout <= T.Vector.scalarCount, cin >= 1, cout >= 1, p.multiplyAdds <= limit else { return false }
        var taps = 1, table = 0
        for axis in 0..<p.rank {
            taps *= p.kernel[axis]
            table += (transposed ? p.image[axis] : p.feature[axis]) * p.kernel[axis]
        }
        return taps * groups * cin * T.Vector.scalarCount <= packedLimit && table <= tableLimit
    }

    static func run<T: FastScalar>(_ p: ConvProblem, transposed: Bool, input x: UnsafePointer<T>, filter w: UnsafePointer<T>,
                                   output y: UnsafeMutablePointer<T>) {
        let a = Axes(p, transposed: transposed)
        let groups = p.groups, v = T.Vector.scalarCount
        let inChannels = transposed ? p.featureChannels : p.imageChannels
        let outChannels = transposed ? p.imageChannels : p.featureChannels
        let cin = inChannels / groups, cout = outChannels / groups
        let taps = a.kernel.0 * a.kernel.1 * a.kernel.2
        // Filter [tap][Cimg/G][Cfeat]: for a transposed op GEMM k = feature channel (stride 1) and
        // n = image channel; for a forward op the other way round.
        let tapStride = (p.imageChannels / groups) * p.featureChannels
        let kStride = transposed ? 1 : p.featureChannels, nStride = transposed ? p.featureChannels : 1
        let groupStride = p.featureChannels / groups
        // Element strides of the data tensors.
        let inPixels = a.inSize.0 * a.inSize.1 * a.inSize.2, outPixels = a.outSize.0 * a.outSize.1 * a.outSize.2
        let inC = p.channelsFirst ? inPixels : 1, inP = p.channelsFirst ? 1 : inChannels
        let outC = p.channelsFirst ? outPixels : 1, outP = p.channelsFirst ? 1 : outChannels
        let tableCount = a.outSize.0 * a.kernel.0 + a.outSize.1 * a.kernel.1 + a.outSize.2 * a.kernel.2

        withUnsafeTemporaryAllocation(of: T.self, capacity: taps * groups * cin * v) { packedBuffer in
            let tableCapacity = 2 * tableCount + a.outSize.0 + a.outSize.1 + a.outSize.2 + 2 * taps + 2 * a.kernel.0 * a.kernel.1
            withUnsafeTemporaryAllocation(of: Int.self, capacity: tableCapacity) { tableBuffer in
                guard let packed = packedBuffer.baseAddress, let table = tableBuffer.baseAddress else { return }
                // Weights as [group][tap][cin][V], zero past cout.
                for group in 0..<groups {
                    for t in 0..<taps {
                        for c in 0..<cin {
                            let row = packed + ((group * taps + t) * cin + c) * v
                            let src = w + t * tapStride + group * groupStride + c * kStride
                            for j in 0..<v { row[j] = j < cout ? src[j * nStride] : 0 }
                        }
                    }
                }
                // Per axis and output coordinate: how many taps reach it, then (tap, input coordinate) pairs.
                var cursor = 0
                var axisTable = (0, 0, 0)
                for slot in 0..<3 {
                    Axes.set(&axisTable, slot, cursor)
                    let outSize = Axes.get(a.outSize, slot), inSize = Axes.get(a.inSize, slot), kernel = Axes.get(a.kernel, slot)
                    let s = Axes.get(a.stride, slot), d = Axes.get(a.dilation, slot), pad = Axes.get(a.pad, slot)
                    for o in 0..<outSize {
                        let countAt = cursor
                        cursor += 1
                        var found = 0
                        for k in 0..<kernel {
                            let i: Int
                            if transposed {
                                let numerator = o + pad - k * d
                                guard numerator % s == 0 else { continue }
                                i = numerator / s
                            } else {
                                i = o * s + k * d - pad
                            }
                            guard i >= 0 && i < inSize else { continue }
                            table[cursor] = k; table[cursor + 1] = i
                            cursor += 2
                            found += 1
                        }
                        table[countAt] = found
                    }
                }
                let inS1 = a.inSize.2 * inP, inS0 = a.inSize.1 * inS1, inN = inPixels * inChannels
                let outS1 = a.outSize.2 * outP, outS0 = a.outSize.1 * outS1, outN = outPixels * outChannels
                // Per output pixel, its (input offset, weight offset) pairs in tap order: one flat
                // reduction loop with steady trip counts, which the branch predictor learns.
                let pairs = table + cursor, outerPairs = pairs + 2 * taps
                for n in 0..<p.batch {
                    var e0 = table + axisTable.0
                    for o0 in 0..<a.outSize.0 {
                        let n0 = e0[0]
                        var e1 = table + axisTable.1
                        for o1 in 0..<a.outSize.1 {
                            let n1 = e1[0]
                            var outer = 0
                            for j0 in 0..<n0 {
                                for j1 in 0..<n1 {
                                    outerPairs[2 * outer] = n * inN + e0[2 + 2 * j0] * inS0 + e1[2 + 2 * j1] * inS1
                                    outerPairs[2 * outer + 1] = (e0[1 + 2 * j0] * a.kernel.1 + e1[1 + 2 * j1]) * a.kernel.2
                                    outer += 1
                                }
                            }
                            var e2 = table + axisTable.2
                            for o2 in 0..<a.outSize.2 {
                                let n2 = e2[0]
                                var count = 0
                                for j in 0..<outer {
                                    for j2 in 0..<n2 {
                                        pairs[2 * count] = outerPairs[2 * j] + e2[2 + 2 * j2] * inP
                                        pairs[2 * count + 1] = (outerPairs[2 * j + 1] + e2[1 + 2 * j2]) * cin * v
                                        count += 1
                                    }
                                }
                                let out = y + n * outN + o0 * outS0 + o1 * outS1 + o2 * outP
                                for group in 0..<groups {
                                    let rowGroup = x + group * cin * inC, weightGroup = packed + group * taps * cin * v
                                    let target = out + group * cout * outC
                                    if cout <= 4 {
                                        pixel(SIMD4<T>.self, count: count, pairs: pairs, rows: rowGroup, weights: weightGroup, cin: cin,
                                              inC: inC, v: v, cout: cout, target: target, outC: outC)
                                    } else if cout <= 8 {
                                        pixel(SIMD8<T>.self, count: count, pairs: pairs, rows: rowGroup, weights: weightGroup, cin: cin,
                                              inC: inC, v: v, cout: cout, target: target, outC: outC)
                                    } else {
                                        pixel(T.Vector.self, count: count, pairs: pairs, rows: rowGroup, weights: weightGroup, cin: cin,
                                              inC: inC, v: v, cout: cout, target: target, outC: outC)
                                    }
                                }
                                e2 += 1 + 2 * n2
                            }
                            e1 += 1 + 2 * n1
                        }
                        e0 += 1 + 2 * n0
                    }
                }
            }
        }
    }

    /// One output pixel of one group: the sum over its (row, weight) pairs and input channels, with
    /// vectors `V` just wide enough for `cout` (narrow vectors issue more FMAs per cycle). Four
    /// partial sums (pair parity x channel parity) keep the FMA dependency chains short; their
    /// order is fixed per pixel.
    @inline(__always)
    private static func pixel<T: FastScalar, V: SIMD>(_: V.Type, count: Int, pairs: UnsafePointer<Int>, rows: UnsafePointer<T>,
                                                      weights: UnsafePointer<T>, cin: Int, inC: Int, v: Int, cout: Int,
                                                      target: UnsafeMutablePointer<T>, outC: Int) where V.Scalar == T {
        @inline(__always) func load(_ p: UnsafePointer<T>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
        var s0 = V(), s1 = V(), s2 = V(), s3 = V()
        var e = 0
        while e + 1 < count {
            let rowA = rows + pairs[2 * e], rowB = rows + pairs[2 * e + 2]
            var wa = weights + pairs[2 * e + 1], wb = weights + pairs[2 * e + 3]
            var c = 0
            while c + 1 < cin {
                s0.addProduct(V(repeating: rowA[c * inC]), load(wa))
                s1.addProduct(V(repeating: rowA[(c + 1) * inC]), load(wa + v))
                s2.addProduct(V(repeating: rowB[c * inC]), load(wb))
                s3.addProduct(V(repeating: rowB[(c + 1) * inC]), load(wb + v))
                wa += 2 * v; wb += 2 * v
                c += 2
            }
            if c < cin {
                s0.addProduct(V(repeating: rowA[c * inC]), load(wa))
                s2.addProduct(V(repeating: rowB[c * inC]), load(wb))
            }
            e += 2
        }
        if e < count {
            let row = rows + pairs[2 * e]
            var wp = weights + pairs[2 * e + 1]
            var c = 0
            while c + 1 < cin {
                s0.addProduct(V(repeating: row[c * inC]), load(wp))
                s1.addProduct(V(repeating: row[(c + 1) * inC]), load(wp + v))
                wp += 2 * v
                c += 2
            }
            if c < cin { s0.addProduct(V(repeating: row[c * inC]), load(wp)) }
        }
        let sum = (s0 + s1) + (s2 + s3)
        for j in 0..<cout { target[j * outC] = sum[j] }
    }
}
