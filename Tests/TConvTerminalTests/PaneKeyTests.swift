import Testing
import TConvEngine
import TConvScript
import TConvView
import CTerm
@testable import TConvTerminal

@Suite struct PaneKeyTests {
    func key(_ c: Character) -> Int32 { Int32(c.asciiValue!) }

    @Test func cursesCodesBecomeViewKeys() {
        #expect(PaneKeys.viewKey(KEY_UP) == .up)
        #expect(PaneKeys.viewKey(KEY_DOWN) == .down)
        #expect(PaneKeys.viewKey(KEY_LEFT) == .left)
        #expect(PaneKeys.viewKey(KEY_RIGHT) == .right)
        #expect(PaneKeys.viewKey(KEY_NPAGE) == .pageDown)
        #expect(PaneKeys.viewKey(KEY_PPAGE) == .pageUp)
        #expect(PaneKeys.viewKey(KEY_HOME) == .home)
        #expect(PaneKeys.viewKey(KEY_END) == .end)
        #expect(PaneKeys.viewKey(KEY_BTAB) == .backTab)
        #expect(PaneKeys.viewKey(9) == .tab)
        #expect(PaneKeys.viewKey(13) == .enter)
        #expect(PaneKeys.viewKey(27) == .escape)
        #expect(PaneKeys.viewKey(key(" ")) == .character(" "))
        #expect(PaneKeys.viewKey(key("G")) == .character("G"))
        #expect(PaneKeys.viewKey(KEY_F0 + 5) == nil)
    }

    @Test func playbackKeysDispatchThroughTheKeyTable() {
        func action(_ code: Int32) -> ViewAction? { PaneKeys.viewKey(code).flatMap { KeyMap.action(for: $0) } }
        #expect(action(key(" ")) == .playPause)
        #expect(action(key(".")) == .stepForward)
        #expect(action(key(",")) == .stepBack)
        #expect(action(key("g")) == .firstStep)
        #expect(action(key("G")) == .lastStep)
        #expect(action(key("+")) == .faster)
        #expect(action(key("-")) == .slower)
        #expect(action(key("c")) == .nextChannel)
        #expect(action(key("C")) == .previousChannel)
        #expect(action(key("n")) == .toggleNumbers)
        #expect(action(key("m")) == .nextColorMap)
        #expect(action(key("?")) == .help)
        #expect(action(key("q")) == .leave)
        #expect(action(27) == .leave)
        #expect(action(9) == .nextView)
        #expect(action(KEY_NPAGE) == .nextDepth)
        #expect(action(KEY_PPAGE) == .previousDepth)
        #expect(action(KEY_UP) == .cursorUp)
        #expect(action(key("k")) == .cursorUp)
    }

    /// Every binding of the key table can be typed on a terminal.
    @Test func everyBindingIsReachable() {
        let codes: [Int32] = Array(0...255) + [KEY_UP, KEY_DOWN, KEY_LEFT, KEY_RIGHT, KEY_NPAGE, KEY_PPAGE, KEY_HOME,
                                               KEY_END, KEY_BTAB, KEY_ENTER, KEY_BACKSPACE]
        let reachable = Set(codes.compactMap { PaneKeys.viewKey($0) })
        for binding in KeyMap.bindings {
            let typed = binding.keys.contains { reachable.contains($0) }
            #expect(typed, "no terminal key reaches \(binding.action)")
        }
    }

    /// A 1-D transposed conv: 3 inputs, kernel 2, stride 2 -> 6 outputs; 6 steps.
    func stepRequest() throws -> StepRequest {
        let problem = ConvProblem(rank: 1, batch: 1, image: [6], feature: [3], kernel: [2], strides: [2], dilations: [1],
                                  padBefore: [0], padAfter: [0], imageChannels: 1, featureChannels: 1, groups: 1,
                                  channelsFirst: false)
        let plan = ConvPlan(op: .conv1dTranspose, problem: problem, transposed: true, resultShape: [1, 6, 1],
                            resultLayout: .nwc, inputShape: [1, 3, 1], filterShape: [2, 1, 1], dtype: .float64,
                            paddingRules: [], tfCPURefusals: [])
        return StepRequest(title: "conv1d_transpose", plan: plan,
                           input: Tensor(shape: [1, 3, 1], float64: [1, 2, 3], layout: .nwc),
                           filters: Tensor(shape: [2, 1, 1], float64: [10, 100]))
    }

    func status(_ model: PaneModel) -> String { model.statusLine(width: 200, options: RenderOptions(tier: .mono)) }

    @Test func playbackKeysMoveTheStep() throws {
        var model = PaneModel()
        let request = try stepRequest()
        do { let stepped = model.step(request); #expect(stepped) }
        #expect(status(model).contains("step 0/6"))
        _ = model.handle(code: key("."))
        #expect(status(model).contains("step 1/6"))
        _ = model.handle(code: key("."))
        _ = model.handle(code: key(","))
        #expect(status(model).contains("step 1/6"))
        _ = model.handle(code: key("G"))
        #expect(status(model).contains("step 6/6"))
        _ = model.handle(code: key("g"))
        #expect(status(model).contains("step 1/6"))
        #expect(model.handle(code: key("q")) == .leave)
    }

    @Test func playbackRunsOnTheClockAndCtrlCStopsIt() throws {
        var model = PaneModel()
        _ = model.step(try stepRequest())
        #expect(model.frameInterval == nil)
        _ = model.handle(code: key(" "))
        #expect(model.isPlaying)
        #expect(model.frameInterval != nil)
        let start = ContinuousClock.now
        _ = model.tick(now: start)
        let moved = model.tick(now: start + .seconds(1))
        #expect(moved)
        #expect(!status(model).contains("step 0/6"))
        let stopped = model.stopPlayback()
        #expect(stopped)
        #expect(!model.isPlaying)
        let again = model.stopPlayback()
        #expect(!again)
    }

    @Test func showRendersAHeatmap() {
        var model = PaneModel()
        #expect(model.isEmpty)
        model.show(ShowRequest(name: "y", tensor: Tensor(shape: [1, 2, 3, 1], float64: [0, 1, 2, 3, 4, 5], layout: .nhwc)))
        #expect(!model.isEmpty)
        let grid = model.render(width: 60, height: 12, options: RenderOptions(tier: .mono, utf8: false))
        #expect(grid.text.contains("y"))
        let mapped = model.setColorMap("viridis")
        #expect(mapped)
        let unknown = model.setColorMap("rainbow")
        #expect(!unknown)
    }
}
