import Foundation
import TConvEngine

/// A small deterministic generator (SplitMix64) for `tf.random.*` and `np.random.*`. The same
/// seed gives the same numbers on every machine; they are not TensorFlow's or numpy's numbers.
struct RandomState: Sendable {
    private var generator: SplitMix64

    init(seed: UInt64) { generator = SplitMix64(seed: seed &* 0x9E37_79B9_7F4A_7C15 &+ 0x2545_F491_4F6C_DD1D) }

    mutating func next() -> UInt64 { generator.next() }

    /// Uniform in [0, 1).
    mutating func uniform() -> Double { generator.unit() }

    /// Standard normal (Box-Muller).
    mutating func normal() -> Double {
        var u = uniform()
        while u <= 0 { u = uniform() }
        let v = uniform()
        return (-2 * Foundation.log(u)).squareRoot() * Foundation.cos(2 * Double.pi * v)
    }
}
