/// A hub's stored methodology scripts (e.g. "classify", which replaces the
/// default classification rule). Each is versioned by the FNV-1a hash of its
/// text: decisions record which version made them.
enum HubScriptMethods {
    static let all: [Method] = [
        Method("script.set", "Store a hub's methodology script (checked to compile); replaces the one of that name.",
               writes: true,
               params: [.required("hub", .string, "code of the hub"),
                        .required("name", .string, "the script's name, e.g. \"classify\""),
                        .required("source", .longText, "the Lua text")]) { engine, p throws(IHubError) in
            let hubID = try Entity.hubID(engine.db, code: p["hub"]!.string!, at: "params.hub")
            let name = try checkName(p["name"]!.string!)
            let source = p["source"]!.string!
            try compiles(engine, source, chunkname: "\(p["hub"]!.string!)/\(name)")
            try engine.db.statement("""
                INSERT INTO hub_scripts(hub_id, name, source, hash) VALUES (?1, ?2, ?3, ?4)
                ON CONFLICT(hub_id, name) DO UPDATE SET source = ?3, hash = ?4,
                    updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
                """).run([.int(hubID), .text(name), .text(source), .text(FNV1a.hex(source))])
            return try get(engine.db, hubID: hubID, name: name, withSource: false)!
        },
        Method("script.get", "One of a hub's stored scripts, with its text and hash.",
               params: [.required("hub", .string, "code of the hub"),
                        .required("name", .string, "the script's name")]) { engine, p throws(IHubError) in
            let hubID = try Entity.hubID(engine.db, code: p["hub"]!.string!, at: "params.hub")
            let name = p["name"]!.string!
            guard let script = try get(engine.db, hubID: hubID, name: name, withSource: true) else {
                throw IHubError.notFound("params.name: hub \(IHubError.excerpt(p["hub"]?.string ?? "")) has no script \(IHubError.quoted(name))")
            }
            return script
        },
        Method("script.list", "Stored hub scripts (without their text), optionally of one hub.",
               params: [.optional("hub", .string, "only this hub's scripts")]) { engine, p throws(IHubError) in
            var hubID: Int64?
            if let hub = p["hub"]?.string { hubID = try Entity.hubID(engine.db, code: hub, at: "params.hub") }
            let s = try engine.db.statement(select + " WHERE ?1 IS NULL OR x.hub_id = ?1 ORDER BY h.code, x.name")
            try s.bind([SQLValue(hubID)])
            var scripts: [JSON] = []
            while try s.step() { scripts.append(row(s, withSource: false)) }
            return .array(scripts)
        },
        Method("script.remove", "Remove a hub's stored script (e.g. to return to the default classification rule).",
               writes: true,
               params: [.required("hub", .string, "code of the hub"),
                        .required("name", .string, "the script's name")]) { engine, p throws(IHubError) in
            let hubID = try Entity.hubID(engine.db, code: p["hub"]!.string!, at: "params.hub")
            let name = p["name"]!.string!
            try engine.db.statement("DELETE FROM hub_scripts WHERE hub_id = ? AND name = ?").run([.int(hubID), .text(name)])
            guard engine.db.changes > 0 else { throw IHubError.notFound("params.name: hub \(IHubError.excerpt(p["hub"]?.string ?? "")) has no script \(IHubError.quoted(name))") }
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
        let s = try db.statement("SELECT source, hash FROM hub_scripts WHERE hub_id = ? AND name = ?")
        try s.bind([.int(hubID), .text(name)])
        guard try s.step() else { return nil }
        return Stored(source: s.text(0) ?? "", hash: s.text(1) ?? "")
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
    private static func compiles(_ engine: Engine, _ source: String, chunkname: String) throws(IHubError) {
        let context = try engine.methodology()
        _ = try context.eval("""
            function __ihub_compiles(source, name)
              local f, err = load(source, "=" .. name, "t")
              if f then return true end
              return false, err
            end
            """, chunkname: "ihub-compile")
        let result = try context.callGlobal("__ihub_compiles", [.string(source), .string(chunkname)], label: chunkname)
        if result.first == .bool(false) { throw IHubError(.script, result.dropFirst().first?.string ?? "\(chunkname): does not compile") }
    }

    private static let select = """
        SELECT h.code, x.name, x.hash, length(CAST(x.source AS BLOB)), x.updated_at, x.source
        FROM hub_scripts x JOIN hubs h ON h.id = x.hub_id
        """

    private static func get(_ db: Database, hubID: Int64, name: String, withSource: Bool) throws(IHubError) -> JSON? {
        let s = try db.statement(select + " WHERE x.hub_id = ? AND x.name = ?")
        try s.bind([.int(hubID), .text(name)])
        // Not a ternary: its `nil` would become JSON.null (JSON is nil-literal expressible).
        guard try s.step() else { return nil }
        return row(s, withSource: withSource)
    }

    private static func row(_ s: Statement, withSource: Bool) -> JSON {
        var members: [JSON.Member] = [
            .init("hub", s.json(0)), .init("name", s.json(1)), .init("hash", s.json(2)),
            .init("size", s.json(3)), .init("updated_at", s.json(4)),
        ]
        if withSource { members.append(.init("source", s.json(5))) }
        return .object(members)
    }
}

/// FNV-1a, 64 bits: a small, stable content hash for script versions.
enum FNV1a {
    static func hash(_ text: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in text.utf8 {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01b3
        }
        return h
    }

    /// 16 lowercase hex digits.
    static func hex(_ text: String) -> String {
        let digits = String(hash(text), radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
