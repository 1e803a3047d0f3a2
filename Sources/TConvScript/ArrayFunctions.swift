import Foundation
import TConvEngine

/// Shape functions and reductions shared by `tf.*`, `np.*` and the array methods.
enum ArrayFunctions {
    /// `reshape`, with one `-1` inferred.
    static func reshape(_ a: ArrayValue, _ shapeValue: Value, span: Span) throws(ScriptError) -> ArrayValue {
        var shape = try Convert.shape(shapeValue, span: span, allowInferred: true)
        let unknown = shape.indices.filter { shape[$0] == -1 }
        guard unknown.count <= 1 else { throw .value("can only specify one unknown dimension (-1)", span) }
        if let u = unknown.first {
            var known = shape
            known.remove(at: u)
            guard let product = ShapeMath.count(known), product > 0, a.count % product == 0 else {
                throw .value("cannot reshape \(a.noun) of size \(a.count) into shape \(shapeText(shape))", span)
            }
            shape[u] = a.count / product
        }
        guard let reshaped = ShapeMath.count(shape) == a.count ? a.tensor.reshaped(shape) : nil else {
            throw .value("cannot reshape \(a.noun) of size \(a.count) into shape \(shapeText(shape))", span,
                         notes: ["the new shape must have \(a.count) elements"])
        }
        return ArrayValue(reshaped, kind: a.kind, flavor: a.flavor)
    }

    /// `transpose`: `perm` nil reverses the axes.
    static func transpose(_ a: ArrayValue, _ permValue: Value?, span: Span) throws(ScriptError) -> ArrayValue {
        var perm = Array((0..<a.rank).reversed())
        if let permValue, !permValue.isNone {
            perm = try Convert.ints(permValue, span: span, what: "perm").map { $0 < 0 ? $0 + a.rank : $0 }
            guard perm.sorted() == Array(0..<a.rank) else {
                throw .value("perm \(perm) is not a permutation of the \(a.rank) axes of shape \(shapeText(a.shape))", span)
            }
        }
        return ArrayValue(a.tensor.transposed(perm), kind: a.kind, flavor: a.flavor)
    }

    enum Reduction: String {
        case sum, max, min, mean

        var numpyName: String { ["sum": "sum", "max": "maximum", "min": "minimum", "mean": "mean"][rawValue] ?? rawValue }
    }

    /// Reduces over `axis` (None: all axes), keeping reduced axes as size 1 with `keepdims`.
    /// Sums accumulate in float64 and are rounded once to the result type.
    static func reduce(_ a: ArrayValue, _ reduction: Reduction, axis axisValue: Value?, keepdims: Bool, span: Span,
                       interpreter: Interpreter) throws(ScriptError) -> ArrayValue {
        var axes: [Int]
        if let axisValue, !axisValue.isNone {
            axes = try Convert.ints(axisValue, span: span, what: "axis")
            for (i, ax) in axes.enumerated() {
                guard ax >= -a.rank && ax < a.rank else {
                    throw .value("axis \(ax) is out of bounds for \(a.noun) of dimension \(a.rank)", span)
                }
                axes[i] = ax < 0 ? ax + a.rank : ax
            }
            guard Set(axes).count == axes.count else { throw .value("duplicate value in 'axis'", span) }
        } else {
            axes = Array(0..<a.rank)
        }
        let kept = (0..<a.rank).filter { !axes.contains($0) }
        let moved = kept + axes.sorted()
        let t = moved == Array(0..<a.rank) ? a.tensor : a.tensor.transposed(moved)
        let outer = kept.reduce(1) { $0 * a.shape[$1] }
        let block = axes.reduce(1) { $0 * a.shape[$1] }
        if block == 0 && (reduction == .max || reduction == .min) && outer > 0 {
            throw .value("zero-size array to reduction operation \(reduction.numpyName) which has no identity", span)
        }
        let values = t.doubles
        var out = [Double](repeating: 0, count: outer)
        for o in 0..<outer {
            if o & 0xFF == 0 { try interpreter.checkCancelled(span) }
            let slice = values[(o * block)..<(o * block + block)]
            switch reduction {
            case .sum: out[o] = slice.reduce(0, +)
            case .mean: out[o] = block == 0 ? .nan : slice.reduce(0, +) / Double(block)
            case .max: out[o] = slice.contains { $0.isNaN } ? .nan : (slice.max() ?? .nan)
            case .min: out[o] = slice.contains { $0.isNaN } ? .nan : (slice.min() ?? .nan)
            }
        }
        var shape = kept.map { a.shape[$0] }
        if keepdims { shape = (0..<a.rank).map { axes.contains($0) ? 1 : a.shape[$0] } }
        var kind = a.kind
        switch (reduction, a.flavor) {
        case (.mean, .numpy) where !kind.isFloat: kind = .float64
        case (.mean, .tf) where !kind.isFloat: out = out.map { $0.rounded(.towardZero) }
        case (.sum, .numpy) where kind == .bool || kind == .int32: kind = .int64
        case (.sum, .tf) where kind == .bool:
            throw .type("reduce_sum does not take a bool tensor", span, notes: ["cast it first: tf.cast(x, tf.int32)"])
        default: break
        }
        return ArrayValue(Tensor(shape: shape, float64: out), kind: kind, flavor: a.flavor)
    }

    /// `np.allclose(a, b, rtol, atol)`: `|a - b| <= atol + rtol*|b|` everywhere (broadcast).
    static func allclose(_ a: ArrayValue, _ b: ArrayValue, rtol: Double, atol: Double, equalNaN: Bool, span: Span,
                         interpreter: Interpreter) throws(ScriptError) -> Bool {
        let flags = try Arithmetic.broadcast(a, b, kind: .float64, flavor: .numpy, span: span, interpreter: interpreter) { x, y in
            if x.isNaN || y.isNaN { return equalNaN && x.isNaN && y.isNaN ? 1 : 0 }
            if x.isInfinite || y.isInfinite { return x == y ? 1 : 0 }
            return abs(x - y) <= atol + rtol * abs(y) ? 1 : 0
        }
        return !flags.doubles.contains(0)
    }
}

/// Attributes and methods of arrays: `.shape`, `.dtype`, `.ndim`, `.size`, `.T`, `.numpy()`,
/// `.reshape()`, `.astype()`, `.transpose()`, `.flatten()`, `.sum()`, `.max()`, `.min()`, `.mean()`.
enum ArrayMethods {
    /// The attribute names, for help and completion.
    static let attributes = ["shape", "dtype", "ndim", "size", "T"]
    static let methods = ["numpy", "reshape", "astype", "transpose", "flatten", "sum", "max", "min", "mean", "tolist"]
    /// Methods only PyTorch tensors have (`transpose(d0, d1)` swaps two axes on them).
    static let torchMethods = ["permute", "size", "dim", "numel", "float", "double", "long", "int", "bool", "to", "view", "unsqueeze", "squeeze",
                               "item", "detach", "contiguous", "clone", "cpu"]

    /// The attributes and methods of arrays of one flavor (for completion).
    static func names(for flavor: Flavor) -> [String] {
        attributes + methods + (flavor == .torch ? torchMethods : [])
    }

    static func attribute(_ a: ArrayValue, _ name: String, span: Span, interpreter: Interpreter) throws(ScriptError) -> Value {
        if a.flavor == .torch && name == "size" { return .method(a, name) }  // PyTorch's size() is a method
        switch name {
        case "shape": return .tuple(a.shape.map { .int(Int64($0)) })
        case "dtype": return .dtype(a.kind, a.flavor)
        case "ndim": return .int(Int64(a.rank))
        case "size": return .int(Int64(a.count))
        case "T": return .array(try ArrayFunctions.transpose(a, nil, span: span))
        case _ where methods.contains(name): return .method(a, name)
        case _ where a.flavor == .torch && torchMethods.contains(name): return .method(a, name)
        default:
            var notes = [String]()
            if let guess = closestName(to: name, in: names(for: a.flavor)) { notes.append("did you mean '.\(guess)'?") }
            if a.flavor != .torch && torchMethods.contains(name) { notes.append(".\(name)() is a PyTorch method; torch.from_numpy(x) or torch.tensor(x) makes a torch tensor") }
            throw .type("'\(a.className)' object has no attribute '\(name)'", span, notes: notes)
        }
    }

    static func call(_ a: ArrayValue, _ name: String, positional: [(Value, Span)], keywords: [(String, Value, Span, Span)],
                     site: CallSite, interpreter: Interpreter) throws(ScriptError) -> Value {
        let span = site.whole
        func noArguments() throws(ScriptError) {
            guard positional.isEmpty && keywords.isEmpty else { throw .type(".\(name)() takes no arguments", span) }
        }
        func keyword(_ key: String) -> Value? { keywords.first { $0.0 == key }?.1 }
        for (key, _, keySpan, _) in keywords where !["axis", "keepdims", "dtype", "dim"].contains(key) {
            throw .type(".\(name)() got an unexpected keyword argument '\(key)'", keySpan)
        }
        if a.flavor == .torch, name == "transpose" || torchMethods.contains(name) {
            return try TorchMethods.call(a, name, positional: positional, keywords: keywords, span: span)
        }
        switch name {
        case "numpy":
            try noArguments()
            return .array(ArrayValue(a.tensor, kind: a.kind, flavor: .numpy))
        case "tolist":
            try noArguments()
            return toList(a)
        case "flatten":
            try noArguments()
            return .array(ArrayValue(Tensor(shape: [a.count], storage: a.tensor.storage), kind: a.kind, flavor: a.flavor))
        case "reshape":
            guard !positional.isEmpty else { throw .type(".reshape() needs a shape", span) }
            let shape: Value = positional.count == 1 ? positional[0].0 : .tuple(positional.map { $0.0 })
            return .array(try ArrayFunctions.reshape(a, shape, span: span))
        case "transpose":
            let perm: Value? = positional.isEmpty ? nil : (positional.count == 1 ? positional[0].0 : .tuple(positional.map { $0.0 }))
            return .array(try ArrayFunctions.transpose(a, perm, span: span))
        case "astype":
            guard let target = positional.first?.0 ?? keyword("dtype"), let kind = try Convert.dtype(target, span: span) else {
                throw .type(".astype() needs a dtype", span)
            }
            return .array(a.cast(to: kind))
        case "sum", "max", "min", "mean":
            let axis = positional.first?.0 ?? keyword("axis")
            let keepdims = keyword("keepdims").map { (try? interpreter.truth($0, span: span)) ?? false } ?? false
            let reduction = ArrayFunctions.Reduction(rawValue: name) ?? .sum
            return .array(try ArrayFunctions.reduce(a, reduction, axis: axis, keepdims: keepdims, span: span, interpreter: interpreter))
        default:
            throw .type("'\(name)' is not a method of arrays", span)
        }
    }

    /// `tolist()`: nested Python lists of ints, floats or bools.
    static func toList(_ a: ArrayValue) -> Value {
        let values = a.doubles
        func scalar(_ v: Double) -> Value {
            switch a.kind {
            case .bool: return .bool(v != 0)
            case .int32, .int64: return v.isFinite && abs(v) < 9e18 ? .int(Int64(v)) : .float(v)
            default: return .float(v)
            }
        }
        if a.rank == 0 { return scalar(values.first ?? 0) }
        let strides = Tensor.strides(of: a.shape)
        func build(_ axis: Int, _ offset: Int) -> Value {
            if axis == a.rank { return scalar(values[offset]) }
            return .list((0..<a.shape[axis]).map { build(axis + 1, offset + $0 * strides[axis]) })
        }
        return build(0, 0)
    }
}
