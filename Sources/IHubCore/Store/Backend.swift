/// What a storage engine gives the store, in the spirit of libgit2's
/// pluggable backends: a connection that prepares statements, runs SQL,
/// opens transactions and savepoints, keeps the schema's bookkeeping and maps
/// its errors to ihub statuses. `Database` holds one and adds what both
/// engines share (the statement cache, nesting, retries).
protocol StoreBackend: AnyObject {
    /// "sqlite" or "postgresql": what `store.info` and messages say.
    var engine: StoreEngine { get }
    /// The database as the caller named it, safe to print (no password).
    var location: String { get }

    func prepare(_ sql: String) throws(IHubError) -> any Statement
    /// Runs SQL without parameters or rows (it may hold several statements).
    func execute(_ sql: String) throws(IHubError)
    /// Rows the last statement changed.
    var changes: Int64 { get }

    /// Opens the outermost transaction: one writer at a time on SQLite; on
    /// PostgreSQL at `isolation`.
    func begin(_ isolation: Isolation) throws(IHubError)
    /// Opens a read-only transaction on one consistent snapshot.
    func beginRead() throws(IHubError)
    func commit() throws(IHubError)
    func rollback()
    /// Whether the last failure was one a retry of the whole transaction
    /// can cure (a serialization failure or deadlock); cleared by `begin`.
    var failedToSerialize: Bool { get }

    /// Changes whenever anything this connection can read may have changed.
    func changeStamp() throws(IHubError) -> [Int64]
    /// Resets statements left on a row (SQLite holds a read snapshot for one).
    func finishStatements()

    /// The schema version recorded by the migrations, 0 for an empty
    /// database; a database that is not ihub's is refused here.
    func schemaVersion() throws(IHubError) -> Int64
    /// Keeps other connections from migrating until the transaction ends
    /// (SQLite's BEGIN IMMEDIATE already does).
    func lockSchema() throws(IHubError)
    /// Marks the database as ihub's at `version` after a migration ran.
    func recordSchemaVersion(_ version: Int64) throws(IHubError)
    /// Row-locks a record for the rest of the transaction where the engine
    /// lets writers run side by side (PostgreSQL); SQLite has one writer. At
    /// read committed, statements after it see what the lock waited for.
    func lockForUpdate(table: String, id: Int64) throws(IHubError)
    /// After rows were written with explicit ids: new rows get ids above them.
    func resetIdentity(table: String) throws(IHubError)
    /// `count` unused ids of `table`, for rows a batch writes with explicit
    /// ids (inside a write transaction; nobody else takes them).
    func reserveIDs(table: String, count: Int) throws(IHubError) -> [Int64]
    /// The tables of the database (ihub's schema), by name, with their
    /// columns in declaration order, primary key and references.
    func tables() throws(IHubError) -> [TableInfo]

    func close()
}

/// A table as the engine's catalog describes it.
struct TableInfo: Sendable {
    let name: String
    var columns: [String] = []
    /// The primary key's columns, in key order.
    var primaryKey: [String] = []
    /// Column → the table it references.
    var references: [String: String] = [:]
}

/// How much a write transaction is shielded from writers running beside it
/// (PostgreSQL; SQLite runs one writer at a time, which is serializable).
enum Isolation: Sendable {
    /// As if the transactions ran one after another: whatever a transaction
    /// checks before it writes still holds when it commits. The default.
    case serializable
    /// Each statement sees what others committed before it: for writes whose
    /// every invariant is a constraint of the schema (a unique code taken
    /// with ON CONFLICT), so bulk writers of different rows do not abort
    /// each other.
    case readCommitted
}

enum StoreEngine: String, Sendable {
    case sqlite, postgresql
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

/// A prepared statement owned by the Database's cache. Parameters are `?`,
/// numbered from 1; columns from 0.
protocol Statement: AnyObject {
    /// How many parameters the SQL has: `bind` checks the count against it.
    var parameterCount: Int { get }
    /// Clears the last run's rows and bindings.
    func reset()
    func bind(_ value: SQLValue, at index: Int32) throws(IHubError)
    /// Advances to the next row: true while there is one.
    @discardableResult func step() throws(IHubError) -> Bool

    func isNull(_ column: Int32) -> Bool
    func int(_ column: Int32) -> Int64
    func double(_ column: Int32) -> Double
    func text(_ column: Int32) -> String?
    /// The column as JSON: integers, reals, text and NULL keep their type.
    func json(_ column: Int32) -> JSON
}

extension Statement {
    /// Binds every parameter from 1 on, resetting a statement that has run;
    /// a wrong number of values is a bug in the caller, said as misuse.
    func bind(_ values: [SQLValue]) throws(IHubError) {
        reset()
        guard values.count == parameterCount else {
            throw IHubError(.misuse, "statement with \(parameterCount) parameters given \(values.count) values")
        }
        for (i, v) in values.enumerated() { try bind(v, at: Int32(i + 1)) }
    }

    /// Binds `values` and reads every row with `read` (to the end: the
    /// statement holds no read open after).
    func rows<T>(_ values: [SQLValue], _ read: (any Statement) throws(IHubError) -> T) throws(IHubError) -> [T] {
        try bind(values)
        var out: [T] = []
        while try step() { out.append(try read(self)) }
        return out
    }

    /// Binds, runs to completion, and resets: for INSERT/UPDATE/DELETE.
    func run(_ values: [SQLValue]) throws(IHubError) {
        try bind(values)
        try step()
        reset()
    }
}

/// What a failing statement was doing, for messages: "insert into people",
/// "select from schools". Taken from the SQL so every statement has one.
func operationName(_ sql: String) -> String {
    let words = sql.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "(" || $0 == "," })
        .prefix(64).map { $0.lowercased() }
    guard let verb = words.first else { return "statement" }
    let target: String? = switch verb {
    case "insert": words.firstIndex(of: "into").flatMap { $0 + 1 < words.count ? words[$0 + 1] : nil }
    case "update": words.count > 1 ? words[1] : nil
    case "delete", "select", "with": words.firstIndex(of: "from").flatMap { $0 + 1 < words.count ? words[$0 + 1] : nil }
    default: nil
    }
    let name = verb == "with" ? "select" : verb
    guard let target else { return name }
    return name == "insert" ? "insert into \(target)" : name == "update" ? "update \(target)" : "\(name) from \(target)"
}
