import Testing
import TConvEngine
import TConvScript

/// numpy's printing. Every expected string below was printed by numpy 2.4 (`print(a)`) for the
/// same values.
@Suite struct PrintingTests {
    func body(_ shape: [Int], _ values: [Double], _ kind: ElementKind = .float64, precision: Int = 8) -> String {
        let dtype: DType = kind == .float32 ? .float32 : .float64
        return Printing.body(Tensor(shape: shape, values: values, dtype: dtype), kind: kind, options: PrintOptions(precision: precision))
    }

    @Test func floatsPadToCommonColumns() {
        #expect(body([3], [1.5, 2.0, 3.25]) == "[1.5  2.   3.25]")
        #expect(body([2, 2], [1.123456789, -2.5, .nan, .infinity]) == "[[ 1.12345679 -2.5       ]\n [        nan         inf]]")
        #expect(body([2], [-0.0, 1.0]) == "[-0.  1.]")
        #expect(body([3], [0, 1.0 / 3, 2.0 / 3], precision: 3) == "[0.    0.333 0.667]")
    }

    @Test func scientificNotationWhenNumpyChoosesIt() {
        #expect(body([2], [1e-5, 1.0]) == "[1.e-05 1.e+00]")
        #expect(body([2], [1.0, 2000.5]) == "[1.0000e+00 2.0005e+03]")
        #expect(body([2], [1e20, -3.0]) == "[ 1.e+20 -3.e+00]")
        // float32 compares with numpy's thresholds in float32.
        #expect(body([1], [Double(Float(0.0001))], .float32) == "[0.0001]")
    }

    @Test func float32UsesItsOwnShortestDigits() {
        #expect(body([2], [Double(Float(0.1)), 0.25], .float32) == "[0.1  0.25]")
        let third = Double(Float(Float(0.1) / 3))
        #expect(body([3], [third, third, third], .float32) == "[0.03333334 0.03333334 0.03333334]")
    }

    @Test func integersAndBools() {
        #expect(body([6], [0, 1, 2, 3, 4, 5], .int64) == "[0 1 2 3 4 5]")
        #expect(body([2], [1, 0], .bool) == "[ True False]")
        let wide = (0..<30).map { Double($0 * 1000003) }
        #expect(body([30], wide, .int64) == """
        [       0  1000003  2000006  3000009  4000012  5000015  6000018  7000021
          8000024  9000027 10000030 11000033 12000036 13000039 14000042 15000045
         16000048 17000051 18000054 19000057 20000060 21000063 22000066 23000069
         24000072 25000075 26000078 27000081 28000084 29000087]
        """)
    }

    @Test func threeDimensionsLeaveABlankLine() {
        let values = (0..<24).map { Double($0) / 7 }
        #expect(body([2, 3, 4], values) == """
        [[[0.         0.14285714 0.28571429 0.42857143]
          [0.57142857 0.71428571 0.85714286 1.        ]
          [1.14285714 1.28571429 1.42857143 1.57142857]]

         [[1.71428571 1.85714286 2.         2.14285714]
          [2.28571429 2.42857143 2.57142857 2.71428571]
          [2.85714286 3.         3.14285714 3.28571429]]]
        """)
    }

    @Test func summarisesOverAThousandElements() {
        #expect(body([1001], (0...1000).map(Double.init)) == "[   0.    1.    2. ...  998.  999. 1000.]")
        #expect(body([1000], (0..<1000).map(Double.init)).contains("...") == false)
        let big = (0..<2000).map { Double($0) * 1.5 }
        #expect(body([2, 1000], big) == """
        [[0.0000e+00 1.5000e+00 3.0000e+00 ... 1.4955e+03 1.4970e+03 1.4985e+03]
         [1.5000e+03 1.5015e+03 1.5030e+03 ... 2.9955e+03 2.9970e+03 2.9985e+03]]
        """)
    }

    @Test func scalarsAndEmptyArrays() {
        #expect(body([], [2.0]) == "2.0")
        #expect(body([], [1e16]) == "1e+16")
        #expect(body([], [1e8], .float32) == "1e+08")
        #expect(body([], [7], .int32) == "7")
        #expect(body([2, 0], []) == "[]")
        #expect(Printing.pythonFloat(0.1 + 0.2) == "0.30000000000000004")
        #expect(Printing.pythonFloat(1e-5) == "1e-05")
    }

    @Test func headerNamesShapeLayoutAndDtype() {
        let t = Tensor(shape: [1, 4, 4, 2], float32: Array(repeating: 0, count: 32), layout: .nhwc)
        #expect(Printing.header(t) == "<tensor [1,4,4,2] NHWC float32>")
        #expect(Printing.format(Tensor(shape: [2], float64: [1, 2]), kind: .int64, noun: "array") == "<array [2] int64>\n[1 2]")
    }
}
