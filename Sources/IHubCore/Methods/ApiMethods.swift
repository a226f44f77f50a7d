/// The catalogue: lets bindings, the REPL and people discover every operation.
enum ApiMethods {
    static let all: [Method] = [
        Method("api.describe", "The catalogue of operations with their parameters; one operation when `method` is given.",
               params: [.optional("method", .string, "describe only this operation")],
               // An array of descriptions, or one when `method` is given.
               result: .any, example: ["method": "school.add"],
               errors: [.notFound("`method` names no operation (the message suggests near names)")]) { _, p throws(IHubError) in
            if let name = p["method"]?.string { return try MethodTable.find(name).described }
            return .array(MethodTable.all.map(\.described))
        },
        Method("api.limits", """
            The bounds on input and on scripts (include/ihub.h lists them too): bytes of a one-line text field \
            (names, codes) and of a multi-line one (notes, script source), of a JSON document, a path, a CSV record \
            and a line of NDJSON or xAPI; nesting levels of JSON; how many characters of an input a message quotes, \
            and the longest message; and this handle's script budgets (the options of ihub_open) with the margin \
            by which a script may overrun its time budget. Past a bound: IHUB_LIMIT naming the field (JSON nesting: \
            IHUB_INVALID); a spent budget: IHUB_LIMIT naming the script and line.
            """,
               result: .object([
                   .required("text_bytes", .integer, "UTF-8 bytes of a one-line text field"),
                   .required("long_text_bytes", .integer, "UTF-8 bytes of a multi-line text field"),
                   .required("document_bytes", .integer, "bytes of one JSON document"),
                   .required("json_depth", .integer, "nesting levels of JSON arrays and objects (also of what a script returns)"),
                   .required("path_bytes", .integer, "UTF-8 bytes of a path"),
                   .required("quote_characters", .integer, "characters of an input that a message quotes"),
                   .required("message_bytes", .integer, "UTF-8 bytes of a message"),
                   .required("csv_record_bytes", .integer, "bytes of one CSV record"),
                   .required("line_bytes", .integer, "bytes of one NDJSON line or xAPI statement line"),
                   .required("activity_line_bytes", .integer, "bytes of one line of an activity import"),
                   .required("script_output_bytes", .integer, "bytes one evaluation may print; the rest is cut"),
                   .required("script_time_ms", .integer, "this handle's time budget of a methodology evaluation"),
                   .required("script_memory_mb", .integer, "this handle's memory budget of the methodology Lua state"),
                   .required("admin_time_ms", .integer, "this handle's time budget of an admin evaluation"),
                   .required("admin_memory_mb", .integer, "this handle's memory budget of the admin Lua state"),
                   .required("budget_margin_ms", .integer, "how far past its time budget a script may run before it is stopped"),
               ]),
               example: [:]) { engine, _ throws(IHubError) in
            Limits.described(engine.options)
        },
        Method("api.version", "Library version, interface version and database schema version.",
               result: .object([
                   .required("version", .string, "the library's release, e.g. \"0.1.0\""),
                   .required("abi", .integer, "the interface version (IHUB_ABI_VERSION)"),
                   .required("schema", .integer, "the database schema version"),
                   .required("database", .string, "where the database is: a file path, \":memory:\" or a PostgreSQL address without its password"),
                   .required("engine", .oneOf(["sqlite", "postgresql"]), "the store's engine"),
               ]),
               example: [:]) { engine, _ throws(IHubError) in
            ["version": .string(IHubInfo.version), "abi": .int(Int64(IHubInfo.abiVersion)),
             "schema": .int(engine.schemaVersion), "database": .string(engine.db.location), "engine": .string(engine.db.engine.rawValue)]
        },
    ]
}

/// Versions, reported by api.version and the ABI layer.
package enum IHubInfo {
    package static let version = "0.1.0"
    /// Must equal IHUB_ABI_VERSION in include/ihub.h (the ABI layer checks).
    package static let abiVersion: Int32 = 1
}
