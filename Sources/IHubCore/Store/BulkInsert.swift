/// Rows of one table written many at a time: a multi-row INSERT per
/// `rowsPerStatement` rows, so a server sees one round trip per batch
/// instead of one per row (SQLite gains a little too). Rows a `RETURNING`
/// clause gives back are handed to `returned` (in no promised order).
final class BulkInsert {
    let table: String
    let columns: [String]
    private let db: Database
    private let returning: [String]
    private let onConflict: String?
    private let returned: ((any Statement) throws(IHubError) -> Void)?
    private var values: [SQLValue] = []
    private(set) var rows: Int64 = 0

    /// Under both engines' parameter limits (SQLite 32766, PostgreSQL 65535).
    let rowsPerStatement: Int

    /// `onConflict`: what follows ON CONFLICT, e.g. "(code) DO NOTHING".
    init(_ db: Database, table: String, columns: [String], onConflict: String? = nil, returning: [String] = [],
         returned: ((any Statement) throws(IHubError) -> Void)? = nil)
    {
        self.db = db
        self.table = table
        self.columns = columns
        self.onConflict = onConflict
        self.returning = returning
        self.returned = returned
        rowsPerStatement = max(1, min(256, 30000 / max(1, columns.count)))
        values.reserveCapacity(rowsPerStatement * columns.count)
    }

    /// Adds one row, its values in the order of `columns`.
    func add(_ row: [SQLValue]) throws(IHubError) {
        precondition(row.count == columns.count, "BulkInsert.add: \(row.count) values for \(columns.count) columns")
        values += row
        rows += 1
        if values.count == rowsPerStatement * columns.count { try flush() }
    }

    /// Rows added and not written yet.
    var buffered: Int { values.count / columns.count }

    /// Writes what is buffered. Call it before reading the table back.
    /// A remainder goes in chunks of powers of two, so a table has a few
    /// statement shapes to prepare and cache, not one per remainder size.
    func flush() throws(IHubError) {
        let width = columns.count, total = values.count / width
        var start = 0
        while start < total {
            let left = total - start
            let n = left >= rowsPerStatement ? rowsPerStatement : 1 << (Int.bitWidth - 1 - left.leadingZeroBitCount)
            let s = try db.statement(BulkInsert.sql(table, columns, rows: n, onConflict: onConflict, returning: returning))
            try s.bind(Array(values[(start * width)..<((start + n) * width)]))
            while try s.step() { try returned?(s) }
            s.reset()
            start += n
        }
        values.removeAll(keepingCapacity: true)
    }

    static func sql(_ table: String, _ columns: [String], rows: Int, onConflict: String?, returning: [String]) -> String {
        let row = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        var sql = "INSERT INTO \"\(table)\"(\(columns.map { "\"\($0)\"" }.joined(separator: ", "))) VALUES "
            + Array(repeating: row, count: rows).joined(separator: ", ")
        if let onConflict { sql += " ON CONFLICT " + onConflict }
        if !returning.isEmpty { sql += " RETURNING " + returning.joined(separator: ", ") }
        return sql
    }
}
