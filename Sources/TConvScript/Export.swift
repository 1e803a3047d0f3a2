import Foundation
import TConvEngine

/// `%export tf|torch|numpy FILE`: the session's last convolution as a runnable Python unit test.
/// The file rebuilds the operands exactly (every float written as Python's repr, which reads back
/// to the same float32/float64), runs the call in the chosen framework (the other framework's
/// call comes from `Translator`; numpy gets a plain loop implementing TensorFlow's definition),
/// and checks tconv's values with `np.testing.assert_allclose` at the golden set's tolerances.
enum PythonExport {
    enum Format: String, CaseIterable {
        case tf, torch, numpy, md
    }

    /// The test file for `call` in `format` (not `md`).
    static func script(_ call: OpCall, format: Format) throws(ScriptError) -> String {
        let n = call.plan.problem.rank
        // TF's convolutions take no int64: an integer PyTorch call is exported to TF in float64 (exact).
        let floatType = call.kind == .float32 ? "np.float32" : (call.kind.isFloat || format == .tf ? "np.float64" : "np.int64")
        let (rtol, atol) = call.kind == .float32 ? ("1e-05", "1e-06") : ("1e-12", "1e-12")
        let framework: String
        switch format {
        case .tf: framework = "TensorFlow"
        case .torch: framework = "PyTorch"
        default: framework = "numpy"
        }
        let testName = "test_" + (call.function.split(separator: ".").last.map(String.init) ?? "conv")
        var lines = [
            "# Exported by tconv (%export \(format.rawValue)): \(call.title)",
            "# A ready unit test: it rebuilds the operands exactly, computes the call in \(framework) and checks",
            "# the values tconv computed (tolerance: float32 rtol=1e-05, atol=1e-06; float64 1e-12).",
            "# Run it with `python3 FILE` or `pytest FILE`.",
        ]
        if case .tf = call.framework, !call.plan.tfCPURefusals.isEmpty, format == .tf {
            lines.append("# Note: TensorFlow's CPU kernels may refuse this configuration: " + call.plan.tfCPURefusals.joined(separator: "; "))
        }
        lines += ["import os", "os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '3')", "import numpy as np"]
        switch format {
        case .tf: lines.append("import tensorflow as tf")
        case .torch: lines.append("import torch")
        default: break
        }
        lines.append("")
        lines.append("x = " + array(call.input, type: floatType, kind: call.kind))
        lines.append("w = " + array(call.filter, type: floatType, kind: call.kind))
        if let bias = call.bias { lines.append("b = " + array(bias, type: floatType, kind: call.kind)) }
        lines.append("expected = " + array(call.result, type: floatType, kind: call.kind))
        lines.append("")
        var body = [String]()
        switch (format, call.framework) {
        case (.tf, .tf(let op)):
            let args = ["\(call.inputKeyword)=tf.constant(x)", "\(call.filterKeyword)=tf.constant(w)"] + call.options.map { "\($0.name)=\($0.python)" }
            body.append("y = \(op.qualifiedName)(" + args.joined(separator: ", ") + ")")
        case (.torch, .torch(let op)):
            var args = ["torch.from_numpy(x)", "torch.from_numpy(w)"]
            if call.bias != nil { args.append("bias=torch.from_numpy(b)") }
            args += call.options.map { "\($0.name)=\($0.python)" }
            body.append("y = \(op.qualifiedName)(" + args.joined(separator: ", ") + ")")
        case (.tf, .torch), (.torch, .tf):
            var translatable = call
            translatable.inputText = "x"
            translatable.filterText = "w"
            translatable.biasText = "b"
            let translated = try CallTranslator.translate(translatable, resultName: "y")
            body += translated.python.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("import ") }
            // Remarks on the translation (e.g. configurations TF's CPU kernels refuse) go in the header.
            let remarks = translated.notes.map { "# Note: " + $0 }
            if let imports = lines.firstIndex(of: "import os") { lines.insert(contentsOf: remarks, at: imports) }
        default:
            body += numpyBody(call)
        }
        body.append("np.testing.assert_allclose(np.asarray(y), expected, rtol=\(rtol), atol=\(atol))")
        if format == .numpy {
            lines += numpyReference(transposed: call.plan.transposed)
            lines.append("")
        }
        lines.append("def \(testName)():")
        lines += body.map { "    " + $0 }
        lines += ["", "", "if __name__ == '__main__':", "    \(testName)()",
                  "    print('OK: \(framework) gives the values tconv computed (\(shapeText(call.result.shape)), \(n)-D)')"]
        return lines.joined(separator: "\n") + "\n"
    }

    /// `np.array([...], dtype=np.float32).reshape((1, 2, 2, 1))`, wrapped at about 100 columns.
    static func array(_ t: Tensor, type: String, kind: ElementKind) -> String {
        let values = t.doubles.map { kind.isFloat ? PythonLiteral.float($0) : Printing.integerText($0) }
        var rows = [String]()
        var line = ""
        for v in values {
            if line.count + v.count > 96 { rows.append(line); line = "" }
            line += v + ", "
        }
        if !line.isEmpty { rows.append(line) }
        let shape = "(" + t.shape.map(String.init).joined(separator: ", ") + (t.shape.count == 1 ? ",)" : ")")
        let inner = rows.map { "    " + $0.trailingSpacesRemoved }.joined(separator: "\n")
        return "np.array([\n" + inner + "\n], dtype=\(type)).reshape(\(shape))"
    }

    // MARK: - numpy

    /// The statements that compute `y` with the reference loops, converting layouts around them.
    static func numpyBody(_ call: OpCall) -> [String] {
        let p = call.plan.problem, n = p.rank
        var lines = [String]()
        let batched = call.plan.transposed ? p.featureShape : p.imageShape
        let ints: ([Int]) -> String = { "(" + $0.map(String.init).joined(separator: ", ") + ($0.count == 1 ? ",)" : ")") }
        lines.append("xb = np.asarray(x, dtype=np.float64).reshape(\(ints(batched)))  # [N, \(p.channelsFirst ? "C, spatial.." : "spatial.., C")]")
        let toLast = [0] + Array(2..<(n + 2)) + [1]
        let toFirst = [0, n + 1] + Array(1...n)
        lines.append(p.channelsFirst ? "xc = np.transpose(xb, \(ints(toLast)))  # channels last" : "xc = xb")
        if case .torch = call.framework {
            lines.append("wk = np.transpose(np.asarray(w, dtype=np.float64), \(ints(Array(2..<(n + 2)) + [1, 0])))  # PyTorch's [A, B, k..] -> [k.., B, A]")
        } else {
            lines.append("wk = np.asarray(w, dtype=np.float64)  # [k.., \(call.plan.transposed ? "Cout/groups, Cin" : "Cin/groups, Cout")]")
        }
        let spatialOut = call.plan.transposed ? p.image : p.feature
        let function = call.plan.transposed ? "conv_transpose_scatter" : "conv_direct"
        lines.append("y = \(function)(xc, wk, out_spatial=\(ints(spatialOut)), strides=\(ints(p.strides)), dilations=\(ints(p.dilations)), pad_before=\(ints(p.padBefore)), groups=\(p.groups))")
        if call.bias != nil { lines.append("y = y + np.asarray(b, dtype=np.float64)  # the bias, per channel") }
        if p.channelsFirst { lines.append("y = np.transpose(y, \(ints(toFirst)))  # back to channels first") }
        lines.append("y = y.reshape(\(ints(call.result.shape)))")
        return lines
    }

    /// The two reference functions, written to be read next to TF's definition.
    static func numpyReference(transposed: Bool) -> [String] {
        if transposed {
            return [
                "def conv_transpose_scatter(x, w, out_spatial, strides, dilations, pad_before, groups=1):",
                "    \"\"\"TensorFlow's transposed convolution by its definition, a scatter.",
                "",
                "    x: [N, I.., Cin] (channels last), w: [K.., Cout/groups, Cin], result: [N, O.., Cout].",
                "    Input cell i sends x[b, i, :] through kernel tap k to output cell",
                "    o = i*stride + k*dilation - pad_before on every spatial axis; cells outside [0, O) are dropped.",
                "    The kernel is not flipped.",
                "    \"\"\"",
                "    n = x.ndim - 2",
                "    cin_g = x.shape[-1] // groups",
                "    cout_g = w.shape[-2]",
                "    out = np.zeros((x.shape[0],) + tuple(out_spatial) + (cout_g * groups,))",
                "    for b in range(x.shape[0]):",
                "        for i in np.ndindex(*x.shape[1:-1]):",
                "            for k in np.ndindex(*w.shape[:n]):",
                "                o = tuple(i[j] * strides[j] + k[j] * dilations[j] - pad_before[j] for j in range(n))",
                "                if all(0 <= o[j] < out_spatial[j] for j in range(n)):",
                "                    for g in range(groups):",
                "                        ci = slice(g * cin_g, (g + 1) * cin_g)",
                "                        co = slice(g * cout_g, (g + 1) * cout_g)",
                "                        out[(b,) + o + (co,)] += w[k][:, ci] @ x[(b,) + i + (ci,)]",
                "    return out",
            ]
        }
        return [
            "def conv_direct(x, w, out_spatial, strides, dilations, pad_before, groups=1):",
            "    \"\"\"TensorFlow's forward convolution by its definition (a cross-correlation).",
            "",
            "    x: [N, H.., Cin] (channels last), w: [K.., Cin/groups, Cout], result: [N, OH.., Cout]:",
            "    y[b, q, co] = sum over k, ci of x[b, q*stride + k*dilation - pad_before, ci] * w[k, ci, co];",
            "    positions outside the input count as 0.",
            "    \"\"\"",
            "    n = x.ndim - 2",
            "    cin_g = w.shape[-2]",
            "    cout_g = w.shape[-1] // groups",
            "    out = np.zeros((x.shape[0],) + tuple(out_spatial) + (w.shape[-1],))",
            "    for b in range(x.shape[0]):",
            "        for q in np.ndindex(*out_spatial):",
            "            for k in np.ndindex(*w.shape[:n]):",
            "                p = tuple(q[j] * strides[j] + k[j] * dilations[j] - pad_before[j] for j in range(n))",
            "                if all(0 <= p[j] < x.shape[1 + j] for j in range(n)):",
            "                    for g in range(groups):",
            "                        ci = slice(g * cin_g, (g + 1) * cin_g)",
            "                        co = slice(g * cout_g, (g + 1) * cout_g)",
            "                        out[(b,) + q + (co,)] += x[(b,) + p + (ci,)] @ w[k][:, co]",
            "    return out",
        ]
    }
}

extension ScriptSession {
    /// `%export tf|torch|numpy|md FILE`.
    func export(_ argument: String) throws(ScriptError) -> [ScriptEvent] {
        let words = argument.split(separator: " ", maxSplits: 1).map(String.init)
        let formats = PythonExport.Format.allCases.map(\.rawValue).joined(separator: "|")
        if words.first?.lowercased() == "cast" { return try exportCast(words.count == 2 ? words[1] : "") }
        guard let first = words.first, let format = PythonExport.Format(rawValue: first.lowercased()) else {
            throw ScriptError.syntax("%export takes a format (\(formats)) and a file name, e.g. %export torch test_case.py", nil,
                                     notes: ["%export cast FILE records the session's replay as an asciicast for the web"])
        }
        guard words.count == 2, !words[1].trimmingCharacters().isEmpty else {
            throw ScriptError.syntax("%export \(format.rawValue) needs a file name", nil)
        }
        var path = Self.path(words[1])
        if !(path as NSString).lastPathComponent.contains(".") { path += format == .md ? ".md" : ".py" }
        let text: String
        let what: String
        if format == .md {
            text = MarkdownTranscript.render(history.filter(\.saved))
            what = "a Markdown transcript of \(history.filter(\.saved).count) input\(history.filter(\.saved).count == 1 ? "" : "s")"
        } else {
            guard let call = interpreter.lastOpCall else {
                throw ScriptError.value("%export \(format.rawValue): no convolution has run in this session yet", nil,
                                        notes: ["run one (e.g. y = tf.nn.conv2d_transpose(...)), then %export \(format.rawValue) FILE"])
            }
            text = try PythonExport.script(call, format: format)
            what = "a \(["tf": "TensorFlow", "torch": "PyTorch", "numpy": "numpy"][format.rawValue] ?? "") test of \(call.title) (run: python3 \(path))"
        }
        try interpreter.authorizeWrite(path, by: "%export", span: nil)
        do {
            try AtomicFile.write(Array(text.utf8), to: path)
        } catch {
            throw ScriptError.io("%export: \(error.message)", nil)
        }
        return [.text("wrote \(path): \(what)")]
    }
}

extension ScriptSession {
    /// `%export cast FILE`: the session replayed as an asciicast v2 recording. Drawing the frames
    /// needs the views, so the front end writes the file when it sees the `export-cast` setting;
    /// the write is authorised here first, like every other write.
    func exportCast(_ file: String) throws(ScriptError) -> [ScriptEvent] {
        guard !file.trimmingCharacters().isEmpty else { throw ScriptError.syntax("%export cast needs a file name", nil) }
        var path = Self.path(file)
        if !(path as NSString).lastPathComponent.contains(".") { path += ".cast" }
        try interpreter.authorizeWrite(path, by: "%export", span: nil)
        return [.setting(name: "export-cast", value: path)]
    }
}
