/// The import of one CSV file of one kind: header check, row by row through
/// the kind's importer, all or nothing. A rejected file reports its first
/// problems (up to `Problems.limit`) on one line, each by line, column and
/// field; once a problem is found, later rows are only checked, not stored.
enum CSVImport {
    struct Options {
        var delimiter: UInt8?
        var dryRun = false
        var maxRecordBytes = 1 << 20
    }

    static func run(_ db: Database, kind: ExchangeKind, source: CSVSource, options: Options) throws(IHubError) -> JSON {
        var result: JSON = .null
        do {
            // A savepoint inside the call's transaction: a dry run rolls it back.
            try db.transaction { () throws(IHubError) in
                result = try load(db, kind: kind, source: source, options: options)
                if options.dryRun { throw CSVImport.rolledBack }
            }
        } catch where error == CSVImport.rolledBack {
            // The dry run's report stands; its writes are gone.
        }
        return result
    }

    /// Thrown to undo a dry run; never leaves this file.
    private static let rolledBack = IHubError(.ok, "dry run: rolled back")

    private static func load(_ db: Database, kind: ExchangeKind, source: CSVSource, options: Options) throws(IHubError) -> JSON {
        var problems = Problems()
        var columns: CSVColumns?
        var importer: RowImporter?
        var setupError: IHubError?
        var rows = 0
        var outcomes = [0, 0, 0]   // inserted, updated, unchanged
        let reader = CSVReader(delimiter: options.delimiter, maxRecordBytes: options.maxRecordBytes)
        do throws(CSVFailure) {
            try reader.read(source, onHeader: { names in
                let c = CSVColumns(header: names, fields: kind.columns, problems: &problems)
                columns = c
                guard problems.isEmpty else { return false }
                do throws(IHubError) {
                    importer = try kind.importer(db, c)
                } catch {
                    setupError = error
                    return false
                }
                return true
            }, onRow: { record in
                rows += 1
                let row = CSVRow(record: record, columns: columns!, decimalComma: reader.delimiter == UInt8(ascii: ";"))
                let names = columns!.names
                if record.count != names.count {
                    // Name the first column that is missing, or the first extra one.
                    let column = min(record.count, names.count) + 1
                    problems.add(.invalid, CSVFailure.place(line: record.line, column: column, field: column <= names.count ? names[column - 1] : nil)
                                 + ": \(record.count) fields where the header has \(names.count)")
                } else if let outcome = importer!.row(row, write: problems.isEmpty, problems: &problems) {
                    switch outcome {
                    case .inserted: outcomes[0] += 1
                    case .updated: outcomes[1] += 1
                    case .unchanged: outcomes[2] += 1
                    }
                }
                return !problems.isFull
            })
        } catch {
            problems.add(error.status, error.message)
        }
        if let setupError { throw setupError }
        if !problems.isEmpty { throw problems.error(source: source.name) }
        var report: [JSON.Member] = [
            .init("kind", .string(kind.name)), .init("rows", .int(Int64(rows))),
            .init("dry_run", .bool(options.dryRun)),
            .init("delimiter", .string(String(UnicodeScalar(reader.delimiter)))),
        ]
        if let extra = importer?.summary {
            report += extra
        } else {
            report += [.init("inserted", .int(Int64(outcomes[0]))), .init("updated", .int(Int64(outcomes[1]))),
                       .init("unchanged", .int(Int64(outcomes[2])))]
        }
        return .object(report)
    }
}

/// The first problems of a file.
struct Problems {
    static let limit = 5
    private(set) var items: [(status: Status, text: String)] = []

    var isEmpty: Bool { items.isEmpty }
    var isFull: Bool { items.count >= Problems.limit }

    mutating func add(_ status: Status, _ text: String) {
        if !isFull { items.append((status, text)) }
    }

    /// One line: "people.csv: 2 problems: line 4, column 3 (size): …; line 9, …".
    func error(source: String) -> IHubError {
        let count = items.count == 1 ? "" : isFull ? "first \(items.count) problems: " : "\(items.count) problems: "
        return IHubError(items[0].status, "\(source): \(count)" + items.map(\.text).joined(separator: "; "))
    }
}

/// The header of a file matched against a kind's columns: every column
/// known, none twice, every required one present.
final class CSVColumns {
    let names: [String]
    /// For each of the kind's columns, its position in the file (nil: absent).
    let position: [Int?]
    let fields: [Field]

    init(header: [String], fields: [Field], problems: inout Problems) {
        names = header
        self.fields = fields
        var position = [Int?](repeating: nil, count: fields.count)
        let known = fields.map(\.name).joined(separator: ", ")
        for (i, name) in header.enumerated() {
            let place = CSVFailure.place(line: 1, column: i + 1, field: name.isEmpty ? nil : name)
            guard let f = fields.firstIndex(where: { $0.name == name }) else {
                problems.add(.invalid, name.isEmpty ? "\(place): a column without a name" : "\(place): unknown column (known: \(known))")
                continue
            }
            if let earlier = position[f] {
                problems.add(.invalid, "\(place): column given twice (also column \(earlier + 1))")
                continue
            }
            position[f] = i
        }
        for (f, field) in fields.enumerated() where field.required && position[f] == nil {
            problems.add(.invalid, "line 1: missing column '\(field.name)' (\(field.doc))")
        }
        self.position = position
    }
}

/// One data row, read through the kind's columns.
struct CSVRow {
    let record: CSVRecord
    let columns: CSVColumns
    let decimalComma: Bool

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
    /// (a problem too when the field is required) or when it does not fit.
    func value(_ f: Int, problems: inout Problems) -> JSON? {
        let field = columns.fields[f]
        guard let text = text(f) else {
            if field.required { problems.add(.invalid, "\(place(f)): missing value (\(field.doc))") }
            return nil
        }
        switch Cells.parse(text, field.shape, decimalComma: decimalComma) {
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

/// Takes the rows of one import of one kind.
protocol RowImporter: AnyObject {
    /// Checks one row and, when `write`, stores it; problems go to
    /// `problems`. Returns what storing did (or would do).
    func row(_ row: CSVRow, write: Bool, problems: inout Problems) -> Entity.Outcome?
    /// Figures for the report instead of inserted/updated/unchanged.
    var summary: [JSON.Member]? { get }
}

extension RowImporter {
    var summary: [JSON.Member]? { nil }
}
