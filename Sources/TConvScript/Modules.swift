/// Module namespaces (`tf`, `tf.nn`, `np.random`, ...) as seen from the language: the module
/// tree is the set of dotted prefixes of the builtins table, so a new builtin needs no other
/// registration.
enum Modules {
    /// Every module path the table implies (`tf`, `tf.nn`, `tf.compat.v1`, `np.random`, `torch`,
    /// `torch.nn.functional`, ...).
    static let known: Set<String> = {
        var paths: Set<String> = ["tf", "np", "torch"]
        for builtin in Builtins.all {
            var parts = builtin.name.split(separator: ".").dropLast()
            while !parts.isEmpty {
                paths.insert(parts.joined(separator: "."))
                parts = parts.dropLast()
            }
        }
        return paths
    }()

    /// Python's module names to tconv's: `tensorflow` -> `tf`, `numpy` -> `np`.
    static func resolve(_ dotted: String, span: Span) throws(ScriptError) -> String {
        var parts = dotted.split(separator: ".").map(String.init)
        if parts.first == "tensorflow" { parts[0] = "tf" }
        if parts.first == "numpy" { parts[0] = "np" }
        let path = parts.joined(separator: ".")
        guard known.contains(path) else {
            throw .name("no module named '\(dotted)' in tconv", span,
                        notes: ["tconv provides tensorflow (tf), numpy (np) and torch (its convolutions and tensor basics)"])
        }
        return path
    }

    /// The direct members of a module: (name, is it a module).
    static func members(of path: String) -> [String] {
        let prefix = path + "."
        var names = Set<String>()
        for builtin in Builtins.all where builtin.name.hasPrefix(prefix) {
            if let first = builtin.name.dropFirst(prefix.count).split(separator: ".").first { names.insert(String(first)) }
        }
        return names.sorted()
    }

    /// `module.name`.
    static func member(_ path: String, _ name: String, span: Span) throws(ScriptError) -> Value {
        let full = path + "." + name
        if let builtin = Builtins.named(full) {
            return builtin.constant ?? .builtin(full)
        }
        if known.contains(full) { return .module(full) }
        if path.hasPrefix("tf.compat.v1") {
            // tf.compat.v1 re-exports most of tf: fall back to the v2 name.
            let v2 = "tf" + full.dropFirst("tf.compat.v1".count)
            if let builtin = Builtins.named(v2) { return builtin.constant ?? .builtin(v2) }
            if known.contains(v2) { return .module(v2) }
        }
        var notes = [String]()
        if path.hasPrefix("torch") {
            if let guess = closestName(to: name, in: members(of: path)) { notes.append("did you mean '\(path).\(guess)'?") }
            notes.append("tconv's torch has: " + members(of: path).joined(separator: " "))
            return try fail(.name("tconv does not implement \(full)", span, notes: notes))
        }
        if let guess = closestName(to: name, in: members(of: path)) { notes.append("did you mean '\(path).\(guess)'?") }
        return try fail(.name("module '\(path)' has no attribute '\(name)'", span, notes: notes))
    }

    private static func fail(_ error: ScriptError) throws(ScriptError) -> Value { throw error }
}
