/// ISO 8601 timestamps and durations as xAPI 1.0.3 uses them (4.5, 4.6).
enum XAPITime {
    enum Zone { case utc, offset, none }

    /// A combined date and time in ISO 8601's extended format:
    /// `YYYY-MM-DDThh:mm[:ss[.s+]]` then `Z`, `±hh:mm`, `±hhmm`, `±hh` or no
    /// zone. The zone found (nil: not a timestamp); `-00:00` (which ISO 8601
    /// forbids) is not one.
    static func timestamp(_ s: String) -> Zone? { stamp(s)?.zone }

    struct Stamp {
        let zone: Zone
        /// Whether it also has RFC 3339's form: seconds, `.` before a
        /// fraction, hours 00–23, `Z` or `±hh:mm`.
        let rfc3339: Bool
    }

    static func stamp(_ s: String) -> Stamp? {
        XAPIFormat.bytes(s) { b -> Stamp? in
            let n = b.count
            guard n >= 16 else { return nil }
            func digits(_ at: Int, _ count: Int) -> Int? {
                guard at + count <= n else { return nil }
                var v = 0
                for i in at..<(at + count) {
                    guard XAPIFormat.isDigit(b[i]) else { return nil }
                    v = v * 10 + Int(b[i] - 0x30)
                }
                return v
            }
            guard let y = digits(0, 4), b[4] == UInt8(ascii: "-"), let mo = digits(5, 2), b[7] == UInt8(ascii: "-"),
                  let d = digits(8, 2), b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t"),
                  let h = digits(11, 2), b[13] == UInt8(ascii: ":"), let mi = digits(14, 2) else { return nil }
            guard (1...12).contains(mo), d >= 1, d <= CalendarDate.daysIn(month: mo, year: y), h <= 24, mi <= 59 else { return nil }
            var i = 16
            var second = 0
            var rfc = h <= 23
            if i < n, b[i] == UInt8(ascii: ":") {
                guard let s = digits(i + 1, 2), s <= 60 else { return nil }
                second = s
                i += 3
                if i < n, b[i] == UInt8(ascii: ".") || b[i] == UInt8(ascii: ",") {
                    if b[i] == UInt8(ascii: ",") { rfc = false }
                    i += 1
                    let start = i
                    while i < n, XAPIFormat.isDigit(b[i]) { i += 1 }
                    guard i > start else { return nil }
                }
            } else {
                rfc = false
            }
            if h == 24 && (mi != 0 || second != 0) { return nil }
            if i == n { return Stamp(zone: .none, rfc3339: false) }
            if (b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z")) && i + 1 == n { return Stamp(zone: .utc, rfc3339: rfc) }
            guard b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") else { return nil }
            let minus = b[i] == UInt8(ascii: "-")
            guard let oh = digits(i + 1, 2), oh <= 23 else { return nil }
            i += 3
            var om = 0
            if i < n {
                if b[i] == UInt8(ascii: ":") { i += 1 } else { rfc = false }
                guard let m = digits(i, 2), m <= 59, i + 2 == n else { return nil }
                om = m
            } else {
                rfc = false
            }
            if minus && oh == 0 && om == 0 { return nil }
            return Stamp(zone: oh == 0 && om == 0 ? .utc : .offset, rfc3339: rfc)
        }
    }

    /// The place of a duration's unit letter in its part (Y M W D, or H M S).
    @inline(__always)
    private static func unit(_ b: UInt8, time: Bool) -> Int? {
        switch (b, time) {
        case (UInt8(ascii: "Y"), false), (UInt8(ascii: "H"), true): return 0
        case (UInt8(ascii: "M"), _): return 1
        case (UInt8(ascii: "W"), false), (UInt8(ascii: "S"), true): return 2
        case (UInt8(ascii: "D"), false): return 3
        default: return nil
        }
    }

    /// An ISO 8601 duration in the format of 4.4.3.2: `PnW`, or
    /// `P[nY][nM][nD][T[nH][nM][nS]]` with at least one component, at least
    /// one after a `T`, a decimal fraction only on the last one.
    static func isDuration(_ s: String) -> Bool {
        XAPIFormat.bytes(s) { b in
            let n = b.count
            guard n >= 3, b[0] == UInt8(ascii: "P") else { return false }
            var i = 1
            var inTime = false
            var next = 0          // the index of the next unit allowed in the current part
            var components = 0
            var timeComponents = 0
            var weeks = false
            var fraction = false
            while i < n {
                if b[i] == UInt8(ascii: "T") {
                    guard !inTime else { return false }
                    inTime = true
                    next = 0
                    i += 1
                    continue
                }
                guard !fraction else { return false }  // nothing after a fractional component
                let start = i
                while i < n, XAPIFormat.isDigit(b[i]) { i += 1 }
                guard i > start, i < n else { return false }
                if b[i] == UInt8(ascii: ".") || b[i] == UInt8(ascii: ",") {
                    i += 1
                    let f = i
                    while i < n, XAPIFormat.isDigit(b[i]) { i += 1 }
                    guard i > f, i < n else { return false }
                    fraction = true
                }
                guard let u = unit(b[i], time: inTime), u >= next else { return false }
                if !inTime && u == 2 { weeks = true }
                next = u + 1
                components += 1
                if inTime { timeComponents += 1 }
                i += 1
            }
            if inTime && timeComponents == 0 { return false }
            if weeks && components != 1 { return false }
            return components > 0
        }
    }
}
