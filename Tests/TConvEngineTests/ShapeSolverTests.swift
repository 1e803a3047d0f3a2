import Testing
import TConvEngine

@Suite struct ShapeSolverTests {
    /// The accepted sizes by brute force: every O in 0...bound whose forward size is I.
    func bruteForce(I: Int64, K: Int64, s: Int64, d: Int64, rule: PaddingRule) -> [Int64] {
        let bound = (I + 3) * s + (K - 1) * d + 16
        return (0...bound).filter { O in
            ConvArithmetic.forwardOutputSize(inputSize: O, kernel: K, stride: s, dilation: d, padding: rule) == I
        }
    }

    @Test func rangesEqualBruteForceSearch() {
        var rng = SeededRandom(seed: 0x5017)
        for _ in 0..<3000 {
            let I = Int64(rng.int(0...9)), K = Int64(rng.int(0...6)), s = Int64(rng.int(1...6)), d = Int64(rng.int(1...4))
            let rule: PaddingRule
            switch rng.int(0...2) {
            case 0: rule = .same
            case 1: rule = .valid
            default: rule = .explicit(before: Int64(rng.int(0...8)), after: Int64(rng.int(0...8)))
            }
            let expected = bruteForce(I: I, K: K, s: s, d: d, rule: rule)
            let axis = ShapeSolver.solveAxis(inputSize: I, kernel: K, stride: s, dilation: d, padding: rule)
            let got = axis.range.map { Array($0) } ?? []
            #expect(got == expected, "I=\(I) K=\(K) s=\(s) d=\(d) \(rule)")
            #expect(axis.options.map(\.size) == got)
        }
    }

    @Test func specExamples() {
        // tf-semantics 1.4: I = 0 with VALID, K=4, s=3 accepts O in {0, 1, 2, 3}.
        #expect(ConvArithmetic.acceptedOutputSizes(inputSize: 0, kernel: 4, stride: 3, dilation: 1, padding: .valid) == 0...3)
        // SAME with I = 0 accepts only 0.
        #expect(ConvArithmetic.acceptedOutputSizes(inputSize: 0, kernel: 4, stride: 3, dilation: 1, padding: .same) == 0...0)
        // 1.2: K=4, s=1, O=I=1 -> T=3, p=1.
        let p = ConvArithmetic.padding(inputSize: 1, outputSize: 1, kernel: 4, stride: 1, dilation: 1, rule: .same)
        #expect(p.before == 1 && p.after == 2)
        // Q1: forward H=2, K=4, s=3 VALID -> size 0, no error.
        #expect(ConvArithmetic.forwardOutputSize(inputSize: 2, kernel: 4, stride: 3, dilation: 1, padding: .valid) == 0)
    }

    /// PyTorch's conv_transpose, emulated from its own definition: output size
    /// `(I-1)*s - 2p + d*(K-1) + q + 1`, cell `o` gets `x[i]*w[k]` when `i*s + k*d - p == o`.
    func torchConvTranspose1D(_ x: [Double], _ w: [Double], s: Int, d: Int, p: Int, q: Int) -> [Double] {
        let size = (x.count - 1) * s - 2 * p + d * (w.count - 1) + q + 1
        var out = [Double](repeating: 0, count: max(size, 0))
        for i in 0..<x.count {
            for k in 0..<w.count {
                let o = i * s + k * d - p
                if o >= 0 && o < out.count { out[o] += x[i] * w[k] }
            }
        }
        return out
    }

    @Test func torchEquivalentReproducesTF() throws {
        var rng = SeededRandom(seed: 0x7027)
        var exact = 0, sliced = 0, padded = 0
        for _ in 0..<600 {
            let I = rng.int(1...6), K = rng.int(1...5), s = rng.int(1...4), d = rng.int(1...3)
            let padding: TFValue
            let explicit = rng.int(0...2) == 2
            let before = rng.int(0...4), after = rng.int(0...4)
            padding = explicit ? .list([[0, 0], TFValue.ints([before, after]), [0, 0], [0, 0]]) : (rng.bool() ? "SAME" : "VALID")
            let x = eighths([1, I, 1, 1], layout: .nhwc, rng: &rng)
            let w = eighths([K, 1, 1, 1], rng: &rng)
            let args = TFArguments(values: ["input": .tensor(x), "filters": .tensor(w), "strides": .ints([s, 1]),
                                            "padding": padding, "dilations": .ints([d, 1]), "data_format": "NHWC"])
            let solution = try ShapeSolver.solve(.conv2dTranspose, args)
            let axis = solution.axes[0]
            for option in axis.options where option.size > 0 {
                var full = args
                full.values["output_shape"] = .ints([1, Int(option.size), 1, 1])
                let tf = try TFOps.run(.conv2dTranspose, full).tensor.doubles
                let t = option.torch
                #expect(t.outputPadding >= 0 && t.outputPadding < Int64(max(s, d)), "PyTorch needs output_padding < max(stride, dilation)")
                var torch = torchConvTranspose1D(x.doubles, w.doubles, s: s, d: d, p: Int(t.padding), q: Int(t.outputPadding))
                #expect(Int64(torch.count) == t.torchSize)
                if t.sliceStart > 0 { torch.removeFirst(Int(t.sliceStart)) }
                if t.sliceEnd > 0 { torch.removeLast(Int(t.sliceEnd)); sliced += 1 }
                if t.padEnd > 0 { torch += Array(repeating: 0, count: Int(t.padEnd)); padded += 1 }
                if t.exact { exact += 1 }
                #expect(torch == tf, "I=\(I) K=\(K) s=\(s) d=\(d) \(padding) O=\(option.size): torch \(t)")
            }
        }
        #expect(exact > 100 && sliced > 10 && padded > 5, "the sample should cover exact matches, odd crops and zero tails")
    }

    @Test func solverReportsOtherErrorsAsTheOpWould() {
        var rng = SeededRandom(seed: 1)
        let x = eighths([1, 4, 4, 3], rng: &rng)
        let w = eighths([3, 3, 2, 5], rng: &rng)  // Cin 5 != 3
        let args = TFArguments(values: ["input": .tensor(x), "filters": .tensor(w), "strides": 2, "padding": "SAME"])
        #expect(throws: EngineError.self) { try ShapeSolver.solve(.conv2dTranspose, args) }
        do {
            _ = try ShapeSolver.solve(.conv2dTranspose, args)
        } catch {
            #expect(error.category == .channelMismatch)
        }
    }

    @Test func solverExampleFromTheSpec() throws {
        // 1-D worked example: w=[1,10,100], x=[1,2], s=2, SAME accepts O in 3...4.
        let x = Tensor(shape: [1, 2, 1], float64: [1, 2], layout: .nwc)
        let w = Tensor(shape: [3, 1, 1], float64: [1, 10, 100])
        let args = TFArguments(values: ["input": .tensor(x), "filters": .tensor(w), "strides": 2, "padding": "SAME"])
        let solution = try ShapeSolver.solve(.conv1dTranspose, args)
        #expect(solution.axes[0].range == 3...4)
        #expect(solution.axes[0].options.map(\.padBefore) == [1, 0])
        #expect(solution.outputShape(sizes: [3]) == [1, 3, 1])
    }
}
