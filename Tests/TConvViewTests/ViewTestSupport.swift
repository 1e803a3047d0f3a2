import Foundation
import Testing
import TConvEngine
@testable import TConvView

/// A tensor whose element `i` is `f(i)`.
func tensor(_ shape: [Int], dtype: DType = .float32, layout: Layout? = nil, _ f: (Int) -> Double) -> Tensor {
    let n = shape.reduce(1, *)
    var values = [Double]()
    values.reserveCapacity(n)
    for i in 0..<n { values.append(f(i)) }
    return Tensor(shape: shape, values: values, dtype: dtype, layout: layout)
}

/// Deterministic small values in eighths (exact in float32), varied and signed.
func eighths(_ shape: [Int], seed: Int, dtype: DType = .float32, layout: Layout? = nil) -> Tensor {
    tensor(shape, dtype: dtype, layout: layout) { i in Double(((i + seed) * 37 + seed * 11) % 23 - 11) / 8 }
}

/// A transposed op case: the call, its plan and operands, and the op's result.
struct OpCase {
    var title: String
    var op: TFOp
    var x: Tensor
    var w: Tensor
    var plan: ConvPlan
    var result: Tensor

    /// Calls `op` with keyword arguments (besides `input`/`filters`), as TF would be called.
    init(_ op: TFOp, x: Tensor, w: Tensor, _ keywords: [(String, TFValue)], title: String? = nil) throws {
        let input = op == .atrousConv2dTranspose ? "value" : "input"
        // Reference kernels: these tests are about the views, not about the fast kernels' threading.
        let result = try TFOps.call(op, keywords: [(input, .tensor(x)), ("filters", .tensor(w))] + keywords,
                                    options: ExecutionOptions(algorithm: .reference))
        self.op = op
        self.x = x
        self.w = w
        plan = result.plan
        self.result = result.tensor
        self.title = title ?? ("tf.nn." + op.pythonName + "(x, w, " + keywords.map { "\($0.0)=\($0.1)" }.joined(separator: ", ") + ")")
    }

    func state() throws -> ViewState { try #require(ViewState(title: title, plan: plan, input: x, filters: w)) }
    func model() throws -> StepModel { try #require(StepModel(title: title, plan: plan, input: x, filters: w)) }
}

/// The cases most tests run over: 1-D, 2-D (SAME, VALID, explicit, dilation, NCHW, uneven
/// overlap, crop at the front) and 3-D, with C_in != C_out.
func standardCases() throws -> [OpCase] {
    [
        try OpCase(.conv2dTranspose, x: eighths([1, 4, 4, 2], seed: 1, layout: .nhwc), w: eighths([3, 3, 3, 2], seed: 2),
                   [("output_shape", .ints([1, 8, 8, 3])), ("strides", 2), ("padding", "SAME")]),
        try OpCase(.conv2dTranspose, x: eighths([1, 3, 3, 1], seed: 3, layout: .nhwc), w: eighths([3, 3, 2, 1], seed: 4),
                   [("output_shape", .ints([1, 3, 3, 2])), ("strides", 1), ("padding", "SAME")]),
        try OpCase(.conv2dTranspose, x: eighths([2, 3, 2, 2], seed: 5, layout: .nhwc), w: eighths([2, 3, 1, 2], seed: 6),
                   [("output_shape", .ints([2, 8, 5, 1])), ("strides", .ints([3, 2])), ("padding", "VALID")]),
        try OpCase(.conv2dTranspose, x: eighths([1, 3, 3, 2], seed: 7, layout: .nhwc), w: eighths([3, 3, 2, 2], seed: 8),
                   [("output_shape", .ints([1, 5, 6, 2])), ("strides", 2),
                    ("padding", .list([.ints([0, 0]), .ints([1, 2]), .ints([2, 0]), .ints([0, 0])]))]),
        try OpCase(.conv2dTranspose, x: eighths([1, 3, 3, 1], seed: 9, layout: .nhwc), w: eighths([2, 2, 2, 1], seed: 10),
                   [("output_shape", .ints([1, 8, 8, 2])), ("strides", 2), ("padding", "VALID"), ("dilations", 2)]),
        try OpCase(.conv2dTranspose, x: eighths([1, 2, 3, 3], seed: 11, layout: .nchw), w: eighths([3, 2, 2, 2], seed: 12),
                   [("output_shape", .ints([1, 2, 6, 6])), ("strides", 2), ("padding", "SAME"), ("data_format", "NCHW")]),
        try OpCase(.conv1dTranspose, x: eighths([1, 5, 2], seed: 13, layout: .nwc), w: eighths([3, 3, 2], seed: 14),
                   [("output_shape", .ints([1, 10, 3])), ("strides", 2), ("padding", "SAME")]),
        try OpCase(.conv3dTranspose, x: eighths([1, 2, 3, 3, 2], seed: 15, layout: .ndhwc), w: eighths([2, 3, 3, 1, 2], seed: 16),
                   [("output_shape", .ints([1, 4, 6, 6, 1])), ("strides", 2), ("padding", "SAME")]),
    ]
}

/// Text snapshots under `Snapshots/`: the grid's characters, then its role map.
/// `TCONV_RECORD_SNAPSHOTS=1` (re)writes them; a missing one fails with instructions.
enum Snapshot {
    static var directory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")
    }

    static var recording: Bool { ProcessInfo.processInfo.environment["TCONV_RECORD_SNAPSHOTS"] == "1" }

    static func check(_ grid: Grid, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        check(text: grid.snapshot, name, sourceLocation: sourceLocation)
    }

    static func check(text actual: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let url = directory.appendingPathComponent(name + ".txt")
        if recording {
            try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            do { try actual.write(to: url, atomically: true, encoding: .utf8) } catch {
                Issue.record("could not write snapshot \(url.path): \(error)", sourceLocation: sourceLocation)
            }
            return
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            let text = "missing snapshot \(name).txt: run `TCONV_RECORD_SNAPSHOTS=1 swift test --filter TConvViewTests`, "
                + "then review Tests/TConvViewTests/Snapshots/\(name).txt before committing"
            Issue.record(Comment(rawValue: text), sourceLocation: sourceLocation)
            return
        }
        if expected != actual {
            let a = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let b = actual.split(separator: "\n", omittingEmptySubsequences: false)
            var report = "snapshot \(name) differs"
            var shown = 0
            for n in 0..<max(a.count, b.count) where shown < 6 {
                let x = n < a.count ? String(a[n]) : "<none>", y = n < b.count ? String(b[n]) : "<none>"
                if x != y {
                    report += "\nline \(n + 1):\n  expected: \(x)\n  actual:   \(y)"
                    shown += 1
                }
            }
            report += "\n(re-record with TCONV_RECORD_SNAPSHOTS=1 if the change is intended, and review the file)"
            Issue.record(Comment(rawValue: report), sourceLocation: sourceLocation)
        }
    }
}
