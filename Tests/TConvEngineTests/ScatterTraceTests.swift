import Testing
import TConvEngine

@Suite struct ScatterTraceTests {
    func makeTrace(_ t: RandomTransposed) throws -> ScatterTrace {
        let x = try #require(t.args["input"].tensorValue), w = try #require(t.args["filters"].tensorValue)
        return try #require(ScatterTrace(plan: t.plan, input: x, filters: w))
    }

    @Test(arguments: [DType.float32, .float64])
    func tracesSummedEqualTheReferenceResultBitForBit(dtype: DType) throws {
        var rng = SeededRandom(seed: 0x7ACE)
        for _ in 0..<25 {
            let t = randomTransposed(rank: rng.int(1...3), rng: &rng, dtype: dtype)
            let trace = try makeTrace(t)
            let x = try #require(t.args["input"].tensorValue), w = try #require(t.args["filters"].tensorValue)
            let reference = try Engine.runReference(t.plan, input: x, filters: w)
            // Replaying every step in order, with the running values the trace reports.
            var cursor = ScatterCursor(trace: trace)
            while cursor.forward() {}
            #expect(cursor.state == reference.doubles)
            // The state seeked to the end directly.
            #expect(trace.outputState(through: trace.count - 1) == reference)
            // Each step's product summed into its cell, outside the trace's own bookkeeping.
            var sums = [Double](repeating: 0, count: reference.count)
            for k in 0..<trace.count {
                let s = trace.step(k)
                guard let index = s.outputIndex, let offset = trace.outputOffset(index) else {
                    #expect(s.dropped && s.runningValue == nil)
                    continue
                }
                sums[offset] = dtype == .float32 ? Double(Float(sums[offset]) + Float(s.product)) : sums[offset] + s.product
                #expect(s.runningValue == sums[offset])
            }
            #expect(sums == reference.doubles)
        }
    }

    @Test func stepCountAndDecoding() throws {
        var rng = SeededRandom(seed: 0xC0)
        let t = randomTransposed(rank: 2, rng: &rng)
        let trace = try makeTrace(t)
        let p = t.plan.problem
        #expect(trace.count == p.batch * p.feature.reduce(1, *) * p.featureChannels * p.kernel.reduce(1, *) * p.imageChannels)
        // Steps of one input element are consecutive and share the input value.
        let element = trace.elementSteps(containing: trace.count / 2)
        let first = trace.step(element.lowerBound)
        for k in element {
            let s = trace.step(k)
            #expect(s.inputIndex == first.inputIndex)
            var landing = [Int]()
            for axis in 0..<p.rank {
                landing.append(s.inputPosition[axis] * p.strides[axis] + s.tap[axis] * p.dilations[axis] - p.padBefore[axis])
            }
            #expect(s.outputPosition == landing)
        }
    }

    @Test func seekingAndSteppingBackMatchSteppingForward() throws {
        var rng = SeededRandom(seed: 0x5EE)
        for _ in 0..<15 {
            let t = randomTransposed(rank: rng.int(1...3), rng: &rng, dtype: rng.bool() ? .float32 : .float64)
            let trace = try makeTrace(t)
            guard trace.count > 0, trace.count < 3000 else { continue }
            // States reached by stepping forward from the start, at a few checkpoints.
            let checkpoints = Set((0..<6).map { _ in rng.int(-1...(trace.count - 1)) })
            var forward = ScatterCursor(trace: trace)
            var reference = [Int: [Double]]()
            if checkpoints.contains(-1) { reference[-1] = forward.state }
            while forward.forward() {
                if checkpoints.contains(forward.position) { reference[forward.position] = forward.state }
            }
            var forwardAll = ScatterCursor(trace: trace)
            for k in checkpoints.sorted() {
                forwardAll.seek(to: k)
                reference[k] = reference[k] ?? forwardAll.state
            }
            for k in checkpoints {
                var seeker = ScatterCursor(trace: trace)
                seeker.seek(to: k)                        // long jump: recomputed state
                #expect(seeker.state == reference[k])
                var back = ScatterCursor(trace: trace)
                back.seek(to: trace.count - 1)
                while back.position > k { back.backward() }  // step back from the end
                #expect(back.state == reference[k])
                #expect(trace.outputState(through: k).doubles == reference[k])
            }
        }
    }

    @Test func gatherViewListsEveryContribution() throws {
        var rng = SeededRandom(seed: 0x6A7)
        for _ in 0..<10 {
            let t = randomTransposed(rank: rng.int(1...3), rng: &rng)
            let trace = try makeTrace(t)
            let x = try #require(t.args["input"].tensorValue), w = try #require(t.args["filters"].tensorValue)
            let y = try Engine.runReference(t.plan, input: x, filters: w)
            // Count contributions per cell by scanning the whole trace, and compare.
            var counts = [Int](repeating: 0, count: y.count)
            for k in 0..<trace.count {
                if let i = trace.step(k).outputIndex, let o = trace.outputOffset(i) { counts[o] += 1 }
            }
            var index = Array(repeating: 0, count: y.rank)
            for flat in 0..<y.count {
                var rest = flat
                for axis in stride(from: y.rank - 1, through: 0, by: -1) { index[axis] = rest % y.shape[axis]; rest /= y.shape[axis] }
                let contributions = trace.contributions(toOutput: index)
                #expect(contributions.count == counts[flat])
                #expect((contributions.last?.runningValue ?? 0) == y[flat: flat])
                #expect(contributions.map(\.index) == contributions.map(\.index).sorted())
            }
        }
    }

    @Test func traceRefusesForwardPlansAndMismatchedTensors() throws {
        var rng = SeededRandom(seed: 2)
        let x = eighths([1, 5, 5, 1], rng: &rng), w = eighths([3, 3, 1, 1], rng: &rng)
        let forward = try TFOps.call(.conv2d, keywords: [("input", .tensor(x)), ("filters", .tensor(w)), ("strides", 1), ("padding", "SAME")])
        #expect(ScatterTrace(plan: forward.plan, input: x, filters: w) == nil)
        let t = randomTransposed(rank: 2, rng: &rng)
        #expect(ScatterTrace(plan: t.plan, input: x, filters: x) == nil)
    }

    @Test func largeTraceIsCheapToOpenAndSeek() throws {
        // 2 x 64 x 64 x 8 input, 5x5x8x8 filter: 52 million steps, never materialised.
        var rng = SeededRandom(seed: 3)
        let x = eighths([2, 64, 64, 8], dtype: .float32, layout: .nhwc, rng: &rng)
        let w = eighths([5, 5, 8, 8], dtype: .float32, rng: &rng)
        let args = TFArguments(values: ["input": .tensor(x), "filters": .tensor(w), "output_shape": .ints([2, 128, 128, 8]),
                                        "strides": 2, "padding": "SAME"])
        let plan = try TFOps.plan(.conv2dTranspose, args)
        let trace = try #require(ScatterTrace(plan: plan, input: x, filters: w))
        #expect(trace.count == 2 * 64 * 64 * 8 * 25 * 8)
        let middle = trace.step(trace.count / 2)
        #expect(middle.index == trace.count / 2)
        let landing = try #require((trace.count / 2..<trace.count).lazy.map { trace.step($0) }.first { !$0.dropped })
        let cell = try #require(landing.outputIndex)
        // The cell's value from the gather formula, written out here: o = i*2 + k - 1 (SAME, T = 3, p = 1).
        let (n, oh, ow, co) = (cell[0], cell[1], cell[2], cell[3])
        var expected = 0.0
        for kh in 0..<5 { for kw in 0..<5 {
            let (a, b) = (oh + 1 - kh, ow + 1 - kw)
            guard a >= 0, b >= 0, a % 2 == 0, b % 2 == 0, a / 2 < 64, b / 2 < 64 else { continue }
            for ci in 0..<8 {
                expected += x[flat: x.flatIndex([n, a / 2, b / 2, ci])] * w[flat: w.flatIndex([kh, kw, co, ci])]
            }
        } }
        let contributions = trace.contributions(toOutput: cell)
        #expect(contributions.last?.runningValue == expected)
    }
}
