import Testing
@testable import TConvEngine

/// Tensor storage (`TensorBuffer`) and the pool of one large block behind it (`BlockPool`).
@Suite struct TensorBufferTests {
    @Test func poolReusesAFreedLargeBlockOnlyForTheSameSize() {
        let pool = BlockPool(keptFrom: 1 << 20)
        let size = 3 << 20
        let first = pool.allocate(bytes: size)
        #expect(Int(bitPattern: first) % BlockPool.hugePage == 0, "large blocks are 2 MiB aligned")
        first.storeBytes(of: 0x1234, as: Int.self)
        pool.release(first, bytes: size)
        #expect(pool.keptBytes == size)

        let again = pool.allocate(bytes: size)
        #expect(again == first)
        #expect(again.load(as: Int.self) == 0x1234, "the block comes back as it was left")
        #expect(pool.keptBytes == 0, "a block is handed out once")

        // A request of another size unmaps the kept block first, so the pool never holds a block
        // beside a new one.
        pool.release(again, bytes: size)
        let other = pool.allocate(bytes: size + 4096)
        #expect(pool.keptBytes == 0)
        pool.release(other, bytes: size + 4096)
        #expect(pool.keptBytes == size + 4096)
        pool.drain()
        #expect(pool.keptBytes == 0)
    }

    @Test func smallBlocksAreAlignedAndNotKept() {
        let pool = BlockPool(keptFrom: 1 << 20)
        for bytes in [0, 1, 24, 4096, (1 << 20) - 8] {
            let block = pool.allocate(bytes: bytes)
            #expect(Int(bitPattern: block) % 64 == 0)
            pool.release(block, bytes: bytes)
            #expect(pool.keptBytes == 0)
        }
    }

    @Test func buffersBehaveAsTheArraysTheyCopy() {
        let values: [Double] = [1.5, -0.0, 3, .infinity, -2.25]
        let buffer = TensorBuffer(values)
        #expect(buffer.count == 5)
        #expect(Array(buffer) == values)
        #expect(buffer.array == values)
        #expect(buffer[3] == .infinity)
        #expect(buffer == TensorBuffer([1.5, 0.0, 3, .infinity, -2.25]), "-0 equals 0, as in arrays")
        #expect(buffer != TensorBuffer([1.5, 0.0, 3, .infinity]))
        let nan = TensorBuffer<Float>([.nan])
        #expect(nan == nan, "a buffer equals itself, as an array does")
        #expect(nan != TensorBuffer<Float>([.nan]))
        #expect(TensorBuffer<Float>(repeating: 2, count: 3).array == [2, 2, 2])
        #expect(TensorBuffer<Float>([]).isEmpty)
    }

    @Test func tensorsBuiltOnBuffersKeepTheirValues() {
        let t = Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6.5], dtype: .float32)
        #expect(t.doubles == [1, 2, 3, 4, 5, 6.5])
        #expect(t.transposed([1, 0]).doubles == [1, 4, 2, 5, 3, 6.5])
        #expect(t.converted(to: .float64).doubles == t.doubles)
        #expect(t.mapped(to: .float64) { -$0 }.doubles == [-1, -2, -3, -4, -5, -6.5])
        #expect(t.withDoubles { Array($0) } == t.doubles)
        #expect(t.reshaped([3, 2]) == Tensor(shape: [3, 2], float32: [1, 2, 3, 4, 5, 6.5]))
    }

    /// A result large enough to be pooled (8 MiB) is computed into a reused block that was left
    /// full of NaNs: every element must be written. Expected values from the definition: with
    /// kernel == stride and one input channel, y[2i + a, 2j + b, c] = x[i, j] * w[a, b, c].
    @Test func aReusedResultBlockIsWrittenEverywhere() throws {
        let side = 256, cout = 8
        let count = 4 * side * side * cout
        #expect(count * 4 >= BlockPool.shared.keptFrom)
        let problem = ConvProblem(rank: 2, batch: 1, image: [2 * side, 2 * side], feature: [side, side], kernel: [2, 2],
                                  strides: [2, 2], dilations: [1, 1], padBefore: [0, 0], padAfter: [0, 0],
                                  imageChannels: cout, featureChannels: 1)
        let x = TensorBuffer<Float>.make(count: side * side) { p in
            for i in 0..<p.count { p[i] = Float(i % 13 - 6) }
        }
        let w = TensorBuffer<Float>.make(count: 4 * cout) { p in
            for i in 0..<p.count { p[i] = Float(i) / 8 - 1 }
        }
        do { _ = TensorBuffer<Float>(repeating: .nan, count: count) }
        let y = try Engine.compute(problem, transposed: true, x: x, w: w, count: count, options: ExecutionOptions(threads: 2))
        var wrong = 0
        y.withUnsafeBufferPointer { out in
            for row in 0..<(2 * side) {
                for column in 0..<(2 * side) {
                    let input = x.base[(row / 2) * side + column / 2]
                    for c in 0..<cout {
                        let want = input * w.base[((row % 2) * 2 + column % 2) * cout + c]
                        if out[(row * 2 * side + column) * cout + c] != want { wrong += 1 }
                    }
                }
            }
        }
        #expect(wrong == 0)
    }
}
