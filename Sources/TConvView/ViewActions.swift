/// Key handling: one method per action, all of them pure state changes.
extension ViewState {
    /// Handles a key through `KeyMap`. Any key closes the help overlay.
    @discardableResult
    public mutating func handle(_ key: ViewKey) -> ViewOutcome {
        guard let action = KeyMap.action(for: key) else {
            if showHelp { showHelp = false; return .redraw }
            return .unchanged
        }
        if showHelp && action != .help {
            showHelp = false
            if action == .leave { return .redraw }
        }
        return apply(action)
    }

    /// Performs `action`.
    @discardableResult
    public mutating func apply(_ action: ViewAction) -> ViewOutcome {
        remark = nil
        switch action {
        case .stepForward: return stepForward()
        case .stepBack: return stepBack()
        case .firstStep: return moveTo(nextStop(after: -1) ?? -1)
        case .lastStep: return moveTo(lastStop())
        case .playPause: return playPause()
        case .faster:
            guard speedIndex + 1 < ViewState.speeds.count else { remark = "fastest"; return .unchanged }
            speedIndex += 1
            return .redraw
        case .slower:
            guard speedIndex > 0 else { remark = "slowest"; return .unchanged }
            speedIndex -= 1
            return .redraw
        case .toggleGranularity:
            guard model != nil else { return .unchanged }
            granularity = granularity == .tap ? .element : .tap
            return .redraw
        case .nextChannel: return changeChannel(by: 1)
        case .previousChannel: return changeChannel(by: -1)
        case .allChannels:
            guard model != nil, channels.locked else { return .unchanged }
            channels.locked = false
            return .redraw
        case .nextDepth: return changeDepth(by: 1)
        case .previousDepth: return changeDepth(by: -1)
        case .nextView: return cycleView(by: 1)
        case .previousView: return cycleView(by: -1)
        case .cursorUp: return moveCursor(rows: -1, cols: 0)
        case .cursorDown: return moveCursor(rows: 1, cols: 0)
        case .cursorLeft: return moveCursor(rows: 0, cols: -1)
        case .cursorRight: return moveCursor(rows: 0, cols: 1)
        case .pin: return togglePin()
        case .toggleNumbers:
            numbers.toggle()
            return .redraw
        case .nextColorMap:
            let order: [ColorMapKind?] = [nil, .rdbu, .viridis, .cividis, .grey]
            let i = order.firstIndex(where: { $0 == colorMap }) ?? 0
            colorMap = order[(i + 1) % order.count]
            return .redraw
        case .nextScale:
            heatmap.scaleMode = heatmap.scaleMode.next
            return .redraw
        case .help:
            showHelp.toggle()
            return .redraw
        case .previousMarker: return .previousMarker
        case .nextMarker: return .nextMarker
        case .leave:
            playing = false
            return .leave
        }
    }

    /// Advances playback by `seconds` of wall time at the current speed. Returns true when the
    /// position moved (draw again). Stops playing at the end.
    @discardableResult
    public mutating func tick(seconds: Double) -> Bool {
        guard playing, cursor != nil, seconds > 0, seconds.isFinite else { return false }
        pendingSteps += seconds * speed
        var owed = Int(pendingSteps)
        pendingSteps -= Double(owed)
        guard owed > 0 else { return false }
        var moved = false
        // Long unfiltered jumps go straight to the target instead of one stop at a time.
        if owed > 256, pinned == nil, !channels.locked, let c = cursor {
            let per = granularity == .element ? max(1, c.trace.stepsPerElement) : 1
            let target = min(c.trace.count - 1, c.position + owed * per)
            let stop = granularity == .element ? c.trace.elementSteps(containing: max(0, target)).upperBound - 1 : target
            if stop > c.position { cursor?.seek(to: stop); moved = true }
            owed = 0
        }
        while owed > 0 {
            guard let c = cursor, let next = nextStop(after: c.position) else { break }
            cursor?.seek(to: next)
            moved = true
            owed -= 1
        }
        if let c = cursor, nextStop(after: c.position) == nil {
            playing = false
            pendingSteps = 0
            remark = "end of the trace"
        }
        return moved
    }

    // MARK: Stepping

    mutating func stepForward() -> ViewOutcome {
        guard let c = cursor else { return .unchanged }
        guard let next = nextStop(after: c.position) else { remark = "end of the trace"; return .unchanged }
        return moveTo(next)
    }

    mutating func stepBack() -> ViewOutcome {
        guard let c = cursor, c.position >= 0 else { remark = "at the start"; return .unchanged }
        return moveTo(previousStop(before: c.position))
    }

    mutating func moveTo(_ target: Int) -> ViewOutcome {
        guard let c = cursor else { return .unchanged }
        let goal = max(-1, min(target, c.trace.count - 1))
        guard goal != c.position else { return .unchanged }
        cursor?.seek(to: goal)
        return .redraw
    }

    mutating func playPause() -> ViewOutcome {
        guard let c = cursor else { return .unchanged }
        if playing { playing = false; return .redraw }
        if nextStop(after: c.position) == nil { cursor?.seek(to: -1) }
        playing = true
        pendingSteps = 0
        return .redraw
    }

    /// Whether step `k` belongs to the locked channel pair (always true when unlocked).
    func matchesChannels(_ k: Int) -> Bool {
        guard channels.locked, let m = model else { return true }
        return m.outputChannel(ofStep: k) == channels.output && m.inputChannel(ofStep: k) == channels.input
    }

    /// Step numbers of the pinned cell's contributions, in order.
    func pinnedSteps() -> [Int]? {
        guard let p = pinned, let m = model else { return nil }
        let visible = m.visibleAxes.map { p.position[$0] }
        return m.trace.contributionSteps(batch: p.batch, position: visible, channel: p.channel)
    }

    /// The last step of element `e` that the channel lock lets through, or nil.
    func lastMatchingStep(inElement e: Int) -> Int? {
        guard let m = model, e >= 0, e < m.trace.elementCount else { return nil }
        let spe = m.trace.stepsPerElement
        guard spe > 0 else { return nil }
        var k = (e + 1) * spe - 1
        while k >= e * spe {
            if matchesChannels(k) { return k }
            k -= 1
        }
        return nil
    }

    /// Where `.` goes from `position`: the next step (tap granularity) or the end of the next
    /// input element, skipping steps of other channel pairs when locked, or the next
    /// contribution of the pinned cell. nil at the end.
    public func nextStop(after position: Int) -> Int? {
        guard let m = model else { return nil }
        let count = m.trace.count
        if let steps = pinnedSteps() { return steps.first { $0 > position } }
        switch granularity {
        case .tap:
            var k = position + 1
            while k < count && !matchesChannels(k) { k += 1 }
            return k < count ? k : nil
        case .element:
            let spe = max(1, m.trace.stepsPerElement)
            var e = (position + 1) / spe
            while e < m.trace.elementCount {
                if let k = lastMatchingStep(inElement: e), k > position { return k }
                e += 1
            }
            return nil
        }
    }

    /// Where `,` goes from `position` (-1: before the first step).
    public func previousStop(before position: Int) -> Int {
        guard let m = model, position >= 0 else { return -1 }
        if let steps = pinnedSteps() { return steps.last { $0 < position } ?? -1 }
        switch granularity {
        case .tap:
            var k = position - 1
            while k >= 0 && !matchesChannels(k) { k -= 1 }
            return k
        case .element:
            let spe = max(1, m.trace.stepsPerElement)
            var e = position / spe - 1
            while e >= 0 {
                if let k = lastMatchingStep(inElement: e) { return k }
                e -= 1
            }
            return -1
        }
    }

    /// The last stop of the trace (what `G` goes to).
    func lastStop() -> Int {
        guard let m = model else { return -1 }
        if let steps = pinnedSteps() { return steps.last ?? -1 }
        return previousStop(before: m.trace.count)
    }

    // MARK: Channels, depth, views, cursor

    /// The valid (output, input) channel pairs in scatter order (input-major).
    public var channelPairs: [(output: Int, input: Int)] {
        guard let m = model else { return [] }
        var pairs = [(output: Int, input: Int)]()
        for f in 0..<m.geometry.featureChannels {
            let group = f / max(m.perGroupFeature, 1)
            for local in 0..<m.perGroupImage { pairs.append((group * m.perGroupImage + local, f)) }
        }
        return pairs
    }

    mutating func changeChannel(by delta: Int) -> ViewOutcome {
        if case .tensor(let picture) = content {
            let n = picture.slices.sliceCount
            guard n > 1 else { return .unchanged }
            heatmap.focus = ((heatmap.focus + delta) % n + n) % n
            heatmap.row = min(heatmap.row, max(0, picture.slices.rows - 1))
            return .redraw
        }
        if view == .channels, let m = model {
            let n = m.resultPicture.slices.sliceCount
            guard n > 1 else { return .unchanged }
            heatmap.focus = ((heatmap.focus + delta) % n + n) % n
            return .redraw
        }
        let pairs = channelPairs
        guard !pairs.isEmpty else { return .unchanged }
        let shown = displayedChannels
        let i = pairs.firstIndex(where: { $0.output == shown.output && $0.input == shown.input }) ?? 0
        let next = pairs[((i + delta) % pairs.count + pairs.count) % pairs.count]
        let wasLocked = channels.locked
        channels = ChannelFocus(output: next.output, input: next.input, locked: true)
        remark = "channels locked to out \(next.output), in \(next.input) (a: all)"
        return wasLocked && pairs.count == 1 ? .unchanged : .redraw
    }

    /// The output depth the scatter view follows (the current step's landing depth).
    public var followedDepth: Int {
        guard let m = model, let c = cursor, c.position >= 0 else { return outputCursor[0] }
        let o = m.landing(input: m.inputPosition(ofStep: c.position), tap: m.tap(ofStep: c.position))
        return max(0, min(o[0], m.geometry.image[0] - 1))
    }

    mutating func changeDepth(by delta: Int) -> ViewOutcome {
        switch content {
        case .tensor(let picture):
            let d = max(0, min(heatmap.depth + delta, picture.slices.depth - 1))
            guard d != heatmap.depth else { return .unchanged }
            heatmap.depth = d
            return .redraw
        case .step(let m):
            let extent = m.geometry.image[0]
            let current = view == .scatter ? (depth ?? followedDepth) : outputCursor[0]
            let d = max(0, min(current + delta, extent - 1))
            guard d != current || (view == .scatter && depth == nil && extent > 1) else { return .unchanged }
            depth = d
            outputCursor[0] = d
            heatmap.depth = d
            return .redraw
        }
    }

    mutating func cycleView(by delta: Int) -> ViewOutcome {
        let views = availableViews
        guard views.count > 1 else { return .unchanged }
        let i = views.firstIndex(of: view) ?? 0
        view = views[((i + delta) % views.count + views.count) % views.count]
        return .redraw
    }

    mutating func moveCursor(rows dr: Int, cols dc: Int) -> ViewOutcome {
        switch content {
        case .tensor(let picture):
            let r = max(0, min(heatmap.row + dr, picture.slices.rows - 1))
            let c = max(0, min(heatmap.col + dc, picture.slices.cols - 1))
            guard r != heatmap.row || c != heatmap.col else { return .unchanged }
            heatmap.row = r
            heatmap.col = c
            return .redraw
        case .step(let m):
            if view == .channels {
                let r = max(0, min(heatmap.row + dr, m.geometry.image[1] - 1))
                let c = max(0, min(heatmap.col + dc, m.geometry.image[2] - 1))
                guard r != heatmap.row || c != heatmap.col else { return .unchanged }
                heatmap.row = r
                heatmap.col = c
                return .redraw
            }
            let r = max(0, min(outputCursor[1] + dr, m.geometry.image[1] - 1))
            let c = max(0, min(outputCursor[2] + dc, m.geometry.image[2] - 1))
            guard r != outputCursor[1] || c != outputCursor[2] else { return .unchanged }
            outputCursor[1] = r
            outputCursor[2] = c
            return .redraw
        }
    }

    mutating func togglePin() -> ViewOutcome {
        switch content {
        case .tensor(let picture):
            let index = picture.slices.elementIndex(slice: heatmap.focus, depth: heatmap.depth, row: heatmap.row, col: heatmap.col)
            pinnedElement = pinnedElement == index ? nil : index
            return .redraw
        case .step(let m):
            guard m.geometry.image.allSatisfy({ $0 > 0 }) else { return .unchanged }
            let cell = OutputCell(batch: displayedBatch, position: outputCursor, channel: displayedChannels.output)
            if pinned == cell {
                pinned = nil
                remark = "unpinned"
            } else {
                pinned = cell
                remark = "pinned " + m.dataIndexLabel("y", cell) + ": . and , visit its contributions"
            }
            return .redraw
        }
    }
}

extension StepModel {
    /// `y[0,2,3,1]` for an output cell.
    public func dataIndexLabel(_ name: String, _ cell: OutputCell) -> String {
        name + NumberFormat.list(dataIndex(batch: cell.batch, position: cell.position, channel: cell.channel))
    }
}
