import Testing
import TConvScript
import TConvEngine

/// Nothing the user types may crash or hang the session: random bytes, mutations of valid
/// statements, deep nesting, huge literals. Seeded, so a failure reproduces.
@Suite struct FuzzTests {
    typealias Generator = SplitMix64

    static let seeds = [
        "x = tf.reshape(tf.range(1., 5.), [1, 2, 2, 1])",
        "w = tf.ones([3, 3, 1, 1])",
        "y = tf.nn.conv2d_transpose(x, w, output_shape=[1, 4, 4, 1], strides=2, padding=\"SAME\")",
        "y[0, :, :, 0] * 2 - 1",
        "np.arange(12).reshape(3, 4)[::-1, 1:] / 3",
        "tf.nn.conv3d_transpose(tf.ones([1, 2, 2, 2, 1]), tf.ones([2, 2, 2, 1, 1]), [1, 4, 4, 4, 1], 2)",
        "%shapes tf.nn.conv2d_transpose(x, w, strides=2, padding=\"VALID\")",
        "np.sum(np.eye(3), axis=0, keepdims=True)",
        "a, b = [1, 2.5], (3,)",
        "print(np.allclose(x, x), tf.constant([[1, 2], [3, 4]], dtype=tf.float64))",
        "tf.random.normal([2, 3], seed=1) + np.ones(3)",
        "import tensorflow as tf; from numpy import zeros",
        "np.zeros([10**3]).reshape(10, -1)[..., None].shape",
        "tf.nn.atrous_conv2d_transpose(x, w, [1, 2, 2, 1], 2, \"SAME\")",
        "%vars",
        "len(range(5)) ** 2 // 3 % 2",
        "import torch.nn.functional as F; xt = torch.arange(8.).reshape(1, 2, 2, 2); wt = torch.ones(2, 3, 3, 3)",
        "F.conv_transpose2d(xt, wt, bias=torch.zeros(3), stride=2, padding=1, output_padding=1, groups=1, dilation=1)",
        "F.conv2d(xt, torch.ones(4, 2, 1, 1), padding='same').permute(0, 2, 3, 1).size(1)",
        "F.pad(xt, (1, 2, 0, 1)).numpy().shape",
        "tf.pad(x, [[0, 0], [1, 1], [2, 2], [0, 0]])",
        "%translate tf.nn.conv2d_transpose(x, w, output_shape=[1, 4, 4, 1], strides=2, padding=\"SAME\")",
        "%translate F.conv_transpose2d(xt, wt, stride=2)",
        "%export torch /nonexistent/t.py",
        "torch.manual_seed(1); torch.randn(2, 3).transpose(0, 1).unsqueeze(0).squeeze().float().item",
    ]

    static let replacements = Array("()[],:;.=+-*/%#'\"0123456789xyzw _")

    static let fragments = ["(", ")", "[", "]", ",", ":", "::", "-", "**", "10**99", "1e999", "None", "...", "'", "\"",
                            "tf.nn.", "np.", "%", "?", "=", ";", "\\", "\n", "#", "0x", "9" + String(repeating: "9", count: 30),
                            "x", "w", "y", "_", ".shape", "[0]", "[-1]", "[::-1]", "(1,)", "[]", "()", "tf.zeros([2**40])",
                            "np.ones([1]*40)", "np.arange(1e12)", "range(10**18)", "[0]*10**9",
                            "torch.", "F.", "(10**18, 10**18)", "[2**62, 2**62]", "torch.zeros(2**40)", ".permute(", "%translate ", "%export "]

    @Test func randomAndMutatedInputsNeverCrash() {
        var g = Generator(seed: 20_240_611)
        // A small size limit keeps every accepted allocation tiny.
        let session = ScriptSession(options: SessionOptions(allowWrites: false, maxResultBytes: 1 << 20))
        for seed in Self.seeds { _ = session.submit(seed) }
        var inputs = 0
        for round in 0..<3000 {
            var line: String
            switch round % 3 {
            case 0:
                // Random printable and control bytes.
                let length = g.below(40)
                line = String(decoding: (0..<length).map { _ in UInt8(g.below(128)) }, as: UTF8.self)
            case 1:
                // A valid statement with characters dropped, duplicated or replaced.
                var chars = Array(Self.seeds[g.below(Self.seeds.count)])
                for _ in 0..<(1 + g.below(4)) where !chars.isEmpty {
                    let i = g.below(chars.count)
                    switch g.below(3) {
                    case 0: chars.remove(at: i)
                    case 1: chars.insert(chars[i], at: i)
                    default: chars[i] = Self.replacements[g.below(Self.replacements.count)]
                    }
                }
                line = String(chars)
            default:
                // Fragments glued together.
                line = (0..<(1 + g.below(8))).map { _ in Self.fragments[g.below(Self.fragments.count)] }.joined()
            }
            if line.contains("%timeit") || line.contains("%save") || line.contains("%run") || line.contains("%load") { continue }
            if case .needsMore = session.submit(line) { session.cancelPendingInput() }
            inputs += 1
        }
        #expect(inputs > 2500)
        // Whole garbage files through the script runner too.
        for _ in 0..<50 {
            let text = (0..<(g.below(6) + 1)).map { _ in Self.seeds[g.below(Self.seeds.count)] + Self.fragments[g.below(Self.fragments.count)] }
                .joined(separator: "\n")
            _ = session.runScript(text, source: "fuzz.tconv")
        }
        // The session still works.
        guard case .done(let events) = session.submit("1 + 1"), case .value(let v)? = events.first else {
            Issue.record("the session stopped working")
            return
        }
        #expect(v == "2")
    }

    @Test func deepNestingAndHugeLiteralsAreErrors() {
        let session = ScriptSession()
        for text in [String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000),
                     String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000),
                     String(repeating: "-", count: 5000) + "1",
                     "2" + String(repeating: "**2", count: 5000),
                     String(repeating: "9", count: 400),
                     "1e999999", "x = [1]", "x = [x, x]; x = [x, x]; x = [x, x]; x = [x, x]; x = [x, x]; x = [x, x]",
                     "x = [x, x]; x = [x, x]; x = [x, x]; x = [x, x]; x = [x, x]; x = [x, x]; x = [x, x]; x = [x, x]",
                     "x = [x, x]; x = [x, x]; x = [x, x]; x = [x, x]; x = [x, x]; x = [x, x]; x = [x, x]; x = [x, x]",
                     "x = [x, x]; x = [x, x]; x = [x, x]; x = [x, x]; x = [x, x]; x = [x, x]; x = [x, x]; x = [x, x]",
                     "x = [x, x]; x = [x, x]; x = [x, x]; x = [x, x]; x = [x, x]; x = [x, x]; x = [x, x]; x = [x, x]", "10**400", "np.zeros([10**12])", "np.ones([2**31, 2**31, 2**31])", "tf.zeros([-1])"] {
            guard case .done(let events) = session.submit(text) else {
                Issue.record("\(text.prefix(20)) asks for more")
                session.cancelPendingInput()
                continue
            }
            if text == "1e999999" || text.hasPrefix("x =") {
                #expect(SessionFile.outputLines(events) == (text.hasPrefix("x") ? [] : ["inf"]))
            } else {
                #expect(events.first?.isError == true, "\(text.prefix(30)): \(events)")
            }
        }
    }
}

extension FuzzTests {
    /// A list that contains itself twice per level (2^38 leaves) prints in bounded time.
    @Test func selfDoublingListsPrintBriefly() {
        let session = ScriptSession()
        _ = session.submit("x = [1]")
        for _ in 0..<38 { _ = session.submit("x = [x, x]") }
        guard case .done(let events) = session.submit("x"), case .value(let text)? = events.first else {
            Issue.record("no value")
            return
        }
        #expect(text.count < 200_000 && text.contains("..."))
        guard case .done(let more) = session.submit("np.array(x)") else { return }
        #expect(more.first?.isError == true)
    }
}
