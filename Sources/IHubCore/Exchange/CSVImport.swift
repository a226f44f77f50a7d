/// The import of one CSV file of one kind: header check, row by row through
/// the kind's importer, all or nothing. Every row is read and checked, so a
/// rejected file reports all its problems in one pass (as Moodle's user
/// upload does): the error keeps a one-line summary, a dry run returns the
/// whole list, and `problems_out` writes it as CSV.
enum CSVImport {
    struct Options {
        var delimiter: UInt8?
        var dryRun = false
        var maxRecordBytes = Limits.csvRecord
        var cells = Cells.Options()
        var ignoreUnknownColumns = false
        /// Where to write every problem of a rejected file, as CSV.
        var problemsOut: String?
        /// problems_out may replace an existing file.
        var overwrite = false
        /// The instrument of a wide file without an instrument column.
        var instrument: String?
    }

    static func run(_ db: Database, kind: ExchangeKind, source: CSVSource, options: Options) throws(IHubError) -> JSON {
        var result: [JSON.Member] = []
        var problems = Problems()
        do {
            // A savepoint inside the call's transaction: a dry run or a
            // rejected file rolls it back.
            try db.transaction { () throws(IHubError) in
                result = try load(db, kind: kind, source: source, options: options, problems: &problems)
                if !problems.isEmpty {
                    // Hints read the stored codes: before the rollback is fine,
                    // the file's own rows are there too.
                    try problems.annotate(db)
                    throw CSVImport.rolledBack
                }
                if options.dryRun { throw CSVImport.rolledBack }
            }
        } catch where error == CSVImport.rolledBack {
            // The report stands; the writes are gone.
        }
        if let path = options.problemsOut { try problems.write(to: path, overwrite: options.overwrite) }
        if options.dryRun {
            return .object(result + [.init("valid", .bool(problems.isEmpty)),
                                     .init("problem_count", .int(Int64(problems.count))),
                                     .init("problems", problems.json)])
        }
        if !problems.isEmpty { throw problems.error(source: source.name) }
        return .object(result)
    }

    /// Thrown to undo a dry run or a rejected file; never leaves this file.
    private static let rolledBack = IHubError(.ok, "rolled back")

    private static func load(_ db: Database, kind: ExchangeKind, source: CSVSource, options: Options,
                             problems: inout Problems) throws(IHubError) -> [JSON.Member] {
        var columns: CSVColumns?
        var importer: RowImporter?
        var rows = 0
        var outcomes = [0, 0, 0]   // inserted, updated, unchanged
        let reader = CSVReader(delimiter: options.delimiter, maxRecordBytes: options.maxRecordBytes)
        let rules = CSVColumns.Rules(ignoreUnknown: options.ignoreUnknownColumns, partial: kind.partial, open: kind.open)
        do throws(CSVFailure) {
            try reader.read(source, onHeader: { names in
                let c = CSVColumns(header: names, fields: kind.columns, rules: rules, problems: &problems)
                columns = c
                // Unknown columns aside, the rows can still be checked.
                guard !c.unusable else { return false }
                do throws(IHubError) {
                    importer = try kind.importer(db, c, options)
                } catch {
                    // A problem of the file (e.g. a wide file without its instrument).
                    problems.add(error.status, error.message)
                    return false
                }
                return true
            }, onRow: { record in
                rows += 1
                let row = CSVRow(record: record, columns: columns!, cells: options.cells)
                let names = columns!.names
                if record.count != names.count {
                    // Name the first column that is missing, or the first extra one.
                    let column = min(record.count, names.count) + 1
                    // More fields in a `,` file: most often a decimal comma or a name with a comma, unquoted.
                    let hint = record.count > names.count && reader.delimiter == UInt8(ascii: ",")
                        ? " (a decimal comma or a comma in a name? quote that cell: \"3,5\")" : ""
                    problems.add(.invalid, line: record.line, column: column, field: column <= names.count ? names[column - 1] : nil,
                                 "\(record.count) fields where the header has \(names.count)\(hint)")
                } else if let outcome = importer!.row(row, problems: &problems) {
                    switch outcome {
                    case .inserted: outcomes[0] += 1
                    case .updated: outcomes[1] += 1
                    case .unchanged: outcomes[2] += 1
                    }
                }
                return true
            })
        } catch {
            problems.add(error.status, line: error.line, column: error.column, field: error.field, error.reason)
        }
        importer?.finish(problems: &problems)
        var report: [JSON.Member] = [
            .init("kind", .string(kind.name)), .init("rows", .int(Int64(rows))),
            .init("dry_run", .bool(options.dryRun)),
            .init("delimiter", .string(String(UnicodeScalar(reader.delimiter)))),
        ]
        if let ignored = columns?.ignored, !ignored.isEmpty {
            report.append(.init("ignored_columns", .array(ignored.map { .string($0) })))
        }
        if let extra = importer?.summary {
            report += extra
        } else {
            report += [.init("inserted", .int(Int64(outcomes[0]))), .init("updated", .int(Int64(outcomes[1]))),
                       .init("unchanged", .int(Int64(outcomes[2])))]
        }
        return report
    }
}

/// One problem of a file: its place (line 0: the file as a whole; no
/// column: the whole line) and the reason.
struct Problem {
    let status: Status
    let line: Int
    let column: Int?
    let field: String?
    var reason: String
    /// The order it was found in, which breaks ties of place.
    let order: Int

    var text: String { line == 0 ? reason : CSVFailure.place(line: line, column: column, field: field) + ": " + reason }

    var json: JSON {
        ["line": .int(Int64(line)), "column": column.map { .int(Int64($0)) } ?? .null, "field": JSON(field),
         "status": .string(status.name), "message": .string(reason)]
    }
}

/// Every problem of a file, in place order. The first `kept` are kept in
/// full (a file of a million bad rows must not take a million messages'
/// memory); `count` counts them all.
struct Problems {
    static let kept = 10_000
    /// Problems shown in the one-line error message.
    static let shown = 5
    private var items: [Problem] = []
    private var sorted = true
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    mutating func add(_ status: Status, line: Int, column: Int?, field: String?, _ reason: String) {
        count += 1
        guard items.count < Problems.kept else { return }
        if let last = items.last, (last.line, last.column ?? 0) > (line, column ?? 0) { sorted = false }
        // A header cell may be a megabyte: names are cut as every message cuts user input.
        items.append(Problem(status: status, line: line, column: column, field: field.map { IHubError.excerpt($0) },
                             reason: reason, order: count))
    }

    /// A problem whose text starts with its place ("line 4, column 3
    /// (size): …", as engine errors about a row do).
    mutating func add(_ status: Status, _ text: String) {
        let p = Problems.split(text)
        add(status, line: p.line, column: p.column, field: p.field, p.reason)
    }

    /// The kept problems, by line, then column, then the order found.
    var list: [Problem] {
        sorted ? items : items.sorted { ($0.line, $0.column ?? 0, $0.order) < ($1.line, $1.column ?? 0, $1.order) }
    }

    var json: JSON { .array(list.map(\.json)) }

    /// One line: "people.csv: 7 problems: line 4, column 3 (size): …; …; and 2 more".
    func error(source: String) -> IHubError {
        let all = list
        let head = all.prefix(Problems.shown).map(\.text).joined(separator: "; ")
        let more = count > Problems.shown ? "; and \(count - Problems.shown) more (a dry run or problems_out lists them all)" : ""
        let text = count == 1 ? head : "\(count) problems: \(head)\(more)"
        var error = IHubError(all[0].status, "\(source): \(text)")
        error.details = json
        return error
    }

    /// Writes the problems as CSV: line, column, field, message.
    func write(to path: String, overwrite: Bool) throws(IHubError) {
        let output = try Output(path: path, overwrite: overwrite, at: "params.problems_out")
        var writer = CSVWriter(output)
        try writer.record(["line", "column", "field", "message"])
        for p in list { try writer.record([String(p.line), p.column.map(String.init) ?? "", p.field ?? "", p.reason]) }
        _ = try output.finish()
    }

    /// Spreadsheets read "0042" as the number 42: an unknown code that is a
    /// stored one without its leading zeros says so.
    mutating func annotate(_ db: Database) throws(IHubError) {
        var hints = ZeroHints()
        for i in items.indices where items[i].status == .notFound {
            guard let (noun, code) = ZeroHints.unknown(items[i].reason),
                  let padded = try hints.padded(db, noun: noun, code: code) else { continue }
            items[i].reason += " — \(ZeroHints.text(padded))"
        }
    }

    /// "line 4, column 3 (size): reason" → its parts; text without a place
    /// is about the file as a whole (line 0).
    static func split(_ text: String) -> (line: Int, column: Int?, field: String?, reason: String) {
        var rest = Substring(text)
        func number() -> Int? {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, let n = Int(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            return n
        }
        guard rest.hasPrefix("line ") else { return (0, nil, nil, text) }
        rest = rest.dropFirst(5)
        guard let line = number() else { return (0, nil, nil, text) }
        var column: Int?, field: String?
        if rest.hasPrefix(", column ") {
            rest = rest.dropFirst(9)
            column = number()
        }
        if rest.hasPrefix(" ("), let close = rest.firstRange(of: "): ") {
            field = String(rest[rest.index(rest.startIndex, offsetBy: 2)..<close.lowerBound])
            rest = rest[close.upperBound...]
        } else if rest.hasPrefix(": ") {
            rest = rest.dropFirst(2)
        } else {
            return (0, nil, nil, text)
        }
        return (line, column, field, String(rest))
    }
}

/// One data row, read through the kind's columns.
struct CSVRow {
    let record: CSVRecord
    let columns: CSVColumns
    let cells: Cells.Options

    var line: Int { record.line }

    /// The text of column `f` (the kind's numbering); nil when the column
    /// is absent from the file or the cell is empty.
    func text(_ f: Int) -> String? {
        guard let p = columns.position[f] else { return nil }
        let bytes = record.bytes(p)
        return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
    }

    /// Whether column `f` is absent or its cell empty.
    func isEmpty(_ f: Int) -> Bool {
        guard let p = columns.position[f] else { return true }
        return record.bytes(p).isEmpty
    }

    /// Whether the cell of column `f` is exactly `-`, the clear marker.
    func isClear(_ f: Int) -> Bool {
        guard let p = columns.position[f] else { return false }
        let bytes = record.bytes(p)
        return bytes.count == 1 && bytes[0] == UInt8(ascii: "-")
    }

    /// "line 4, column 3 (size)" for column `f`.
    func place(_ f: Int) -> String {
        guard let p = columns.position[f] else { return CSVFailure.place(line: line, column: nil, field: columns.fields[f].name) }
        return CSVFailure.place(line: record.line(of: p), column: p + 1, field: columns.fields[f].name)
    }

    /// The place of a field by name (nil when the kind has no such column).
    func place(named name: String) -> String? {
        columns.fields.firstIndex { $0.name == name }.map(place)
    }

    /// The typed value of column `f` by its field's shape; nil when empty
    /// (a problem too when the field is required and `require`) or when it
    /// does not fit.
    func value(_ f: Int, require: Bool = true, problems: inout Problems) -> JSON? {
        let field = columns.fields[f]
        guard let text = text(f) else {
            if field.required && require { problems.add(.invalid, "\(place(f)): missing value (\(field.doc))") }
            return nil
        }
        switch Cells.parse(text, field.shape, cells) {
        case .success(let v): return v
        case .failure(let reason):
            problems.add(.invalid, "\(place(f)): \(reason.text)")
            return nil
        }
    }

    /// An engine error about this row, its place spelled out: messages that
    /// start with "line N.field…" (the path given to shared code) name the
    /// column instead.
    func problem(_ error: IHubError, problems: inout Problems) {
        let prefix = "line \(line)"
        var text = error.message
        if text.hasPrefix(prefix + ".") {
            let rest = text.dropFirst(prefix.count + 1)
            let name = String(rest.prefix { $0 != ":" && $0 != "[" && $0 != "." })
            let tail = rest.dropFirst(name.count)
            if let place = place(named: name) {
                let sub = tail.prefix { $0 != ":" }
                text = sub.isEmpty ? place + tail : place.dropLast() + String(sub) + ")" + tail.dropFirst(sub.count)
            }
        } else if !text.hasPrefix(prefix) {
            text = "\(prefix): \(text)"
        }
        problems.add(error.status, text)
    }
}

/// Takes the rows of one import of one kind. Rows after a problem are
/// still stored (the savepoint is rolled back in the end), so that checks
/// that need earlier rows (duplicates, a respondent's answers) run for all.
protocol RowImporter: AnyObject {
    /// Checks and stores one row; problems go to `problems`. Returns what
    /// storing did (or would do).
    func row(_ row: CSVRow, problems: inout Problems) -> Entity.Outcome?
    /// Checks that need the whole file, after its last row.
    func finish(problems: inout Problems)
    /// Figures for the report instead of inserted/updated/unchanged.
    var summary: [JSON.Member]? { get }
}

extension RowImporter {
    var summary: [JSON.Member]? { nil }
    func finish(problems: inout Problems) {}
}

/// Codes with leading zeros, by the code without them, read once per
/// table when an unknown code is all digits.
struct ZeroHints {
    private var byKind: [RecordKind: [String: String]] = [:]

    /// The stored code that `code` is without its leading zeros, if any.
    mutating func padded(_ db: Database, noun: String, code: String) throws(IHubError) -> String? {
        guard let kind = RecordKind(rawValue: noun), Registry.entities.contains(where: { $0.kind == kind }),
              !code.isEmpty, code.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        if byKind[kind] == nil { byKind[kind] = try db.registry.codesWithLeadingZeros(kind) }
        return byKind[kind]?[String(code.drop { $0 == "0" })]
    }

    static func text(_ padded: String) -> String {
        "\(IHubError.quoted(padded)) exists: the file lost the code's leading zeros (spreadsheets read such codes as numbers: "
            + "format the column as Text before saving)"
    }

    /// The noun and code of a "no school with code '42'" reason.
    static func unknown(_ reason: String) -> (String, String)? {
        guard let r = reason.firstRange(of: " with code '") else { return nil }
        let noun = reason[..<r.lowerBound].split(separator: " ").last.map(String.init) ?? ""
        let code = reason[r.upperBound...].prefix { $0 != "'" }
        return (noun, String(code))
    }
}
