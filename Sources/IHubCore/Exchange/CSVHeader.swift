/// The header of a file matched against a kind's columns. Names match
/// whatever their case and accents ("Name", "CÓDE"), as people retype them;
/// a near miss gets a "did you mean"; a column of the coordinator's own is
/// refused unless the caller asks to ignore such columns. A kind with open
/// columns (responses_wide: one column per item) keeps the unknown ones for
/// its importer to judge.
final class CSVColumns {
    let names: [String]
    /// For each of the kind's columns, its position in the file (nil: absent).
    let position: [Int?]
    let fields: [Field]
    /// Columns that are none of the kind's (open kinds), by position and name.
    private(set) var extra: [(position: Int, name: String)] = []
    /// Columns left out because the caller said so, by name.
    private(set) var ignored: [String] = []
    /// A required column is missing: the rows cannot be read.
    private(set) var unusable = false

    struct Rules {
        var ignoreUnknown = false
        /// Partial updates: only `code` must be a column (new records are
        /// checked row by row for the rest).
        var partial = false
        /// Unknown columns go to `extra`, for the importer.
        var open = false
    }

    init(header: [String], fields: [Field], rules: Rules, problems: inout Problems) {
        names = header
        self.fields = fields
        var position = [Int?](repeating: nil, count: fields.count)
        let folded = fields.map { CSVColumns.fold($0.name) }
        let known = fields.map(\.name).joined(separator: ", ")
        for (i, name) in header.enumerated() {
            let key = CSVColumns.fold(name)
            guard let f = folded.firstIndex(of: key) else {
                if rules.open && !key.isEmpty {
                    extra.append((i, name))
                } else if rules.ignoreUnknown {
                    ignored.append(name)
                } else if name.isEmpty {
                    problems.add(.invalid, line: 1, column: i + 1, field: nil, "a column without a name")
                } else {
                    let guess = CSVColumns.nearest(key, among: fields.map(\.name)).map { "did you mean '\($0)'? " } ?? ""
                    problems.add(.invalid, line: 1, column: i + 1, field: name,
                                 "unknown column (\(guess)known: \(known); ignore_unknown_columns or --ignore-columns leaves it out)")
                }
                continue
            }
            if let earlier = position[f] {
                problems.add(.invalid, line: 1, column: i + 1, field: name, "column given twice (also column \(earlier + 1))")
                continue
            }
            position[f] = i
        }
        for (f, field) in fields.enumerated() where field.required && position[f] == nil {
            if rules.partial && field.name != "code" { continue }
            problems.add(.invalid, line: 1, column: nil, field: nil, "missing column '\(field.name)' (\(field.doc))")
            unusable = true
        }
        self.position = position
    }

    /// The name as it is compared: lower case, accents dropped from Latin
    /// letters, spaces and hyphens as underscores, ends trimmed.
    static func fold(_ name: String) -> String {
        var out = ""
        for c in name.trimmingSpaces.lowercased().unicodeScalars {
            if c == " " || c == "-" { out.append("_"); continue }
            if let base = latinBase[c] { out.append(base) } else { out.unicodeScalars.append(c) }
        }
        return out
    }

    /// The field name closest to `key` when it is a near miss: an edit
    /// distance of 1, or 2 for names of 5 letters or more.
    static func nearest(_ key: String, among names: [String]) -> String? {
        let scored = names.map { (name: $0, d: distance(Array(key.unicodeScalars), Array(fold($0).unicodeScalars))) }
        guard let best = scored.min(by: { $0.d < $1.d }) else { return nil }
        return best.d <= (key.count >= 5 ? 2 : 1) ? best.name : nil
    }

    /// Edit distance counting a swap of neighbours as one edit ("nmae"
    /// is one from "name"): optimal string alignment.
    static func distance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var before = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var row = previous
        for i in 1...a.count {
            row[0] = i
            for j in 1...b.count {
                var d = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] { d = min(d, before[j - 2] + 1) }
                row[j] = d
            }
            (before, previous) = (previous, row)
        }
        return row[b.count]
    }

    /// Latin letters with diacritics (Latin-1 Supplement and Latin
    /// Extended-A: Estonian, Lithuanian, Finnish, Norwegian, …) → their base
    /// letter. Other scripts are left alone: "naмe" with a Cyrillic м is
    /// not "name".
    private static let latinBase: [Unicode.Scalar: String] = {
        let groups: [(String, String)] = [
            ("a", "àáâãäåāăą"), ("c", "çćĉċč"), ("d", "ďđ"), ("e", "èéêëēĕėęě"), ("g", "ĝğġģ"), ("h", "ĥħ"),
            ("i", "ìíîïĩīĭįı"), ("j", "ĵ"), ("k", "ķ"), ("l", "ĺļľŀł"), ("n", "ñńņňŉ"), ("o", "òóôõöøōŏő"),
            ("r", "ŕŗř"), ("s", "śŝşš"), ("t", "ţťŧ"), ("u", "ùúûüũūŭůűų"), ("w", "ŵ"), ("y", "ýÿŷ"), ("z", "źżž"),
            ("ae", "æ"), ("oe", "œ"), ("ss", "ß"),
        ]
        var map: [Unicode.Scalar: String] = [:]
        for (base, letters) in groups { for c in letters.unicodeScalars { map[c] = base } }
        return map
    }()
}

extension String {
    /// Without spaces and tabs at either end.
    var trimmingSpaces: String {
        var t = Substring(self)
        while let c = t.first, c == " " || c == "\t" { t.removeFirst() }
        while let c = t.last, c == " " || c == "\t" { t.removeLast() }
        return String(t)
    }
}
