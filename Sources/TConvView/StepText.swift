import TConvEngine

/// `%step` as plain text, for pipes, `tconv run` and plain mode: a header, then one line per
/// step (or per input element). Also the caption lines of the step views.
public enum StepText {
    /// `x[0,1,2,0]=0.5 × w[1,0,0,0]=2 → y[0,2,4,0] += 1 = 3.25`, or for a dropped tap
    /// `x[..]=0.5 × w[..]=2 = 1 → dropped: (-1,3) is outside the output`.
    public static func stepLine(_ step: ScatterStep, options: RenderOptions = .standard) -> String {
        let p = options.precision
        let lhs = "x" + NumberFormat.list(step.inputIndex) + "=" + NumberFormat.format(step.inputValue, precision: p)
            + " " + options.times + " w" + NumberFormat.list(step.filterIndex) + "=" + NumberFormat.format(step.weight, precision: p)
        if let out = step.outputIndex, let running = step.runningValue {
            return lhs + " " + options.arrow + " y" + NumberFormat.list(out) + " += "
                + NumberFormat.format(step.product, precision: p) + " = " + NumberFormat.format(running, precision: p)
        }
        let position = step.outputPosition.map(String.init).joined(separator: ",")
        return lhs + " = " + NumberFormat.format(step.product, precision: p) + " " + options.arrow
            + " dropped: (" + position + ") is outside the output"
    }

    /// One line for a whole input element: `x[0,1,2,0]=0.5 → 9 taps x 3 out channels:
    /// 24 added, 3 dropped; y[0,2,4,0] += 1 = 3.25, ...`.
    public static func elementLine(_ m: StepModel, steps: Range<Int>, options: RenderOptions = .standard,
                                   maxTerms: Int = 6) -> String {
        guard let first = steps.first, first >= 0, first < m.trace.count else { return "" }
        let s0 = m.trace.step(first)
        let p = options.precision
        var landed = [String](), dropped = 0, added = 0
        for k in steps {
            let f = m.tap(ofStep: k)
            let o = m.landing(input: m.inputPosition(ofStep: k), tap: f)
            if m.isInside(o) {
                added += 1
                if landed.count < maxTerms {
                    let step = m.trace.step(k)
                    if let out = step.outputIndex, let running = step.runningValue {
                        landed.append("y" + NumberFormat.list(out) + " += " + NumberFormat.format(step.product, precision: p)
                                      + " = " + NumberFormat.format(running, precision: p))
                    }
                }
            } else {
                dropped += 1
            }
        }
        var text = "x" + NumberFormat.list(s0.inputIndex) + "=" + NumberFormat.format(s0.inputValue, precision: p) + " "
            + options.arrow + " \(m.taps) tap\(m.taps == 1 ? "" : "s")"
        if m.perGroupImage > 1 { text += " " + options.times + " \(m.perGroupImage) out channels" }
        text += ": \(added) added, \(dropped) dropped"
        if !landed.isEmpty { text += "; " + landed.joined(separator: "; ") }
        if added > landed.count { text += "; ..." }
        return text
    }

    /// The header: the call, shapes with layouts, and the parameters.
    public static func header(_ m: StepModel, options: RenderOptions = .standard) -> [String] {
        StepPanels.header(m, options: options)
    }

    /// The whole `%step` as text: the header, then one line per step (`granularity == .tap`) or
    /// per input element, numbered, at most `limit` of them followed by a line saying how many
    /// were left out. Steps are produced lazily, so a huge trace costs only what is printed.
    public static func lines(_ m: StepModel, granularity: StepGranularity = .tap, limit: Int = 1000,
                             options: RenderOptions = .standard) -> [String] {
        var out = header(m, options: options)
        let count = granularity == .tap ? m.trace.count : m.trace.elementCount
        let shown = min(count, max(0, limit))
        let width = String(count).count
        for n in 0..<shown {
            let number = NumberFormat.leftPad(String(n + 1), width)
            switch granularity {
            case .tap:
                out.append("step " + number + "  " + stepLine(m.trace.step(n), options: options))
            case .element:
                let spe = m.trace.stepsPerElement
                out.append("element " + number + "  " + elementLine(m, steps: (n * spe)..<((n + 1) * spe), options: options))
            }
        }
        if count > shown {
            out.append("... \(count - shown) more \(granularity == .tap ? "steps" : "elements") (\(count) in all)")
        }
        if count == 0 { out.append("(no steps: the input or the kernel is empty)") }
        return out
    }
}
