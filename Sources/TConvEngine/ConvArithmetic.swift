/// How an axis is padded, as TensorFlow's `padding` argument says it.
public enum PaddingRule: Sendable, Equatable, CustomStringConvertible {
    case same
    case valid
    /// Explicit pads for this axis: cells added before and after the forward conv's input.
    case explicit(before: Int64, after: Int64)

    public var description: String {
        switch self {
        case .same: return "SAME"
        case .valid: return "VALID"
        case .explicit(let b, let a): return "[\(b), \(a)]"
        }
    }
}

/// The size rules of one spatial axis (`../spec/tf-semantics.md` 1.1-1.4), in Int64 with C
/// division that truncates toward zero, exactly as TensorFlow computes them.
///
/// Naming: a transposed conv maps an input of size `I` to an output of size `O`; it is the
/// gradient of a forward conv that maps `O` to `I`. Functions here speak of the forward conv's
/// `inputSize` (= `O`) and `outputSize` (= `I`).
public enum ConvArithmetic {
    /// `(K - 1) * d + 1`, or `nil` on overflow.
    public static func effectiveKernel(_ kernel: Int64, dilation: Int64) -> Int64? {
        guard let span = SizeArithmetic.mul(kernel - 1, dilation) else { return nil }
        return SizeArithmetic.add(span, 1)
    }

    /// TensorFlow's forward output size `F(L)` (GetWindowedOutputSizeVerbose) for an input of size
    /// `L`. It can be negative (TF then reports "would be negative"); `nil` means the arithmetic
    /// overflowed Int64, which no real tensor reaches. `stride` must be > 0.
    public static func forwardOutputSize(inputSize: Int64, kernel: Int64, stride: Int64, dilation: Int64,
                                         padding: PaddingRule) -> Int64? {
        precondition(stride > 0, "stride must be positive")
        switch padding {
        case .same:
            guard let n = SizeArithmetic.add(inputSize, stride - 1) else { return nil }
            return SizeArithmetic.tdiv(n, stride)
        case .valid:
            return forwardOutputSize(inputSize: inputSize, kernel: kernel, stride: stride, dilation: dilation,
                                     padding: .explicit(before: 0, after: 0))
        case .explicit(let before, let after):
            guard let e = effectiveKernel(kernel, dilation: dilation),
                  let padded = SizeArithmetic.add(inputSize, before).flatMap({ SizeArithmetic.add($0, after) }),
                  let n = SizeArithmetic.sub(padded, e).flatMap({ SizeArithmetic.add($0, stride) })
            else { return nil }
            return SizeArithmetic.tdiv(n, stride)
        }
    }

    /// Padding in front of and behind the forward conv's input of size `L`, given its output size
    /// `F`. SAME: total `T = max(0, (F-1)*s + E - L)`, `before = floor(T/2)`, the odd cell goes at
    /// the end. VALID: 0. EXPLICIT: as given.
    public static func padding(inputSize: Int64, outputSize: Int64, kernel: Int64, stride: Int64,
                               dilation: Int64, rule: PaddingRule) -> (before: Int64, after: Int64) {
        switch rule {
        case .valid: return (0, 0)
        case .explicit(let before, let after): return (before, after)
        case .same:
            let e = effectiveKernel(kernel, dilation: dilation) ?? Int64.max / 4
            let needed = SizeArithmetic.mul(max(outputSize - 1, 0), stride).flatMap { SizeArithmetic.add($0, e) }
            let total = max(0, (needed ?? Int64.max / 4) - inputSize)
            let before = SizeArithmetic.floorDiv(total, 2)
            return (before, total - before)
        }
    }

    /// Every output size `O` a transposed conv accepts for input size `I` on this axis: all `O >= 0`
    /// with `F(O) == I` (spec 1.4). `nil` when none is accepted. Closed forms, checked against a
    /// brute-force search in the tests.
    public static func acceptedOutputSizes(inputSize I: Int64, kernel: Int64, stride s: Int64, dilation: Int64,
                                           padding: PaddingRule) -> ClosedRange<Int64>? {
        precondition(s > 0, "stride must be positive")
        let lo: Int64, hi: Int64
        switch padding {
        case .same:
            if I == 0 { return 0...0 }
            guard let a = SizeArithmetic.mul(I - 1, s), let b = SizeArithmetic.mul(I, s) else { return nil }
            lo = a + 1
            hi = b
        case .valid, .explicit:
            var pads: Int64 = 0
            if case .explicit(let before, let after) = padding { pads = before + after }
            guard let e = effectiveKernel(kernel, dilation: dilation) else { return nil }
            if I == 0 {
                // tdiv(O + P - E + s, s) == 0  <=>  E - P - 2s < O < E - P
                lo = e - pads - 2 * s + 1
                hi = e - pads - 1
            } else {
                guard let a = SizeArithmetic.mul(I - 1, s).flatMap({ SizeArithmetic.add($0, e - pads) }),
                      let b = SizeArithmetic.add(a, s - 1) else { return nil }
                lo = a
                hi = b
            }
        }
        let low = max(lo, 0)
        return low <= hi ? low...hi : nil
    }
}
