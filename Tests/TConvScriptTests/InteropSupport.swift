import Foundation
@testable import TConvScript
import TConvEngine

/// The engine's seeded generator (SplitMix64), under the name these tests use.
typealias TestRandom = SplitMix64

extension SplitMix64 {
    /// Multiples of 1/8 in [-2, 2]: products and sums stay exact in float32, so results compare
    /// exactly whatever the summation order.
    mutating func eighths(_ count: Int) -> [Double] { (0..<count).map { _ in Double(int(-16...16)) / 8 } }
}

/// Python text of a flat list of numbers.
func pythonList(_ values: [Double]) -> String {
    "[" + values.map { FloatText.pythonRepr($0) }.joined(separator: ", ") + "]"
}

/// `(1, 2, 3)` as Python text.
func pythonShape(_ shape: [Int]) -> String {
    "(" + shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? ",)" : ")")
}

extension ScriptSession {
    /// The array bound to `name`, if any.
    func array(_ name: String) -> ArrayValue? {
        if case .array(let a)? = interpreter.lookup(name) { return a }
        return nil
    }

    /// Runs statements (one per line), failing with the first error's text.
    @discardableResult
    func expectNoErrors(_ lines: [String]) -> [ScriptEvent] {
        var all = [ScriptEvent]()
        for line in lines {
            let events = run(line)
            all += events
            if let error = events.first(where: \.isError)?.plainText { return all + [.error(ScriptDiagnostic(category: "test", message: "\(line)\n\(error)", source: "", line: 0, column: 0, sourceLine: ""))] }
        }
        return all
    }
}

/// The first error's text among events, if any.
func firstError(_ events: [ScriptEvent]) -> String? { events.first(where: \.isError)?.plainText }

/// Running Python where it is installed (`TCONV_PYTHON`), as `TranslationPythonTests` does: with
/// posix_spawn and an empty signal mask (a Foundation.Process child inherits the test worker's
/// blocked signals and can hang).
enum Python {
    static let interpreter = ProcessInfo.processInfo.environment["TCONV_PYTHON"] ?? "python3"

    static func has(_ module: String) -> Bool { run(["-c", "import \(module)"]).status == 0 }
    static let numpyAvailable = has("numpy")
    static let torchAvailable = numpyAvailable && has("torch")
    static let tensorflowAvailable = numpyAvailable && has("tensorflow")

    static func run(_ arguments: [String]) -> (status: Int32, output: String) {
        var fileActions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&fileActions)
        defer { posix_spawn_file_actions_destroy(&fileActions) }
        let outPath = NSTemporaryDirectory() + "tconv-script-py-\(UUID().uuidString).txt"
        posix_spawn_file_actions_addopen(&fileActions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&fileActions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&fileActions, 1, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        let argv = ([interpreter] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawnp(&pid, interpreter, &fileActions, &attributes, argv, environ) == 0 else { return (127, "cannot start \(interpreter)") }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        let output = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(atPath: outPath)
        let exited = (status & 0x7f) == 0
        return (exited ? (status >> 8) & 0xff : 128 + (status & 0x7f), output)
    }

    /// Runs each file as `__main__` in one interpreter (one framework import for all of them);
    /// prints `PASS path` or `FAIL path` and the traceback for each.
    static func runFiles(_ paths: [String]) -> (status: Int32, output: String) {
        let list = "[" + paths.map { "'\($0)'" }.joined(separator: ", ") + "]"
        let driver = """
        import os, runpy, traceback
        os.environ['TF_CPP_MIN_LOG_LEVEL'] = '3'
        failed = 0
        for path in \(list):
            try:
                runpy.run_path(path, run_name='__main__')
                print('PASS ' + path)
            except BaseException:
                failed += 1
                print('FAIL ' + path)
                traceback.print_exc()
        raise SystemExit(1 if failed else 0)
        """
        return run(["-c", driver])
    }
}
