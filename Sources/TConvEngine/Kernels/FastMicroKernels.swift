/// The register-tile micro-kernels of the fast engine. Each computes one small output tile over the
/// whole reduction (all taps of a phase times the group's input channels) without touching memory
/// for the accumulators, then stores it once.
///
/// The tile kernels keep MR pixels x NR output channels in 24 (or 12) vector registers, NR a multiple
/// of half a vector: 6x4V, 8x3V, 12x2V, 12x(V + V/2), 12xV, 12xV/2. Per input channel they load the
/// NR weights once and broadcast one input value per pixel, so each FMA costs a fraction of a load.
/// The half-vector columns exist for channel counts like 21 (FCN's classes): 24 lanes instead of
/// 32 is 87% of the lanes doing useful work instead of 66%. (Written out by a generator script in
/// the same pattern: one line per pixel in the inner loop.)
///
/// Shared conventions (V = `T.Vector.scalarCount`: 16 floats or 8 doubles in a 512-bit register):
///   cin, cinOffset  the input channels [cinOffset, cinOffset + cin) of each row are summed; with
///          `accumulate` the tile starts from what `dst` holds (the partial sum of an earlier chunk
///          of the reduction), so a chunked reduction performs the very same sequence of FMAs.
///   rows   [taps][MR] pointers: the channels-last input row (C_in/G contiguous values) that pixel
///          p of the tile reads at tap t, or a buffer of zeros when that tap falls in the padding.
///   w      the packed weight panel, see each kernel.
///   prefetch  cache lines the caller writes next (the next tile's output), requested for writing
///          one every two input channels of the reduction, so the requests go out while the tile
///          computes (`LinePrefetcher`); none when empty.
/// Summation order for an output element: taps in phase order, then input channels ascending (the
/// dot kernel: per lane, then a fixed tree). It does not depend on tiling or on the thread count,
/// which is what makes results bit-identical for any number of threads.

/// A float type the fast kernels are specialised for, with its 512-bit vector.
protocol FastScalar: EngineScalar {
    associatedtype Vector: SIMD where Vector.Scalar == Self
    /// Half a `Vector` (256 bits): the odd half-vector column of the tile kernels.
    associatedtype Half: SIMD where Half.Scalar == Self
    /// Sum of the lanes in a fixed pairwise order.
    static func laneSum(_ v: Vector) -> Self
    /// Transposes a V x V block (V = `Vector.scalarCount`): `dst[i * dstStride + j] = src[j * srcStride + i]`.
    /// What packing a transposed op's filter for the tile kernels spends its time on.
    static func transposeBlock(_ src: UnsafePointer<Self>, _ srcStride: Int, _ dst: UnsafeMutablePointer<Self>, _ dstStride: Int)
}

extension FastScalar {
    /// `into[c * width + j] = from[j * rowStride + c * channelStride]` for the `rows` rows j and
    /// `channels` channels c: a block of filter rows (output channels) turned into the packed
    /// layout's rows of output channels. With channels contiguous (`channelStride` 1), whole V x V
    /// blocks go through `transposeBlock`, the edges element by element.
    static func transposeRows(_ from: UnsafePointer<Self>, rowStride: Int, channelStride: Int, rows: Int, channels: Int,
                              into: UnsafeMutablePointer<Self>, width: Int) {
        let v = Vector.scalarCount
        let fullRows = channelStride == 1 ? rows / v * v : 0, fullChannels = channelStride == 1 ? channels / v * v : 0
        var j0 = 0
        while j0 < fullRows {
            var c0 = 0
            while c0 < fullChannels {
                transposeBlock(from + j0 &* rowStride + c0, rowStride, into + c0 &* width + j0, width)
                c0 += v
            }
            j0 += v
        }
        for j in 0..<rows {
            let row = from + j &* rowStride
            for c in (j < fullRows ? fullChannels : 0)..<channels { into[c &* width &+ j] = row[c &* channelStride] }
        }
    }
}

/// One round of the in-register transpose: the even lanes of `a` then of `b`, and the odd lanes of
/// `a` then of `b` (one two-source permute each). Applied log2(V) times to the V rows of a block (rows
/// 2k and 2k+1 giving rows k and k + V/2), it rotates every element's (row, column) bit index right
/// by one bit per round, which after log2(V) rounds swaps row and column: the transpose, with V
/// permutes per round instead of V^2 scalar moves.
@inline(__always)
private func unzip<V: SIMD>(_ a: V, _ b: V) -> (V, V) where V.Scalar: FastScalar {
    var even = V(), odd = V()
    let half = V.scalarCount / 2
    for i in 0..<half {
        even[i] = a[2 * i]; even[half + i] = b[2 * i]
        odd[i] = a[2 * i + 1]; odd[half + i] = b[2 * i + 1]
    }
    return (even, odd)
}

extension Float: FastScalar {
    typealias Vector = SIMD16<Float>
    typealias Half = SIMD8<Float>
    @inline(__always)
    static func laneSum(_ v: SIMD16<Float>) -> Float {
        let a = v.lowHalf + v.highHalf
        let b = a.lowHalf + a.highHalf
        let c = b.lowHalf + b.highHalf
        return c[0] + c[1]
    }

    @inline(__always)
    static func transposeBlock(_ src: UnsafePointer<Float>, _ srcStride: Int, _ dst: UnsafeMutablePointer<Float>, _ dstStride: Int) {
        func row(_ i: Int) -> SIMD16<Float> { vload(src + i &* srcStride) }
        var a0 = row(0), a1 = row(1), a2 = row(2), a3 = row(3), a4 = row(4), a5 = row(5), a6 = row(6), a7 = row(7)
        var a8 = row(8), a9 = row(9), a10 = row(10), a11 = row(11), a12 = row(12), a13 = row(13), a14 = row(14), a15 = row(15)
        for _ in 0..<4 {
            let (b0, b8) = unzip(a0, a1), (b1, b9) = unzip(a2, a3), (b2, b10) = unzip(a4, a5), (b3, b11) = unzip(a6, a7)
            let (b4, b12) = unzip(a8, a9), (b5, b13) = unzip(a10, a11), (b6, b14) = unzip(a12, a13), (b7, b15) = unzip(a14, a15)
            a0 = b0; a1 = b1; a2 = b2; a3 = b3; a4 = b4; a5 = b5; a6 = b6; a7 = b7
            a8 = b8; a9 = b9; a10 = b10; a11 = b11; a12 = b12; a13 = b13; a14 = b14; a15 = b15
        }
        func put(_ v: SIMD16<Float>, _ i: Int) { vstore(v, dst + i &* dstStride) }
        put(a0, 0); put(a1, 1); put(a2, 2); put(a3, 3); put(a4, 4); put(a5, 5); put(a6, 6); put(a7, 7)
        put(a8, 8); put(a9, 9); put(a10, 10); put(a11, 11); put(a12, 12); put(a13, 13); put(a14, 14); put(a15, 15)
    }
}

extension Double: FastScalar {
    typealias Vector = SIMD8<Double>
    typealias Half = SIMD4<Double>
    @inline(__always)
    static func laneSum(_ v: SIMD8<Double>) -> Double {
        let a = v.lowHalf + v.highHalf
        let b = a.lowHalf + a.highHalf
        return b[0] + b[1]
    }

    @inline(__always)
    static func transposeBlock(_ src: UnsafePointer<Double>, _ srcStride: Int, _ dst: UnsafeMutablePointer<Double>, _ dstStride: Int) {
        func row(_ i: Int) -> SIMD8<Double> { vload(src + i &* srcStride) }
        var a0 = row(0), a1 = row(1), a2 = row(2), a3 = row(3), a4 = row(4), a5 = row(5), a6 = row(6), a7 = row(7)
        for _ in 0..<3 {
            let (b0, b4) = unzip(a0, a1), (b1, b5) = unzip(a2, a3), (b2, b6) = unzip(a4, a5), (b3, b7) = unzip(a6, a7)
            a0 = b0; a1 = b1; a2 = b2; a3 = b3; a4 = b4; a5 = b5; a6 = b6; a7 = b7
        }
        func put(_ v: SIMD8<Double>, _ i: Int) { vstore(v, dst + i &* dstStride) }
        put(a0, 0); put(a1, 1); put(a2, 2); put(a3, 3); put(a4, 4); put(a5, 5); put(a6, 6); put(a7, 7)
    }
}

/// A hint that the cache line holding `address` will be written soon (x86 PREFETCHW): the CPU
/// starts fetching it and goes on at once. It changes no value, and nothing waits for it.
///
/// The standard library has no prefetch. `@_silgen_name` names LLVM's own prefetch intrinsic as the
/// callee, which the compiler then emits as the one instruction (arguments: write = 1, keep in all
/// cache levels = 3, data cache = 1).
@inline(__always)
func prefetchForWriting(_ address: UnsafeRawPointer) {
    llvmPrefetch(address, 1, 3, 1)
}

@_silgen_name("llvm.prefetch.p0")
private func llvmPrefetch(_ address: UnsafeRawPointer, _ write: Int32, _ locality: Int32, _ cacheType: Int32)

@inline(__always)
func vload<T: FastScalar>(_ p: UnsafePointer<T>) -> T.Vector {
    UnsafeRawPointer(p).loadUnaligned(as: T.Vector.self)
}

@inline(__always)
func vstore<T: FastScalar>(_ v: T.Vector, _ p: UnsafeMutablePointer<T>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: T.Vector.self)
}

@inline(__always)
func hload<T: FastScalar>(_ p: UnsafePointer<T>) -> T.Half {
    UnsafeRawPointer(p).loadUnaligned(as: T.Half.self)
}

@inline(__always)
func hstore<T: FastScalar>(_ v: T.Half, _ p: UnsafeMutablePointer<T>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: T.Half.self)
}

@inline(__always)
func vsplat<T: FastScalar>(_ p: UnsafePointer<T>) -> T.Vector {
    T.Vector(repeating: p.pointee)
}

/// Whether a tile kernel prefetches output lines during its reduction: a type parameter, so that
/// each kernel is compiled once with the prefetches and once without any trace of them.
protocol OutputPrefetch {
    static var enabled: Bool { get }
}

/// The kernel requests its `prefetch` lines while it computes (a first pass over an output larger
/// than L2, whose lines are mostly not in cache yet).
enum PrefetchNextTile: OutputPrefetch {
    static var enabled: Bool { true }
}

/// No prefetches (outputs in cache, partial sums, the spill rows, Winograd's products).
enum NoOutputPrefetch: OutputPrefetch {
    static var enabled: Bool { false }
}

/// A kernel's walk through its lines to prefetch: `step()` requests the next one, and the last one
/// again once all have gone out (a line already requested costs nothing), so the loop that calls it
/// needs no branch. With `NoOutputPrefetch` it compiles to nothing. `lines` must not be empty with
/// `PrefetchNextTile`.
struct LinePrefetcher<P: OutputPrefetch> {
    private let lines: UnsafePointer<UnsafeRawPointer>?
    private let last: Int
    private var next = 0

    @inline(__always)
    init(_ lines: UnsafeBufferPointer<UnsafeRawPointer>) {
        self.lines = lines.baseAddress
        last = lines.count - 1
    }

    @inline(__always)
    mutating func step() {
        guard P.enabled else { return }
        prefetchForWriting(lines.unsafelyUnwrapped[next < last ? next : last])
        next &+= 1
    }
}

/// How a 12-pixel tile steps through its weight panel. Twelve row pointers, the panel pointer and
/// the channel index fill the 14 general registers a kernel has (with the frame pointer kept), so a
/// row stride and a column offset passed at run time pushed the row pointers onto the stack: the
/// kernel's loop made 18 loads from the stack per 48 fused multiply-adds, beside the 28 loads of
/// weights and inputs it needs. `PackedPanel` bakes in the stride of the packed copy the executor
/// makes (rows of the tile's width rounded up to whole vectors, the last column right after the
/// first), so stride and offset are constants and the loop makes one load from the stack.
/// conv3d k3s2 (12x2V tiles), 1 thread, alternating with the old kernel: equal (100-109 GFLOP/s)
/// while this VM's core runs at full speed, +7-13 % (84 against 78, 12 pairs) in the stretches of
/// seconds when the same kernel runs a third slower on this host, which spare pure arithmetic
/// loops; 2 threads 189 against 174 (8 pairs). (Measured before conv3d k3s2 moved to
/// `FastOverlapFold`, which makes fewer loads still; the packed versions serve the other layers of
/// 2V output channels, such as float64 with 16.)
protocol PanelStride {
    static var packed: Bool { get }
}

/// `ldw` and `last` as the caller passes them (a filter read in place, a shifted last column).
enum GivenPanel: PanelStride {
    static var packed: Bool { false }
}

/// The packed layout's constants, `FastPlan.Tile.packedWidth` and `packedLast` (the caller checked
/// that its `ldw` and `last` equal them).
enum PackedPanel: PanelStride {
    static var packed: Bool { true }
}

enum FastMicroKernels {
    /// Runs the register tile `shape` (arguments as for each kernel; `last` is not used by the
    /// one-column tiles), in its version with prefetches when there are lines to prefetch, and for
    /// the 12-pixel tiles in their `PackedPanel` version when `ldw` and `last` are the packed
    /// layout's (`PanelStride`).
    @inline(__always)
    static func tile<T: FastScalar>(_ shape: FastPlan.Tile, taps: Int, cin: Int, rows: UnsafePointer<UnsafePointer<T>>,
                                    w: UnsafePointer<T>, wTap: UnsafePointer<Int>, ldw: Int, cinOffset: Int,
                                    accumulate: Bool, dst: UnsafePointer<UnsafeMutablePointer<T>>, last: Int,
                                    prefetch: UnsafeBufferPointer<UnsafeRawPointer>) {
        @inline(__always)
        func run<P: OutputPrefetch, S: PanelStride>(_ mode: P.Type, _ stride: S.Type) {
            switch shape {
            case .m6n4:
                tile6x4(taps: taps, cin: cin, rows: rows, w: w, wTap: wTap, ldw: ldw, cinOffset: cinOffset, accumulate: accumulate,
                        dst: dst, last: last, prefetch: prefetch, mode)
            case .m6n3:
                tile6x3(taps: taps, cin: cin, rows: rows, w: w, wTap: wTap, ldw: ldw, cinOffset: cinOffset, accumulate: accumulate,
                        dst: dst, last: last, prefetch: prefetch, mode)
            case .m8n3:
                tile8x3(taps: taps, cin: cin, rows: rows, w: w, wTap: wTap, ldw: ldw, cinOffset: cinOffset, accumulate: accumulate,
                        dst: dst, last: last, prefetch: prefetch, mode)
            case .m12n2:
                tile12x2(taps: taps, cin: cin, rows: rows, w: w, wTap: wTap, ldw: ldw, cinOffset: cinOffset, accumulate: accumulate,
                         dst: dst, last: last, prefetch: prefetch, mode, stride)
            case .m12n1h:
                tile12x1h(taps: taps, cin: cin, rows: rows, w: w, wTap: wTap, ldw: ldw, cinOffset: cinOffset, accumulate: accumulate,
                          dst: dst, last: last, prefetch: prefetch, mode, stride)
            case .m12n1:
                tile12x1(taps: taps, cin: cin, rows: rows, w: w, wTap: wTap, ldw: ldw, cinOffset: cinOffset, accumulate: accumulate,
                         dst: dst, prefetch: prefetch, mode, stride)
            case .m12nh:
                tile12xh(taps: taps, cin: cin, rows: rows, w: w, wTap: wTap, ldw: ldw, cinOffset: cinOffset, accumulate: accumulate,
                         dst: dst, prefetch: prefetch, mode, stride)
            }
        }
        // The 12-pixel tiles' `PackedPanel` version when the panel is laid out as the packed copy is.
        let v = T.Vector.scalarCount
        let packed = ldw == shape.packedWidth(vectorWidth: v) && (shape.lastHalves == nil || last == shape.packedLast(vectorWidth: v))
        switch (prefetch.isEmpty, packed) {
        case (true, false): run(NoOutputPrefetch.self, GivenPanel.self)
        case (true, true): run(NoOutputPrefetch.self, PackedPanel.self)
        case (false, false): run(PrefetchNextTile.self, GivenPanel.self)
        case (false, true): run(PrefetchNextTile.self, PackedPanel.self)
        }
    }

    /// 6 pixels x 4V output channels: 24 accumulators. w: panel [taps][cin][4V].
    /// `last`: channel offset of the last column (V wide), normally the end of the one before it.
    @inline(never)
    static func tile6x4<T: FastScalar, P: OutputPrefetch>(taps: Int, cin: Int, rows: UnsafePointer<UnsafePointer<T>>,
                                                          w: UnsafePointer<T>, wTap: UnsafePointer<Int>, ldw: Int, cinOffset: Int,
                                                          accumulate: Bool, dst: UnsafePointer<UnsafeMutablePointer<T>>, last: Int,
                                                          prefetch: UnsafeBufferPointer<UnsafeRawPointer>, _: P.Type) {
        var lines = LinePrefetcher<P>(prefetch)
        let v = T.Vector.scalarCount
        var c00 = T.Vector(), c01 = T.Vector(), c02 = T.Vector(), c03 = T.Vector()
        var c10 = T.Vector(), c11 = T.Vector(), c12 = T.Vector(), c13 = T.Vector()
        var c20 = T.Vector(), c21 = T.Vector(), c22 = T.Vector(), c23 = T.Vector()
        var c30 = T.Vector(), c31 = T.Vector(), c32 = T.Vector(), c33 = T.Vector()
        var c40 = T.Vector(), c41 = T.Vector(), c42 = T.Vector(), c43 = T.Vector()
        var c50 = T.Vector(), c51 = T.Vector(), c52 = T.Vector(), c53 = T.Vector()
        if accumulate {
            var d = dst[0]; c00 = vload(d); c01 = vload(d + v); c02 = vload(d + 2 * v); c03 = vload(d + last)
            d = dst[1]; c10 = vload(d); c11 = vload(d + v); c12 = vload(d + 2 * v); c13 = vload(d + last)
            d = dst[2]; c20 = vload(d); c21 = vload(d + v); c22 = vload(d + 2 * v); c23 = vload(d + last)
            d = dst[3]; c30 = vload(d); c31 = vload(d + v); c32 = vload(d + 2 * v); c33 = vload(d + last)
            d = dst[4]; c40 = vload(d); c41 = vload(d + v); c42 = vload(d + 2 * v); c43 = vload(d + last)
            d = dst[5]; c50 = vload(d); c51 = vload(d + v); c52 = vload(d + 2 * v); c53 = vload(d + last)
        }
        var rp = rows
        for t in 0..<taps {
            var wp = w + wTap[t]
            let r0 = rp[0] + cinOffset, r1 = rp[1] + cinOffset, r2 = rp[2] + cinOffset, r3 = rp[3] + cinOffset
            let r4 = rp[4] + cinOffset, r5 = rp[5] + cinOffset
            rp += 6
            var a = T.Vector()
            var c0 = 0
            while c0 < cin {
                lines.step()
                let cEnd = min(c0 + 2, cin)
                for c in c0..<cEnd {
                    let b0: T.Vector = vload(wp); let b1: T.Vector = vload(wp + v); let b2: T.Vector = vload(wp + 2 * v); let b3: T.Vector = vload(wp + last)
                    wp += ldw
                    a = T.Vector(repeating: r0[c]); c00.addProduct(a, b0); c01.addProduct(a, b1); c02.addProduct(a, b2); c03.addProduct(a, b3)
                    a = T.Vector(repeating: r1[c]); c10.addProduct(a, b0); c11.addProduct(a, b1); c12.addProduct(a, b2); c13.addProduct(a, b3)
                    a = T.Vector(repeating: r2[c]); c20.addProduct(a, b0); c21.addProduct(a, b1); c22.addProduct(a, b2); c23.addProduct(a, b3)
                    a = T.Vector(repeating: r3[c]); c30.addProduct(a, b0); c31.addProduct(a, b1); c32.addProduct(a, b2); c33.addProduct(a, b3)
                    a = T.Vector(repeating: r4[c]); c40.addProduct(a, b0); c41.addProduct(a, b1); c42.addProduct(a, b2); c43.addProduct(a, b3)
                    a = T.Vector(repeating: r5[c]); c50.addProduct(a, b0); c51.addProduct(a, b1); c52.addProduct(a, b2); c53.addProduct(a, b3)
                }
                c0 = cEnd
            }
        }
        var d = dst[0]; vstore(c00, d); vstore(c01, d + v); vstore(c02, d + 2 * v); vstore(c03, d + last)
        d = dst[1]; vstore(c10, d); vstore(c11, d + v); vstore(c12, d + 2 * v); vstore(c13, d + last)
        d = dst[2]; vstore(c20, d); vstore(c21, d + v); vstore(c22, d + 2 * v); vstore(c23, d + last)
        d = dst[3]; vstore(c30, d); vstore(c31, d + v); vstore(c32, d + 2 * v); vstore(c33, d + last)
        d = dst[4]; vstore(c40, d); vstore(c41, d + v); vstore(c42, d + 2 * v); vstore(c43, d + last)
        d = dst[5]; vstore(c50, d); vstore(c51, d + v); vstore(c52, d + 2 * v); vstore(c53, d + last)
    }

    /// 8 pixels x 3V output channels: 24 accumulators. w: panel [taps][cin][3V].
    /// `last`: channel offset of the last column (V wide), normally the end of the one before it.
    @inline(never)
    static func tile8x3<T: FastScalar, P: OutputPrefetch>(taps: Int, cin: Int, rows: UnsafePointer<UnsafePointer<T>>,
                                                          w: UnsafePointer<T>, wTap: UnsafePointer<Int>, ldw: Int, cinOffset: Int,
                                                          accumulate: Bool, dst: UnsafePointer<UnsafeMutablePointer<T>>, last: Int,
                                                          prefetch: UnsafeBufferPointer<UnsafeRawPointer>, _: P.Type) {
        var lines = LinePrefetcher<P>(prefetch)
        let v = T.Vector.scalarCount
        var c00 = T.Vector(), c01 = T.Vector(), c02 = T.Vector()
        var c10 = T.Vector(), c11 = T.Vector(), c12 = T.Vector()
        var c20 = T.Vector(), c21 = T.Vector(), c22 = T.Vector()
        var c30 = T.Vector(), c31 = T.Vector(), c32 = T.Vector()
        var c40 = T.Vector(), c41 = T.Vector(), c42 = T.Vector()
        var c50 = T.Vector(), c51 = T.Vector(), c52 = T.Vector()
        var c60 = T.Vector(), c61 = T.Vector(), c62 = T.Vector()
        var c70 = T.Vector(), c71 = T.Vector(), c72 = T.Vector()
        if accumulate {
            var d = dst[0]; c00 = vload(d); c01 = vload(d + v); c02 = vload(d + last)
            d = dst[1]; c10 = vload(d); c11 = vload(d + v); c12 = vload(d + last)
            d = dst[2]; c20 = vload(d); c21 = vload(d + v); c22 = vload(d + last)
            d = dst[3]; c30 = vload(d); c31 = vload(d + v); c32 = vload(d + last)
            d = dst[4]; c40 = vload(d); c41 = vload(d + v); c42 = vload(d + last)
            d = dst[5]; c50 = vload(d); c51 = vload(d + v); c52 = vload(d + last)
            d = dst[6]; c60 = vload(d); c61 = vload(d + v); c62 = vload(d + last)
            d = dst[7]; c70 = vload(d); c71 = vload(d + v); c72 = vload(d + last)
        }
        var rp = rows
        for t in 0..<taps {
            var wp = w + wTap[t]
            let r0 = rp[0] + cinOffset, r1 = rp[1] + cinOffset, r2 = rp[2] + cinOffset, r3 = rp[3] + cinOffset
            let r4 = rp[4] + cinOffset, r5 = rp[5] + cinOffset, r6 = rp[6] + cinOffset, r7 = rp[7] + cinOffset
            rp += 8
            var a = T.Vector()
            var c0 = 0
            while c0 < cin {
                lines.step()
                let cEnd = min(c0 + 2, cin)
                for c in c0..<cEnd {
                    let b0: T.Vector = vload(wp); let b1: T.Vector = vload(wp + v); let b2: T.Vector = vload(wp + last)
                    wp += ldw
                    a = T.Vector(repeating: r0[c]); c00.addProduct(a, b0); c01.addProduct(a, b1); c02.addProduct(a, b2)
                    a = T.Vector(repeating: r1[c]); c10.addProduct(a, b0); c11.addProduct(a, b1); c12.addProduct(a, b2)
                    a = T.Vector(repeating: r2[c]); c20.addProduct(a, b0); c21.addProduct(a, b1); c22.addProduct(a, b2)
                    a = T.Vector(repeating: r3[c]); c30.addProduct(a, b0); c31.addProduct(a, b1); c32.addProduct(a, b2)
                    a = T.Vector(repeating: r4[c]); c40.addProduct(a, b0); c41.addProduct(a, b1); c42.addProduct(a, b2)
                    a = T.Vector(repeating: r5[c]); c50.addProduct(a, b0); c51.addProduct(a, b1); c52.addProduct(a, b2)
                    a = T.Vector(repeating: r6[c]); c60.addProduct(a, b0); c61.addProduct(a, b1); c62.addProduct(a, b2)
                    a = T.Vector(repeating: r7[c]); c70.addProduct(a, b0); c71.addProduct(a, b1); c72.addProduct(a, b2)
                }
                c0 = cEnd
            }
        }
        var d = dst[0]; vstore(c00, d); vstore(c01, d + v); vstore(c02, d + last)
        d = dst[1]; vstore(c10, d); vstore(c11, d + v); vstore(c12, d + last)
        d = dst[2]; vstore(c20, d); vstore(c21, d + v); vstore(c22, d + last)
        d = dst[3]; vstore(c30, d); vstore(c31, d + v); vstore(c32, d + last)
        d = dst[4]; vstore(c40, d); vstore(c41, d + v); vstore(c42, d + last)
        d = dst[5]; vstore(c50, d); vstore(c51, d + v); vstore(c52, d + last)
        d = dst[6]; vstore(c60, d); vstore(c61, d + v); vstore(c62, d + last)
        d = dst[7]; vstore(c70, d); vstore(c71, d + v); vstore(c72, d + last)
    }

    /// 6 pixels x 3V output channels: 18 accumulators. w: panel [taps][cin][3V] (rows `ldw` apart). The
    /// last channel block after 6x4V blocks when 2V to 3V channels remain (168 = 64 + 64 + 40).
    /// `last`: channel offset of the last column (V wide), normally the end of the one before it.
    @inline(never)
    static func tile6x3<T: FastScalar, P: OutputPrefetch>(taps: Int, cin: Int, rows: UnsafePointer<UnsafePointer<T>>,
                                                          w: UnsafePointer<T>, wTap: UnsafePointer<Int>, ldw: Int, cinOffset: Int,
                                                          accumulate: Bool, dst: UnsafePointer<UnsafeMutablePointer<T>>, last: Int,
                                                          prefetch: UnsafeBufferPointer<UnsafeRawPointer>, _: P.Type) {
        var lines = LinePrefetcher<P>(prefetch)
        let v = T.Vector.scalarCount
        var c00 = T.Vector(), c01 = T.Vector(), c02 = T.Vector()
        var c10 = T.Vector(), c11 = T.Vector(), c12 = T.Vector()
        var c20 = T.Vector(), c21 = T.Vector(), c22 = T.Vector()
        var c30 = T.Vector(), c31 = T.Vector(), c32 = T.Vector()
        var c40 = T.Vector(), c41 = T.Vector(), c42 = T.Vector()
        var c50 = T.Vector(), c51 = T.Vector(), c52 = T.Vector()
        if accumulate {
            var d = dst[0]; c00 = vload(d); c01 = vload(d + v); c02 = vload(d + last)
            d = dst[1]; c10 = vload(d); c11 = vload(d + v); c12 = vload(d + last)
            d = dst[2]; c20 = vload(d); c21 = vload(d + v); c22 = vload(d + last)
            d = dst[3]; c30 = vload(d); c31 = vload(d + v); c32 = vload(d + last)
            d = dst[4]; c40 = vload(d); c41 = vload(d + v); c42 = vload(d + last)
            d = dst[5]; c50 = vload(d); c51 = vload(d + v); c52 = vload(d + last)
        }
        var rp = rows
        for t in 0..<taps {
            var wp = w + wTap[t]
            let r0 = rp[0] + cinOffset, r1 = rp[1] + cinOffset, r2 = rp[2] + cinOffset, r3 = rp[3] + cinOffset
            let r4 = rp[4] + cinOffset, r5 = rp[5] + cinOffset
            rp += 6
            var a = T.Vector()
            var c0 = 0
            while c0 < cin {
                lines.step()
                let cEnd = min(c0 + 2, cin)
                for c in c0..<cEnd {
                    let b0: T.Vector = vload(wp); let b1: T.Vector = vload(wp + v); let b2: T.Vector = vload(wp + last)
                    wp += ldw
                    a = T.Vector(repeating: r0[c]); c00.addProduct(a, b0); c01.addProduct(a, b1); c02.addProduct(a, b2)
                    a = T.Vector(repeating: r1[c]); c10.addProduct(a, b0); c11.addProduct(a, b1); c12.addProduct(a, b2)
                    a = T.Vector(repeating: r2[c]); c20.addProduct(a, b0); c21.addProduct(a, b1); c22.addProduct(a, b2)
                    a = T.Vector(repeating: r3[c]); c30.addProduct(a, b0); c31.addProduct(a, b1); c32.addProduct(a, b2)
                    a = T.Vector(repeating: r4[c]); c40.addProduct(a, b0); c41.addProduct(a, b1); c42.addProduct(a, b2)
                    a = T.Vector(repeating: r5[c]); c50.addProduct(a, b0); c51.addProduct(a, b1); c52.addProduct(a, b2)
                }
                c0 = cEnd
            }
        }
        var d = dst[0]; vstore(c00, d); vstore(c01, d + v); vstore(c02, d + last)
        d = dst[1]; vstore(c10, d); vstore(c11, d + v); vstore(c12, d + last)
        d = dst[2]; vstore(c20, d); vstore(c21, d + v); vstore(c22, d + last)
        d = dst[3]; vstore(c30, d); vstore(c31, d + v); vstore(c32, d + last)
        d = dst[4]; vstore(c40, d); vstore(c41, d + v); vstore(c42, d + last)
        d = dst[5]; vstore(c50, d); vstore(c51, d + v); vstore(c52, d + last)
    }

    /// 12 pixels x 2V output channels: 24 accumulators. w: panel [taps][cin][2V].
    /// `last`: channel offset of the last column (V wide), normally the end of the one before it.
    @inline(never)
    static func tile12x2<T: FastScalar, P: OutputPrefetch, S: PanelStride>(
        taps: Int, cin: Int, rows: UnsafePointer<UnsafePointer<T>>, w: UnsafePointer<T>, wTap: UnsafePointer<Int>,
        ldw givenLdw: Int, cinOffset: Int, accumulate: Bool, dst: UnsafePointer<UnsafeMutablePointer<T>>, last givenLast: Int,
        prefetch: UnsafeBufferPointer<UnsafeRawPointer>, _: P.Type, _: S.Type
    ) {
        var lines = LinePrefetcher<P>(prefetch)
        let ldw = S.packed ? FastPlan.Tile.m12n2.packedWidth(vectorWidth: T.Vector.scalarCount) : givenLdw
        let last = S.packed ? FastPlan.Tile.m12n2.packedLast(vectorWidth: T.Vector.scalarCount) : givenLast
        var c00 = T.Vector(), c01 = T.Vector()
        var c10 = T.Vector(), c11 = T.Vector()
        var c20 = T.Vector(), c21 = T.Vector()
        var c30 = T.Vector(), c31 = T.Vector()
        var c40 = T.Vector(), c41 = T.Vector()
        var c50 = T.Vector(), c51 = T.Vector()
        var c60 = T.Vector(), c61 = T.Vector()
        var c70 = T.Vector(), c71 = T.Vector()
        var c80 = T.Vector(), c81 = T.Vector()
        var c90 = T.Vector(), c91 = T.Vector()
        var ca0 = T.Vector(), ca1 = T.Vector()
        var cb0 = T.Vector(), cb1 = T.Vector()
        if accumulate {
            var d = dst[0]; c00 = vload(d); c01 = vload(d + last)
            d = dst[1]; c10 = vload(d); c11 = vload(d + last)
            d = dst[2]; c20 = vload(d); c21 = vload(d + last)
            d = dst[3]; c30 = vload(d); c31 = vload(d + last)
            d = dst[4]; c40 = vload(d); c41 = vload(d + last)
            d = dst[5]; c50 = vload(d); c51 = vload(d + last)
            d = dst[6]; c60 = vload(d); c61 = vload(d + last)
            d = dst[7]; c70 = vload(d); c71 = vload(d + last)
            d = dst[8]; c80 = vload(d); c81 = vload(d + last)
            d = dst[9]; c90 = vload(d); c91 = vload(d + last)
            d = dst[10]; ca0 = vload(d); ca1 = vload(d + last)
            d = dst[11]; cb0 = vload(d); cb1 = vload(d + last)
        }
        var rp = rows
        for t in 0..<taps {
            var wp = w + wTap[t]
            let r0 = rp[0] + cinOffset, r1 = rp[1] + cinOffset, r2 = rp[2] + cinOffset, r3 = rp[3] + cinOffset
            let r4 = rp[4] + cinOffset, r5 = rp[5] + cinOffset, r6 = rp[6] + cinOffset, r7 = rp[7] + cinOffset
            let r8 = rp[8] + cinOffset, r9 = rp[9] + cinOffset, ra = rp[10] + cinOffset, rb = rp[11] + cinOffset
            rp += 12
            var a = T.Vector()
            var c0 = 0
            while c0 < cin {
                lines.step()
                let cEnd = min(c0 + 2, cin)
                for c in c0..<cEnd {
                    let b0: T.Vector = vload(wp); let b1: T.Vector = vload(wp + last)
                    wp += ldw
                    a = T.Vector(repeating: r0[c]); c00.addProduct(a, b0); c01.addProduct(a, b1)
                    a = T.Vector(repeating: r1[c]); c10.addProduct(a, b0); c11.addProduct(a, b1)
                    a = T.Vector(repeating: r2[c]); c20.addProduct(a, b0); c21.addProduct(a, b1)
                    a = T.Vector(repeating: r3[c]); c30.addProduct(a, b0); c31.addProduct(a, b1)
                    a = T.Vector(repeating: r4[c]); c40.addProduct(a, b0); c41.addProduct(a, b1)
                    a = T.Vector(repeating: r5[c]); c50.addProduct(a, b0); c51.addProduct(a, b1)
                    a = T.Vector(repeating: r6[c]); c60.addProduct(a, b0); c61.addProduct(a, b1)
                    a = T.Vector(repeating: r7[c]); c70.addProduct(a, b0); c71.addProduct(a, b1)
                    a = T.Vector(repeating: r8[c]); c80.addProduct(a, b0); c81.addProduct(a, b1)
                    a = T.Vector(repeating: r9[c]); c90.addProduct(a, b0); c91.addProduct(a, b1)
                    a = T.Vector(repeating: ra[c]); ca0.addProduct(a, b0); ca1.addProduct(a, b1)
                    a = T.Vector(repeating: rb[c]); cb0.addProduct(a, b0); cb1.addProduct(a, b1)
                }
                c0 = cEnd
            }
        }
        var d = dst[0]; vstore(c00, d); vstore(c01, d + last)
        d = dst[1]; vstore(c10, d); vstore(c11, d + last)
        d = dst[2]; vstore(c20, d); vstore(c21, d + last)
        d = dst[3]; vstore(c30, d); vstore(c31, d + last)
        d = dst[4]; vstore(c40, d); vstore(c41, d + last)
        d = dst[5]; vstore(c50, d); vstore(c51, d + last)
        d = dst[6]; vstore(c60, d); vstore(c61, d + last)
        d = dst[7]; vstore(c70, d); vstore(c71, d + last)
        d = dst[8]; vstore(c80, d); vstore(c81, d + last)
        d = dst[9]; vstore(c90, d); vstore(c91, d + last)
        d = dst[10]; vstore(ca0, d); vstore(ca1, d + last)
        d = dst[11]; vstore(cb0, d); vstore(cb1, d + last)
    }

    /// 12 pixels x V + V/2 output channels: 24 accumulators. w: panel [taps][cin][V + V/2].
    /// `last`: channel offset of the last column (V/2 wide), normally the end of the one before it.
    @inline(never)
    static func tile12x1h<T: FastScalar, P: OutputPrefetch, S: PanelStride>(
        taps: Int, cin: Int, rows: UnsafePointer<UnsafePointer<T>>, w: UnsafePointer<T>, wTap: UnsafePointer<Int>,
        ldw givenLdw: Int, cinOffset: Int, accumulate: Bool, dst: UnsafePointer<UnsafeMutablePointer<T>>, last givenLast: Int,
        prefetch: UnsafeBufferPointer<UnsafeRawPointer>, _: P.Type, _: S.Type
    ) {
        var lines = LinePrefetcher<P>(prefetch)
        let ldw = S.packed ? FastPlan.Tile.m12n1h.packedWidth(vectorWidth: T.Vector.scalarCount) : givenLdw
        let last = S.packed ? FastPlan.Tile.m12n1h.packedLast(vectorWidth: T.Vector.scalarCount) : givenLast
        var c00 = T.Vector(), c01 = T.Half()
        var c10 = T.Vector(), c11 = T.Half()
        var c20 = T.Vector(), c21 = T.Half()
        var c30 = T.Vector(), c31 = T.Half()
        var c40 = T.Vector(), c41 = T.Half()
        var c50 = T.Vector(), c51 = T.Half()
        var c60 = T.Vector(), c61 = T.Half()
        var c70 = T.Vector(), c71 = T.Half()
        var c80 = T.Vector(), c81 = T.Half()
        var c90 = T.Vector(), c91 = T.Half()
        var ca0 = T.Vector(), ca1 = T.Half()
        var cb0 = T.Vector(), cb1 = T.Half()
        if accumulate {
            var d = dst[0]; c00 = vload(d); c01 = hload(d + last)
            d = dst[1]; c10 = vload(d); c11 = hload(d + last)
            d = dst[2]; c20 = vload(d); c21 = hload(d + last)
            d = dst[3]; c30 = vload(d); c31 = hload(d + last)
            d = dst[4]; c40 = vload(d); c41 = hload(d + last)
            d = dst[5]; c50 = vload(d); c51 = hload(d + last)
            d = dst[6]; c60 = vload(d); c61 = hload(d + last)
            d = dst[7]; c70 = vload(d); c71 = hload(d + last)
            d = dst[8]; c80 = vload(d); c81 = hload(d + last)
            d = dst[9]; c90 = vload(d); c91 = hload(d + last)
            d = dst[10]; ca0 = vload(d); ca1 = hload(d + last)
            d = dst[11]; cb0 = vload(d); cb1 = hload(d + last)
        }
        var rp = rows
        for t in 0..<taps {
            var wp = w + wTap[t]
            let r0 = rp[0] + cinOffset, r1 = rp[1] + cinOffset, r2 = rp[2] + cinOffset, r3 = rp[3] + cinOffset
            let r4 = rp[4] + cinOffset, r5 = rp[5] + cinOffset, r6 = rp[6] + cinOffset, r7 = rp[7] + cinOffset
            let r8 = rp[8] + cinOffset, r9 = rp[9] + cinOffset, ra = rp[10] + cinOffset, rb = rp[11] + cinOffset
            rp += 12
            var s = T.zero; var a = T.Vector(); var h = T.Half()
            var c0 = 0
            while c0 < cin {
                lines.step()
                let cEnd = min(c0 + 2, cin)
                for c in c0..<cEnd {
                    let b0: T.Vector = vload(wp); let b1: T.Half = hload(wp + last)
                    wp += ldw
                    s = r0[c]; a = T.Vector(repeating: s); h = T.Half(repeating: s); c00.addProduct(a, b0); c01.addProduct(h, b1)
                    s = r1[c]; a = T.Vector(repeating: s); h = T.Half(repeating: s); c10.addProduct(a, b0); c11.addProduct(h, b1)
                    s = r2[c]; a = T.Vector(repeating: s); h = T.Half(repeating: s); c20.addProduct(a, b0); c21.addProduct(h, b1)
                    s = r3[c]; a = T.Vector(repeating: s); h = T.Half(repeating: s); c30.addProduct(a, b0); c31.addProduct(h, b1)
                    s = r4[c]; a = T.Vector(repeating: s); h = T.Half(repeating: s); c40.addProduct(a, b0); c41.addProduct(h, b1)
                    s = r5[c]; a = T.Vector(repeating: s); h = T.Half(repeating: s); c50.addProduct(a, b0); c51.addProduct(h, b1)
                    s = r6[c]; a = T.Vector(repeating: s); h = T.Half(repeating: s); c60.addProduct(a, b0); c61.addProduct(h, b1)
                    s = r7[c]; a = T.Vector(repeating: s); h = T.Half(repeating: s); c70.addProduct(a, b0); c71.addProduct(h, b1)
                    s = r8[c]; a = T.Vector(repeating: s); h = T.Half(repeating: s); c80.addProduct(a, b0); c81.addProduct(h, b1)
                    s = r9[c]; a = T.Vector(repeating: s); h = T.Half(repeating: s); c90.addProduct(a, b0); c91.addProduct(h, b1)
                    s = ra[c]; a = T.Vector(repeating: s); h = T.Half(repeating: s); ca0.addProduct(a, b0); ca1.addProduct(h, b1)
                    s = rb[c]; a = T.Vector(repeating: s); h = T.Half(repeating: s); cb0.addProduct(a, b0); cb1.addProduct(h, b1)
                }
                c0 = cEnd
            }
        }
        var d = dst[0]; vstore(c00, d); hstore(c01, d + last)
        d = dst[1]; vstore(c10, d); hstore(c11, d + last)
        d = dst[2]; vstore(c20, d); hstore(c21, d + last)
        d = dst[3]; vstore(c30, d); hstore(c31, d + last)
        d = dst[4]; vstore(c40, d); hstore(c41, d + last)
        d = dst[5]; vstore(c50, d); hstore(c51, d + last)
        d = dst[6]; vstore(c60, d); hstore(c61, d + last)
        d = dst[7]; vstore(c70, d); hstore(c71, d + last)
        d = dst[8]; vstore(c80, d); hstore(c81, d + last)
        d = dst[9]; vstore(c90, d); hstore(c91, d + last)
        d = dst[10]; vstore(ca0, d); hstore(ca1, d + last)
        d = dst[11]; vstore(cb0, d); hstore(cb1, d + last)
    }

    /// 12 pixels x V output channels: 12 accumulators. w: panel [taps][cin][V].
    @inline(never)
    static func tile12x1<T: FastScalar, P: OutputPrefetch, S: PanelStride>(
        taps: Int, cin: Int, rows: UnsafePointer<UnsafePointer<T>>, w: UnsafePointer<T>, wTap: UnsafePointer<Int>,
        ldw givenLdw: Int, cinOffset: Int, accumulate: Bool, dst: UnsafePointer<UnsafeMutablePointer<T>>,
        prefetch: UnsafeBufferPointer<UnsafeRawPointer>, _: P.Type, _: S.Type
    ) {
        var lines = LinePrefetcher<P>(prefetch)
        let ldw = S.packed ? FastPlan.Tile.m12n1.packedWidth(vectorWidth: T.Vector.scalarCount) : givenLdw
        var c00 = T.Vector()
        var c10 = T.Vector()
        var c20 = T.Vector()
        var c30 = T.Vector()
        var c40 = T.Vector()
        var c50 = T.Vector()
        var c60 = T.Vector()
        var c70 = T.Vector()
        var c80 = T.Vector()
        var c90 = T.Vector()
        var ca0 = T.Vector()
        var cb0 = T.Vector()
        if accumulate {
            var d = dst[0]; c00 = vload(d)
            d = dst[1]; c10 = vload(d)
            d = dst[2]; c20 = vload(d)
            d = dst[3]; c30 = vload(d)
            d = dst[4]; c40 = vload(d)
            d = dst[5]; c50 = vload(d)
            d = dst[6]; c60 = vload(d)
            d = dst[7]; c70 = vload(d)
            d = dst[8]; c80 = vload(d)
            d = dst[9]; c90 = vload(d)
            d = dst[10]; ca0 = vload(d)
            d = dst[11]; cb0 = vload(d)
        }
        var rp = rows
        for t in 0..<taps {
            var wp = w + wTap[t]
            let r0 = rp[0] + cinOffset, r1 = rp[1] + cinOffset, r2 = rp[2] + cinOffset, r3 = rp[3] + cinOffset
            let r4 = rp[4] + cinOffset, r5 = rp[5] + cinOffset, r6 = rp[6] + cinOffset, r7 = rp[7] + cinOffset
            let r8 = rp[8] + cinOffset, r9 = rp[9] + cinOffset, ra = rp[10] + cinOffset, rb = rp[11] + cinOffset
            rp += 12
            var a = T.Vector()
            var c0 = 0
            while c0 < cin {
                lines.step()
                let cEnd = min(c0 + 2, cin)
                for c in c0..<cEnd {
                    let b0: T.Vector = vload(wp)
                    wp += ldw
                    a = T.Vector(repeating: r0[c]); c00.addProduct(a, b0)
                    a = T.Vector(repeating: r1[c]); c10.addProduct(a, b0)
                    a = T.Vector(repeating: r2[c]); c20.addProduct(a, b0)
                    a = T.Vector(repeating: r3[c]); c30.addProduct(a, b0)
                    a = T.Vector(repeating: r4[c]); c40.addProduct(a, b0)
                    a = T.Vector(repeating: r5[c]); c50.addProduct(a, b0)
                    a = T.Vector(repeating: r6[c]); c60.addProduct(a, b0)
                    a = T.Vector(repeating: r7[c]); c70.addProduct(a, b0)
                    a = T.Vector(repeating: r8[c]); c80.addProduct(a, b0)
                    a = T.Vector(repeating: r9[c]); c90.addProduct(a, b0)
                    a = T.Vector(repeating: ra[c]); ca0.addProduct(a, b0)
                    a = T.Vector(repeating: rb[c]); cb0.addProduct(a, b0)
                }
                c0 = cEnd
            }
        }
        var d = dst[0]; vstore(c00, d)
        d = dst[1]; vstore(c10, d)
        d = dst[2]; vstore(c20, d)
        d = dst[3]; vstore(c30, d)
        d = dst[4]; vstore(c40, d)
        d = dst[5]; vstore(c50, d)
        d = dst[6]; vstore(c60, d)
        d = dst[7]; vstore(c70, d)
        d = dst[8]; vstore(c80, d)
        d = dst[9]; vstore(c90, d)
        d = dst[10]; vstore(ca0, d)
        d = dst[11]; vstore(cb0, d)
    }

    /// 12 pixels x V/2 output channels: 12 accumulators. w: panel [taps][cin][V/2].
    @inline(never)
    static func tile12xh<T: FastScalar, P: OutputPrefetch, S: PanelStride>(
        taps: Int, cin: Int, rows: UnsafePointer<UnsafePointer<T>>, w: UnsafePointer<T>, wTap: UnsafePointer<Int>,
        ldw givenLdw: Int, cinOffset: Int, accumulate: Bool, dst: UnsafePointer<UnsafeMutablePointer<T>>,
        prefetch: UnsafeBufferPointer<UnsafeRawPointer>, _: P.Type, _: S.Type
    ) {
        var lines = LinePrefetcher<P>(prefetch)
        let ldw = S.packed ? FastPlan.Tile.m12nh.packedWidth(vectorWidth: T.Vector.scalarCount) : givenLdw
        var c00 = T.Half()
        var c10 = T.Half()
        var c20 = T.Half()
        var c30 = T.Half()
        var c40 = T.Half()
        var c50 = T.Half()
        var c60 = T.Half()
        var c70 = T.Half()
        var c80 = T.Half()
        var c90 = T.Half()
        var ca0 = T.Half()
        var cb0 = T.Half()
        if accumulate {
            var d = dst[0]; c00 = hload(d)
            d = dst[1]; c10 = hload(d)
            d = dst[2]; c20 = hload(d)
            d = dst[3]; c30 = hload(d)
            d = dst[4]; c40 = hload(d)
            d = dst[5]; c50 = hload(d)
            d = dst[6]; c60 = hload(d)
            d = dst[7]; c70 = hload(d)
            d = dst[8]; c80 = hload(d)
            d = dst[9]; c90 = hload(d)
            d = dst[10]; ca0 = hload(d)
            d = dst[11]; cb0 = hload(d)
        }
        var rp = rows
        for t in 0..<taps {
            var wp = w + wTap[t]
            let r0 = rp[0] + cinOffset, r1 = rp[1] + cinOffset, r2 = rp[2] + cinOffset, r3 = rp[3] + cinOffset
            let r4 = rp[4] + cinOffset, r5 = rp[5] + cinOffset, r6 = rp[6] + cinOffset, r7 = rp[7] + cinOffset
            let r8 = rp[8] + cinOffset, r9 = rp[9] + cinOffset, ra = rp[10] + cinOffset, rb = rp[11] + cinOffset
            rp += 12
            var h = T.Half()
            var c0 = 0
            while c0 < cin {
                lines.step()
                let cEnd = min(c0 + 2, cin)
                for c in c0..<cEnd {
                    let b0: T.Half = hload(wp)
                    wp += ldw
                    h = T.Half(repeating: r0[c]); c00.addProduct(h, b0)
                    h = T.Half(repeating: r1[c]); c10.addProduct(h, b0)
                    h = T.Half(repeating: r2[c]); c20.addProduct(h, b0)
                    h = T.Half(repeating: r3[c]); c30.addProduct(h, b0)
                    h = T.Half(repeating: r4[c]); c40.addProduct(h, b0)
                    h = T.Half(repeating: r5[c]); c50.addProduct(h, b0)
                    h = T.Half(repeating: r6[c]); c60.addProduct(h, b0)
                    h = T.Half(repeating: r7[c]); c70.addProduct(h, b0)
                    h = T.Half(repeating: r8[c]); c80.addProduct(h, b0)
                    h = T.Half(repeating: r9[c]); c90.addProduct(h, b0)
                    h = T.Half(repeating: ra[c]); ca0.addProduct(h, b0)
                    h = T.Half(repeating: rb[c]); cb0.addProduct(h, b0)
                }
                c0 = cEnd
            }
        }
        var d = dst[0]; hstore(c00, d)
        d = dst[1]; hstore(c10, d)
        d = dst[2]; hstore(c20, d)
        d = dst[3]; hstore(c30, d)
        d = dst[4]; hstore(c40, d)
        d = dst[5]; hstore(c50, d)
        d = dst[6]; hstore(c60, d)
        d = dst[7]; hstore(c70, d)
        d = dst[8]; hstore(c80, d)
        d = dst[9]; hstore(c90, d)
        d = dst[10]; hstore(ca0, d)
        d = dst[11]; hstore(cb0, d)
    }


    /// 4 pixels x 4 output channels, vectors along input channels (16 partial sums, reduced across
    /// lanes at the end). w: panel [taps][4][cin], rows `ldco` apart. out: 16 values, [pixel][channel].
    @inline(never)
    static func dot4x4<T: FastScalar>(taps: Int, cin: Int, rows: UnsafePointer<UnsafePointer<T>>,
                                       w: UnsafePointer<T>, wTap: UnsafePointer<Int>, ldco: Int,
                                       out: UnsafeMutablePointer<T>) {
        let v = T.Vector.scalarCount
        var c00 = T.Vector(), c01 = T.Vector(), c02 = T.Vector(), c03 = T.Vector()
        var c10 = T.Vector(), c11 = T.Vector(), c12 = T.Vector(), c13 = T.Vector()
        var c20 = T.Vector(), c21 = T.Vector(), c22 = T.Vector(), c23 = T.Vector()
        var c30 = T.Vector(), c31 = T.Vector(), c32 = T.Vector(), c33 = T.Vector()
        var rp = rows
        for t in 0..<taps {
            let wp = w + wTap[t]
            let r0 = rp[0], r1 = rp[1], r2 = rp[2], r3 = rp[3]
            rp += 4
            var c = 0
            while c < cin {
                let w0: T.Vector = vload(wp + c); let w1: T.Vector = vload(wp + ldco + c)
                let w2: T.Vector = vload(wp + 2 * ldco + c); let w3: T.Vector = vload(wp + 3 * ldco + c)
                var a: T.Vector
                a = vload(r0 + c); c00.addProduct(a, w0); c01.addProduct(a, w1); c02.addProduct(a, w2); c03.addProduct(a, w3)
                a = vload(r1 + c); c10.addProduct(a, w0); c11.addProduct(a, w1); c12.addProduct(a, w2); c13.addProduct(a, w3)
                a = vload(r2 + c); c20.addProduct(a, w0); c21.addProduct(a, w1); c22.addProduct(a, w2); c23.addProduct(a, w3)
                a = vload(r3 + c); c30.addProduct(a, w0); c31.addProduct(a, w1); c32.addProduct(a, w2); c33.addProduct(a, w3)
                c += v
            }
        }
        out[0] = T.laneSum(c00); out[1] = T.laneSum(c01); out[2] = T.laneSum(c02); out[3] = T.laneSum(c03)
        out[4] = T.laneSum(c10); out[5] = T.laneSum(c11); out[6] = T.laneSum(c12); out[7] = T.laneSum(c13)
        out[8] = T.laneSum(c20); out[9] = T.laneSum(c21); out[10] = T.laneSum(c22); out[11] = T.laneSum(c23)
        out[12] = T.laneSum(c30); out[13] = T.laneSum(c31); out[14] = T.laneSum(c32); out[15] = T.laneSum(c33)
    }

    /// 6 pixels x 4 output channels, vectors along input channels (24 partial sums, reduced across
    /// lanes at the end). w: panel [taps][4][cin], rows `ldco` apart. out: 24 values, [pixel][channel].
    @inline(never)
    static func dot6x4<T: FastScalar>(taps: Int, cin: Int, rows: UnsafePointer<UnsafePointer<T>>,
                                       w: UnsafePointer<T>, wTap: UnsafePointer<Int>, ldco: Int,
                                       out: UnsafeMutablePointer<T>) {
        let v = T.Vector.scalarCount
        var c00 = T.Vector(), c01 = T.Vector(), c02 = T.Vector(), c03 = T.Vector()
        var c10 = T.Vector(), c11 = T.Vector(), c12 = T.Vector(), c13 = T.Vector()
        var c20 = T.Vector(), c21 = T.Vector(), c22 = T.Vector(), c23 = T.Vector()
        var c30 = T.Vector(), c31 = T.Vector(), c32 = T.Vector(), c33 = T.Vector()
        var c40 = T.Vector(), c41 = T.Vector(), c42 = T.Vector(), c43 = T.Vector()
        var c50 = T.Vector(), c51 = T.Vector(), c52 = T.Vector(), c53 = T.Vector()
        var rp = rows
        for t in 0..<taps {
            let wp = w + wTap[t]
            let r0 = rp[0], r1 = rp[1], r2 = rp[2], r3 = rp[3]
            let r4 = rp[4], r5 = rp[5]
            rp += 6
            var c = 0
            while c < cin {
                let w0: T.Vector = vload(wp + c); let w1: T.Vector = vload(wp + ldco + c)
                let w2: T.Vector = vload(wp + 2 * ldco + c); let w3: T.Vector = vload(wp + 3 * ldco + c)
                var a: T.Vector
                a = vload(r0 + c); c00.addProduct(a, w0); c01.addProduct(a, w1); c02.addProduct(a, w2); c03.addProduct(a, w3)
                a = vload(r1 + c); c10.addProduct(a, w0); c11.addProduct(a, w1); c12.addProduct(a, w2); c13.addProduct(a, w3)
                a = vload(r2 + c); c20.addProduct(a, w0); c21.addProduct(a, w1); c22.addProduct(a, w2); c23.addProduct(a, w3)
                a = vload(r3 + c); c30.addProduct(a, w0); c31.addProduct(a, w1); c32.addProduct(a, w2); c33.addProduct(a, w3)
                a = vload(r4 + c); c40.addProduct(a, w0); c41.addProduct(a, w1); c42.addProduct(a, w2); c43.addProduct(a, w3)
                a = vload(r5 + c); c50.addProduct(a, w0); c51.addProduct(a, w1); c52.addProduct(a, w2); c53.addProduct(a, w3)
                c += v
            }
        }
        out[0] = T.laneSum(c00); out[1] = T.laneSum(c01); out[2] = T.laneSum(c02); out[3] = T.laneSum(c03)
        out[4] = T.laneSum(c10); out[5] = T.laneSum(c11); out[6] = T.laneSum(c12); out[7] = T.laneSum(c13)
        out[8] = T.laneSum(c20); out[9] = T.laneSum(c21); out[10] = T.laneSum(c22); out[11] = T.laneSum(c23)
        out[12] = T.laneSum(c30); out[13] = T.laneSum(c31); out[14] = T.laneSum(c32); out[15] = T.laneSum(c33)
        out[16] = T.laneSum(c40); out[17] = T.laneSum(c41); out[18] = T.laneSum(c42); out[19] = T.laneSum(c43)
        out[20] = T.laneSum(c50); out[21] = T.laneSum(c51); out[22] = T.laneSum(c52); out[23] = T.laneSum(c53)
    }

    /// 8 pixels x 3 output channels, vectors along input channels (24 partial sums, reduced across
    /// lanes at the end). w: panel [taps][3][cin], rows `ldco` apart. out: 24 values, [pixel][channel].
    @inline(never)
    static func dot8x3<T: FastScalar>(taps: Int, cin: Int, rows: UnsafePointer<UnsafePointer<T>>,
                                       w: UnsafePointer<T>, wTap: UnsafePointer<Int>, ldco: Int,
                                       out: UnsafeMutablePointer<T>) {
        let v = T.Vector.scalarCount
        var c00 = T.Vector(), c01 = T.Vector(), c02 = T.Vector()
        var c10 = T.Vector(), c11 = T.Vector(), c12 = T.Vector()
        var c20 = T.Vector(), c21 = T.Vector(), c22 = T.Vector()
        var c30 = T.Vector(), c31 = T.Vector(), c32 = T.Vector()
        var c40 = T.Vector(), c41 = T.Vector(), c42 = T.Vector()
        var c50 = T.Vector(), c51 = T.Vector(), c52 = T.Vector()
        var c60 = T.Vector(), c61 = T.Vector(), c62 = T.Vector()
        var c70 = T.Vector(), c71 = T.Vector(), c72 = T.Vector()
        var rp = rows
        for t in 0..<taps {
            let wp = w + wTap[t]
            let r0 = rp[0], r1 = rp[1], r2 = rp[2], r3 = rp[3]
            let r4 = rp[4], r5 = rp[5], r6 = rp[6], r7 = rp[7]
            rp += 8
            var c = 0
            while c < cin {
                let w0: T.Vector = vload(wp + c); let w1: T.Vector = vload(wp + ldco + c)
                let w2: T.Vector = vload(wp + 2 * ldco + c)
                var a: T.Vector
                a = vload(r0 + c); c00.addProduct(a, w0); c01.addProduct(a, w1); c02.addProduct(a, w2)
                a = vload(r1 + c); c10.addProduct(a, w0); c11.addProduct(a, w1); c12.addProduct(a, w2)
                a = vload(r2 + c); c20.addProduct(a, w0); c21.addProduct(a, w1); c22.addProduct(a, w2)
                a = vload(r3 + c); c30.addProduct(a, w0); c31.addProduct(a, w1); c32.addProduct(a, w2)
                a = vload(r4 + c); c40.addProduct(a, w0); c41.addProduct(a, w1); c42.addProduct(a, w2)
                a = vload(r5 + c); c50.addProduct(a, w0); c51.addProduct(a, w1); c52.addProduct(a, w2)
                a = vload(r6 + c); c60.addProduct(a, w0); c61.addProduct(a, w1); c62.addProduct(a, w2)
                a = vload(r7 + c); c70.addProduct(a, w0); c71.addProduct(a, w1); c72.addProduct(a, w2)
                c += v
            }
        }
        out[0] = T.laneSum(c00); out[1] = T.laneSum(c01); out[2] = T.laneSum(c02)
        out[3] = T.laneSum(c10); out[4] = T.laneSum(c11); out[5] = T.laneSum(c12)
        out[6] = T.laneSum(c20); out[7] = T.laneSum(c21); out[8] = T.laneSum(c22)
        out[9] = T.laneSum(c30); out[10] = T.laneSum(c31); out[11] = T.laneSum(c32)
        out[12] = T.laneSum(c40); out[13] = T.laneSum(c41); out[14] = T.laneSum(c42)
        out[15] = T.laneSum(c50); out[16] = T.laneSum(c51); out[17] = T.laneSum(c52)
        out[18] = T.laneSum(c60); out[19] = T.laneSum(c61); out[20] = T.laneSum(c62)
        out[21] = T.laneSum(c70); out[22] = T.laneSum(c71); out[23] = T.laneSum(c72)
    }

}
