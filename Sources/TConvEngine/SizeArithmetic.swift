/// Integer helpers with TensorFlow's rounding: C division truncates toward zero.
public enum SizeArithmetic {
    /// C-style division (rounds toward zero), as TensorFlow's size functions use. `b` must be > 0.
    @inlinable
    public static func tdiv(_ a: Int64, _ b: Int64) -> Int64 { a / b }

    /// Floor division, for the SAME padding split.
    @inlinable
    public static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q
    }

    /// Product of sizes, or `nil` on overflow or if any is negative.
    public static func product(_ values: [Int64]) -> Int64? {
        var result: Int64 = 1
        for v in values {
            guard v >= 0 else { return nil }
            let (p, overflow) = result.multipliedReportingOverflow(by: v)
            if overflow { return nil }
            result = p
        }
        return result
    }

    /// `a + b`, `a - b`, `a * b` without trapping: `nil` on overflow.
    public static func add(_ a: Int64, _ b: Int64) -> Int64? {
        let (r, o) = a.addingReportingOverflow(b); return o ? nil : r
    }
    public static func sub(_ a: Int64, _ b: Int64) -> Int64? {
        let (r, o) = a.subtractingReportingOverflow(b); return o ? nil : r
    }
    public static func mul(_ a: Int64, _ b: Int64) -> Int64? {
        let (r, o) = a.multipliedReportingOverflow(by: b); return o ? nil : r
    }
}

/// Limits applied before any allocation.
public struct EngineLimits: Sendable {
    /// Largest result, in bytes, the engine will allocate (default 4 GiB).
    public var maxResultBytes: Int64
    public init(maxResultBytes: Int64 = 4 << 30) { self.maxResultBytes = maxResultBytes }
    public static let `default` = EngineLimits()
}
