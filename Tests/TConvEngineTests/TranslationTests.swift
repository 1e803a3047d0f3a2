import Testing
import TConvEngine

/// PyTorch semantics and TF <-> PyTorch translation, checked numerically on the engine.
@Suite struct TranslationTests {
    /// PyTorch's conv_transpose1d written from its documentation: size (I-1)*s - 2p + d*(k-1) + q + 1,
    /// out[o] += x[i] * w[ci, co, k] with o = i*s + k*d - p. x [Cin, I], w [Cin, Cout, K].
    func torchTranspose1D(_ x: [[Double]], _ w: [[[Double]]], s: Int, p: Int, q: Int, d: Int) -> [[Double]] {
        let I = x[0].count, K = w[0][0].count, cout = w[0].count
        let size = (I - 1) * s - 2 * p + d * (K - 1) + q + 1
        var out = Array(repeating: Array(repeating: 0.0, count: size), count: cout)
        for ci in 0..<x.count { for i in 0..<I { for k in 0..<K { for co in 0..<cout {
            let o = i * s + k * d - p
            if o >= 0 && o < size { out[co][o] += x[ci][i] * w[ci][co][k] }
        } } } }
        return out
    }

    @Test func torchConvTranspose1DMatchesItsDefinition() throws {
        var rng = SeededRandom(seed: 0x7)
        var checked = 0
        while checked < 200 {
            let cin = rng.int(1...3), cout = rng.int(1...3), I = rng.int(1...6), K = rng.int(1...4)
            let s = rng.int(1...3), d = rng.int(1...3), p = rng.int(0...3), q = rng.int(0...(max(s, d) - 1))
            guard (I - 1) * s - 2 * p + d * (K - 1) + q + 1 > 0 else { continue }
            let x = eighths([1, cin, I], rng: &rng), w = eighths([cin, cout, K], rng: &rng)
            let got = try TorchOps.call(.convTranspose1d, keywords: [("input", .tensor(x)), ("weight", .tensor(w)), ("stride", .int(Int64(s))),
                                                                     ("padding", .int(Int64(p))), ("output_padding", .int(Int64(q))),
                                                                     ("dilation", .int(Int64(d)))]).tensor
            let xs = (0..<cin).map { c in (0..<I).map { x[flat: c * I + $0] } }
            let ws = (0..<cin).map { c in (0..<cout).map { o in (0..<K).map { w[flat: (c * cout + o) * K + $0] } } }
            let want = torchTranspose1D(xs, ws, s: s, p: p, q: q, d: d)
            #expect(got.shape == [1, cout, want[0].count])
            #expect(got.doubles == want.flatMap { $0 })
            checked += 1
        }
    }

    @Test func torchErrorsAreCaughtWithTheirNumbers() {
        var rng = SeededRandom(seed: 0x8)
        let x = eighths([1, 3, 5, 5], rng: &rng)
        let w = eighths([3, 2, 3, 3], rng: &rng)
        let cases: [(TorchOp, [(String, TFValue)], ErrorCategory)] = [
            (.convTranspose2d, [("input", .tensor(x)), ("weight", .tensor(w)), ("stride", 2), ("output_padding", 2)], .badPadding),
            (.convTranspose2d, [("input", .tensor(x)), ("weight", .tensor(eighths([4, 2, 3, 3], rng: &rng)))], .channelMismatch),
            (.convTranspose2d, [("input", .tensor(x)), ("weight", .tensor(w)), ("groups", 2)], .channelMismatch),
            (.convTranspose2d, [("input", .tensor(x)), ("weight", .tensor(w)), ("padding", 9)], .badPadding),
            (.convTranspose2d, [("input", .tensor(x)), ("weight", .tensor(w)), ("stride", 0)], .badStrides),
            (.convTranspose2d, [("input", .tensor(x)), ("weight", .tensor(w)), ("stride", .ints([1, 2, 3]))], .badStrides),
            (.convTranspose2d, [("input", .tensor(eighths([5, 5], rng: &rng))), ("weight", .tensor(w))], .badRank),
            (.conv2d, [("input", .tensor(x)), ("weight", .tensor(eighths([4, 3, 7, 7], rng: &rng)))], .filterTooLarge),
            (.conv2d, [("input", .tensor(x)), ("weight", .tensor(eighths([4, 3, 3, 3], rng: &rng))), ("stride", 2), ("padding", "same")], .badPadding),
            (.conv2d, [("input", .tensor(x)), ("weight", .tensor(eighths([4, 2, 3, 3], rng: &rng)))], .channelMismatch),
            (.conv2d, [("input", .tensor(x)), ("weight", .tensor(eighths([4, 3, 3, 3], rng: &rng))), ("bias", .tensor(eighths([3], rng: &rng)))], .channelMismatch),
        ]
        for (op, keywords, category) in cases {
            do {
                _ = try TorchOps.call(op, keywords: keywords)
                Issue.record("\(op) \(keywords.map(\.0)): expected \(category)")
            } catch {
                #expect(error.category == category, "\(error)")
            }
        }
    }

    @Test func unbatchedInputAndBias() throws {
        var rng = SeededRandom(seed: 0x9)
        let x = eighths([2, 4, 4], rng: &rng), w = eighths([2, 3, 3, 3], rng: &rng), b = eighths([3], rng: &rng)
        let unbatched = try TorchOps.call(.convTranspose2d, keywords: [("input", .tensor(x)), ("weight", .tensor(w)), ("bias", .tensor(b)), ("stride", 2)])
        let batched = try TorchOps.call(.convTranspose2d, keywords: [("input", .tensor(try #require(x.reshaped([1, 2, 4, 4])))),
                                                                     ("weight", .tensor(w)), ("stride", 2)])
        #expect(unbatched.tensor.shape == [3, 9, 9])
        let plain = batched.tensor.doubles, withBias = unbatched.tensor.doubles
        for i in 0..<plain.count { #expect(withBias[i] == plain[i] + b[flat: i / 81]) }
    }

    @Test(arguments: [1, 2, 3])
    func tfTransposedTranslatesToTorch(rank: Int) throws {
        var rng = SeededRandom(seed: 0x7F + UInt64(rank))
        var inexact = 0
        for _ in 0..<60 {
            let t = randomTransposed(rank: rank, rng: &rng)
            let want = try TFOps.run(t.op, t.args).tensor
            let translation = Translator.toTorch(t.plan)
            let x = try #require(t.args["input"].tensorValue), w = try #require(t.args["filters"].tensorValue)
            let got = try translation.run(input: x, filter: w)
            #expect(got.shape == want.shape)
            #expect(got.doubles == want.doubles, "\(t.plan.problem)\n\(translation.python(input: "x", filter: "w", result: "y"))")
            if translation.window != nil { inexact += 1 }
        }
        #expect(inexact > 0, "the sample should include odd crops that need a slice")
    }

    @Test func tfForwardTranslatesToTorch() throws {
        var rng = SeededRandom(seed: 0xF0)
        var checked = 0
        while checked < 60 {
            let groups = rng.int(1...2)
            let cin = groups * rng.int(1...2), cout = groups * rng.int(1...2)
            let x = eighths([rng.int(1...2), rng.int(2...7), rng.int(2...7), cin], layout: .nhwc, rng: &rng)
            let w = eighths([rng.int(1...3), rng.int(1...3), cin / groups, cout], rng: &rng)
            let padding: TFValue = [TFValue("SAME"), "VALID", [[0, 0], [1, 2], [0, 1], [0, 0]]][rng.int(0...2)]
            // Configurations TF itself rejects (filter far larger than the input) are skipped.
            guard let r = try? TFOps.call(.conv2d, keywords: [("input", .tensor(x)), ("filters", .tensor(w)),
                                                              ("strides", .int(Int64(rng.int(1...2)))), ("padding", padding),
                                                              ("dilations", .int(Int64(rng.int(1...2))))]) else { continue }
            // TF returns an empty tensor when the filter overhangs by less than a stride (Q1); PyTorch refuses.
            guard r.tensor.count > 0 else { continue }
            let translation = Translator.toTorch(r.plan)
            #expect(try translation.run(input: x, filter: w).doubles == r.tensor.doubles)
            checked += 1
        }
    }

    @Test(arguments: [1, 2, 3])
    func torchTransposedTranslatesToTF(rank: Int) throws {
        var rng = SeededRandom(seed: 0x70 + UInt64(rank))
        var checked = 0, sliced = 0
        while checked < 60 {
            let groups = rng.int(0...3) == 0 ? 2 : 1
            let cin = groups * rng.int(1...2), coutPerGroup = rng.int(1...2)
            var spatial = [Int](), kernel = [Int](), s = [Int](), d = [Int](), p = [Int](), q = [Int]()
            var ok = true
            for _ in 0..<rank {
                spatial.append(rng.int(1...5)); kernel.append(rng.int(1...4)); s.append(rng.int(1...3)); d.append(rng.int(1...2))
                p.append(rng.int(0...2)); q.append(rng.int(0...(max(s.last!, d.last!) - 1)))
                if (spatial.last! - 1) * s.last! - 2 * p.last! + d.last! * (kernel.last! - 1) + q.last! + 1 <= 0 { ok = false }
            }
            guard ok else { continue }
            let x = eighths([rng.int(1...2), cin] + spatial, rng: &rng)
            let w = eighths([cin, coutPerGroup] + kernel, rng: &rng)
            let op = [TorchOp.convTranspose1d, .convTranspose2d, .convTranspose3d][rank - 1]
            let torch = try TorchOps.call(op, keywords: [("input", .tensor(x)), ("weight", .tensor(w)), ("stride", .ints(s)), ("padding", .ints(p)),
                                                         ("output_padding", .ints(q)), ("dilation", .ints(d)), ("groups", .int(Int64(groups)))])
            let translation = Translator.toTF(torch.plan)
            let got = try translation.run(input: x, filter: w)
            #expect(got.shape == torch.tensor.shape)
            #expect(got.doubles == torch.tensor.doubles, "\(torch.plan.plan.problem)\n\(translation.python(input: "x", filter: "w", result: "y"))")
            if translation.window != nil { sliced += 1 }
            checked += 1
        }
        if rank != 2 { #expect(sliced > 0, "1-D/3-D with padding needs VALID + slice somewhere in the sample") }
    }

    @Test func torchForwardTranslatesToTF() throws {
        var rng = SeededRandom(seed: 0xF1)
        var checked = 0
        while checked < 60 {
            let rank = rng.int(1...3)
            let groups = rank == 3 ? 1 : rng.int(1...2)
            let cin = groups * rng.int(1...2), cout = groups * rng.int(1...2)
            let spatial = (0..<rank).map { _ in rng.int(3...7) }, kernel = (0..<rank).map { _ in rng.int(1...3) }
            let same = rng.bool()
            let stride = same ? 1 : rng.int(1...2)
            let padding: TFValue = same ? "same" : .int(Int64(rng.int(0...2)))
            let x = eighths([1, cin] + spatial, rng: &rng), w = eighths([cout, cin / groups] + kernel, rng: &rng)
            let op = [TorchOp.conv1d, .conv2d, .conv3d][rank - 1]
            let torch = try TorchOps.call(op, keywords: [("input", .tensor(x)), ("weight", .tensor(w)), ("stride", .int(Int64(stride))),
                                                         ("padding", padding), ("dilation", .int(Int64(rng.int(1...2)))), ("groups", .int(Int64(groups)))])
            let translation = Translator.toTF(torch.plan)
            #expect(try translation.run(input: x, filter: w).doubles == torch.tensor.doubles)
            checked += 1
        }
    }

    @Test func pythonTextForTheOddCrop() throws {
        // DCGAN-style 5x5 stride 2 SAME: TF crops 1 at the start and 2 at the end.
        var rng = SeededRandom(seed: 0xDC)
        let x = eighths([1, 4, 4, 2], layout: .nhwc, rng: &rng), w = eighths([5, 5, 3, 2], rng: &rng)
        let plan = try TFOps.plan(.conv2dTranspose, TFArguments(values: ["input": .tensor(x), "filters": .tensor(w),
                                                                         "output_shape": .ints([1, 8, 8, 3]), "strides": 2, "padding": "SAME"]))
        let text = Translator.toTorch(plan).python(input: "x", filter: "w", result: "y")
        #expect(text.contains("torch.nn.functional.conv_transpose2d(x_t, w_t, stride=(2, 2), padding=(1, 1), output_padding=(0, 0), dilation=(1, 1))"))
        #expect(text.contains("y = y[..., 0:8, 0:8]"))
        #expect(text.contains(".permute(3, 2, 0, 1)"))
    }
}
