import TConvEngine

extension ScriptSession {
    /// `%shapes CALL`: the shape solver's answer as tables.
    func shapes(_ statement: Statement) throws(ScriptError) -> [ScriptEvent] {
        let (op, arguments, bound) = try opCall(statement, command: "%shapes", needsOutputShape: false)
        let solution: ShapeSolver.Solution
        do {
            solution = try ShapeSolver.solve(op, arguments)
        } catch {
            throw Builtins.engineError(error, op: op, args: bound, interpreter: interpreter)
        }
        func shape(_ names: [String]) -> [Int] {
            for n in names { if case .tensor(let t) = arguments[n] { return t.shape } }
            return []
        }
        return [.text(ShapesReport.text(solution, input: shape(["input", "value"]), filters: shape(["filters", "filter"])))]
    }
}

/// Text of a shape-solver answer: one table per spatial axis, then the full output shapes.
public enum ShapesReport {
    /// Largest number of full `output_shape`s listed one by one.
    public static let listLimit = 16

    public static func text(_ solution: ShapeSolver.Solution, input: [Int] = [], filters: [Int] = []) -> String {
        var lines = [String]()
        let op = solution.op
        var heading = op.qualifiedName
        if !input.isEmpty { heading += ": input " + bracket(input) + " " + solution.dataFormat.name }
        if !filters.isEmpty { heading += ", filters " + bracket(filters) + " [" + kernelLetters(solution.axes.count) + ", Cout, Cin]" }
        lines.append(heading)
        for axis in solution.axes {
            lines.append("")
            var head = "axis \(axis.letter): input \(axis.inputSize), kernel \(axis.kernel), stride \(axis.stride)"
            if axis.dilation != 1 { head += ", dilation \(axis.dilation) (extent \(axis.effectiveKernel))" }
            head += ", padding \(axis.padding)"
            guard let range = axis.range else {
                lines.append(head + ": no output size is valid")
                continue
            }
            let count = range.upperBound - range.lowerBound + 1
            head += range.lowerBound == range.upperBound ? " -> \(axis.letter) = \(range.lowerBound)"
                : " -> \(axis.letter) in \(range.lowerBound)...\(range.upperBound) (\(count) choices)"
            lines.append(head)
            let torchName = "PyTorch conv_transpose\(solution.axes.count)d"
            var rows = [["O", "pad before", "pad after", torchName]]
            var options = axis.options
            var elided = false
            if options.count > listLimit {
                options = Array(options.prefix(listLimit / 2)) + Array(options.suffix(listLimit / 2))
                elided = true
            }
            for (i, option) in options.enumerated() {
                if elided && i == listLimit / 2 { rows.append(["...", "", "", ""]) }
                rows.append([String(option.size), String(option.padBefore), String(option.padAfter), option.torch.description])
            }
            lines += table(rows, rightAligned: 3).map { "  " + $0 }
        }
        lines.append("")
        let combinations = solution.combinations
        if combinations == 0 {
            lines.append("no output_shape is valid for this input, kernel, stride and padding")
        } else if combinations <= listLimit {
            var shapes = [[Int64]]()
            func walk(_ axis: Int, _ sizes: [Int64]) {
                if axis == solution.axes.count { shapes.append(solution.outputShape(sizes: sizes)); return }
                for option in solution.axes[axis].options { walk(axis + 1, sizes + [option.size]) }
            }
            walk(0, [])
            lines.append("valid output_shape (\(combinations)): " + shapes.map { "[" + $0.map(String.init).joined(separator: ", ") + "]" }
                .joined(separator: "  "))
        } else {
            let letters = solution.axes.map(\.letter)
            let symbolic = solution.outputShape(sizes: solution.axes.map { _ in 0 }).map(String.init)
            var parts = symbolic
            let spatialStart = solution.channelsFirst ? 2 : 1
            for (j, letter) in letters.enumerated() { parts[spatialStart + j] = letter }
            let ranges = solution.axes.compactMap { a in a.range.map { "\(a.letter) in \($0.lowerBound)...\($0.upperBound)" } }
            lines.append("valid output_shape (\(combinations)): [" + parts.joined(separator: ", ") + "] with " + ranges.joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }

    private static func bracket(_ shape: [Int]) -> String { "[" + shape.map(String.init).joined(separator: ",") + "]" }

    private static func kernelLetters(_ n: Int) -> String {
        Array(["KD", "KH", "KW"].suffix(n)).joined(separator: ", ")
    }

    /// Columns padded to their widest cell; the first `rightAligned` columns are right-aligned.
    static func table(_ rows: [[String]], rightAligned: Int) -> [String] {
        let columns = rows.map(\.count).max() ?? 0
        let widths = (0..<columns).map { c in rows.map { c < $0.count ? $0[c].count : 0 }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { c, cell in
                c < rightAligned ? String(repeating: " ", count: widths[c] - cell.count) + cell : cell.padding(widths[c])
            }.joined(separator: "  ").trailingSpacesRemoved
        }
    }
}
