/// The catalogue: lets bindings, the REPL and people discover every operation.
enum ApiMethods {
    static let all: [Method] = [
        Method("api.describe", "The catalogue of operations with their parameters; one operation when `method` is given.",
               params: [.optional("method", .string, "describe only this operation")]) { _, p throws(IHubError) in
            if let name = p["method"]?.string { return try MethodTable.find(name).described }
            return .array(MethodTable.all.map(\.described))
        },
        Method("api.limits", """
            The bounds on input (include/ihub.h lists them too): bytes of a one-line text field (names, codes) and of \
            a multi-line one (notes, script source), of a JSON document and of a path, nesting levels of JSON, how \
            many characters of an input a message quotes, and the longest message. Past a bound: IHUB_LIMIT naming \
            the field (JSON nesting: IHUB_INVALID).
            """) { _, _ throws(IHubError) in
            Limits.described
        },
        Method("api.version", "Library version, interface version and database schema version.") { engine, _ throws(IHubError) in
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
