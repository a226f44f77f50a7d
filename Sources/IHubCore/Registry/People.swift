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
        write: { db, id, record, isNew, batch, codes, path throws(IHubError) in
            if let roles = record["roles"] {
                try setRoles(db, id, (roles.array ?? []).compactMap(\.string), isNew: isNew, batch: batch)
            }
            if record["memberships"] != nil && record["schools"] != nil {
                throw IHubError.invalid("\(path()): give memberships or schools, not both")
            }
            if let memberships = record["memberships"] ?? record["schools"].map(membershipsOf) {
                try setMemberships(db, id, record, memberships.array ?? [], isNew: isNew, batch: batch, codes: &codes,
                                   at: record["memberships"] != nil ? "\(path()).memberships" : "\(path()).schools")
            }
        },
        read: { db, id throws(IHubError) in
            let roles = try db.registry.currentRoles(person: id)
            let memberships = try db.registry.currentMemberships(person: id)
            return [JSON.Member("roles", .array(roles.map(JSON.string))),
                    JSON.Member("memberships", .array(memberships.map {
                        ["school": .string($0.schoolCode), "start": JSON($0.start), "end": JSON($0.end)]
                    }))]
        },
        readFields: [
            .required("roles", .array(.oneOf(roles)), "the person's current roles"),
            .required("memberships", .array(membership), "the person's current schools (person.history has the past ones)"),
        ],
        example: [.init("roles", ["teacher", "ict_teacher"]), .init("memberships", [["school": "EE-ACC-S01", "start": "2025-09-01"]])],
        errors: [
            .notFound("a membership's school code names no school"),
            .constraint("a membership's school belongs to another hub"),
            .invalid("both `memberships` and `schools` are given, a school is listed twice, or a membership ends before it starts"),
        ])

    /// A role or membership of person.history: dated, the end null while current.
    static func dated(_ name: String, _ shape: Shape, _ doc: String) -> Shape {
        .object([.required(name, shape, doc),
                 .optional("start", .date, "first day (null: not known, e.g. given when the person was added)"),
                 .optional("end", .date, "last day (null: current)")])
    }

    private static func membershipsOf(_ schools: JSON) -> JSON {
        .array((schools.array ?? []).map { ["school": $0] })
    }

    /// Makes `roles` the current roles: ends the others, starts the new.
    /// A new person's roles have no start date (unknown); later changes are
    /// dated today.
    static func setRoles(_ db: Database, _ id: Int64, _ roles: [String], isNew: Bool, batch: RecordBatch? = nil) throws(IHubError) {
        // A new person has no roles yet: no need to ask (bulk loads add 100,000).
        let current = isNew ? [] : try db.registry.currentRoles(person: id)
        let today = isNew ? nil : Timestamp.today()
        for role in current where !roles.contains(role) {
            try db.registry.endRole(person: id, role: role, on: today!)
        }
        var added = Set(current)
        for role in roles where !added.contains(role) {
            if let batch {
                try batch.addRole(person: id, role: role, start: today)
            } else {
                try db.registry.addRole(person: id, role: role, start: today)
            }
            added.insert(role)
        }
    }

    /// Makes `memberships` the person's schools: current memberships not
    /// listed end today; listed schools without a current membership start
    /// one (on `start`, or today for an existing person); an `end` closes.
    static func setMemberships(_ db: Database, _ id: Int64, _ record: JSON, _ memberships: [JSON], isNew: Bool,
                               batch: RecordBatch? = nil, codes: inout Entity.Codes,
                               at path: @autoclosure () -> String) throws(IHubError)
    {
        var wanted: [(school: Int64, start: String?, end: String?)] = []
        // The person's hub: from the batch's cache when the record names it
        // (an insert), else from the row (an update).
        let hub: Int64?
        if let code = record["hub"]?.string {
            hub = try codes.hub(db, code, at: "hub")
        } else {
            hub = try db.registry.hubID("people", id: id)
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
        let today = isNew ? nil : Timestamp.today()
        if !isNew {
            for m in try db.registry.currentMemberships(person: id)
            where !wanted.contains(where: { $0.school == m.school && $0.end == nil }) {
                try db.registry.endMembership(id: m.id, on: today!)
            }
        }
        for w in wanted {
            // A new person has no memberships to find.
            if !isNew, let existing = try db.registry.currentMembership(person: id, school: w.school) {
                if let end = w.end { try db.registry.endMembership(id: existing, on: end) }
            } else if let batch {
                try batch.addMembership(person: id, school: w.school, start: w.start ?? today, end: w.end)
            } else {
                try db.registry.addMembership(person: id, school: w.school, start: w.start ?? today, end: w.end)
            }
        }
    }

    /// person.history: every role and membership the person has had.
    static let methods: [Method] = [
        Method("person.history", "Every role and school membership a person has had, with dates.",
               params: RecordKey.fields,
               result: .object([
                   .required("code", .string, "the person's code"),
                   .required("roles", .array(dated("role", .oneOf(roles), "the role")), "every role the person has had, in the order recorded"),
                   .required("memberships", .array(dated("school", .string, "code of the school")), "every school membership, in the order recorded"),
               ]),
               example: ["code": "EE-ACC-P0003"],
               errors: [.notFound("no person has that id or code")]) { engine, p throws(IHubError) in
            let db = engine.db
            let id = try RecordKey(p, entity: "person").resolve(db, .person)
            let roles = try db.registry.roleHistory(person: id).map { r -> JSON in
                ["role": .string(r.role), "start": JSON(r.start), "end": JSON(r.end)]
            }
            let memberships = try db.registry.membershipHistory(person: id).map { m -> JSON in
                ["school": .string(m.schoolCode), "start": JSON(m.start), "end": JSON(m.end)]
            }
            return ["code": .string(try db.registry.code(.person, id: id) ?? ""),
                    "roles": .array(roles), "memberships": .array(memberships)]
        },
    ]
}
