import Testing
import TConvEngine
@testable import TConvView

/// The numbers the views print are the op's numbers.
@Suite struct ComputationTests {
    func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-5 * max(1, abs(b)) }

    @Test func gatherFormulasSumToTheOpsOutput() throws {
        for c in try standardCases() {
            let m = try c.model()
            let g = m.geometry
            let result = c.result.doubles
            for b in 0..<g.batch {
                for o0 in 0..<g.image[0] {
                    for o1 in 0..<g.image[1] {
                        for o2 in 0..<g.image[2] {
                            for ch in 0..<g.imageChannels {
                                let cell = OutputCell(batch: b, position: [o0, o1, o2], channel: ch)
                                let f = GatherFormula(model: m, cell: cell)
                                let expected = result[m.outputOffset(batch: b, position: [o0, o1, o2], channel: ch)]
                                #expect(close(f.value, expected), "\(c.title) \(f.outputIndex): \(f.value) vs \(expected)")
                                // The terms themselves add up (in Double) to the same value.
                                let sum = f.terms.reduce(0.0) { $0 + $1.inputValue * $1.weight }
                                #expect(close(sum, expected))
                            }
                        }
                    }
                }
            }
        }
    }

    @Test func gatherFormulaTextEndsWithTheValue() throws {
        let c = try standardCases()[0]
        let m = try c.model()
        let f = GatherFormula(model: m, cell: OutputCell(batch: 0, position: [0, 3, 4], channel: 0))
        let lines = f.lines(width: 200, maxLines: 6)
        #expect(lines.count == 2)
        #expect(lines[0].hasPrefix("y[0,3,4,0] = x[0,1,1,0]"))
        #expect(lines[1].hasSuffix("= " + NumberFormat.format(f.value)))
        // Narrow: wrapped, still ending with the value, never wider than asked.
        let narrow = f.lines(width: 40, maxLines: 4)
        #expect(narrow.count <= 4 && narrow.allSatisfy { $0.count <= 40 || $0.hasSuffix(NumberFormat.format(f.value)) })
        #expect(narrow.last?.hasSuffix("= " + NumberFormat.format(f.value)) == true)
    }

    @Test func overlapCountsEqualAnIndependentCount() throws {
        for c in try standardCases() {
            let m = try c.model()
            let p = c.plan.problem
            let g = m.geometry
            for o0 in 0..<g.image[0] {
                for o1 in 0..<g.image[1] {
                    for o2 in 0..<g.image[2] {
                        let position = [o0, o1, o2]
                        // Brute force over every input position and tap, on the rank the op has.
                        let visible = Array(position[(3 - p.rank)...])
                        var count = 0
                        var i = Array(repeating: 0, count: p.rank), k = Array(repeating: 0, count: p.rank)
                        func visit(_ axis: Int) {
                            if axis == p.rank {
                                var lands = true
                                for a in 0..<p.rank {
                                    let o: Int = i[a] * p.strides[a] + k[a] * p.dilations[a] - p.padBefore[a]
                                    if o != visible[a] { lands = false }
                                }
                                if lands { count += 1 }
                                return
                            }
                            for a in 0..<p.feature[axis] {
                                for b in 0..<p.kernel[axis] {
                                    i[axis] = a
                                    k[axis] = b
                                    visit(axis + 1)
                                }
                            }
                        }
                        visit(0)
                        let pixel = (o0 * g.image[1] + o1) * g.image[2] + o2
                        #expect(m.overlap[pixel] == count, "\(c.title) at \(position)")
                        // And the engine's own gather agrees (per input channel of the group).
                        let steps = m.trace.contributionSteps(batch: 0, position: visible, channel: 0)
                        #expect(steps.count == count * m.perGroupFeature)
                    }
                }
            }
        }
    }

    @Test func overlapNoteNamesTheCheckerboardCause() throws {
        let cases = try standardCases()
        #expect(OverlapView.note(try cases[0].model()).contains("kernel 3 % stride 2 = 1 != 0"))
        #expect(OverlapView.note(try cases[1].model()).hasPrefix("even overlap"))
        // K=2, d=2, s=2: every tap on phase 0, the odd cells get nothing.
        #expect(OverlapView.unevenAxes(try cases[4].model()) == [1, 2])
        #expect(OverlapView.note(try cases[4].model()).contains("dilation 2"))
    }

    @Test func directConvolutionEqualsTheOp() throws {
        for c in try standardCases() {
            let d = DirectConvolution(model: try c.model())
            let direct = d.fullOutput()
            let expected = c.result.doubles
            #expect(direct.count == expected.count)
            for n in 0..<expected.count {
                #expect(close(direct[n], expected[n]), "\(c.title) element \(n): \(direct[n]) vs \(expected[n])")
            }
        }
    }

    @Test func stretchedInputCells() throws {
        // 2-D SAME, stride 2, K=3, O=8: E-1-p = 2 in front, one zero between elements.
        let d = DirectConvolution(model: try standardCases()[0].model())
        #expect(d.front == [0, 2, 2] && d.length == [1, 10, 10])
        #expect(d.source([0, 0, 0]) == .padding)
        #expect(d.source([0, 2, 2]) == .input([0, 0, 0]))
        #expect(d.source([0, 2, 3]) == .stretch)
        #expect(d.source([0, 4, 8]) == .input([0, 1, 3]))
        #expect(d.source([0, 9, 9]) == .padding)
        // Explicit pads larger than E-1 crop the stretched input: a negative front.
        let explicit = DirectConvolution(model: try standardCases()[3].model())
        #expect(explicit.front[2] == 0 && explicit.front[1] == 1)
    }

    @Test func matrixRowsAreGathersAndColumnsAreScatters() throws {
        let m = try standardCases()[0].model()
        #expect(MatrixView.isSmallEnough(m))
        let g = m.geometry
        let rows = g.image.reduce(1, *), cols = g.feature.reduce(1, *)
        // y = C^T x for channel pair (0, 0) reproduces that pair's share of the output.
        var y = Array(repeating: 0.0, count: rows)
        for r in 0..<rows {
            for c in 0..<cols {
                if let w = MatrixView.entry(m, row: r, column: c, local: 0, f: 0) {
                    y[r] += w * m.inputValue(batch: 0, position: StepModel.unflatten(c, g.feature), channel: 0)
                }
            }
        }
        let d = DirectConvolution(model: m)
        for r in 0..<rows {
            let expected = d.output(batch: 0, position: StepModel.unflatten(r, g.image), channel: 0, inputChannels: [0])
            #expect(close(y[r], expected))
        }
        // Non-zeros per row are the overlap counts.
        for r in 0..<rows {
            let n = (0..<cols).filter { MatrixView.entry(m, row: r, column: $0, local: 0, f: 0) != nil }.count
            #expect(n == m.overlap[r])
        }
    }

    @Test func firstContributionMarksWhenCellsFillIn() throws {
        for c in try standardCases() {
            let m = try c.model()
            var cursor = ScatterCursor(trace: m.trace)
            var reached = Set<Int>()
            let g = m.geometry
            while cursor.forward() {
                if let step = cursor.current, let index = step.outputIndex, let offset = m.trace.outputOffset(index) { reached.insert(offset) }
                if cursor.position % 7 != 0 && cursor.position != m.trace.count - 1 { continue }
                for b in 0..<g.batch {
                    for o0 in 0..<g.image[0] {
                        for o1 in 0..<g.image[1] {
                            for o2 in 0..<g.image[2] {
                                for ch in 0..<g.imageChannels {
                                    let offset = m.outputOffset(batch: b, position: [o0, o1, o2], channel: ch)
                                    #expect(m.isReached(batch: b, position: [o0, o1, o2], channel: ch, by: cursor.position) == reached.contains(offset))
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
