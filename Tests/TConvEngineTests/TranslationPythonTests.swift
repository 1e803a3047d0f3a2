import Foundation
import Testing
import TConvEngine

/// Runs the Python that `Translation.python` generates in real PyTorch and TensorFlow, where they
/// are installed (set `TCONV_PYTHON` to an interpreter that has them; CI does not download
/// PyTorch, so there these tests are skipped with the reason printed).
@Suite struct TranslationPythonTests {
    static let python = ProcessInfo.processInfo.environment["TCONV_PYTHON"] ?? "python3"

    static func has(_ module: String) -> Bool { run(["-c", "import \(module)"]).status == 0 }
    static let torchAvailable = has("torch")
    static let tensorflowAvailable = has("tensorflow")

    /// Spawns the interpreter with an empty signal mask (a Foundation.Process child inherits the
    /// test worker's blocked signals and can hang).
    static func run(_ arguments: [String], stdin: String? = nil) -> (status: Int32, output: String) {
        var fileActions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&fileActions)
        defer { posix_spawn_file_actions_destroy(&fileActions) }
        let outPath = NSTemporaryDirectory() + "tconv-py-\(UUID().uuidString).txt"
        var inPath: String? = nil
        if let stdin {
            let path = NSTemporaryDirectory() + "tconv-py-\(UUID().uuidString).py"
            _ = FileManager.default.createFile(atPath: path, contents: stdin.data(using: .utf8))
            inPath = path
            posix_spawn_file_actions_addopen(&fileActions, 0, path, O_RDONLY, 0)
        }
        posix_spawn_file_actions_addopen(&fileActions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&fileActions, 1, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        let argv = ([python] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, python, &fileActions, &attributes, argv, environ)
        guard spawned == 0 else { return (127, "cannot start \(python)") }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        let output = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(atPath: outPath)
        if let inPath { try? FileManager.default.removeItem(atPath: inPath) }
        let exited = (status & 0x7f) == 0
        return (exited ? (status >> 8) & 0xff : 128 + (status & 0x7f), output)
    }

    static func array(_ t: Tensor) -> String {
        "np.array([" + t.doubles.map { String($0) }.joined(separator: ", ") + "], dtype=np.float64).reshape(\(t.shape))"
    }

    func script(_ translation: Translation, x: Tensor, w: Tensor, expected: Tensor) -> String {
        let isTorch = translation.direction == .tfToTorch
        var lines = ["import os", "os.environ['TF_CPP_MIN_LOG_LEVEL'] = '3'", "import numpy as np"]
        lines.append(isTorch ? "import torch" : "import tensorflow as tf")
        lines += ["x = \(Self.array(x))", "w = \(Self.array(w))"]
        lines.append(translation.python(input: "x", filter: "w", result: "y"))
        lines.append("y = np.asarray(y)")
        lines.append("expected = \(Self.array(expected))")
        lines.append("assert y.shape == expected.shape, (y.shape, expected.shape)")
        lines.append("np.testing.assert_array_equal(y, expected)")
        lines.append("print('OK')")
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func generatedPyTorchCodeRunsInPyTorch() throws {
        guard Self.torchAvailable else {
            print("skipped: \(Self.python) cannot import torch (set TCONV_PYTHON to an interpreter with PyTorch to run this test)")
            return
        }
        var rng = SeededRandom(seed: 0x9E7)
        var programs = [String]()
        for rank in [1, 2, 3] {
            for _ in 0..<4 {
                let t = randomTransposed(rank: rank, rng: &rng)
                let y = try TFOps.run(t.op, t.args).tensor
                let x = try #require(t.args["input"].tensorValue), w = try #require(t.args["filters"].tensorValue)
                programs.append(script(Translator.toTorch(t.plan), x: x, w: w, expected: y))
            }
        }
        // One interpreter start for all of them.
        let combined = programs.enumerated().map { "def case_\($0.offset)():\n" + $0.element.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n") }
        let main = combined.joined(separator: "\n\n") + "\n\n" + (0..<programs.count).map { "case_\($0)()" }.joined(separator: "\n") + "\n"
        let result = Self.run(["-"], stdin: main)
        #expect(result.status == 0, "PyTorch rejected a translation:\n\(result.output)")
        #expect(result.output.components(separatedBy: "OK").count - 1 == programs.count)
    }

    @Test func generatedTensorFlowCodeRunsInTensorFlow() throws {
        guard Self.tensorflowAvailable else {
            print("skipped: \(Self.python) cannot import tensorflow (set TCONV_PYTHON to an interpreter with TensorFlow to run this test)")
            return
        }
        var rng = SeededRandom(seed: 0x7F2)
        var programs = [String]()
        for (op, rank) in [(TorchOp.convTranspose1d, 1), (.convTranspose2d, 2), (.convTranspose2d, 2), (.conv2d, 2), (.conv1d, 1)] {
            var made = false
            while !made {
                let spatial = (0..<rank).map { _ in rng.int(2...5) }, kernel = (0..<rank).map { _ in rng.int(1...4) }
                let s = rng.int(1...3), p = rng.int(0...2), d = rng.int(1...2)
                let x = eighths([1, 2] + spatial, rng: &rng)
                let w = eighths(op.isTransposed ? [2, 3] + kernel : [3, 2] + kernel, rng: &rng)
                var keywords: [(String, TFValue)] = [("input", .tensor(x)), ("weight", .tensor(w)), ("stride", .int(Int64(s))),
                                                     ("padding", .int(Int64(p))), ("dilation", .int(Int64(d)))]
                if op.isTransposed { keywords.append(("output_padding", .int(Int64(rng.int(0...(max(s, d) - 1)))))) }
                guard let torch = try? TorchOps.call(op, keywords: keywords) else { continue }
                // TF's CPU kernels refuse dilated transposed convs in float64: keep those to float32-free checks.
                if op.isTransposed && d > 1 { continue }
                programs.append(script(Translator.toTF(torch.plan), x: x, w: w, expected: torch.tensor))
                made = true
            }
        }
        let combined = programs.enumerated().map { "def case_\($0.offset)():\n" + $0.element.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n") }
        let main = combined.joined(separator: "\n\n") + "\n\n" + (0..<programs.count).map { "case_\($0)()" }.joined(separator: "\n") + "\n"
        let result = Self.run(["-"], stdin: main)
        #expect(result.status == 0, "TensorFlow rejected a translation:\n\(result.output)")
        #expect(result.output.components(separatedBy: "OK").count - 1 == programs.count)
    }
}
