import Foundation

/// Tab completion: `%` commands, dotted builtin names after `tf.` / `np.` / `tf.nn.`, keyword
/// arguments of the function being called (`strides=`), string values inside a call's
/// `padding` / `data_format` argument, variables and array attributes, and file paths after
/// `%load` / `%run` / `%save` and inside `np.load("` / `np.save("`.
enum Completion {
    static func complete(_ line: String, cursor: Int, interpreter: Interpreter) -> (replaceFrom: Int, candidates: [String]) {
        let chars = Array(line)
        let cursor = max(0, min(cursor, chars.count))
        let before = Array(chars[0..<cursor])
        // Meta commands.
        var leading = 0
        while leading < before.count, before[leading] == " " { leading += 1 }
        if leading < before.count, before[leading] == "%" || before[leading] == ":" {
            let body = before[leading...]
            guard let space = body.firstIndex(of: " ") else {
                let typed = String(body)
                return (leading, MetaCommand.all.map(\.name).filter { $0.hasPrefix(typed) })
            }
            let name = String(before[leading..<space])
            guard let command = MetaCommand.named(name) else { return (cursor, []) }
            if name == "%export" {
                // `%export FORMAT FILE`: the formats, then paths.
                var start = space + 1
                while start < before.count, before[start] == " " { start += 1 }
                let rest = before[start...]
                guard let gap = rest.firstIndex(of: " ") else {
                    return (start, (PythonExport.Format.allCases.map(\.rawValue) + ["cast"]).filter { $0.hasPrefix(String(rest)) })
                }
                var fileStart = gap + 1
                while fileStart < before.count, before[fileStart] == " " { fileStart += 1 }
                return (fileStart, files(String(before[fileStart...])))
            }
            if command.takesFile {
                var start = space + 1
                while start < before.count, before[start] == " " { start += 1 }
                return (start, files(String(before[start...])))
            }
            if command.takesCode {
                let codeStart = space + 1
                let inner = complete(String(chars[codeStart...]), cursor: cursor - codeStart, interpreter: interpreter)
                return (inner.replaceFrom + codeStart, inner.candidates)
            }
            return (cursor, [])
        }
        let context = callContext(before)
        let builtin = context.flatMap { resolveCallee($0.callee, interpreter: interpreter) }
        let parameter = context.flatMap { c in builtin.flatMap { parameterFor(c, in: $0) } }

        // Inside a string literal.
        if let quote = context?.openQuote ?? openQuote(before) {
            let typed = String(before[(quote + 1)...])
            let q = before[quote]
            if builtin?.name == "np.load" || builtin?.name == "np.save" || parameter?.name == "file" {
                return (quote + 1, files(typed))
            }
            if let parameter, !parameter.choices.isEmpty {
                return (quote, parameter.choices.filter { $0.hasPrefix(typed) }.map { "\(q)\($0)\(q)" })
            }
            return (cursor, [])
        }

        // The word before the cursor.
        var start = cursor
        while start > 0, before[start - 1].isLetter || before[start - 1].isNumber || before[start - 1] == "_" || before[start - 1] == "." {
            start -= 1
        }
        let word = String(before[start..<cursor])
        if word.isEmpty, let parameter, !parameter.choices.isEmpty, context?.keyword == parameter.name {
            return (cursor, parameter.choices.map { "\"\($0)\"" })
        }
        if word.first?.isNumber == true { return (cursor, []) }
        if let dot = word.lastIndex(of: ".") {
            let head = String(word[..<dot]), partial = String(word[word.index(after: dot)...])
            return (start, members(head, interpreter: interpreter).filter { $0.hasPrefix(partial) }.map { head + "." + $0 })
        }
        var candidates = [String]()
        if let builtin, context?.keyword == nil {
            candidates += builtin.keywords.filter { $0.hasPrefix(word) && $0 != "name" }.map { $0 + "=" }
        }
        let names = Set(interpreter.visibleNames + ["import", "from", "None", "True", "False"])
        candidates += names.filter { $0.hasPrefix(word) && $0 != "_" }.sorted()
        return (start, candidates)
    }

    /// Completable members after `head.`: module members or array attributes.
    static func members(_ head: String, interpreter: Interpreter) -> [String] {
        let parts = head.split(separator: ".").map(String.init)
        guard let first = parts.first, let value = interpreter.lookup(first) else { return [] }
        switch value {
        case .module(let path):
            let full = ([path] + parts.dropFirst()).joined(separator: ".")
            return Modules.members(of: full)
        case .array(let a) where parts.count == 1:
            return ArrayMethods.names(for: a.flavor)
        default:
            return []
        }
    }

    /// The builtin a callee text names (`tf.nn.conv2d_transpose`, an alias, a variable bound by
    /// `from numpy import zeros`).
    static func resolveCallee(_ callee: String, interpreter: Interpreter) -> Builtin? {
        let parts = callee.split(separator: ".").map(String.init)
        guard let first = parts.first, let value = interpreter.lookup(first) else { return nil }
        switch value {
        case .module(let path): return Builtins.named(([path] + parts.dropFirst()).joined(separator: "."))
        case .builtin(let name) where parts.count == 1: return Builtins.named(name)
        default: return nil
        }
    }

    static func parameterFor(_ context: CallContext, in builtin: Builtin) -> Builtin.Parameter? {
        if let keyword = context.keyword { return builtin.parameters.first { $0.name == keyword } }
        let positional = builtin.parameters.filter { !$0.isVariadic }
        return context.argumentIndex < positional.count ? positional[context.argumentIndex] : nil
    }

    /// Where the cursor sits inside a call: its callee, argument position, the `name=` of the
    /// current argument, and the opening quote if the cursor is inside a string.
    struct CallContext {
        var callee: String
        var argumentIndex: Int
        var keyword: String?
        var openQuote: Int?
    }

    static func callContext(_ before: [Character]) -> CallContext? {
        struct Frame { var bracket: Character; var callee: String; var commas: Int; var argumentStart: Int }
        var stack = [Frame]()
        var i = 0
        var openQuote: Int? = nil
        while i < before.count {
            let c = before[i]
            if c == "\"" || c == "'" {
                var j = i + 1
                while j < before.count, before[j] != c { j += before[j] == "\\" ? 2 : 1 }
                if j >= before.count { openQuote = i; break }
                i = j + 1
                continue
            }
            if c == "#" { break }
            switch c {
            case "(", "[", "{":
                var k = i
                while k > 0, before[k - 1].isLetter || before[k - 1].isNumber || before[k - 1] == "_" || before[k - 1] == "." { k -= 1 }
                stack.append(Frame(bracket: c, callee: c == "(" ? String(before[k..<i]) : "", commas: 0, argumentStart: i + 1))
            case ")", "]", "}":
                _ = stack.popLast()
            case ",":
                if !stack.isEmpty {
                    stack[stack.count - 1].commas += 1
                    stack[stack.count - 1].argumentStart = i + 1
                }
            default: break
            }
            i += 1
        }
        guard let frame = stack.last, frame.bracket == "(", !frame.callee.isEmpty else { return nil }
        let argumentEnd = openQuote ?? before.count
        let argument = frame.argumentStart <= argumentEnd ? String(before[frame.argumentStart..<argumentEnd]) : ""
        var keyword: String? = nil
        if let eq = argument.firstIndex(of: "=") {
            let name = String(argument[..<eq]).trimmingCharacters()
            if !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) { keyword = name }
        }
        return CallContext(callee: frame.callee, argumentIndex: frame.commas, keyword: keyword, openQuote: openQuote)
    }

    /// The offset of an unclosed quote in a line with no call around it.
    static func openQuote(_ before: [Character]) -> Int? {
        var i = 0
        while i < before.count {
            let c = before[i]
            if c == "\"" || c == "'" {
                var j = i + 1
                while j < before.count, before[j] != c { j += before[j] == "\\" ? 2 : 1 }
                if j >= before.count { return i }
                i = j + 1
                continue
            }
            i += 1
        }
        return nil
    }

    /// Paths starting with `typed` (folders end in `/`).
    static func files(_ typed: String) -> [String] {
        var folder = "", base = typed
        if let slash = typed.lastIndex(of: "/") {
            folder = String(typed[...slash])
            base = String(typed[typed.index(after: slash)...])
        }
        var listed = folder.isEmpty ? "." : folder
        if listed.hasPrefix("~/"), let home = ProcessInfo.processInfo.environment["HOME"] { listed = home + listed.dropFirst() }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: listed) else { return [] }
        var result = [String]()
        for name in names.sorted() where name.hasPrefix(base) && (base.hasPrefix(".") || !name.hasPrefix(".")) {
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: (listed as NSString).appendingPathComponent(name), isDirectory: &isDirectory)
            result.append(folder + name + (isDirectory.boolValue ? "/" : ""))
            if result.count >= 200 { break }
        }
        return result
    }
}
