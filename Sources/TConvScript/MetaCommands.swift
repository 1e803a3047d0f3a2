import Foundation
import TConvEngine

/// An IPython-style `%` command (or `:help`/`:quit`), as listed by `%help`.
public struct MetaCommand: Sendable {
    /// `%help`, `:quit`, ...
    public let name: String
    /// `%save FILE`.
    public let usage: String
    public let summary: String
    /// The argument is code (`%timeit`, `%shapes`, `%show`, `%step`).
    public let takesCode: Bool
    /// The argument is a file path (`%run`, `%load`, `%save`): completion offers paths.
    public let takesFile: Bool
    /// Another spelling of a command listed under its main name.
    public let isAlias: Bool

    init(_ name: String, _ usage: String, _ summary: String, code: Bool = false, file: Bool = false, alias: Bool = false) {
        self.name = name
        self.usage = usage
        self.summary = summary
        self.takesCode = code
        self.takesFile = file
        self.isAlias = alias
    }

    public static let all: [MetaCommand] = [
        MetaCommand("%help", "%help [name]", "help on tconv, a builtin or a command (also ?name and name?)"),
        MetaCommand("%vars", "%vars", "list variables: name, shape, layout, dtype, size"),
        MetaCommand("%who", "%who", "same as %vars", alias: true),
        MetaCommand("%whos", "%whos", "same as %vars", alias: true),
        MetaCommand("%del", "%del NAME...", "delete variables"),
        MetaCommand("%history", "%history", "the inputs accepted in this session"),
        MetaCommand("%save", "%save FILE", "write the session as a runnable .tconv file, outputs as #=> lines", file: true),
        MetaCommand("%run", "%run FILE", "run a .tconv file in this session", file: true),
        MetaCommand("%load", "%load FILE", "run a file's statements as if typed (they join %history)", file: true),
        MetaCommand("%precision", "%precision [N]", "digits after the point when printing (default 8)"),
        MetaCommand("%timeit", "%timeit STATEMENT", "time a statement: warm-up, then median and spread", code: true),
        MetaCommand("%shapes", "%shapes CALL", "every valid output_shape of a transposed op call (give it without output_shape)", code: true),
        MetaCommand("%show", "%show EXPR", "draw a tensor as heatmaps", code: true),
        MetaCommand("%step", "%step CALL", "play a transposed conv step by step", code: true),
        MetaCommand("%translate", "%translate CALL", "the same call in the other framework (TensorFlow <-> PyTorch), checked on the current tensors", code: true),
        MetaCommand("%export", "%export tf|torch|numpy|md|cast FILE",
                    "the last convolution as a Python unit test, the session as Markdown, or its replay as an asciicast"),
        MetaCommand("%replay", "%replay FILE", "replay a lesson one statement at a time (keys; a transcript in plain mode)", file: true),
        MetaCommand("%present", "%present [on|off]", "presenter mode: larger cells, high contrast, keys-only replays"),
        MetaCommand("%colors", "%colors MODE", "colour mode: " + colorModes.joined(separator: "|")),
        MetaCommand("%cmap", "%cmap NAME", "colour map: " + colorMaps.joined(separator: "|")),
        MetaCommand("%quit", "%quit", "leave tconv (also :quit, quit(), Ctrl-D)"),
        MetaCommand("%exit", "%exit", "same as %quit", alias: true),
        MetaCommand(":help", ":help", "same as %help", alias: true),
        MetaCommand(":quit", ":quit", "same as %quit", alias: true),
        MetaCommand(":q", ":q", "same as %quit", alias: true),
    ]

    static let colorModes = ["auto", "always", "never", "direct", "256", "16", "8", "mono"]
    static let colorMaps = ["rdbu", "viridis", "cividis", "gray"]

    public static func named(_ name: String) -> MetaCommand? { all.first { $0.name == name } }

    public var helpText: String { usage + "\n    " + summary }
}

extension ScriptSession {
    /// Runs a meta command; `saved` tells `%save` whether to keep it.
    func runMeta(_ name: String, _ argument: String, source: SourceText) -> (events: [ScriptEvent], saved: Bool) {
        let text = source.text(Span(0, source.characters.count))
        // Code arguments keep their columns: the command itself is blanked out.
        let argumentStart = text.range(of: argument).map { text.distance(from: text.startIndex, to: $0.lowerBound) } ?? 0
        let blanked = SourceText(String(repeating: " ", count: argumentStart) + String(source.characters.dropFirst(argumentStart)),
                                 name: source.name, firstLine: source.firstLine)
        func failure(_ error: ScriptError) -> [ScriptEvent] {
            var d = blanked.diagnostic(error.located(Span(argumentStart, max(argumentStart + 1, source.characters.count))))
            d.sourceLine = source.lineText(d.line - source.firstLine)
            return [.error(d)]
        }
        do throws(ScriptError) {
            switch name {
            case "%help", ":help":
                return ([.text(Help.text(for: argument, interpreter: interpreter))], false)
            case "%quit", ":quit", "%exit", ":q":
                return ([.quit], false)
            case "%vars", "%who", "%whos":
                return ([.text(variablesTable())], false)
            case "%del":
                let names = argument.split(separator: " ").map(String.init).filter { !$0.isEmpty }
                guard !names.isEmpty else { throw ScriptError.value("%del needs variable names", nil) }
                for n in names where !interpreter.unbind(n) {
                    throw interpreter.undefinedName(n, Span(argumentStart, argumentStart + argument.count))
                }
                return ([], true)
            case "%history":
                return ([.text(historyText())], false)
            case "%precision":
                var digits = 8
                if !argument.isEmpty {
                    guard let n = Int(argument), (0...17).contains(n) else {
                        throw ScriptError.value("%precision takes a number of digits from 0 to 17, got '\(argument)'", nil)
                    }
                    digits = n
                }
                interpreter.printOptions.precision = digits
                return ([.setting(name: "precision", value: String(digits))], true)
            case "%colors", "%cmap":
                let valid = name == "%colors" ? MetaCommand.colorModes : MetaCommand.colorMaps
                let value = argument.lowercased()
                guard valid.contains(value) else {
                    throw ScriptError.value("\(name) takes one of \(valid.joined(separator: ", ")); got '\(argument)'", nil)
                }
                return ([.setting(name: String(name.dropFirst()), value: value)], true)
            case "%save":
                return (try save(argument), false)
            case "%run":
                return (try runFile(argument, asTyped: false), true)
            case "%load":
                return (try runFile(argument, asTyped: true), false)
            case "%export":
                return (try export(argument), false)
            case "%replay":
                // The front end plays the file (it owns the screen); writes stay refused there.
                guard !argument.isEmpty else { throw ScriptError.syntax("%replay needs a lesson file, e.g. %replay Sessions/01-textbook-stride2.tconv", nil) }
                return ([.setting(name: "replay", value: Self.path(argument))], false)
            case "%present":
                let value = argument.lowercased()
                guard ["", "on", "off"].contains(value) else {
                    throw ScriptError.value("%present takes on, off, or nothing (to switch it); got '\(argument)'", nil)
                }
                return ([.setting(name: "present", value: value.isEmpty ? "toggle" : value)], false)
            case "%timeit", "%shapes", "%show", "%step", "%translate":
                guard !argument.isEmpty else { throw ScriptError.syntax("\(name) needs code after it", nil) }
                let statements = try Parser.parse(blanked)
                guard let statement = statements.first else { throw ScriptError.syntax("\(name) needs code after it", nil) }
                interpreter.source = blanked
                interpreter.events = []
                switch name {
                case "%timeit": return (try timeit(statements), false)
                case "%show": return (try show(statement), true)
                case "%shapes": return (try shapes(statement), true)
                case "%translate": return (try translate(statement), true)
                default: return (try step(statement), true)
                }
            default:
                var notes = [String]()
                if let guess = closestName(to: name, in: MetaCommand.all.map(\.name)) { notes.append("did you mean \(guess)?") }
                notes.append("%help lists the commands")
                throw ScriptError.name("unknown command \(name)", Span(0, name.count), notes: notes)
            }
        } catch {
            return (failure(error), false)
        }
    }

    // MARK: - Listings

    func variablesTable() -> String {
        let names = interpreter.variableOrder
        if names.isEmpty { return "no variables yet" }
        var rows = [["name", "type", "shape", "layout", "dtype", "size/value"]]
        for name in names {
            guard let value = interpreter.variables[name] else { continue }
            switch value {
            case .array(let a):
                rows.append([name, a.flavor == .tf ? "tensor" : (a.flavor == .torch ? "torch" : "array"), "[" + a.shape.map(String.init).joined(separator: ",") + "]",
                             a.tensor.layout?.name ?? "-", a.kind.rawValue, String(a.count)])
            case .module(let path):
                rows.append([name, "module", "", "", "", path])
            default:
                let text = Printing.repr(value, options: interpreter.printOptions)
                rows.append([name, value.typeName, "", "", "", text.count > 40 ? String(text.prefix(37)) + "..." : text])
            }
        }
        let widths = (0..<6).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { $0.element.padding(widths[$0.offset]) }.joined(separator: "  ").trailingSpacesRemoved
        }.joined(separator: "\n")
    }

    func historyText() -> String {
        if history.isEmpty { return "no inputs yet" }
        let width = String(history.count).count
        return history.enumerated().map { index, entry in
            let number = String(index + 1)
            let lines = entry.text.split(separator: "\n", omittingEmptySubsequences: false)
            let first = String(repeating: " ", count: width - number.count) + number + ": " + (lines.first.map(String.init) ?? "")
            return ([first] + lines.dropFirst().map { String(repeating: " ", count: width + 2) + $0 }).joined(separator: "\n")
        }.joined(separator: "\n")
    }

    // MARK: - Files

    static func path(_ argument: String) -> String {
        var path = argument.trimmingCharacters()
        if path.count >= 2, let first = path.first, first == "\"" || first == "'", path.last == first {
            path = String(path.dropFirst().dropLast())
        }
        if path.hasPrefix("~/"), let home = ProcessInfo.processInfo.environment["HOME"] {
            path = home + path.dropFirst()
        }
        return path
    }

    private func save(_ argument: String) throws(ScriptError) -> [ScriptEvent] {
        guard !argument.isEmpty else { throw ScriptError.syntax("%save needs a file name", nil) }
        var path = Self.path(argument)
        if !(path as NSString).lastPathComponent.contains(".") { path += ".tconv" }
        try interpreter.authorizeWrite(path, by: "%save", span: nil)
        let entries = history.filter { $0.saved && $0.succeeded }.map { (text: $0.text, output: $0.output) }
        do {
            try AtomicFile.write(Array(SessionFile.render(entries).utf8), to: path)
        } catch {
            throw ScriptError.io("%save: \(error.message)", nil)
        }
        return [.text("saved \(entries.count) input\(entries.count == 1 ? "" : "s") to \(path)")]
    }

    private func runFile(_ argument: String, asTyped: Bool) throws(ScriptError) -> [ScriptEvent] {
        let command = asTyped ? "%load" : "%run"
        guard !argument.isEmpty else { throw ScriptError.syntax("\(command) needs a file name", nil) }
        let path = Self.path(argument)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ScriptError.io("\(command): no such file: \(path)", nil)
        }
        guard !isDirectory.boolValue else { throw ScriptError.io("\(command): \(path) is a directory", nil) }
        guard let data = FileManager.default.contents(atPath: path) else { throw ScriptError.io("\(command): cannot read \(path)", nil) }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ScriptError.io("\(command): \(path) is not UTF-8 text", nil)
        }
        guard runDepth < 8 else { throw ScriptError.io("\(command): files run each other more than 8 deep", nil) }
        runDepth += 1
        defer { runDepth -= 1 }
        if !asTyped { return runScript(text, source: path) }
        let file: SessionFile
        do { file = try SessionFile.parse(text, source: path) } catch { return [.error(error.diagnostic)] }
        var events = [ScriptEvent]()
        for item in file.items {
            guard case .statement(let statement) = item else {
                if case .directive(let d) = item { noteDirective(d) }
                continue
            }
            events.append(.text("tconv> " + statement.text.replacingOccurrences(of: "\n", with: "\n...> ")))
            let input = SourceText(statement.text, name: path, firstLine: statement.line)
            let (produced, outcome) = runInput(input, expectedOutput: statement.recorded, recordHistory: true)
            events += produced
            if outcome == .cancelled { break }
        }
        return events
    }

    // MARK: - Code commands

    private func show(_ statement: Statement) throws(ScriptError) -> [ScriptEvent] {
        guard case .expression(let expr) = statement.kind else { throw ScriptError.syntax("%show takes an expression", statement.span) }
        let value = try withControl { _ throws(ScriptError) in try interpreter.evaluate(expr) }
        let array: ArrayValue
        switch value {
        case .array(let a): array = a
        default: array = try Convert.numpyArray(value, span: expr.span, interpreter: interpreter)
        }
        return [.show(ShowRequest(name: interpreter.source.text(expr.span).trimmingCharacters(), tensor: array.tensor))]
    }

    /// The op and bound arguments of a transposed-op call written after `%shapes` / `%step`.
    func opCall(_ statement: Statement, command: String, needsOutputShape: Bool) throws(ScriptError) -> (TFOp, TFArguments, BoundArguments) {
        guard case .expression(let expr) = statement.kind, case .call(let calleeExpr, let arguments) = expr.kind else {
            throw ScriptError.syntax("\(command) takes a call such as tf.nn.conv2d_transpose(x, w, strides=2, padding=\"SAME\")", statement.span)
        }
        return try withControl { _ throws(ScriptError) in
            let callee = try interpreter.evaluate(calleeExpr)
            guard case .builtin(let name) = callee, let builtin = Builtins.named(name),
                  let op = TFOp.allCases.first(where: { $0.qualifiedName == name }) else {
                throw ScriptError.type("\(command) takes a call of a tf.nn convolution op", calleeExpr.span)
            }
            guard op.isTransposed else {
                throw ScriptError.type("\(command) is for transposed ops; \(name) computes its output size itself", calleeExpr.span,
                                       notes: ["try tf.nn.conv2d_transpose, conv1d_transpose, conv3d_transpose or atrous_conv2d_transpose"])
            }
            var (positional, keywords) = try interpreter.evaluateArguments(arguments)
            let site = CallSite(callee: calleeExpr.span, whole: expr.span, arguments: arguments)
            let outputIndex = builtin.parameters.firstIndex { $0.name == "output_shape" } ?? Int.max
            if !needsOutputShape && positional.count <= outputIndex && !keywords.contains(where: { $0.0 == "output_shape" }) {
                keywords.append(("output_shape", .none, expr.span, expr.span))
            }
            let bound = try builtin.bind(positional: positional, keywords: keywords, site: site)
            let (arguments, _) = try Builtins.opArguments(op, bound, interpreter: interpreter)
            return (op, arguments, bound)
        }
    }

    private func step(_ statement: Statement) throws(ScriptError) -> [ScriptEvent] {
        // A PyTorch transposed conv is run, then played from its batched plan.
        if case .expression(let expr) = statement.kind, case .call(let calleeExpr, _) = expr.kind,
           case .builtin(let name)? = try? withControl({ _ throws(ScriptError) in try interpreter.evaluate(calleeExpr) }),
           name.hasPrefix("torch.") {
            let call = try withControl { _ throws(ScriptError) in try runConvolutionCall(expr, command: "%step") }
            guard let request = call.stepRequest else {
                throw ScriptError.type("%step plays transposed convolutions; \(name) is a forward one", calleeExpr.span,
                                       notes: ["try F.conv_transpose1d, conv_transpose2d or conv_transpose3d"])
            }
            var request2 = request
            request2.title = interpreter.source.text(statement.span).trimmingCharacters()
            return [.step(request2)]
        }
        let (op, arguments, bound) = try opCall(statement, command: "%step", needsOutputShape: true)
        do {
            let plan = try TFOps.plan(op, arguments, limits: interpreter.limits)
            let (x, w) = try TFOps.operands(of: plan, arguments)
            var events: [ScriptEvent] = [.step(StepRequest(title: interpreter.source.text(statement.span).trimmingCharacters(), plan: plan,
                                                           input: x, filters: w))]
            if !plan.tfCPURefusals.isEmpty { events.append(.note(Builtins.refusalNote(plan))) }
            return events
        } catch {
            throw Builtins.engineError(error, op: op, args: bound, interpreter: interpreter)
        }
    }

    private func timeit(_ statements: [Statement]) throws(ScriptError) -> [ScriptEvent] {
        let clock = ContinuousClock()
        func runOnce() throws(ScriptError) {
            for statement in statements { _ = try interpreter.execute(statement) }
            interpreter.events = []
        }
        func seconds(_ d: Duration) -> Double {
            Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
        }
        return try withControl { control throws(ScriptError) in
            let start = clock.now
            try runOnce()  // warm-up
            let first = max(seconds(clock.now - start), 1e-9)
            // Aim for about 0.1 s per run and at most ~1 s in total.
            let loops = max(1, min(100_000, Int(0.1 / first)))
            let runs = first > 0.5 ? 1 : (first > 0.1 ? 3 : 7)
            var perLoop = [Double]()
            for _ in 0..<runs {
                let t0 = clock.now
                for _ in 0..<loops {
                    if control.isCancelled { throw ScriptError(ErrorCategory.cancelled.rawValue, "interrupted (Ctrl-C)") }
                    try runOnce()
                }
                perLoop.append(seconds(clock.now - t0) / Double(loops))
            }
            perLoop.sort()
            let median = perLoop[perLoop.count / 2]
            let lowest = perLoop.first ?? median, highest = perLoop.last ?? median
            let text = "\(Self.duration(median)) per loop (median of \(runs) run\(runs == 1 ? "" : "s") of \(loops) loop\(loops == 1 ? "" : "s"); spread \(Self.duration(lowest)) to \(Self.duration(highest)))"
            return [.text(text)]
        }
    }

    static func duration(_ s: Double) -> String {
        func fmt(_ v: Double) -> String { String(format: v >= 100 ? "%.0f" : (v >= 10 ? "%.1f" : "%.2f"), v) }
        if s >= 1 { return fmt(s) + " s" }
        if s >= 1e-3 { return fmt(s * 1e3) + " ms" }
        if s >= 1e-6 { return fmt(s * 1e6) + " µs" }
        return fmt(s * 1e9) + " ns"
    }
}
