import Foundation
import TConvEngine

/// Correctness checks `tconv bench` runs once per case before timing it.
///
/// - `full`: every output element against the reference kernel (`Engine.runReference`), for cases
///   small enough that the reference loops finish quickly.
/// - `sampled`: a few hundred output elements recomputed here by the gather formula of the spec
///   (1.3), in Double, from the case's own fields (strides, rate, padding): code that shares
///   nothing with the engine's kernels or its shape arithmetic.
///
/// Tolerance, from the analysis of floating-point summation: a sum of n products computed in any
/// order differs from the exact sum by at most about `n * u * sum|products|` (u = unit roundoff,
/// 2^-24 for float32, 2^-53 for float64). Two such sums (engine and reference) can differ by
/// twice that.
public struct BenchCheckResult: Sendable {
    public var method: String
    public var passed: Bool
    public var checkedElements: Int
    /// Largest |got - want| divided by the element's bound (<= 1 passes).
    public var worstRatio: Double
    public var message: String
}

enum BenchCheck {
    static func unitRoundoff(_ dtype: DType) -> Double { dtype == .float32 ? 0x1p-24 : 0x1p-53 }

    /// Compares the engine's result against the reference kernel on every element.
    static func full(plan: ConvPlan, x: Tensor, w: Tensor, got: Tensor, terms: Int) throws -> BenchCheckResult {
        let want = try Engine.runReference(plan, input: x, filters: w)
        // Read in place, not copied: the case's own tensors may be most of the memory.
        let magnitude = try Engine.runReference(plan, input: x.mapped(to: .float64) { abs($0) },
                                                filters: w.mapped(to: .float64) { abs($0) })
        let u = unitRoundoff(got.dtype)
        var worst = 0.0, bad = [String](), badCount = 0
        let count = got.count
        got.withDoubles { g in
            want.withDoubles { r in
                magnitude.withDoubles { m in
                    for i in 0..<count {
                        let bound = 2 * Double(terms + 1) * u * m[i] + Double.leastNormalMagnitude
                        let diff = abs(g[i] - r[i])
                        let ratio = diff.isNaN ? .infinity : diff / bound
                        worst = max(worst, ratio)
                        if ratio > 1 {
                            badCount += 1
                            if bad.count < 3 { bad.append("flat \(i): got \(g[i]), reference \(r[i])") }
                        }
                    }
                }
            }
        }
        let message = badCount == 0 ? "all \(count) elements within bound"
            : "\(badCount) of \(count) elements differ: " + bad.joined(separator: "; ")
        return BenchCheckResult(method: "full", passed: badCount == 0, checkedElements: count, worstRatio: worst, message: message)
    }

    /// Recomputes `samples` random output elements of a channels-last transposed conv in Double.
    static func sampled(_ c: BenchCase, x: Tensor, w: Tensor, got: Tensor, samples: Int,
                        seed: UInt64) -> BenchCheckResult {
        let rank = c.inputShape.count - 2
        // Element reads, not whole-array copies: the case's own tensors may be most of the memory.
        let inSpatial = Array(c.inputShape[1...rank]), outSpatial = Array(c.outputShape[1...rank])
        let kernel = Array(c.filterShape[0..<rank])
        let cout = c.filterShape[rank], cin = c.filterShape[rank + 1]
        let dilation = c.op == "atrous_conv2d_transpose" ? c.rate : 1
        let strides = c.op == "atrous_conv2d_transpose" ? Array(repeating: 1, count: rank) : c.strides
        // Leading pad, from the padding rule (spec 1.2) for the given output size.
        var pad = [Int]()
        for a in 0..<rank {
            let extent = (kernel[a] - 1) * dilation + 1
            if c.padding == "SAME" {
                let total = max(0, (inSpatial[a] - 1) * strides[a] + extent - outSpatial[a])
                pad.append(total / 2)
            } else {
                pad.append(0)
            }
        }
        let u = unitRoundoff(got.dtype)
        var rng = SplitMix64(seed: seed)
        var worst = 0.0, failures = [String]()
        let total = got.count
        let terms = kernel.reduce(1, *) * cin
        for _ in 0..<min(samples, total) {
            let flat = Int(rng.next() % UInt64(total))
            // Unravel [N, O.., Cout].
            var rest = flat
            let co = rest % cout; rest /= cout
            var o = Array(repeating: 0, count: rank)
            for a in stride(from: rank - 1, through: 0, by: -1) { o[a] = rest % outSpatial[a]; rest /= outSpatial[a] }
            let n = rest
            var sum = 0.0, magnitude = 0.0
            var k = Array(repeating: 0, count: rank)
            let taps = kernel.reduce(1, *)
            for tap in 0..<taps {
                var t = tap
                for a in stride(from: rank - 1, through: 0, by: -1) { k[a] = t % kernel[a]; t /= kernel[a] }
                var inputOffset = n
                var inside = true
                for a in 0..<rank {
                    let numerator = o[a] + pad[a] - k[a] * dilation
                    if numerator < 0 || numerator % strides[a] != 0 || numerator / strides[a] >= inSpatial[a] { inside = false; break }
                    inputOffset = inputOffset * inSpatial[a] + numerator / strides[a]
                }
                guard inside else { continue }
                for ci in 0..<cin {
                    let product = x[flat: inputOffset * cin + ci] * w[flat: (tap * cout + co) * cin + ci]
                    sum += product
                    magnitude += abs(product)
                }
            }
            let bound = 2 * Double(terms + 1) * u * magnitude + Double.leastNormalMagnitude
            let diff = abs(got[flat: flat] - sum)
            let ratio = diff.isNaN ? .infinity : diff / bound
            worst = max(worst, ratio)
            if ratio > 1 && failures.count < 3 { failures.append("flat \(flat): got \(got[flat: flat]), expected \(sum)") }
        }
        let checked = min(samples, total)
        return BenchCheckResult(method: "sampled", passed: failures.isEmpty, checkedElements: checked, worstRatio: worst,
                                message: failures.isEmpty ? "\(checked) sampled elements within bound (independent Double gather)"
                                    : "mismatch: " + failures.joined(separator: "; "))
    }
}
