/// People's roles and school memberships, which keep their history: a change
/// ends the old row (end_date = today) and starts a new one, so "who was a
/// mentor in round 1" stays answerable.
enum People {
    static let roles = ["teacher", "school_leader", "ict_teacher", "mentor", "coordinator", "researcher"]

    static let membership: Shape = .object([
        .required("school", .string, "code of the school"),
        .optional("start", .date, "first day of the membership"),
        .optional("end", .date, "last day of the membership (a past membership)"),
    ])

    static let extensionFields = Entity.Extension(
        fields: [
            .optional("roles", .array(.oneOf(roles)), "the person's current roles (given on update: replaces them, keeping history)"),
            .optional("memberships", .array(membership), "the person's schools (given on update: replaces them, keeping history)"),
            .optional("schools", .array(.string), "shorthand for memberships: codes of the person's current schools"),
        ],
        write: { db, id, record, isNew, codes, path throws(IHubError) in
            if let roles = record["roles"] {
                try setRoles(db, id, (roles.array ?? []).compactMap(\.string), isNew: isNew)
            }
            if record["memberships"] != nil && record["schools"] != nil {
                throw IHubError.invalid("\(path()): give memberships or schools, not both")
            }
            if let memberships = record["memberships"] ?? record["schools"].map(membershipsOf) {
                try setMemberships(db, id, record, memberships.array ?? [], isNew: isNew, codes: &codes,
                                   at: record["memberships"] != nil ? "\(path()).memberships" : "\(path()).schools")
            }
        },
        read: { db, id throws(IHubError) in
            let s = try db.statement("""
                SELECT (SELECT json_group_array(role) FROM
                          (SELECT role FROM person_roles WHERE person_id = ?1 AND end_date IS NULL ORDER BY role)),
                       (SELECT json_group_array(json_object('school', s.code, 'start', m.start_date, 'end', m.end_date))
                          FROM memberships m JOIN schools s ON s.id = m.school_id
                         WHERE m.person_id = ?1 AND m.end_date IS NULL ORDER BY m.id)
                """)
            try s.bind([.int(id)])
            try s.step()
            return [JSON.Member("roles", (try? JSONParser.parse(s.text(0) ?? "[]")) ?? .array([])),
                    JSON.Member("memberships", (try? JSONParser.parse(s.text(1) ?? "[]")) ?? .array([]))]
        })

    private static func membershipsOf(_ schools: JSON) -> JSON {
        .array((schools.array ?? []).map { ["school": $0] })
    }

    /// Makes `roles` the current roles: ends the others, starts the new.
    /// A new person's roles have no start date (unknown); later changes are
    /// dated today.
    static func setRoles(_ db: Database, _ id: Int64, _ roles: [String], isNew: Bool) throws(IHubError) {
        // A new person has no roles yet: no need to ask (bulk loads add 100,000).
        let current = isNew ? [] : try strings(db, "SELECT role FROM person_roles WHERE person_id = ? AND end_date IS NULL", id)
        for role in current where !roles.contains(role) {
            try db.statement("UPDATE person_roles SET end_date = date('now') WHERE person_id = ? AND role = ? AND end_date IS NULL")
                .run([.int(id), .text(role)])
        }
        let insert = try db.statement("INSERT INTO person_roles(person_id, role, start_date) VALUES (?, ?, \(isNew ? "NULL" : "date('now')"))")
        var added = Set(current)
        for role in roles where !added.contains(role) {
            try insert.run([.int(id), .text(role)])
            added.insert(role)
        }
    }

    /// Makes `memberships` the person's schools: current memberships not
    /// listed end today; listed schools without a current membership start
    /// one (on `start`, or today for an existing person); an `end` closes.
    static func setMemberships(_ db: Database, _ id: Int64, _ record: JSON, _ memberships: [JSON], isNew: Bool,
                               codes: inout Entity.Codes, at path: @autoclosure () -> String) throws(IHubError)
    {
        var wanted: [(school: Int64, start: String?, end: String?)] = []
        // The person's hub: from the batch's cache when the record names it
        // (an insert), else from the row (an update).
        let hub: Int64?
        if let code = record["hub"]?.string {
            hub = try codes.hub(db, code, at: "hub")
        } else {
            hub = try db.scalarInt("SELECT hub_id FROM people WHERE id = ?", [.int(id)])
        }
        for (i, m) in memberships.enumerated() {
            let code = m["school"]!.string!
            let (school, schoolHub) = try codes.school(db, code, at: "\(path())[\(i)].school")
            guard schoolHub == hub else {
                throw IHubError(.constraint, "\(path())[\(i)].school: \(IHubError.quoted(code)) is a school of another hub")
            }
            guard !wanted.contains(where: { $0.school == school }) else {
                throw IHubError.invalid("\(path())[\(i)].school: \(IHubError.quoted(code)) is listed twice")
            }
            let start = m["start"]?.string, end = m["end"]?.string
            if let start, let end, end < start { throw IHubError.invalid("\(path())[\(i)].end: \(end) is before the start \(start)") }
            wanted.append((school, start, end))
        }
        if !isNew {
            let s = try db.statement("SELECT id, school_id FROM memberships WHERE person_id = ? AND end_date IS NULL")
            try s.bind([.int(id)])
            var ending: [Int64] = []
            while try s.step() {
                let school = s.int(1)
                if !wanted.contains(where: { $0.school == school && $0.end == nil }) { ending.append(s.int(0)) }
            }
            for m in ending { try db.statement("UPDATE memberships SET end_date = date('now') WHERE id = ?").run([.int(m)]) }
        }
        let current = try db.statement("SELECT id FROM memberships WHERE person_id = ? AND school_id = ? AND end_date IS NULL")
        let insert = try db.statement("""
            INSERT INTO memberships(person_id, school_id, start_date, end_date)
            VALUES (?, ?, coalesce(?, \(isNew ? "NULL" : "date('now')")), ?)
            """)
        for w in wanted {
            var existing: Int64? = nil
            if !isNew {  // a new person has no memberships to find
                try current.bind([.int(id), .int(w.school)])
                if try current.step() { existing = current.int(0) }
            }
            if let existing {
                if let end = w.end {
                    try db.statement("UPDATE memberships SET end_date = ? WHERE id = ?").run([.text(end), .int(existing)])
                }
            } else {
                try insert.run([.int(id), .int(w.school), SQLValue(w.start), SQLValue(w.end)])
            }
        }
    }

    private static func strings(_ db: Database, _ sql: String, _ id: Int64) throws(IHubError) -> [String] {
        let s = try db.statement(sql)
        try s.bind([.int(id)])
        var out: [String] = []
        while try s.step() { out.append(s.text(0) ?? "") }
        return out
    }

    /// person.history: every role and membership the person has had.
    static let methods: [Method] = [
        Method("person.history", "Every role and school membership a person has had, with dates.",
               params: RecordKey.fields) { engine, p throws(IHubError) in
            let db = engine.db
            let id = try RecordKey(p, entity: "person").resolve(db, table: "people", entity: "person")
            let roles = try db.statement("SELECT role, start_date, end_date FROM person_roles WHERE person_id = ? ORDER BY id")
            try roles.bind([.int(id)])
            var r: [JSON] = []
            while try roles.step() { r.append(["role": roles.json(0), "start": roles.json(1), "end": roles.json(2)]) }
            let ms = try db.statement("""
                SELECT s.code, m.start_date, m.end_date FROM memberships m JOIN schools s ON s.id = m.school_id
                WHERE m.person_id = ? ORDER BY m.id
                """)
            try ms.bind([.int(id)])
            var m: [JSON] = []
            while try ms.step() { m.append(["school": ms.json(0), "start": ms.json(1), "end": ms.json(2)]) }
            return ["code": .string(try db.scalarText("SELECT code FROM people WHERE id = ?", [.int(id)]) ?? ""),
                    "roles": .array(r), "memberships": .array(m)]
        },
    ]
}
