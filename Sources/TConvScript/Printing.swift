import TConvEngine

/// numpy's print options that tconv honours.
public struct PrintOptions: Sendable, Equatable {
    /// Digits after the point (numpy's `precision`, default 8; `%precision N`).
    public var precision: Int
    /// Arrays with more elements than this are summarised with `...` (numpy's default 1000).
    public var threshold: Int
    /// Items kept at each end of a summarised axis (numpy's default 3).
    public var edgeItems: Int
    /// Characters per line before wrapping (numpy's default 75).
    public var lineWidth: Int

    public init(precision: Int = 8, threshold: Int = 1000, edgeItems: Int = 3, lineWidth: Int = 75) {
        self.precision = precision
        self.threshold = threshold
        self.edgeItems = edgeItems
        self.lineWidth = lineWidth
    }
}

/// Printing of tensors the way numpy prints arrays, with a header line naming shape, layout and
/// dtype. Used by the REPL for every result; other targets may use it for their own text.
public enum Printing {
    /// `<tensor [1,4,4,2] NHWC float32>` then numpy's `str()` of the values.
    /// `kind` overrides the element type shown (integer arrays are stored as float64).
    public static func format(_ tensor: Tensor, kind: ElementKind? = nil, noun: String = "tensor",
                              options: PrintOptions = PrintOptions()) -> String {
        header(tensor, kind: kind, noun: noun) + "\n" + body(tensor, kind: kind, options: options)
    }

    /// `<tensor [1,4,4,2] NHWC float32>`.
    public static func header(_ tensor: Tensor, kind: ElementKind? = nil, noun: String = "tensor") -> String {
        let shape = "[" + tensor.shape.map(String.init).joined(separator: ",") + "]"
        let layout = tensor.layout.map { " \($0.name)" } ?? ""
        return "<\(noun) \(shape)\(layout) \(kind ?? ElementKind(tensor.dtype))>"
    }

    /// numpy's `str(array)`: nested brackets, aligned columns, lines wrapped at `lineWidth`,
    /// summarised with `...` beyond `threshold` elements. A 0-d tensor prints as its scalar.
    public static func body(_ tensor: Tensor, kind: ElementKind? = nil, options: PrintOptions = PrintOptions()) -> String {
        let kind = kind ?? ElementKind(tensor.dtype)
        let shape = tensor.shape
        if shape.isEmpty {
            guard tensor.count == 1 else { return "[]" }
            return scalarText(tensor[flat: 0], kind: kind)
        }
        if tensor.count == 0 { return "[]" }
        let summarise = tensor.count > options.threshold
        let edge = max(1, options.edgeItems)
        // The formatter sees only the values that will be shown, as numpy's does.
        let shownIndices = summarise ? shownFlatIndices(shape: shape, edge: edge) : nil
        let shownValues = shownIndices.map { $0.map { tensor[flat: $0] } } ?? tensor.doubles
        let formatElement = elementFormatter(values: shownValues, kind: kind, precision: options.precision)
        let strides = Tensor.strides(of: shape)
        var index = [Int]()
        return recurse(&index, shape: shape, strides: strides, hangingIndent: " ", width: options.lineWidth,
                       summarise: summarise, edge: edge) { offset in formatElement(tensor[flat: offset]) }
    }

    /// A scalar as numpy's `str()` prints it: `2.0`, `1e-05`, `3`, `True`.
    public static func scalarText(_ value: Double, kind: ElementKind) -> String {
        switch kind {
        case .float32: return FloatText.pythonRepr(value, float32: true)
        case .float64: return FloatText.pythonRepr(value)
        case .int32, .int64: return integerText(value)
        case .bool: return value != 0 ? "True" : "False"
        }
    }

    /// Python's `repr` of a float.
    public static func pythonFloat(_ value: Double) -> String { FloatText.pythonRepr(value) }

    static func integerText(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value < 0 ? "-inf" : "inf") }
        if abs(value) < 9.2e18 { return String(Int64(value)) }
        return FloatText.positional(value, float32: false, precision: 0).sign + FloatText.positional(value, float32: false, precision: 0).integer
    }

    /// The element formatter numpy would pick for these values.
    static func elementFormatter(values: [Double], kind: ElementKind, precision: Int) -> (Double) -> String {
        switch kind {
        case .float32, .float64:
            let formatter = FloatFormatter(values: values, float32: kind == .float32, precision: precision)
            return { formatter.format($0) }
        case .int32, .int64:
            let width = values.map { integerText($0).count }.max() ?? 1
            return { v in
                let text = integerText(v)
                return String(repeating: " ", count: max(0, width - text.count)) + text
            }
        case .bool:
            return { $0 != 0 ? " True" : "False" }
        }
    }

    /// Flat offsets of the elements a summarised print shows (edge items of every axis).
    static func shownFlatIndices(shape: [Int], edge: Int) -> [Int] {
        let strides = Tensor.strides(of: shape)
        var result = [Int]()
        func walk(_ axis: Int, _ offset: Int) {
            if axis == shape.count { result.append(offset); return }
            let n = shape[axis]
            let indices = 2 * edge < n ? Array(0..<edge) + Array((n - edge)..<n) : Array(0..<n)
            for i in indices { walk(axis + 1, offset + i * strides[axis]) }
        }
        walk(0, 0)
        return result
    }

    /// numpy's `_formatArray` for `str()` (separator `' '`, no legacy mode).
    private static func recurse(_ index: inout [Int], shape: [Int], strides: [Int], hangingIndent: String, width: Int,
                                summarise: Bool, edge: Int, element: (Int) -> String) -> String {
        let axis = index.count
        let axesLeft = shape.count - axis
        if axesLeft == 0 {
            var offset = 0
            for (a, i) in index.enumerated() { offset += i * strides[a] }
            return element(offset)
        }
        let nextIndent = hangingIndent + " "
        let nextWidth = width - 1
        let length = shape[axis]
        let showSummary = summarise && 2 * edge < length
        let leading = showSummary ? edge : 0
        let trailing = showSummary ? edge : length
        func child(_ i: Int) -> String {
            index.append(i)
            defer { index.removeLast() }
            return recurse(&index, shape: shape, strides: strides, hangingIndent: nextIndent, width: nextWidth,
                           summarise: summarise, edge: edge, element: element)
        }
        var s = ""
        if axesLeft == 1 {
            let elementWidth = width - 1
            var line = hangingIndent
            func extend(_ word: String) {
                if line.count + word.count > elementWidth && line.count > hangingIndent.count {
                    s += String(line.reversed().drop(while: { $0 == " " }).reversed()) + "\n"
                    line = hangingIndent
                }
                line += word
            }
            for i in 0..<leading { extend(child(i)); line += " " }
            if showSummary { extend("..."); line += " " }
            if trailing > 1 {
                for i in stride(from: trailing, to: 1, by: -1) { extend(child(length - i)); line += " " }
            }
            extend(child(length - 1))
            s += line
        } else {
            let separator = String(repeating: "\n", count: axesLeft - 1)
            for i in 0..<leading { s += hangingIndent + child(i) + separator }
            if showSummary { s += hangingIndent + "..." + separator }
            if trailing > 1 {
                for i in stride(from: trailing, to: 1, by: -1) { s += hangingIndent + child(length - i) + separator }
            }
            s += hangingIndent + child(length - 1)
        }
        return "[" + s.dropFirst(hangingIndent.count) + "]"
    }
}

extension Printing {
    /// The REPL's text for a value (Python's `repr`, arrays with their header). Lists print at
    /// most `itemBudget` items in all (lists can share themselves: `x = [x, x]` doubles each time).
    static func repr(_ value: Value, options: PrintOptions) -> String {
        var budget = 10_000
        return repr(value, options: options, depth: 0, budget: &budget)
    }

    private static func repr(_ value: Value, options: PrintOptions, depth: Int, budget: inout Int) -> String {
        switch value {
        case .none: return "None"
        case .bool(let b): return b ? "True" : "False"
        case .int(let i): return String(i)
        case .float(let d): return FloatText.pythonRepr(d)
        case .string(let s): return pythonString(s)
        case .list(let items), .tuple(let items):
            let isList: Bool
            if case .list = value { isList = true } else { isList = false }
            let (open, close) = isList ? ("[", "]") : ("(", ")")
            if depth > 50 || budget <= 0 { return open + "..." + close }
            var parts = [String]()
            for item in items {
                if budget <= 0 { parts.append("..."); break }
                budget -= 1
                if case .array(let a) = item {
                    parts.append(a.rank == 0 && a.count == 1 ? scalarText(a.tensor[flat: 0], kind: a.kind)
                                 : header(a.tensor, kind: a.kind, noun: a.noun))
                } else {
                    parts.append(repr(item, options: options, depth: depth + 1, budget: &budget))
                }
            }
            let inside = parts.joined(separator: ", ")
            return !isList && items.count == 1 ? "(\(inside),)" : open + inside + close
        case .array(let a):
            return format(a.tensor, kind: a.kind, noun: a.noun, options: options)
        case .dtype(let kind, let flavor):
            switch flavor {
            case .tf: return "tf.\(kind)"
            case .torch: return "torch.\(kind)"
            case .numpy: return "dtype('\(kind)')"
            }
        case .module(let path): return "<module '\(path)'>"
        case .builtin(let name): return "<built-in function \(name)>"
        case .method(let a, let name): return "<bound method \(a.className).\(name)>"
        case .ellipsis: return "Ellipsis"
        }
    }

    /// Python's `str`: strings without quotes, numpy arrays without the header (tensors keep it,
    /// as TensorFlow's `print` shows shape and dtype).
    static func str(_ value: Value, options: PrintOptions) -> String {
        switch value {
        case .string(let s): return s
        case .array(let a) where a.flavor == .numpy: return body(a.tensor, kind: a.kind, options: options)
        default: return repr(value, options: options)
        }
    }

    /// Python's repr of a string: single quotes unless the text contains one and no double quote.
    static func pythonString(_ s: String) -> String {
        let quote: Character = s.contains("'") && !s.contains("\"") ? "\"" : "'"
        var out = String(quote)
        for c in s {
            switch c {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case quote: out += "\\" + String(c)
            default: out.append(c)
            }
        }
        out.append(quote)
        return out
    }
}
