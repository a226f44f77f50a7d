/// The engine behind one handle: the database, the method table, and the two
/// Lua contexts (methodology: read-only and tightly budgeted; admin: may
/// write, used by ihub_eval and the REPL). Not thread-safe: the owner (the
/// ABI handle, the CLI) serializes calls.
package final class Engine {
    package struct Options: Sendable {
        var create = true
        var busyTimeoutMs: Int32 = 5000
        var scriptTimeMs = 1000
        var scriptMemoryMB = 64
        var adminTimeMs = 60000
        var adminMemoryMB = 512

        static let fields: [Field] = [
            .optional("create", .boolean, "create the file if missing (default true)"),
            .optional("busy_timeout_ms", .integer, "how long to wait for a lock (default 5000)"),
            .optional("script_time_ms", .integer, "time budget of one methodology evaluation (default 1000)"),
            .optional("script_memory_mb", .integer, "memory budget of the methodology Lua state (default 64)"),
            .optional("admin_time_ms", .integer, "time budget of one admin evaluation (default 60000)"),
            .optional("admin_memory_mb", .integer, "memory budget of the admin Lua state (default 512)"),
        ]

        package init() {}

        package init(json: JSON) throws(IHubError) {
            try Shape.object(Options.fields).validate(json, at: "options")
            create = json["create"]?.bool ?? create
            busyTimeoutMs = Int32(clamping: try Options.positive(json, "busy_timeout_ms") ?? Int64(busyTimeoutMs))
            scriptTimeMs = Int(try Options.positive(json, "script_time_ms") ?? Int64(scriptTimeMs))
            scriptMemoryMB = Int(try Options.positive(json, "script_memory_mb") ?? Int64(scriptMemoryMB))
            adminTimeMs = Int(try Options.positive(json, "admin_time_ms") ?? Int64(adminTimeMs))
            adminMemoryMB = Int(try Options.positive(json, "admin_memory_mb") ?? Int64(adminMemoryMB))
        }

        private static func positive(_ json: JSON, _ key: String) throws(IHubError) -> Int64? {
            guard let v = json[key]?.int else { return nil }
            guard v > 0 && v <= 1 << 31 else { throw IHubError.invalid("options.\(key): must be between 1 and 2^31") }
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
        guard !path.utf8.contains(0) else { throw IHubError.invalid("path: contains a NUL byte") }
        self.options = options
        db = try Database(path: path, create: options.create, busyTimeoutMs: options.busyTimeoutMs)
        try Migrations.migrate(db)
        try InstrumentStore.installBuiltins(db)
    }

    package var schemaVersion: Int64 { Migrations.latest }

    /// Runs one operation. Write operations run in one transaction.
    package func call(_ name: String, _ params: JSON = .object([])) throws(IHubError) -> JSON {
        let method = try MethodTable.find(name)
        let params = params.isNull ? JSON.object([]) : params
        try Shape.object(method.params).validate(params, at: "params")
        if method.writes {
            return try db.transaction { () throws(IHubError) in try method.run(self, params) }
        }
        defer { db.finishStatements() }
        return try method.run(self, params)
    }

    /// `call` for text in and text out: the path of ihub_call.
    package func call(_ name: String, paramsText: UnsafeBufferPointer<UInt8>?) throws(IHubError) -> String {
        var params = JSON.object([])
        if let paramsText {
            do {
                params = try JSONParser.parse(paramsText)
            } catch {
                throw IHubError.invalid("params: \(error.message)")
            }
        }
        return try call(name, params).serialized()
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
