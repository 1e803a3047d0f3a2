import TConvEngine

/// One item of a subscript after evaluation.
enum IndexItem {
    case int(Int64, Span)
    case slice(Int64?, Int64?, Int64?, Span)
    case ellipsis(Span)
    case newAxis(Span)

    var span: Span {
        switch self {
        case .int(_, let s), .slice(_, _, _, let s), .ellipsis(let s), .newAxis(let s): return s
        }
    }
}

/// numpy's basic indexing (integers, slices, `...`, `None`) on arrays, and Python's on lists and
/// tuples. Every index is checked; nothing can trap.
enum Indexing {
    static func subscriptValue(_ value: Value, _ items: [IndexItem], span: Span, interpreter: Interpreter) throws(ScriptError) -> Value {
        switch value {
        case .array(let a):
            return .array(try index(a, items, span: span, interpreter: interpreter))
        case .list(let l), .tuple(let l):
            let isList: Bool
            if case .list = value { isList = true } else { isList = false }
            guard items.count == 1, let item = items.first else {
                throw .type("\(value.typeName) indices must be integers or slices, not tuple", span)
            }
            switch item {
            case .int(let i, let s):
                let n = Int64(l.count)
                let k = i < 0 ? i + n : i
                guard k >= 0 && k < n else { throw .value("\(value.typeName) index \(i) out of range (length \(n))", s) }
                return l[Int(k)]
            case .slice(let a, let b, let c, let s):
                let (start, step, count) = try sliceIndices(a, b, c, length: l.count, span: s)
                var out = [Value]()
                for k in 0..<count { out.append(l[start + k * step]) }
                return isList ? .list(out) : .tuple(out)
            default:
                throw .type("\(value.typeName) indices must be integers or slices", item.span)
            }
        case .string(let s):
            guard items.count == 1, case .int(let i, let sp) = items[0] else { throw .type("string indices must be integers", span) }
            let chars = Array(s)
            let k = i < 0 ? i + Int64(chars.count) : i
            guard k >= 0 && k < Int64(chars.count) else { throw .value("string index out of range", sp) }
            return .string(String(chars[Int(k)]))
        default:
            throw .type("'\(value.typeName)' object is not subscriptable", span)
        }
    }

    /// Python's `slice.indices(length)`: start, step and element count.
    static func sliceIndices(_ startValue: Int64?, _ stopValue: Int64?, _ stepValue: Int64?, length: Int,
                             span: Span) throws(ScriptError) -> (start: Int, step: Int, count: Int) {
        let step = stepValue ?? 1
        guard step != 0 else { throw .value("slice step cannot be zero", span) }
        guard step > Int64.min else { throw .value("slice step is too small", span) }
        let n = Int64(length)
        let (lower, upper): (Int64, Int64) = step > 0 ? (0, n) : (-1, n - 1)
        func clamp(_ v: Int64?, _ fallback: Int64) -> Int64 {
            guard var v else { return fallback }
            if v < 0 {
                v = v < -n ? lower : v + n
                return max(v, lower)
            }
            return min(v, upper)
        }
        let start = clamp(startValue, step > 0 ? lower : upper)
        let stop = clamp(stopValue, step > 0 ? upper : lower)
        var count: Int64 = 0
        if step > 0, stop > start { count = (stop - start + step - 1) / step }
        if step < 0, start > stop { count = (start - stop + (-step) - 1) / (-step) }
        return (Int(start), Int(clamping: step), Int(count))
    }

    /// Basic indexing of an array.
    static func index(_ a: ArrayValue, _ items: [IndexItem], span: Span, interpreter: Interpreter) throws(ScriptError) -> ArrayValue {
        let consuming = items.filter { if case .int = $0 { return true }; if case .slice = $0 { return true }; return false }.count
        let ellipses = items.filter { if case .ellipsis = $0 { return true }; return false }
        if ellipses.count > 1, let second = ellipses.dropFirst().first {
            throw .value("an index can only have a single ellipsis ('...')", second.span)
        }
        guard consuming <= a.rank else {
            throw .value("too many indices for \(a.noun): it is \(a.rank)-dimensional, but \(consuming) were indexed", span)
        }
        // Expand `...` (or add it at the end) so that every axis has an item.
        var expanded = [IndexItem]()
        var sawEllipsis = false
        for item in items {
            if case .ellipsis(let s) = item {
                sawEllipsis = true
                for _ in 0..<(a.rank - consuming) { expanded.append(.slice(nil, nil, nil, s)) }
            } else {
                expanded.append(item)
            }
        }
        if !sawEllipsis { for _ in 0..<(a.rank - consuming) { expanded.append(.slice(nil, nil, nil, span)) } }

        let sourceStrides = Tensor.strides(of: a.shape)
        var baseOffset = 0
        // Each kept source axis: (start, step, count, stride).
        var loops = [(start: Int, step: Int, count: Int, stride: Int)]()
        var resultShape = [Int]()
        var axis = 0
        var keepsLayout = true
        for item in expanded {
            switch item {
            case .int(let i, let s):
                let n = Int64(a.shape[axis])
                let k = i < 0 ? i + n : i
                guard k >= 0 && k < n else {
                    throw .value("index \(i) is out of bounds for axis \(axis) with size \(n)", s)
                }
                baseOffset += Int(k) * sourceStrides[axis]
                axis += 1
                keepsLayout = false
            case .slice(let lo, let hi, let st, let s):
                let (start, step, count) = try sliceIndices(lo, hi, st, length: a.shape[axis], span: s)
                loops.append((start, step, count, sourceStrides[axis]))
                resultShape.append(count)
                axis += 1
            case .newAxis:
                loops.append((0, 0, 1, 0))
                resultShape.append(1)
                keepsLayout = false
            case .ellipsis:
                break
            }
        }
        guard resultShape.count <= Convert.maxRank else {
            throw .value("the result would have more than \(Convert.maxRank) axes", span)
        }
        let values = a.doubles
        let n = ShapeMath.count(resultShape) ?? 0
        var out = [Double]()
        out.reserveCapacity(n)
        if n > 0 {
            for l in loops { baseOffset += l.start * l.stride }
            var counters = [Int](repeating: 0, count: loops.count)
            var offset = baseOffset
            for i in 0..<n {
                if i & 0xFFFF == 0 { try interpreter.checkCancelled(span) }
                out.append(values[offset])
                var k = loops.count - 1
                while k >= 0 {
                    counters[k] += 1
                    offset += loops[k].step * loops[k].stride
                    if counters[k] < loops[k].count { break }
                    offset -= loops[k].step * loops[k].stride * loops[k].count
                    counters[k] = 0
                    k -= 1
                }
            }
        }
        let layout = keepsLayout ? a.tensor.layout : nil
        return ArrayValue(Tensor(shape: resultShape, float64: out, layout: layout), kind: a.kind, flavor: a.flavor)
    }
}
