/// An expression with the span of source it came from.
struct Expr: Sendable {
    var kind: ExprKind
    var span: Span
}

indirect enum ExprKind: Sendable {
    case name(String)
    case int(Int64)
    case float(Double)
    case string(String)
    case none
    case bool(Bool)
    case ellipsis
    case list([Expr])
    case tuple([Expr])
    /// `-x`, `+x`.
    case unary(String, Expr)
    /// `a + b`, `a ** b`, ...; the operator's own span is kept for error carets.
    case binary(String, Expr, Expr, opSpan: Span)
    case call(Expr, [Argument])
    /// `base.name`; `nameSpan` covers `name`.
    case attribute(Expr, String, nameSpan: Span)
    case subscripted(Expr, [Subscript])
}

/// One argument of a call: positional (`name == nil`) or keyword.
struct Argument: Sendable {
    var name: String?
    var nameSpan: Span?
    var value: Expr
    /// The whole argument, `name=value` included.
    var span: Span
}

/// One item inside `[...]` after an expression.
enum Subscript: Sendable {
    case index(Expr)
    case slice(Expr?, Expr?, Expr?, span: Span)
}

/// Where an assignment stores its value.
indirect enum AssignTarget: Sendable {
    case name(String, Span)
    case tuple([AssignTarget], Span)

    var span: Span {
        switch self {
        case .name(_, let s), .tuple(_, let s): return s
        }
    }
}

/// One statement of the language.
enum StatementKind: Sendable {
    case expression(Expr)
    /// `a = b = value` (targets left to right).
    case assign([AssignTarget], Expr)
    /// `x += value`.
    case augmented(AssignTarget, String, Expr, opSpan: Span)
    /// `import tensorflow as tf, numpy` as (dotted module, alias, span) entries.
    case importModules([(module: String, alias: String?, span: Span)])
    /// `from numpy import zeros as z, ones`.
    case fromImport(module: String, moduleSpan: Span, names: [(name: String, alias: String?, span: Span)])
    case assert(Expr, Expr?)
    case delete([(String, Span)])
    case pass
}

struct Statement: Sendable {
    var kind: StatementKind
    var span: Span
    /// Followed by `;`: its value is not shown.
    var suppressed: Bool
}
