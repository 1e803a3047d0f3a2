import Foundation
import Testing
import TConvScript

/// Tab completion: what the front end's readline offers at each kind of position.
@Suite struct CompletionTests {
    func complete(_ session: ScriptSession, _ line: String) -> (Int, [String]) {
        let r = session.completions(for: line, cursor: line.count)
        return (r.replaceFrom, r.candidates)
    }

    @Test func dottedNamesKeywordsAndValues() {
        let session = ScriptSession()
        _ = session.run("xs = tf.zeros([1, 4, 4, 3])", "import tensorflow as tf2")
        let (from, names) = complete(session, "y = tf.nn.conv2d_tr")
        #expect(from == 4 && names == ["tf.nn.conv2d_transpose"])
        #expect(complete(session, "tf.").1.contains("tf.nn"))
        #expect(complete(session, "tf2.nn.conv3").1 == ["tf2.nn.conv3d", "tf2.nn.conv3d_transpose"])
        #expect(complete(session, "np.ra").1 == ["np.random"])
        // Keywords of the call being written.
        let keywords = complete(session, "tf.nn.conv2d_transpose(xs, w, st")
        #expect(keywords.1.first == "strides=" && keywords.1.contains("str"))
        // String values inside padding / data_format, positional or keyword.
        #expect(complete(session, "tf.nn.conv2d_transpose(xs, w, [1, 8, 8, 2], 2, \"S").1 == ["\"SAME\""])
        let (quote, formats) = complete(session, "tf.nn.conv2d_transpose(xs, w, strides=2, data_format='")
        #expect(quote == "tf.nn.conv2d_transpose(xs, w, strides=2, data_format=".count && formats == ["'NHWC'", "'NCHW'"])
        #expect(complete(session, "tf.nn.conv3d_transpose(xs, w, padding=").1 == ["\"SAME\"", "\"VALID\""])
        // Variables and array attributes.
        #expect(complete(session, "x").1.contains("xs"))
        #expect(complete(session, "xs.sh").1 == ["xs.shape"])
        // Meta commands.
        #expect(complete(session, "%sh").1 == ["%shapes", "%show"])
        #expect(complete(session, "%shapes tf.nn.conv1d_t").1 == ["tf.nn.conv1d_transpose"])
    }

    @Test func filePaths() throws {
        let folder = TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data().write(to: folder.appendingPathComponent("lesson.tconv"))
        try Data().write(to: folder.appendingPathComponent("weights.npy"))
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("sub"), withIntermediateDirectories: true)
        let session = ScriptSession()
        let base = folder.path + "/"
        #expect(complete(session, "%load " + base + "l").1 == [base + "lesson.tconv"])
        #expect(complete(session, "%run " + base + "s").1 == [base + "sub/"])
        let (from, files) = complete(session, "w = np.load(\"" + base + "w")
        #expect(from == "w = np.load(\"".count && files == [base + "weights.npy"])
        // %export: the format, then a path.
        #expect(complete(session, "%export t").1 == ["tf", "torch"])
        #expect(complete(session, "%export md " + base + "le").1 == [base + "lesson.tconv"])
        #expect(complete(session, "%translate F.conv").1.isEmpty)  // F is not imported yet
        _ = session.run("import torch.nn.functional as F")
        #expect(complete(session, "%translate F.conv_transpose3").1 == ["F.conv_transpose3d"])
    }
}
