import Foundation
import Testing
@testable import TConvScript
import TConvEngine

/// `%translate` on seeded random configurations, checked numerically through the language twice:
/// the command's own check line, and by running the Python it prints in the same session (tconv
/// speaks both dialects) and comparing with the original call.
@Suite struct TranslateTests {
    /// One random call with its operands, as statements.
    struct Case {
        var setup: [String]
        var call: String
        /// The printed Python can run inside tconv (no list comprehension for grouped TF calls).
        var runnable = true
    }

    static func list(_ values: [Int]) -> String { "[" + values.map(String.init).joined(separator: ", ") + "]" }

    static func tfTensor(_ name: String, _ shape: [Int], _ rng: inout TestRandom, dtype: String) -> String {
        "\(name) = tf.constant(\(pythonList(rng.eighths(shape.reduce(1, *)))), shape=\(list(shape)), dtype=tf.\(dtype))"
    }

    static func torchTensor(_ name: String, _ shape: [Int], _ rng: inout TestRandom, dtype: String) -> String {
        "\(name) = torch.tensor(\(pythonList(rng.eighths(shape.reduce(1, *)))), dtype=torch.\(dtype)).reshape\(pythonShape(shape))"
    }

    /// A TensorFlow transposed or forward conv: 1-D/2-D/3-D, SAME/VALID/explicit, strides,
    /// dilations, every accepted output size (so odd crops appear), channels first or last.
    static func tfCase(_ rng: inout TestRandom) -> Case {
        if rng.int(0...7) == 0 { return atrousCase(&rng) }
        let n = rng.int(1...3)
        let dtype = rng.pick(["float32", "float64"])
        let transposed = rng.int(0...3) > 0
        let cin = rng.int(1...3), cout = rng.int(1...3)
        let size = (0..<n).map { _ in rng.int(1...(n == 3 ? 3 : 5)) }
        let kernel = (0..<n).map { _ in rng.int(1...3) }
        let strides = (0..<n).map { _ in rng.int(1...3) }
        let dilations = strides.allSatisfy({ $0 == 1 }) || n == 2 ? (0..<n).map { _ in rng.int(1...2) } : Array(repeating: 1, count: n)
        let channelsFirst = n < 3 && rng.int(0...3) == 0
        let formats = [["NWC", "NCW"], ["NHWC", "NCHW"], ["NDHWC", "NCDHW"]][n - 1]
        func data(_ spatial: [Int], _ c: Int) -> [Int] { channelsFirst ? [1, c] + spatial : [1] + spatial + [c] }
        var padding = rng.pick(["\"SAME\"", "\"VALID\""])
        var rules: [PaddingRule] = Array(repeating: padding == "\"SAME\"" ? .same : .valid, count: n)
        if n == 2 && transposed && !channelsFirst && rng.bool() {
            let pads = (0..<2).map { _ in (Int64(rng.int(0...2)), Int64(rng.int(0...2))) }
            rules = pads.map { .explicit(before: $0.0, after: $0.1) }
            padding = "[[0, 0], " + pads.map { "[\($0.0), \($0.1)]" }.joined(separator: ", ") + ", [0, 0]]"
        }
        let opName = transposed ? ["tf.nn.conv1d_transpose", "tf.nn.conv2d_transpose", "tf.nn.conv3d_transpose"][n - 1]
            : ["tf.nn.conv1d", "tf.nn.conv2d", "tf.nn.conv3d"][n - 1]
        var setup = [tfTensor("w", kernel + (transposed ? [cout, cin] : [cin, cout]), &rng, dtype: dtype)]
        let format = channelsFirst ? formats[1] : formats[0]
        if transposed {
            var output = [Int]()
            for j in 0..<n {
                let range = ConvArithmetic.acceptedOutputSizes(inputSize: Int64(size[j]), kernel: Int64(kernel[j]), stride: Int64(strides[j]),
                                                                dilation: Int64(dilations[j]), padding: rules[j])
                output.append(Int(range.map { Int64(rng.int(Int($0.lowerBound)...Int($0.upperBound))) } ?? 1))
            }
            setup.append(tfTensor("x", data(size, cin), &rng, dtype: dtype))
            return Case(setup: setup, call: "\(opName)(x, w, output_shape=\(list(data(output, cout))), strides=\(list(strides)), padding=\(padding), data_format=\"\(format)\", dilations=\(list(dilations)))")
        }
        setup.append(tfTensor("x", data(size.map { $0 + 2 }, cin), &rng, dtype: dtype))
        let strideText = n == 1 ? "stride=\(strides[0])" : n == 3 ? "strides=[1, \(strides.map(String.init).joined(separator: ", ")), 1]" : "strides=\(list(strides))"
        let dilationText = n == 3 ? "" : ", dilations=\(list(dilations))"
        return Case(setup: setup, call: "\(opName)(x, w, \(strideText), padding=\(padding), data_format=\"\(format)\"\(dilationText))")
    }

    /// tf.nn.atrous_conv2d_transpose / atrous_conv2d (stride 1, dilation = rate).
    static func atrousCase(_ rng: inout TestRandom) -> Case {
        let rate = rng.int(1...3), k = rng.int(1...3), size = rng.int(1...4)
        let cin = rng.int(1...2), cout = rng.int(1...2)
        let same = rng.bool()
        let padding = same ? "\"SAME\"" : "\"VALID\""
        if rng.bool() {
            let out = same ? size : size + (k - 1) * rate
            return Case(setup: [tfTensor("w", [k, k, cout, cin], &rng, dtype: "float32"), tfTensor("x", [1, size, size, cin], &rng, dtype: "float32")],
                        call: "tf.nn.atrous_conv2d_transpose(x, w, output_shape=[1, \(out), \(out), \(cout)], rate=\(rate), padding=\(padding))")
        }
        return Case(setup: [tfTensor("w", [k, k, cin, cout], &rng, dtype: "float64"), tfTensor("x", [1, size + 3, size + 2, cin], &rng, dtype: "float64")],
                    call: "tf.nn.atrous_conv2d(x, w, rate=\(rate), padding=\(padding))")
    }

    /// A PyTorch transposed or forward conv: stride, padding, output_padding, dilation, groups,
    /// bias, unbatched inputs, 'same'/'valid'.
    static func torchCase(_ rng: inout TestRandom) -> Case {
        let n = rng.int(1...3)
        let dtype = rng.pick(["float32", "float64"])
        let transposed = rng.bool()
        let groups = rng.pick([1, 1, 2])
        let cin = groups * rng.int(1...2), coutG = rng.int(1...2)
        let size = (0..<n).map { _ in rng.int(1...(n == 3 ? 3 : 5)) }, kernel = (0..<n).map { _ in rng.int(1...3) }
        let s = (0..<n).map { _ in rng.int(1...3) }, d = (0..<n).map { _ in rng.int(1...2) }, p = (0..<n).map { _ in rng.int(0...2) }
        let unbatched = rng.int(0...3) == 0
        let name = (rng.bool() ? "F." : "torch.") + (transposed ? "conv_transpose\(n)d" : "conv\(n)d")
        var setup = ["import torch.nn.functional as F"]
        setup.append(torchTensor("x", (unbatched ? [] : [rng.int(1...2)]) + [cin] + (transposed ? size : size.map { $0 + 2 }), &rng, dtype: dtype))
        setup.append(torchTensor("w", (transposed ? [cin, coutG] : [coutG * groups, cin / groups]) + kernel, &rng, dtype: dtype))
        var arguments = ["x", "w"]
        if rng.bool() {
            setup.append(torchTensor("b", [coutG * groups], &rng, dtype: dtype))
            arguments.append("bias=b")
        }
        arguments.append("stride=\(list(s))")
        if transposed {
            arguments.append("padding=\(list(p))")
            arguments.append("output_padding=\(list((0..<n).map { rng.int(0...(max(s[$0], d[$0]) - 1)) }))")
        } else {
            arguments.append(s.allSatisfy { $0 == 1 } && rng.bool() ? "padding='same'" : "padding=\(list(p))")
        }
        arguments += ["dilation=\(list(d))", "groups=\(groups)"]
        return Case(setup: setup, call: "\(name)(" + arguments.joined(separator: ", ") + ")", runnable: !(transposed && groups > 1))
    }

    /// Runs the case: `%translate`, its check line, then its Python in the same session against the call.
    func check(_ c: Case) -> (ran: Bool, issue: String?) {
        let session = ScriptSession()
        if let error = firstError(session.expectNoErrors(c.setup)) { return (false, "setup failed: \(error)") }
        let reference = session.run("y_ref = " + c.call)
        if reference.contains(where: \.isError) { return (false, nil) }  // an invalid random configuration
        let events = session.run("%translate y_tr = " + c.call)
        if let error = firstError(events) {
            // An empty TF result has no PyTorch counterpart; the error says so.
            if session.array("y_ref")?.count == 0, error.contains("has no call that does") { return (true, nil) }
            return (true, "\(c.call)\n\(error)")
        }
        let texts = events.compactMap { if case .text(let t) = $0 { return t } else { return nil } }
        guard let code = texts.first, let verdict = texts.last, texts.count == 2 else { return (true, "\(c.call): unexpected output \(texts)") }
        guard verdict == "checked: identical (max |diff| = 0)" else { return (true, "\(c.call)\n\(code)\n\(verdict)") }
        guard c.runnable else { return (true, nil) }
        // The printed Python, run by tconv itself, gives the call's numbers.
        for event in session.runScript(code, source: "<translation>") where event.isError {
            return (true, "\(c.call)\n\(code)\nthe printed code fails in tconv: \(event.plainText ?? "")")
        }
        guard let translated = session.array("y_tr"), let original = session.array("y_ref") else { return (true, "\(c.call): no y_tr") }
        if translated.shape != original.shape || translated.doubles != original.doubles {
            return (true, "\(c.call)\n\(code)\nthe printed code gives \(translated.shape) \(translated.doubles), the call \(original.shape) \(original.doubles)")
        }
        return (true, nil)
    }

    @Test func tensorFlowCallsTranslateToPyTorch() {
        var rng = TestRandom(seed: 0x7F0)
        var ran = 0, attempts = 0
        while ran < 80 && attempts < 400 {
            attempts += 1
            let (didRun, issue) = check(Self.tfCase(&rng))
            if let issue { Issue.record(Comment(rawValue: issue)) }
            if didRun { ran += 1 }
        }
        #expect(ran >= 80)
    }

    @Test func pyTorchCallsTranslateToTensorFlow() {
        var rng = TestRandom(seed: 0x70F)
        var ran = 0, attempts = 0
        while ran < 80 && attempts < 400 {
            attempts += 1
            let (didRun, issue) = check(Self.torchCase(&rng))
            if let issue { Issue.record(Comment(rawValue: issue)) }
            if didRun { ran += 1 }
        }
        #expect(ran >= 80)
    }

    /// The printed Python, run in the real framework (PyTorch for TF calls, TensorFlow for PyTorch
    /// calls) on the same operands, gives the values tconv computed. Needs `TCONV_PYTHON`.
    @Test(arguments: [true, false])
    func printedCodeRunsInTheRealFramework(fromTF: Bool) throws {
        let module = fromTF ? "torch" : "tensorflow"
        guard fromTF ? Python.torchAvailable : Python.tensorflowAvailable else {
            print("skipped: \(Python.interpreter) cannot import \(module) (set TCONV_PYTHON to an interpreter with it to run the printed translations)")
            return
        }
        var rng = TestRandom(seed: fromTF ? 0xA1 : 0xA2)
        var programs = [String](), calls = [String]()
        var attempts = 0
        while programs.count < 30 && attempts < 300 {
            attempts += 1
            let c = fromTF ? Self.tfCase(&rng) : Self.torchCase(&rng)
            let session = ScriptSession()
            guard firstError(session.expectNoErrors(c.setup + ["y_ref = " + c.call])) == nil else { continue }
            let events = session.run("%translate y_tr = " + c.call)
            guard firstError(events) == nil, case .text(let code)? = events.first, let expected = session.array("y_ref") else { continue }
            let notes = events.compactMap { if case .note(let n) = $0 { return n } else { return nil } }
            // TF's CPU kernels refuse a few configurations tconv computes (said in a note).
            if notes.contains(where: { $0.contains("refuse") || $0.contains("reject") }) { continue }
            var lines = [String]()
            for name in ["x", "w", "b"] {
                guard let a = session.array(name) else { continue }
                let type = a.kind == .float32 ? "np.float32" : "np.float64"
                lines.append("\(name) = " + PythonExport.array(a.tensor, type: type, kind: a.kind))
            }
            lines += code.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("import ") }
            lines.append("expected = " + PythonExport.array(expected.tensor, type: "np.float64", kind: .float64))
            lines.append("got = np.asarray(y_tr)")
            lines.append("assert got.shape == expected.shape, (got.shape, expected.shape, \(PythonLiteral.text(.string(c.call)) ?? "''"))")
            lines.append("np.testing.assert_array_equal(got, expected, err_msg=\(PythonLiteral.text(.string(c.call)) ?? "''"))")
            programs.append(lines.joined(separator: "\n"))
            calls.append(c.call)
        }
        #expect(programs.count >= 20)
        var script = "import os\nos.environ['TF_CPP_MIN_LOG_LEVEL'] = '3'\nimport numpy as np\nimport \(module)\(fromTF ? "" : " as tf")\nfailed = 0\n"
        for (i, program) in programs.enumerated() {
            script += "def case_\(i)():\n    " + (PythonLiteral.text(.string(calls[i])) ?? "''") + "\n" + program.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n") + "\n"
            script += "try:\n    case_\(i)()\n    print('OK')\nexcept Exception as e:\n    failed += 1\n    print('FAIL', case_\(i).__doc__, type(e).__name__, str(e)[:1500])\n"
        }
        script += "raise SystemExit(1 if failed else 0)\n"
        let folder = TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("translations.py").path
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        let result = Python.run([path])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.components(separatedBy: "OK").count - 1 == programs.count)
    }

    /// The textbook case: TF's SAME crop of the odd cell at the end becomes PyTorch's padding plus
    /// a slice; the names are the user's, the result is named after the assignment.
    @Test func printsTheUsersNamesNotesAndTheCheck() {
        let session = ScriptSession()
        _ = session.run("x = tf.ones([1, 4, 4, 3])", "w = tf.ones([3, 3, 2, 3])")
        let lines = session.output("%translate up = tf.nn.conv2d_transpose(x, w, output_shape=[1, 8, 8, 2], strides=2, padding=\"SAME\")")
        #expect(lines.contains("x_t = torch.as_tensor(x).permute(0, 3, 1, 2)"))
        #expect(lines.contains("w_t = torch.as_tensor(w).permute(3, 2, 0, 1)"))
        #expect(lines.contains("y = torch.nn.functional.conv_transpose2d(x_t, w_t, stride=(2, 2), padding=(0, 0), output_padding=(0, 0), dilation=(1, 1))"))
        #expect(lines.contains("y = y[..., 0:8, 0:8]  # the window TF keeps"))
        #expect(lines.contains("up = y"))
        #expect(lines.contains("note: axis H: TF crops the odd cell at the end; PyTorch crops symmetrically, so the last cell is sliced off"))
        #expect(lines.last == "checked: identical (max |diff| = 0)")
        // The other size, 7, needs no slice: padding=1.
        let seven = session.output("%translate tf.nn.conv2d_transpose(x, w, output_shape=[1, 7, 7, 2], strides=2, padding=\"SAME\")")
        #expect(seven.contains("y = torch.nn.functional.conv_transpose2d(x_t, w_t, stride=(2, 2), padding=(1, 1), output_padding=(0, 0), dilation=(1, 1))"))
        #expect(!seven.contains { $0.hasPrefix("y = y[") })
        // Operands that are expressions get names of their own.
        let expression = session.output("%translate F.conv_transpose1d(torch.ones(1, 2, 3), torch.ones(2, 1, 3), stride=2)")
        #expect(expression.first?.hasPrefix("error[name]") == true)  // F needs its import first
        _ = session.run("import torch.nn.functional as F")
        let named = session.output("%translate F.conv_transpose1d(torch.ones(1, 2, 3), torch.ones(2, 1, 3), stride=2)")
        #expect(named.contains("x_in = torch.ones(1, 2, 3)") && named.contains("w_in = torch.ones(2, 1, 3)"))
        #expect(named.last == "checked: identical (max |diff| = 0)")
    }

    @Test func refusesWhatIsNotAConvolutionCall() {
        let session = ScriptSession()
        #expect(session.output("%translate").first?.hasPrefix("error[syntax]: %translate needs code after it") == true)
        #expect(session.output("%translate 1 + 2").first?.hasPrefix("error[syntax]: %translate takes a call") == true)
        #expect(session.output("%translate np.zeros(3)").first?.hasPrefix("error[type]: %translate takes a call of a convolution; np.zeros is not one") == true)
        // An invalid call reports the op's own error.
        _ = session.run("x = tf.ones([1, 4, 4, 3])", "w = tf.ones([3, 3, 2, 3])")
        #expect(session.output("%translate tf.nn.conv2d_transpose(x, w, output_shape=[1, 9, 9, 2], strides=2)").first?
                    .hasPrefix("error[inconsistent_output_shape]") == true)
    }
}
