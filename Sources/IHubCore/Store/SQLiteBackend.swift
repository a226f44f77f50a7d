import CSQLite

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// SQLITE_TRANSIENT is a macro Swift cannot import: SQLite copies the bytes.
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
/// Extended result codes, macros Swift cannot import either.
private let constraintUnique: Int32 = SQLITE_CONSTRAINT | (8 << 8)
private let constraintPrimaryKey: Int32 = SQLITE_CONSTRAINT | (6 << 8)

/// The embedded engine: one SQLite file (or ":memory:") with WAL, foreign
/// keys and a busy timeout. Not thread-safe by itself; the owner serializes.
final class SQLiteBackend: StoreBackend {
    private var db: OpaquePointer?
    let location: String
    var engine: StoreEngine { .sqlite }
    var failedToSerialize: Bool { false }  // one writer at a time: nothing to retry

    /// "IHUB" in ASCII: tells an ihub file from any other SQLite file.
    static let applicationID: Int64 = 0x4948_5542

    init(path: String, create: Bool, busyTimeoutMs: Int32) throws(IHubError) {
        location = path
        // No SQLITE_OPEN_URI: a path is a file name (Engine.checkPath says why).
        var flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX
        if create { flags |= SQLITE_OPEN_CREATE }
        var handle: OpaquePointer?
        let rc = sqlite3_open_v2(path, &handle, flags, nil)
        if rc != SQLITE_OK {
            let detail = handle.map { String(cString: sqlite3_errmsg($0)) + SQLiteBackend.osReason(sqlite3_system_errno($0)) } ?? "out of memory"
            sqlite3_close_v2(handle)
            if rc == SQLITE_CANTOPEN && !create && access(path, F_OK) != 0 {
                throw IHubError(.notFound, "cannot open \(IHubError.quoted(path, limit: Limits.path)): no such database file (and create is false)")
            }
            throw IHubError(SQLiteBackend.status(rc), "cannot open \(IHubError.quoted(path, limit: Limits.path)): \(detail)")
        }
        db = handle
        sqlite3_extended_result_codes(handle, 1)
        sqlite3_busy_timeout(handle, busyTimeoutMs)
        do {
            // The first read of the file: a non-database fails here, cleanly.
            try execute("PRAGMA foreign_keys = ON")
            if path != ":memory:" {
                _ = try scalar("PRAGMA journal_mode = WAL")
            }
            try execute("PRAGMA synchronous = NORMAL")
            // A page cache of up to 64 MiB instead of SQLite's 2 MB: bulk
            // imports into tables with unique indexes on random keys (uuids)
            // otherwise spend most of their time re-reading index pages.
            // The cache grows only as pages are used.
            try execute("PRAGMA cache_size = -65536")
        } catch {
            close()
            throw IHubError(error.status, "cannot open \(IHubError.quoted(path, limit: Limits.path)): \(error.message)")
        }
    }

    deinit { close() }

    func close() {
        guard let db else { return }
        var s = sqlite3_next_stmt(db, nil)
        while let statement = s {
            s = sqlite3_next_stmt(db, statement)
            sqlite3_finalize(statement)
        }
        sqlite3_close_v2(db)
        self.db = nil
    }

    func prepare(_ sql: String) throws(IHubError) -> any Statement {
        var raw: OpaquePointer?
        let rc = sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &raw, nil)
        guard rc == SQLITE_OK, let raw else { throw error(rc, sql) }
        return SQLiteStatement(raw: raw, backend: self, sql: sql)
    }

    func execute(_ sql: String) throws(IHubError) {
        let rc = sqlite3_exec(db, sql, nil, nil, nil)
        if rc != SQLITE_OK { throw error(rc, sql) }
    }

    var changes: Int64 { Int64(sqlite3_changes64(db)) }

    /// BEGIN IMMEDIATE takes the write lock at once: a transaction never
    /// fails half-way because another connection wrote first.
    func begin(_ isolation: Isolation) throws(IHubError) { try execute("BEGIN IMMEDIATE") }
    func beginRead() throws(IHubError) { try execute("BEGIN") }  // deferred: a snapshot from the first read
    func commit() throws(IHubError) { try execute("COMMIT") }
    func rollback() {
        if sqlite3_get_autocommit(db) == 0 { sqlite3_exec(db, "ROLLBACK", nil, nil, nil) }
    }

    func finishStatements() {
        var s = sqlite3_next_stmt(db, nil)
        while let statement = s {
            if sqlite3_stmt_busy(statement) != 0 { sqlite3_reset(statement) }
            s = sqlite3_next_stmt(db, statement)
        }
    }

    /// Rows changed by this connection and commits by others so far.
    func changeStamp() throws(IHubError) -> [Int64] {
        [sqlite3_total_changes64(db), Int64(try scalar("PRAGMA data_version") ?? "0") ?? 0]
    }

    /// The migrations table's record. `user_version` repeats it for older
    /// ihub versions, which read only that to refuse a newer file; the
    /// larger of the two counts.
    func schemaVersion() throws(IHubError) -> Int64 {
        let appID = Int64(try scalar("PRAGMA application_id") ?? "0") ?? 0
        if appID != SQLiteBackend.applicationID {
            let tables = Int64(try scalar("SELECT count(*) FROM sqlite_schema") ?? "0") ?? 0
            if appID != 0 || tables > 0 {
                throw IHubError(.corrupt, "\(IHubError.quoted(location, limit: Limits.path)) is an SQLite database but not an ihub database")
            }
            return 0
        }
        let userVersion = Int64(try scalar("PRAGMA user_version") ?? "0") ?? 0
        guard try scalar("SELECT count(*) FROM sqlite_schema WHERE name = 'ihub_migrations'") == "1" else { return userVersion }
        return max(userVersion, Int64(try scalar("SELECT coalesce(max(version), 0) FROM ihub_migrations") ?? "0") ?? 0)
    }

    func recordSchemaVersion(_ version: Int64) throws(IHubError) {
        try execute("PRAGMA user_version = \(version); PRAGMA application_id = \(SQLiteBackend.applicationID)")
    }

    func lockSchema() throws(IHubError) {}  // BEGIN IMMEDIATE holds the only write lock
    func lockForUpdate(table: String, id: Int64) throws(IHubError) {}  // BEGIN IMMEDIATE holds the only write lock
    func resetIdentity(table: String) throws(IHubError) {}  // INTEGER PRIMARY KEY continues from the largest id

    /// The ids after the largest: BEGIN IMMEDIATE keeps other writers out
    /// until the batch has written them.
    func reserveIDs(table: String, count: Int) throws(IHubError) -> [Int64] {
        let largest = Int64(try scalar("SELECT coalesce(max(id), 0) FROM \(table)") ?? "0") ?? 0
        return count > 0 ? Array((largest + 1)...(largest + Int64(count))) : []
    }

    func tables() throws(IHubError) -> [TableInfo] {
        var tables: [TableInfo] = []
        for name in try column("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name") {
            var t = TableInfo(name: name)
            var keys: [(Int64, String)] = []
            let info = try prepare("SELECT name, pk FROM pragma_table_info(?) ORDER BY cid") as! SQLiteStatement
            defer { sqlite3_finalize(info.raw) }
            try info.bind([.text(name)])
            while try info.step() {
                t.columns.append(info.text(0) ?? "")
                if info.int(1) > 0 { keys.append((info.int(1), info.text(0) ?? "")) }
            }
            t.primaryKey = keys.sorted { $0.0 < $1.0 }.map(\.1)
            let references = try prepare("SELECT \"from\", \"table\" FROM pragma_foreign_key_list(?)") as! SQLiteStatement
            defer { sqlite3_finalize(references.raw) }
            try references.bind([.text(name)])
            while try references.step() { t.references[references.text(0) ?? ""] = references.text(1) ?? "" }
            tables.append(t)
        }
        return tables
    }

    /// The first column of every row of SQL without parameters.
    private func column(_ sql: String) throws(IHubError) -> [String] {
        let s = try prepare(sql) as! SQLiteStatement
        defer { sqlite3_finalize(s.raw) }
        var values: [String] = []
        while try s.step() { values.append(s.text(0) ?? "") }
        return values
    }

    /// The first column of the first row of SQL without parameters.
    private func scalar(_ sql: String) throws(IHubError) -> String? {
        let s = try prepare(sql) as! SQLiteStatement
        defer { sqlite3_finalize(s.raw) }
        return try s.step() ? s.text(0) : nil
    }

    // MARK: errors

    func error(_ rc: Int32, _ sql: String) -> IHubError {
        let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
        return IHubError(SQLiteBackend.status(rc), "\(operationName(sql)): \(message)")
    }

    /// The operating system's reason for the last failure, when it has one
    /// (SQLite's "unable to open database file" does not say why).
    static func osReason(_ e: Int32) -> String {
        e == 0 ? "" : " (\(String(cString: strerror(e))))"
    }

    static func status(_ rc: Int32) -> Status {
        switch rc & 0xFF {
        case SQLITE_CONSTRAINT: return rc == constraintUnique || rc == constraintPrimaryKey ? .conflict : .constraint
        case SQLITE_NOTADB, SQLITE_CORRUPT: return .corrupt
        case SQLITE_BUSY, SQLITE_LOCKED: return .busy
        case SQLITE_NOMEM: return .noMemory
        case SQLITE_CANTOPEN, SQLITE_IOERR, SQLITE_READONLY, SQLITE_FULL, SQLITE_PERM: return .io
        case SQLITE_MISUSE: return .misuse
        default: return .error
        }
    }
}

final class SQLiteStatement: Statement {
    let raw: OpaquePointer
    unowned let backend: SQLiteBackend
    let sql: String
    let parameterCount: Int

    init(raw: OpaquePointer, backend: SQLiteBackend, sql: String) {
        self.raw = raw
        self.backend = backend
        self.sql = sql
        parameterCount = Int(sqlite3_bind_parameter_count(raw))
    }

    func reset() {
        sqlite3_reset(raw)
        sqlite3_clear_bindings(raw)
    }

    func bind(_ value: SQLValue, at index: Int32) throws(IHubError) {
        let rc: Int32
        switch value {
        case .null: rc = sqlite3_bind_null(raw, index)
        case .int(let i): rc = sqlite3_bind_int64(raw, index, i)
        case .double(let d): rc = sqlite3_bind_double(raw, index, d)
        case .text(let s): rc = sqlite3_bind_text(raw, index, s, Int32(clamping: s.utf8.count), transient)
        }
        if rc != SQLITE_OK { throw backend.error(rc, sql) }
    }

    @discardableResult
    func step() throws(IHubError) -> Bool {
        let rc = sqlite3_step(raw)
        if rc == SQLITE_ROW { return true }
        if rc == SQLITE_DONE { return false }
        let e = backend.error(rc, sql)
        sqlite3_reset(raw)
        throw e
    }

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(raw, column) == SQLITE_NULL }
    func int(_ column: Int32) -> Int64 { sqlite3_column_int64(raw, column) }
    func double(_ column: Int32) -> Double { sqlite3_column_double(raw, column) }

    func text(_ column: Int32) -> String? {
        guard let p = sqlite3_column_text(raw, column) else { return nil }
        let n = Int(sqlite3_column_bytes(raw, column))
        return String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
    }

    func json(_ column: Int32) -> JSON {
        switch sqlite3_column_type(raw, column) {
        case SQLITE_INTEGER: return .int(int(column))
        case SQLITE_FLOAT: return .double(double(column))
        case SQLITE_NULL: return .null
        default: return .string(text(column) ?? "")
        }
    }
}
