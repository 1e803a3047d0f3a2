import TConvEngine

/// Pieces shared by the step views: the header naming every tensor and parameter, and the
/// input / kernel / output panels with their highlights.
enum StepPanels {
    /// The forward op whose gradient this transposed op is (`conv2d`).
    static func forwardName(_ m: StepModel) -> String { "conv\(m.plan.problem.rank)d" }

    /// Up to three header lines: the call; the shapes with layouts; the parameters of the
    /// transpose and of the forward conv it is the gradient of.
    static func header(_ m: StepModel, options: RenderOptions) -> [String] {
        let plan = m.plan
        let rank = plan.problem.rank
        let axes = m.visibleAxes
        let letters = plan.axisLetters
        let filterLayout = Layout.filter(rank: rank, transposed: true).name
        let shapes = "x " + SliceLayout.describe(shape: plan.inputShape, layout: plan.problem.dataLayout)
            + " " + options.times + " w " + NumberFormat.list(plan.filterShape) + " " + filterLayout
            + " " + options.arrow + " y " + SliceLayout.describe(shape: plan.resultShape, layout: plan.resultLayout)
            + "  " + plan.dtype.rawValue + "  (gradient of x = " + forwardName(m) + "(y, w))"
        func perAxis(_ values: [Int]) -> String { values.map(String.init).joined(separator: ",") }
        let g = m.geometry
        var padding: String
        if let first = plan.paddingRules.first, plan.paddingRules.allSatisfy({ $0 == first }),
           first == .same || first == .valid {
            padding = first.description
        } else {
            padding = "explicit " + zip(letters, plan.paddingRules).map { "\($0) \($1)" }.joined(separator: " ")
        }
        // The transpose crops the full scatter by (front, back) cells per axis; with an exact
        // output size these are the forward conv's pads, otherwise both are shown.
        let crops = zip(letters, axes).map { letter, axis -> String in
            let c = m.crop(axis: axis)
            return "\(letter) \(c.front)|\(c.back)"
        }.joined(separator: " ")
        let pads = zip(letters, axes).map { "\($0) \(g.padBefore[$1])|\(g.padAfter[$1])" }.joined(separator: " ")
        var params = "strides " + perAxis(axes.map { g.strides[$0] }) + "  dilations " + perAxis(axes.map { g.dilations[$0] })
            + "  padding " + padding + "  crop front|back " + crops
        params += crops == pads ? " (= forward pads)" : "  forward pads " + pads
        return [m.title, shapes, params]
    }

    /// The colour scale for one operand: the chosen map, or automatic (RdBu when signed).
    static func scale(_ range: ValueRange, map: ColorMapKind?, includeZero: Bool = false) -> ColorScale {
        guard let map else { return ColorScale.automatic(for: range, includeZero: includeZero) }
        return ColorScale(kind: map, range: range, includeZero: includeZero)
    }

    /// The input plane `x[b, depth, :, :, f]` with `marks` (row, col) -> role.
    static func inputPanel(_ m: StepModel, batch b: Int, channel f: Int, depth d: Int, map: ColorMapKind?,
                           focus: (Int, Int), marks: [Int: StyleRole]) -> PanelSpec {
        let g = m.geometry
        let cols = g.feature[2]
        return PanelSpec(
            label: "input " + m.planeLabel("x", batch: b, channel: f, depth: d),
            rows: g.feature[1], cols: cols, scale: scale(m.inputRange, map: map), focus: focus,
            element: { r, c in
                PaintedElement(value: m.inputValue(batch: b, position: [d, r, c], channel: f), role: marks[r * cols + c] ?? .heat)
            })
    }

    /// The kernel plane `w[depth, :, :, local, f]`.
    static func kernelPanel(_ m: StepModel, outputChannel local: Int, inputChannel f: Int, depth d: Int,
                            map: ColorMapKind?, focus: (Int, Int), marks: [Int: StyleRole], label: String? = nil) -> PanelSpec {
        let g = m.geometry
        let cols = g.kernel[2]
        return PanelSpec(
            label: label ?? ("kernel " + m.kernelLabel(outputChannel: local, inputChannel: f, depth: d)),
            rows: g.kernel[1], cols: cols, scale: scale(m.filterRange, map: map), focus: focus,
            element: { r, c in
                PaintedElement(value: m.weight(tap: [d, r, c], outputChannel: local, inputChannel: f), role: marks[r * cols + c] ?? .heat)
            })
    }

    /// Ring widths around the output: the cropped border of the full scatter, at most 8 cells.
    static func ring(_ m: StepModel, axis: Int) -> (before: Int, after: Int) {
        let c = m.crop(axis: axis)
        return (max(0, min(c.front, 8)), max(0, min(c.back, 8)))
    }

    /// The output plane `y[b, depth, :, :, co]` from `values` (the cursor's state, or the
    /// result), surrounded by the margin ring when `withRing`. `reached(position)` says whether
    /// a cell has a value yet; marks are keyed by output position (row * W + col, rows and
    /// columns may be negative in the ring) through `mark`.
    static func outputPanel(_ m: StepModel, values: [Double], batch b: Int, channel co: Int, depth d: Int,
                            map: ColorMapKind?, withRing: Bool, focus: (Int, Int), label: String,
                            reached: ((Int, Int) -> Bool)?, mark: @escaping (Int, Int) -> StyleRole?) -> PanelSpec {
        let g = m.geometry
        let ringH = withRing ? ring(m, axis: 1) : (0, 0)
        let ringW = withRing ? ring(m, axis: 2) : (0, 0)
        let depthInside = d >= 0 && d < g.image[0]
        let outScale = scale(m.resultRange, map: map, includeZero: true)
        return PanelSpec(
            label: label,
            rows: g.image[1] + ringH.0 + ringH.1, cols: g.image[2] + ringW.0 + ringW.1, scale: outScale,
            focus: (focus.0 + ringH.0, focus.1 + ringW.0),
            element: { r, c in
                let oh = r - ringH.0, ow = c - ringW.0
                let inside = depthInside && oh >= 0 && oh < g.image[1] && ow >= 0 && ow < g.image[2]
                if let role = mark(oh, ow) {
                    if !inside { return PaintedElement(value: .nan, role: role == .dropped ? .dropped : .border) }
                    return PaintedElement(value: m.outputValue(values, batch: b, position: [d, oh, ow], channel: co), role: role)
                }
                guard inside else { return PaintedElement(value: .nan, role: .border) }
                if let reached, !reached(oh, ow) { return .placeholder }
                return PaintedElement(value: m.outputValue(values, batch: b, position: [d, oh, ow], channel: co))
            })
    }

    /// `x[0,1,2,0]`.
    static func inputLabel(_ m: StepModel, batch b: Int, position i: [Int], channel f: Int) -> String {
        "x" + NumberFormat.list(m.dataIndex(batch: b, position: i, channel: f))
    }

    /// `w[1,0,0,0]`.
    static func weightLabel(_ m: StepModel, tap k: [Int], local: Int, channel f: Int) -> String {
        "w" + NumberFormat.list(m.filterIndex(tap: k, outputChannel: local, inputChannel: f))
    }

    /// A number for a caption: `-1` becomes `(-1)` after an operator.
    static func factor(_ v: Double, _ options: RenderOptions) -> String {
        let text = NumberFormat.format(v, precision: options.precision)
        return text.hasPrefix("-") ? "(" + text + ")" : text
    }
}
