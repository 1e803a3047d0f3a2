/// The register-tile micro-kernels of the fast engine. Each computes one small output tile over the
/// whole reduction (all taps of a phase times the group's input channels) without touching memory
/// for the accumulators, then stores it once.
///
/// Shared conventions (V = `T.Vector.scalarCount`: 16 floats or 8 doubles in a 512-bit register):
///   cin, cinOffset  the input channels [cinOffset, cinOffset + cin) of each row are summed; with
///          `accumulate` the tile starts from what `dst` holds (the partial sum of an earlier chunk
///          of the reduction), so a chunked reduction performs the very same sequence of FMAs.
///   rows   [taps][MR] pointers: the channels-last input row (C_in/G contiguous values) that pixel
///          p of the tile reads at tap t, or a buffer of zeros when that tap falls in the padding.
///   w      the packed weight panel, see each kernel.
/// Summation order for an output element: taps in phase order, then input channels ascending (the
/// dot kernel: per lane, then a fixed tree). It does not depend on tiling or on the thread count,
/// which is what makes results bit-identical for any number of threads.

/// A float type the fast kernels are specialised for, with its 512-bit vector.
protocol FastScalar: EngineScalar {
    associatedtype Vector: SIMD where Vector.Scalar == Self
    /// Sum of the lanes in a fixed pairwise order.
    static func laneSum(_ v: Vector) -> Self
}

extension Float: FastScalar {
    typealias Vector = SIMD16<Float>
    @inline(__always)
    static func laneSum(_ v: SIMD16<Float>) -> Float {
        let a = v.lowHalf + v.highHalf
        let b = a.lowHalf + a.highHalf
        let c = b.lowHalf + b.highHalf
        return c[0] + c[1]
    }
}

extension Double: FastScalar {
    typealias Vector = SIMD8<Double>
    @inline(__always)
    static func laneSum(_ v: SIMD8<Double>) -> Double {
        let a = v.lowHalf + v.highHalf
        let b = a.lowHalf + a.highHalf
        return b[0] + b[1]
    }
}

@inline(__always)
func vload<T: FastScalar>(_ p: UnsafePointer<T>) -> T.Vector {
    UnsafeRawPointer(p).loadUnaligned(as: T.Vector.self)
}

@inline(__always)
func vstore<T: FastScalar>(_ v: T.Vector, _ p: UnsafeMutablePointer<T>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: T.Vector.self)
}

@inline(__always)
func vsplat<T: FastScalar>(_ p: UnsafePointer<T>) -> T.Vector {
    T.Vector(repeating: p.pointee)
}

enum FastMicroKernels {
    /// 6 pixels x 4 vectors of output channels (64 floats / 32 doubles): 24 accumulators.
    /// w: panel [taps][cin][4V]. dst: 6 pointers, each receiving 4V contiguous values.
    /// Per input channel: 4 vector loads and 6 broadcasts feed 24 FMAs.
    @inline(never)
    static func tile6x4<T: FastScalar>(taps: Int, cin: Int, rows: UnsafePointer<UnsafePointer<T>>,
                                        w: UnsafePointer<T>, wTap: UnsafePointer<Int>, ldw: Int, cinOffset: Int,
                                        accumulate: Bool, dst: UnsafePointer<UnsafeMutablePointer<T>>) {
        let v = T.Vector.scalarCount
        var c00 = T.Vector(), c01 = T.Vector(), c02 = T.Vector(), c03 = T.Vector()
        var c10 = T.Vector(), c11 = T.Vector(), c12 = T.Vector(), c13 = T.Vector()
        var c20 = T.Vector(), c21 = T.Vector(), c22 = T.Vector(), c23 = T.Vector()
        var c30 = T.Vector(), c31 = T.Vector(), c32 = T.Vector(), c33 = T.Vector()
        var c40 = T.Vector(), c41 = T.Vector(), c42 = T.Vector(), c43 = T.Vector()
        var c50 = T.Vector(), c51 = T.Vector(), c52 = T.Vector(), c53 = T.Vector()
        if accumulate {
            var d = dst[0]; c00 = vload(d); c01 = vload(d + v); c02 = vload(d + 2 * v); c03 = vload(d + 3 * v)
            d = dst[1]; c10 = vload(d); c11 = vload(d + v); c12 = vload(d + 2 * v); c13 = vload(d + 3 * v)
            d = dst[2]; c20 = vload(d); c21 = vload(d + v); c22 = vload(d + 2 * v); c23 = vload(d + 3 * v)
            d = dst[3]; c30 = vload(d); c31 = vload(d + v); c32 = vload(d + 2 * v); c33 = vload(d + 3 * v)
            d = dst[4]; c40 = vload(d); c41 = vload(d + v); c42 = vload(d + 2 * v); c43 = vload(d + 3 * v)
            d = dst[5]; c50 = vload(d); c51 = vload(d + v); c52 = vload(d + 2 * v); c53 = vload(d + 3 * v)
        }
        var rp = rows
        for t in 0..<taps {
            var wp = w + wTap[t]
            let r0 = rp[0] + cinOffset, r1 = rp[1] + cinOffset, r2 = rp[2] + cinOffset
            let r3 = rp[3] + cinOffset, r4 = rp[4] + cinOffset, r5 = rp[5] + cinOffset
            rp += 6
            for c in 0..<cin {
                let b0: T.Vector = vload(wp), b1: T.Vector = vload(wp + v)
                let b2: T.Vector = vload(wp + 2 * v), b3: T.Vector = vload(wp + 3 * v)
                wp += ldw
                var a: T.Vector = vsplat(r0 + c)
                c00.addProduct(a, b0); c01.addProduct(a, b1); c02.addProduct(a, b2); c03.addProduct(a, b3)
                a = vsplat(r1 + c)
                c10.addProduct(a, b0); c11.addProduct(a, b1); c12.addProduct(a, b2); c13.addProduct(a, b3)
                a = vsplat(r2 + c)
                c20.addProduct(a, b0); c21.addProduct(a, b1); c22.addProduct(a, b2); c23.addProduct(a, b3)
                a = vsplat(r3 + c)
                c30.addProduct(a, b0); c31.addProduct(a, b1); c32.addProduct(a, b2); c33.addProduct(a, b3)
                a = vsplat(r4 + c)
                c40.addProduct(a, b0); c41.addProduct(a, b1); c42.addProduct(a, b2); c43.addProduct(a, b3)
                a = vsplat(r5 + c)
                c50.addProduct(a, b0); c51.addProduct(a, b1); c52.addProduct(a, b2); c53.addProduct(a, b3)
            }
        }
        var d = dst[0]; vstore(c00, d); vstore(c01, d + v); vstore(c02, d + 2 * v); vstore(c03, d + 3 * v)
        d = dst[1]; vstore(c10, d); vstore(c11, d + v); vstore(c12, d + 2 * v); vstore(c13, d + 3 * v)
        d = dst[2]; vstore(c20, d); vstore(c21, d + v); vstore(c22, d + 2 * v); vstore(c23, d + 3 * v)
        d = dst[3]; vstore(c30, d); vstore(c31, d + v); vstore(c32, d + 2 * v); vstore(c33, d + 3 * v)
        d = dst[4]; vstore(c40, d); vstore(c41, d + v); vstore(c42, d + 2 * v); vstore(c43, d + 3 * v)
        d = dst[5]; vstore(c50, d); vstore(c51, d + v); vstore(c52, d + 2 * v); vstore(c53, d + 3 * v)
    }

    /// 12 pixels x 2 vectors of output channels (32 floats / 16 doubles): 24 accumulators.
    /// w: panel [taps][cin][2V]. dst: 12 pointers, each receiving 2V contiguous values.
    @inline(never)
    static func tile12x2<T: FastScalar>(taps: Int, cin: Int, rows: UnsafePointer<UnsafePointer<T>>,
                                         w: UnsafePointer<T>, wTap: UnsafePointer<Int>, ldw: Int, cinOffset: Int,
                                        accumulate: Bool, dst: UnsafePointer<UnsafeMutablePointer<T>>) {
        let v = T.Vector.scalarCount
        var c00 = T.Vector(), c01 = T.Vector(), c10 = T.Vector(), c11 = T.Vector()
        var c20 = T.Vector(), c21 = T.Vector(), c30 = T.Vector(), c31 = T.Vector()
        var c40 = T.Vector(), c41 = T.Vector(), c50 = T.Vector(), c51 = T.Vector()
        var c60 = T.Vector(), c61 = T.Vector(), c70 = T.Vector(), c71 = T.Vector()
        var c80 = T.Vector(), c81 = T.Vector(), c90 = T.Vector(), c91 = T.Vector()
        var ca0 = T.Vector(), ca1 = T.Vector(), cb0 = T.Vector(), cb1 = T.Vector()
        if accumulate {
            c00 = vload(dst[0]); c01 = vload(dst[0] + v); c10 = vload(dst[1]); c11 = vload(dst[1] + v)
            c20 = vload(dst[2]); c21 = vload(dst[2] + v); c30 = vload(dst[3]); c31 = vload(dst[3] + v)
            c40 = vload(dst[4]); c41 = vload(dst[4] + v); c50 = vload(dst[5]); c51 = vload(dst[5] + v)
            c60 = vload(dst[6]); c61 = vload(dst[6] + v); c70 = vload(dst[7]); c71 = vload(dst[7] + v)
            c80 = vload(dst[8]); c81 = vload(dst[8] + v); c90 = vload(dst[9]); c91 = vload(dst[9] + v)
            ca0 = vload(dst[10]); ca1 = vload(dst[10] + v); cb0 = vload(dst[11]); cb1 = vload(dst[11] + v)
        }
        var rp = rows
        for t in 0..<taps {
            var wp = w + wTap[t]
            let r0 = rp[0] + cinOffset, r1 = rp[1] + cinOffset, r2 = rp[2] + cinOffset, r3 = rp[3] + cinOffset
            let r4 = rp[4] + cinOffset, r5 = rp[5] + cinOffset, r6 = rp[6] + cinOffset, r7 = rp[7] + cinOffset
            let r8 = rp[8] + cinOffset, r9 = rp[9] + cinOffset, ra = rp[10] + cinOffset, rb = rp[11] + cinOffset
            rp += 12
            for c in 0..<cin {
                let b0: T.Vector = vload(wp), b1: T.Vector = vload(wp + v)
                wp += ldw
                var a: T.Vector = vsplat(r0 + c); c00.addProduct(a, b0); c01.addProduct(a, b1)
                a = vsplat(r1 + c); c10.addProduct(a, b0); c11.addProduct(a, b1)
                a = vsplat(r2 + c); c20.addProduct(a, b0); c21.addProduct(a, b1)
                a = vsplat(r3 + c); c30.addProduct(a, b0); c31.addProduct(a, b1)
                a = vsplat(r4 + c); c40.addProduct(a, b0); c41.addProduct(a, b1)
                a = vsplat(r5 + c); c50.addProduct(a, b0); c51.addProduct(a, b1)
                a = vsplat(r6 + c); c60.addProduct(a, b0); c61.addProduct(a, b1)
                a = vsplat(r7 + c); c70.addProduct(a, b0); c71.addProduct(a, b1)
                a = vsplat(r8 + c); c80.addProduct(a, b0); c81.addProduct(a, b1)
                a = vsplat(r9 + c); c90.addProduct(a, b0); c91.addProduct(a, b1)
                a = vsplat(ra + c); ca0.addProduct(a, b0); ca1.addProduct(a, b1)
                a = vsplat(rb + c); cb0.addProduct(a, b0); cb1.addProduct(a, b1)
            }
        }
        vstore(c00, dst[0]); vstore(c01, dst[0] + v); vstore(c10, dst[1]); vstore(c11, dst[1] + v)
        vstore(c20, dst[2]); vstore(c21, dst[2] + v); vstore(c30, dst[3]); vstore(c31, dst[3] + v)
        vstore(c40, dst[4]); vstore(c41, dst[4] + v); vstore(c50, dst[5]); vstore(c51, dst[5] + v)
        vstore(c60, dst[6]); vstore(c61, dst[6] + v); vstore(c70, dst[7]); vstore(c71, dst[7] + v)
        vstore(c80, dst[8]); vstore(c81, dst[8] + v); vstore(c90, dst[9]); vstore(c91, dst[9] + v)
        vstore(ca0, dst[10]); vstore(ca1, dst[10] + v); vstore(cb0, dst[11]); vstore(cb1, dst[11] + v)
    }

    /// 12 pixels x 1 vector of output channels (16 floats / 8 doubles): 12 accumulators.
    /// w: panel [taps][cin][V]. dst: 12 pointers, each receiving V contiguous values.
    @inline(never)
    static func tile12x1<T: FastScalar>(taps: Int, cin: Int, rows: UnsafePointer<UnsafePointer<T>>,
                                         w: UnsafePointer<T>, wTap: UnsafePointer<Int>, ldw: Int, cinOffset: Int,
                                        accumulate: Bool, dst: UnsafePointer<UnsafeMutablePointer<T>>) {
        let v = T.Vector.scalarCount
        var c0 = T.Vector(), c1 = T.Vector(), c2 = T.Vector(), c3 = T.Vector()
        var c4 = T.Vector(), c5 = T.Vector(), c6 = T.Vector(), c7 = T.Vector()
        var c8 = T.Vector(), c9 = T.Vector(), ca = T.Vector(), cb = T.Vector()
        if accumulate {
            c0 = vload(dst[0]); c1 = vload(dst[1]); c2 = vload(dst[2]); c3 = vload(dst[3])
            c4 = vload(dst[4]); c5 = vload(dst[5]); c6 = vload(dst[6]); c7 = vload(dst[7])
            c8 = vload(dst[8]); c9 = vload(dst[9]); ca = vload(dst[10]); cb = vload(dst[11])
        }
        var rp = rows
        for t in 0..<taps {
            var wp = w + wTap[t]
            let r0 = rp[0] + cinOffset, r1 = rp[1] + cinOffset, r2 = rp[2] + cinOffset, r3 = rp[3] + cinOffset
            let r4 = rp[4] + cinOffset, r5 = rp[5] + cinOffset, r6 = rp[6] + cinOffset, r7 = rp[7] + cinOffset
            let r8 = rp[8] + cinOffset, r9 = rp[9] + cinOffset, ra = rp[10] + cinOffset, rb = rp[11] + cinOffset
            rp += 12
            for c in 0..<cin {
                let b: T.Vector = vload(wp)
                wp += ldw
                c0.addProduct(vsplat(r0 + c), b); c1.addProduct(vsplat(r1 + c), b)
                c2.addProduct(vsplat(r2 + c), b); c3.addProduct(vsplat(r3 + c), b)
                c4.addProduct(vsplat(r4 + c), b); c5.addProduct(vsplat(r5 + c), b)
                c6.addProduct(vsplat(r6 + c), b); c7.addProduct(vsplat(r7 + c), b)
                c8.addProduct(vsplat(r8 + c), b); c9.addProduct(vsplat(r9 + c), b)
                ca.addProduct(vsplat(ra + c), b); cb.addProduct(vsplat(rb + c), b)
            }
        }
        vstore(c0, dst[0]); vstore(c1, dst[1]); vstore(c2, dst[2]); vstore(c3, dst[3])
        vstore(c4, dst[4]); vstore(c5, dst[5]); vstore(c6, dst[6]); vstore(c7, dst[7])
        vstore(c8, dst[8]); vstore(c9, dst[9]); vstore(ca, dst[10]); vstore(cb, dst[11])
    }

    /// Dot-product kernel for few output channels (C_out/G <= 4) and C_in/G a multiple of V:
    /// vectors run along the input channels instead, 4 pixels x 4 output channels of partial sums,
    /// reduced across lanes at the end. w: panel [taps][4][cin]. out: 16 values, [pixel][channel].
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
                let w0: T.Vector = vload(wp + c), w1: T.Vector = vload(wp + ldco + c)
                let w2: T.Vector = vload(wp + 2 * ldco + c), w3: T.Vector = vload(wp + 3 * ldco + c)
                var a: T.Vector = vload(r0 + c)
                c00.addProduct(a, w0); c01.addProduct(a, w1); c02.addProduct(a, w2); c03.addProduct(a, w3)
                a = vload(r1 + c)
                c10.addProduct(a, w0); c11.addProduct(a, w1); c12.addProduct(a, w2); c13.addProduct(a, w3)
                a = vload(r2 + c)
                c20.addProduct(a, w0); c21.addProduct(a, w1); c22.addProduct(a, w2); c23.addProduct(a, w3)
                a = vload(r3 + c)
                c30.addProduct(a, w0); c31.addProduct(a, w1); c32.addProduct(a, w2); c33.addProduct(a, w3)
                c += v
            }
        }
        out[0] = T.laneSum(c00); out[1] = T.laneSum(c01); out[2] = T.laneSum(c02); out[3] = T.laneSum(c03)
        out[4] = T.laneSum(c10); out[5] = T.laneSum(c11); out[6] = T.laneSum(c12); out[7] = T.laneSum(c13)
        out[8] = T.laneSum(c20); out[9] = T.laneSum(c21); out[10] = T.laneSum(c22); out[11] = T.laneSum(c23)
        out[12] = T.laneSum(c30); out[13] = T.laneSum(c31); out[14] = T.laneSum(c32); out[15] = T.laneSum(c33)
    }
}
