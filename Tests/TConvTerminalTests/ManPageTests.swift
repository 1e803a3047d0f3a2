import Foundation
import Testing
import TConvView
@testable import TConvTerminal

@Suite struct ManPageTests {
    /// man/tconv.1 with roff's escaped hyphens turned back into plain ones and mdoc's flag
    /// macro (`.Fl \-plain` renders as `--plain`) spelled out.
    func manPage() throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("man/tconv.1"), encoding: .utf8)
        return text.replacingOccurrences(of: "\\-", with: "-").replacingOccurrences(of: "\\(em", with: "-")
            .replacingOccurrences(of: "Fl ", with: "-")
    }

    @Test func mentionsEveryCommandLineOption() throws {
        let page = try manPage()
        for option in CommandLineParser.documentedOptions {
            let mentioned = page.contains(option)
            #expect(mentioned, "man/tconv.1 does not mention \(option)")
        }
        for choice in TConvOptions.ColorChoice.allCases {
            let mentioned = page.contains(choice.rawValue)
            #expect(mentioned, "man/tconv.1 does not mention --color=\(choice.rawValue)")
        }
    }

    @Test func mentionsFilesEnvironmentAndExitStatuses() throws {
        let page = try manPage()
        for word in ["XDG_STATE_HOME", "NO_COLOR", "TERM", "COLORTERM", ".local/state/tconv/history",
                     "EXIT STATUS", "ENVIRONMENT", "FILES", "EXAMPLES"] {
            let mentioned = page.contains(word)
            #expect(mentioned, "man/tconv.1 does not mention \(word)")
        }
        for status in [ExitStatus.success, ExitStatus.failure, ExitStatus.usage, ExitStatus.noInput] {
            let documented = page.contains(".It \(status)\n")
            #expect(documented, "exit status \(status) undocumented")
        }
    }

    @Test func mentionsEveryReplayKeyAndThePresenterKeys() throws {
        let page = try manPage()
        for binding in KeyMap.replayBindings {
            let documented = page.contains(binding.help)
            #expect(documented, "man/tconv.1 lacks the replay key '\(binding.legend)': \(binding.help)")
        }
        for words in ["In a replay", "Presenter mode", "%replay", "%present", "%export", "cast", "--allow-writes", "--cast",
                      "asciicast", "#: step", "y/N"] {
            let mentioned = page.contains(words)
            #expect(mentioned, "man/tconv.1 does not mention \(words)")
        }
    }

    @Test func mentionsEveryPaneKey() throws {
        let page = try manPage()
        for binding in KeyMap.bindings where !binding.help.isEmpty {
            let documented = page.contains(binding.help)
            #expect(documented, "man/tconv.1 lacks the pane key '\(binding.legend)': \(binding.help)")
        }
    }
}
