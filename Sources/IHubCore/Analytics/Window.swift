/// The time window of an indicator: the days it counts, both ends
/// inclusive. Written as text, one spelling per kind:
///
///     2026-11                 a calendar month
///     2026/27                 a school year: 1 September 2026 – 31 August 2027
///     2026/27-T1, 2026/27-T2  its terms: 1 September – 31 January, 1 February – 31 August
///     cumulative              everything up to today; cumulative:2026-12-31 up to that day
///     2026-09-01..2026-12-31  a custom range
struct Window: Equatable, Sendable {
    enum Kind: String, Sendable, CaseIterable {
        case month, term, schoolYear = "school_year", cumulative, custom
    }

    let kind: Kind
    /// The first day; nil: from the beginning (cumulative).
    let from: CalendarDate?
    /// The last day.
    let to: CalendarDate
    /// The window as it is written (the spelling above).
    let label: String

    static let grammar = "YYYY-MM (month), YYYY/YY (school year), YYYY/YY-T1 or -T2 (term), cumulative[:YYYY-MM-DD], or YYYY-MM-DD..YYYY-MM-DD"

    /// The window `text` names; `today` ends a cumulative window given no day.
    /// The error names `path`.
    static func parse(_ text: String, today: CalendarDate, at path: String) throws(IHubError) -> Window {
        let window = try spelled(text, today: today, at: path)
        // Years 1 to 9998, so that the school year around any day of a window exists.
        guard (window.from ?? window.to).year >= 1, window.to.year <= 9998 else {
            throw IHubError.invalid("\(path): \(IHubError.quoted(text, "\"")) is outside the years 0001 to 9998")
        }
        return window
    }

    private static func spelled(_ text: String, today: CalendarDate, at path: String) throws(IHubError) -> Window {
        func bad(_ why: String) -> IHubError {
            IHubError.invalid("\(path): \(IHubError.quoted(text, "\"")) is not a window (\(why)); write \(grammar)")
        }
        if text == "cumulative" { return Window(kind: .cumulative, from: nil, to: today, label: text) }
        if text.hasPrefix("cumulative:") {
            guard let to = CalendarDate(text.dropFirst("cumulative:".count)) else { throw bad("not a date after cumulative:") }
            return Window(kind: .cumulative, from: nil, to: to, label: text)
        }
        if let dots = text.firstRange(of: "..") {
            guard let from = CalendarDate(text[..<dots.lowerBound]), let to = CalendarDate(text[dots.upperBound...]) else {
                throw bad("a custom range is two dates YYYY-MM-DD")
            }
            guard from <= to else { throw bad("it ends before it starts") }
            return Window(kind: .custom, from: from, to: to, label: text)
        }
        let b = Array(text.utf8)
        /// The number written by b[range], digits only (Int() would take a sign).
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= b.count, range.allSatisfy({ b[$0] >= 0x30 && b[$0] <= 0x39 }) else { return nil }
            return range.reduce(0) { $0 * 10 + Int(b[$1] - 0x30) }
        }
        if b.count == 7, b[4] == UInt8(ascii: "-"), let y = number(0..<4), let m = number(5..<7) {
            guard let first = CalendarDate(year: y, month: m, day: 1) else { throw bad("no such month") }
            return Window(kind: .month, from: first, to: first.monthEnd, label: text)
        }
        if b.count >= 7, b[4] == UInt8(ascii: "/"), let y = number(0..<4), let yy = number(5..<7) {
            guard (y + 1) % 100 == yy, y >= 1, y < 9998 else { throw bad("a school year is two consecutive years, e.g. 2026/27") }
            let september = CalendarDate(year: y, month: 9, day: 1)!
            let august = CalendarDate(year: y + 1, month: 8, day: 31)!
            switch text.dropFirst(7) {
            case "": return Window(kind: .schoolYear, from: september, to: august, label: text)
            case "-T1": return Window(kind: .term, from: september, to: CalendarDate(year: y + 1, month: 1, day: 31)!, label: text)
            case "-T2": return Window(kind: .term, from: CalendarDate(year: y + 1, month: 2, day: 1)!, to: august, label: text)
            default: throw bad("a term is -T1 or -T2")
            }
        }
        throw bad("unknown spelling")
    }

    /// Whether `date` ("YYYY-MM-DD") falls in the window.
    func contains(_ date: CalendarDate) -> Bool { (from.map { $0 <= date } ?? true) && date <= to }

    /// The window's bounds as the store compares them ("" for an open start).
    var fromText: String { from?.text ?? "" }
    var toText: String { to.text }

    /// The window as members of a result: window, kind, from, to.
    var members: [JSON.Member] {
        [.init("window", .string(label)), .init("kind", .string(kind.rawValue)), .init("from", JSON(from?.text)),
         .init("to", .string(to.text))]
    }
}
