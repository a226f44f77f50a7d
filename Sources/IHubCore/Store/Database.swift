#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The store's connection: a backend (SQLite or PostgreSQL) with what both
/// share — cached prepared statements, transactions that nest (savepoints
/// inside), and retries of transactions the server aborted to keep them
/// serializable. Not thread-safe by itself; the owner serializes calls.
final class Database {
    private let backend: any StoreBackend
    private var cache: [String: any Statement] = [:]
    private var transactionDepth = 0
    /// Writes to make once the outermost transaction ends (afterTransaction).
    private var lasting: [(Database) throws(IHubError) -> Void] = []

    /// How often a transaction is tried when the server aborts it to keep
    /// transactions serializable (PostgreSQL), before IHUB_BUSY.
    static let serializationAttempts = 10

    /// Opens `location`: a `postgresql://` or `postgres://` URI (libpq's
    /// connection string rules, `schema` for the deployment's own schema),
    /// otherwise an SQLite file path or ":memory:".
    init(location: String, schema: String? = nil, create: Bool, busyTimeoutMs: Int32) throws(IHubError) {
        if Database.isPostgres(location) {
            backend = try PostgresBackend(uri: location, schema: schema, create: create, busyTimeoutMs: busyTimeoutMs)
        } else {
            if schema != nil { throw IHubError.invalid("options.schema: only a PostgreSQL database has schemas") }
            backend = try SQLiteBackend(path: location, create: create, busyTimeoutMs: busyTimeoutMs)
        }
    }

    static func isPostgres(_ location: String) -> Bool {
        let l = location.prefix(13).lowercased()
        return l.hasPrefix("postgresql://") || l.hasPrefix("postgres://")
    }

    deinit { close() }

    func close() {
        cache.removeAll()
        backend.close()
    }

    var engine: StoreEngine { backend.engine }
    /// The database as the caller named it, without a password.
    var location: String { backend.location }

    // MARK: statements

    /// A cached prepared statement, reset and cleared for the caller.
    func statement(_ sql: String) throws(IHubError) -> any Statement {
        if let s = cache[sql] {
            s.reset()
            return s
        }
        let s = try backend.prepare(sql)
        cache[sql] = s
        return s
    }

    /// Runs SQL that has no parameters and returns no rows (may hold several statements).
    func execute(_ sql: String) throws(IHubError) { try backend.execute(sql) }

    /// The first column of the first row, or nil; the statement is reset
    /// at once, so it holds no read transaction open.
    func scalarInt(_ sql: String, _ values: [SQLValue] = []) throws(IHubError) -> Int64? {
        let s = try statement(sql)
        try s.bind(values)
        defer { s.reset() }
        return try s.step() && !s.isNull(0) ? s.int(0) : nil
    }

    func scalarText(_ sql: String, _ values: [SQLValue] = []) throws(IHubError) -> String? {
        let s = try statement(sql)
        try s.bind(values)
        defer { s.reset() }
        return try s.step() ? s.text(0) : nil
    }

    /// Resets statements left on a row. Their rows have been read into
    /// Swift values; a statement left running would keep a read transaction
    /// open (a stale snapshot for this connection, no checkpoints for others)
    /// and make COMMIT fail.
    func finishStatements() { backend.finishStatements() }

    /// Rows the last INSERT, UPDATE or DELETE changed.
    var changes: Int64 { backend.changes }

    /// Equal stamps mean unchanged data (what a cache keys on). A rollback
    /// changes it too: what a cache read inside the transaction is gone.
    func changeStamp() throws(IHubError) -> [Int64] { [rollbacks] + (try backend.changeStamp()) }
    private var rollbacks: Int64 = 0

    /// Row-locks a record until the transaction ends, where writers run side
    /// by side (PostgreSQL): a check-then-write on it cannot interleave.
    func lockForUpdate(_ kind: RecordKind, id: Int64) throws(IHubError) {
        try backend.lockForUpdate(table: kind.table, id: id)
    }

    /// After rows were written with explicit ids (a copy): new ids follow them.
    func resetIdentity(table: String) throws(IHubError) { try backend.resetIdentity(table: table) }

    /// ihub's tables, by name, as the engine's catalog describes them.
    func tables() throws(IHubError) -> [TableInfo] { try backend.tables() }

    func reserveIDs(table: String, count: Int) throws(IHubError) -> [Int64] { try backend.reserveIDs(table: table, count: count) }

    func schemaVersion() throws(IHubError) -> Int64 { try backend.schemaVersion() }
    func recordSchemaVersion(_ version: Int64) throws(IHubError) { try backend.recordSchemaVersion(version) }
    func lockSchema() throws(IHubError) { try backend.lockSchema() }

    // MARK: transactions

    /// Runs `body` in a transaction (a savepoint when one is already open):
    /// all of it is written, or none of it. On PostgreSQL an outermost
    /// transaction the server aborted to keep transactions serializable is
    /// run again, so `body` must change nothing outside the database but
    /// what it returns.
    func transaction<T>(_ isolation: Isolation = .serializable, _ body: () throws(IHubError) -> T) throws(IHubError) -> T {
        if transactionDepth > 0 { return try savepoint(body) }
        var attempt = 1
        while true {
            lasting.removeAll()  // an attempt run again asks again
            let outcome: Result<T, IHubError>
            do {
                outcome = .success(try outermost(isolation, body))
            } catch {
                if backend.failedToSerialize && attempt < Database.serializationAttempts {
                    Database.pause(attempt: attempt)
                    attempt += 1
                    continue
                }
                outcome = .failure(backend.failedToSerialize
                    ? IHubError(.busy, "\(error.message) (the transaction was tried \(attempt) times while other writers changed the same data)")
                    : error)
            }
            return try keepLasting(outcome)
        }
    }

    /// Writes that outlast the transaction that asked for them, committed or
    /// rolled back: e.g. the decision log's record of a refusal whose error
    /// rolls back the rest. Run at once (in a transaction of their own)
    /// outside a transaction; otherwise after the outermost one ends.
    func afterTransaction(_ work: @escaping (Database) throws(IHubError) -> Void) throws(IHubError) {
        guard transactionDepth > 0 else {
            try transaction { () throws(IHubError) in try work(self) }
            return
        }
        lasting.append(work)
    }

    /// Runs the lasting writes in a transaction of their own, then gives the
    /// outcome; a failure of theirs is said after the caller's own error.
    private func keepLasting<T>(_ outcome: Result<T, IHubError>) throws(IHubError) -> T {
        let work = lasting
        lasting.removeAll()
        guard !work.isEmpty else { return try outcome.get() }
        do {
            try transaction { () throws(IHubError) in for w in work { try w(self) } }
        } catch {
            guard case .failure(let first) = outcome else { throw error }
            throw IHubError(first.status, "\(first.message) (and what was to outlast the transaction was not written: \(error.message))")
        }
        return try outcome.get()
    }

    /// Runs `body` on one consistent snapshot of the database: a read-only
    /// transaction, or the open transaction when there is one.
    func snapshot<T>(_ body: () throws(IHubError) -> T) throws(IHubError) -> T {
        if transactionDepth > 0 { return try body() }
        finishStatements()
        try backend.beginRead()
        transactionDepth = 1
        let outcome: Result<T, IHubError>
        do {
            let result = try body()
            finishStatements()
            try backend.commit()
            outcome = .success(result)
        } catch {
            finishStatements()
            backend.rollback()
            outcome = .failure(error)
        }
        transactionDepth = 0
        return try keepLasting(outcome)
    }

    private func outermost<T>(_ isolation: Isolation, _ body: () throws(IHubError) -> T) throws(IHubError) -> T {
        finishStatements()  // a statement left on a row would hold an old snapshot
        try backend.begin(isolation)
        transactionDepth = 1
        defer { transactionDepth = 0 }
        do {
            let result = try body()
            finishStatements()
            try backend.commit()
            return result
        } catch {
            finishStatements()
            backend.rollback()
            rollbacks += 1
            throw error
        }
    }

    private func savepoint<T>(_ body: () throws(IHubError) -> T) throws(IHubError) -> T {
        finishStatements()  // a statement left on a row would block the savepoint
        try execute("SAVEPOINT nested")
        transactionDepth += 1
        defer { transactionDepth -= 1 }
        do {
            let result = try body()
            finishStatements()
            try execute("RELEASE nested")
            return result
        } catch {
            finishStatements()
            // Undoes the body only; the enclosing transaction goes on (on
            // PostgreSQL it would otherwise be aborted). A failure here leaves
            // the transaction failed, which the outer COMMIT says.
            do { try execute("ROLLBACK TO nested; RELEASE nested") } catch {}
            rollbacks += 1
            throw error
        }
    }

    // MARK: transactions that span calls

    /// Opens a transaction (a savepoint inside one) that the calls after it
    /// join until `endSpan` closes it: the admin Lua context's
    /// ihub.transaction(fn), whose fn makes many calls. Spans nest; the
    /// caller closes them innermost first. No retry on PostgreSQL: what
    /// the calls did outside the database cannot be run again.
    func beginSpan() throws(IHubError) {
        finishStatements()
        if transactionDepth == 0 {
            lasting.removeAll()
            try backend.begin(.serializable)
        } else {
            try execute("SAVEPOINT span\(transactionDepth)")
        }
        transactionDepth += 1
    }

    /// Closes the innermost span: keeps its writes (`commit`) or undoes them.
    func endSpan(commit: Bool) throws(IHubError) {
        guard transactionDepth > 0 else { throw IHubError(.misuse, "no transaction is open") }
        finishStatements()
        transactionDepth -= 1
        let name = "span\(transactionDepth)"
        if transactionDepth == 0 {
            // What was to outlast the span (a refusal's decision) is written
            // now, in a transaction of its own, whatever the span's fate.
            let outcome: Result<Void, IHubError>
            if commit {
                do {
                    try backend.commit()
                    outcome = .success(())
                } catch {
                    backend.rollback()
                    rollbacks += 1
                    outcome = .failure(error)
                }
            } else {
                backend.rollback()
                rollbacks += 1
                outcome = .success(())
            }
            try keepLasting(outcome)
        } else if commit {
            try execute("RELEASE \(name)")
        } else {
            rollbacks += 1
            try execute("ROLLBACK TO \(name); RELEASE \(name)")
        }
    }

    /// Random, growing waits between attempts, so writers that collided do
    /// not collide again in step: up to 2^attempt ms, at most a second.
    private static func pause(attempt: Int) {
        let limitMs = UInt32(min(1 << attempt, 1000))
        usleep(UInt32.random(in: 1...limitMs) * 1000)
    }
}
