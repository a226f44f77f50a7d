/// The queries of a hub's stored methodology scripts (hub_scripts).
struct ScriptStore {
    let db: Database
}

extension Database {
    var scripts: ScriptStore { ScriptStore(db: self) }
}

/// One stored script of a hub.
struct ScriptRow {
    let hub: String
    let name: String
    let hash: String
    let source: String
    let updatedAt: String

    /// The text's size in bytes.
    var size: Int { source.utf8.count }
}

extension ScriptStore {
    private static let select = """
        SELECT h.code, x.name, x.hash, x.source, x.updated_at
        FROM hub_scripts x JOIN hubs h ON h.id = x.hub_id
        """

    private static func row(_ s: any Statement) -> ScriptRow {
        ScriptRow(hub: s.text(0) ?? "", name: s.text(1) ?? "", hash: s.text(2) ?? "", source: s.text(3) ?? "",
                  updatedAt: s.text(4) ?? "")
    }

    /// The hub's script of this name, or nil.
    func script(hubID: Int64, name: String) throws(IHubError) -> ScriptRow? {
        let s = try db.statement(Self.select + " WHERE x.hub_id = ? AND x.name = ?")
        try s.bind([.int(hubID), .text(name)])
        guard try s.step() else { return nil }
        let row = Self.row(s)
        s.reset()  // read: the statement holds no read transaction open
        return row
    }

    /// The scripts of a hub (nil: of every hub), by hub code and name.
    func scripts(hubID: Int64?) throws(IHubError) -> [ScriptRow] {
        let s = try db.statement(Self.select + " WHERE CAST(? AS BIGINT) IS NULL OR x.hub_id = ? ORDER BY h.code, x.name")
        try s.bind([SQLValue(hubID), SQLValue(hubID)])
        var rows: [ScriptRow] = []
        while try s.step() { rows.append(Self.row(s)) }
        return rows
    }

    /// Stores a script, replacing the hub's script of that name.
    func set(hubID: Int64, name: String, source: String, hash: String) throws(IHubError) {
        try db.statement("""
            INSERT INTO hub_scripts(hub_id, name, source, hash, updated_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (hub_id, name) DO UPDATE SET source = excluded.source, hash = excluded.hash, updated_at = excluded.updated_at
            """).run([.int(hubID), .text(name), .text(source), .text(hash), .text(Timestamp.now())])
    }

    /// Removes a script; false when the hub has none of that name.
    func remove(hubID: Int64, name: String) throws(IHubError) -> Bool {
        try db.statement("DELETE FROM hub_scripts WHERE hub_id = ? AND name = ?").run([.int(hubID), .text(name)])
        return db.changes > 0
    }
}
