/// Help text, built from the builtins table and the meta-command table only.
enum Help {
    /// `%help`, `%help name`, `name?`, `?name`, `help(name)`.
    static func text(for query: String, interpreter: Interpreter? = nil) -> String {
        var name = query.trimmingCharacters()
        // Names the session binds: `F.conv2d` after `import torch.nn.functional as F`, `F`, `zeros`.
        if let interpreter, Builtins.named(name) == nil, MetaCommand.named(name) == nil {
            let parts = name.split(separator: ".").map(String.init)
            switch parts.first.flatMap({ interpreter.lookup($0) }) {
            case .module(let path)?: name = ([path] + parts.dropFirst()).joined(separator: ".")
            case .builtin(let full)? where parts.count == 1: name = full
            default: break
            }
        }
        if name.isEmpty { return overview }
        if let command = MetaCommand.named(name) { return command.helpText }
        if let builtin = Builtins.named(name) { return builtin.helpText }
        if Modules.known.contains(name) {
            let members = Modules.members(of: name)
            return "\(name): " + (members.isEmpty ? "(no members)" : members.joined(separator: " "))
        }
        // `conv2d_transpose?` finds `tf.nn.conv2d_transpose`.
        let matches = Builtins.all.filter { $0.name.hasSuffix("." + name) }
        if !matches.isEmpty { return matches.map(\.helpText).joined(separator: "\n\n") }
        if ["shape", "dtype", "ndim", "size", "T"].contains(name) || ArrayMethods.methods.contains(name) {
            return "tensor attribute .\(name); every tensor has: " + Builtins.arrayAttributes.map { "." + $0 }.joined(separator: " ")
        }
        var text = "no help for '\(name)'"
        if let guess = closestName(to: name, in: Builtins.all.map(\.name) + MetaCommand.all.map(\.name)) {
            text += "; did you mean '\(guess)'?"
        }
        return text
    }

    static var overview: String {
        var lines = [
            "tconv: TensorFlow's transposed convolutions, computed exactly. Type Python as you would in IPython:",
            "  x = tf.random.normal([1, 4, 4, 3], seed=1); w = tf.random.normal([3, 3, 2, 3], seed=2)",
            "  y = tf.nn.conv2d_transpose(x, w, output_shape=[1, 8, 8, 2], strides=2, padding=\"SAME\")",
            "",
            "Commands:",
        ]
        let width = MetaCommand.all.map { $0.usage.count }.max() ?? 0
        for command in MetaCommand.all where !command.isAlias {
            lines.append("  " + command.usage.padding(width) + "  " + command.summary)
        }
        lines.append("")
        lines.append("Builtins (`name?` or `%help name` for details):")
        var groups: [(String, [String])] = []
        for builtin in Builtins.all {
            let parts = builtin.name.split(separator: ".")
            let group = parts.count > 1 ? parts.dropLast().joined(separator: ".") : "python"
            let short = String(parts.last ?? "")
            if let i = groups.firstIndex(where: { $0.0 == group }) { groups[i].1.append(short) } else { groups.append((group, [short])) }
        }
        for (group, names) in groups {
            lines += wrap(names, prefix: "  " + group.padding(18) + " ", width: 100)
        }
        lines.append("  " + "tensors".padding(18) + " " + Builtins.arrayAttributes.map { "." + $0 }.joined(separator: " "))
        return lines.joined(separator: "\n")
    }

    private static func wrap(_ words: [String], prefix: String, width: Int) -> [String] {
        var lines = [String]()
        var line = prefix
        for word in words {
            if line.count + word.count + 1 > width && line.count > prefix.count {
                lines.append(line)
                line = String(repeating: " ", count: prefix.count)
            }
            line += (line.last == " " ? "" : " ") + word
        }
        lines.append(line)
        return lines
    }
}
