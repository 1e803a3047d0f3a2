/// `%export md FILE`: the session as a Markdown transcript. Narration (`#: say`) becomes
/// paragraphs, markers headings, each input a ```python block, its output a ```text block, and
/// notes quoted lines, so that a lesson replayed in class can be handed out as a page.
enum MarkdownTranscript {
    static func render(_ entries: [HistoryEntry], title: String = "tconv session") -> String {
        var lines = ["# \(title)", ""]
        for entry in entries {
            for marker in entry.markers { lines += ["## " + marker, ""] }
            if !entry.narration.isEmpty { lines += entry.narration + [""] }  // one paragraph
            lines += ["```python"] + entry.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) + ["```", ""]
            let notes = entry.output.filter { $0.hasPrefix("note: ") }
            let shown = entry.output.filter { !$0.hasPrefix("note: ") }
            if !shown.isEmpty {
                lines += ["```text"] + shown.map { $0.replacingOccurrences(of: "```", with: "` ` `") } + ["```", ""]
            }
            for note in notes { lines += ["> **note:** " + note.dropFirst("note: ".count), ""] }
        }
        while lines.last == "" { lines.removeLast() }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension ScriptSession {
    /// Keeps a `#: say` or `#: marker` directive for the transcript of the next input.
    func noteDirective(_ directive: SessionFile.Directive) {
        switch directive.name {
        case "say": pendingNarration.append(directive.argument)
        case "marker": pendingMarkers.append(directive.argument)
        default: break
        }
    }
}
