import IHubCore

/// How the REPL shows a chunk's values (.mode). Lists of records (arrays
/// of objects) are what the API returns most: `table` aligns them in
/// columns, `csv` writes them for a spreadsheet, `line` one field a line
/// (for wide records), `json` shows every value as JSON.
enum ReplMode: String, CaseIterable {
    case table, json, csv, line

    /// The text of one chunk's values (nil as `nil`); "" when it returned none.
    func render(_ values: [JSON]) -> String {
        if values.isEmpty { return "" }
        switch self {
        case .json:
            return values.map { $0.serialized(pretty: ReplMode.isNested($0)) }.joined(separator: "\n") + "\n"
        case .table, .csv, .line:
            return values.map(render).joined()
        }
    }

    private func render(_ value: JSON) -> String {
        switch value {
        case .null: return "nil\n"
        case .string(let s): return self == .csv ? ReplMode.csvField(s) + "\n" : s + "\n"
        case .bool, .int, .double: return value.serialized() + "\n"
        case .object(let members):
            switch self {
            case .csv: return ReplMode.csv([value])
            case .line, .table: return ReplMode.lines(members)
            case .json: return value.serialized(pretty: true) + "\n"
            }
        case .array(let items):
            guard let records = ReplMode.records(items) else { return value.serialized(pretty: ReplMode.isNested(value)) + "\n" }
            switch self {
            case .table: return ReplMode.table(records)
            case .csv: return ReplMode.csv(items)
            case .line: return records.map { ReplMode.lines($0) }.joined(separator: "\n")
            case .json: return value.serialized(pretty: true) + "\n"
            }
        }
    }

    /// The members of each element, when every element is an object.
    static func records(_ items: [JSON]) -> [[JSON.Member]]? {
        let records = items.compactMap(\.members)
        return !items.isEmpty && records.count == items.count ? records : nil
    }

    /// Pretty-printed over lines when it holds lists or tables; [1,2,3] stays on one.
    static func isNested(_ value: JSON) -> Bool {
        let inner = value.array ?? value.members?.map(\.value) ?? []
        return inner.contains { ($0.array.map { !$0.isEmpty } ?? false) || ($0.members.map { !$0.isEmpty } ?? false) }
    }

    /// Column names: Lua tables have no key order, so the identifying ones
    /// first (id, code, name, hub), then the others alphabetically.
    static func columns(_ records: [[JSON.Member]]) -> [String] {
        var seen = Set<String>()
        for r in records { for m in r { seen.insert(m.key) } }
        return ordered(Array(seen))
    }

    static let leading = ["id", "code", "name", "hub"]

    static func ordered(_ names: [String]) -> [String] {
        names.sorted { a, b in
            let i = leading.firstIndex(of: a) ?? leading.count, j = leading.firstIndex(of: b) ?? leading.count
            return i != j ? i < j : a < b
        }
    }

    /// A cell: strings bare, null and missing empty, nested values as compact JSON.
    static func cell(_ value: JSON?) -> String {
        switch value {
        case nil, .null?: return ""
        case .string(let s)?: return s
        case let v?: return v.serialized()
        }
    }

    static func table(_ records: [[JSON.Member]]) -> String {
        let names = columns(records)
        let rows = records.map { r in names.map { n in cell(r.first { $0.key == n }?.value) } }
        var widths = names.map(\.count)
        for row in rows { for (i, c) in row.enumerated() { widths[i] = max(widths[i], c.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in c + String(repeating: " ", count: widths[i] - c.count) }
                .joined(separator: " ").trimmedRight + "\n"
        }
        return line(names) + line(widths.map { String(repeating: "-", count: $0) }) + rows.map(line).joined()
    }

    static func csv(_ items: [JSON]) -> String {
        let records = items.compactMap(\.members)
        let names = columns(records)
        var out = names.map(csvField).joined(separator: ",") + "\r\n"
        for r in records {
            out += names.map { n in csvField(cell(r.first { $0.key == n }?.value)) }.joined(separator: ",") + "\r\n"
        }
        return out
    }

    /// RFC 4180: quoted when it holds a comma, quote or line break.
    static func csvField(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingAll("\"", with: "\"\"") + "\""
    }

    /// `name = value` lines, names aligned (sqlite3's line mode).
    static func lines(_ unordered: [JSON.Member]) -> String {
        let members = ordered(unordered.map(\.key)).compactMap { k in unordered.first { $0.key == k } }
        let width = members.map(\.key.count).max() ?? 0
        return members.map { m in
            String(repeating: " ", count: width - m.key.count) + m.key + " = " + (m.value.isNull ? "nil" : cell(m.value))
        }.joined(separator: "\n") + "\n"
    }
}

extension String {
    var trimmedRight: String {
        String(self.reversed().drop { $0 == " " }.reversed())
    }

    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}
