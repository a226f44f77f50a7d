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

/// One SQLite connection: WAL, foreign keys, busy timeout, cached prepared
/// statements, and transactions that nest (savepoints inside).
/// Not thread-safe by itself; the owner serializes calls.
final class Database {
    private var db: OpaquePointer?
    private var cache: [String: Statement] = [:]
    private var transactionDepth = 0
    let path: String

    init(path: String, create: Bool, busyTimeoutMs: Int32) throws(IHubError) {
        self.path = path
        // No SQLITE_OPEN_URI: a path is a file name (Engine.checkPath says why).
        var flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX
        if create { flags |= SQLITE_OPEN_CREATE }
        var handle: OpaquePointer?
        let rc = sqlite3_open_v2(path, &handle, flags, nil)
        if rc != SQLITE_OK {
            let detail = handle.map { String(cString: sqlite3_errmsg($0)) + Database.osReason(sqlite3_system_errno($0)) } ?? "out of memory"
            sqlite3_close_v2(handle)
            if rc == SQLITE_CANTOPEN && !create && access(path, F_OK) != 0 {
                throw IHubError(.notFound, "cannot open \(IHubError.quoted(path, limit: Limits.path)): no such database file (and create is false)")
            }
            throw IHubError(Database.status(rc), "cannot open \(IHubError.quoted(path, limit: Limits.path)): \(detail)")
        }
        db = handle
        sqlite3_extended_result_codes(handle, 1)
        sqlite3_busy_timeout(handle, busyTimeoutMs)
        do {
            // The first read of the file: a non-database fails here, cleanly.
            try execute("PRAGMA foreign_keys = ON")
            if path != ":memory:" && !path.isEmpty {
                _ = try scalarText("PRAGMA journal_mode = WAL")
            }
            try execute("PRAGMA synchronous = NORMAL")
        } catch {
            close()
            throw IHubError(error.status, "cannot open \(IHubError.quoted(path, limit: Limits.path)): \(error.message)")
        }
    }

    deinit { close() }

    func close() {
        for statement in cache.values { sqlite3_finalize(statement.raw) }
        cache.removeAll()
        if let db { sqlite3_close_v2(db) }
        db = nil
    }

    // MARK: statements

    /// A cached prepared statement, reset and cleared for the caller.
    func statement(_ sql: String) throws(IHubError) -> Statement {
        if let s = cache[sql] {
            sqlite3_reset(s.raw)
            sqlite3_clear_bindings(s.raw)
            return s
        }
        var raw: OpaquePointer?
        let rc = sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &raw, nil)
        guard rc == SQLITE_OK, let raw else { throw error(rc) }
        let s = Statement(raw: raw, database: self)
        cache[sql] = s
        return s
    }

    /// Runs SQL that returns no rows (may hold several statements).
    func execute(_ sql: String) throws(IHubError) {
        let rc = sqlite3_exec(db, sql, nil, nil, nil)
        if rc != SQLITE_OK { throw error(rc) }
    }

    /// The first column of the first row, or nil; the statement is reset
    /// at once, so it holds no read transaction open.
    func scalarInt(_ sql: String, _ values: [SQLValue] = []) throws(IHubError) -> Int64? {
        let s = try statement(sql)
        try s.bind(values)
        defer { sqlite3_reset(s.raw) }
        return try s.step() ? s.int(0) : nil
    }

    func scalarText(_ sql: String, _ values: [SQLValue] = []) throws(IHubError) -> String? {
        let s = try statement(sql)
        try s.bind(values)
        defer { sqlite3_reset(s.raw) }
        return try s.step() ? s.text(0) : nil
    }

    /// Resets statements left on a row. Their rows have been read into
    /// Swift values; a statement left running would keep a read transaction
    /// open (a stale snapshot for this connection, no checkpoints for others)
    /// and make COMMIT fail.
    func finishStatements() {
        var s = sqlite3_next_stmt(db, nil)
        while let statement = s {
            if sqlite3_stmt_busy(statement) != 0 { sqlite3_reset(statement) }
            s = sqlite3_next_stmt(db, statement)
        }
    }

    /// Rows changed by this connection and commits by others so far: an
    /// equal stamp means unchanged data (what a cache keys on).
    func changeStamp() throws(IHubError) -> [Int64] {
        [sqlite3_total_changes64(db), try scalarInt("PRAGMA data_version") ?? 0]
    }

    var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(db) }
    var changes: Int32 { sqlite3_changes(db) }

    // MARK: transactions

    /// Runs `body` in a transaction (a savepoint when one is already open):
    /// all of it is written, or none of it.
    func transaction<T>(_ body: () throws(IHubError) -> T) throws(IHubError) -> T {
        let outermost = transactionDepth == 0
        finishStatements()  // a statement left on a row would block the savepoint
        try execute(outermost ? "BEGIN IMMEDIATE" : "SAVEPOINT nested")
        transactionDepth += 1
        do {
            let result = try body()
            finishStatements()
            transactionDepth -= 1
            try execute(outermost ? "COMMIT" : "RELEASE nested")
            return result
        } catch {
            transactionDepth -= 1
            if outermost {
                try? execute("ROLLBACK")
            } else {
                try? execute("ROLLBACK TO nested; RELEASE nested")
            }
            throw error
        }
    }

    // MARK: errors

    func error(_ rc: Int32) -> IHubError {
        let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
        return IHubError(Database.status(rc), message)
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

/// A value to bind to a statement parameter.
enum SQLValue {
    case null
    case int(Int64)
    case double(Double)
    case text(String)

    init(_ s: String?) { self = s.map { .text($0) } ?? .null }
    init(_ i: Int64?) { self = i.map { .int($0) } ?? .null }
    init(_ d: Double?) { self = d.map { .double($0) } ?? .null }
}

/// A prepared statement owned by the Database's cache.
final class Statement {
    let raw: OpaquePointer
    unowned let database: Database

    init(raw: OpaquePointer, database: Database) {
        self.raw = raw
        self.database = database
    }

    /// Binds from parameter 1 on, resetting a statement that has run.
    func bind(_ values: [SQLValue]) throws(IHubError) {
        sqlite3_reset(raw)
        for (i, v) in values.enumerated() { try bind(v, at: Int32(i + 1)) }
    }

    func bind(_ value: SQLValue, at index: Int32) throws(IHubError) {
        let rc: Int32
        switch value {
        case .null: rc = sqlite3_bind_null(raw, index)
        case .int(let i): rc = sqlite3_bind_int64(raw, index, i)
        case .double(let d): rc = sqlite3_bind_double(raw, index, d)
        case .text(let s): rc = sqlite3_bind_text(raw, index, s, Int32(clamping: s.utf8.count), transient)
        }
        if rc != SQLITE_OK { throw database.error(rc) }
    }

    /// Advances to the next row: true while there is one.
    @discardableResult
    func step() throws(IHubError) -> Bool {
        let rc = sqlite3_step(raw)
        if rc == SQLITE_ROW { return true }
        if rc == SQLITE_DONE { return false }
        let e = database.error(rc)
        sqlite3_reset(raw)
        throw e
    }

    /// Binds, runs to completion, and resets: for INSERT/UPDATE/DELETE.
    func run(_ values: [SQLValue]) throws(IHubError) {
        sqlite3_reset(raw)
        try bind(values)
        try step()
        sqlite3_reset(raw)
    }

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(raw, column) == SQLITE_NULL }
    func int(_ column: Int32) -> Int64 { sqlite3_column_int64(raw, column) }
    func double(_ column: Int32) -> Double { sqlite3_column_double(raw, column) }

    func text(_ column: Int32) -> String? {
        guard let p = sqlite3_column_text(raw, column) else { return nil }
        let n = Int(sqlite3_column_bytes(raw, column))
        return String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
    }

    /// The column as JSON: integers, reals, text and NULL keep their type.
    func json(_ column: Int32) -> JSON {
        switch sqlite3_column_type(raw, column) {
        case SQLITE_INTEGER: return .int(int(column))
        case SQLITE_FLOAT: return .double(double(column))
        case SQLITE_NULL: return .null
        default: return .string(text(column) ?? "")
        }
    }
}
