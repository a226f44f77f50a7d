/// The engine behind one handle: the database, the method table, and the two
/// Lua contexts (methodology: read-only and tightly budgeted; admin: may
/// write, used by ihub_eval and the REPL). Not thread-safe: the owner (the
/// ABI handle, the CLI) serializes calls.
package final class Engine {
    package struct Options: Sendable {
        var create = true
        var schema: String?
        var busyTimeoutMs: Int32 = 5000
        var scriptTimeMs = 1000
        var scriptMemoryMB = 64
        var adminTimeMs = 60000
        var adminMemoryMB = 512

        static let fields: [Field] = [
            .optional("create", .boolean, "create the file if missing (default true)"),
            .optional("schema", .string, "PostgreSQL: the schema that holds this deployment's tables (created if missing, unless create is false)"),
            .optional("busy_timeout_ms", .integer, "how long to wait for a lock (default 5000)"),
            .optional("script_time_ms", .integer, "time budget of one methodology evaluation (default 1000)"),
            .optional("script_memory_mb", .integer, "memory budget of the methodology Lua state (default 64)"),
            .optional("admin_time_ms", .integer, "time budget of one admin evaluation (default 60000)"),
            .optional("admin_memory_mb", .integer, "memory budget of the admin Lua state (default 512)"),
        ]

        package init() {}

        /// `at` names the options in messages ("options", "params.options").
        package init(json: JSON, at root: String = "options") throws(IHubError) {
            try Shape.object(Options.fields).validate(json, at: root)
            create = json["create"]?.bool ?? create
            schema = try json["schema"]?.string.map { name throws(IHubError) in try Options.identifier(name, root) }
            busyTimeoutMs = Int32(clamping: try Options.positive(json, "busy_timeout_ms", root) ?? Int64(busyTimeoutMs))
            scriptTimeMs = Int(try Options.positive(json, "script_time_ms", root) ?? Int64(scriptTimeMs))
            scriptMemoryMB = Int(try Options.positive(json, "script_memory_mb", root) ?? Int64(scriptMemoryMB))
            adminTimeMs = Int(try Options.positive(json, "admin_time_ms", root) ?? Int64(adminTimeMs))
            adminMemoryMB = Int(try Options.positive(json, "admin_memory_mb", root) ?? Int64(adminMemoryMB))
        }

        /// A schema name PostgreSQL takes unquoted, so it can be spelled into SQL.
        private static func identifier(_ name: String, _ root: String) throws(IHubError) -> String {
            let bytes = Array(name.utf8)
            let ok = !bytes.isEmpty && bytes.count <= 63 && !(bytes[0] >= 48 && bytes[0] <= 57)
                && bytes.allSatisfy { $0 == UInt8(ascii: "_") || ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 122) }
            guard ok else {
                throw IHubError.invalid("\(root).schema: \(IHubError.quoted(name)) is not a schema name: 1 to 63 of a-z, 0-9 and _, not starting with a digit")
            }
            return name
        }

        private static func positive(_ json: JSON, _ key: String, _ root: String) throws(IHubError) -> Int64? {
            guard let v = json[key]?.int else { return nil }
            guard v > 0 && v <= 1 << 31 else { throw IHubError.invalid("\(root).\(key): must be between 1 and 2^31") }
            return v
        }
    }

    let db: Database
    let options: Options
    private var adminContext: ScriptContext?
    private var methodologyContext: ScriptContext?
    /// pairing.explain's last setup, while the database is unchanged.
    var explainCache: PairingWorkflow.ExplainCache?

    package init(path: String, options: Options = Options()) throws(IHubError) {
        try Engine.checkPath(path)
        self.options = options
        db = try Database(location: path, schema: options.schema, create: options.create, busyTimeoutMs: options.busyTimeoutMs)
        try Migrations.migrate(db)
        try InstrumentStore.installBuiltins(db)
        try BuiltinToolbox.install(db)
    }

    /// What `ihub_open` takes as a path: a `postgresql://` URI, a file name
    /// or ":memory:". An
    /// empty path would be SQLite's private temporary database, which
    /// silently keeps nothing; `file:` URIs are refused because their
    /// query parameters (mode=, immutable=, nolock=, vfs=) would bypass
    /// what the engine promises (WAL, locking, migrations, `create`):
    /// how to open is said in the options, which are checked and documented.
    static func checkPath(_ path: String) throws(IHubError) {
        if path.isEmpty {
            throw IHubError.invalid("path: empty; give a database file, or \":memory:\" for a private in-memory database")
        }
        if path.utf8.contains(0) { throw IHubError.invalid("path: contains a NUL byte") }
        if path.utf8.count > Limits.path { throw IHubError(.limit, "path: \(path.utf8.count) bytes is over the limit of \(Limits.path) bytes") }
        if Database.isPostgres(path) { return }
        if path.prefix(5).lowercased() == "file:" {
            throw IHubError.invalid("path: \(IHubError.quoted(path)) is a URI; ihub takes a plain file path (say how to open it in the options, e.g. {\"create\": false})")
        }
    }

    package var schemaVersion: Int64 { Migrations.latest }

    /// Runs one operation. Write operations run in one transaction.
    package func call(_ name: String, _ params: JSON = .object([])) throws(IHubError) -> JSON {
        let method = try MethodTable.find(name)
        let params = params.isNull ? JSON.object([]) : params
        try Shape.object(method.params).validate(params, at: "params")
        // The result is checked before a write commits, so a result that
        // breaks its declaration stores nothing.
        func run() throws(IHubError) -> JSON {
            let result = try method.run(self, params)
            if ResultCheck.enabled, let shape = method.result { try shape.conform(result, at: "result of \(name)") }
            return result
        }
        if method.writes {
            return try db.transaction(method.isolation) { () throws(IHubError) in try run() }
        }
        defer { db.finishStatements() }
        return try run()
    }

    /// `call` for text in and text out: the path of ihub_call.
    package func call(_ name: String, paramsText: UnsafeBufferPointer<UInt8>?) throws(IHubError) -> String {
        var params = JSON.object([])
        if let paramsText {
            params = try Engine.parse(paramsText, at: "params")
        }
        return try call(name, params).serialized()
    }

    /// A JSON document given by a caller, within `Limits.document`; the
    /// error names `root` ("params", "options").
    package static func parse(_ bytes: UnsafeBufferPointer<UInt8>, at root: String) throws(IHubError) -> JSON {
        guard bytes.count <= Limits.document else {
            throw IHubError(.limit, "\(root): the JSON document is \(bytes.count) bytes, over the limit of \(Limits.document) bytes")
        }
        do {
            return try JSONParser.parse(bytes)
        } catch {
            throw IHubError.invalid(error.message(at: root))
        }
    }

    package static func parse(_ text: String, at root: String) throws(IHubError) -> JSON {
        var copy = text
        var result: Result<JSON, IHubError> = .success(.null)
        copy.withUTF8 { bytes in result = Result { () throws(IHubError) in try parse(bytes, at: root) } }
        return try result.get()
    }

    // MARK: Lua

    /// The admin context: trusted administrative Lua that may write through
    /// the method table (ihub_eval, the REPL).
    package func admin() throws(IHubError) -> ScriptContext {
        if let adminContext { return adminContext }
        let c = try ScriptContext(engine: self, writes: true,
                                  timeMs: options.adminTimeMs, memoryMB: options.adminMemoryMB)
        adminContext = c
        return c
    }

    /// The methodology context: hub scripts that read and return values.
    package func methodology() throws(IHubError) -> ScriptContext {
        if let methodologyContext { return methodologyContext }
        let c = try ScriptContext(engine: self, writes: false,
                                  timeMs: options.scriptTimeMs, memoryMB: options.scriptMemoryMB)
        methodologyContext = c
        return c
    }

    /// Releases the Lua states before the database.
    package func close() {
        explainCache = nil  // its policy lives in the methodology context
        adminContext = nil
        methodologyContext = nil
        db.close()
    }
}
