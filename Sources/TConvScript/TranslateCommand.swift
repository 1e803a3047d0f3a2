import Foundation
import TConvEngine

/// A call translated to the other framework with the engine's `Translator`: the Python to run
/// there (with the user's operand names), the remarks, and the translated call's numbers computed
/// by the engine on the same operands, in the source call's layout.
struct TranslatedCall {
    var translation: Translation
    /// `import ...`, a comment naming the layouts, then the code.
    var python: String
    var notes: [String]
    /// What the translated call gives (source layout, source shape).
    var result: Tensor
    /// The framework the code is for.
    var target: String
}

enum CallTranslator {
    /// Translates a recorded call. `resultName` is the variable the code assigns last.
    static func translate(_ call: OpCall, resultName: String) throws(ScriptError) -> TranslatedCall {
        let n = call.plan.problem.rank
        var prelude = [String]()
        func operand(_ text: String, _ fallback: String) -> String {
            if isIdentifier(text) { return text }
            prelude.append("\(fallback) = \(text)")
            return fallback
        }
        let inputName = operand(call.inputText, "x_in"), filterName = operand(call.filterText, "w_in")
        let kernel = Array(["KD", "KH", "KW"].suffix(n)).joined(separator: ", ")
        let spatial = Array(["D", "H", "W"].suffix(n)).joined(separator: ", ")
        var notes = [String]()
        var translated: Tensor
        let translation: Translation
        var code: String
        let header: String
        func run(_ t: Translation, _ x: Tensor, _ w: Tensor) throws(ScriptError) -> Tensor {
            do {
                return try t.run(input: x, filter: w)
            } catch {
                let target = t.direction == .tfToTorch ? "PyTorch" : "TensorFlow"
                var notes = error.valid.map { ["valid: \($0)"] } ?? []
                if call.result.count == 0 {
                    notes.append("the call returns an empty result of shape \(shapeText(call.result.shape)); \(target) has no call that does")
                }
                throw ScriptError(error.category.rawValue, "%translate: the \(target) call would fail: \(error.message)", notes: notes)
            }
        }
        switch call.framework {
        case .tf:
            let p = call.plan.problem
            let batchedShape = call.plan.transposed ? p.featureShape : p.imageShape
            guard call.input.shape == batchedShape else {
                throw ScriptError.value("cannot translate: an input of shape \(shapeText(call.input.shape)) has extra batch axes, which PyTorch's convolutions do not take; reshape it to \(shapeText(batchedShape)) first", nil)
            }
            translation = Translator.toTorch(call.plan)
            translated = try run(translation, call.input, call.filter)
            code = translation.python(input: inputName, filter: filterName, result: resultName)
            let weight = call.plan.transposed ? "[Cin, Cout, \(kernel)] (TF's [\(kernel), Cout, Cin] permuted)"
                : "[Cout, Cin/groups, \(kernel)] (TF's [\(kernel), Cin/groups, Cout] permuted)"
            header = "import torch\n# PyTorch: data [N, C, \(spatial)], weight \(weight)"
        case .torch:
            guard let torchPlan = call.torchPlan else { throw ScriptError.value("%translate: internal: no PyTorch plan", nil) }
            translation = Translator.toTF(torchPlan)
            var x = call.input
            if torchPlan.unbatched, let batched = x.reshaped([1] + x.shape) { x = batched }
            let w = call.filter.dtype == x.dtype ? call.filter : call.filter.converted(to: x.dtype)
            translated = try run(translation, x, w)
            code = translation.python(input: torchPlan.unbatched ? inputName + "[None]" : inputName, filter: filterName, result: resultName)
            if let bias = call.bias {
                let biasName = operand(call.biasText ?? "b", "b_in")
                translated = addChannelBias(translated, bias)
                code += "\n\(resultName) = \(resultName) + tf.reshape(\(biasName), [1, -1\(String(repeating: ", 1", count: n))])  # the bias, per channel"
                notes.append("TF's convolutions take no bias: it is added after the call")
            }
            if torchPlan.unbatched {
                if let squeezed = translated.reshaped(Array(translated.shape.dropFirst()), layout: nil) { translated = squeezed }
                code += "\n\(resultName) = \(resultName)[0]  # unbatched, as the input"
                notes.append("the input has no batch axis: [None] adds one for TF and [0] removes it")
            }
            if n == 3 && !call.plan.transposed && call.plan.problem.dilations.contains(where: { $0 > 1 }) {
                notes.append("TF's CPU kernels reject dilation > 1 in conv3d (\"CPU implementation of Conv3D currently only supports dilated rates of 1\")")
            }
            if !call.kind.isFloat {
                notes.append("TF's convolutions take no \(call.kind) tensors: cast the operands with tf.cast(..., tf.float64) first (exact for integers up to 2^53)")
            }
            let filters = call.plan.transposed ? "[\(kernel), Cout, Cin] (PyTorch's [Cin, Cout, \(kernel)] permuted)"
                : "[\(kernel), Cin/groups, Cout] (PyTorch's [Cout, Cin/groups, \(kernel)] permuted)"
            header = "import tensorflow as tf\n# TensorFlow: data [N, \(spatial), C], filters \(filters)"
        }
        // `y = y` closes the engine's code when the result is named y.
        let lines = code.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { $0 != "\(resultName) = y" || resultName != "y" }
        let target: String
        if case .tf = call.framework { target = "PyTorch" } else { target = "TensorFlow" }
        return TranslatedCall(translation: translation, python: ([header] + prelude + lines).joined(separator: "\n"),
                              notes: notes + translation.notes, result: translated, target: target)
    }

    static func isIdentifier(_ text: String) -> Bool {
        guard let first = text.first, first.isLetter || first == "_" else { return false }
        return text.allSatisfy { ($0.isLetter || $0.isNumber || $0 == "_") && $0.isASCII }
    }

    /// `y[:, c, ...] + bias[c]` for a channels-first tensor, rounded to its dtype.
    static func addChannelBias(_ y: Tensor, _ bias: Tensor) -> Tensor {
        guard y.rank >= 2 else { return y }
        let channels = y.shape[1], inner = y.shape.dropFirst(2).reduce(1, *)
        let b = bias.doubles
        var values = y.doubles
        for index in 0..<values.count {
            let c = (index / max(inner, 1)) % max(channels, 1)
            guard c < b.count else { continue }
            values[index] = y.dtype == .float32 ? Double(Float(values[index]) + Float(b[c])) : values[index] + b[c]
        }
        return Tensor(shape: y.shape, values: values, dtype: y.dtype, layout: y.layout)
    }

    /// One line comparing what tconv computed with what the translation gives.
    static func comparison(expected: Tensor, actual: Tensor, kind: ElementKind) -> String {
        guard expected.shape == actual.shape else {
            return "checked: DIFFERENT shapes: the call gives \(shapeText(expected.shape)), the translation \(shapeText(actual.shape))"
        }
        let e = expected.doubles, a = actual.doubles
        var worst = 0.0, at = -1, withinTolerance = true
        let (rtol, atol) = kind == .float32 ? (1e-5, 1e-6) : (1e-12, 1e-12)
        for i in 0..<e.count {
            let d = abs(e[i] - a[i])
            if d.isNaN ? !(e[i].isNaN && a[i].isNaN) : d > worst { worst = d.isNaN ? .infinity : d; at = i }
            if !(d <= atol + rtol * abs(e[i])) && !(e[i].isNaN && a[i].isNaN) { withinTolerance = false }
        }
        if at < 0 { return "checked: identical (max |diff| = 0)" }
        let diff = String(format: "%.3g", worst)
        if withinTolerance { return "checked: equal within \(kind) rounding (max |diff| = \(diff))" }
        let index = Tensor.strides(of: expected.shape).map { (at / $0) }.enumerated().map { $0.element % expected.shape[$0.offset] }
        return "checked: DIFFERENT: max |diff| = \(diff) at \(index) (the call gives \(FloatText.pythonRepr(e[at])), the translation \(FloatText.pythonRepr(a[at])))"
    }
}

extension ScriptSession {
    /// `%translate CALL` or `%translate NAME = CALL`: the equivalent call in the other framework,
    /// its remarks, and a check of both on the current operands.
    func translate(_ statement: Statement) throws(ScriptError) -> [ScriptEvent] {
        var resultName = "y"
        let expr: Expr
        switch statement.kind {
        case .expression(let e):
            expr = e
        case .assign(let targets, let value):
            guard targets.count == 1, case .name(let name, _) = targets[0] else {
                throw ScriptError.syntax("%translate takes a call, or one name = a call", statement.span)
            }
            resultName = name
            expr = value
        default:
            throw ScriptError.syntax("%translate takes a call such as tf.nn.conv2d_transpose(x, w, [1, 8, 8, 2], 2)", statement.span)
        }
        let call = try withControl { _ throws(ScriptError) in try runConvolutionCall(expr, command: "%translate") }
        let remarks = interpreter.events
        let translated = try CallTranslator.translate(call, resultName: resultName)
        var events: [ScriptEvent] = [.text(translated.python)]
        events += remarks
        events += translated.notes.map { .note($0) }
        events.append(.text(CallTranslator.comparison(expected: call.result, actual: translated.result, kind: call.kind)))
        return events
    }

    /// Evaluates `expr`, which must call a TensorFlow or PyTorch convolution, and runs it.
    func runConvolutionCall(_ expr: Expr, command: String) throws(ScriptError) -> OpCall {
        guard case .call(let calleeExpr, let arguments) = expr.kind else {
            throw ScriptError.syntax("\(command) takes a call such as tf.nn.conv2d_transpose(x, w, [1, 8, 8, 2], 2) or F.conv_transpose2d(x, w, stride=2)", expr.span)
        }
        let callee = try interpreter.evaluate(calleeExpr)
        guard case .builtin(let name) = callee, let builtin = Builtins.named(name) else {
            throw ScriptError.type("\(command) takes a call of a convolution (tf.nn.conv2d_transpose, F.conv_transpose2d, ...)", calleeExpr.span)
        }
        let (positional, keywords) = try interpreter.evaluateArguments(arguments)
        let bound = try builtin.bind(positional: positional, keywords: keywords, site: CallSite(callee: calleeExpr.span, whole: expr.span, arguments: arguments))
        if let op = TFOp.allCases.first(where: { $0.qualifiedName == name }) {
            return try Builtins.runTFCall(op, bound, interpreter: interpreter)
        }
        if let op = TorchOp.allCases.first(where: { $0.qualifiedName == name || "torch." + $0.rawValue == name }) {
            return try Builtins.runTorchCall(op, bound, name: name, interpreter: interpreter)
        }
        throw ScriptError.type("\(command) takes a call of a convolution; \(name) is not one", calleeExpr.span,
                               notes: ["TensorFlow: tf.nn.conv2d_transpose, conv1d_transpose, conv3d_transpose, conv2d, ...; PyTorch: F.conv_transpose2d, F.conv2d, ..."])
    }
}
