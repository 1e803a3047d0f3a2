import CTerm
import TConvScript

/// What readline calls back into: the curses REPL or the plain readline REPL.
@MainActor
protocol LineEditorClient: AnyObject {
    /// An accepted line, or nil for end of input (Ctrl-D on an empty line).
    func accept(_ line: String?)
    /// A bound command (`CTERM_CMD_*`).
    func command(_ command: Int32)
    /// Curses mode: draw the input line.
    func redisplay()
}

/// GNU readline through CTerm's callback interface. C callbacks cannot capture, so they reach
/// the active client through this main-actor singleton (readline calls back synchronously on
/// the main thread).
@MainActor
enum LineEditor {
    static weak var client: LineEditorClient?

    static func setup(curses: Bool, input: Window?, client: LineEditorClient) {
        Self.client = client
        let redisplay: cterm_void_callback = { MainActor.assumeIsolated { LineEditor.client?.redisplay() } }
        let command: cterm_command_callback = { code in
            MainActor.assumeIsolated { LineEditor.client?.command(code) }
            return 0
        }
        cterm_rl_setup(curses ? 1 : 0, input, curses ? redisplay : nil, command)
    }

    static func install(prompt: String) {
        cterm_rl_install(prompt) { line in
            let text = line.map { String(cString: $0) }
            MainActor.assumeIsolated { LineEditor.client?.accept(text) }
        }
    }

    static func remove() { cterm_rl_remove() }
    static var installed: Bool { cterm_rl_installed() != 0 }
    static var line: String { String(cString: cterm_rl_line()) }
    static var point: Int { Int(cterm_rl_point()) }
    static var displayPrompt: String { String(cString: cterm_rl_display_prompt()) }

    /// Loads the history file into readline's list.
    static func loadHistory(_ store: HistoryStore?) {
        cterm_history_clear()
        for entry in store?.load() ?? [] { cterm_history_add(entry) }
    }

    static func remember(_ line: String, in store: HistoryStore?) {
        if store?.append(line) ?? true { cterm_history_add(line) }
    }

    /// Tab: asks the session and edits the line; returns candidates to list, if any.
    static func complete(_ session: ScriptSession) -> [String]? {
        switch Completion.action(line: line, cursorByte: point, completions: { session.completions(for: $0, cursor: $1) }) {
        case .replace(let from, let to, let text):
            cterm_rl_replace_range(Int32(from), Int32(to), text)
            return nil
        case .list(let candidates):
            return candidates
        case .nothing:
            return []
        }
    }
}

/// The prompts.
enum Prompt {
    static let primary = "tconv> "
    static let continuation = "...> "
}
