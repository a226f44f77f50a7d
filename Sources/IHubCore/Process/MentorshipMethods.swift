/// Confirmed mentorships as records of their own: read one, end one (which
/// closes its open process instances).
enum MentorshipMethods {
    /// A mentorship as `json` writes it.
    static let recordFields: [Field] = [
        .required("id", .integer, "the mentorship's id"),
        .required("level", .oneOf(PairingRecords.Level.allCases.map(\.rawValue)), "school or teacher"),
        .required("round", .string, "code of the round it belongs to"),
        .required("mentee", .string, "code of the mentee school or teacher"),
        .required("mentor", .string, "code of the mentor school or teacher"),
        .optional("score", .number, "the pair's score in the run that made it"),
        .optional("run", .integer, "the pairing run that made it"),
        .required("start", .date, "its first day"),
        .optional("end", .date, "its last day (null: current)"),
        .optional("end_reason", .string, "why it ended"),
    ]
    static let record: Shape = .object(recordFields)

    static let all: [Method] = [
        Method("mentorship.get", "One confirmed mentorship: level, round, mentee, mentor, dates, end reason and its open process instance, if any.",
               params: [.required("id", .integer, "the mentorship's id (pairing.mentorships lists them)")],
               result: .object([recordFields[0], .required("hub", .string, "code of the hub")] + recordFields.dropFirst()
                                + [.optional("process", .integer, "id of its open process instance (null: none)")]),
               example: ["id": 1],
               errors: [.notFound("no mentorship has that id")]) { engine, p throws(IHubError) in
            let m = try require(engine.db, id: p["id"]!.int!)
            var doc = json(m).members ?? []
            doc.insert(.init("hub", .string(m.hub)), at: 1)
            doc.append(.init("process", JSON(try engine.db.process.openInstance(mentorshipID: m.id)?.id)))
            return .object(doc)
        },
        Method("mentorship.end", "End a mentorship on a date, with a reason; its open process instances are closed with that reason.",
               writes: true,
               params: [.required("id", .integer, "the mentorship's id"),
                        .required("date", .date, "the last day of the mentorship (not before its start)"),
                        .required("reason", .string, "why it ended, e.g. \"the school year ended\"")],
               result: .object(recordFields + [.required("closed_processes", .array(.integer), "ids of the process instances it closed")]),
               example: ["id": 3, "date": "2026-06-15", "reason": "the school year ended"],
               errors: [.notFound("no mentorship has that id"),
                        .conflict("the mentorship has ended already"),
                        .invalid("the date is before the mentorship's start")]) { engine, p throws(IHubError) in
            let db = engine.db
            let m = try require(db, id: p["id"]!.int!)
            let date = p["date"]!.string!, reason = p["reason"]!.string!
            if let end = m.end { throw IHubError(.conflict, "params.id: mentorship #\(m.id) ended on \(end) already") }
            guard date >= m.start else {
                throw IHubError.invalid("params.date: \(date) is before the mentorship's start (\(m.start))")
            }
            try db.pairing.endMentorship(id: m.id, date: date, reason: reason)
            var closed: [JSON] = []
            if let open = try db.process.openInstance(mentorshipID: m.id) {
                try db.process.close(id: open.id, reason: "the mentorship ended: \(reason)")
                closed.append(.int(open.id))
            }
            var doc = json(try require(db, id: m.id)).members ?? []
            doc.append(.init("closed_processes", .array(closed)))
            return .object(doc)
        },
    ]

    /// The mentorship `id`; not found names `path`.
    static func require(_ db: Database, id: Int64, at path: String = "params.id") throws(IHubError) -> MentorshipRow {
        guard let m = try db.pairing.mentorship(id: id) else { throw IHubError.notFound("\(path): no mentorship with id \(id)") }
        return m
    }

    /// A mentorship as pairing.mentorships lists it.
    static func json(_ m: MentorshipRow) -> JSON {
        ["id": .int(m.id), "level": .string(m.level), "round": .string(m.round), "mentee": .string(m.mentee), "mentor": .string(m.mentor),
         "score": m.score.map(JSON.double) ?? .null, "run": m.runID.map(JSON.int) ?? .null,
         "start": .string(m.start), "end": m.end.map(JSON.string) ?? .null, "end_reason": JSON(m.endReason)]
    }
}
