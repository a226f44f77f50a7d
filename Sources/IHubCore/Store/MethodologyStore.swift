/// The queries of methodology package versions (methodology_versions,
/// methodology_files) and of the version in force per hub (hub_methodology).
struct MethodologyStore {
    let db: Database
}

extension Database {
    var methodology: MethodologyStore { MethodologyStore(db: self) }
}

/// One stored version of a hub's methodology.
struct MethodologyVersionRow: Sendable {
    let id: Int64
    let hub: String
    let hash: String
    let loadedAt: String
    let note: String?
}

extension MethodologyStore {
    private static let select = """
        SELECT v.id, h.code, v.hash, v.loaded_at, v.note
        FROM methodology_versions v JOIN hubs h ON h.id = v.hub_id
        """

    private static func row(_ s: any Statement) -> MethodologyVersionRow {
        MethodologyVersionRow(id: s.int(0), hub: s.text(1) ?? "", hash: s.text(2) ?? "", loadedAt: s.text(3) ?? "",
                              note: s.isNull(4) ? nil : s.text(4))
    }

    /// The hub's version of this hash, or nil.
    func version(hubID: Int64, hash: String) throws(IHubError) -> MethodologyVersionRow? {
        try db.statement(Self.select + " WHERE v.hub_id = ? AND v.hash = ?").rows([.int(hubID), .text(hash)], Self.row).first
    }

    /// The hub's versions, oldest first.
    func versions(hubID: Int64) throws(IHubError) -> [MethodologyVersionRow] {
        try db.statement(Self.select + " WHERE v.hub_id = ? ORDER BY v.id").rows([.int(hubID)], Self.row)
    }

    /// The version in force for the hub, or nil (the default methodology).
    func current(hubID: Int64) throws(IHubError) -> MethodologyVersionRow? {
        try db.statement(Self.select + " JOIN hub_methodology m ON m.version_id = v.id WHERE m.hub_id = ?")
            .rows([.int(hubID)], Self.row).first
    }

    /// A new version with its files; its id.
    func insertVersion(hubID: Int64, hash: String, note: String?, files: [MethodologyPackage.File]) throws(IHubError) -> Int64 {
        let s = try db.statement("INSERT INTO methodology_versions(hub_id, hash, loaded_at, note) VALUES (?, ?, ?, ?) RETURNING id")
        try s.bind([.int(hubID), .text(hash), .text(Timestamp.now()), SQLValue(note)])
        guard try s.step() else { throw IHubError(.error, "methodology_versions: the insert returned no id") }
        let id = s.int(0)
        s.reset()
        let insert = try db.statement("INSERT INTO methodology_files(version_id, name, source, hash) VALUES (?, ?, ?, ?)")
        for file in files { try insert.run([.int(id), .text(file.name), .text(file.source), .text(file.hash)]) }
        return id
    }

    /// A version's files, by name.
    func files(versionID: Int64) throws(IHubError) -> [MethodologyPackage.File] {
        try db.statement("SELECT name, source FROM methodology_files WHERE version_id = ? ORDER BY name")
            .rows([.int(versionID)]) { s in MethodologyPackage.File(name: s.text(0) ?? "", source: s.text(1) ?? "") }
    }

    /// The number of files of each of the hub's versions, by version id.
    func fileCounts(hubID: Int64) throws(IHubError) -> [Int64: Int64] {
        let rows = try db.statement("""
            SELECT f.version_id, COUNT(*) FROM methodology_files f JOIN methodology_versions v ON v.id = f.version_id
            WHERE v.hub_id = ? GROUP BY f.version_id ORDER BY f.version_id
            """).rows([.int(hubID)]) { s in (s.int(0), s.int(1)) }
        return Dictionary(rows, uniquingKeysWith: { a, _ in a })
    }

    /// Puts a version in force for its hub.
    func setCurrent(hubID: Int64, versionID: Int64) throws(IHubError) {
        try db.statement("""
            INSERT INTO hub_methodology(hub_id, version_id) VALUES (?, ?)
            ON CONFLICT (hub_id) DO UPDATE SET version_id = excluded.version_id
            """).run([.int(hubID), .int(versionID)])
    }
}

extension MethodologyStore {
    /// Takes the hub's package out of force (its scripts changed one by one).
    func clearCurrent(hubID: Int64) throws(IHubError) {
        try db.statement("DELETE FROM hub_methodology WHERE hub_id = ?").run([.int(hubID)])
    }
}
