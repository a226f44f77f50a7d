/// A hub's stored methodology scripts (e.g. "classify", which replaces the
/// default classification rule). Each is versioned by the FNV-1a hash of its
/// text: decisions record which version made them.
enum HubScriptMethods {
    /// A stored script as `json` writes it (the text only from script.get).
    static func scriptShape(withSource: Bool) -> Shape {
        .object([
            .required("hub", .string, "code of the hub"),
            .required("name", .string, "the script's name, e.g. \"classify\""),
            .required("hash", .string, "the version: FNV-1a hash of the text, in hex (decisions record it)"),
            .required("size", .integer, "the text's size in bytes"),
            .required("updated_at", .timestamp, "when it was last stored"),
        ] + (withSource ? [.required("source", .longText, "the Lua text")] : []))
    }

    static let noScript = Method.Failure.notFound("no hub has that code, or the hub has no script of that name")

    /// A short classify script for the example of script.set (scripts/methodology/examples/classify.lua).
    static let exampleSource = EmbeddedLua.files["examples/classify.lua"]!
    static let all: [Method] = [
        Method("script.set", "Store a hub's methodology script (checked to compile); replaces the one of that name.",
               writes: true,
               params: [.required("hub", .string, "code of the hub"),
                        .required("name", .string, "the script's name, e.g. \"classify\""),
                        .required("source", .longText, "the Lua text")],
               result: scriptShape(withSource: false),
               example: ["hub": "EE-ACC", "name": "classify", "source": .string(exampleSource)],
               errors: [.notFound("no hub has that code"),
                        .invalid("the name is not 1 to 64 of a-z, 0-9, '_', '-' and '.'"),
                        .script("the script does not compile")]) { engine, p throws(IHubError) in
            let hubID = try engine.db.requireID(.hub, code: p["hub"]!.string!, at: "params.hub")
            let name = try checkName(p["name"]!.string!)
            let source = p["source"]!.string!
            try compiles(engine, source, chunkname: "\(p["hub"]!.string!)/\(name)")
            try engine.db.scripts.set(hubID: hubID, name: name, source: source, hash: FNV1a.hex(source))
            try engine.db.methodology.clearCurrent(hubID: hubID)  // the package in force is no longer what runs
            guard let stored = try engine.db.scripts.script(hubID: hubID, name: name) else {
                throw IHubError(.error, "params.name: script \(IHubError.quoted(name)) was stored but cannot be read back")
            }
            return json(stored, withSource: false)
        },
        Method("script.get", "One of a hub's stored scripts, with its text and hash.",
               params: [.required("hub", .string, "code of the hub"),
                        .required("name", .string, "the script's name")],
               result: scriptShape(withSource: true), example: ["hub": "GE-IMR", "name": "classify"],
               errors: [noScript]) { engine, p throws(IHubError) in
            let hubID = try engine.db.requireID(.hub, code: p["hub"]!.string!, at: "params.hub")
            let name = p["name"]!.string!
            guard let script = try engine.db.scripts.script(hubID: hubID, name: name) else {
                throw IHubError.notFound("params.name: hub \(IHubError.excerpt(p["hub"]?.string ?? "")) has no script \(IHubError.quoted(name))")
            }
            return json(script, withSource: true)
        },
        Method("script.list", "Stored hub scripts (without their text), optionally of one hub.",
               params: [.optional("hub", .string, "only this hub's scripts")],
               result: .array(scriptShape(withSource: false)), example: [:],
               errors: [.notFound("no hub has the `hub` code")]) { engine, p throws(IHubError) in
            var hubID: Int64?
            if let hub = p["hub"]?.string { hubID = try engine.db.requireID(.hub, code: hub, at: "params.hub") }
            return .array(try engine.db.scripts.scripts(hubID: hubID).map { json($0, withSource: false) })
        },
        Method("script.remove", "Remove a hub's stored script (e.g. to return to the default classification rule).",
               writes: true,
               params: [.required("hub", .string, "code of the hub"),
                        .required("name", .string, "the script's name")],
               result: .object([.required("removed", .string, "the name of the script removed")]),
               example: ["hub": "GE-IMR", "name": "classify"], errors: [noScript]) { engine, p throws(IHubError) in
            let hubID = try engine.db.requireID(.hub, code: p["hub"]!.string!, at: "params.hub")
            let name = p["name"]!.string!
            guard try engine.db.scripts.remove(hubID: hubID, name: name) else { throw IHubError.notFound("params.name: hub \(IHubError.excerpt(p["hub"]?.string ?? "")) has no script \(IHubError.quoted(name))") }
            try engine.db.methodology.clearCurrent(hubID: hubID)
            return ["removed": .string(name)]
        },
    ]

    /// A stored script: its text and version.
    struct Stored {
        let source: String
        let hash: String
    }

    /// The hub's script of this name, if it has one.
    static func load(_ db: Database, hubID: Int64, name: String) throws(IHubError) -> Stored? {
        guard let row = try db.scripts.script(hubID: hubID, name: name) else { return nil }
        return Stored(source: row.source, hash: row.hash)
    }

    private static func checkName(_ name: String) throws(IHubError) -> String {
        let ok = !name.isEmpty && name.utf8.count <= 64 && name.utf8.allSatisfy {
            ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F || $0 == 0x2D || $0 == 0x2E
        }
        guard ok else { throw IHubError.invalid("params.name: use 1 to 64 of a-z, 0-9, '_', '-' and '.', got \(IHubError.quoted(name, "\""))") }
        return name
    }

    /// Compiles (without running) in the methodology context, so that a
    /// syntax error shows when the script is stored, not when it is needed.
    static func compiles(_ engine: Engine, _ source: String, chunkname: String) throws(IHubError) {
        let context = try engine.methodology()
        try context.loadGlue("compile")  // scripts/methodology/engine/compile.lua
        let result = try context.callGlobal("__ihub_compiles", [.string(source), .string(chunkname)], label: chunkname)
        if result.first == .bool(false) { throw IHubError(.script, result.dropFirst().first?.string ?? "\(chunkname): does not compile") }
    }

    private static func json(_ script: ScriptRow, withSource: Bool) -> JSON {
        var members: [JSON.Member] = [
            .init("hub", .string(script.hub)), .init("name", .string(script.name)), .init("hash", .string(script.hash)),
            .init("size", .int(Int64(script.size))), .init("updated_at", .string(script.updatedAt)),
        ]
        if withSource { members.append(.init("source", .string(script.source))) }
        return .object(members)
    }
}
