import TConvEngine
import TConvScript
import TConvView

/// Turns the pane's state into a `Grid`. The single place that calls view renderers, so the
/// interim ones can be swapped for TConvView's as they land.
struct PaneRenderer {
    var colored: Bool
    var unicode: Bool

    func render(_ model: PaneModel, width: Int, height: Int) -> Grid {
        var grid = Grid(width: width, height: height)
        guard width > 0, height > 0 else { return grid }
        if model.showHelp {
            drawHelp(into: &grid)
            return grid
        }
        switch model.content {
        case .empty:
            break
        case .heatmaps(let list, let selected):
            drawHeatmaps(list, selected: selected, model: model, into: &grid)
        case .steps(let playback):
            drawSteps(playback, model: model, into: &grid)
        }
        return grid
    }

    var colorMapFor: (PaneModel) -> InterimColorMap { { InterimColorMap.all[$0.colorMapIndex] } }

    func drawHelp(into grid: inout Grid) {
        grid.put("Pane keys (any key closes this list)", x: 1, y: 0, style: CellStyle(role: .title, bold: true))
        let lines = PaneKeys.helpLines
        let perColumn = max(1, grid.height - 2)
        let columnWidth = 32
        for (i, line) in lines.enumerated() {
            let column = i / perColumn, row = i % perColumn
            grid.put(line, x: 1 + column * columnWidth, y: 1 + row, style: CellStyle(role: .label))
        }
    }

    func tooSmall(_ grid: inout Grid, need: String) {
        grid.put("(pane too small for this view: \(need))", x: 0, y: 0, style: CellStyle(role: .note))
    }

    func drawHeatmaps(_ list: [ShowRequest], selected: Int, model: PaneModel, into grid: inout Grid) {
        let request = list[max(0, min(selected, list.count - 1))]
        let tensor = request.tensor
        let channels = channelCount(tensor)
        let channel = channels > 0 ? model.channel % channels : 0
        let slice = InterimSlice.make(tensor, name: request.name, channel: channel, depth: model.depthSlice)
        let header = "\(request.name) \(PaneModel().shapeText(tensor)) \(tensor.dtype)" +
            (channels > 1 ? "  channel \(channel + 1)/\(channels) (c/C)" : "") +
            (list.count > 1 ? "  tensor \(selected + 1)/\(list.count) (Tab)" : "")
        grid.put(header, x: 0, y: 0, style: CellStyle(role: .title, bold: true))
        if grid.height < 5 || grid.width < 16 { tooSmall(&grid, need: "16x5"); return }
        InterimHeatmap.draw(slice, into: &grid, x: 0, y: 1, maxWidth: grid.width, maxHeight: grid.height - 1,
                            colorMap: colorMapFor(model), colored: colored, unicode: unicode, numbers: model.numbers)
    }

    func drawSteps(_ playback: StepPlayback, model: PaneModel, into grid: inout Grid) {
        let step = playback.trace.step(playback.index)
        let plan = playback.request.plan
        grid.put(String(playback.request.title.prefix(grid.width)), x: 0, y: 0, style: CellStyle(role: .title, bold: true))
        grid.put(playback.caption, x: 0, y: 1, style: CellStyle(role: .status, bold: true))
        let state = (playback.playing ? "playing" : "paused") + " · \(Int(playback.stepsPerSecond)) steps/s · "
            + "view \(StepPlayback.views[playback.view]) · space . , g G + - ? q"
        grid.put(state, x: 0, y: 2, style: CellStyle(role: .label))
        if grid.height < 8 || grid.width < 30 { return }
        let numbers = model.numbers || playback.view == 1
        // Input slice (the step's channel), with the visited element lit.
        var inputTensor = playback.request.input
        if inputTensor.layout == nil { inputTensor.layout = plan.problem.dataLayout }
        let inputSlice = InterimSlice.make(inputTensor, name: "x (input)", channel: step.inputChannel,
                                           depth: step.inputPosition.count == 3 ? step.inputPosition[0] : 0)
        let inputCell = flatPosition(step.inputPosition, columns: inputSlice.columns)
        // Output so far (the step's channel): running sums through this step.
        let outputSlice = partialOutput(playback, step: step)
        var outputHighlight: [Int: StyleRole] = [:]
        if let position = step.outputIndex.map({ _ in step.outputPosition }) {
            outputHighlight[flatPosition(position, columns: outputSlice.columns)] = .output
        }
        let half = grid.width / 2
        let top = 4, height = grid.height - top
        let left = InterimHeatmap.draw(inputSlice, into: &grid, x: 0, y: top, maxWidth: half - 2, maxHeight: height,
                                       colorMap: colorMapFor(model), colored: colored, unicode: unicode, numbers: numbers,
                                       highlight: [inputCell: .input])
        InterimHeatmap.draw(outputSlice, into: &grid, x: min(half, left.width + 3), y: top, maxWidth: grid.width - half,
                            maxHeight: height, colorMap: colorMapFor(model), colored: colored, unicode: unicode,
                            numbers: numbers, highlight: outputHighlight)
    }

    /// The output's channel slice after steps 0...index (cells not yet reached are 0).
    func partialOutput(_ playback: StepPlayback, step: ScatterStep) -> InterimSlice {
        let problem = playback.trace.plan.problem
        let spatial = problem.image
        let rows = spatial.count >= 2 ? spatial[spatial.count - 2] : 1
        let columns = spatial.last ?? 1
        let depth = spatial.count == 3 ? max(0, min(spatial[0] - 1, step.outputPosition[0])) : 0
        var values = [Double](repeating: 0, count: rows * columns)
        if rows * columns <= 4096 {
            for r in 0..<rows {
                for c in 0..<columns {
                    var position = [c]
                    if spatial.count >= 2 { position = [r, c] }
                    if spatial.count == 3 { position = [depth, r, c] }
                    values[r * columns + c] = playback.trace.runningValue(batch: step.batch, position: position,
                                                                          channel: step.outputChannel, through: playback.index)
                }
            }
        }
        return InterimSlice(rows: rows, columns: columns, values: values,
                            label: "y (output so far) channel \(step.outputChannel)")
    }

    func flatPosition(_ position: [Int], columns: Int) -> Int {
        guard let column = position.last else { return 0 }
        let row = position.count >= 2 ? position[position.count - 2] : 0
        return row * columns + column
    }

    func channelCount(_ tensor: Tensor) -> Int {
        guard let layout = tensor.layout, layout.name.count == tensor.shape.count,
              let i = Array(layout.name).firstIndex(where: { $0 == "C" || $0 == "O" }) else {
            return tensor.shape.count >= 3 ? tensor.shape[0] : 1
        }
        return tensor.shape[i]
    }
}
