import TConvEngine

/// The evaluator: variables, settings and the rules that turn statements into values and events.
/// Owned by one `ScriptSession` and used from one thread at a time; only `control` is shared
/// (another thread may cancel it).
final class Interpreter {
    /// User variables, in the order they were first bound.
    private(set) var variables: [String: Value] = [:]
    private(set) var variableOrder: [String] = []
    var printOptions: PrintOptions
    var limits: EngineLimits
    var allowWrites: Bool
    var random = RandomState(seed: 0)
    /// The last value shown (`_`).
    var lastValue: Value = .none
    /// The last convolution run (for `%translate`, `%export` and `#: step`).
    var lastOpCall: OpCall? { didSet { opCallCount += 1 } }
    /// Convolutions run so far (a replay notices that a statement ran one).
    private(set) var opCallCount = 0
    /// Asked before a file is written when writes are not allowed outright.
    var confirmWrite: (@Sendable (String) -> Bool)?

    /// Cancellation for the statement running now.
    var control = ComputeControl()
    /// Events produced while a statement runs (`print`, `show`, notes), in order.
    var events: [ScriptEvent] = []
    /// The input being evaluated (for argument texts in messages and `show` names).
    var source = SourceText("", name: "<stdin>")

    init(options: SessionOptions) {
        printOptions = PrintOptions(precision: options.precision)
        limits = EngineLimits(maxResultBytes: options.maxResultBytes)
        allowWrites = options.allowWrites
        confirmWrite = options.confirmWrite
    }

    // MARK: - Variables

    /// Names every session knows without an import.
    static let predefined: [String: Value] = {
        var names: [String: Value] = ["tf": .module("tf"), "np": .module("np"), "torch": .module("torch")]
        for builtin in Builtins.all where !builtin.name.contains(".") { names[builtin.name] = .builtin(builtin.name) }
        return names
    }()

    func bind(_ name: String, _ value: Value) {
        if variables[name] == nil { variableOrder.append(name) }
        variables[name] = value
    }

    func unbind(_ name: String) -> Bool {
        guard variables.removeValue(forKey: name) != nil else { return false }
        variableOrder.removeAll { $0 == name }
        return true
    }

    func lookup(_ name: String) -> Value? {
        if let v = variables[name] { return v }
        if name == "_" { return lastValue }
        return Self.predefined[name]
    }

    /// Every name a user can refer to now (for completion and suggestions).
    var visibleNames: [String] { variableOrder + Self.predefined.keys.sorted() }

    // MARK: - Statements

    /// Runs one statement; returns the value to show (nil for assignments, imports, ...).
    func execute(_ statement: Statement) throws(ScriptError) -> Value? {
        switch statement.kind {
        case .expression(let e):
            return try evaluate(e)
        case .assign(let targets, let valueExpr):
            let value = try evaluate(valueExpr)
            for target in targets { try assign(target, value) }
            return nil
        case .augmented(let target, let op, let valueExpr, let opSpan):
            guard case .name(let name, let span) = target else { throw .syntax("cannot assign here", target.span) }
            guard let current = lookup(name) else { throw undefinedName(name, span) }
            let right = try evaluate(valueExpr)
            let result = try Arithmetic.binary(op, current, right, opSpan: opSpan, interpreter: self)
            bind(name, result)
            return nil
        case .importModules(let modules):
            for entry in modules {
                let path = try Modules.resolve(entry.module, span: entry.span)
                if let alias = entry.alias {
                    bind(alias, .module(path))
                } else {
                    let top = String(entry.module.split(separator: ".").first ?? "")
                    bind(top, .module(try Modules.resolve(top, span: entry.span)))
                }
            }
            return nil
        case .fromImport(let module, let moduleSpan, let names):
            let path = try Modules.resolve(module, span: moduleSpan)
            for entry in names {
                let value = try attribute(of: .module(path), entry.name, span: entry.span)
                bind(entry.alias ?? entry.name, value)
            }
            return nil
        case .assert(let condition, let message):
            let value = try evaluate(condition)
            if try !truth(value, span: condition.span) {
                let text = try message.map { m throws(ScriptError) in Printing.str(try evaluate(m), options: printOptions) }
                throw .value("assertion failed" + (text.map { ": \($0)" } ?? ""), condition.span)
            }
            return nil
        case .delete(let names):
            for (name, span) in names where !unbind(name) { throw undefinedName(name, span) }
            return nil
        case .pass:
            return nil
        }
    }

    private func assign(_ target: AssignTarget, _ value: Value) throws(ScriptError) {
        switch target {
        case .name(let name, _):
            bind(name, value)
        case .tuple(let targets, let span):
            let items: [Value]
            switch value {
            case .list(let v), .tuple(let v): items = v
            case .array(let a) where a.rank >= 1: items = try (0..<a.shape[0]).map { i throws(ScriptError) in
                    try Indexing.subscriptValue(.array(a), [.int(Int64(i), span)], span: span, interpreter: self)
                }
            default: throw .type("cannot unpack a \(value.typeName) into \(targets.count) names", span)
            }
            guard items.count == targets.count else {
                throw .value("expected \(targets.count) values to unpack, got \(items.count)", span)
            }
            for (t, v) in zip(targets, items) { try assign(t, v) }
        }
    }

    /// Python truthiness, with numpy's refusal for arrays of more than one element.
    func truth(_ value: Value, span: Span) throws(ScriptError) -> Bool {
        switch value {
        case .none: return false
        case .bool(let b): return b
        case .int(let i): return i != 0
        case .float(let d): return d != 0
        case .string(let s): return !s.isEmpty
        case .list(let l), .tuple(let l): return !l.isEmpty
        case .array(let a):
            guard a.count == 1 else {
                throw .value("the truth value of an array with more than one element is ambiguous", span,
                             notes: ["use np.allclose(a, b) or np.max(...)"])
            }
            return a.tensor[flat: 0] != 0
        default: return true
        }
    }

    func undefinedName(_ name: String, _ span: Span) -> ScriptError {
        var notes = [String]()
        if let guess = closestName(to: name, in: visibleNames) { notes.append("did you mean '\(guess)'?") }
        if ["tensorflow", "numpy"].contains(name) {
            notes.append("tconv provides tf, np and torch already; `import \(name) as ...` also works")
        }
        return .name("name '\(name)' is not defined", span, notes: notes)
    }

    // MARK: - Expressions

    func evaluate(_ expr: Expr) throws(ScriptError) -> Value {
        switch expr.kind {
        case .name(let name):
            guard let v = lookup(name) else { throw undefinedName(name, expr.span) }
            return v
        case .int(let i): return .int(i)
        case .float(let d): return .float(d)
        case .string(let s): return .string(s)
        case .none: return .none
        case .bool(let b): return .bool(b)
        case .ellipsis: return .ellipsis
        case .list(let items):
            var values = [Value]()
            for item in items { values.append(try evaluate(item)) }
            return .list(values)
        case .tuple(let items):
            var values = [Value]()
            for item in items { values.append(try evaluate(item)) }
            return .tuple(values)
        case .unary(let op, let operand):
            let value = try evaluate(operand)
            return try Arithmetic.unary(op, value, span: expr.span, interpreter: self)
        case .binary(let op, let l, let r, let opSpan):
            let left = try evaluate(l)
            let right = try evaluate(r)
            return try Arithmetic.binary(op, left, right, opSpan: opSpan, interpreter: self)
        case .call(let calleeExpr, let arguments):
            let callee = try evaluate(calleeExpr)
            return try call(callee, calleeSpan: calleeExpr.span, arguments: arguments, span: expr.span)
        case .attribute(let base, let name, let nameSpan):
            return try attribute(of: try evaluate(base), name, span: nameSpan)
        case .subscripted(let base, let items):
            let value = try evaluate(base)
            var indices = [IndexItem]()
            for item in items {
                switch item {
                case .index(let e): indices.append(try indexItem(try evaluate(e), span: e.span))
                case .slice(let a, let b, let c, let span):
                    func bound(_ e: Expr?) throws(ScriptError) -> Int64? {
                        guard let e else { return nil }
                        let v = try evaluate(e)
                        if v.isNone { return nil }
                        guard let i = v.intValue else {
                            throw .type("slice indices must be integers or None, not \(v.typeName)", e.span)
                        }
                        return i
                    }
                    indices.append(.slice(try bound(a), try bound(b), try bound(c), span))
                }
            }
            return try Indexing.subscriptValue(value, indices, span: expr.span, interpreter: self)
        }
    }

    private func indexItem(_ value: Value, span: Span) throws(ScriptError) -> IndexItem {
        switch value {
        case .none: return .newAxis(span)
        case .ellipsis: return .ellipsis(span)
        case .float:
            throw .type("only integers, slices (`:`), ellipsis (`...`) and None are valid indices, not float", span)
        case .array(let a) where a.rank > 0:
            throw .type("indexing with an array (fancy indexing) is not supported", span,
                        notes: ["use integers and slices: y[0, :, :, 1]"])
        case .tuple, .list:
            throw .type("nested index lists (fancy indexing) are not supported", span)
        default:
            guard let i = value.intValue else {
                throw .type("only integers, slices (`:`), ellipsis (`...`) and None are valid indices, not \(value.typeName)", span)
            }
            return .int(i, span)
        }
    }

    /// `value.name`.
    func attribute(of value: Value, _ name: String, span: Span) throws(ScriptError) -> Value {
        switch value {
        case .module(let path):
            return try Modules.member(path, name, span: span)
        case .array(let a):
            return try ArrayMethods.attribute(a, name, span: span, interpreter: self)
        case .dtype(let kind, _) where name == "name":
            return .string(kind.rawValue)
        default:
            throw .type("'\(value.typeName)' object has no attribute '\(name)'", span)
        }
    }

    /// Calls a function value with source arguments.
    func call(_ callee: Value, calleeSpan: Span, arguments: [Argument], span: Span) throws(ScriptError) -> Value {
        let (positional, keywords) = try evaluateArguments(arguments)
        let callSite = CallSite(callee: calleeSpan, whole: span, arguments: arguments)
        switch callee {
        case .builtin(let name):
            guard let builtin = Builtins.named(name), let run = builtin.implementation else {
                throw .type("'\(name)' is not callable", calleeSpan)
            }
            let bound = try builtin.bind(positional: positional, keywords: keywords, site: callSite)
            return try run(self, bound)
        case .method(let array, let name):
            return try ArrayMethods.call(array, name, positional: positional, keywords: keywords, site: callSite, interpreter: self)
        case .dtype(let kind, let flavor):
            guard flavor == .numpy, positional.count == 1, keywords.isEmpty else {
                switch flavor {
                case .tf:
                    throw .type("'DType' object is not callable", calleeSpan,
                                notes: ["use tf.cast(x, tf.\(kind)) or tf.constant(x, dtype=tf.\(kind))"])
                case .torch:
                    throw .type("'torch.dtype' object is not callable", calleeSpan,
                                notes: ["use x.to(torch.\(kind)) or torch.tensor(x, dtype=torch.\(kind))"])
                case .numpy:
                    throw .type("np.\(kind)(x) takes one value", calleeSpan)
                }
            }
            let array = try Convert.numpyArray(positional[0].0, span: positional[0].1, interpreter: self)
            return .array(array.cast(to: kind))
        default:
            throw .type("'\(callee.typeName)' object is not callable", calleeSpan)
        }
    }

    /// Evaluates call arguments: positional (value, span) and keyword (name, value, argument
    /// span, value span).
    func evaluateArguments(_ arguments: [Argument]) throws(ScriptError) -> ([(Value, Span)], [(String, Value, Span, Span)]) {
        var positional = [(Value, Span)]()
        var keywords = [(String, Value, Span, Span)]()
        for argument in arguments {
            let v = try evaluate(argument.value)
            if let name = argument.name {
                keywords.append((name, v, argument.span, argument.value.span))
            } else {
                positional.append((v, argument.span))
            }
        }
        return (positional, keywords)
    }

    // MARK: - Helpers for builtins

    /// Throws `cancelled` once Ctrl-C was pressed; loops over many elements call it now and then.
    func checkCancelled(_ span: Span?) throws(ScriptError) {
        if control.isCancelled { throw ScriptError(ErrorCategory.cancelled.rawValue, "interrupted (Ctrl-C)", span: span) }
    }

    /// Options for one engine run: this statement's cancellation and the session's size limit.
    var executionOptions: ExecutionOptions { ExecutionOptions(control: control, limits: limits) }

    func emit(_ event: ScriptEvent) { events.append(event) }
}

/// Where a call sits in the source: callee, whole call and each argument.
struct CallSite: Sendable {
    var callee: Span
    var whole: Span
    var arguments: [Argument]
}
