/// Copies a whole database between any two backends: every table's rows,
/// ids kept, in one transaction on the target. The caller verifies the copy
/// before the transaction commits (store.copy compares the exports).
enum StoreCopy {
    /// Bookkeeping each database keeps for itself.
    static let ownTables: Set<String> = ["ihub_migrations"]
    /// Rows the target may hold before a copy: the built-in instruments
    /// and toolbox methods every new database installs (the source brings its own).
    static let replacedTables: Set<String> = ["instruments", "toolbox_methods"]

    /// Copies `source` into `target`, which must be empty; runs inside the
    /// caller's transaction on `target`. Returns the rows per table.
    static func run(from source: Database, to target: Database) throws(IHubError) -> [(table: String, rows: Int64)] {
        let tables = try ordered(try source.tables().filter { !ownTables.contains($0.name) })
        let targetTables = Dictionary(uniqueKeysWithValues: try target.tables().map { ($0.name, $0) })
        for t in tables {
            guard let other = targetTables[t.name], other.columns == t.columns else {
                throw IHubError(.version, "store.copy: table \(t.name) differs between the two databases (open both with this ihub version first)")
            }
            if !replacedTables.contains(t.name), let n = try target.scalarInt("SELECT count(*) FROM \(t.name)"), n > 0 {
                throw IHubError(.conflict, "store.copy: the target is not empty (\(t.name) has \(n) rows); copy into a new database")
            }
        }
        for t in tables.reversed() where replacedTables.contains(t.name) {
            try target.statement("DELETE FROM \(t.name)").run([])
        }
        var counts: [(String, Int64)] = []
        for t in tables {
            counts.append((t.name, try copy(t, from: source, to: target)))
            if t.columns.contains("id") { try target.resetIdentity(table: t.name) }
        }
        return counts
    }

    /// Every hub's code, in order: what the copy verifies one by one.
    static func hubCodes(_ db: Database) throws(IHubError) -> [String] {
        try db.statement("SELECT code FROM hubs ORDER BY code").rows([]) { $0.text(0) ?? "" }
    }

    /// Tables after the tables they reference; ties by name.
    static func ordered(_ tables: [TableInfo]) throws(IHubError) -> [TableInfo] {
        var done: Set<String> = [], result: [TableInfo] = []
        var pending = tables.sorted { $0.name < $1.name }
        while !pending.isEmpty {
            guard let next = pending.firstIndex(where: { t in
                t.references.values.allSatisfy { $0 == t.name || done.contains($0) }
            }) else {
                throw IHubError(.error, "store.copy: the references of tables \(pending.map(\.name).joined(separator: ", ")) form a cycle")
            }
            let t = pending.remove(at: next)
            done.insert(t.name)
            result.append(t)
        }
        return result
    }

    private static func copy(_ t: TableInfo, from source: Database, to target: Database) throws(IHubError) -> Int64 {
        let columns = t.columns.map { "\"\($0)\"" }.joined(separator: ", ")
        let order = (t.columns.contains("id") ? ["id"] : t.primaryKey).map { "\"\($0)\"" }.joined(separator: ", ")
        let read = try source.statement("SELECT \(columns) FROM \"\(t.name)\" ORDER BY \(order)")
        try read.bind([])
        let write = BulkInsert(target, table: t.name, columns: t.columns)
        let width = Int32(t.columns.count)
        while try read.step() { try write.add((0..<width).map { value(read, $0) }) }
        try write.flush()
        return write.rows
    }

    /// A column's value as stored, type kept.
    private static func value(_ s: any Statement, _ column: Int32) -> SQLValue {
        switch s.json(column) {
        case .null: .null
        case .int(let i): .int(i)
        case .double(let d): .double(d)
        case .string(let text): .text(text)
        default: .text(s.text(column) ?? "")
        }
    }
}
