/// Cells ⇄ typed values, by the shape of a field: the one place that says
/// how a CSV cell reads and how a value is written into one. Lists are
/// `|`-separated; an empty cell is an absent value.
enum Cells {
    /// The value of a non-empty cell, or the reason it does not fit the
    /// shape. `decimalComma` accepts "58,26" for 58.26 (files separated by
    /// `;` come from spreadsheets that write decimals that way).
    static func parse(_ text: String, _ shape: Shape, decimalComma: Bool) -> Result<JSON, Reason> {
        switch shape {
        case .string, .text, .any:
            if let reason = shape.cellProblem(text) { return .failure(Reason(reason)) }
            return .success(.string(text))
        case .language:
            guard let tag = Languages.normalized(text) else { return .failure(Reason(Languages.problem(text))) }
            return .success(.string(tag))
        case .integer:
            guard let i = Int64(text) else { return .failure(Reason("expected a whole number, got \"\(text)\"")) }
            return .success(.int(i))
        case .number:
            guard let d = number(text, decimalComma: decimalComma) else {
                return .failure(Reason("expected a number, got \"\(text)\""))
            }
            return .success(.double(d))
        case .boolean:
            switch text.lowercased() {
            case "true", "yes", "1": return .success(.bool(true))
            case "false", "no", "0": return .success(.bool(false))
            default: return .failure(Reason("expected true or false, got \"\(text)\""))
            }
        case .date:
            guard Shape.isDate(text) else { return .failure(Reason("bad date: expected YYYY-MM-DD, got \"\(text)\"")) }
            return .success(.string(text))
        case .oneOf(let choices):
            guard choices.contains(text) else {
                return .failure(Reason("\"\(text)\" is not one of \(choices.joined(separator: ", "))"))
            }
            return .success(.string(text))
        case .array(let element):
            var values: [JSON] = []
            for (i, part) in text.split(separator: "|", omittingEmptySubsequences: false).enumerated() {
                let item = trimmed(part)
                if item.isEmpty { continue }
                switch parse(item, element, decimalComma: decimalComma) {
                case .success(let v): values.append(v)
                case .failure(let reason): return .failure(Reason("item \(i + 1) of the list: \(reason.text)"))
                }
            }
            return .success(.array(values))
        case .object:
            return .failure(Reason("cannot be given in a CSV cell"))
        }
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
    static func number(_ text: String, decimalComma: Bool) -> Double? {
        var text = text
        if decimalComma && !text.contains(".") {
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

    /// The cell of a value: numbers without a needless ".0", lists joined
    /// by `|`, null empty.
    static func format(_ value: JSON) -> String {
        switch value {
        case .null: return ""
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return number(d)
        case .string(let s): return s
        case .array(let items): return items.map(format).joined(separator: "|")
        case .object: return value.serialized()
        }
    }

    /// 7 rather than 7.0; otherwise the shortest text that reads back equal.
    static func number(_ d: Double) -> String {
        d.rounded() == d && abs(d) < 1e15 ? String(Int64(d)) : "\(d)"
    }
}

extension String {
    /// Every occurrence of `target` replaced (FoundationEssentials-free).
    fileprivate func replacingOccurrences(of target: Character, with replacement: Character) -> String {
        String(map { $0 == target ? replacement : $0 })
    }
}
