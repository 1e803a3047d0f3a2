import Foundation
import Synchronization
import Testing
@testable import TConvScript
import TConvEngine

/// `%export tf|torch|numpy|md`: files written, their content, and the Python ones run in the real
/// frameworks where installed (`TCONV_PYTHON`; skipped with the reason printed otherwise).
@Suite struct ExportTests {
    /// Calls whose export is checked: TF and PyTorch, transposed and forward, 1-D to 3-D, SAME
    /// crops, explicit padding, NCHW, groups, bias, unbatched, dilation, float64, random normals.
    static let cases: [(setup: [String], call: String)] = [
        (["x = tf.reshape(tf.range(1., 5.), [1, 2, 2, 1])", "w = tf.reshape(tf.range(1., 10.), [3, 3, 1, 1])"],
         "tf.nn.conv2d_transpose(x, w, output_shape=[1, 5, 5, 1], strides=2, padding='VALID')"),
        (["x = tf.random.normal([1, 3, 3, 2], seed=1)", "w = tf.random.normal([3, 3, 3, 2], seed=2)"],
         "tf.nn.conv2d_transpose(x, w, output_shape=[1, 6, 6, 3], strides=2, padding='SAME')"),
        (["x = tf.random.normal([2, 4, 3], seed=3, dtype=tf.float64)", "w = tf.random.normal([3, 2, 3], seed=4, dtype=tf.float64)"],
         "tf.nn.conv1d_transpose(x, w, output_shape=[2, 7, 2], strides=2, padding='SAME')"),
        (["x = tf.reshape(tf.range(1., 9.), [1, 2, 2, 2, 1])", "w = tf.ones([2, 2, 2, 2, 1])"],
         "tf.nn.conv3d_transpose(x, w, output_shape=[1, 3, 4, 3, 2], strides=2, padding='SAME')"),
        (["x = tf.reshape(tf.range(1., 13.), [1, 3, 2, 2])", "w = tf.reshape(tf.range(1., 9.) / 4, [2, 2, 1, 2])"],
         "tf.nn.conv2d_transpose(x, w, output_shape=[1, 5, 2, 1], strides=[2, 1], padding=[[0, 0], [1, 0], [0, 1], [0, 0]])"),
        (["x = tf.reshape(tf.range(1., 19.), [1, 2, 3, 3])", "w = tf.reshape(tf.range(1., 25.) / 8, [2, 2, 2, 3])"],
         "tf.nn.conv2d(x, w, strides=1, padding='SAME', data_format='NCHW')"),
        (["x = tf.random.normal([1, 5, 5, 4], seed=5)", "w = tf.random.normal([3, 3, 2, 6], seed=6)"],
         "tf.nn.conv2d(x, w, strides=2, padding='SAME')"),
        (["x = tf.reshape(tf.range(1., 17.), [1, 4, 4, 1])", "w = tf.reshape(tf.range(1., 10.), [3, 3, 1, 1])"],
         "tf.nn.atrous_conv2d_transpose(x, w, output_shape=[1, 4, 4, 1], rate=2, padding='SAME')"),
        (["import torch.nn.functional as F", "x = torch.arange(1., 9.).reshape(1, 2, 2, 2)", "w = torch.ones(2, 3, 3, 3) / 2",
          "b = torch.tensor([0.5, -1., 2.])"],
         "F.conv_transpose2d(x, w, b, stride=2, padding=1, output_padding=1)"),
        (["import torch.nn.functional as F", "torch.manual_seed(3)", "x = torch.randn(4, 5)", "w = torch.randn(4, 1, 3)"],
         "F.conv_transpose1d(x, w, stride=3, padding=1, groups=2, dilation=2)"),
        (["import torch.nn.functional as F", "x = torch.arange(48.).reshape(1, 3, 4, 4).double()", "w = torch.ones(2, 3, 2, 2, dtype=torch.float64)"],
         "F.conv2d(x, w, stride=2, padding=1)"),
        (["x = torch.arange(16.).reshape(1, 2, 2, 2, 2)", "w = torch.ones(4, 1, 2, 2, 2)"],
         "torch.conv3d(x, w, padding='same', groups=2)"),
    ]

    /// Exports every case in every format into `folder`; returns the Python files by format.
    func exportAll(to folder: URL) throws -> [PythonExport.Format: [String]] {
        var files = [PythonExport.Format: [String]]()
        for (index, c) in Self.cases.enumerated() {
            let session = ScriptSession()
            let setup = session.expectNoErrors(c.setup + ["y = " + c.call])
            #expect(firstError(setup) == nil, "\(c.call): \(firstError(setup) ?? "")")
            for format in [PythonExport.Format.tf, .torch, .numpy] {
                let path = folder.appendingPathComponent("case\(index)_\(format.rawValue).py").path
                let lines = session.output("%export \(format.rawValue) \(path)")
                #expect(lines.first?.hasPrefix("wrote \(path): a ") == true, "\(lines)")
                files[format, default: []].append(path)
            }
        }
        return files
    }

    @Test func exportedFilesRebuildTheOperandsAndAssertTconvsValues() throws {
        let folder = TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let files = try exportAll(to: folder)
        let text = try String(contentsOfFile: try #require(files[.tf]?.first), encoding: .utf8)
        #expect(text.contains("x = np.array([\n    1.0, 2.0, 3.0, 4.0,\n], dtype=np.float32).reshape((1, 2, 2, 1))"))
        #expect(text.contains("    y = tf.nn.conv2d_transpose(input=tf.constant(x), filters=tf.constant(w), output_shape=[1, 5, 5, 1], strides=2, padding='VALID')"))
        #expect(text.contains("np.testing.assert_allclose(np.asarray(y), expected, rtol=1e-05, atol=1e-06)"))
        #expect(text.contains("def test_conv2d_transpose():") && text.contains("if __name__ == '__main__':"))
        // Floats are written exactly: float32 values as the repr of their float64 value.
        let random = try String(contentsOfFile: try #require(files[.tf]?[1]), encoding: .utf8)
        let session = ScriptSession()
        _ = session.run("x = tf.random.normal([1, 3, 3, 2], seed=1)")
        let first = try #require(session.array("x")).tensor[flat: 0]
        #expect(random.contains(FloatText.pythonRepr(first) + ","))
        // float64 cases use the float64 tolerance.
        let f64 = try String(contentsOfFile: try #require(files[.torch]?[2]), encoding: .utf8)
        #expect(f64.contains("dtype=np.float64") && f64.contains("rtol=1e-12, atol=1e-12"))
        // The numpy file carries the readable reference loop.
        let numpy = try String(contentsOfFile: try #require(files[.numpy]?.first), encoding: .utf8)
        #expect(numpy.contains("def conv_transpose_scatter(x, w, out_spatial, strides, dilations, pad_before, groups=1):"))
        #expect(!numpy.contains("import tensorflow") && !numpy.contains("import torch"))
    }

    @Test func exportedNumpyFilesRun() throws {
        guard Python.numpyAvailable else {
            print("skipped: \(Python.interpreter) cannot import numpy (set TCONV_PYTHON to an interpreter with numpy)")
            return
        }
        let folder = TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let files = try exportAll(to: folder)[.numpy] ?? []
        let result = Python.runFiles(files)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.components(separatedBy: "PASS ").count - 1 == files.count)
    }

    @Test func exportedPyTorchFilesRunInPyTorch() throws {
        guard Python.torchAvailable else {
            print("skipped: \(Python.interpreter) cannot import torch (set TCONV_PYTHON to an interpreter with PyTorch to run the exported files)")
            return
        }
        let folder = TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let files = try exportAll(to: folder)[.torch] ?? []
        let result = Python.runFiles(files)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.components(separatedBy: "PASS ").count - 1 == files.count)
    }

    @Test func exportedTensorFlowFilesRunInTensorFlow() throws {
        guard Python.tensorflowAvailable else {
            print("skipped: \(Python.interpreter) cannot import tensorflow (set TCONV_PYTHON to an interpreter with TensorFlow to run the exported files)")
            return
        }
        let folder = TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // TF's CPU kernels refuse a grouped conv3d (the exported file says so in a note); that
        // case is kept out of the run.
        let exported = try exportAll(to: folder)[.tf] ?? []
        var files = [String]()
        for path in exported {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            if text.contains("# Note: TF's reference CPU kernels reject grouped conv3d") { continue }
            files.append(path)
        }
        #expect(files.count == exported.count - 1)
        let result = Python.runFiles(files)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.components(separatedBy: "PASS ").count - 1 == files.count)
    }

    @Test func markdownTranscriptHasCodeOutputsNotesAndNarration() throws {
        let folder = TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let lesson = folder.appendingPathComponent("lesson.tconv").path
        try """
        # tconv session v1
        #: marker start
        #: say A single 1 reproduces the kernel.
        w = tf.reshape(tf.range(1., 4.), [3, 1, 1])
        tf.nn.conv1d_transpose(impulse([1, 1, 1], [0, 0, 0]), w, [1, 4, 1], 2, "VALID")[0, :, 0]
        """.write(toFile: lesson, atomically: true, encoding: .utf8)
        let session = ScriptSession()
        _ = session.run("%load \(lesson)", "tf.nn.conv2d_transpose(tf.ones([1, 1, 1, 1]), tf.ones([1, 1, 1, 1]), [1, 1, 1, 1], 1, dilations=2)")
        let path = folder.appendingPathComponent("t").path
        #expect(session.output("%export md \(path)") == ["wrote \(path).md: a Markdown transcript of 3 inputs"])
        let md = try String(contentsOfFile: path + ".md", encoding: .utf8)
        #expect(md.hasPrefix("# tconv session\n\n## start\n\nA single 1 reproduces the kernel.\n\n```python\nw = tf.reshape(tf.range(1., 4.), [3, 1, 1])\n```\n"))
        #expect(md.contains("```text\n<tensor [4] float32>\n[1. 2. 3. 0.]\n```"))
        #expect(md.contains("> **note:** TensorFlow's CPU kernels would refuse this"))
        #expect(!md.contains("%export"))
    }

    @Test func exportNeedsAConvolutionAndAFormat() {
        let session = ScriptSession()
        #expect(session.output("%export torch /tmp/never.py").first == "error[value]: %export torch: no convolution has run in this session yet")
        #expect(session.output("%export rust x.rs").first?.hasPrefix("error[syntax]: %export takes a format (tf|torch|numpy|md)") == true)
        #expect(session.output("%export tf").first == "error[syntax]: %export tf needs a file name")
    }
}

/// Replaying is safe: without `--allow-writes` nothing writes files (or asks first), and nothing in
/// the language runs shell commands.
@Suite struct WriteSafetyTests {
    @Test func writesAreRefusedNamingTheFileAndHowToAllowThem() throws {
        let folder = TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let session = ScriptSession(options: SessionOptions(allowWrites: false))
        _ = session.run("x = tf.ones([1, 2, 2, 1])", "y = tf.nn.conv2d_transpose(x, tf.ones([2, 2, 1, 1]), [1, 4, 4, 1], 2)")
        let base = folder.path
        for (statement, command, file) in [("np.save('\(base)/a', np.zeros(2))", "np.save", "\(base)/a.npy"),
                                           ("%save \(base)/s", "%save", "\(base)/s.tconv"),
                                           ("%export tf \(base)/e.py", "%export", "\(base)/e.py"),
                                           ("%export md \(base)/m", "%export", "\(base)/m.md")] {
            guard case .error(let d)? = session.run(statement).first else {
                Issue.record("\(statement) was not refused")
                continue
            }
            #expect(d.category == "io")
            #expect(d.message == "\(command): writing '\(file)' is not allowed in this session")
            #expect(d.notes.contains { $0.contains("--allow-writes") })
        }
        let written = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(written.isEmpty, "\(written)")
    }

    @Test func theFrontEndCanAskInstead() throws {
        let folder = TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let questions = Mutex<[String]>([])
        let answer = Mutex(false)
        let options = SessionOptions(allowWrites: false, confirmWrite: { question in
            questions.withLock { $0.append(question) }
            return answer.withLock { $0 }
        })
        let session = ScriptSession(options: options)
        let path = folder.appendingPathComponent("a.npy").path
        #expect(session.output("np.save('\(path)', np.zeros(2))") == ["error[io]: np.save: writing '\(path)' was declined"])
        #expect(!FileManager.default.fileExists(atPath: path))
        answer.withLock { $0 = true }
        #expect(session.output("np.save('\(path)', np.zeros(2))") == [])
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(questions.withLock { $0 } == Array(repeating: "np.save would write '\(path)'. Allow?", count: 2))
    }

    /// Nothing runs shell commands or opens files for writing: each of these is an error.
    @Test(arguments: ["import os", "os.system('ls')", "import subprocess", "subprocess.run(['ls'])", "!ls", "%sx ls", "%system ls",
                      "eval('1 + 1')", "exec('x = 1')", "open('/tmp/tconv-should-not-exist', 'w')", "__import__('os')",
                      "compile('1', 'f', 'eval')", "getattr(np, 'save')", "%load_ext autoreload", "%%bash"])
    func shellAndFileEscapesAreErrors(statement: String) {
        let session = ScriptSession()
        let events = session.run(statement)
        #expect(events.first?.isError == true, "\(statement) -> \(events.compactMap(\.plainText))")
        #expect(!FileManager.default.fileExists(atPath: "/tmp/tconv-should-not-exist"))
    }

    @Test func noBuiltinRunsCommands() {
        for builtin in Builtins.all {
            for word in ["system", "popen", "spawn", "exec", "eval", "subprocess", "shell", "open"] {
                #expect(!builtin.name.split(separator: ".").contains { $0 == word }, "\(builtin.name)")
            }
        }
        #expect(!MetaCommand.all.contains { ["%sx", "%system", "%sc", "%bash", "%!"].contains($0.name) })
    }
}
