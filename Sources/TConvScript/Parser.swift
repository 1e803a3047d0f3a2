/// Recursive-descent parser for TConvScript: Python's expression grammar (calls with keyword
/// arguments, subscripts and slices, attributes, lists and tuples, `+ - * / // % **`, unary
/// minus) plus assignment, `import`, `from ... import`, `assert`, `del` and `pass`.
///
/// Running out of input where more is expected throws an error marked `incomplete`, which the
/// REPL turns into a continuation prompt. Nesting deeper than `maxDepth` is a `syntax` error,
/// so no input can exhaust the stack.
struct Parser {
    static let maxDepth = 100

    private var tokens: [Token]
    private var position = 0
    private var depth = 0

    private static let unsupportedKeywords: Set<String> = [
        "and", "or", "not", "in", "is", "if", "else", "elif", "for", "while", "def", "class", "return", "lambda",
        "with", "try", "except", "finally", "raise", "yield", "global", "nonlocal", "break", "continue", "async",
        "await",
    ]
    private static let keywords: Set<String> = unsupportedKeywords.union(["None", "True", "False", "import", "from", "as",
                                                                          "assert", "del", "pass"])

    init(tokens: [Token]) { self.tokens = tokens }

    /// Parses a whole input into statements (separated by `;` or newlines).
    static func parse(_ source: SourceText) throws(ScriptError) -> [Statement] {
        var lexer = Lexer(source.characters)
        let tokens = try lexer.tokenize()
        if let open = lexer.openBrackets.last {
            throw ScriptError("syntax", "'\(open.0)' was never closed", span: Span(open.1, open.1 + 1), incomplete: true)
        }
        if lexer.endsWithBackslash {
            throw ScriptError("syntax", "the input ends with a line continuation", span: Span(source.characters.count, source.characters.count),
                              incomplete: true)
        }
        var parser = Parser(tokens: tokens)
        return try parser.parseInput()
    }

    // MARK: - Token helpers

    private var current: Token { tokens[min(position, tokens.count - 1)] }

    private func isOp(_ op: String) -> Bool {
        if case .op(let o) = current.kind { return o == op }
        return false
    }

    private func isName(_ name: String) -> Bool {
        if case .name(let n) = current.kind { return n == name }
        return false
    }

    private mutating func advance() -> Token {
        let token = current
        if position < tokens.count - 1 { position += 1 }
        return token
    }

    private func unexpected(_ what: String = "") -> ScriptError {
        let token = current
        switch token.kind {
        case .end:
            return ScriptError("syntax", "unexpected end of input" + (what.isEmpty ? "" : ": expected \(what)"),
                               span: token.span, incomplete: true)
        case .newline:
            return .syntax("unexpected end of line" + (what.isEmpty ? "" : ": expected \(what)"), token.span)
        case .op(let o):
            if ["==", "!=", "<", ">", "<=", ">="].contains(o) {
                return .syntax("comparison operators are not supported", token.span,
                               notes: ["compare tensors with np.allclose(a, b) or np.max(np.abs(a - b))"])
            }
            return .syntax("unexpected '\(o)'" + (what.isEmpty ? "" : ": expected \(what)"), token.span)
        case .name(let n):
            if Self.unsupportedKeywords.contains(n) {
                return .syntax("'\(n)' is not part of tconv's language", token.span,
                               notes: ["tconv runs assignments, calls, indexing and arithmetic; there are no blocks, conditions or loops"])
            }
            return .syntax("unexpected name '\(n)'" + (what.isEmpty ? "" : ": expected \(what)"), token.span)
        default:
            return .syntax("unexpected literal" + (what.isEmpty ? "" : ": expected \(what)"), token.span)
        }
    }

    private mutating func expectOp(_ op: String) throws(ScriptError) -> Token {
        guard isOp(op) else { throw unexpected("'\(op)'") }
        return advance()
    }

    private mutating func expectName() throws(ScriptError) -> (String, Span) {
        guard case .name(let n) = current.kind, !Self.keywords.contains(n) else { throw unexpected("a name") }
        let token = advance()
        return (n, token.span)
    }

    private mutating func enter() throws(ScriptError) {
        depth += 1
        if depth > Self.maxDepth {
            throw .syntax("expression nested too deeply (more than \(Self.maxDepth) levels)", current.span)
        }
    }

    // MARK: - Statements

    private mutating func parseInput() throws(ScriptError) -> [Statement] {
        var statements = [Statement]()
        while true {
            if case .end = current.kind { break }
            if case .newline = current.kind { _ = advance(); continue }
            var statement = try parseStatement()
            if isOp(";") {
                _ = advance()
                statement.suppressed = true
            } else if case .newline = current.kind {
                _ = advance()
            } else if case .end = current.kind {
            } else {
                throw unexpected("';' or the end of the line")
            }
            statements.append(statement)
        }
        return statements
    }

    private mutating func parseStatement() throws(ScriptError) -> Statement {
        let start = current.span
        if case .name(let word) = current.kind {
            switch word {
            case "import": return try parseImport()
            case "from": return try parseFromImport()
            case "pass":
                _ = advance()
                return Statement(kind: .pass, span: start, suppressed: false)
            case "assert":
                _ = advance()
                let condition = try parseExpression()
                var message: Expr? = nil
                if isOp(",") { _ = advance(); message = try parseExpression() }
                return Statement(kind: .assert(condition, message), span: start.union(message?.span ?? condition.span), suppressed: false)
            case "del":
                _ = advance()
                var names = [(String, Span)]()
                repeat {
                    if !names.isEmpty { _ = advance() }
                    names.append(try expectName())
                } while isOp(",")
                return Statement(kind: .delete(names), span: start.union(names.last?.1 ?? start), suppressed: false)
            default: break
            }
        }
        let first = try parseExpressionList()
        if isOp("=") {
            var targets = [try target(first)]
            var value = first
            while isOp("=") {
                _ = advance()
                value = try parseExpressionList()
                if isOp("=") { targets.append(try target(value)) }
            }
            return Statement(kind: .assign(targets, value), span: first.span.union(value.span), suppressed: false)
        }
        if case .op(let o) = current.kind, ["+=", "-=", "*=", "/=", "//=", "%=", "**="].contains(o) {
            let opToken = advance()
            let value = try parseExpressionList()
            guard case .name = first.kind else {
                throw .syntax("'\(o)' needs a plain name on its left", first.span)
            }
            return Statement(kind: .augmented(try target(first), String(o.dropLast()), value, opSpan: opToken.span),
                             span: first.span.union(value.span), suppressed: false)
        }
        if case .op(let o) = current.kind, ["==", "!=", "<", ">", "<=", ">="].contains(o) {
            throw .syntax("comparison operators are not supported", current.span,
                          notes: ["compare tensors with np.allclose(a, b) or np.max(np.abs(a - b))"])
        }
        return Statement(kind: .expression(first), span: first.span, suppressed: false)
    }

    private func target(_ expr: Expr) throws(ScriptError) -> AssignTarget {
        switch expr.kind {
        case .name(let n): return .name(n, expr.span)
        case .tuple(let items), .list(let items):
            var targets = [AssignTarget]()
            for item in items { targets.append(try target(item)) }
            return .tuple(targets, expr.span)
        case .subscripted, .attribute:
            throw .syntax("cannot assign to an element or attribute; tensors are values here (build a new one instead)", expr.span)
        default:
            throw .syntax("cannot assign to this expression", expr.span)
        }
    }

    private mutating func dottedName() throws(ScriptError) -> (String, Span) {
        var (name, span) = try expectName()
        while isOp(".") {
            _ = advance()
            let (part, partSpan) = try expectName()
            name += "." + part
            span = span.union(partSpan)
        }
        return (name, span)
    }

    private mutating func parseImport() throws(ScriptError) -> Statement {
        let start = advance().span
        var modules = [(module: String, alias: String?, span: Span)]()
        repeat {
            if !modules.isEmpty { _ = advance() }
            let (module, span) = try dottedName()
            var alias: String? = nil
            var whole = span
            if isName("as") {
                _ = advance()
                let (a, aliasSpan) = try expectName()
                alias = a
                whole = whole.union(aliasSpan)
            }
            modules.append((module, alias, whole))
        } while isOp(",")
        return Statement(kind: .importModules(modules), span: start.union(modules.last?.span ?? start), suppressed: false)
    }

    private mutating func parseFromImport() throws(ScriptError) -> Statement {
        let start = advance().span
        let (module, moduleSpan) = try dottedName()
        guard isName("import") else { throw unexpected("'import'") }
        _ = advance()
        if isOp("*") {
            throw .syntax("'from \(module) import *' is not supported; import the names you use", current.span)
        }
        let parenthesised = isOp("(")
        if parenthesised { _ = advance() }
        var names = [(name: String, alias: String?, span: Span)]()
        repeat {
            if !names.isEmpty { _ = advance() }
            if parenthesised && isOp(")") { break }
            let (name, span) = try expectName()
            var alias: String? = nil
            var whole = span
            if isName("as") {
                _ = advance()
                let (a, aliasSpan) = try expectName()
                alias = a
                whole = whole.union(aliasSpan)
            }
            names.append((name, alias, whole))
        } while isOp(",")
        var end = names.last?.span ?? moduleSpan
        if parenthesised { end = try expectOp(")").span }
        return Statement(kind: .fromImport(module: module, moduleSpan: moduleSpan, names: names), span: start.union(end),
                         suppressed: false)
    }

    // MARK: - Expressions

    /// `a, b, c` without brackets is a tuple (a trailing comma at the end of input asks for more).
    private mutating func parseExpressionList() throws(ScriptError) -> Expr {
        let first = try parseExpression()
        guard isOp(",") else { return first }
        var items = [first]
        var span = first.span
        while isOp(",") {
            span = span.union(advance().span)
            if case .end = current.kind { throw unexpected("another item after ','") }
            if isOp("=") || isOp(";") { break }
            if case .newline = current.kind { break }
            let item = try parseExpression()
            items.append(item)
            span = span.union(item.span)
        }
        return Expr(kind: .tuple(items), span: span)
    }

    mutating func parseExpression() throws(ScriptError) -> Expr {
        try enter()
        defer { depth -= 1 }
        var left = try parseTerm()
        while case .op(let o) = current.kind, o == "+" || o == "-" {
            let opToken = advance()
            let right = try parseTerm()
            left = Expr(kind: .binary(o, left, right, opSpan: opToken.span), span: left.span.union(right.span))
        }
        return left
    }

    private mutating func parseTerm() throws(ScriptError) -> Expr {
        var left = try parseUnary()
        while case .op(let o) = current.kind, ["*", "/", "//", "%", "@"].contains(o) {
            let opToken = advance()
            let right = try parseUnary()
            left = Expr(kind: .binary(o, left, right, opSpan: opToken.span), span: left.span.union(right.span))
        }
        return left
    }

    private mutating func parseUnary() throws(ScriptError) -> Expr {
        if case .op(let o) = current.kind, o == "-" || o == "+" || o == "~" {
            let opToken = advance()
            try enter()
            defer { depth -= 1 }
            let operand = try parseUnary()
            if o == "~" { throw .syntax("the bitwise operator '~' is not supported", opToken.span) }
            return Expr(kind: .unary(o, operand), span: opToken.span.union(operand.span))
        }
        return try parsePower()
    }

    private mutating func parsePower() throws(ScriptError) -> Expr {
        let base = try parsePostfix()
        guard isOp("**") else { return base }
        let opToken = advance()
        try enter()
        defer { depth -= 1 }
        let exponent = try parseUnary()
        return Expr(kind: .binary("**", base, exponent, opSpan: opToken.span), span: base.span.union(exponent.span))
    }

    private mutating func parsePostfix() throws(ScriptError) -> Expr {
        var expr = try parseAtom()
        while true {
            if isOp("(") {
                _ = advance()
                let (arguments, close) = try parseArguments()
                expr = Expr(kind: .call(expr, arguments), span: expr.span.union(close))
            } else if isOp("[") {
                _ = advance()
                let (items, close) = try parseSubscripts()
                expr = Expr(kind: .subscripted(expr, items), span: expr.span.union(close))
            } else if isOp(".") {
                _ = advance()
                let (name, span) = try expectName()
                expr = Expr(kind: .attribute(expr, name, nameSpan: span), span: expr.span.union(span))
            } else {
                return expr
            }
        }
    }

    private mutating func parseArguments() throws(ScriptError) -> ([Argument], Span) {
        var arguments = [Argument]()
        var sawKeyword = false
        while !isOp(")") {
            if isOp("*") || isOp("**") {
                throw .syntax("'*' and '**' argument unpacking are not supported", current.span)
            }
            if case .name(let n) = current.kind, position + 1 < tokens.count, case .op("=") = tokens[position + 1].kind,
               !Self.keywords.contains(n) {
                let nameToken = advance()
                _ = advance()
                let value = try parseExpression()
                if arguments.contains(where: { $0.name == n }) {
                    throw .syntax("keyword argument repeated: \(n)", nameToken.span)
                }
                arguments.append(Argument(name: n, nameSpan: nameToken.span, value: value, span: nameToken.span.union(value.span)))
                sawKeyword = true
            } else {
                let value = try parseExpression()
                if sawKeyword {
                    throw .syntax("positional argument follows keyword argument", value.span)
                }
                arguments.append(Argument(name: nil, nameSpan: nil, value: value, span: value.span))
            }
            if isOp(",") { _ = advance(); continue }
            guard isOp(")") else { throw unexpected("',' or ')'") }
        }
        return (arguments, advance().span)
    }

    private mutating func parseSubscripts() throws(ScriptError) -> ([Subscript], Span) {
        var items = [Subscript]()
        repeat {
            if !items.isEmpty {
                _ = advance()
                if isOp("]") { break }
            }
            items.append(try parseSubscript())
        } while isOp(",")
        guard isOp("]") else { throw unexpected("',' or ']'") }
        if items.isEmpty { throw .syntax("empty subscript", current.span) }
        return (items, advance().span)
    }

    private mutating func parseSubscript() throws(ScriptError) -> Subscript {
        let start = current.span
        var parts: [Expr?] = []
        var part: Expr? = nil
        if !isOp(":") { part = try parseExpression() }
        guard isOp(":") else {
            guard let part else { throw unexpected("an index") }
            return .index(part)
        }
        parts.append(part)
        var end = start
        while isOp(":") && parts.count < 3 {
            end = advance().span
            if isOp(":") || isOp(",") || isOp("]") {
                parts.append(nil)
            } else {
                let e = try parseExpression()
                end = e.span
                parts.append(e)
            }
        }
        while parts.count < 3 { parts.append(nil) }
        return .slice(parts[0], parts[1], parts[2], span: start.union(end))
    }

    private mutating func parseAtom() throws(ScriptError) -> Expr {
        let token = current
        switch token.kind {
        case .int(let v): _ = advance(); return Expr(kind: .int(v), span: token.span)
        case .float(let v): _ = advance(); return Expr(kind: .float(v), span: token.span)
        case .string(let s): _ = advance(); return Expr(kind: .string(s), span: token.span)
        case .name(let n):
            switch n {
            case "None": _ = advance(); return Expr(kind: .none, span: token.span)
            case "True": _ = advance(); return Expr(kind: .bool(true), span: token.span)
            case "False": _ = advance(); return Expr(kind: .bool(false), span: token.span)
            default:
                if Self.keywords.contains(n) { throw unexpected("an expression") }
                _ = advance()
                return Expr(kind: .name(n), span: token.span)
            }
        case .op("..."):
            _ = advance()
            return Expr(kind: .ellipsis, span: token.span)
        case .op("("):
            _ = advance()
            try enter()
            defer { depth -= 1 }
            if isOp(")") { return Expr(kind: .tuple([]), span: token.span.union(advance().span)) }
            let first = try parseExpression()
            if isOp(")") {
                var inner = first
                inner.span = token.span.union(advance().span)
                // Keep the inner kind: parentheses only group.
                return inner
            }
            var items = [first]
            while isOp(",") {
                _ = advance()
                if isOp(")") { break }
                items.append(try parseExpression())
            }
            let close = try expectOp(")")
            return Expr(kind: .tuple(items), span: token.span.union(close.span))
        case .op("["):
            _ = advance()
            try enter()
            defer { depth -= 1 }
            var items = [Expr]()
            while !isOp("]") {
                items.append(try parseExpression())
                if isOp(",") { _ = advance(); continue }
                guard isOp("]") else { throw unexpected("',' or ']'") }
            }
            return Expr(kind: .list(items), span: token.span.union(advance().span))
        case .op("{"):
            throw .syntax("dict and set literals are not supported", token.span)
        default:
            throw unexpected("an expression")
        }
    }
}
