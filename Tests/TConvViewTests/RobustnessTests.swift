import Testing
import TConvEngine
@testable import TConvView

/// Nothing a tensor contains, and no terminal size, may crash a render or garble it (every
/// cell one character, the grid exactly the size asked for).
@Suite struct RobustnessTests {
    static let sizes: [(Int, Int)] = [(0, 0), (1, 1), (3, 2), (12, 5), (40, 12), (80, 24), (133, 41)]

    func checkShape(_ grid: Grid, _ w: Int, _ h: Int, _ what: String) {
        #expect(grid.width == max(0, w) && grid.height == max(0, h), "\(what)")
        #expect(grid.cells.allSatisfy { $0.text.count == 1 }, "\(what): a cell is not one character")
    }

    static let tensors: [(String, Tensor)] = [
        ("nan-inf", tensor([1, 3, 3, 2], layout: .nhwc) { i in [Double.nan, .infinity, -.infinity, 1e300, -1e-300, 0][i % 6] }),
        ("huge", tensor([1, 2, 2, 1], dtype: .float64, layout: .nhwc) { i in [Double.greatestFiniteMagnitude, -.greatestFiniteMagnitude, 1, 0][i] }),
        ("all-nan", tensor([2, 2]) { _ in .nan }),
        ("empty-axis", Tensor(zeros: [1, 0, 4, 2], dtype: .float32, layout: .nhwc)),
        ("empty-batch", Tensor(zeros: [0, 3, 3, 1], dtype: .float32, layout: .nhwc)),
        ("scalar", tensor([]) { _ in 2.5 }),
        ("vector", tensor([7]) { Double($0) }),
        ("matrix", tensor([3, 4]) { Double($0) - 6 }),
        ("rank3", tensor([2, 5, 3]) { Double($0 % 4) }),
        ("rank5", eighths([1, 3, 4, 4, 2], seed: 3, layout: .ndhwc)),
        ("rank6", tensor([2, 1, 2, 3, 3, 2]) { Double($0) }),
        ("wrong-layout-name", tensor([2, 3], layout: .nhwc) { Double($0) }),
        ("filter-layout", tensor([3, 3, 2, 4], layout: Layout("HWOI")) { Double($0 % 7) - 3 }),
        ("large", tensor([1, 300, 500, 1], layout: .nhwc) { Double($0 % 97) }),
        ("constant", tensor([1, 4, 4, 1], layout: .nhwc) { _ in 0 }),
    ]

    @Test func heatmapsOfAnythingAtAnySize() {
        for (name, t) in RobustnessTests.tensors {
            var state = ViewState(name: "t", tensor: t)
            for (w, h) in RobustnessTests.sizes {
                for options in [RenderOptions.standard, RenderOptions(tier: .mono, utf8: false), RenderOptions(presenter: true)] {
                    checkShape(state.render(width: w, height: h, options: options), w, h, "\(name) at \(w)x\(h)")
                }
            }
            // Keys at the limits, then render again.
            for action in ViewAction.allCases { state.apply(action) }
            state.numbers = true
            state.apply(.nextScale)
            checkShape(state.render(width: 80, height: 24), 80, 24, "\(name) after every key")
        }
    }

    @Test func stepViewsOfEveryCaseAtAnySize() throws {
        for c in try standardCases() {
            var s = try c.state()
            for _ in 0..<7 { s.apply(.stepForward) }
            s.apply(.pin)
            for view in s.availableViews {
                s.view = view
                for (w, h) in RobustnessTests.sizes {
                    for options in [RenderOptions.standard, RenderOptions(tier: .mono, utf8: false), RenderOptions(presenter: true)] {
                        checkShape(s.render(width: w, height: h, options: options), w, h, "\(c.title) \(view) at \(w)x\(h)")
                    }
                }
            }
            s.apply(.toggleGranularity)
            s.apply(.nextChannel)
            s.showHelp = true
            for view in s.availableViews {
                s.view = view
                checkShape(ScreenLayout(width: 90, height: 30).frame(s), 90, 30, "\(c.title) \(view) with help")
            }
        }
    }

    @Test func stepsOfDegenerateOperands() throws {
        let cases = [
            // Batch 0: no steps at all.
            try OpCase(.conv2dTranspose, x: Tensor(zeros: [0, 2, 2, 1], dtype: .float32, layout: .nhwc),
                       w: eighths([2, 2, 1, 1], seed: 1), [("output_shape", .ints([0, 4, 4, 1])), ("strides", 2), ("padding", "SAME")]),
            // NaN and infinity in the input.
            try OpCase(.conv2dTranspose, x: tensor([1, 2, 2, 1], layout: .nhwc) { [Double.nan, .infinity, 1, -1][$0] },
                       w: eighths([2, 2, 1, 1], seed: 2), [("output_shape", .ints([1, 4, 4, 1])), ("strides", 2), ("padding", "SAME")]),
            // Output larger than the scatter: cells no tap reaches.
            try OpCase(.conv1dTranspose, x: eighths([1, 2, 1], seed: 3, layout: .nwc), w: eighths([1, 1, 1], seed: 4),
                       [("output_shape", .ints([1, 6, 1])), ("strides", 3), ("padding", "VALID")]),
        ]
        for c in cases {
            var s = try c.state()
            for action in ViewAction.allCases + [.stepForward, .stepForward, .lastStep, .stepBack] {
                s.apply(action)
                for view in s.availableViews {
                    s.view = view
                    checkShape(s.render(width: 70, height: 20), 70, 20, "\(c.title) \(view) after \(action)")
                }
            }
            _ = StepText.lines(s.model!, granularity: .element)
            _ = StepText.lines(s.model!, granularity: .tap)
        }
    }

    @Test func paintersAcceptAnyElementSize() {
        let slice = Slice2D(rows: 3, cols: 3, values: [.nan, .infinity, -1, 0, 1, 1e308, -1e308, 2, 3])
        for size in [ElementSize.half, .cells(columns: 1, rows: 1), .cells(columns: 0, rows: 0), .cells(columns: 9, rows: 4)] {
            for options in [RenderOptions.standard, RenderOptions(tier: .mono), RenderOptions(utf8: false)] {
                let painter = HeatmapPainter(scale: ColorScale.automatic(for: slice.range), options: options, size: size, numbers: true)
                var grid = Grid(width: 20, height: 8)
                painter.draw(slice, into: &grid, x: -3, y: -1) { r, c in r == c ? .cursor : (r < c ? .output : nil) }
                checkShape(grid, 20, 8, "painter \(size)")
            }
        }
    }
}
