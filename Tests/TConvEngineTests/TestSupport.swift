import Glibc
import TConvEngine

/// The engine's seeded generator, under the name the tests use.
typealias SeededRandom = SplitMix64

extension SplitMix64 {
    /// In `r` by the remainder of one draw: the sequence the kernel tests' shapes were drawn with.
    mutating func draw(_ r: ClosedRange<Int>) -> Int { r.lowerBound + below(r.count) }
    /// A multiple of 1/8 in [-2, 2] (exact sums in float32 and float64).
    mutating func eighth() -> Double { Double(draw(-16...16)) / 8 }
}

/// A tensor of multiples of 1/8 in [-2, 2]: every product and partial sum is exact in float32
/// and float64, so results can be compared exactly whatever the summation order.
func eighths(_ shape: [Int], dtype: DType = .float64, layout: Layout? = nil, rng: inout SeededRandom) -> Tensor {
    let n = shape.reduce(1, *)
    let values = (0..<n).map { _ in Double(rng.int(-16...16)) / 8 }
    return Tensor(shape: shape, values: values, dtype: dtype, layout: layout)
}

/// Sum of elementwise products, in Double.
func dot(_ a: Tensor, _ b: Tensor) -> Double {
    zip(a.doubles, b.doubles).reduce(0) { $0 + $1.0 * $1.1 }
}

/// A random transposed-conv configuration through the TF API: returns the op, its arguments
/// (with tensors) and the plan.
struct RandomTransposed {
    var op: TFOp
    var args: TFArguments
    var plan: ConvPlan
}

func randomTransposed(rank: Int, rng: inout SeededRandom, dtype: DType = .float64, channelsFirst: Bool? = nil,
                      allowExplicit: Bool = true) -> RandomTransposed {
    while true {
        let cf = channelsFirst ?? (rng.int(0...3) == 0)
        let batch = rng.int(1...2)
        let cin = rng.int(1...3), cout = rng.int(1...3)
        var I = [Int](), K = [Int](), S = [Int](), D = [Int]()
        for _ in 0..<rank {
            I.append(rng.int(1...5)); K.append(rng.int(1...4)); S.append(rng.int(1...4)); D.append(rng.int(0...3) == 0 ? rng.int(2...3) : 1)
        }
        let paddingKind = rng.int(0...(rank == 2 && allowExplicit ? 2 : 1))
        var rules = [PaddingRule]()
        var pads = [[Int]]()
        for _ in 0..<rank {
            switch paddingKind {
            case 0: rules.append(.same)
            case 1: rules.append(.valid)
            default:
                let b = rng.int(0...3), a = rng.int(0...3)
                rules.append(.explicit(before: Int64(b), after: Int64(a)))
                pads.append([b, a])
            }
        }
        var O = [Int]()
        var ok = true
        for j in 0..<rank {
            guard let r = ConvArithmetic.acceptedOutputSizes(inputSize: Int64(I[j]), kernel: Int64(K[j]), stride: Int64(S[j]),
                                                            dilation: Int64(D[j]), padding: rules[j]), r.upperBound > 0 else { ok = false; break }
            O.append(Int(Int64.random(in: max(r.lowerBound, 1)...r.upperBound, using: &rng)))
        }
        if !ok { continue }
        let layout = Layout.data(rank: rank, channelsFirst: cf)
        let xShape = cf ? [batch, cin] + I : [batch] + I + [cin]
        let osShape = cf ? [batch, cout] + O : [batch] + O + [cout]
        let x = eighths(xShape, dtype: dtype, layout: layout, rng: &rng)
        let w = eighths(K + [cout, cin], dtype: dtype, rng: &rng)
        let op: TFOp = [.conv1dTranspose, .conv2dTranspose, .conv3dTranspose][rank - 1]
        let padding: TFValue
        switch paddingKind {
        case 0: padding = "SAME"
        case 1: padding = "VALID"
        default:
            let zero: TFValue = [0, 0]
            let spatial = pads.map { TFValue.ints($0) }
            padding = .list(cf ? [zero, zero] + spatial : [zero] + spatial + [zero])
        }
        let args = TFArguments(values: [
            "input": .tensor(x), "filters": .tensor(w), "output_shape": .ints(osShape), "strides": .ints(S),
            "padding": padding, "data_format": .string(layout.name), "dilations": .ints(D), "name": .null,
        ])
        do {
            let plan = try TFOps.plan(op, args)
            return RandomTransposed(op: op, args: args, plan: plan)
        } catch {
            Issue.record("random configuration rejected: \(error)")
            continue
        }
    }
}

import Testing

/// How many times more random shapes the randomized fast-against-reference tests draw:
/// `TCONV_FUZZ=50 swift test -c release --filter TConvEngineTests` for a deep run (default 1, the
/// CI's). Each further batch continues the same seeded sequence, so a failure is found again at the
/// same scale.
let fuzzScale: Int = {
    guard let text = getenv("TCONV_FUZZ"), let n = Int(String(cString: text)), n > 0 else { return 1 }
    return n
}()
