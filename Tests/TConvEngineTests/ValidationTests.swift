import Testing
import TConvEngine

/// Every error path: bad input must give the right category (and a message with the numbers),
/// never a trap.
@Suite struct ValidationTests {
    static func t(_ shape: [Int], _ dtype: DType = .float64) -> TFValue {
        var rng = SeededRandom(seed: UInt64(shape.reduce(17) { $0 &* 31 &+ $1 }))
        return .tensor(eighths(shape, dtype: dtype, rng: &rng))
    }

    struct Case: CustomStringConvertible, Sendable {
        var name: String
        var op: TFOp
        var keywords: [(String, TFValue)]
        var category: ErrorCategory
        var description: String { name }
    }

    static let x = t([1, 4, 4, 3]), w = t([3, 3, 2, 3])  // transposed: Cin 3 -> Cout 2
    static let base: [(String, TFValue)] = [("input", x), ("filters", w), ("output_shape", .ints([1, 8, 8, 2])),
                                            ("strides", 2), ("padding", "SAME")]
    static func with(_ changes: [(String, TFValue)], removing: [String] = []) -> [(String, TFValue)] {
        var result = base.filter { item in !removing.contains(item.0) && !changes.contains { $0.0 == item.0 } }
        result += changes
        return result
    }

    static let cases: [Case] = [
        Case(name: "missing strides", op: .conv2dTranspose, keywords: with([], removing: ["strides"]), category: .badArgument),
        Case(name: "unknown keyword", op: .conv2dTranspose, keywords: with([("stride", 2)]), category: .badArgument),
        Case(name: "input not a tensor", op: .conv2dTranspose, keywords: with([("input", .ints([1, 2]))]), category: .badArgument),
        Case(name: "input rank 3", op: .conv2dTranspose, keywords: with([("input", t([4, 4, 3]))]), category: .badRank),
        Case(name: "filter rank 3", op: .conv2dTranspose, keywords: with([("filters", t([3, 2, 3]))]), category: .badRank),
        Case(name: "output_shape 3 values", op: .conv2dTranspose, keywords: with([("output_shape", .ints([1, 8, 8]))]), category: .badOutputShape),
        Case(name: "output_shape negative", op: .conv2dTranspose, keywords: with([("output_shape", .ints([1, -8, 8, 2]))]), category: .badOutputShape),
        Case(name: "output_shape beyond int32", op: .conv2dTranspose, keywords: with([("output_shape", .list([1, .int(1 << 40), 8, 2]))]), category: .badOutputShape),
        Case(name: "output_shape a string", op: .conv2dTranspose, keywords: with([("output_shape", "1,8,8,2")]), category: .badOutputShape),
        Case(name: "output_shape floats", op: .conv2dTranspose, keywords: with([("output_shape", .list([1, .float(8.5), 8, 2]))]), category: .badOutputShape),
        Case(name: "stride 0", op: .conv2dTranspose, keywords: with([("strides", 0)]), category: .badStrides),
        Case(name: "stride negative", op: .conv2dTranspose, keywords: with([("strides", .int(-2))]), category: .badStrides),
        Case(name: "strides of length 3", op: .conv2dTranspose, keywords: with([("strides", .ints([1, 2, 2]))]), category: .badStrides),
        Case(name: "stride 2.5", op: .conv2dTranspose, keywords: with([("strides", .float(2.5))]), category: .badStrides),
        Case(name: "absurd stride", op: .conv2dTranspose, keywords: with([("strides", .int(1 << 50))]), category: .badStrides),
        Case(name: "batch stride", op: .conv2dTranspose, keywords: with([("strides", .ints([2, 2, 2, 1]))]), category: .badStrides),
        Case(name: "dilation 0", op: .conv2dTranspose, keywords: with([("dilations", 0)]), category: .badDilations),
        Case(name: "dilation negative", op: .conv2dTranspose, keywords: with([("dilations", .ints([1, -1]))]), category: .badDilations),
        Case(name: "padding lower case", op: .conv2dTranspose, keywords: with([("padding", "same")]), category: .badPadding),
        Case(name: "padding EXPLICIT string", op: .conv2dTranspose, keywords: with([("padding", "EXPLICIT")]), category: .badPadding),
        Case(name: "padding 2 pairs", op: .conv2dTranspose, keywords: with([("padding", [[0, 0], [1, 1]])]), category: .badPadding),
        Case(name: "padding pair of 3", op: .conv2dTranspose, keywords: with([("padding", [[0, 0], [1, 1, 1], [0, 0], [0, 0]])]), category: .badPadding),
        Case(name: "padding negative", op: .conv2dTranspose, keywords: with([("padding", [[0, 0], [.int(-1), 1], [0, 0], [0, 0]])]), category: .badPadding),
        Case(name: "padding an int", op: .conv2dTranspose, keywords: with([("padding", 1)]), category: .badPadding),
        Case(name: "unknown data_format", op: .conv2dTranspose, keywords: with([("data_format", "NWHC")]), category: .badDataFormat),
        Case(name: "data_format an int", op: .conv2dTranspose, keywords: with([("data_format", 4)]), category: .badDataFormat),
        Case(name: "dtype mismatch", op: .conv2dTranspose, keywords: with([("filters", t([3, 3, 2, 3], .float32))]), category: .badDType),
        Case(name: "batch mismatch", op: .conv2dTranspose, keywords: with([("output_shape", .ints([2, 8, 8, 2]))]), category: .inconsistentOutputShape),
        Case(name: "Cin mismatch", op: .conv2dTranspose, keywords: with([("filters", t([3, 3, 2, 4]))]), category: .channelMismatch),
        Case(name: "Cout mismatch", op: .conv2dTranspose, keywords: with([("output_shape", .ints([1, 8, 8, 3]))]), category: .channelMismatch),
        Case(name: "grouped Cout", op: .conv2dTranspose, keywords: with([("output_shape", .ints([1, 8, 8, 4]))]), category: .channelMismatch),
        Case(name: "filter with 0 Cout", op: .conv2dTranspose, keywords: with([("filters", t([3, 3, 0, 3])), ("output_shape", .ints([1, 8, 8, 0]))]), category: .channelMismatch),
        Case(name: "output too small", op: .conv2dTranspose, keywords: with([("output_shape", .ints([1, 6, 8, 2]))]), category: .inconsistentOutputShape),
        Case(name: "output size 0", op: .conv2dTranspose, keywords: with([("output_shape", .ints([1, 0, 8, 2]))]), category: .inconsistentOutputShape),
        Case(name: "huge but consistent", op: .conv2dTranspose,
             keywords: with([("strides", .int(1 << 20)), ("output_shape", .list([1, .int((3 << 20) + 1), .int((3 << 20) + 1), 2]))]), category: .tooLarge),
        Case(name: "conv3d_transpose list padding", op: .conv3dTranspose,
             keywords: [("input", t([1, 2, 2, 2, 1])), ("filters", t([1, 1, 1, 1, 1])), ("output_shape", .ints([1, 2, 2, 2, 1])),
                        ("strides", 1), ("padding", [[0, 0], [0, 0], [0, 0], [0, 0], [0, 0]])], category: .badPadding),
        Case(name: "conv3d_transpose strides of 4", op: .conv3dTranspose,
             keywords: [("input", t([1, 2, 2, 2, 1])), ("filters", t([1, 1, 1, 1, 1])), ("output_shape", .ints([1, 2, 2, 2, 1])),
                        ("strides", .ints([1, 1, 1, 1]))], category: .badStrides),
        Case(name: "conv3d_transpose 2-D input", op: .conv3dTranspose,
             keywords: [("input", t([1, 2, 2, 1])), ("filters", t([1, 1, 1, 1, 1])), ("output_shape", .ints([1, 2, 2, 2, 1])),
                        ("strides", 1)], category: .badRank),
        Case(name: "conv1d_transpose NHWC", op: .conv1dTranspose,
             keywords: [("input", t([1, 3, 1])), ("filters", t([2, 1, 1])), ("output_shape", .ints([1, 4, 1])), ("strides", 1),
                        ("padding", "VALID"), ("data_format", "NHWC")], category: .badDataFormat),
        Case(name: "conv1d_transpose output_shape [W]", op: .conv1dTranspose,
             keywords: [("input", t([1, 3, 1])), ("filters", t([2, 1, 1])), ("output_shape", .ints([4])), ("strides", 1),
                        ("padding", "VALID")], category: .badOutputShape),
        Case(name: "atrous rate 0", op: .atrousConv2dTranspose,
             keywords: [("value", x), ("filters", w), ("output_shape", .ints([1, 4, 4, 2])), ("rate", 0), ("padding", "SAME")], category: .badRate),
        Case(name: "atrous rate float", op: .atrousConv2dTranspose,
             keywords: [("value", x), ("filters", w), ("output_shape", .ints([1, 4, 4, 2])), ("rate", .float(2)), ("padding", "SAME")], category: .badRate),
        Case(name: "atrous rate list", op: .atrousConv2dTranspose,
             keywords: [("value", x), ("filters", w), ("output_shape", .ints([1, 4, 4, 2])), ("rate", [2]), ("padding", "SAME")], category: .badRate),
        Case(name: "atrous wrong O", op: .atrousConv2dTranspose,
             keywords: [("value", x), ("filters", w), ("output_shape", .ints([1, 5, 4, 2])), ("rate", 2), ("padding", "SAME")], category: .inconsistentOutputShape),
        Case(name: "conv_transpose 6 entries", op: .convTranspose,
             keywords: [("input", x), ("filters", w), ("output_shape", .ints([1, 1, 8, 8, 2, 1])), ("strides", 2)], category: .badOutputShape),
        Case(name: "conv_transpose int shape", op: .convTranspose,
             keywords: [("input", x), ("filters", w), ("output_shape", 8), ("strides", 2)], category: .badOutputShape),
        Case(name: "v1 value and input", op: .conv2dTransposeV1,
             keywords: [("value", x), ("input", x), ("filter", w), ("output_shape", .ints([1, 8, 8, 2])), ("strides", .ints([1, 2, 2, 1]))],
             category: .badArgument),
        Case(name: "v1 conv3d without value", op: .conv3dTransposeV1,
             keywords: [("input", t([1, 2, 2, 2, 1])), ("filters", t([1, 1, 1, 1, 1])), ("output_shape", .ints([1, 2, 2, 2, 1])),
                        ("strides", .ints([1, 1, 1, 1, 1]))], category: .badArgument),
        Case(name: "conv2d filter too large", op: .conv2d,
             keywords: [("input", t([1, 3, 3, 1])), ("filters", t([6, 1, 1, 1])), ("strides", 1), ("padding", "VALID")], category: .filterTooLarge),
        Case(name: "conv2d groups do not divide Cout", op: .conv2d,
             keywords: [("input", t([1, 3, 3, 4])), ("filters", t([1, 1, 2, 3])), ("strides", 1), ("padding", "VALID")], category: .channelMismatch),
        Case(name: "conv2d filter Cin 0", op: .conv2d,
             keywords: [("input", t([1, 3, 3, 4])), ("filters", t([1, 1, 0, 3])), ("strides", 1), ("padding", "VALID")], category: .channelMismatch),
        Case(name: "conv2d input rank 3", op: .conv2d,
             keywords: [("input", t([3, 3, 4])), ("filters", t([1, 1, 4, 3])), ("strides", 1), ("padding", "VALID")], category: .badRank),
        Case(name: "conv3d int strides", op: .conv3d,
             keywords: [("input", t([1, 2, 2, 2, 1])), ("filters", t([1, 1, 1, 1, 1])), ("strides", 1), ("padding", "VALID")], category: .badStrides),
        Case(name: "convolution stride and dilation", op: .convolution,
             keywords: [("input", x), ("filters", t([3, 3, 3, 2])), ("strides", 2), ("dilations", 2), ("padding", "SAME")], category: .badDilations),
        Case(name: "convolution rank-6 filter", op: .convolution,
             keywords: [("input", x), ("filters", t([1, 1, 1, 1, 3, 2]))], category: .badRank),
        Case(name: "conv1d list padding", op: .conv1d,
             keywords: [("input", t([1, 4, 1])), ("filters", t([1, 1, 1])), ("stride", 1), ("padding", [[0, 0], [0, 0], [0, 0]])], category: .badPadding),
    ]

    @Test(arguments: cases)
    func rejectsWithTheRightCategory(_ c: Case) {
        do {
            let result = try TFOps.call(c.op, keywords: c.keywords)
            Issue.record("\(c.name): expected \(c.category), got a result of shape \(result.tensor.shape)")
        } catch {
            #expect(error.category == c.category, "\(c.name): \(error)")
            #expect(!error.message.isEmpty && !error.op.isEmpty && !error.argument.isEmpty)
        }
    }

    @Test func inconsistentOutputShapeListsTheAcceptedRanges() {
        do {
            _ = try TFOps.call(.conv2dTranspose, keywords: Self.with([("output_shape", .ints([1, 9, 7, 2])), ("strides", 3)]))
            Issue.record("expected an error")
        } catch {
            #expect(error.category == .inconsistentOutputShape)
            // I = 4, s = 3, SAME: O in 10...12 on both axes.
            #expect(error.ranges.map(\.range) == [10...12, 10...12])
            #expect(error.message.contains("9") && error.message.contains("4"))
            #expect(error.valid == "H in 10...12, W in 10...12")
        }
    }

    @Test func sizeLimitIsConfigurable() throws {
        let args = Self.with([])
        let tiny = ExecutionOptions(limits: EngineLimits(maxResultBytes: 100))
        #expect(throws: EngineError.self) { try TFOps.call(.conv2dTranspose, keywords: args, options: tiny) }
        _ = try TFOps.call(.conv2dTranspose, keywords: args)
    }

    @Test func emptyTensorsGiveZerosOfTheRightShape() throws {
        // Batch 0.
        let r1 = try TFOps.call(.conv2dTranspose, keywords: [("input", Self.t([0, 4, 4, 3])), ("filters", Self.w),
                                                            ("output_shape", .ints([0, 8, 8, 2])), ("strides", 2)])
        #expect(r1.tensor.shape == [0, 8, 8, 2])
        // No input channels: zeros.
        let r2 = try TFOps.call(.conv2dTranspose, keywords: [("input", Self.t([1, 4, 4, 0])), ("filters", Self.t([3, 3, 2, 0])),
                                                            ("output_shape", .ints([1, 8, 8, 2])), ("strides", 2)])
        #expect(r2.tensor.doubles.allSatisfy { $0 == 0 } && r2.tensor.count == 128)
        // Empty spatial input: SAME accepts only O = 0.
        let r3 = try TFOps.call(.conv2dTranspose, keywords: [("input", Self.t([1, 0, 4, 3])), ("filters", Self.w),
                                                            ("output_shape", .ints([1, 0, 8, 2])), ("strides", 2)])
        #expect(r3.tensor.shape == [1, 0, 8, 2])
        // VALID with I = 0 and K = 4, s = 3 accepts O = 3 (tdiv artefact): zeros.
        let r4 = try TFOps.call(.conv1dTranspose, keywords: [("input", Self.t([1, 0, 1])), ("filters", Self.t([4, 1, 1])),
                                                            ("output_shape", .ints([1, 3, 1])), ("strides", 3), ("padding", "VALID")])
        #expect(r4.tensor.doubles == [0, 0, 0])
        // A filter with a zero spatial extent.
        let r5 = try TFOps.call(.conv1dTranspose, keywords: [("input", Self.t([1, 3, 1])), ("filters", Self.t([0, 1, 1])),
                                                            ("output_shape", .ints([1, 2, 1])), ("strides", 1), ("padding", "VALID")])
        #expect(r5.tensor.doubles == [0, 0])
    }

    @Test func forwardConv2DFlattensExtraBatchDimensions() throws {
        var rng = SeededRandom(seed: 9)
        let x = eighths([2, 3, 5, 5, 2], rng: &rng), w = eighths([3, 3, 2, 4], rng: &rng)
        let y = try TFOps.call(.conv2d, keywords: [("input", .tensor(x)), ("filters", .tensor(w)), ("strides", 2), ("padding", "SAME")])
        #expect(y.tensor.shape == [2, 3, 3, 3, 4])
        let flat = try TFOps.call(.conv2d, keywords: [("input", .tensor(try #require(x.reshaped([6, 5, 5, 2])))),
                                                      ("filters", .tensor(w)), ("strides", 2), ("padding", "SAME")])
        #expect(flat.tensor.doubles == y.tensor.doubles)
    }

    @Test func twoValueOutputShape() throws {
        let four = try TFOps.call(.conv2dTranspose, keywords: Self.base)
        let two = try TFOps.call(.conv2dTranspose, keywords: Self.with([("output_shape", .ints([8, 8]))]))
        #expect(two.tensor == four.tensor)
    }

    @Test func refusalsAreFlagged() throws {
        let dilated = try TFOps.call(.conv2dTranspose, keywords: Self.with([("strides", 1), ("dilations", 2),
                                                                            ("output_shape", .ints([1, 4, 4, 2]))]))
        #expect(dilated.plan.tfCPURefusals.count == 1)
        let plain = try TFOps.call(.conv2dTranspose, keywords: Self.base)
        #expect(plain.plan.tfCPURefusals.isEmpty)
    }
}
