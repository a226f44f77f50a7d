/// The exchange's queries: the CSV files of team members and engagements
/// (rows found again by what they are about), and the JSON export, which
/// reads every table as the database holds it.
struct ExchangeStore {
    let db: Database

    // MARK: team_members files

    /// Team places of one hub's schools (or of all), in the order they were
    /// made: school, person, position, start, end.
    func eachTeamMember(hub: Int64?, _ body: ([JSON]) throws(IHubError) -> Void) throws(IHubError) {
        try db.statement("""
            SELECT s.code, p.code, t.position, t.start_date, t.end_date FROM team_members t
            JOIN schools s ON s.id = t.school_id JOIN people p ON p.id = t.person_id
            WHERE CAST(? AS BIGINT) IS NULL OR s.hub_id = ? ORDER BY t.id
            """).each([SQLValue(hub), SQLValue(hub)]) { s throws(IHubError) in try body((0..<5).map { s.json($0) }) }
    }

    struct TeamPlace {
        let id: Int64
        let position: String?
        let end: String?
    }

    /// The person's place on the school's team that began on `start`
    /// (unknown when nil), the first one made.
    func teamPlace(school: Int64, person: Int64, start: String?) throws(IHubError) -> TeamPlace? {
        try db.statement("""
            SELECT id, position, end_date FROM team_members
            WHERE school_id = ? AND person_id = ? AND start_date IS NOT DISTINCT FROM CAST(? AS TEXT) ORDER BY id LIMIT 1
            """).rows([.int(school), .int(person), SQLValue(start)]) { s in
            TeamPlace(id: s.int(0), position: s.text(1), end: s.text(2))
        }.first
    }

    func setTeamPlace(id: Int64, position: String?, end: String?) throws(IHubError) {
        try db.statement("UPDATE team_members SET position = ?, end_date = ? WHERE id = ?")
            .run([SQLValue(position), SQLValue(end), .int(id)])
    }

    // MARK: engagements files

    /// Engagements of one hub's stakeholders (or of all), in the order they
    /// were recorded: stakeholder, date, kind, school, note.
    func eachEngagement(hub: Int64?, _ body: ([JSON]) throws(IHubError) -> Void) throws(IHubError) {
        try db.statement("""
            SELECT k.code, e.date, e.kind, sc.code, e.note FROM engagements e
            JOIN stakeholders k ON k.id = e.stakeholder_id LEFT JOIN schools sc ON sc.id = e.school_id
            WHERE CAST(? AS BIGINT) IS NULL OR k.hub_id = ? ORDER BY e.id
            """).each([SQLValue(hub), SQLValue(hub)]) { s throws(IHubError) in try body((0..<5).map { s.json($0) }) }
    }

    /// The first engagement recorded of this stakeholder, date, kind and
    /// school (none when nil): its id and note.
    func engagement(stakeholder: Int64, date: String, kind: String, school: Int64?) throws(IHubError) -> (id: Int64, note: String?)? {
        try db.statement("""
            SELECT id, note FROM engagements
            WHERE stakeholder_id = ? AND date = ? AND kind = ? AND school_id IS NOT DISTINCT FROM CAST(? AS BIGINT) ORDER BY id LIMIT 1
            """).rows([.int(stakeholder), .text(date), .text(kind), SQLValue(school)]) { s in (id: s.int(0), note: s.text(1)) }.first
    }

    func setEngagementNote(id: Int64, note: String) throws(IHubError) {
        try db.statement("UPDATE engagements SET note = ? WHERE id = ?").run([.text(note), .int(id)])
    }

    // MARK: the JSON export

    /// A table as the engine's catalog describes it (Database.tables), with
    /// the references the export reads the codes of.
    struct Table {
        let name: String
        var columns: [String] = []
        /// Column → referenced table.
        var references: [String: String] = [:]
        /// The primary key's columns, in key order.
        var primaryKey: [String] = []
        /// Columns referring to a coded table, whose code is read beside
        /// them (the export chooses them).
        var coded: Set<String> = []

        var hasCode: Bool { columns.contains("code") }
    }

    /// The rows of `t` in a stable order, each as its columns' values with
    /// the code of each `coded` column's record after it; only the rows of
    /// hub `hubID` when one is given.
    func eachRow(of t: Table, tables: [Table], hubID: Int64?, _ body: ([JSON]) throws(IHubError) -> Void) throws(IHubError) {
        var select: [String] = [], joins: [String] = []
        for (i, c) in t.columns.enumerated() {
            select.append("t.\"\(c)\"")
            if t.coded.contains(c), let target = t.references[c] {
                joins.append("LEFT JOIN \"\(target)\" j\(i) ON j\(i).id = t.\"\(c)\"")
                select.append("j\(i).code")
            }
        }
        var sql = "SELECT \(select.joined(separator: ", ")) FROM \"\(t.name)\" t \(joins.joined(separator: " "))"
        var binds: [SQLValue] = []
        if let hubID {
            if let condition = hubCondition(t, alias: "t", tables: tables, depth: 0) {
                sql += " WHERE \(condition)"
                binds = Array(repeating: .int(hubID), count: condition.count { $0 == "?" })
            } else {
                sql += " WHERE 1 = 0"   // nothing ties the table to a hub: not a hub's data
            }
        }
        // Stable order: by id, else by primary key, else by every column.
        let keys = t.columns.contains("id") ? ["id"] : t.primaryKey.isEmpty ? t.columns : t.primaryKey
        sql += " ORDER BY " + keys.map { "t.\"\($0)\"" }.joined(separator: ", ")
        let width = Int32(select.count)
        try db.statement(sql).each(binds) { s throws(IHubError) in try body((0..<width).map { s.json($0) }) }
    }

    /// How rows of `t` belong to one hub: its own hub_id (instruments also
    /// when shared by all hubs), or a reference to a table that belongs.
    private func hubCondition(_ t: Table, alias: String, tables: [Table], depth: Int) -> String? {
        if t.name == "hubs" { return "\(alias).id = ?" }
        if t.columns.contains("hub_id") {
            return t.name == "instruments" ? "(\(alias).hub_id = ? OR \(alias).hub_id IS NULL)" : "\(alias).hub_id = ?"
        }
        guard depth < 4 else { return nil }
        for column in t.columns {
            guard let target = t.references[column], target != t.name,
                  let next = tables.first(where: { $0.name == target }),
                  let inner = hubCondition(next, alias: "x\(depth)", tables: tables, depth: depth + 1)
            else { continue }
            return "\(alias).\"\(column)\" IN (SELECT x\(depth).id FROM \"\(target)\" x\(depth) WHERE \(inner))"
        }
        return nil
    }
}

extension Database {
    var exchange: ExchangeStore { ExchangeStore(db: self) }
}

extension Statement {
    /// Binds `values` and hands every row to `body` while it is current.
    fileprivate func each(_ values: [SQLValue], _ body: (Statement) throws(IHubError) -> Void) throws(IHubError) {
        try bind(values)
        while try step() { try body(self) }
    }
}
