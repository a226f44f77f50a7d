/// The registry's queries: the coded records as their Entity declares them
/// (hubs, schools, people, rounds, stakeholders), people's roles and
/// memberships with their history, development teams and engagements.
struct RegistryStore {
    let db: Database

    /// Tables whose rows record when they were added (`created_at`).
    static let stamped: Set<String> = ["hubs", "schools", "people", "stakeholders"]

    // MARK: coded records

    /// Inserts a record of `table` with the given columns: its row id, or
    /// nil when its code is taken (nothing inserted).
    func insertRecord(_ table: String, columns: [String], values: [SQLValue]) throws(IHubError) -> Int64? {
        var names = columns, values = values
        if Self.stamped.contains(table) {
            names.append("created_at")
            values.append(.text(Timestamp.now()))
        }
        let marks = Array(repeating: "?", count: names.count).joined(separator: ", ")
        return try db.scalarInt("""
            INSERT INTO \(table)(\(names.joined(separator: ", "))) VALUES (\(marks)) ON CONFLICT (code) DO NOTHING RETURNING id
            """, values)
    }

    func updateRecord(_ table: String, id: Int64, column: String, value: SQLValue) throws(IHubError) {
        try db.statement("UPDATE \(table) SET \(column) = ? WHERE id = ?").run([value, .int(id)])
    }

    /// The code of the hub a record of `table` belongs to.
    func hubCode(_ table: String, id: Int64) throws(IHubError) -> String? {
        try db.scalarText("SELECT h.code FROM \(table) t JOIN hubs h ON h.id = t.hub_id WHERE t.id = ?", [.int(id)])
    }

    /// The hub id of a record of `table`.
    func hubID(_ table: String, id: Int64) throws(IHubError) -> Int64? {
        try db.scalarInt("SELECT hub_id FROM \(table) WHERE id = ?", [.int(id)])
    }

    /// The code of a record by its row id.
    func code(_ kind: RecordKind, id: Int64) throws(IHubError) -> String? {
        try db.scalarText("SELECT code FROM \(kind.table) WHERE id = ?", [.int(id)])
    }

    /// Who holds `code` in `table`: the record's name, and its hub's code
    /// for records in a hub.
    func codeHolder(_ table: String, inHub: Bool, code: String) throws(IHubError) -> (name: String?, hub: String?)? {
        try db.statement(inHub
            ? "SELECT t.name, h.code FROM \(table) t JOIN hubs h ON h.id = t.hub_id WHERE t.code = ?"
            : "SELECT t.name FROM \(table) t WHERE t.code = ?")
            .rows([.text(code)]) { s in (name: s.text(0), hub: inHub ? s.text(1) : nil) }.first
    }

    /// A school's id and its hub's, by the school's code.
    func school(code: String) throws(IHubError) -> (id: Int64, hub: Int64)? {
        try db.statement("SELECT id, hub_id FROM schools WHERE code = ?")
            .rows([.text(code)]) { s in (id: s.int(0), hub: s.int(1)) }.first
    }

    /// The codes of `kind` that are digits with leading zeros, by the code
    /// without its zeros ("42" → "0042").
    func codesWithLeadingZeros(_ kind: RecordKind) throws(IHubError) -> [String: String] {
        // LIKE '0%': a digit has no case, so both engines agree.
        let codes = try db.statement("SELECT code FROM \(kind.table) WHERE code LIKE '0%' ORDER BY code")
            .rows([]) { s in s.text(0) ?? "" }
        var map: [String: String] = [:]
        for code in codes where code.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            map[String(code.drop { $0 == "0" })] = code
        }
        return map
    }

    /// A record's stored values: its code, its hub's code (records in a
    /// hub), then its columns and computed values in declaration order, list
    /// columns parsed.
    struct RecordRow {
        let id: Int64
        let code: JSON
        let hub: JSON?
        let values: [JSON]
    }

    func record(_ entity: Entity, id: Int64) throws(IHubError) -> RecordRow? {
        try db.statement(selectSQL(entity) + " WHERE t.id = ?").rows([.int(id)]) { s throws(IHubError) in
            try recordRow(entity, s)
        }.first
    }

    /// Records ordered by id: of the hub with code `hub` (when given), that
    /// pass every filter (a condition and its value).
    func records(_ entity: Entity, hub: String?, filters: [(RecordFilter, SQLValue)],
                 limit: Int64, offset: Int64) throws(IHubError) -> [RecordRow] {
        var conditions: [String] = [], values: [SQLValue] = []
        if entity.inHub, let hub {
            conditions.append("h.code = ?")
            values.append(.text(hub))
        }
        for (filter, value) in filters {
            conditions.append(filter.sql)
            values.append(value)
        }
        let whereSQL = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        return try db.statement(selectSQL(entity) + whereSQL + " ORDER BY t.id LIMIT ? OFFSET ?")
            .rows(values + [.int(limit), .int(offset)]) { s throws(IHubError) in try recordRow(entity, s) }
    }

    private func selectSQL(_ entity: Entity) -> String {
        let hub = entity.inHub ? ", h.code" : ""
        // A record in a hub joins it: the hub's code, and computed values read `h`.
        let join = entity.inHub ? " JOIN hubs h ON h.id = t.hub_id" : ""
        let cols = entity.columns.map { ", t.\($0.column)" }.joined() + entity.computed.map { ", (\($0.value.sql))" }.joined()
        return "SELECT t.id, t.code\(hub)\(cols) FROM \(entity.table) t\(join)"
    }

    private func recordRow(_ entity: Entity, _ s: Statement) throws(IHubError) -> RecordRow {
        var i: Int32 = entity.inHub ? 3 : 2
        var values: [JSON] = []
        values.reserveCapacity(entity.columns.count + entity.computed.count)
        for column in entity.columns {
            values.append(column.storage == .list
                ? try db.storedJSON(s.text(i), at: "\(entity.table).\(column.column)", ifNull: .array([]))
                : s.json(i))
            i += 1
        }
        for c in entity.computed {
            values.append(c.value.isList
                ? try db.storedJSON(s.text(i), at: "\(entity.table).\(c.name)", ifNull: .array([]))
                : s.json(i))
            i += 1
        }
        return RecordRow(id: s.int(0), code: s.json(1), hub: entity.inHub ? s.json(2) : nil, values: values)
    }

    // MARK: roles and memberships

    /// The person's current roles, by name.
    func currentRoles(person: Int64) throws(IHubError) -> [String] {
        try db.statement("SELECT role FROM person_roles WHERE person_id = ? AND end_date IS NULL ORDER BY role, id")
            .rows([.int(person)]) { s in s.text(0) ?? "" }
    }

    func endRole(person: Int64, role: String, on date: String) throws(IHubError) {
        try db.statement("UPDATE person_roles SET end_date = ? WHERE person_id = ? AND role = ? AND end_date IS NULL")
            .run([.text(date), .int(person), .text(role)])
    }

    func addRole(person: Int64, role: String, start: String?) throws(IHubError) {
        try db.statement("INSERT INTO person_roles(person_id, role, start_date) VALUES (?, ?, ?)")
            .run([.int(person), .text(role), SQLValue(start)])
    }

    struct RoleRow {
        let role: String
        let start: String?
        let end: String?
    }

    /// Every role the person has had, in the order they were given.
    func roleHistory(person: Int64) throws(IHubError) -> [RoleRow] {
        try db.statement("SELECT role, start_date, end_date FROM person_roles WHERE person_id = ? ORDER BY id")
            .rows([.int(person)]) { s in RoleRow(role: s.text(0) ?? "", start: s.text(1), end: s.text(2)) }
    }

    struct MembershipRow {
        let id: Int64
        let school: Int64
        let schoolCode: String
        let start: String?
        let end: String?
    }

    /// The person's current memberships, in the order they began.
    func currentMemberships(person: Int64) throws(IHubError) -> [MembershipRow] {
        try memberships("m.person_id = ? AND m.end_date IS NULL", person)
    }

    /// Every membership the person has had, in the order they began.
    func membershipHistory(person: Int64) throws(IHubError) -> [MembershipRow] {
        try memberships("m.person_id = ?", person)
    }

    private func memberships(_ condition: String, _ person: Int64) throws(IHubError) -> [MembershipRow] {
        try db.statement("""
            SELECT m.id, m.school_id, s.code, m.start_date, m.end_date FROM memberships m JOIN schools s ON s.id = m.school_id
            WHERE \(condition) ORDER BY m.id
            """).rows([.int(person)]) { s in
            MembershipRow(id: s.int(0), school: s.int(1), schoolCode: s.text(2) ?? "", start: s.text(3), end: s.text(4))
        }
    }

    /// The person's current membership of the school, if any.
    func currentMembership(person: Int64, school: Int64) throws(IHubError) -> Int64? {
        try db.scalarInt("SELECT id FROM memberships WHERE person_id = ? AND school_id = ? AND end_date IS NULL ORDER BY id",
                         [.int(person), .int(school)])
    }

    func endMembership(id: Int64, on date: String) throws(IHubError) {
        try db.statement("UPDATE memberships SET end_date = ? WHERE id = ?").run([.text(date), .int(id)])
    }

    func addMembership(person: Int64, school: Int64, start: String?, end: String?) throws(IHubError) {
        try db.statement("INSERT INTO memberships(person_id, school_id, start_date, end_date) VALUES (?, ?, ?, ?)")
            .run([.int(person), .int(school), SQLValue(start), SQLValue(end)])
    }

    // MARK: development teams

    /// Whether the school and the person belong to one hub.
    func inOneHub(school: Int64, person: Int64) throws(IHubError) -> Bool {
        try db.scalarInt("SELECT 1 FROM schools s JOIN people p ON p.hub_id = s.hub_id WHERE s.id = ? AND p.id = ?",
                         [.int(school), .int(person)]) != nil
    }

    /// The start of the person's current place on the school's team:
    /// nil when there is none, `.some(nil)` when its start is unknown.
    func currentTeamPlace(school: Int64, person: Int64) throws(IHubError) -> String?? {
        try db.statement("""
            SELECT start_date FROM team_members WHERE school_id = ? AND person_id = ? AND end_date IS NULL ORDER BY id
            """).rows([.int(school), .int(person)]) { s in s.text(0) }.first
    }

    func addTeamMember(school: Int64, person: Int64, position: String, start: String?, end: String?) throws(IHubError) {
        try db.statement("INSERT INTO team_members(school_id, person_id, position, start_date, end_date) VALUES (?, ?, ?, ?, ?)")
            .run([.int(school), .int(person), .text(position), SQLValue(start), SQLValue(end)])
    }

    /// Ends the person's current place on the team; false when there is none.
    func endTeamPlace(school: Int64, person: Int64, on date: String) throws(IHubError) -> Bool {
        try db.statement("UPDATE team_members SET end_date = ? WHERE school_id = ? AND person_id = ? AND end_date IS NULL")
            .run([.text(date), .int(school), .int(person)])
        return db.changes > 0
    }

    struct TeamMemberRow {
        let person: String
        let name: String
        let position: String
        let start: String?
        let end: String?
    }

    /// The school's team in the order people joined; past members too when `all`.
    func team(school: Int64, all: Bool) throws(IHubError) -> [TeamMemberRow] {
        let current = all ? "" : " AND t.end_date IS NULL"
        return try db.statement("""
            SELECT p.code, p.name, t.position, t.start_date, t.end_date FROM team_members t JOIN people p ON p.id = t.person_id
            WHERE t.school_id = ?\(current) ORDER BY t.id
            """).rows([.int(school)]) { s in
            TeamMemberRow(person: s.text(0) ?? "", name: s.text(1) ?? "", position: s.text(2) ?? "", start: s.text(3), end: s.text(4))
        }
    }

    // MARK: engagements

    func addEngagement(stakeholder: Int64, date: String, kind: String, school: Int64?, note: String?) throws(IHubError) -> Int64 {
        try db.insertReturningID("INSERT INTO engagements(stakeholder_id, date, kind, school_id, note) VALUES (?, ?, ?, ?, ?) RETURNING id",
                                 [.int(stakeholder), .text(date), .text(kind), SQLValue(school), SQLValue(note)])
    }

    struct EngagementRow {
        let id: Int64
        let stakeholder: String
        let date: String
        let kind: String
        let school: String?
        let note: String?
    }

    /// Engagements newest first, of one stakeholder and/or one hub (codes).
    func engagements(stakeholder: String?, hub: String?, limit: Int64, offset: Int64) throws(IHubError) -> [EngagementRow] {
        try db.statement("""
            SELECT e.id, k.code, e.date, e.kind, sc.code, e.note
            FROM engagements e JOIN stakeholders k ON k.id = e.stakeholder_id JOIN hubs h ON h.id = k.hub_id
            LEFT JOIN schools sc ON sc.id = e.school_id
            WHERE (CAST(? AS TEXT) IS NULL OR k.code = ?) AND (CAST(? AS TEXT) IS NULL OR h.code = ?)
            ORDER BY e.date DESC, e.id DESC LIMIT ? OFFSET ?
            """).rows([SQLValue(stakeholder), SQLValue(stakeholder), SQLValue(hub), SQLValue(hub), .int(limit), .int(offset)]) { s in
            EngagementRow(id: s.int(0), stakeholder: s.text(1) ?? "", date: s.text(2) ?? "", kind: s.text(3) ?? "",
                          school: s.text(4), note: s.text(5))
        }
    }
}

extension Database {
    var registry: RegistryStore { RegistryStore(db: self) }

    /// Runs an `INSERT ... RETURNING id`: the new row's id.
    func insertReturningID(_ sql: String, _ values: [SQLValue]) throws(IHubError) -> Int64 {
        guard let id = try scalarInt(sql, values) else { throw IHubError(.error, "an insert returned no row id") }
        return id
    }
}

/// A condition of `list` on a record (`t`) beyond its hub, said in SQL here.
enum RecordFilter: Sendable {
    /// The column equals the value.
    case column(String)
    /// People currently members of the school with the code given.
    case currentMemberOf
    /// People who currently have the role given.
    case currentRole

    var sql: String {
        switch self {
        case .column(let name): "t.\(name) = ?"
        case .currentMemberOf:
            "EXISTS (SELECT 1 FROM memberships m JOIN schools s ON s.id = m.school_id WHERE m.person_id = t.id AND m.end_date IS NULL AND s.code = ?)"
        case .currentRole:
            "EXISTS (SELECT 1 FROM person_roles r WHERE r.person_id = t.id AND r.end_date IS NULL AND r.role = ?)"
        }
    }
}

/// A read-only value of get/list computed from the record (`t`) and its hub (`h`).
enum RecordComputed: Sendable {
    /// How many rows of this table the hub has.
    case countInHub(String)
    /// The school's languages, or its hub's when it lists none: a list.
    case effectiveLanguages
    /// A column that only the engine writes (a person's erased_at).
    case column(String)

    var isList: Bool { if case .effectiveLanguages = self { true } else { false } }

    var sql: String {
        switch self {
        case .countInHub(let table): "SELECT count(*) FROM \(table) WHERE hub_id = t.id"
        case .effectiveLanguages: "CASE WHEN t.languages = '[]' THEN h.languages ELSE t.languages END"
        case .column(let name): "t.\(name)"
        }
    }
}
