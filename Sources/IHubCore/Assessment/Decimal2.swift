/// Numbers for sentences, without Foundation's formatting.
package enum Decimal2 {
    /// `x` with `digits` decimals, rounded half away from zero.
    package static func text(_ x: Double, _ digits: Int = 2) -> String {
        var scale: Int64 = 1
        for _ in 0..<digits { scale *= 10 }
        // Past 2^53 there are no decimals to show, and Int64 would overflow.
        guard x.isFinite, abs(x) * Double(scale) < 9.0e15 else { return "\(x)" }
        let scaled = Int64((abs(x) * Double(scale)).rounded())
        let whole = scaled / scale, fraction = scaled % scale
        let sign = x < 0 && scaled != 0 ? "-" : ""
        guard digits > 0 else { return "\(sign)\(whole)" }
        let f = String(fraction)
        return "\(sign)\(whole).\(String(repeating: "0", count: digits - f.count))\(f)"
    }

    /// `x` with as few decimals (from 2) as tell it apart from `threshold`:
    /// a sentence never reads "3.75 < 3.75".
    package static func text(_ x: Double, against threshold: Double) -> String {
        for digits in 2...6 {
            let shown = text(x, digits)
            let back = Double(shown) ?? x
            if (back >= threshold) == (x >= threshold) { return shown }
        }
        return "\(x)"
    }
}
