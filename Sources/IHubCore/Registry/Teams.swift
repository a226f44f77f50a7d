/// School development teams (principal plus ICT-support teachers) and the
/// engagement records of stakeholders: dated rows that belong to a coded
/// record and keep their history.
enum Teams {
    /// A school's team as `list` writes it: one entry per place.
    static let team: Shape = .array(.object([
        .required("person", .string, "code of the person"),
        .required("name", .string, "the person's name"),
        .required("position", .string, "their position on the team, e.g. principal, ict_support, member"),
        .optional("start", .date, "first day on the team (null: not given)"),
        .optional("end", .date, "last day on the team (null: still on it)"),
    ]))

    static let methods: [Method] = [
        Method("team.add", "Put a person on a school's development team.", writes: true, params: [
            .required("school", .string, "code of the school"),
            .required("person", .string, "code of the person"),
            .optional("position", .string, "e.g. principal, ict_support, member (default member)"),
            .optional("start", .date, "first day on the team"),
        ], result: team, example: ["school": "EE-ACC-S01", "person": "EE-ACC-P0003", "position": "member", "start": "2025-09-01"],
           errors: [.notFound("no school or no person has that code"),
                    .constraint("the person belongs to another hub than the school"),
                    .conflict("the person is on the school's team already")]) { engine, p throws(IHubError) in
            let db = engine.db
            let school = try db.requireID(.school, code: p["school"]!.string!, at: "params.school")
            let person = try db.requireID(.person, code: p["person"]!.string!, at: "params.person")
            if try !db.registry.inOneHub(school: school, person: person) {
                throw IHubError(.constraint, "params.person: \(IHubError.quoted(p["person"]?.string ?? "")) belongs to another hub than \(IHubError.quoted(p["school"]?.string ?? ""))")
            }
            if try db.registry.currentTeamPlace(school: school, person: person) != nil {
                throw IHubError(.conflict, "params.person: \(IHubError.quoted(p["person"]?.string ?? "")) is already on the team of \(IHubError.quoted(p["school"]?.string ?? ""))")
            }
            try db.registry.addTeamMember(school: school, person: person, position: p["position"]?.string ?? "member",
                                          start: p["start"]?.string, end: nil)
            return try list(db, school: school, all: false)
        },
        Method("team.end", "Take a person off a school's development team (the membership is kept as history).", writes: true, params: [
            .required("school", .string, "code of the school"),
            .required("person", .string, "code of the person"),
            .optional("end", .date, "last day on the team (default today)"),
        ], result: team, example: ["school": "EE-ACC-S01", "person": "EE-ACC-P0002", "end": "2026-06-15"],
           errors: [.notFound("no school or no person has that code, or the person is not on the school's team")]) { engine, p throws(IHubError) in
            let db = engine.db
            let school = try db.requireID(.school, code: p["school"]!.string!, at: "params.school")
            let person = try db.requireID(.person, code: p["person"]!.string!, at: "params.person")
            guard try db.registry.endTeamPlace(school: school, person: person, on: p["end"]?.string ?? Timestamp.today()) else {
                throw IHubError.notFound("params.person: \(IHubError.quoted(p["person"]?.string ?? "")) is not on the team of \(IHubError.quoted(p["school"]?.string ?? ""))")
            }
            return try list(db, school: school, all: false)
        },
        Method("team.list", "A school's development team.", params: [
            .required("school", .string, "code of the school"),
            .optional("all", .boolean, "include past members (default false)"),
        ], result: team, example: ["school": "EE-ACC-S01"], errors: [.notFound("no school has that code")]) { engine, p throws(IHubError) in
            let school = try engine.db.requireID(.school, code: p["school"]!.string!, at: "params.school")
            return try list(engine.db, school: school, all: p["all"]?.bool ?? false)
        },
    ]

    static func list(_ db: Database, school: Int64, all: Bool) throws(IHubError) -> JSON {
        .array(try db.registry.team(school: school, all: all).map {
            ["person": .string($0.person), "name": .string($0.name), "position": .string($0.position),
             "start": JSON($0.start), "end": JSON($0.end)]
        })
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
               writes: true, params: fields,
               result: .object([.required("id", .integer, "the engagement's id")]),
               example: ["stakeholder": "EE-ACC-ST01", "date": "2025-10-14", "kind": "meeting", "school": "EE-ACC-S01",
                         "note": "Agreed to host the spring workshop for the hub's schools."],
               errors: [.notFound("no stakeholder or no school has that code")]) { engine, p throws(IHubError) in
            let db = engine.db
            let stakeholder = try db.requireID(.stakeholder, code: p["stakeholder"]!.string!, at: "params.stakeholder")
            let school = try p["school"]?.string.map { code throws(IHubError) in try db.requireID(.school, code: code, at: "params.school") }
            let id = try db.registry.addEngagement(stakeholder: stakeholder, date: p["date"]!.string!, kind: p["kind"]!.string!,
                                                   school: school, note: p["note"]?.string)
            return ["id": .int(id)]
        },
        Method("engagement.list", "Engagements, newest first, of one stakeholder or one hub.", params: [
            .optional("stakeholder", .string, "only this stakeholder's (code)"),
            .optional("hub", .string, "only this hub's stakeholders (code)"),
        ] + Page.fields,
               result: .array(.object([
                   .required("id", .integer, "the engagement's id"),
                   .required("stakeholder", .string, "code of the stakeholder"),
                   .required("date", .date, "when it happened"),
                   .required("kind", .oneOf(kinds), "what it was"),
                   .optional("school", .string, "code of the school it concerned (null: none)"),
                   .optional("note", .longText, "what was agreed or said"),
               ])),
               example: ["hub": "EE-ACC", "limit": 10]) { engine, p throws(IHubError) in
            let page = try Page(p)
            let rows = try engine.db.registry.engagements(stakeholder: p["stakeholder"]?.string, hub: p["hub"]?.string,
                                                          limit: page.limit, offset: page.offset)
            return .array(rows.map {
                ["id": .int($0.id), "stakeholder": .string($0.stakeholder), "date": .string($0.date), "kind": .string($0.kind),
                 "school": JSON($0.school), "note": JSON($0.note)]
            })
        },
    ]
}
