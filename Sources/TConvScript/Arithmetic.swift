import Foundation
import TConvEngine

/// `+ - * / // % **` and unary minus: Python's rules for Python numbers, lists and strings;
/// numpy's broadcasting and promotion for arrays; TensorFlow's strictness for tensors (two
/// tensors of different dtypes are an error; a numpy or Python operand is converted).
enum Arithmetic {
    static func unary(_ op: String, _ value: Value, span: Span, interpreter: Interpreter) throws(ScriptError) -> Value {
        if op == "+" {
            switch value {
            case .int, .float, .array: return value
            case .bool(let b): return .int(b ? 1 : 0)
            default: throw .type("bad operand type for unary +: '\(value.typeName)'", span)
            }
        }
        switch value {
        case .int(let i):
            let (r, overflow) = Int64(0).subtractingReportingOverflow(i)
            if overflow { throw .value("integer overflow in -\(i) (tconv's ints are 64-bit)", span) }
            return .int(r)
        case .bool(let b): return .int(b ? -1 : 0)
        case .float(let d): return .float(-d)
        case .array(let a):
            if a.kind == .bool { throw .type("the numpy boolean negative, the `-` operator, is not supported", span) }
            return .array(try elementwise(a, span: span, interpreter: interpreter) { -$0 })
        default:
            throw .type("bad operand type for unary -: '\(value.typeName)'", span)
        }
    }

    static func binary(_ op: String, _ left: Value, _ right: Value, opSpan: Span,
                       interpreter: Interpreter) throws(ScriptError) -> Value {
        if op == "@" {
            throw .type("matrix multiplication (@) is not supported", opSpan)
        }
        switch (left, right) {
        case (.array, _), (_, .array):
            return .array(try arrays(op, left, right, span: opSpan, interpreter: interpreter))
        default:
            break
        }
        if let l = left.intValue, let r = right.intValue, left.isPythonInteger, right.isPythonInteger {
            return try integers(op, l, r, span: opSpan)
        }
        if let l = left.pythonNumber, let r = right.pythonNumber {
            return try floats(op, l, r, span: opSpan)
        }
        switch (left, right, op) {
        case (.list(let a), .list(let b), "+"): return .list(try joined(a, b, span: opSpan, interpreter: interpreter))
        case (.tuple(let a), .tuple(let b), "+"): return .tuple(try joined(a, b, span: opSpan, interpreter: interpreter))
        case (.string(let a), .string(let b), "+"): return .string(a + b)
        case (.list(let a), _, "*"): return .list(try repeated(a, right, span: opSpan, interpreter: interpreter))
        case (_, .list(let b), "*"): return .list(try repeated(b, left, span: opSpan, interpreter: interpreter))
        case (.tuple(let a), _, "*"): return .tuple(try repeated(a, right, span: opSpan, interpreter: interpreter))
        case (_, .tuple(let b), "*"): return .tuple(try repeated(b, left, span: opSpan, interpreter: interpreter))
        case (.list, .list, _), (.list, .int, _), (.int, .list, _), (.list, .float, _), (.float, .list, _):
            throw .type("unsupported operand type(s) for \(op): '\(left.typeName)' and '\(right.typeName)'", opSpan,
                        notes: ["lists are Python lists here; wrap one in np.array(...) for elementwise arithmetic"])
        default:
            throw .type("unsupported operand type(s) for \(op): '\(left.typeName)' and '\(right.typeName)'", opSpan)
        }
    }

    private static func joined(_ a: [Value], _ b: [Value], span: Span, interpreter: Interpreter) throws(ScriptError) -> [Value] {
        try checkListLength(a.count + b.count, span: span, interpreter: interpreter)
        return a + b
    }

    private static func repeated(_ items: [Value], _ times: Value, span: Span, interpreter: Interpreter) throws(ScriptError) -> [Value] {
        guard times.isPythonInteger, let n = times.intValue else {
            throw .type("can't multiply sequence by non-int of type '\(times.typeName)'", span)
        }
        guard n > 0, !items.isEmpty else { return [] }
        let (total, overflow) = Int64(items.count).multipliedReportingOverflow(by: n)
        guard !overflow else { throw ScriptError(ErrorCategory.tooLarge.rawValue, "a list of \(items.count) x \(n) items is too long", span: span) }
        try checkListLength(Int(total), span: span, interpreter: interpreter)
        var out = [Value]()
        out.reserveCapacity(Int(total))
        for _ in 0..<n { out += items }
        return out
    }

    /// Python lists cost far more than array elements; bound them by the same byte limit.
    private static func checkListLength(_ n: Int, span: Span, interpreter: Interpreter) throws(ScriptError) {
        if Int64(n) > interpreter.limits.maxResultBytes / 64 {
            throw ScriptError(ErrorCategory.tooLarge.rawValue, "a Python list of \(n) items is too long", span: span,
                              notes: ["build large data with np.zeros, np.ones or tf.fill"])
        }
    }

    // MARK: - Python numbers

    private static func integers(_ op: String, _ a: Int64, _ b: Int64, span: Span) throws(ScriptError) -> Value {
        func overflow() -> ScriptError { .value("integer overflow in \(a) \(op) \(b) (tconv's ints are 64-bit)", span) }
        switch op {
        case "+":
            let (r, o) = a.addingReportingOverflow(b); if o { throw overflow() }; return .int(r)
        case "-":
            let (r, o) = a.subtractingReportingOverflow(b); if o { throw overflow() }; return .int(r)
        case "*":
            let (r, o) = a.multipliedReportingOverflow(by: b); if o { throw overflow() }; return .int(r)
        case "/":
            if b == 0 { throw .value("division by zero", span) }
            return .float(Double(a) / Double(b))
        case "//", "%":
            if b == 0 { throw .value("integer division or modulo by zero", span) }
            if a == Int64.min && b == -1 { throw overflow() }
            var q = a / b
            var r = a % b
            if r != 0 && ((r < 0) != (b < 0)) { q -= 1; r += b }
            return .int(op == "//" ? q : r)
        case "**":
            if b < 0 {
                if a == 0 { throw .value("0 cannot be raised to a negative power", span) }
                return .float(Foundation.pow(Double(a), Double(b)))
            }
            if a == 0 || a == 1 { return .int(b == 0 ? 1 : a) }
            if a == -1 { return .int(b % 2 == 0 ? 1 : -1) }
            var result: Int64 = 1
            var remaining = b
            while remaining > 0 {
                let (r, o) = result.multipliedReportingOverflow(by: a)
                if o { throw overflow() }
                result = r
                remaining -= 1
            }
            return .int(result)
        default:
            throw .type("unsupported operator \(op)", span)
        }
    }

    private static func floats(_ op: String, _ a: Double, _ b: Double, span: Span) throws(ScriptError) -> Value {
        switch op {
        case "+": return .float(a + b)
        case "-": return .float(a - b)
        case "*": return .float(a * b)
        case "/":
            if b == 0 { throw .value("float division by zero", span) }
            return .float(a / b)
        case "//", "%":
            if b == 0 { throw .value("float modulo by zero", span) }
            let q = (a / b).rounded(.down)
            return .float(op == "//" ? q : a - q * b)
        case "**":
            if a == 0 && b < 0 { throw .value("0.0 cannot be raised to a negative power", span) }
            if a < 0 && b != b.rounded() { throw .value("a negative number to a fractional power is complex", span) }
            let r = Foundation.pow(a, b)
            if r.isInfinite && a.isFinite && b.isFinite { throw .value("numerical result out of range", span) }
            return .float(r)
        default:
            throw .type("unsupported operator \(op)", span)
        }
    }

    // MARK: - Arrays

    /// Converts both operands, decides the result kind and flavor, broadcasts and computes.
    static func arrays(_ op: String, _ left: Value, _ right: Value, span: Span,
                       interpreter: Interpreter) throws(ScriptError) -> ArrayValue {
        let (a, b, kind, flavor) = try operands(op, left, right, span: span, interpreter: interpreter)
        let outKind: ElementKind
        switch op {
        case "/": outKind = kind.isFloat ? kind : (flavor == .torch ? .float32 : .float64)
        default: outKind = kind == .bool && op != "*" ? (op == "+" ? .bool : .int64) : kind
        }
        if op == "-" && a.kind == .bool && b.kind == .bool {
            throw .type("numpy boolean subtract, the `-` operator, is not supported", span)
        }
        if op == "**" && !kind.isFloat && b.doubles.contains(where: { $0 < 0 }) {
            throw .value("integers to negative integer powers are not allowed", span)
        }
        let f: (Double, Double) -> Double
        switch op {
        case "+": f = outKind == .bool ? { ($0 != 0 || $1 != 0) ? 1 : 0 } : { $0 + $1 }
        case "-": f = { $0 - $1 }
        case "*": f = outKind == .bool ? { ($0 != 0 && $1 != 0) ? 1 : 0 } : { $0 * $1 }
        case "/": f = { $0 / $1 }
        case "//": f = { ($0 / $1).rounded(.down) }
        case "%": f = { x, y in y == 0 ? .nan : x - (x / y).rounded(.down) * y }
        case "**": f = { Foundation.pow($0, $1) }
        default: throw .type("unsupported operator \(op) for arrays", span)
        }
        return try broadcast(a, b, kind: outKind, flavor: flavor, span: span, interpreter: interpreter, f)
    }

    /// The two operands as arrays, the kind they compute in, and the result's flavor.
    private static func operands(_ op: String, _ left: Value, _ right: Value, span: Span,
                                 interpreter: Interpreter) throws(ScriptError) -> (ArrayValue, ArrayValue, ElementKind, Flavor) {
        let leftTF = left.arrayFlavor == .tf, rightTF = right.arrayFlavor == .tf
        if leftTF || rightTF {
            // TensorFlow: the tensor's dtype rules; another tensor must match it exactly.
            if case .array(let l) = left, case .array(let r) = right, leftTF && rightTF {
                guard l.kind == r.kind else {
                    throw .type("cannot compute \(opName(op)) of a \(l.kind) tensor and a \(r.kind) tensor", span,
                                notes: ["TensorFlow does not convert between tensor dtypes; use tf.cast(x, tf.\(l.kind))"])
                }
                return (l, r, l.kind, .tf)
            }
            let (tensorValue, otherValue) = leftTF ? (left, right) : (right, left)
            guard case .array(let tensor) = tensorValue else { throw .type("internal: no tensor operand", span) }
            let other = try toKind(otherValue, tensor.kind, span: span, interpreter: interpreter)
            return leftTF ? (tensor, other, tensor.kind, .tf) : (other, tensor, tensor.kind, .tf)
        }
        // PyTorch: numpy's promotion, but a Python float meeting an int tensor gives the default
        // float dtype (float32), and the result is a torch tensor.
        if left.arrayFlavor == .torch || right.arrayFlavor == .torch {
            let (a, b, kind, _) = try numpyOperands(left, right, span: span, interpreter: interpreter)
            var torchKind = kind
            switch (left.arrayKind, right.arrayKind) {
            case (let l?, let r?) where l.isFloat != r.isFloat:
                torchKind = l.isFloat ? l : r  // an int tensor meeting a float tensor takes the float's dtype
            case (let k?, nil) where !k.isFloat && right.isPythonFloat, (nil, let k?) where !k.isFloat && left.isPythonFloat:
                torchKind = .float32
            default: break
            }
            return (a, b, torchKind, .torch)
        }
        return try numpyOperands(left, right, span: span, interpreter: interpreter)
    }

    /// numpy: promotion, with Python scalars weak (NEP 50).
    private static func numpyOperands(_ left: Value, _ right: Value, span: Span,
                                      interpreter: Interpreter) throws(ScriptError) -> (ArrayValue, ArrayValue, ElementKind, Flavor) {
        switch (left, right) {
        case (.array(let l), .array(let r)):
            return (l, r, Convert.promote(l.kind, r.kind), .numpy)
        case (.array(let l), _):
            let kind = right.pythonNumber != nil ? Convert.promoteScalar(right, with: l.kind)
                : Convert.promote(l.kind, try Convert.numpyArray(right, span: span, interpreter: interpreter).kind)
            return (l, try Convert.numpyArray(right, span: span, interpreter: interpreter), kind, .numpy)
        case (_, .array(let r)):
            let kind = left.pythonNumber != nil ? Convert.promoteScalar(left, with: r.kind)
                : Convert.promote(r.kind, try Convert.numpyArray(left, span: span, interpreter: interpreter).kind)
            return (try Convert.numpyArray(left, span: span, interpreter: interpreter), r, kind, .numpy)
        default:
            throw .type("internal: no array operand", span)
        }
    }

    /// A non-tensor operand converted to a tensor's kind, as TensorFlow's `convert_to_tensor` does.
    static func toKind(_ value: Value, _ kind: ElementKind, span: Span, interpreter: Interpreter) throws(ScriptError) -> ArrayValue {
        if case .array(let a) = value { return a.cast(to: kind, flavor: .tf) }
        let array = try Convert.numpyArray(value, span: span, interpreter: interpreter)
        if !kind.isFloat && array.kind.isFloat {
            throw .type("cannot convert a float to \(kind.article) \(kind) tensor", span,
                        notes: ["TensorFlow does not convert floats to an int tensor's dtype; use tf.cast"])
        }
        let converted = array.cast(to: kind, flavor: .tf)
        if kind == .int32 { try Convert.checkInt32(converted, span: span) }
        return converted
    }

    private static func opName(_ op: String) -> String {
        ["+": "Add", "-": "Sub", "*": "Mul", "/": "RealDiv", "//": "FloorDiv", "%": "FloorMod", "**": "Pow"][op] ?? op
    }

    /// numpy broadcasting of two arrays, computing `f` in Double and storing as `kind`.
    static func broadcast(_ a: ArrayValue, _ b: ArrayValue, kind: ElementKind, flavor: Flavor, span: Span,
                          interpreter: Interpreter, _ f: (Double, Double) -> Double) throws(ScriptError) -> ArrayValue {
        let rank = max(a.rank, b.rank)
        let sa = Array(repeating: 1, count: rank - a.rank) + a.shape
        let sb = Array(repeating: 1, count: rank - b.rank) + b.shape
        var shape = [Int]()
        for axis in 0..<rank {
            if sa[axis] == sb[axis] || sb[axis] == 1 { shape.append(sa[axis]) } else if sa[axis] == 1 { shape.append(sb[axis]) } else {
                throw .value("operands could not be broadcast together with shapes \(shapeText(a.shape)) \(shapeText(b.shape))", span)
            }
        }
        try ShapeMath.checkAllocation(shape, kind: kind, limits: interpreter.limits, span: span)
        let x = a.doubles, y = b.doubles
        let n = ShapeMath.count(shape) ?? 0
        var out = [Double](repeating: 0, count: n)
        if x.count == n && y.count == n {
            for i in 0..<n {
                if i & 0xFFFF == 0 { try interpreter.checkCancelled(span) }
                out[i] = f(x[i], y[i])
            }
        } else if y.count == 1 && x.count == n {
            let v = y.first ?? 0
            for i in 0..<n { out[i] = f(x[i], v) }
        } else if x.count == 1 && y.count == n {
            let v = x.first ?? 0
            for i in 0..<n { out[i] = f(v, y[i]) }
        } else if n > 0 {
            let stridesA = broadcastStrides(sa, shape), stridesB = broadcastStrides(sb, shape)
            var index = [Int](repeating: 0, count: rank)
            var ia = 0, ib = 0
            for i in 0..<n {
                if i & 0xFFFF == 0 { try interpreter.checkCancelled(span) }
                out[i] = f(x[ia], y[ib])
                var axis = rank - 1
                while axis >= 0 {
                    index[axis] += 1
                    ia += stridesA[axis]
                    ib += stridesB[axis]
                    if index[axis] < shape[axis] { break }
                    ia -= stridesA[axis] * shape[axis]
                    ib -= stridesB[axis] * shape[axis]
                    index[axis] = 0
                    axis -= 1
                }
            }
        }
        let layout = a.shape == shape ? a.tensor.layout : (b.shape == shape ? b.tensor.layout : nil)
        return ArrayValue(Tensor(shape: shape, float64: out, layout: layout), kind: kind, flavor: flavor)
    }

    /// Element strides of a (left-padded) shape inside a broadcast result; 0 on stretched axes.
    private static func broadcastStrides(_ shape: [Int], _ result: [Int]) -> [Int] {
        let strides = Tensor.strides(of: shape)
        return (0..<shape.count).map { shape[$0] == 1 && result[$0] != 1 ? 0 : strides[$0] }
    }

    /// `f` applied to every element; the kind stays.
    static func elementwise(_ a: ArrayValue, span: Span, interpreter: Interpreter, _ f: (Double) -> Double) throws(ScriptError) -> ArrayValue {
        var out = a.doubles
        for i in 0..<out.count {
            if i & 0xFFFF == 0 { try interpreter.checkCancelled(span) }
            out[i] = f(out[i])
        }
        return ArrayValue(Tensor(shape: a.shape, float64: out, layout: a.tensor.layout), kind: a.kind, flavor: a.flavor)
    }
}

func shapeText(_ shape: [Int]) -> String {
    "(" + shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? ",)" : ")")
}

extension Value {
    /// A Python int or bool (not a float, not an array).
    var isPythonInteger: Bool {
        switch self {
        case .int, .bool: return true
        default: return false
        }
    }

    /// A Python number (int, float or bool) as a Double.
    var pythonNumber: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .float(let d): return d
        case .bool(let b): return b ? 1 : 0
        default: return nil
        }
    }

    /// A Python float literal value (not an int, not an array).
    var isPythonFloat: Bool { if case .float = self { return true } else { return false } }

    /// The flavor of an array value, nil for anything else.
    var arrayFlavor: Flavor? {
        if case .array(let a) = self { return a.flavor }
        return nil
    }
}
