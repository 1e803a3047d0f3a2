/// The finite extremes of some values, and how many were NaN or infinite.
public struct ValueRange: Sendable, Equatable {
    /// Smallest and largest finite value (both 0 when there are none).
    public private(set) var min: Double
    public private(set) var max: Double
    public private(set) var finiteCount: Int
    public private(set) var nanCount: Int
    public private(set) var infiniteCount: Int

    /// An empty range.
    public init() { min = 0; max = 0; finiteCount = 0; nanCount = 0; infiniteCount = 0 }

    /// The range of `values`.
    public init<S: Sequence>(_ values: S) where S.Element == Double {
        self.init()
        for v in values { add(v) }
    }

    /// Adds one value.
    public mutating func add(_ v: Double) {
        if v.isNaN { nanCount += 1; return }
        if v.isInfinite { infiniteCount += 1; return }
        if finiteCount == 0 { min = v; max = v } else {
            if v < min { min = v }
            if v > max { max = v }
        }
        finiteCount += 1
    }

    /// The union of two ranges.
    public mutating func merge(_ other: ValueRange) {
        nanCount += other.nanCount
        infiniteCount += other.infiniteCount
        guard other.finiteCount > 0 else { return }
        if finiteCount == 0 { min = other.min; max = other.max } else {
            min = Swift.min(min, other.min)
            max = Swift.max(max, other.max)
        }
        finiteCount += other.finiteCount
    }

    /// True when some finite value is negative.
    public var hasNegative: Bool { finiteCount > 0 && min < 0 }
}

/// Which values share one colour scale in a grid of slices.
public enum ScaleMode: String, Sendable, CaseIterable, CustomStringConvertible {
    /// Every slice has its own range (shows structure inside weak channels).
    case slice
    /// Slices of one channel share a range (across batch entries and depth).
    case channel
    /// One range for the whole tensor (compares channels honestly). The default.
    case global

    public var description: String { rawValue }

    /// The next mode, for the scale key.
    public var next: ScaleMode {
        switch self {
        case .global: return .channel
        case .channel: return .slice
        case .slice: return .global
        }
    }
}

/// Maps values to colours: a map, and the value range its ends stand for.
///
/// Diverging maps get a range symmetric about 0 (`-M...M`, M the largest magnitude), so white
/// always means 0. Sequential maps span the data (`min...max`, stretched to include 0 when asked,
/// as for counts and partial sums).
public struct ColorScale: Sendable, Equatable {
    public var kind: ColorMapKind
    public var lower: Double
    public var upper: Double

    /// The colour NaN is drawn with: a magenta that none of the maps contains.
    public static let nanColor = RGB(255, 0, 255)

    public init(kind: ColorMapKind, lower: Double, upper: Double) {
        self.kind = kind
        self.lower = lower
        self.upper = upper
    }

    /// A scale for `range`: symmetric about 0 for a diverging map, `min...max` (with 0 when
    /// `includeZero`) for a sequential one. Constant or empty data get a unit-wide range.
    public init(kind: ColorMapKind, range: ValueRange, includeZero: Bool = false) {
        self.kind = kind
        if kind.isDiverging {
            var m = Swift.max(Swift.abs(range.min), Swift.abs(range.max))
            if !(m > 0) || !m.isFinite { m = 1 }
            lower = -m
            upper = m
        } else {
            var lo = range.min, hi = range.max
            if includeZero { lo = Swift.min(lo, 0); hi = Swift.max(hi, 0) }
            if !(hi > lo) { lo -= 0.5; hi += 0.5 }
            lower = lo
            upper = hi
        }
    }

    /// The automatic choice: RdBu for data with negative values, viridis otherwise.
    public static func automatic(for range: ValueRange, includeZero: Bool = false) -> ColorScale {
        ColorScale(kind: range.hasNegative ? .rdbu : .viridis, range: range, includeZero: includeZero)
    }

    /// Where `v` falls, 0 at `lower` and 1 at `upper` (clamped; NaN stays NaN; infinities go to
    /// the ends). Works for ranges near the limits of Double without overflowing.
    public func position(_ v: Double) -> Double {
        if v.isNaN { return .nan }
        let span = upper * 0.5 - lower * 0.5
        guard span > 0 else { return 0.5 }
        let t = (v * 0.5 - lower * 0.5) / span
        return t < 0 ? 0 : (t > 1 ? 1 : t)
    }

    /// The colour of `v`.
    public func color(_ v: Double) -> RGB {
        if v.isNaN { return ColorScale.nanColor }
        return kind.map.color(at: position(v))
    }

    /// True when 0 lies inside the range (the colour bar then marks it).
    public var containsZero: Bool { lower <= 0 && upper >= 0 }
}
