/// Numbers as the views print them, without Foundation: numpy-like short forms ("3.25", "2",
/// "-0.5", "1.5e+07", "nan", "inf"), and compact forms that fit a heatmap cell.
public enum NumberFormat {
    /// `value` with at most `precision` digits after the point and trailing zeros removed
    /// (`3.25`, `2`, `-0.5`). Values that would round to 0 but are not 0, and values of 1e16 or
    /// more, use scientific notation (`1.2346e-07`), as numpy does.
    public static func format(_ value: Double, precision: Int = 4) -> String {
        if let special = nonFinite(value) { return special }
        let p = max(0, min(precision, 12))
        if value == 0 { return "0" }
        let magnitude = Swift.abs(value)
        if magnitude >= 1e16 { return scientific(value, digits: p) }
        if let text = fixed(value, decimals: p), text != "0", text != "-0" { return text }
        return scientific(value, digits: p)
    }

    /// The most precise form of `value` that fits in `width` characters: fixed notation with
    /// fewer decimals first, then short scientific (`1e7`, `-2.5e-5`). `nil` when nothing fits.
    public static func compact(_ value: Double, width: Int) -> String? {
        guard width > 0 else { return nil }
        if let special = nonFinite(value) { return special.count <= width ? special : (width >= 1 ? String(special.prefix(width)) : nil) }
        if value == 0 { return "0" }
        let magnitude = Swift.abs(value)
        if magnitude < 1e15 {
            for decimals in stride(from: 4, through: 0, by: -1) {
                guard let text = fixed(value, decimals: decimals) else { continue }
                if text == "0" || text == "-0" { break }
                if text.count <= width { return text }
            }
        }
        for digits in stride(from: 3, through: 0, by: -1) {
            let text = scientific(value, digits: digits, short: true)
            if text.count <= width { return text }
        }
        return nil
    }

    /// `nan`, `inf`, `-inf`, or nil for finite values.
    static func nonFinite(_ value: Double) -> String? {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        return nil
    }

    /// Powers of ten that are exact in a Double (up to 1e22).
    static func powerOfTen(_ n: Int) -> Double {
        var result = 1.0
        for _ in 0..<max(0, n) { result *= 10 }
        return result
    }

    /// Fixed notation with at most `decimals` decimals, trailing zeros removed; nil when the
    /// scaled value does not fit 64 bits.
    static func fixed(_ value: Double, decimals: Int) -> String? {
        let scale = powerOfTen(decimals)
        let scaled = (Swift.abs(value) * scale).rounded(.toNearestOrAwayFromZero)
        guard scaled.isFinite, scaled < 9.0e18 else { return nil }
        let n = UInt64(scaled)
        let unit = UInt64(scale)
        var text = String(n / unit)
        let fraction = n % unit
        if fraction != 0 {
            var digits = String(fraction)
            digits = String(repeating: "0", count: max(0, decimals - digits.count)) + digits
            while digits.last == "0" { digits.removeLast() }
            text += "." + digits
        }
        return (value < 0 && n != 0 ? "-" : "") + text
    }

    /// Scientific notation with `digits` decimals in the mantissa: `1.2346e+07` (numpy/C style),
    /// or `1.2e7` / `-3e-5` when `short`.
    static func scientific(_ value: Double, digits: Int, short: Bool = false) -> String {
        var mantissa = Swift.abs(value)
        var exponent = 0
        // Scale by exact powers in big jumps first so extreme values stay accurate enough to print.
        while mantissa >= 1e16 { mantissa /= 1e16; exponent += 16 }
        while mantissa < 1e-16 && mantissa > 0 { mantissa *= 1e16; exponent -= 16 }
        while mantissa >= 10 { mantissa /= 10; exponent += 1 }
        while mantissa < 1 && mantissa > 0 { mantissa *= 10; exponent -= 1 }
        var body = fixed(mantissa, decimals: digits) ?? "0"
        if body.hasPrefix("10") && (body.count == 2 || body.dropFirst(2).first == ".") {
            exponent += 1
            body = fixed(mantissa / 10, decimals: digits) ?? "1"
        }
        let sign = value < 0 ? "-" : ""
        if short { return sign + body + "e" + String(exponent) }
        let exponentDigits = String(Swift.abs(exponent))
        let padded = exponentDigits.count < 2 ? "0" + exponentDigits : exponentDigits
        return sign + body + "e" + (exponent < 0 ? "-" : "+") + padded
    }

    /// `[1,4,4,2]`: a shape or index in the compact form used in labels.
    public static func list(_ values: [Int]) -> String {
        "[" + values.map { String($0) }.joined(separator: ",") + "]"
    }

    /// Pads `text` on the left to `width` characters.
    public static func leftPad(_ text: String, _ width: Int) -> String {
        let n = text.count
        return n >= width ? text : String(repeating: " ", count: width - n) + text
    }
}
