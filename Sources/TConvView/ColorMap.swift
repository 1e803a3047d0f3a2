/// The colour maps tconv draws values with.
///
/// - `rdbu`: ColorBrewer's 11-class RdBu, diverging, used with a range symmetric about 0.
///   Negative values are blue and positive values red (matplotlib's `RdBu_r` orientation:
///   "hot" is positive); 0 is the near-white midpoint #f7f7f7.
/// - `viridis`, `cividis`: matplotlib's perceptually uniform sequential maps (cividis is the
///   colour-vision-deficiency-friendly one), for non-negative data and counts.
/// - `grey`: black to white.
public enum ColorMapKind: String, Sendable, CaseIterable, CustomStringConvertible {
    case rdbu, viridis, cividis, grey

    /// The name users type (`%cmap RdBu`) and the status line shows.
    public var description: String {
        switch self {
        case .rdbu: return "RdBu"
        case .viridis: return "viridis"
        case .cividis: return "cividis"
        case .grey: return "grey"
        }
    }

    /// True for maps read outward from a centre at 0 (their range is symmetric about 0).
    public var isDiverging: Bool { self == .rdbu }

    /// Finds a map by name, case-insensitively (`RdBu`, `rdbu_r`, `gray` also work).
    public init?(name: String) {
        switch name.lowercased() {
        case "rdbu", "rdbu_r", "diverging": self = .rdbu
        case "viridis": self = .viridis
        case "cividis": self = .cividis
        case "grey", "gray", "greys", "grays": self = .grey
        default: return nil
        }
    }

    /// The map's 256-entry lookup table.
    public var map: ColorMap {
        switch self {
        case .rdbu: return ColorMap.rdbu
        case .viridis: return ColorMap.viridis
        case .cividis: return ColorMap.cividis
        case .grey: return ColorMap.grey
        }
    }
}

/// A colour map sampled into 257 colours: control points from the published tables,
/// interpolated linearly in sRGB (as matplotlib interpolates its listed maps). The odd size puts
/// an entry exactly at the middle, so a diverging map's centre (0) gets its exact colour.
public struct ColorMap: Sendable {
    public let kind: ColorMapKind
    /// 257 colours from the low end (index 0, t = 0) to the high end (index 256, t = 1).
    public let table: [RGB]
    /// Entries in `table`.
    public static let size = 257

    /// Builds the table from control points `(position in 0...1, r, g, b in 0...1)`.
    init(kind: ColorMapKind, points: [(Double, Double, Double, Double)]) {
        self.kind = kind
        var table = [RGB]()
        table.reserveCapacity(ColorMap.size)
        var segment = 0
        for i in 0..<ColorMap.size {
            let t = Double(i) / Double(ColorMap.size - 1)
            while segment + 2 < points.count && t > points[segment + 1].0 { segment += 1 }
            let a = points[segment], b = points[segment + 1]
            let span = b.0 - a.0
            let f = span > 0 ? min(1, max(0, (t - a.0) / span)) : 0
            func channel(_ x: Double, _ y: Double) -> UInt8 {
                UInt8(max(0, min(255, ((x + (y - x) * f) * 255).rounded())))
            }
            table.append(RGB(channel(a.1, b.1), channel(a.2, b.2), channel(a.3, b.3)))
        }
        self.table = table
    }

    /// The colour at `t` in 0...1 (clamped; NaN gives the middle of the map).
    public func color(at t: Double) -> RGB {
        guard !t.isNaN else { return table[ColorMap.size / 2] }
        return table[Int((min(1, max(0, t)) * Double(ColorMap.size - 1)).rounded())]
    }

    // Control points are every 16th entry (plus the last) of matplotlib's 256-entry tables in
    // `_cm_listed.py`, with a few more where a channel bends sharply (cividis' red leaves 0 at
    // entry 23). Position = entry / 255.
    static let viridis = ColorMap(kind: .viridis, points: listed([
        (0, 0.267004, 0.004874, 0.329415), (16, 0.282327, 0.094955, 0.417331),
        (32, 0.278826, 0.175490, 0.483397), (48, 0.258965, 0.251537, 0.524736),
        (64, 0.229739, 0.322361, 0.545706), (80, 0.199430, 0.387607, 0.554642),
        (96, 0.172719, 0.448791, 0.557885), (112, 0.149039, 0.508051, 0.557250),
        (128, 0.127568, 0.566949, 0.550556), (144, 0.120638, 0.625828, 0.533488),
        (160, 0.157851, 0.683765, 0.501686), (176, 0.246070, 0.738910, 0.452024),
        (192, 0.369214, 0.788888, 0.382914), (208, 0.515992, 0.831158, 0.294279),
        (224, 0.678489, 0.863742, 0.189503), (240, 0.845561, 0.887322, 0.099702),
        (255, 0.993248, 0.906157, 0.143936),
    ]))

    static let cividis = ColorMap(kind: .cividis, points: listed([
        (0, 0.000000, 0.135112, 0.304751), (16, 0.000000, 0.178802, 0.414764),
        (22, 0.000000, 0.193366, 0.441561), (23, 0.003602, 0.195911, 0.441564),
        (28, 0.068968, 0.209372, 0.438863), (32, 0.103401, 0.220406, 0.435790),
        (48, 0.195057, 0.264372, 0.425924), (64, 0.263738, 0.307831, 0.422789),
        (80, 0.324250, 0.351289, 0.426250), (96, 0.380830, 0.395164, 0.435653),
        (112, 0.435168, 0.439763, 0.451134), (128, 0.488697, 0.485318, 0.471008),
        (144, 0.547840, 0.531895, 0.471704), (160, 0.609105, 0.579816, 0.463638),
        (176, 0.671991, 0.629316, 0.448018), (192, 0.736488, 0.680629, 0.424028),
        (208, 0.802667, 0.733978, 0.390153), (224, 0.870717, 0.789572, 0.343333),
        (240, 0.941147, 0.847530, 0.275815), (251, 0.992218, 0.888385, 0.205468),
        (255, 0.995737, 0.909344, 0.217772),
    ]))

    /// ColorBrewer RdBu (11 classes), reversed so that index 0 is the blue (negative) end.
    static let rdbu = ColorMap(kind: .rdbu, points: brewer([
        (5, 48, 97), (33, 102, 172), (67, 147, 195), (146, 197, 222), (209, 229, 240),
        (247, 247, 247),
        (253, 219, 199), (244, 165, 130), (214, 96, 77), (178, 24, 43), (103, 0, 31),
    ]))

    static let grey = ColorMap(kind: .grey, points: [(0, 0, 0, 0), (1, 1, 1, 1)])

    private static func listed(_ entries: [(Int, Double, Double, Double)]) -> [(Double, Double, Double, Double)] {
        entries.map { (Double($0.0) / 255, $0.1, $0.2, $0.3) }
    }

    private static func brewer(_ colors: [(Int, Int, Int)]) -> [(Double, Double, Double, Double)] {
        let last = Double(colors.count - 1)
        return colors.enumerated().map { i, c in (Double(i) / last, Double(c.0) / 255, Double(c.1) / 255, Double(c.2) / 255) }
    }
}

extension RGB {
    /// Relative luminance (WCAG / sRGB, linearised), 0 for black to 1 for white.
    public var luminance: Double {
        let table = SRGB.linear
        return 0.2126 * table[Int(r)] + 0.7152 * table[Int(g)] + 0.0722 * table[Int(b)]
    }

    /// Black or white, whichever reads better on top of this colour.
    public var contrastingText: RGB { luminance > 0.22 ? RGB(0, 0, 0) : RGB(255, 255, 255) }
}

/// sRGB transfer function, tabulated once for the 256 channel values.
enum SRGB {
    static let linear: [Double] = (0..<256).map { v in
        let c = Double(v) / 255
        return c <= 0.04045 ? c / 12.92 : pow24((c + 0.055) / 1.055)
    }

    /// `x^2.4` for x in 0...1 without Foundation: 2.4 = 12/5, so the fifth root of x^12 by Newton's method.
    static func pow24(_ x: Double) -> Double {
        guard x > 0 else { return 0 }
        var x12 = 1.0
        for _ in 0..<12 { x12 *= x }
        var root = x
        for _ in 0..<200 {
            let r4 = root * root * root * root
            let next = root - (r4 * root - x12) / (5 * r4)
            if Swift.abs(next - root) <= 1e-16 * root { return next }
            root = next
        }
        return root
    }
}
