import Testing
import TConvEngine
import TConvScript
@testable import TConvTerminal

@Suite struct PaneKeyTests {
    func key(_ c: Character) -> Int32 { Int32(c.asciiValue!) }

    @Test func playbackKeysDispatch() {
        #expect(PaneKeys.action(for: key(" ")) == .playPause)
        #expect(PaneKeys.action(for: key(".")) == .stepForward)
        #expect(PaneKeys.action(for: key(",")) == .stepBack)
        #expect(PaneKeys.action(for: key("g")) == .firstStep)
        #expect(PaneKeys.action(for: key("G")) == .lastStep)
        #expect(PaneKeys.action(for: key("+")) == .faster)
        #expect(PaneKeys.action(for: key("-")) == .slower)
        #expect(PaneKeys.action(for: key("c")) == .nextChannel)
        #expect(PaneKeys.action(for: key("C")) == .previousChannel)
        #expect(PaneKeys.action(for: key("n")) == .toggleNumbers)
        #expect(PaneKeys.action(for: key("m")) == .nextColorMap)
        #expect(PaneKeys.action(for: key("?")) == .help)
        #expect(PaneKeys.action(for: key("q")) == .back)
        #expect(PaneKeys.action(for: 27) == .back)
        #expect(PaneKeys.action(for: 9) == .nextView)
        #expect(PaneKeys.action(for: 3) == .cancel)
        #expect(PaneKeys.action(for: PaneKeys.keyNextPage) == .nextSlice)
        #expect(PaneKeys.action(for: PaneKeys.keyUp) == .cursorUp)
        #expect(PaneKeys.action(for: key("z")) == nil)
    }

    @Test func everyKeyIsBoundOnce() {
        let keys = PaneKeys.bindings.flatMap(\.keys)
        #expect(Set(keys).count == keys.count)
        #expect(PaneKeys.helpLines.count == PaneKeys.bindings.count)
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

    @Test func playbackActionsMoveTheCaption() throws {
        var model = PaneModel()
        let request = try stepRequest()
        do { let applied = model.step(request); #expect(applied) }
        func caption() -> String { if case .steps(let p) = model.content { return p.caption } else { return "" } }
        #expect(caption().hasPrefix("step 1/6"))
        do { let applied = model.apply(.stepForward); #expect(applied) }
        #expect(caption().hasPrefix("step 2/6"))
        #expect(caption().contains("y[0,1,0] += 100 = 100"))
        do { let applied = model.apply(.lastStep); #expect(applied) }
        #expect(caption().hasPrefix("step 6/6"))
        do { let applied = model.apply(.stepForward); #expect(!applied) }     // at the end
        do { let applied = model.apply(.stepBack); #expect(applied) }
        #expect(caption().hasPrefix("step 5/6"))
        do { let applied = model.apply(.firstStep); #expect(applied) }
        #expect(caption().hasPrefix("step 1/6"))
        do { let applied = model.apply(.playPause); #expect(applied) }
        #expect(model.isPlaying)
        #expect(model.frameInterval != nil)
        do { let applied = model.tick(); #expect(applied) }
        #expect(caption().hasPrefix("step 2/6"))
        do { let applied = model.apply(.cancel); #expect(applied) }            // Ctrl-C stops a playback
        #expect(!model.isPlaying)
        do { let applied = model.apply(.cancel); #expect(!applied) }           // ... and then falls through
        #expect(model.frameInterval == nil)
    }

    @Test func playbackStopsAtTheEnd() throws {
        var model = PaneModel()
        _ = model.step(try stepRequest())
        _ = model.apply(.playPause)
        for _ in 0..<10 { _ = model.tick() }
        #expect(!model.isPlaying)
        _ = model.apply(.playPause)              // play again from the start
        if case .steps(let p) = model.content { #expect(p.index == 0) }
    }

    @Test func heatmapRendersAndTogglesNumbers() throws {
        var model = PaneModel()
        model.show(ShowRequest(name: "y", tensor: Tensor(shape: [1, 2, 3, 1], float64: [0, 1, 2, 3, 4, 5], layout: .nhwc)))
        let renderer = PaneRenderer(colored: false, unicode: true)
        let plain = renderer.render(model, width: 60, height: 12).text
        #expect(plain.contains("y [1,2,3,1] NHWC"))
        do { let applied = model.apply(.toggleNumbers); #expect(applied) }
        let numbers = renderer.render(model, width: 60, height: 12).text
        #expect(numbers.contains("5"))
        do { let applied = model.apply(.stepForward); #expect(!applied) }
    }
}
