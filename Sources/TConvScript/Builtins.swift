import TConvEngine

/// One function or constant the language provides. The table of these (`Builtins.all`) is the
/// single source for calls, help, completion and the manual page.
public struct Builtin: Sendable {
    public enum Kind: String, Sendable {
        case function
        /// A value such as `tf.float32` or `np.pi`.
        case constant
    }

    /// One parameter, with Python's spelling.
    public struct Parameter: Sendable {
        public let name: String
        /// Python text of the default (`'SAME'`, `None`, `1`); `nil` when the argument is required.
        public let defaultValue: String?
        /// `*shape`: collects the remaining positional arguments.
        public let isVariadic: Bool
        public let help: String
        /// String values worth completing inside this argument (`"SAME"`, `"VALID"`, ...).
        public let choices: [String]

        public var isRequired: Bool { defaultValue == nil && !isVariadic }

        init(_ name: String, _ defaultValue: String? = nil, variadic: Bool = false, choices: [String] = [], help: String = "") {
            self.name = name
            self.defaultValue = defaultValue
            self.isVariadic = variadic
            self.help = help
            self.choices = choices
        }
    }

    /// Full dotted name as users write it: `tf.nn.conv2d_transpose`, `np.zeros`, `print`.
    public let name: String
    public let kind: Kind
    public let parameters: [Parameter]
    /// One line: what it does.
    public let summary: String
    /// Further lines for `%help name` (may be empty).
    public let details: String

    typealias Implementation = @Sendable (Interpreter, BoundArguments) throws(ScriptError) -> Value
    let implementation: Implementation?
    let constant: Value?

    init(_ name: String, _ parameters: [Parameter], _ summary: String, details: String = "", _ implementation: @escaping Implementation) {
        self.name = name
        self.kind = .function
        self.parameters = parameters
        self.summary = summary
        self.details = details
        self.implementation = implementation
        self.constant = nil
    }

    init(constant name: String, _ value: Value, _ summary: String) {
        self.name = name
        self.kind = .constant
        self.parameters = []
        self.summary = summary
        self.details = ""
        self.implementation = nil
        self.constant = value
    }

    /// `name(a, b, c='SAME', *shape)` for functions, the name for constants.
    public var signature: String {
        guard kind == .function else { return name }
        let inner = parameters.map { p in
            p.isVariadic ? "*" + p.name : (p.defaultValue.map { "\(p.name)=\($0)" } ?? p.name)
        }
        return name + "(" + inner.joined(separator: ", ") + ")"
    }

    /// Names usable as `name=` keywords.
    public var keywords: [String] { parameters.filter { !$0.isVariadic }.map(\.name) }

    /// `%help name` text: signature, summary, details, parameters.
    public var helpText: String {
        var lines = [signature, "    " + summary]
        if !details.isEmpty { lines += details.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 } }
        let described = parameters.filter { !$0.help.isEmpty }
        if !described.isEmpty {
            let width = described.map { $0.name.count }.max() ?? 0
            lines.append("  parameters:")
            for p in described {
                lines.append("    " + p.name.padding(width) + "  " + p.help)
            }
        }
        return lines.joined(separator: "\n")
    }

    /// Python's argument binding: positional in order (a variadic parameter takes the rest),
    /// keywords by name; unknown, repeated and missing arguments are `type` errors.
    func bind(positional: [(Value, Span)], keywords: [(String, Value, Span, Span)], site: CallSite) throws(ScriptError) -> BoundArguments {
        var bound = BoundArguments(site: site)
        var slots = parameters.filter { !$0.isVariadic }
        let variadic = parameters.first { $0.isVariadic }
        // Parameters before the variadic one are positional; after it keyword-only.
        if let variadic, let v = parameters.firstIndex(where: { $0.name == variadic.name }) {
            slots = Array(parameters[..<v])
        }
        for (index, (value, span)) in positional.enumerated() {
            if index < slots.count {
                bound.values[slots[index].name] = value
                bound.spans[slots[index].name] = span
            } else if variadic != nil {
                bound.rest.append((value, span))
            } else {
                throw .type("\(name)() takes at most \(slots.count) positional argument\(slots.count == 1 ? "" : "s") but \(positional.count) were given",
                            span, notes: ["signature: \(signature)"])
            }
        }
        for (key, value, span, valueSpan) in keywords {
            guard parameters.contains(where: { $0.name == key && !$0.isVariadic }) else {
                var notes = [String]()
                if let guess = closestName(to: key, in: self.keywords) { notes.append("did you mean '\(guess)='?") }
                notes.append("signature: \(signature)")
                throw .type("\(name)() got an unexpected keyword argument '\(key)'", span, notes: notes)
            }
            guard bound.values[key] == nil else {
                throw .type("\(name)() got multiple values for argument '\(key)'", span)
            }
            bound.values[key] = value
            bound.spans[key] = valueSpan
        }
        for p in parameters where p.isRequired && bound.values[p.name] == nil {
            throw .type("\(name)() missing required argument '\(p.name)'", site.whole, notes: ["signature: \(signature)"])
        }
        return bound
    }
}

/// Arguments of one builtin call, by parameter name, with their spans.
struct BoundArguments {
    var values: [String: Value] = [:]
    var spans: [String: Span] = [:]
    /// Extra positional arguments for a `*name` parameter.
    var rest: [(Value, Span)] = []
    var site: CallSite

    init(site: CallSite) { self.site = site }

    /// The argument if given and not None.
    subscript(name: String) -> Value? {
        guard let v = values[name], !v.isNone else { return nil }
        return v
    }

    /// Where the argument is in the source (the whole call when it was not given).
    func span(_ name: String) -> Span { spans[name] ?? site.whole }

    func required(_ name: String) throws(ScriptError) -> Value {
        guard let v = values[name] else { throw .type("missing required argument '\(name)'", site.whole) }
        return v
    }

    func int(_ name: String, default fallback: Int64) throws(ScriptError) -> Int64 {
        guard let v = self[name] else { return fallback }
        guard let i = v.intValue else { throw .type("'\(name)' must be an int, got \(v.typeName)", span(name)) }
        return i
    }

    func double(_ name: String, default fallback: Double) throws(ScriptError) -> Double {
        guard let v = self[name] else { return fallback }
        guard let d = v.doubleValue else { throw .type("'\(name)' must be a number, got \(v.typeName)", span(name)) }
        return d
    }

    func bool(_ name: String, default fallback: Bool, interpreter: Interpreter) throws(ScriptError) -> Bool {
        guard let v = self[name] else { return fallback }
        return try interpreter.truth(v, span: span(name))
    }

    func string(_ name: String) throws(ScriptError) -> String? {
        guard let v = self[name] else { return nil }
        guard case .string(let s) = v else { throw .type("'\(name)' must be a string, got \(v.typeName)", span(name)) }
        return s
    }

    func dtype(_ name: String) throws(ScriptError) -> ElementKind? {
        guard let v = self[name] else { return nil }
        return try Convert.dtype(v, span: span(name))
    }

    /// The source text of an argument (for `show(y)` names and hints).
    func text(_ name: String, in source: SourceText) -> String? {
        spans[name].map { source.text($0) }
    }
}

/// The table of builtins.
public enum Builtins {
    /// Every builtin, in the order help lists them.
    public static let all: [Builtin] = python + tensorflow + numpy + engineOps + torch + tconv

    private static let index: [String: Builtin] = {
        var table = [String: Builtin]()
        for b in all { table[b.name] = b }
        return table
    }()

    /// The builtin called `name` (`tf.nn.conv2d_transpose`, `np.zeros`, `print`), if any.
    public static func named(_ name: String) -> Builtin? { index[name] }

    /// Attributes and methods every array has (shown by help and offered by completion).
    public static let arrayAttributes: [String] = ArrayMethods.attributes + ArrayMethods.methods.map { $0 + "()" }

    typealias P = Builtin.Parameter
}

extension String {
    func padding(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
}
