import Testing
import TConvEngine
@testable import TConvView

/// Rendered views as text: characters, then one letter per cell for its role (see
/// `StyleRole.letter`: X input, W tap, Y output, D dropped, C cursor, F contributor, h heat,
/// # ring/border, d dim, l label, t title, s status). Re-record with TCONV_RECORD_SNAPSHOTS=1.
@Suite struct SnapshotTests {
    let mono = RenderOptions(tier: .mono, utf8: false)

    func stepped(_ index: Int, steps: Int) throws -> ViewState {
        var s = try standardCases()[index].state()
        for _ in 0..<steps { s.apply(.stepForward) }
        return s
    }

    // MARK: Heatmaps

    @Test func heatmapHalfBlocks() {
        let s = ViewState(name: "y", tensor: eighths([1, 10, 16, 2], seed: 3, layout: .nhwc))
        Snapshot.check(s.render(width: 44, height: 12), "heatmap-halfblock")
    }

    @Test func heatmapWithNumbers() {
        var s = ViewState(name: "y", tensor: eighths([1, 3, 4, 2], seed: 5, layout: .nhwc))
        s.numbers = true
        s.apply(.cursorDown)
        s.apply(.cursorRight)
        Snapshot.check(s.render(width: 72, height: 12), "heatmap-numbers")
    }

    @Test func heatmapASCIIMono() {
        var s = ViewState(name: "y", tensor: eighths([1, 3, 5, 2], seed: 7, layout: .nhwc))
        s.apply(.nextChannel)
        Snapshot.check(s.render(width: 44, height: 12, options: mono), "heatmap-ascii-mono")
        let counts = ViewState(name: "n", tensor: tensor([4, 5]) { Double($0 % 7) })
        Snapshot.check(counts.render(width: 30, height: 10, options: mono), "heatmap-ascii-unsigned")
    }

    @Test func heatmap3DStrip() {
        var s = ViewState(name: "v", tensor: eighths([1, 3, 3, 4, 2], seed: 9, layout: .ndhwc))
        s.apply(.nextDepth)
        Snapshot.check(s.render(width: 60, height: 16), "heatmap-3d")
    }

    @Test func heatmapScrollsALargeSlice() {
        var s = ViewState(name: "big", tensor: tensor([1, 40, 90, 1], layout: .nhwc) { Double($0 % 13) })
        for _ in 0..<50 { s.apply(.cursorRight) }
        Snapshot.check(s.render(width: 50, height: 12), "heatmap-scrolled")
    }

    // MARK: Step views

    @Test func scatterDroppedTap() throws {
        // SAME, stride 1, K=3: the first tap of x[0,0,0,0] lands at (-1,-1), in the cropped ring.
        let s = try stepped(1, steps: 1)
        Snapshot.check(s.render(width: 80, height: 18), "scatter-dropped")
        Snapshot.check(s.render(width: 80, height: 18, options: mono), "scatter-dropped-mono")
    }

    @Test func scatterLandedTap() throws {
        let s = try stepped(0, steps: 12)
        Snapshot.check(s.render(width: 100, height: 22), "scatter-landed")
    }

    @Test func scatterWholeElement() throws {
        var s = try standardCases()[0].state()
        s.apply(.toggleGranularity)
        for _ in 0..<6 { s.apply(.stepForward) }
        Snapshot.check(s.render(width: 100, height: 22), "scatter-element")
    }

    @Test func scatterLockedChannelsOneD() throws {
        var s = try standardCases()[6].state()
        s.apply(.nextChannel)
        for _ in 0..<4 { s.apply(.stepForward) }
        Snapshot.check(s.render(width: 90, height: 12), "scatter-1d-locked")
    }

    @Test func scatterThreeD() throws {
        let s = try stepped(7, steps: 25)
        Snapshot.check(s.render(width: 100, height: 22), "scatter-3d")
    }

    @Test func gatherView() throws {
        var s = try stepped(0, steps: 0)
        s.view = .gather
        s.outputCursor = [0, 3, 4]
        Snapshot.check(s.render(width: 100, height: 22), "gather")
    }

    /// The textbook case (5x5 input, 3x3 kernel, stride 2, VALID: an 11x11 output) in the pane of
    /// an 80x24 terminal: the gather view keeps every output row and its numbers, and leaves the
    /// formula its lines. Expected numbers from a scatter loop written here.
    @Test func gatherViewAtEightyByTwentyFourKeepsTheNumbers() throws {
        let x = Tensor(shape: [1, 5, 5, 1], float32: (0..<25).map(Float.init), layout: .nhwc)
        let w = Tensor(shape: [3, 3, 1, 1], float32: Array(repeating: 1, count: 9))
        var s = try OpCase(.conv2dTranspose, x: x, w: w,
                           [("output_shape", .ints([1, 11, 11, 1])), ("strides", 2), ("padding", "VALID")]).state()
        s.view = .gather
        let text = s.render(width: 80, height: 20).text
        var y = [[Int]](repeating: [Int](repeating: 0, count: 11), count: 11)
        for i in 0..<5 { for j in 0..<5 { for a in 0..<3 { for b in 0..<3 { y[2 * i + a][2 * j + b] += 5 * i + j } } } }
        let lines = text.split(separator: "\n").map { $0.split(separator: " ").compactMap { Int($0) } }
        for row in y {
            #expect(lines.contains { $0.count >= 11 && Array($0.suffix(11)) == row }, "output row \(row) not shown:\n\(text)")
        }
        #expect(text.contains("y[0,0,0,0] = x[0,0,0,0]"), "formula missing:\n\(text)")
    }

    @Test func directView() throws {
        var s = try stepped(0, steps: 0)
        s.view = .direct
        s.outputCursor = [0, 3, 4]
        Snapshot.check(s.render(width: 110, height: 22), "direct")
    }

    @Test func overlapView() throws {
        var s = try stepped(0, steps: 0)
        s.view = .overlap
        Snapshot.check(s.render(width: 90, height: 20), "overlap")
    }

    @Test func matrixView() throws {
        var s = try stepped(1, steps: 40)
        s.view = .matrix
        s.outputCursor = [0, 1, 2]
        Snapshot.check(s.render(width: 70, height: 16), "matrix")
    }

    // MARK: Whole screens

    @Test func screens() throws {
        var s = try stepped(0, steps: 12)
        let messages = [ScreenMessage("tconv> %step tf.nn.conv2d_transpose(x, w, ...)", role: .prompt),
                        ScreenMessage("note: 864 steps; . steps, space plays, ? lists the keys", role: .note)]
        Snapshot.check(ScreenLayout(width: 80, height: 24).frame(s, messages: messages), "screen-80x24")
        let presenter = RenderOptions(presenter: true)
        Snapshot.check(ScreenLayout(width: 80, height: 24, presenter: true).frame(s, messages: messages, options: presenter),
                       "screen-80x24-presenter")
        Snapshot.check(ScreenLayout(width: 30, height: 10).frame(s), "screen-too-small")
        s.apply(.help)
        Snapshot.check(ScreenLayout(width: 80, height: 24).frame(s), "screen-help")
    }
}
