import Foundation
import Testing
@testable import TConvScript
import TConvEngine

/// The PyTorch dialect: `F.conv_transpose*d` / `F.conv*d` through the language, checked against a
/// PyTorch-formula reference written here and against TensorFlow's op on permuted tensors;
/// tensor creation, dtypes and methods; errors as PyTorch raises them.
@Suite struct TorchDialectTests {
    /// PyTorch's conv_transpose by its documented formula, written independently of the engine:
    /// size (I-1)*s - 2p + d*(k-1) + q + 1 per axis; out[co][o] += x[ci][i] * w[ci][co_local][k] with
    /// o = i*s + k*d - p, for a grouped layout w [Cin, Cout/g, k..]. Shapes are [N, C, spatial..].
    static func outputSize(_ i: Int, _ k: Int, s: Int, p: Int, q: Int, d: Int) -> Int {
        let full: Int = (i - 1) * s + d * (k - 1) + 1
        return full - 2 * p + q
    }

    static func torchTransposeReference(x: [Double], xShape: [Int], w: [Double], wShape: [Int],
                                        s: [Int], p: [Int], q: [Int], d: [Int], groups: Int) -> (values: [Double], shape: [Int]) {
        let n = xShape.count - 2, batch = xShape[0], cin = xShape[1], coutG = wShape[1], cinG = cin / groups
        let inSpatial = Array(xShape[2...]), kernel = Array(wShape[2...])
        let outSpatial = (0..<n).map { j in outputSize(inSpatial[j], kernel[j], s: s[j], p: p[j], q: q[j], d: d[j]) }
        let shape = [batch, coutG * groups] + outSpatial
        var out = [Double](repeating: 0, count: shape.reduce(1, *))
        func offsets(_ extents: [Int]) -> [[Int]] {
            extents.reduce([[]]) { partial, extent in partial.flatMap { prefix in (0..<extent).map { prefix + [$0] } } }
        }
        func flat(_ index: [Int], _ extents: [Int]) -> Int { zip(index, extents).reduce(0) { $0 * $1.1 + $1.0 } }
        for b in 0..<batch { for ci in 0..<cin { for i in offsets(inSpatial) { for k in offsets(kernel) {
            let o = (0..<n).map { i[$0] * s[$0] + k[$0] * d[$0] - p[$0] }
            guard (0..<n).allSatisfy({ o[$0] >= 0 && o[$0] < outSpatial[$0] }) else { continue }
            let g = ci / cinG
            for c in 0..<coutG {
                let co = g * coutG + c
                out[flat([b, co] + o, shape)] += x[flat([b, ci] + i, xShape)] * w[flat([ci, c] + k, wShape)]
            }
        } } } }
        return (out, shape)
    }

    @Test func convTransposeMatchesThePyTorchFormulaAndTheTFOp() throws {
        var rng = TestRandom(seed: 0x70C4)
        var checked = 0, againstTF = 0
        while checked < 60 {
            let n = rng.int(1...3)
            let groups = n < 3 ? rng.pick([1, 1, 2]) : 1
            let cin = groups * rng.int(1...2), coutG = rng.int(1...2)
            let inSpatial = (0..<n).map { _ in rng.int(1...(n == 3 ? 3 : 4)) }, kernel = (0..<n).map { _ in rng.int(1...3) }
            let s = (0..<n).map { _ in rng.int(1...3) }, d = (0..<n).map { _ in rng.int(1...2) }, p = (0..<n).map { _ in rng.int(0...2) }
            let q = (0..<n).map { rng.int(0...(max(s[$0], d[$0]) - 1)) }
            guard (0..<n).allSatisfy({ j in Self.outputSize(inSpatial[j], kernel[j], s: s[j], p: p[j], q: q[j], d: d[j]) > 0 }) else { continue }
            let xShape = [rng.int(1...2), cin] + inSpatial, wShape = [cin, coutG] + kernel
            let x = rng.eighths(xShape.reduce(1, *)), w = rng.eighths(wShape.reduce(1, *))
            let session = ScriptSession()
            let list: ([Int]) -> String = { "[" + $0.map(String.init).joined(separator: ", ") + "]" }
            let call = "F.conv_transpose\(n)d(x, w, stride=\(list(s)), padding=\(list(p)), output_padding=\(list(q)), groups=\(groups), dilation=\(list(d)))"
            let events = session.expectNoErrors([
                "import torch.nn.functional as F",
                "x = torch.tensor(\(pythonList(x))).reshape\(pythonShape(xShape))",
                "w = torch.tensor(\(pythonList(w))).reshape\(pythonShape(wShape))",
                "y = " + call,
            ])
            #expect(firstError(events) == nil, "\(firstError(events) ?? "")")
            let y = try #require(session.array("y"))
            let want = Self.torchTransposeReference(x: x, xShape: xShape, w: w, wShape: wShape, s: s, p: p, q: q, d: d, groups: groups)
            #expect(y.shape == want.shape, "\(call)")
            #expect(y.doubles == want.values, "\(call)")
            #expect(y.flavor == .torch && y.kind == .float32)
            // The same numbers from TensorFlow's op on permuted tensors, where TF's explicit
            // padding can express it (no groups, output_padding < stride).
            if groups == 1 && n == 2 && (0..<n).allSatisfy({ q[$0] < s[$0] }) {
                let outSpatial = Array(want.shape[2...])
                let tf = session.expectNoErrors([
                    "xt = tf.transpose(x.numpy(), [0, 2, 3, 1])",
                    "wt = tf.transpose(w.numpy(), [2, 3, 1, 0])",
                    "yt = tf.nn.conv2d_transpose(xt, wt, output_shape=[\(xShape[0]), \(outSpatial[0]), \(outSpatial[1]), \(coutG)], strides=\(list(s)), padding=[[0, 0], [\(p[0]), \(p[0])], [\(p[1]), \(p[1])], [0, 0]], dilations=\(list(d)))",
                    "diff = np.max(np.abs(tf.transpose(yt, [0, 3, 1, 2]).numpy() - y.numpy()))",
                ])
                #expect(firstError(tf) == nil, "\(firstError(tf) ?? "")")
                #expect(session.output("float(diff)") == ["0.0"], "\(call)")
                againstTF += 1
            }
            checked += 1
        }
        #expect(againstTF >= 5)
    }

    @Test func forwardConvAndBiasMatchTheirDefinitions() throws {
        // conv2d with groups and bias against TF's grouped conv2d on permuted tensors.
        let session = ScriptSession()
        var rng = TestRandom(seed: 0x2D)
        let x = rng.eighths(1 * 4 * 5 * 5), w = rng.eighths(6 * 2 * 3 * 3), b = rng.eighths(6)
        let events = session.expectNoErrors([
            "x = torch.tensor(\(pythonList(x))).reshape(1, 4, 5, 5)",
            "w = torch.tensor(\(pythonList(w))).reshape(6, 2, 3, 3)",
            "b = torch.tensor(\(pythonList(b)))",
            "y = torch.conv2d(x, w, b, stride=2, padding=1, groups=2)",
            "yt = tf.nn.conv2d(tf.transpose(x.numpy(), [0, 2, 3, 1]), tf.transpose(w.numpy(), [2, 3, 1, 0]), strides=2, padding=[[0, 0], [1, 1], [1, 1], [0, 0]])",
            "ref = tf.transpose(yt, [0, 3, 1, 2]).numpy() + b.numpy().reshape(1, 6, 1, 1)",
        ])
        #expect(firstError(events) == nil, "\(firstError(events) ?? "")")
        #expect(session.output("y.shape") == ["(1, 6, 3, 3)"])
        #expect(session.output("float(np.max(np.abs(y.numpy() - ref)))") == ["0.0"])
        // 'same' padding (stride 1) keeps the size; unbatched input drops the batch axis.
        #expect(session.output("F = torch.nn.functional; F.conv1d(torch.ones(2, 7), torch.ones(3, 2, 4), padding='same').shape") == ["(3, 7)"])
        #expect(session.output("F.conv_transpose3d(torch.ones(1, 1, 2, 2, 2), torch.ones(1, 1, 2, 2, 2), stride=2).sum().item()") == ["64.0"])
    }

    @Test func tensorsDTypesAndMethods() {
        let session = ScriptSession()
        #expect(session.output("torch.tensor([1., 2.]).dtype") == ["torch.float32"])
        #expect(session.output("torch.tensor([1, 2]).dtype") == ["torch.int64"])
        #expect(session.output("torch.tensor([[1., 2.]], dtype=torch.float64)") == ["<torch.Tensor [1,2] float64>", "[[1. 2.]]"])
        #expect(session.output("torch.zeros(2, 3).shape, torch.ones((2, 3)).dtype") == ["((2, 3), torch.float32)"])
        #expect(session.output("torch.arange(4), torch.arange(1., 3.).dtype")
                    == ["(<torch.Tensor [4] int64>, torch.float32)"])
        #expect(session.output("torch.from_numpy(np.arange(3.)).dtype") == ["torch.float64"])
        #expect(session.output("type_check = torch.from_numpy(np.zeros(2)).numpy(); type_check") == ["<array [2] float64>", "[0. 0.]"])
        #expect(session.output("torch.arange(6).reshape(2, 3).permute(1, 0).tolist()") == ["[[0, 3], [1, 4], [2, 5]]"])
        #expect(session.output("torch.zeros(1, 2, 3, 4).permute(0, 2, 3, 1).shape") == ["(1, 3, 4, 2)"])
        #expect(session.output("torch.zeros(1, 2, 3).transpose(0, 2).shape") == ["(3, 2, 1)"])
        #expect(session.output("t = torch.zeros(1, 2, 3); t.size(), t.size(1), t.dim(), t.numel()") == ["((1, 2, 3), 2, 3, 6)"])
        #expect(session.output("torch.arange(3).float().dtype, torch.ones(2).double().dtype, torch.ones(2).to(torch.float64).dtype")
                    == ["(torch.float32, torch.float64, torch.float64)"])
        #expect(session.output("torch.ones(2, 1, 3).squeeze(1).shape, torch.ones(2).unsqueeze(0).shape") == ["((2, 3), (1, 2))"])
        #expect(session.output("torch.arange(3) / 2") == ["<torch.Tensor [3] float32>", "[0.  0.5 1. ]"])
        #expect(session.output("torch.nn.functional.pad(torch.ones(1, 2), (1, 2)).tolist()") == ["[[0.0, 1.0, 1.0, 0.0, 0.0]]"])
        // torch.manual_seed makes randn/rand repeat.
        _ = session.run("torch.manual_seed(7)", "a = torch.randn(2, 3)", "torch.manual_seed(7)", "b = torch.randn(2, 3)")
        #expect(session.output("bool(torch.allclose(a, b)), a.dtype") == ["(True, torch.float32)"])
        #expect(session.output("float(np.max(np.abs((a - b).numpy())))") == ["0.0"])
        // Methods only PyTorch tensors have are refused on numpy arrays, with a hint.
        let refused = session.output("np.zeros(2).permute(0)")
        #expect(refused.first == "error[type]: 'ndarray' object has no attribute 'permute'")
        #expect(refused.contains { $0.contains("torch.from_numpy(x)") })
        // `import torch.nn.functional as F` makes F.conv_transpose2d reachable; completion offers it.
        _ = session.run("import torch.nn.functional as F")
        let (_, candidates) = session.completions(for: "F.conv_tr", cursor: 9)
        #expect(candidates.contains("F.conv_transpose2d"))
        let (_, methods) = session.completions(for: "a.perm", cursor: 6)
        #expect(methods == ["a.permute"])
        #expect(session.output("F.conv_transpose2d?").first == "torch.nn.functional.conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1)")
    }

    @Test func stepPlaysAPyTorchTransposedConv() throws {
        let session = ScriptSession()
        _ = session.run("import torch.nn.functional as F", "x = torch.ones(2, 3, 3)", "w = torch.ones(2, 4, 3, 3)")
        let events = session.run("%step F.conv_transpose2d(x, w, stride=2, padding=1)")
        guard case .step(let request)? = events.first else {
            Issue.record("no step: \(events.compactMap(\.plainText))")
            return
        }
        #expect(request.title == "F.conv_transpose2d(x, w, stride=2, padding=1)")
        #expect(request.plan.transposed && request.plan.problem.channelsFirst)
        #expect(request.input.shape == [1, 2, 3, 3] && request.filters.shape == [3, 3, 4, 2])
        #expect(session.output("%step F.conv2d(x, torch.ones(4, 2, 3, 3))").first?.hasPrefix("error[type]: %step plays transposed convolutions") == true)
    }

    /// Errors keep PyTorch's wording, carry tconv's category, say which exception PyTorch raises
    /// and what would be valid.
    @Test(arguments: [
        ("F.conv_transpose2d(x, w, stride=2, output_padding=2)", "bad_padding", "output padding must be smaller than either stride or dilation", "RuntimeError"),
        ("F.conv_transpose2d(x, torch.ones(4, 2, 3, 3))", "channel_mismatch", "Given transposed=1, weight of size [4, 2, 3, 3], expected input[1, 3, 5, 5] to have 4 channels, but got 3 channels instead", "RuntimeError"),
        ("F.conv_transpose2d(x, w, groups=2)", "channel_mismatch", "Given groups=2, expected weight to be divisible by 2 at dimension 0", "RuntimeError"),
        ("F.conv_transpose2d(x, w, padding=9)", "bad_padding", "Given input size per channel: 5", "RuntimeError"),
        ("F.conv_transpose2d(x, w, stride=0)", "bad_strides", "non-positive stride is not supported", "RuntimeError"),
        ("F.conv_transpose2d(x, w, stride=(1, 2, 3))", "bad_strides", "expected stride to be a single integer value or a list of 2 values", "RuntimeError"),
        ("F.conv_transpose2d(torch.ones(5, 5), w)", "bad_rank", "Expected 3D (unbatched) or 4D (batched) input to conv_transpose2d, but got input of size: [5, 5]", "RuntimeError"),
        ("F.conv2d(x, torch.ones(4, 3, 7, 7))", "filter_too_large", "Kernel size can't be greater than actual input size", "RuntimeError"),
        ("F.conv2d(x, torch.ones(4, 3, 3, 3), stride=2, padding='same')", "bad_padding", "padding='same' is not supported for strided convolutions", "RuntimeError"),
        ("F.conv_transpose2d(x.double(), w)", "bad_dtype", "expected scalar type Double but found Float", "RuntimeError"),
        ("F.conv_transpose2d(x, w, foo=1)", "type", "got an unexpected keyword argument 'foo'", nil),
        ("F.conv_transpose2d(x.numpy(), w)", "type", "conv_transpose2d(): argument 'input' must be Tensor, not numpy.ndarray", nil),
    ] as [(String, String, String, String?)])
    func errorsAsPyTorchRaisesThem(call: String, category: String, message: String, exception: String?) {
        let session = ScriptSession()
        _ = session.run("import torch.nn.functional as F", "x = torch.ones(1, 3, 5, 5)", "w = torch.ones(3, 2, 3, 3)")
        guard case .error(let d)? = session.run(call).first else {
            Issue.record("\(call): no error")
            return
        }
        #expect(d.category == category, "\(call): \(d.formatted)")
        #expect(d.message.contains(message), "\(call): \(d.message)")
        if let exception { #expect(d.notes.first == "PyTorch raises \(exception)", "\(d.notes)") }
        if category != "type" { #expect(d.notes.contains { $0.hasPrefix("valid: ") }, "\(call): \(d.notes)") }
    }
}
