import Testing
import TConvEngine

/// Properties that tie the ops together, over seeded random shapes (1-D, 2-D, 3-D, odd sizes,
/// C=1, Cin != Cout, batch > 1, stride > kernel, dilation > 1). Inputs are multiples of 1/8, so
/// every comparison below is exact.
@Suite struct OpPropertyTests {
    /// The forward conv the transposed call is the gradient of, through the TF API.
    func forwardCall(_ t: RandomTransposed, image: Tensor) throws -> OpResult {
        let rank = t.plan.problem.rank
        let w = t.args["filters"]
        switch rank {
        case 1:
            return try TFOps.call(.conv1d, keywords: [("input", .tensor(image)), ("filters", w), ("stride", t.args["strides"]),
                                                      ("padding", t.args["padding"]), ("data_format", t.args["data_format"]),
                                                      ("dilations", t.args["dilations"])])
        case 2:
            return try TFOps.call(.conv2d, keywords: [("input", .tensor(image)), ("filters", w), ("strides", t.args["strides"]),
                                                      ("padding", t.args["padding"]), ("data_format", t.args["data_format"]),
                                                      ("dilations", t.args["dilations"])])
        default:
            let p = t.plan.problem
            let full = { (v: [Int]) -> TFValue in .ints(p.channelsFirst ? [1, 1] + v : [1] + v + [1]) }
            return try TFOps.call(.conv3d, keywords: [("input", .tensor(image)), ("filters", w), ("strides", full(p.strides)),
                                                      ("padding", t.args["padding"]), ("data_format", t.args["data_format"]),
                                                      ("dilations", full(p.dilations))])
        }
    }

    @Test(arguments: [1, 2, 3])
    func adjointIdentityThroughTheTFAPI(rank: Int) throws {
        var rng = SeededRandom(seed: 0xAD10 + UInt64(rank))
        for _ in 0..<40 {
            let t = randomTransposed(rank: rank, rng: &rng)
            let y = try TFOps.run(t.op, t.args).tensor
            let a = eighths(t.plan.problem.imageShape, rng: &rng)
            let forward = try forwardCall(t, image: a)
            let x = try #require(t.args["input"].tensorValue)
            #expect(forward.tensor.shape == x.shape, "forward output shape must be the transposed input shape")
            #expect(forward.plan.problem.padBefore == t.plan.problem.padBefore)
            // <conv(a), x> == <a, conv_transpose(x)>
            #expect(dot(forward.tensor, x) == dot(a, y), "adjoint identity fails for \(t.plan.problem)")
        }
    }

    @Test func adjointIdentityWithGroupsAtKernelLevel() throws {
        var rng = SeededRandom(seed: 0x6A0)
        for _ in 0..<40 {
            let rank = rng.int(1...3)
            let groups = rng.int(1...3)
            let perIn = rng.int(1...2), perOut = rng.int(1...2)
            var image = [Int](), kernel = [Int](), strides = [Int](), dilations = [Int](), pads = [Int]()
            for _ in 0..<rank {
                image.append(rng.int(1...7)); kernel.append(rng.int(1...3)); strides.append(rng.int(1...3))
                dilations.append(rng.int(1...2)); pads.append(rng.int(0...2))
            }
            var feature = [Int]()
            for j in 0..<rank {
                let extent = (kernel[j] - 1) * dilations[j] + 1
                let span = image[j] + 2 * pads[j] - extent
                feature.append(span < 0 ? 0 : span / strides[j] + 1)
            }
            let problem = ConvProblem(rank: rank, batch: rng.int(1...2), image: image, feature: feature, kernel: kernel,
                                      strides: strides, dilations: dilations, padBefore: pads, padAfter: pads,
                                      imageChannels: groups * perIn, featureChannels: groups * perOut, groups: groups,
                                      channelsFirst: rng.bool())
            let a = eighths(problem.imageShape, rng: &rng)
            let x = eighths(problem.featureShape, rng: &rng)
            let w = eighths(problem.filterShape, rng: &rng)
            let forwardPlan = ConvPlan(op: .convolution, problem: problem, transposed: false, resultShape: problem.featureShape,
                                       resultLayout: problem.dataLayout, inputShape: a.shape, filterShape: w.shape,
                                       dtype: .float64, paddingRules: [], tfCPURefusals: [])
            var transposedPlan = forwardPlan
            transposedPlan.transposed = true
            transposedPlan.resultShape = problem.imageShape
            transposedPlan.inputShape = x.shape
            let fa = try Engine.runReference(forwardPlan, input: a, filters: w)
            let tx = try Engine.runReference(transposedPlan, input: x, filters: w)
            #expect(dot(fa, x) == dot(a, tx), "grouped adjoint fails for \(problem)")
        }
    }

    @Test func atrousTransposeEqualsDilatedConv2DTranspose() throws {
        var rng = SeededRandom(seed: 0xA7)
        var checked = 0
        while checked < 40 {
            let rate = rng.int(1...4)
            let x = eighths([rng.int(1...2), rng.int(1...5), rng.int(1...5), rng.int(1...3)], layout: .nhwc, rng: &rng)
            let w = eighths([rng.int(1...3), rng.int(1...3), rng.int(1...3), x.shape[3]], rng: &rng)
            let same = rng.bool()
            let E = { (k: Int) in (k - 1) * rate + 1 }
            let os = [x.shape[0], same ? x.shape[1] : x.shape[1] + E(w.shape[0]) - 1,
                      same ? x.shape[2] : x.shape[2] + E(w.shape[1]) - 1, w.shape[2]]
            let atrous = try TFOps.call(.atrousConv2dTranspose, keywords: [
                ("value", .tensor(x)), ("filters", .tensor(w)), ("output_shape", .ints(os)), ("rate", .int(Int64(rate))),
                ("padding", .string(same ? "SAME" : "VALID")),
            ])
            let dilated = try TFOps.call(.conv2dTranspose, keywords: [
                ("input", .tensor(x)), ("filters", .tensor(w)), ("output_shape", .ints(os)), ("strides", 1),
                ("padding", .string(same ? "SAME" : "VALID")), ("dilations", .int(Int64(rate))),
            ])
            #expect(atrous.tensor == dilated.tensor)
            #expect(atrous.plan.tfCPURefusals.isEmpty, "atrous runs on TF's CPU in every dtype")
            checked += 1
        }
    }

    @Test(arguments: [1, 2, 3])
    func channelsFirstEqualsChannelsLastTransposed(rank: Int) throws {
        var rng = SeededRandom(seed: 0xC1 + UInt64(rank))
        for _ in 0..<30 {
            let t = randomTransposed(rank: rank, rng: &rng, channelsFirst: false)
            let y = try TFOps.run(t.op, t.args).tensor
            let toFirst = [0, rank + 1] + Array(1...rank)
            var args = t.args
            let x = try #require(t.args["input"].tensorValue)
            args.values["input"] = .tensor(x.transposed(toFirst))
            args.values["output_shape"] = .ints(toFirst.map { t.plan.resultShape[$0] })
            args.values["data_format"] = .string(Layout.data(rank: rank, channelsFirst: true).name)
            if case .list(let pairs) = t.args["padding"] { args.values["padding"] = .list(toFirst.map { pairs[$0] }) }
            let yFirst = try TFOps.run(t.op, args)
            #expect(yFirst.tensor.transposed([0] + Array(2...(rank + 1)) + [1]).doubles == y.doubles)
            #expect(!yFirst.plan.tfCPURefusals.isEmpty, "channels-first transposed convs are refused by TF's reference CPU kernels")
        }
    }

    @Test func float32AndFloat64AgreeExactlyOnEighths() throws {
        var rng = SeededRandom(seed: 0xF32)
        for _ in 0..<30 {
            let t = randomTransposed(rank: rng.int(1...3), rng: &rng)
            let y64 = try TFOps.run(t.op, t.args).tensor
            var args = t.args
            for name in ["input", "filters"] {
                args.values[name] = .tensor(try #require(t.args[name].tensorValue).converted(to: .float32))
            }
            let y32 = try TFOps.run(t.op, args).tensor
            #expect(y32.dtype == .float32)
            #expect(y32.doubles == y64.doubles)
        }
    }
}

extension TFValue {
    var tensorValue: Tensor? { if case .tensor(let t) = self { return t } else { return nil } }
}
