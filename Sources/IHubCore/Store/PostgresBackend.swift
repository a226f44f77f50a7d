import CPostgres

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The shared engine: one PostgreSQL database through libpq, for a
/// deployment whose application servers share one database. Every write
/// transaction is SERIALIZABLE, so an invariant checked in a transaction
/// holds with any number of processes; `Database` retries the ones the
/// server had to abort. Not thread-safe by itself; the owner serializes.
final class PostgresBackend: StoreBackend {
    private var conn: OpaquePointer?
    let location: String
    private(set) var changes: Int64 = 0
    private(set) var failedToSerialize = false
    /// Rows this connection changed, for the change stamp.
    private var totalChanges: Int64 = 0
    private var statementCount = 0
    var engine: StoreEngine { .postgresql }

    /// `uri` follows libpq's connection string rules; `schema` puts the
    /// deployment's tables in a schema of their own (created when `create`).
    init(uri: String, schema: String?, create: Bool, busyTimeoutMs: Int32) throws(IHubError) {
        location = PostgresBackend.redacted(uri)
        let opened = PQconnectdb(uri)
        conn = opened
        guard let opened, PQstatus(opened) == CONNECTION_OK else {
            let detail = opened.map { PostgresBackend.oneLine(String(cString: PQerrorMessage($0))) } ?? "out of memory"
            close()
            throw IHubError(.io, "cannot open \(IHubError.quoted(location, limit: Limits.path)): \(detail)")
        }
        PQsetNoticeProcessor(opened, { _, _ in }, nil)  // notices are not errors; keep stderr clean
        do throws(IHubError) {
            // UTC and shortest exact floats, whatever the server's defaults.
            try execute("SET client_encoding = 'UTF8'; SET TIME ZONE 'UTC'; SET extra_float_digits = 1; "
                        + "SET client_min_messages = warning; SET lock_timeout = \(busyTimeoutMs)")
            if let schema {
                let quoted = "\"\(schema)\""  // Engine.Options checked it is a plain identifier
                let exists = try query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [schema]) != nil
                if !exists {
                    guard create else {
                        throw IHubError(.notFound, "no schema \(IHubError.quoted(schema)) (and create is false)")
                    }
                    try execute("CREATE SCHEMA IF NOT EXISTS \(quoted)")
                }
                try execute("SET search_path TO \(quoted)")
            }
        } catch {
            close()
            throw IHubError(error.status, "cannot open \(IHubError.quoted(location, limit: Limits.path)): \(error.message)")
        }
    }

    deinit { close() }

    func close() {
        if let conn { PQfinish(conn) }
        conn = nil
    }

    func prepare(_ sql: String) throws(IHubError) -> any Statement {
        let (numbered, count) = PostgresBackend.numberParameters(sql)
        statementCount += 1
        let name = "ihub_\(statementCount)"
        let result = PQprepare(conn, name, numbered, Int32(count), nil)
        defer { PQclear(result) }
        try check(result, sql)
        return PostgresStatement(name: name, sql: sql, parameterCount: count, backend: self)
    }

    func execute(_ sql: String) throws(IHubError) {
        let result = PQexec(conn, sql)
        defer { PQclear(result) }
        try check(result, sql)
    }

    /// The first column of the first row, parameters given as text.
    private func query(_ sql: String, _ values: [String]) throws(IHubError) -> String? {
        let result = PostgresBackend.withParameters(values) { PQexecParams(conn, sql, $0, nil, $1, nil, nil, 0) }
        defer { PQclear(result) }
        try check(result, sql)
        guard PQntuples(result) > 0, PQgetisnull(result, 0, 0) == 0 else { return nil }
        return String(cString: PQgetvalue(result, 0, 0))
    }

    func begin(_ isolation: Isolation) throws(IHubError) {
        failedToSerialize = false
        try execute(isolation == .serializable ? "BEGIN ISOLATION LEVEL SERIALIZABLE" : "BEGIN ISOLATION LEVEL READ COMMITTED")
    }
    func beginRead() throws(IHubError) { try execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") }
    /// PostgreSQL answers COMMIT of a failed transaction with a rollback,
    /// and no error: say it.
    func commit() throws(IHubError) {
        if PQtransactionStatus(conn) == PQTRANS_INERROR {
            rollback()
            throw IHubError(.error, "commit: an earlier statement of the transaction failed; nothing was written")
        }
        try execute("COMMIT")
    }
    func rollback() {
        if PQtransactionStatus(conn) != PQTRANS_IDLE { PQclear(PQexec(conn, "ROLLBACK")) }
    }

    func finishStatements() {}  // rows are read whole: no statement holds a snapshot

    /// This connection's changes and the server's write-ahead log insert
    /// position, which moves with every commit anyone makes.
    func changeStamp() throws(IHubError) -> [Int64] {
        let lsn = try query("SELECT CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_insert_lsn() END - '0/0'", []) ?? "0"
        return [totalChanges, Int64(lsn.split(separator: ".").first ?? "0") ?? 0]
    }

    func schemaVersion() throws(IHubError) -> Int64 {
        let tables = Int64(try query("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()", []) ?? "0") ?? 0
        guard tables > 0 else { return 0 }
        let recorded = try query("SELECT 1 FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'ihub_migrations'", []) != nil
        guard recorded else {
            let schema = try query("SELECT current_schema()", []) ?? "?"
            throw IHubError(.corrupt, "\(IHubError.quoted(location, limit: Limits.path)) schema \(IHubError.quoted(schema)) holds tables but not an ihub database")
        }
        return Int64(try query("SELECT coalesce(max(version), 0) FROM ihub_migrations", []) ?? "0") ?? 0
    }

    func recordSchemaVersion(_ version: Int64) throws(IHubError) {}  // the migrations table is the record

    /// A transaction-wide advisory lock, "IHUB" as its key: servers opening
    /// one database at once migrate it one after the other.
    func lockSchema() throws(IHubError) { _ = try query("SELECT pg_advisory_xact_lock(1229541698)", []) }

    func lockForUpdate(table: String, id: Int64) throws(IHubError) {
        _ = try query("SELECT id FROM \(table) WHERE id = $1 FOR UPDATE", [String(id)])
    }

    func resetIdentity(table: String) throws(IHubError) {
        _ = try query("SELECT setval(pg_get_serial_sequence($1, 'id'), coalesce(max(id), 0) + 1, false) FROM \(table)", [table])
    }

    func tables() throws(IHubError) -> [TableInfo] {
        /// The first two columns of the rows of a catalogue query.
        func rows(_ sql: String, _ values: [SQLValue]) throws(IHubError) -> [[String]] {
            let s = try catalogStatement(sql)
            try s.bind(values)
            var out: [[String]] = []
            while try s.step() { out.append([s.text(0) ?? "", s.text(1) ?? ""]) }
            return out
        }
        var tables: [TableInfo] = []
        for name in try rows("SELECT tablename, '' FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename COLLATE \"C\"", []).map({ $0[0] }) {
            var t = TableInfo(name: name)
            // pg_attribute, not information_schema: the views check privileges
            // on every relation of every schema, slow on a busy server.
            t.columns = try rows("""
                SELECT attname, '' FROM pg_attribute
                WHERE attrelid = CAST(? AS regclass) AND attnum > 0 AND NOT attisdropped ORDER BY attnum
                """, [.text(name)]).map { $0[0] }
            t.primaryKey = try rows("""
                SELECT a.attname, '' FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
                WHERE i.indrelid = CAST(? AS regclass) AND i.indisprimary ORDER BY array_position(CAST(i.indkey AS int2[]), a.attnum)
                """, [.text(name)]).map { $0[0] }
            for r in try rows("""
                SELECT a.attname, f.relname FROM pg_constraint c JOIN pg_class f ON f.oid = c.confrelid
                JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
                WHERE c.conrelid = CAST(? AS regclass) AND c.contype = 'f'
                """, [.text(name)]) { t.references[r[0]] = r[1] }
            tables.append(t)
        }
        return tables
    }

    /// The catalog's statements, prepared once per connection.
    private var catalog: [String: any Statement] = [:]
    private func catalogStatement(_ sql: String) throws(IHubError) -> any Statement {
        if let s = catalog[sql] { return s }
        let s = try prepare(sql)
        catalog[sql] = s
        return s
    }

    /// Values of the table's identity sequence: taken by nobody else, even
    /// by writers side by side.
    func reserveIDs(table: String, count: Int) throws(IHubError) -> [Int64] {
        let s = try catalogStatement("SELECT nextval(pg_get_serial_sequence(?, 'id')) FROM generate_series(1, CAST(? AS BIGINT))")
        try s.bind([.text(table), .int(Int64(count))])
        var ids: [Int64] = []
        ids.reserveCapacity(count)
        while try s.step() { ids.append(s.int(0)) }
        s.reset()
        return ids
    }

    // MARK: running statements

    /// Runs a prepared statement with text parameters (NULL for nil).
    fileprivate func run(_ statement: PostgresStatement, _ values: [String?]) throws(IHubError) -> OpaquePointer? {
        let result = PostgresBackend.withParameters(values) { PQexecPrepared(conn, statement.name, $0, $1, nil, nil, 0) }
        do {
            try check(result, statement.sql)
        } catch {
            PQclear(result)
            throw error
        }
        let tuples = PQcmdTuples(result).map { Int64(String(cString: $0)) ?? 0 } ?? 0
        if statement.writes {  // like SQLite, a read leaves the count of the last write
            changes = tuples
            totalChanges += tuples
        }
        return result
    }

    /// Text parameters as libpq takes them (NULL for nil), for the length of `body`.
    private static func withParameters(_ values: [String?], _ body: (Int32, UnsafePointer<UnsafePointer<CChar>?>?) -> OpaquePointer?) -> OpaquePointer? {
        var cStrings: [UnsafeMutablePointer<CChar>?] = values.map { $0.map { strdup($0) } ?? nil }
        defer { cStrings.forEach { free($0) } }
        return cStrings.withUnsafeMutableBufferPointer { p in
            guard let base = p.baseAddress else { return body(0, nil) }
            return base.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: p.count) { body(Int32(p.count), $0) }
        }
    }

    private func check(_ result: OpaquePointer?, _ sql: String) throws(IHubError) {
        let status = result.map(PQresultStatus) ?? PGRES_FATAL_ERROR
        if status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK { return }
        let state = result.flatMap { PQresultErrorField($0, Int32(UInt8(ascii: "C"))) }.map { String(cString: $0) } ?? ""
        let primary = result.flatMap { PQresultErrorField($0, Int32(UInt8(ascii: "M"))) }.map { String(cString: $0) }
        let message = primary ?? PostgresBackend.oneLine(String(cString: PQerrorMessage(conn)))
        if state == "40001" || state == "40P01" { failedToSerialize = true }
        throw IHubError(PostgresBackend.status(state, connectionOK: PQstatus(conn) == CONNECTION_OK),
                        "\(operationName(sql)): \(message)")
    }

    /// SQLSTATE classes to ihub statuses.
    static func status(_ state: String, connectionOK: Bool) -> Status {
        if !connectionOK { return .io }
        switch state {
        case "23505": return .conflict                        // unique_violation
        case "40001", "40P01", "55P03", "57014": return .busy  // serialization, deadlock, lock timeout, cancelled
        case "53200": return .noMemory
        case "53100", "58030": return .io                     // disk full, I/O error
        case "XX001", "XX002": return .corrupt                 // data or index corrupted
        default:
            if state.hasPrefix("23") { return .constraint }    // check, foreign key, not null
            if state.hasPrefix("08") { return .io }            // connection exception
            return .error
        }
    }

    // MARK: text

    /// `?` parameters numbered `$1, $2, …` as PostgreSQL wants them, outside
    /// quoted text and identifiers, `--` and `/* */` comments; and how many
    /// there are. (ihub's SQL has no E'' or $$ strings, whose quoting differs.)
    static func numberParameters(_ sql: String) -> (String, Int) {
        var out = ""
        out.reserveCapacity(sql.utf8.count + 16)
        var count = 0
        var quote: Character? = nil
        var lineComment = false, blockComment = false
        var previous: Character = " "
        for c in sql {
            if lineComment {
                if c == "\n" { lineComment = false }
            } else if blockComment {
                if c == "/" && previous == "*" { blockComment = false; out.append(c); previous = " "; continue }
            } else if let q = quote {
                if c == q { quote = nil }
            } else if c == "'" || c == "\"" {
                quote = c
            } else if c == "-" && previous == "-" {
                lineComment = true
            } else if c == "*" && previous == "/" {
                blockComment = true
            } else if c == "?" {
                count += 1
                out += "$\(count)"
                previous = c
                continue
            }
            out.append(c)
            previous = c
        }
        return (out, count)
    }

    /// The URI without its password (the user:password part and every
    /// `password=` or `sslpassword=` parameter), for messages.
    static func redacted(_ uri: String) -> String {
        var text = uri
        if let scheme = text.firstRange(of: "://") {
            let rest = text[scheme.upperBound...]
            let authorityEnd = rest.firstIndex(of: "?") ?? rest.endIndex
            if let at = rest[..<authorityEnd].lastIndex(of: "@"),
               let colon = rest[..<at].firstIndex(of: ":") {
                text.replaceSubrange(text.index(after: colon)..<at, with: "***")
            }
        }
        var searched = 0  // characters already looked at (indices do not outlive a change)
        while let p = text.dropFirst(searched).firstRange(of: "password=") {
            let end = text[p.upperBound...].firstIndex(where: { $0 == "&" || $0 == " " }) ?? text.endIndex
            searched = text.distance(from: text.startIndex, to: p.upperBound) + 3
            text.replaceSubrange(p.upperBound..<end, with: "***")
        }
        return text
    }

    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline)
            .map { $0.drop(while: { $0 == " " || $0 == "\t" }) }
            .filter { !$0.isEmpty }.joined(separator: "; ")
    }
}

final class PostgresStatement: Statement {
    let name: String
    let sql: String
    let parameterCount: Int
    /// INSERT/UPDATE/DELETE: rows it returns (RETURNING) also count as changes.
    let writes: Bool
    unowned let backend: PostgresBackend
    private var values: [String?]
    private var result: OpaquePointer?
    private var row: Int32 = -1
    private var rows: Int32 = 0

    init(name: String, sql: String, parameterCount: Int, backend: PostgresBackend) {
        self.name = name
        self.sql = sql
        self.parameterCount = parameterCount
        self.backend = backend
        let verb = operationName(sql)
        writes = verb.hasPrefix("insert") || verb.hasPrefix("update") || verb.hasPrefix("delete")
        values = Array(repeating: nil, count: parameterCount)
    }

    deinit { PQclear(result) }

    func reset() {
        PQclear(result)
        result = nil
        row = -1
        rows = 0
        for i in values.indices { values[i] = nil }
    }

    func bind(_ value: SQLValue, at index: Int32) throws(IHubError) {
        guard index >= 1 && Int(index) <= parameterCount else {
            throw IHubError(.misuse, "\(operationName(sql)): no parameter \(index) (the statement has \(parameterCount))")
        }
        if result != nil { PQclear(result); result = nil; row = -1 }
        switch value {
        case .null: values[Int(index) - 1] = nil
        case .int(let i): values[Int(index) - 1] = String(i)
        case .double(let d): values[Int(index) - 1] = d.isFinite ? "\(d)" : d.isNaN ? "NaN" : d < 0 ? "-Infinity" : "Infinity"
        case .text(let s): values[Int(index) - 1] = s
        }
    }

    @discardableResult
    func step() throws(IHubError) -> Bool {
        if result == nil {
            result = try backend.run(self, values)
            rows = PQntuples(result)
            row = -1
        }
        row += 1
        return row < rows
    }

    private func value(_ column: Int32) -> UnsafeMutablePointer<CChar>? {
        guard row >= 0 && row < rows, PQgetisnull(result, row, column) == 0 else { return nil }
        return PQgetvalue(result, row, column)
    }

    func isNull(_ column: Int32) -> Bool { value(column) == nil }

    func int(_ column: Int32) -> Int64 {
        guard let p = value(column) else { return 0 }
        switch p.pointee {
        case CChar(UInt8(ascii: "t")): return 1  // boolean
        case CChar(UInt8(ascii: "f")): return 0
        default: return strtoll(p, nil, 10)
        }
    }

    func double(_ column: Int32) -> Double {
        guard let p = value(column) else { return 0 }
        return strtod(p, nil)
    }

    func text(_ column: Int32) -> String? {
        guard let p = value(column) else { return nil }
        let n = Int(PQgetlength(result, row, column))
        return p.withMemoryRebound(to: UInt8.self, capacity: n) {
            String(decoding: UnsafeBufferPointer(start: $0, count: n), as: UTF8.self)
        }
    }

    /// Types by their built-in OIDs (pg_type.h): integers, floats, numeric,
    /// booleans; anything else is text.
    func json(_ column: Int32) -> JSON {
        guard value(column) != nil else { return .null }
        switch PQftype(result, column) {
        case 20, 21, 23, 16: return .int(int(column))   // int8, int2, int4, bool
        case 700, 701: return .double(double(column))   // float4, float8
        case 1700:                                      // numeric: sum() and avg()
            let t = text(column) ?? "0"
            if !t.contains("."), let i = Int64(t) { return .int(i) }
            return .double(double(column))
        default: return .string(text(column) ?? "")
        }
    }
}
