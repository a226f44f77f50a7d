/// People: teachers, school leaders, ICT teachers, mentors, coordinators and
/// researchers, with their roles and school memberships.
enum PersonMethods {
    static let roles = ["teacher", "school_leader", "ict_teacher", "mentor", "coordinator", "researcher"]

    static let membership: Shape = .object([
        .required("school", .string, "code of the school"),
        .optional("start", .date, "first day of the membership"),
        .optional("end", .date, "last day of the membership"),
    ])

    static let attributes: [Field] = [
        .optional("email", .string, "e-mail address"),
        .optional("roles", .array(.oneOf(roles)), "the person's roles"),
        .optional("memberships", .array(membership), "the schools the person belongs to"),
    ]

    static let fields: [Field] = [
        .required("hub", .string, "code of the person's hub"),
        .required("code", .string, "stable external code (pseudonymous is best)"),
        .required("name", .string, "the person's name"),
    ] + attributes

    static let all: [Method] = [
        Method("person.add", "Add a person with roles and school memberships.", writes: true, params: fields) { engine, p throws(IHubError) in
            var cache = Codes()
            return try get(engine.db, id: insert(engine.db, p, at: "params", cache: &cache))
        },
        Method("person.add_many", "Add many people in one transaction: all of them or none.", writes: true,
               params: [.required("people", .array(.object(fields)), "the people to add")]) { engine, p throws(IHubError) in
            var cache = Codes()
            var ids: [JSON] = []
            let people = p["people"]!.array!
            ids.reserveCapacity(people.count)
            for (i, person) in people.enumerated() {
                ids.append(.int(try insert(engine.db, person, at: "params.people[\(i)]", cache: &cache)))
            }
            return ["added": .int(Int64(ids.count)), "ids": .array(ids)]
        },
        Method("person.get", "One person, by id or code.", params: RecordKey.fields) { engine, p throws(IHubError) in
            try get(engine.db, id: RecordKey(p, entity: "person").resolve(engine.db, table: "people", entity: "person"))
        },
        Method("person.list", "People, optionally of one hub, school or role, ordered by id.",
               params: [.optional("hub", .string, "only this hub's people (hub code)"),
                        .optional("school", .string, "only members of this school (school code)"),
                        .optional("role", .oneOf(roles), "only people with this role")] + Page.fields) { engine, p throws(IHubError) in
            let page = try Page(p)
            let s = try engine.db.statement(select + """
                 WHERE (?1 IS NULL OR h.code = ?1)
                   AND (?2 IS NULL OR EXISTS (SELECT 1 FROM memberships m JOIN schools s ON s.id = m.school_id
                                              WHERE m.person_id = p.id AND s.code = ?2))
                   AND (?3 IS NULL OR EXISTS (SELECT 1 FROM person_roles r WHERE r.person_id = p.id AND r.role = ?3))
                 ORDER BY p.id LIMIT ?4 OFFSET ?5
                """)
            try s.bind([SQLValue(p["hub"]?.string), SQLValue(p["school"]?.string), SQLValue(p["role"]?.string),
                        .int(page.limit), .int(page.offset)])
            var people: [JSON] = []
            while try s.step() { people.append(row(s)) }
            return .array(people)
        },
        Method("person.update", "Change a person's name, e-mail, roles or memberships; roles and memberships given replace the old ones.",
               writes: true, params: RecordKey.fields + [.optional("name", .string, "the new name")] + attributes) { engine, p throws(IHubError) in
            let id = try RecordKey(p, entity: "person").resolve(engine.db, table: "people", entity: "person")
            if let name = p["name"] {
                guard let name = name.string else { throw IHubError.invalid("params.name: a person must keep a name") }
                try engine.db.statement("UPDATE people SET name = ? WHERE id = ?").run([.text(name), .int(id)])
            }
            if let email = p["email"] {
                try engine.db.statement("UPDATE people SET email = ? WHERE id = ?").run([SQLValue(email.string), .int(id)])
            }
            var cache = Codes()
            if p["roles"] != nil {
                try engine.db.statement("DELETE FROM person_roles WHERE person_id = ?").run([.int(id)])
                try insertRoles(engine.db, id, p)
            }
            if p["memberships"] != nil {
                try engine.db.statement("DELETE FROM memberships WHERE person_id = ?").run([.int(id)])
                try insertMemberships(engine.db, id, p, at: "params", cache: &cache)
            }
            return try get(engine.db, id: id)
        },
    ]

    /// Hub and school ids by code, looked up once per batch.
    struct Codes {
        var hubs: [String: Int64] = [:]
        var schools: [String: Int64] = [:]
    }

    static func insert(_ db: Database, _ p: JSON, at path: @autoclosure () -> String, cache: inout Codes) throws(IHubError) -> Int64 {
        let hubCode = p["hub"]!.string!
        let hubID: Int64
        if let cached = cache.hubs[hubCode] {
            hubID = cached
        } else {
            hubID = try HubMethods.resolve(db, code: hubCode, at: "\(path()).hub")
            cache.hubs[hubCode] = hubID
        }
        let code = p["code"]!.string!
        do throws(IHubError) {
            try db.statement("INSERT INTO people(hub_id, code, name, email) VALUES (?, ?, ?, ?)")
                .run([.int(hubID), .text(code), .text(p["name"]!.string!), SQLValue(p["email"]?.string)])
        } catch where error.status == .conflict {
            throw IHubError(.conflict, "\(path()).code: a person with code '\(code)' already exists")
        }
        let id = db.lastInsertRowID
        try insertRoles(db, id, p)
        try insertMemberships(db, id, p, at: path(), cache: &cache)
        return id
    }

    private static func insertRoles(_ db: Database, _ id: Int64, _ p: JSON) throws(IHubError) {
        guard let roles = p["roles"]?.array, !roles.isEmpty else { return }
        let s = try db.statement("INSERT OR IGNORE INTO person_roles(person_id, role) VALUES (?, ?)")
        for role in roles { try s.run([.int(id), .text(role.string!)]) }
    }

    private static func insertMemberships(_ db: Database, _ id: Int64, _ p: JSON, at path: @autoclosure () -> String,
                                          cache: inout Codes) throws(IHubError)
    {
        guard let memberships = p["memberships"]?.array else { return }
        let s = try db.statement("INSERT INTO memberships(person_id, school_id, start_date, end_date) VALUES (?, ?, ?, ?)")
        for (i, m) in memberships.enumerated() {
            func at() -> String { "\(path()).memberships[\(i)]" }
            let schoolCode = m["school"]!.string!
            let schoolID: Int64
            if let cached = cache.schools[schoolCode] {
                schoolID = cached
            } else {
                guard let found = try db.scalarInt("SELECT id FROM schools WHERE code = ?", [.text(schoolCode)]) else {
                    throw IHubError.notFound("\(at()).school: no school with code '\(schoolCode)'")
                }
                schoolID = found
                cache.schools[schoolCode] = found
            }
            let start = m["start"]?.string, end = m["end"]?.string
            if let start, let end, end < start { throw IHubError.invalid("\(at()).end: \(end) is before the start \(start)") }
            try s.run([.int(id), .int(schoolID), SQLValue(start), SQLValue(end)])
        }
    }

    private static let select = """
        SELECT p.id, p.code, h.code, p.name, p.email,
               (SELECT json_group_array(role) FROM (SELECT role FROM person_roles WHERE person_id = p.id ORDER BY role)),
               (SELECT json_group_array(json_object('school', s.code, 'start', m.start_date, 'end', m.end_date))
                  FROM memberships m JOIN schools s ON s.id = m.school_id WHERE m.person_id = p.id),
               p.created_at
        FROM people p JOIN hubs h ON h.id = p.hub_id
        """

    static func get(_ db: Database, id: Int64) throws(IHubError) -> JSON {
        let s = try db.statement(select + " WHERE p.id = ?")
        try s.bind([.int(id)])
        guard try s.step() else { throw IHubError.notFound("person #\(id) not found") }
        return row(s)
    }

    private static func row(_ s: Statement) -> JSON {
        [
            "id": s.json(0), "code": s.json(1), "hub": s.json(2), "name": s.json(3), "email": s.json(4),
            "roles": (try? JSONParser.parse(s.text(5) ?? "[]")) ?? .array([]),
            "memberships": (try? JSONParser.parse(s.text(6) ?? "[]")) ?? .array([]),
            "created_at": s.json(7),
        ]
    }
}
