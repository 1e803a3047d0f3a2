import Testing
import TConvEngine
@testable import TConvView

@Suite struct ViewStateTests {
    func twoD() throws -> OpCase { try standardCases()[0] }

    @Test func stepForwardAndBackAgreeWithTheCursor() throws {
        var s = try twoD().state()
        let trace = try #require(s.cursor).trace
        for k in 0..<40 {
            #expect(s.apply(.stepForward) == .redraw)
            #expect(s.cursor?.position == k)
        }
        #expect(s.cursor?.state == trace.outputState(through: 39).doubles)
        for k in stride(from: 38, through: -1, by: -1) {
            #expect(s.apply(.stepBack) == .redraw)
            #expect(s.cursor?.position == k)
        }
        #expect(s.cursor?.state.allSatisfy { $0 == 0 } == true)
        #expect(s.apply(.stepBack) == .unchanged)
        #expect(s.remark == "at the start")
    }

    @Test func firstAndLastStepAndTheEnd() throws {
        var s = try twoD().state()
        let count = try #require(s.cursor).trace.count
        s.apply(.lastStep)
        #expect(s.cursor?.position == count - 1)
        #expect(s.cursor?.state == s.model?.result)
        #expect(s.apply(.stepForward) == .unchanged)
        s.apply(.firstStep)
        #expect(s.cursor?.position == 0)
    }

    @Test func elementGranularityStopsAtElementEnds() throws {
        var s = try twoD().state()
        let m = try #require(s.model)
        let spe = m.trace.stepsPerElement
        s.apply(.toggleGranularity)
        #expect(s.granularity == .element)
        for e in 0..<5 {
            s.apply(.stepForward)
            #expect(s.cursor?.position == (e + 1) * spe - 1)
        }
        s.apply(.stepBack)
        #expect(s.cursor?.position == 4 * spe - 1)
        // Switching in the middle of an element: the next stop is that element's end.
        s.apply(.toggleGranularity)
        s.apply(.stepForward)
        s.apply(.toggleGranularity)
        s.apply(.stepForward)
        #expect(s.cursor?.position == 5 * spe - 1)
    }

    @Test func channelKeysWrapAroundThePairsAndLockStepping() throws {
        var s = try twoD().state()
        let m = try #require(s.model)
        let pairs = s.channelPairs
        #expect(pairs.count == m.geometry.imageChannels * m.geometry.featureChannels)
        s.apply(.nextChannel)
        #expect(s.channels.locked)
        let first = s.displayedChannels
        for _ in 0..<pairs.count { s.apply(.nextChannel) }
        #expect(s.displayedChannels == first)
        s.apply(.previousChannel)
        s.apply(.nextChannel)
        #expect(s.displayedChannels == first)
        // Locked stepping visits only that pair's steps, in order.
        var visited = [Int]()
        for _ in 0..<30 {
            s.apply(.stepForward)
            visited.append(try #require(s.cursor).position)
        }
        let expected = (0..<m.trace.count).filter { m.outputChannel(ofStep: $0) == first.output && m.inputChannel(ofStep: $0) == first.input }
        #expect(visited == Array(expected.prefix(30)))
        #expect(s.cursor?.state == m.trace.outputState(through: visited.last!).doubles)
        s.apply(.allChannels)
        #expect(!s.channels.locked)
        s.apply(.stepForward)
        #expect(s.cursor?.position == visited.last! + 1)
    }

    @Test func pinnedCellsStepThroughTheirContributions() throws {
        var s = try twoD().state()
        let m = try #require(s.model)
        s.outputCursor = [0, 3, 4]
        s.apply(.pin)
        let pin = try #require(s.pinned)
        let steps = m.trace.contributionSteps(batch: pin.batch, position: [3, 4], channel: pin.channel)
        #expect(!steps.isEmpty)
        for k in steps {
            s.apply(.stepForward)
            #expect(s.cursor?.position == k)
        }
        #expect(s.apply(.stepForward) == .unchanged)
        let value = try #require(s.cursor).state[m.outputOffset(batch: pin.batch, position: [0, 3, 4], channel: pin.channel)]
        #expect(value == m.result[m.outputOffset(batch: pin.batch, position: [0, 3, 4], channel: pin.channel)])
        s.apply(.pin)
        #expect(s.pinned == nil)
    }

    @Test func speedStaysWithinItsBounds() throws {
        var s = try twoD().state()
        for _ in 0..<40 { s.apply(.faster) }
        #expect(s.speed == ViewState.speeds.last)
        #expect(s.apply(.faster) == .unchanged)
        for _ in 0..<40 { s.apply(.slower) }
        #expect(s.speed == ViewState.speeds.first)
        #expect(s.apply(.slower) == .unchanged)
    }

    @Test func playbackAdvancesWithTimeAndStopsAtTheEnd() throws {
        var s = try twoD().state()
        let count = try #require(s.cursor).trace.count
        s.apply(.playPause)
        #expect(s.playing)
        #expect(s.speed == 4)
        #expect(s.tick(seconds: 0.1) == false)
        #expect(s.tick(seconds: 0.2) == true)
        #expect(s.cursor?.position == 0)
        s.tick(seconds: 1)
        #expect(s.cursor?.position == 4)
        for _ in 0..<20 { s.apply(.faster) }
        s.tick(seconds: 10)
        #expect(s.cursor?.position == count - 1)
        #expect(!s.playing)
        #expect(s.tick(seconds: 1) == false)
        // Play at the end starts over.
        s.apply(.playPause)
        #expect(s.cursor?.position == -1 && s.playing)
        s.apply(.playPause)
        #expect(!s.playing)
    }

    @Test func viewsCycleAndCursorStaysInside() throws {
        var s = try twoD().state()
        let views = s.availableViews
        #expect(views == [.scatter, .gather, .direct, .overlap, .matrix, .channels])
        for v in views.dropFirst() + [views[0]] {
            s.apply(.nextView)
            #expect(s.view == v)
        }
        s.apply(.previousView)
        #expect(s.view == views.last)
        s.view = .gather
        for _ in 0..<20 { s.apply(.cursorRight); s.apply(.cursorDown) }
        #expect(s.outputCursor == [0, 7, 7])
        #expect(s.apply(.cursorDown) == .unchanged)
        for _ in 0..<20 { s.apply(.cursorLeft); s.apply(.cursorUp) }
        #expect(s.outputCursor == [0, 0, 0])
    }

    @Test func toggles() throws {
        var s = try twoD().state()
        #expect(s.numbers)
        s.apply(.toggleNumbers)
        #expect(!s.numbers)
        var maps = [ColorMapKind?]()
        for _ in 0..<5 { s.apply(.nextColorMap); maps.append(s.colorMap) }
        #expect(maps == [.rdbu, .viridis, .cividis, .grey, nil])
        s.apply(.nextScale)
        #expect(s.heatmap.scaleMode == .channel)
        #expect(s.handle(.character("?")) == .redraw && s.showHelp)
        #expect(s.handle(.character("x")) == .redraw && !s.showHelp)
        #expect(s.handle(.character("q")) == .leave)
        #expect(s.handle(.character("]")) == .nextMarker)
        #expect(s.handle(.character("[")) == .previousMarker)
    }

    @Test func tensorContentKeys() {
        var s = ViewState(name: "v", tensor: eighths([2, 3, 4, 5, 3], seed: 1, layout: .ndhwc))
        #expect(s.availableViews == [.channels])
        #expect(s.apply(.stepForward) == .unchanged)
        #expect(s.apply(.playPause) == .unchanged)
        // 2 batch x 3 channels = 6 slices; c wraps.
        for _ in 0..<6 { s.apply(.nextChannel) }
        #expect(s.heatmap.focus == 0)
        s.apply(.previousChannel)
        #expect(s.heatmap.focus == 5)
        for _ in 0..<10 { s.apply(.nextDepth) }
        #expect(s.heatmap.depth == 2)
        for _ in 0..<10 { s.apply(.cursorDown); s.apply(.cursorRight) }
        #expect(s.heatmap.row == 3 && s.heatmap.col == 4)
        s.apply(.pin)
        #expect(s.pinnedElement == [1, 2, 3, 4, 2])
    }

    @Test func threeDDepthKeys() throws {
        var s = try standardCases()[7].state()
        let depth = try #require(s.model).geometry.image[0]
        s.view = .gather
        for _ in 0..<10 { s.apply(.nextDepth) }
        #expect(s.outputCursor[0] == depth - 1)
        for _ in 0..<10 { s.apply(.previousDepth) }
        #expect(s.outputCursor[0] == 0)
        #expect(s.apply(.previousDepth) == .unchanged)
    }
}
