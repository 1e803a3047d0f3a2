import TConvEngine

/// The formula of one output cell: every contribution, in scatter order, and their sum.
public struct GatherFormula: Sendable {
    public let cell: OutputCell
    /// The cell's full index in the output's layout.
    public let outputIndex: [Int]
    /// The contributions (input element times tap), each with the running value after it.
    public let terms: [ScatterStep]

    /// The formula of `cell` in `model`.
    public init(model m: StepModel, cell: OutputCell) {
        self.cell = cell
        outputIndex = m.dataIndex(batch: cell.batch, position: cell.position, channel: cell.channel)
        terms = m.trace.contributions(toOutput: outputIndex)
    }

    /// The cell's value: the last running value (0 when nothing reaches the cell).
    public var value: Double { terms.last?.runningValue ?? 0 }

    /// `y[0,2,3,1] = x[..]·w[..] + ... = 7.5` as wrapped lines of at most `width` columns
    /// (at most `maxLines`, the last one always ending in `= value`).
    public func lines(width: Int, maxLines: Int, options: RenderOptions = .standard) -> [String] {
        let lhs = "y" + NumberFormat.list(outputIndex) + " = "
        let p = options.precision
        let total = "= " + NumberFormat.format(value, precision: p)
        guard !terms.isEmpty else {
            return [lhs + "0   (no input element and tap reach this cell)"]
        }
        let symbolic = terms.map { "x" + NumberFormat.list($0.inputIndex) + (options.utf8 ? "\u{00B7}" : "*") + "w" + NumberFormat.list($0.filterIndex) }
        let numeric = terms.map { StepPanels.factor($0.inputValue, options) + options.times + StepPanels.factor($0.weight, options) }
        let indent = String(repeating: " ", count: lhs.count - 2)
        var out = [String]()
        func wrap(_ items: [String], first: String, budget: Int) -> [String] {
            var lines = [String]()
            var line = first
            var used = 0
            for (n, item) in items.enumerated() {
                let piece = (n == 0 ? "" : " + ") + item
                if line.count + piece.count > width && line.count > first.count {
                    lines.append(line)
                    if lines.count >= budget { break }
                    line = indent + "  + " + item
                } else {
                    line += piece
                }
                used = n + 1
            }
            if lines.count < budget {
                if used < items.count { line += " + ... (\(items.count - used) more)" }
                lines.append(line)
            } else if used < items.count, var last = lines.popLast() {
                last += " + ..."
                lines.append(last)
            }
            return lines
        }
        let budget = max(1, maxLines)
        let symbolicBudget = max(1, (budget - 1) / 2)
        out += wrap(symbolic, first: lhs, budget: symbolicBudget)
        let numericFirst = indent + "= "
        var numericLines = wrap(numeric, first: numericFirst, budget: max(1, budget - out.count))
        if var last = numericLines.popLast() {
            if last.count + total.count + 1 <= width || numericLines.count + out.count + 1 >= budget {
                last += " " + total
                numericLines.append(last)
            } else {
                numericLines.append(last)
                numericLines.append(indent + total)
            }
        }
        out += numericLines
        return Array(out.prefix(budget))
    }
}

/// The gather view: the cursor on an output cell shows its formula and lights up the input
/// elements and kernel taps that feed it.
public enum GatherView {
    /// Draws the gather view of `state`: the cursor (or pinned) cell, its formula and what feeds it into a `width` x `height` grid.
    public static func render(_ state: ViewState, width: Int, height: Int, options: RenderOptions = .standard) -> Grid {
        var grid = Grid(width: width, height: height)
        guard let m = state.model, width > 0, height > 0 else { return grid }
        let theme = options.theme
        let g = m.geometry
        guard g.image.allSatisfy({ $0 > 0 }) else {
            grid.put("The output is empty: there is no cell to gather.", x: 0, y: 0, style: theme.style(.note), limit: width)
            return grid
        }
        let shown = state.displayedChannels
        let cell = state.pinned ?? OutputCell(batch: state.displayedBatch, position: state.outputCursor, channel: shown.output)
        let formula = GatherFormula(model: m, cell: cell)
        var y = 0
        grid.put("gather: each output cell sums input element " + options.times + " tap over every pair that lands on it",
                 x: 0, y: y, style: theme.style(.title), limit: width, ellipsis: "~")
        y += 1
        if height >= 14 {
            grid.put(StepPanels.header(m, options: options)[1], x: 0, y: y, style: theme.style(.dim), limit: width, ellipsis: "~")
            y += 1
        }
        // The input plane and kernel plane of the first contribution from the shown input channel.
        let local = cell.channel % max(m.perGroupImage, 1)
        let ofChannel = formula.terms.filter { $0.inputChannel == shown.input }
        let inputDepth = ofChannel.first.map { g.feature[0] == 1 ? 0 : padded($0.inputPosition)[0] } ?? 0
        let kernelDepth = ofChannel.first.map { g.kernel[0] == 1 ? 0 : padded($0.tap)[0] } ?? 0
        var inputMarks = [Int: StyleRole](), tapMarks = [Int: StyleRole]()
        for t in ofChannel {
            let i = padded(t.inputPosition), k = padded(t.tap)
            if i[0] == inputDepth { inputMarks[i[1] * g.feature[2] + i[2]] = .contributor }
            if k[0] == kernelDepth { tapMarks[k[1] * g.kernel[2] + k[2]] = .tap }
        }
        let firstInput = ofChannel.first.map { padded($0.inputPosition) } ?? [0, 0, 0]
        let firstTap = ofChannel.first.map { padded($0.tap) } ?? [0, 0, 0]
        let d = cell.position[0]
        let panels = [
            StepPanels.inputPanel(m, batch: cell.batch, channel: shown.input, depth: inputDepth, map: state.colorMap,
                                  focus: (firstInput[1], firstInput[2]), marks: inputMarks),
            StepPanels.kernelPanel(m, outputChannel: local, inputChannel: shown.input, depth: kernelDepth, map: state.colorMap,
                                   focus: (firstTap[1], firstTap[2]), marks: tapMarks),
            StepPanels.outputPanel(m, values: m.result, batch: cell.batch, channel: cell.channel, depth: d, map: state.colorMap,
                                   withRing: false, focus: (cell.position[1], cell.position[2]),
                                   label: "output " + m.planeLabel("y", batch: cell.batch, channel: cell.channel, depth: d)
                                       + (state.pinned != nil ? " (pinned)" : ""),
                                   reached: nil,
                                   mark: { r, c in r == cell.position[1] && c == cell.position[2] ? .cursor : nil }),
        ]
        // The panels come first: an 11x11 output at 80x24 keeps its numbers. The formula gets at
        // least two lines, up to four, and every row the panels leave unused.
        let formulaLines = max(2, min(4, (height - y) / 4))
        let bodyHeight = max(2, height - y - formulaLines - 1)
        let used = PanelRow.draw(panels, separators: [" " + options.times + " ", " " + options.arrow + " "], into: &grid,
                                 rect: Rect(x: 0, y: y, width: width, height: bodyHeight), options: options,
                                 numbers: state.numbers, numberWidth: m.numberWidth)
        y += min(bodyHeight, used.height) + 1
        let lines = formula.lines(width: width, maxLines: max(1, height - y - 1), options: options)
        for line in lines where y < height - 1 {
            grid.put(line, x: 0, y: y, style: theme.style(.label), limit: width, ellipsis: "~")
            y += 1
        }
        let others = formula.terms.count - ofChannel.count
        var note = "\(formula.terms.count) contribution\(formula.terms.count == 1 ? "" : "s")"
        if others > 0 { note += " (\(ofChannel.count) from input channel \(shown.input) shown lit, \(others) from other input channels)" }
        note += "; arrows move, Enter pins, c changes channels"
        grid.put(note, x: 0, y: height - 1, style: theme.style(.dim), limit: width, ellipsis: "~")
        return grid
    }

    /// A rank-length position padded to three axes.
    static func padded(_ a: [Int]) -> [Int] { Array(repeating: 0, count: max(0, 3 - a.count)) + a }
}
