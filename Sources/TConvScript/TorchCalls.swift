import TConvEngine

/// Running a PyTorch convolution: operands checked as PyTorch checks them (tensors only, one
/// dtype), then `TorchOps` with PyTorch's semantics; errors keep PyTorch's wording and get tconv's
/// category, the exception PyTorch raises, and what would be valid.
extension Builtins {
    static func runTorchCall(_ op: TorchOp, _ args: BoundArguments, name: String, interpreter: Interpreter) throws(ScriptError) -> OpCall {
        let short = op.rawValue
        let input = try torchOperand(args, "input", function: short)
        let weight = try torchOperand(args, "weight", function: short)
        var bias: ArrayValue? = nil
        if args["bias"] != nil { bias = try torchOperand(args, "bias", function: short) }
        // PyTorch compares the dtypes before anything else runs.
        for (other, argument) in [(weight, "weight"), (bias, "bias")] {
            guard let other, other.kind != input.kind else { continue }
            throw ScriptError(ErrorCategory.badDType.rawValue,
                              "\(name): expected scalar type \(torchTypeName(input.kind)) but found \(torchTypeName(other.kind))",
                              span: args.span(argument),
                              notes: ["PyTorch raises RuntimeError",
                                      "valid: input, weight and bias of one dtype; convert with .float() or .double()"])
        }
        guard input.kind != .bool else {
            throw ScriptError(ErrorCategory.badDType.rawValue, "\(name): \"\(short)\" not implemented for 'Bool'", span: args.span("input"),
                              notes: ["PyTorch raises RuntimeError", "valid: a float or integer tensor; convert with .float()"])
        }
        // Integer convolutions are exact in float64 (tconv's storage for integers).
        func engineTensor(_ a: ArrayValue) -> Tensor { a.kind.isFloat ? a.tensor : a.tensor.converted(to: .float64) }
        var keywords = [(String, TFValue)]()
        for (key, value) in args.values {
            switch key {
            case "input": keywords.append((key, .tensor(engineTensor(input))))
            case "weight": keywords.append((key, .tensor(engineTensor(weight))))
            case "bias": keywords.append((key, bias.map { .tensor(engineTensor($0)) } ?? .null))
            default: keywords.append((key, try tfValue(value, span: args.span(key))))
            }
        }
        let tensor: Tensor, plan: TorchPlan
        do {
            (tensor, plan) = try TorchOps.run(op, op.bind(positional: [], keywords: keywords), options: interpreter.executionOptions)
        } catch {
            throw torchError(error, name: name, args: args)
        }
        let call = OpCall(framework: .torch(op), function: op.qualifiedName, title: interpreter.source.text(args.site.whole).trimmingCharacters(),
                          input: input.tensor, filter: weight.tensor, bias: bias?.tensor, kind: input.kind,
                          inputKeyword: "input", filterKeyword: "weight",
                          inputText: argumentText(args, "input", interpreter: interpreter),
                          filterText: argumentText(args, "weight", interpreter: interpreter),
                          biasText: bias == nil ? nil : argumentText(args, "bias", interpreter: interpreter),
                          options: pythonOptions(args, parameters: op.parameters.map(\.name), operands: ["input", "weight", "bias"]),
                          plan: plan.plan, torchPlan: plan, result: input.kind.isFloat ? tensor : tensor.converted(to: .float64))
        interpreter.lastOpCall = call
        return call
    }

    /// An engine error from `TorchOps` as a script error: PyTorch's message, the argument
    /// underlined, the exception class PyTorch raises, and what would be valid.
    static func torchError(_ error: EngineError, name: String, args: BoundArguments) -> ScriptError {
        let span = args.spans[error.argument] ?? args.site.callee
        var notes = ["PyTorch raises " + (error.category == .badArgument ? "TypeError" : "RuntimeError")]
        if let valid = error.valid { notes.append("valid: \(valid)") }
        if error.argument == "output_padding" || (error.category == .badPadding && error.message.contains("Output size is too small")) {
            notes.append("%translate on the TensorFlow call you are porting gives padding and output_padding")
        }
        return ScriptError(error.category.rawValue, "\(name): \(error.message)", span: span, notes: notes)
    }
}
