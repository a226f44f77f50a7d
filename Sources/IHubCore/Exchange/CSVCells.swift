/// Cells ⇄ typed values, by the shape of a field: the one place that says
/// how a CSV cell reads and how a value is written into one. Lists are
/// `|`-separated; an empty cell is an absent value.
enum Cells {
    /// How the cells of one file are read.
    struct Options {
        /// How dates are written in the file: said by the caller, never guessed.
        var dateFormat: DateFormat = .iso
    }

    /// The date layouts a file may use. Day-first layouts are what
    /// spreadsheets write in Estonian, Lithuanian, Georgian (and most
    /// European) settings; they are only read when asked for, since
    /// 03.02.2026 cannot be told from a month-first date by looking.
    enum DateFormat: String, CaseIterable, Sendable {
        case iso = "YYYY-MM-DD"
        case dayDotMonth = "DD.MM.YYYY"
        case daySlashMonth = "DD/MM/YYYY"

        static let names = allCases.map(\.rawValue)
    }

    /// The value of a non-empty cell, or the reason it does not fit the
    /// shape. Numbers take a decimal point or a decimal comma ("58,26"),
    /// whatever the separator: in a `,` file a comma can only be in a
    /// quoted cell, so "3,5" reads the same in every file.
    static func parse(_ text: String, _ shape: Shape, _ options: Options = Options()) -> Result<JSON, Reason> {
        switch shape {
        case .string, .text, .any:
            if let reason = shape.cellProblem(text) { return .failure(Reason(reason)) }
            return .success(.string(text))
        case .language:
            guard let tag = Languages.normalized(text) else { return .failure(Reason(Languages.problem(text))) }
            return .success(.string(tag))
        case .integer:
            guard let i = integer(text) else { return .failure(Reason("expected a whole number, got \(IHubError.quoted(text, "\""))")) }
            return .success(.int(i))
        case .number:
            guard let d = number(text) else {
                return .failure(Reason("expected a number, got \(IHubError.quoted(text, "\""))"))
            }
            return .success(.double(d))
        case .boolean:
            switch text.lowercased() {
            case "true", "yes", "1": return .success(.bool(true))
            case "false", "no", "0": return .success(.bool(false))
            default: return .failure(Reason("expected true or false, got \(IHubError.quoted(text, "\""))"))
            }
        case .date:
            return date(text, options.dateFormat).map { .string($0) }
        case .oneOf(let choices):
            guard choices.contains(text) else {
                return .failure(Reason("\(IHubError.quoted(text, "\"")) is not one of \(choices.joined(separator: ", "))"))
            }
            return .success(.string(text))
        case .array(let element):
            var values: [JSON] = []
            for (i, part) in text.split(separator: "|", omittingEmptySubsequences: false).enumerated() {
                let item = trimmed(part)
                if item.isEmpty { continue }
                switch parse(item, element, options) {
                case .success(let v): values.append(v)
                case .failure(let reason): return .failure(Reason("item \(i + 1) of the list: \(reason.text)"))
                }
            }
            return .success(.array(values))
        case .timestamp:
            guard Shape.isTimestamp(text) else {
                return .failure(Reason("expected a timestamp (YYYY-MM-DDTHH:MM:SSZ), got \(IHubError.quoted(text, "\""))"))
            }
            return .success(.string(text))
        case .object, .map:
            return .failure(Reason("cannot be given in a CSV cell"))
        }
    }

    /// A date of the file's layout as YYYY-MM-DD. A date of the right
    /// layout that the calendar does not have (2026-02-30) says so.
    static func date(_ text: String, _ format: DateFormat) -> Result<String, Reason> {
        let digits = { (s: Substring) -> Bool in !s.isEmpty && s.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }
        let parts: [Substring]
        var iso: String?
        switch format {
        case .iso:
            parts = text.split(separator: "-", omittingEmptySubsequences: false)
            if parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2, parts.allSatisfy(digits) { iso = text }
        case .dayDotMonth, .daySlashMonth:
            parts = text.split(separator: format == .dayDotMonth ? "." : "/", omittingEmptySubsequences: false)
            if parts.count == 3, (1...2).contains(parts[0].count), (1...2).contains(parts[1].count), parts[2].count == 4,
               parts.allSatisfy(digits) {
                let pad = { (s: Substring) in s.count == 1 ? "0" + s : String(s) }
                iso = "\(parts[2])-\(pad(parts[1]))-\(pad(parts[0]))"
            }
        }
        guard let iso else {
            var hint = ""
            if format == .iso {
                if text.contains(".") { hint = " (a day-first date? give date_format DD.MM.YYYY, --date-format on the command line)" }
                if text.contains("/") { hint = " (a day-first date? give date_format DD/MM/YYYY, --date-format on the command line)" }
            }
            return .failure(Reason("bad date: expected \(format.rawValue), got \(IHubError.quoted(text, "\""))\(hint)"))
        }
        guard Shape.isDate(iso) else { return .failure(Reason("no such date: \(IHubError.quoted(text, "\""))")) }
        return .success(iso)
    }

    struct Reason: Error {
        let text: String
        init(_ text: String) { self.text = text }
    }

    /// Whether a field can be a CSV column: scalars and lists of scalars.
    static func fits(_ shape: Shape) -> Bool {
        switch shape {
        case .object, .any: return false
        case .array(let element): if case .array = element { return false } else { return fits(element) }
        default: return true
        }
    }

    /// Digits, sign, point and exponent only: Double() alone would also take
    /// "nan", "inf" and hexadecimal.
    /// A whole number written as JSON would write it (`7`, `7.0`, `1e18`),
    /// or with a decimal comma (`7,0`): the integers a parameter accepts.
    static func integer(_ text: String) -> Int64? {
        if let i = Int64(text) { return i }
        guard let d = number(text), d.rounded() == d, abs(d) <= 0x1p63 else { return nil }
        if abs(d) < 0x1p53 { return Int64(d) }
        // exactInteger reads JSON's spelling: no leading "+", a decimal point.
        let json = text.replacingOccurrences(of: ",", with: ".")
        return JSONParser.exactInteger(json.hasPrefix("+") ? String(json.dropFirst()) : json)
    }

    static func number(_ text: String) -> Double? {
        var text = text
        if !text.contains(".") {
            let commas = text.utf8.count { $0 == UInt8(ascii: ",") }
            if commas == 1 { text = text.replacingOccurrences(of: ",", with: ".") }
        }
        guard !text.isEmpty, text.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2B || $0 == 0x2D || $0 == 0x2E || $0 == 0x45 || $0 == 0x65 })
        else { return nil }
        guard let d = Double(text), d.isFinite else { return nil }
        return d
    }

    private static func trimmed(_ s: Substring) -> String {
        var t = s
        while let c = t.first, c == " " || c == "\t" { t.removeFirst() }
        while let c = t.last, c == " " || c == "\t" { t.removeLast() }
        return String(t)
    }

    // MARK: writing

    /// The cell of a value: numbers without a needless ".0" (with a
    /// decimal comma when asked), lists joined by `|`, null empty.
    static func format(_ value: JSON, decimalComma: Bool = false) -> String {
        switch value {
        case .null: return ""
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return number(d, decimalComma: decimalComma)
        case .string(let s): return s
        case .array(let items): return items.map { format($0, decimalComma: decimalComma) }.joined(separator: "|")
        case .object: return value.serialized()
        }
    }

    /// 7 rather than 7.0; otherwise the shortest text that reads back equal.
    static func number(_ d: Double, decimalComma: Bool = false) -> String {
        let text = d.rounded() == d && abs(d) < 1e15 ? String(Int64(d)) : "\(d)"
        return decimalComma ? text.replacingOccurrences(of: ".", with: ",") : text
    }
}

extension String {
    /// Every occurrence of `target` replaced (FoundationEssentials-free).
    fileprivate func replacingOccurrences(of target: Character, with replacement: Character) -> String {
        String(map { $0 == target ? replacement : $0 })
    }
}
