import TConvEngine

/// Methods of PyTorch tensors that pasted code uses: `permute`, `size`, `dim`, `numel`, `float`,
/// `double`, `long`, `int`, `bool`, `to`, `view`, `unsqueeze`, `squeeze`, `item`, and the no-ops `detach`,
/// `contiguous`, `clone`, `cpu`; `transpose(d0, d1)` swaps two axes as PyTorch's does.
enum TorchMethods {
    static func call(_ a: ArrayValue, _ name: String, positional: [(Value, Span)], keywords: [(String, Value, Span, Span)],
                     span: Span) throws(ScriptError) -> Value {
        func noArguments() throws(ScriptError) {
            guard positional.isEmpty && keywords.isEmpty else { throw .type("\(name)() takes no arguments", span) }
        }
        /// The ints given as separate arguments or as one list/tuple (`permute(0, 2, 3, 1)`, `view((2, 3))`).
        func intsArgument(_ what: String) throws(ScriptError) -> [Int] {
            if positional.count == 1, let only = positional.first, only.0.sequence != nil {
                return try Convert.ints(only.0, span: only.1, what: what)
            }
            var result = [Int]()
            for (value, valueSpan) in positional {
                guard let i = value.intValue else { throw .type("\(name)(): \(what) must be ints, got \(value.typeName)", valueSpan) }
                result.append(Int(clamping: i))
            }
            return result
        }
        func axis(_ d: Int, rank: Int) throws(ScriptError) -> Int {
            guard d >= -rank && d < rank else {
                throw .value("Dimension out of range (expected to be in range of [\(-rank), \(rank - 1)], but got \(d))", span,
                             notes: ["PyTorch raises IndexError"])
            }
            return d < 0 ? d + rank : d
        }
        switch name {
        case "permute":
            let dims = try intsArgument("dims")
            guard dims.count == a.rank else {
                throw .value("permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = \(a.rank) is not equal to len(dims) = \(dims.count)", span)
            }
            return .array(try ArrayFunctions.transpose(a, .list(dims.map { .int(Int64($0)) }), span: span))
        case "transpose":
            guard positional.count == 2, let d0 = positional[0].0.intValue, let d1 = positional[1].0.intValue else {
                throw .type("transpose() takes two dimensions to swap: x.transpose(0, 1)", span,
                            notes: ["x.permute(...) reorders every axis"])
            }
            var perm = Array(0..<a.rank)
            let i = try axis(Int(clamping: d0), rank: max(a.rank, 1)), j = try axis(Int(clamping: d1), rank: max(a.rank, 1))
            guard i < a.rank, j < a.rank else { return .array(a) }
            perm.swapAt(i, j)
            return .array(ArrayValue(a.tensor.transposed(perm), kind: a.kind, flavor: .torch))
        case "size":
            if let d = positional.first?.0.intValue ?? keywords.first(where: { $0.0 == "dim" })?.1.intValue {
                return .int(Int64(a.shape[try axis(Int(clamping: d), rank: a.rank)]))
            }
            try noArguments()
            return .tuple(a.shape.map { .int(Int64($0)) })
        case "dim":
            try noArguments()
            return .int(Int64(a.rank))
        case "numel":
            try noArguments()
            return .int(Int64(a.count))
        case "float", "double", "long", "int", "bool":
            try noArguments()
            return .array(a.cast(to: ["float": .float32, "double": .float64, "long": .int64, "int": .int32, "bool": .bool][name] ?? .float32))
        case "to":
            guard let target = positional.first?.0 ?? keywords.first(where: { $0.0 == "dtype" })?.1 else {
                throw .type("to() needs a dtype (tconv has no devices)", span)
            }
            if case .string = target { return .array(a) }  // .to("cpu")
            guard let kind = try Convert.dtype(target, span: span) else { return .array(a) }
            return .array(a.cast(to: kind))
        case "view":
            let shape = try intsArgument("shape")
            return .array(try ArrayFunctions.reshape(a, .list(shape.map { .int(Int64($0)) }), span: span))
        case "unsqueeze", "squeeze":
            var shape = a.shape
            guard let d = positional.first?.0.intValue ?? keywords.first(where: { $0.0 == "dim" })?.1.intValue else {
                guard name == "squeeze" else { throw .type("unsqueeze() needs a dim", span) }
                shape.removeAll { $0 == 1 }
                return .array(try ArrayFunctions.reshape(a, .list(shape.map { .int(Int64($0)) }), span: span))
            }
            if name == "unsqueeze" {
                shape.insert(1, at: try axis(Int(clamping: d), rank: a.rank + 1))
            } else if a.rank > 0 {
                let i = try axis(Int(clamping: d), rank: a.rank)
                if shape[i] == 1 { shape.remove(at: i) }
            }
            return .array(try ArrayFunctions.reshape(a, .list(shape.map { .int(Int64($0)) }), span: span))
        case "item":
            try noArguments()
            guard a.count == 1 else {
                throw .value("a Tensor with \(a.count) elements cannot be converted to Scalar", span, notes: ["PyTorch raises RuntimeError"])
            }
            let v = a.tensor[flat: 0]
            switch a.kind {
            case .bool: return .bool(v != 0)
            case .int32, .int64: return .int(Int64(v))
            default: return .float(v)
            }
        default:  // detach, contiguous, clone, cpu
            guard name == "cpu" || positional.isEmpty else { throw .type("\(name)() takes no arguments", span) }
            return .array(a)
        }
    }
}
