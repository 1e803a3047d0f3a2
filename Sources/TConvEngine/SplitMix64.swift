/// SplitMix64 (Steele, Lea and Flood): a tiny seeded generator whose whole state is one word. The
/// same seed gives the same sequence on every machine and in every build, which is all the project
/// asks of it: reproducible benchmark inputs, `tf.random.*` in scripts, and seeded random tests.
/// It is not a cryptographic generator and not TensorFlow's or numpy's.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1), 53 random bits.
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Uniform in [-1, 1), 53 random bits.
    public mutating func signedUnit() -> Double { Double(next() >> 11) * 0x1p-52 - 1 }

    /// In `0..<n` by the remainder of one draw (cheap; the bias is negligible for small `n`).
    /// `n` below 1 is treated as 1.
    public mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }

    /// Uniform in `range` (the standard library's unbiased method).
    public mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }

    public mutating func bool() -> Bool { Bool.random(using: &self) }

    /// One of `items`, which must not be empty.
    public mutating func pick<T>(_ items: [T]) -> T { items[int(0...(items.count - 1))] }
}
