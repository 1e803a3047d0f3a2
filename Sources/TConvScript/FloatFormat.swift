import Foundation

/// Decimal digits of a float: `value = ±d0.d1d2... × 10^exponent`.
struct DecimalDigits {
    var negative: Bool
    /// No leading or trailing zeros, except `[0]` for zero.
    var digits: [Character]
    var exponent: Int

    /// The shortest digits that read back as the same float32 (or float64) value, as numpy's
    /// Dragon4 and Python's `repr` produce them. `x` must be finite.
    init(shortest x: Double, float32: Bool) {
        let text = float32 ? Float(x).description : x.description
        self.init(parsing: text)
    }

    /// Parses `[-]ddd.ddd[e±dd]`.
    init(parsing text: String) {
        var body = Substring(text)
        negative = body.hasPrefix("-")
        if negative { body = body.dropFirst() }
        var exponentPart = 0
        if let e = body.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponentPart = Int(body[body.index(after: e)...].replacingOccurrences(of: "+", with: "")) ?? 0
            body = body[..<e]
        }
        let pieces = body.split(separator: ".", omittingEmptySubsequences: false)
        let integer = Array(pieces.first ?? "")
        let fraction = pieces.count > 1 ? Array(pieces[1]) : []
        var all = integer + fraction
        var pointExponent = integer.count - 1 + exponentPart
        while let first = all.first, first == "0" {
            all.removeFirst()
            pointExponent -= 1
        }
        while let last = all.last, last == "0" { all.removeLast() }
        if all.isEmpty {
            digits = ["0"]
            exponent = 0
        } else {
            digits = all
            exponent = pointExponent
        }
    }

    var isZero: Bool { digits == ["0"] }
}

/// numpy's float formatting (`dragon4_positional` / `dragon4_scientific` with `unique=True`):
/// the shortest round-trip digits, cut to `precision` fractional digits with correct rounding.
enum FloatText {
    /// Sign, integer part and fractional part in positional notation (`trim='.'`: no trailing zeros).
    static func positional(_ x: Double, float32: Bool, precision: Int?) -> (sign: String, integer: String, fraction: String) {
        let d = DecimalDigits(shortest: x, float32: float32)
        let sign = d.negative ? "-" : ""
        let needed = max(0, d.digits.count - 1 - d.exponent)
        if let precision, needed > precision {
            let text = String(format: "%.\(precision)f", abs(x))
            let parts = text.split(separator: ".", omittingEmptySubsequences: false)
            var fraction = parts.count > 1 ? String(parts[1]) : ""
            while fraction.hasSuffix("0") { fraction.removeLast() }
            return (sign, String(parts.first ?? "0"), fraction)
        }
        if d.isZero { return (sign, "0", "") }
        if d.exponent >= 0 {
            let intCount = d.exponent + 1
            let integer = String(d.digits.prefix(intCount)) + String(repeating: "0", count: max(0, intCount - d.digits.count))
            let fraction = d.digits.count > intCount ? String(d.digits[intCount...]) : ""
            return (sign, integer, fraction)
        }
        return (sign, "0", String(repeating: "0", count: -d.exponent - 1) + String(d.digits))
    }

    /// Sign, leading digit, mantissa fraction and decimal exponent in scientific notation.
    static func scientific(_ x: Double, float32: Bool, precision: Int?) -> (sign: String, integer: String, fraction: String, exponent: Int) {
        let d = DecimalDigits(shortest: x, float32: float32)
        let sign = d.negative ? "-" : ""
        if let precision, d.digits.count - 1 > precision {
            let rounded = DecimalDigits(parsing: String(format: "%.\(precision)e", abs(x)))
            return (sign, String(rounded.digits[0]), String(rounded.digits.dropFirst()), rounded.exponent)
        }
        return (sign, String(d.digits[0]), String(d.digits.dropFirst()), d.exponent)
    }

    /// `e+05`-style exponent with at least `digits` digits.
    static func exponentText(_ e: Int, digits: Int) -> String {
        let magnitude = String(e.magnitude)
        return (e < 0 ? "-" : "+") + String(repeating: "0", count: max(0, digits - magnitude.count)) + magnitude
    }

    /// Python's `repr` of a float (and numpy's `str` of a float scalar): shortest digits,
    /// positional with at least one fractional digit for 1e-4 <= |x| < 1e16, else scientific.
    static func pythonRepr(_ x: Double, float32: Bool = false) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x < 0 ? "-inf" : "inf" }
        let magnitude = abs(x)
        // numpy's scalar str switches to scientific notation at 1e16 (float64) or 1e7 (float32).
        if magnitude == 0 || (magnitude >= 1e-4 && magnitude < (float32 ? 1e7 : 1e16)) {
            let p = positional(x, float32: float32, precision: nil)
            return p.sign + p.integer + "." + (p.fraction.isEmpty ? "0" : p.fraction)
        }
        let s = scientific(x, float32: float32, precision: nil)
        return s.sign + s.integer + (s.fraction.isEmpty ? "" : "." + s.fraction) + "e" + exponentText(s.exponent, digits: 2)
    }
}

/// numpy's `FloatingFormat` for one array (floatmode `maxprec`, no sign option, not legacy):
/// decides positional or scientific notation from the values shown, then pads every element to
/// a common width so that columns line up.
struct FloatFormatter {
    let float32: Bool
    let precision: Int
    private(set) var scientific = false
    private(set) var padLeft = 0
    private(set) var padRight = 0
    private var mantissaDigits = 0
    private var exponentDigits = 2

    init(values: [Double], float32: Bool, precision: Int) {
        self.float32 = float32
        self.precision = precision
        let finite = values.filter { $0.isFinite }
        let nonZero = finite.filter { $0 != 0 }.map { abs($0) }
        if let maxValue = nonZero.max(), let minValue = nonZero.min() {
            if float32 {
                // numpy 2 compares float32 values with Python floats in float32 (NEP 50).
                let (hi, lo) = (Float(maxValue), Float(minValue))
                scientific = hi >= Float(1e8) || lo < Float(0.0001) || hi / lo > 1000
            } else {
                scientific = maxValue >= 1e8 || minValue < 0.0001 || maxValue / minValue > 1000
            }
        }
        if finite.isEmpty {
            scientific = false
        } else if scientific {
            let parts = finite.map { FloatText.scientific($0, float32: float32, precision: precision) }
            exponentDigits = max(2, parts.map { String($0.exponent.magnitude).count }.max() ?? 2)
            mantissaDigits = parts.map { $0.fraction.count }.max() ?? 0
            padLeft = parts.map { $0.sign.count + $0.integer.count }.max() ?? 1
            padRight = exponentDigits + 2 + mantissaDigits
        } else {
            let parts = finite.map { FloatText.positional($0, float32: float32, precision: precision) }
            padLeft = parts.map { $0.sign.count + $0.integer.count }.max() ?? 1
            padRight = parts.map { $0.fraction.count }.max() ?? 0
        }
        if finite.count != values.count {
            let negativeInfinity = values.contains { $0.isInfinite && $0 < 0 }
            let offset = padRight + 1
            padLeft = max(padLeft, 3 - offset, 3 + (negativeInfinity ? 1 : 0) - offset)
        }
    }

    func format(_ x: Double) -> String {
        guard x.isFinite else {
            let text = x.isNaN ? "nan" : (x < 0 ? "-inf" : "inf")
            return pad(text, to: padLeft + padRight + 1)
        }
        if scientific {
            let s = FloatText.scientific(x, float32: float32, precision: mantissaDigits)
            let fraction = s.fraction + String(repeating: "0", count: max(0, mantissaDigits - s.fraction.count))
            return pad(s.sign + s.integer, to: padLeft) + "." + fraction + "e" + FloatText.exponentText(s.exponent, digits: exponentDigits)
        }
        let p = FloatText.positional(x, float32: float32, precision: precision)
        return pad(p.sign + p.integer, to: padLeft) + "." + p.fraction + String(repeating: " ", count: max(0, padRight - p.fraction.count))
    }

    private func pad(_ text: String, to width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
}
