/// School development teams (principal plus ICT-support teachers) and the
/// engagement records of stakeholders: dated rows that belong to a coded
/// record and keep their history.
enum Teams {
    static let methods: [Method] = [
        Method("team.add", "Put a person on a school's development team.", writes: true, params: [
            .required("school", .string, "code of the school"),
            .required("person", .string, "code of the person"),
            .optional("position", .string, "e.g. principal, ict_support, member (default member)"),
            .optional("start", .date, "first day on the team"),
        ]) { engine, p throws(IHubError) in
            let db = engine.db
            let school = try Registry.school.id(db, code: p["school"]!.string!, at: "params.school")
            let person = try Registry.person.id(db, code: p["person"]!.string!, at: "params.person")
            if try db.scalarInt("SELECT 1 FROM schools s JOIN people p ON p.hub_id = s.hub_id WHERE s.id = ? AND p.id = ?",
                                [.int(school), .int(person)]) == nil {
                throw IHubError(.constraint, "params.person: \(IHubError.quoted(p["person"]?.string ?? "")) belongs to another hub than \(IHubError.quoted(p["school"]?.string ?? ""))")
            }
            if try db.scalarInt("SELECT id FROM team_members WHERE school_id = ? AND person_id = ? AND end_date IS NULL",
                                [.int(school), .int(person)]) != nil {
                throw IHubError(.conflict, "params.person: \(IHubError.quoted(p["person"]?.string ?? "")) is already on the team of \(IHubError.quoted(p["school"]?.string ?? ""))")
            }
            try db.statement("INSERT INTO team_members(school_id, person_id, position, start_date) VALUES (?, ?, ?, ?)")
                .run([.int(school), .int(person), .text(p["position"]?.string ?? "member"), SQLValue(p["start"]?.string)])
            return try list(db, school: school, all: false)
        },
        Method("team.end", "Take a person off a school's development team (the membership is kept as history).", writes: true, params: [
            .required("school", .string, "code of the school"),
            .required("person", .string, "code of the person"),
            .optional("end", .date, "last day on the team (default today)"),
        ]) { engine, p throws(IHubError) in
            let db = engine.db
            let school = try Registry.school.id(db, code: p["school"]!.string!, at: "params.school")
            let person = try Registry.person.id(db, code: p["person"]!.string!, at: "params.person")
            try db.statement("UPDATE team_members SET end_date = coalesce(?, date('now')) WHERE school_id = ? AND person_id = ? AND end_date IS NULL")
                .run([SQLValue(p["end"]?.string), .int(school), .int(person)])
            guard db.changes > 0 else {
                throw IHubError.notFound("params.person: \(IHubError.quoted(p["person"]?.string ?? "")) is not on the team of \(IHubError.quoted(p["school"]?.string ?? ""))")
            }
            return try list(db, school: school, all: false)
        },
        Method("team.list", "A school's development team.", params: [
            .required("school", .string, "code of the school"),
            .optional("all", .boolean, "include past members (default false)"),
        ]) { engine, p throws(IHubError) in
            let school = try Registry.school.id(engine.db, code: p["school"]!.string!, at: "params.school")
            return try list(engine.db, school: school, all: p["all"]?.bool ?? false)
        },
    ]

    static func list(_ db: Database, school: Int64, all: Bool) throws(IHubError) -> JSON {
        let s = try db.statement("""
            SELECT p.code, p.name, t.position, t.start_date, t.end_date FROM team_members t JOIN people p ON p.id = t.person_id
            WHERE t.school_id = ? AND (? OR t.end_date IS NULL) ORDER BY t.id
            """)
        try s.bind([.int(school), .int(all ? 1 : 0)])
        var out: [JSON] = []
        while try s.step() {
            out.append(["person": s.json(0), "name": s.json(1), "position": s.json(2), "start": s.json(3), "end": s.json(4)])
        }
        return .array(out)
    }
}

enum Engagements {
    static let kinds = ["meeting", "event", "agreement", "communication", "other"]

    static let fields: [Field] = [
        .required("stakeholder", .string, "code of the stakeholder"),
        .required("date", .date, "when it happened"),
        .required("kind", .oneOf(kinds), "what it was"),
        .optional("school", .string, "the school it concerned (code)"),
        .optional("note", .longText, "what was agreed or said"),
    ]

    static let methods: [Method] = [
        Method("engagement.add", "Record a stakeholder engagement: a meeting, event, agreement or communication.",
               writes: true, params: fields) { engine, p throws(IHubError) in
            let db = engine.db
            let stakeholder = try Registry.stakeholder.id(db, code: p["stakeholder"]!.string!, at: "params.stakeholder")
            let school = try p["school"]?.string.map { code throws(IHubError) in try Registry.school.id(db, code: code, at: "params.school") }
            let insert = try db.statement("INSERT INTO engagements(stakeholder_id, date, kind, school_id, note) VALUES (?, ?, ?, ?, ?) RETURNING id")
            try insert.bind([.int(stakeholder), .text(p["date"]!.string!), .text(p["kind"]!.string!), SQLValue(school), SQLValue(p["note"]?.string)])
            try insert.step()
            defer { insert.reset() }
            return ["id": .int(insert.int(0))]
        },
        Method("engagement.list", "Engagements, newest first, of one stakeholder or one hub.", params: [
            .optional("stakeholder", .string, "only this stakeholder's (code)"),
            .optional("hub", .string, "only this hub's stakeholders (code)"),
        ] + Page.fields) { engine, p throws(IHubError) in
            let page = try Page(p)
            let s = try engine.db.statement("""
                SELECT e.id, k.code, e.date, e.kind, sc.code, e.note
                FROM engagements e JOIN stakeholders k ON k.id = e.stakeholder_id JOIN hubs h ON h.id = k.hub_id
                LEFT JOIN schools sc ON sc.id = e.school_id
                WHERE (?1 IS NULL OR k.code = ?1) AND (?2 IS NULL OR h.code = ?2)
                ORDER BY e.date DESC, e.id DESC LIMIT ?3 OFFSET ?4
                """)
            try s.bind([SQLValue(p["stakeholder"]?.string), SQLValue(p["hub"]?.string), .int(page.limit), .int(page.offset)])
            var out: [JSON] = []
            while try s.step() {
                out.append(["id": s.json(0), "stakeholder": s.json(1), "date": s.json(2), "kind": s.json(3),
                            "school": s.json(4), "note": s.json(5)])
            }
            return .array(out)
        },
    ]
}
