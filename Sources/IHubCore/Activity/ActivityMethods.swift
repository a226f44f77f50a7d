/// The activity log's operations: log, read, void, count hours, issue a
/// statement of hours, import in bulk.
enum ActivityMethods {
    static let hubField = Field.required("hub", .string, "code of the hub")
    static let rangeFields: [Field] = [
        .optional("from", .date, "first day (inclusive; default: open)"),
        .optional("to", .date, "last day (inclusive; default: open)"),
    ]
    static let keyFields: [Field] = [
        .optional("id", .integer, "the activity's id"),
        .optional("uuid", .string, "the activity's uuid"),
    ]

    static let hoursRule = """
        Hours count minutes over 60 (two decimals). Each activity counts once per subject, whatever the number of \
        ways the subject took part. A person took part when listed, or as mentor or mentee of a listed teacher \
        mentorship. A school took part when listed, as mentor or mentee school of a listed school mentorship, or \
        through a person who took part and was a member of the school on the activity's date (membership start and \
        end dates inclusive). A mentorship took part when listed. Voided activities never count; from and to are \
        inclusive.
        """

    static let all: [Method] = [
        Method("activity.log", """
            Record an activity of a hub (session, workshop, observation, co-planning, reflection): date, minutes, \
            method, process instance and step, participants (people, schools, mentorships, each with a role), notes, \
            outcome. Every reference must be of the hub. Logging again with the uuid of an identical activity returns \
            it unchanged; a different activity with a stored uuid is IHUB_CONFLICT. Returns the stored activity.
            """, writes: true, params: [hubField] + ActivityRecord.fields, result: ActivityRecord.result,
               example: ["hub": "LT-CTA", "kind": "session", "date": "2025-10-06", "minutes": 45,
                         "participants": [["person": "LT-CTA-P0120", "role": "mentor"], ["person": "LT-CTA-P0051", "role": "mentee"]],
                         "notes": "lesson observation debrief"],
               errors: [.notFound("the hub, a person, school, mentorship, toolbox method or process instance is unknown"),
                        .invalid("a person, school, mentorship or process instance is of another hub, or a participant is listed twice"),
                        .conflict("an activity with this uuid is stored with other content")]) { engine, p throws(IHubError) in
            var resolver = try ActivityResolver(engine.db, hub: p["hub"]!.string!, at: "params.hub")
            let new = try ActivityRecord.parse(p, at: "params", &resolver, allowHub: true)
            let store = engine.db.activities
            if let stored = try store.get(uuid: new.uuid) {
                guard ActivityRecord.same(stored.asNew, new) else {
                    throw IHubError(.conflict, "params.uuid: activity \(new.uuid) exists with another \(ActivityRecord.difference(stored.asNew, new))")
                }
                return ActivityRecord.json(stored)
            }
            let id = try store.insert([new])[0]
            return ActivityRecord.json(try store.get(id: id)!)
        },
        Method("activity.get", "One activity, by id or uuid (voided ones too: see voided_at).", params: keyFields,
               result: ActivityRecord.result, example: ["id": 1],
               errors: [.notFound("no activity has that id or uuid")]) { engine, p throws(IHubError) in
            ActivityRecord.json(try find(engine.db, p))
        },
        Method("activity.list", """
            A hub's activities by date, then id, with their participants; voided ones only with `voided: true`. \
            person, school and mentorship select the activities they took part in, as activity.hours counts them.
            """, params: [hubField] + rangeFields + [
                .optional("person", .string, "only activities this person (code) took part in"),
                .optional("school", .string, "only activities this school (code) took part in"),
                .optional("mentorship", .integer, "only activities this mentorship (id) took part in"),
                .optional("instance", .integer, "only activities of this process instance (id)"),
                .optional("kind", .oneOf(ActivityKind.allCases.map(\.rawValue)), "only this kind"),
                .optional("voided", .boolean, "include voided activities (default false)"),
            ] + Page.fields, result: .array(ActivityRecord.result),
               example: ["hub": "LT-CTA", "person": "LT-CTA-P0120", "limit": 5],
               errors: [.notFound("the hub, person, school, mentorship or process instance is unknown"),
                        .invalid("the person, school, mentorship or process instance is of another hub; `to` is before `from`")]) { engine, p throws(IHubError) in
            let page = try Page(p)
            var out: [JSON] = []
            try engine.db.snapshot { () throws(IHubError) in
                var filter = try filter(engine.db, p)
                filter.includeVoided = p["voided"]?.bool ?? false
                try engine.db.activities.each(filter, limit: page.limit, offset: page.offset) { row in out.append(ActivityRecord.json(row)) }
            }
            return .array(out)
        },
        Method("activity.void", """
            Void an activity: it is kept (with the time and reason) but no list, hours or statement counts it. \
            Voiding a voided activity changes nothing. Returns the activity.
            """, writes: true, params: keyFields + [.optional("reason", .longText, "why it is voided")],
               result: ActivityRecord.result, example: ["id": 1, "reason": "logged twice"],
               errors: [.notFound("no activity has that id or uuid")]) { engine, p throws(IHubError) in
            let row = try find(engine.db, p)
            try engine.db.activities.void(id: row.id, reason: p["reason"]?.string)
            return ActivityRecord.json(try engine.db.activities.get(id: row.id)!)
        },
        Method("activity.hours", """
            Mentoring hours of a hub per person, school or mentorship over a date range: rows of code (id for a \
            mentorship), name, hours, activities and minutes, most hours first (then by code), and totals over the \
            activities counted (each once). \(hoursRule)
            """, params: [hubField] + rangeFields + [
                .required("by", .oneOf(HoursSubject.allCases.map(\.rawValue)), "person, school or mentorship"),
                .optional("kind", .oneOf(ActivityKind.allCases.map(\.rawValue)), "only this kind"),
            ], result: .object([
                .required("hub", .string, "code of the hub"),
                .required("by", .oneOf(HoursSubject.allCases.map(\.rawValue)), "what the rows count: person, school or mentorship"),
                .optional("from", .date, "first day counted (absent: open)"),
                .optional("to", .date, "last day counted (absent: open)"),
                .optional("kind", .oneOf(ActivityKind.allCases.map(\.rawValue)), "the only kind counted (absent: all)"),
                .required("rows", .array(.object([
                    .optional("code", .string, "the person's or school's code (not for a mentorship)"),
                    .optional("id", .integer, "the mentorship's id (by mentorship only)"),
                    .required("name", .string, "the person's, school's or mentorship's name"),
                    .required("hours", .number, "mentoring hours: minutes over 60, two decimals"),
                    .required("activities", .integer, "activities counted"),
                    .required("minutes", .integer, "minutes of those activities"),
                ])), "one per subject, most hours first, then by code"),
                .required("totals", .object([
                    .required("activities", .integer, "activities counted, each once"),
                    .required("minutes", .integer, "their minutes"),
                    .required("hours", .number, "their hours, two decimals"),
                ]), "over the activities counted, each once"),
            ]), example: ["hub": "LT-CTA", "by": "person", "from": "2025-09-01", "to": "2026-06-30"],
               errors: [.notFound("the hub is unknown"), .invalid("`to` is before `from`")]) { engine, p throws(IHubError) in
            try engine.db.snapshot { () throws(IHubError) in
                try ActivityHours.hours(engine.db, p)
            }
        },
        Method("activity.statement", """
            A statement of a person's or a school's mentoring hours over a period, for incentive schemes: as CSV (a \
            row per activity: date, kind, method, minutes, hours, the roles in which the person or the school's \
            people took part; then a total row) or as a printable, self-contained HTML page (hub, person or school, \
            period, the table, total hours, date of issue, a line for a signature; no scripts, no external resources). \
            The text in the result, or a file at `path`. \(hoursRule)
            """, files: true, params: [hubField,
                                       .optional("person", .string, "code of the person (or school)"),
                                       .optional("school", .string, "code of the school (or person)"),
                                       .required("from", .date, "first day (inclusive)"),
                                       .required("to", .date, "last day (inclusive)"),
                                       .required("format", .oneOf(["csv", "html"]), "csv or html"),
                                       .optional("path", .string, "write the file here instead of returning the text (not from hub scripts)"),
                                       Output.overwriteField],
               result: .object([
                   .required("hub", .string, "code of the hub"),
                   .optional("person", .string, "code of the person (a person's statement)"),
                   .optional("school", .string, "code of the school (a school's statement)"),
                   .required("from", .date, "first day of the period"),
                   .required("to", .date, "last day of the period"),
                   .required("format", .oneOf(["csv", "html"]), "the statement's format"),
                   .required("activities", .integer, "activities listed"),
                   .required("minutes", .integer, "their minutes"),
                   .required("hours", .number, "their hours, two decimals"),
                   .optional("csv", .document, "the CSV text (format csv, no `path`)"),
                   .optional("html", .document, "the HTML page (format html, no `path`)"),
                   .optional("path", .string, "the file written (with `path`)"),
                   .optional("bytes", .integer, "bytes written to it (with `path`)"),
               ]),
               example: ["hub": "LT-CTA", "person": "LT-CTA-P0120", "from": "2025-09-01", "to": "2026-06-30", "format": "csv"],
               errors: [.notFound("the hub, person or school is unknown"),
                        .invalid("neither or both of person and school are given; the person or school is of another hub; `to` is before `from`"),
                        .conflict("a file exists at `path` and overwrite is not true")]) { engine, p throws(IHubError) in
            try ActivityStatement.run(engine.db, p)
        },
        Method("activity.import", """
            Import activities in bulk from NDJSON (one activity.log record per line, `hub` optional) or CSV \
            (columns uuid, date, kind, minutes, method, instance, step, participants, notes, outcome, by; \
            participants as `person:CODE:role;school:CODE;mentorship:ID`, the role optional), streamed and stored \
            in batches inside one transaction: all of it or nothing. Any bad record — malformed JSON, an unknown \
            code, a line or CSV record over 4 MiB — rejects the file; its problems are reported by line (and column and field \
            for CSV), the first ones in the error, all in `problems_out`. Idempotent by uuid: a record whose uuid is \
            stored with the same content (voided or not) is skipped (counted as unchanged); the same uuid with other content is a \
            conflict (a problem of the file). Records without a uuid get a new one, so they are not idempotent. \
            On PostgreSQL it runs at read committed, so bulk writers side by side do not abort each other: a uuid \
            another writer stores meanwhile fails the import with IHUB_CONSTRAINT (nothing stored).
            """, writes: true, isolation: .readCommitted, files: true, params: [hubField,
                                                     .optional("text", .document, "the NDJSON or CSV text itself"),
                                                     .optional("path", .string, "the file to read (not from hub scripts)"),
                                                     .optional("format", .oneOf(["csv", "ndjson"]), "default: by the file's extension (.csv, .ndjson, .jsonl), else by its first byte ('{' is NDJSON)"),
                                                     .optional("problems_out", .string, "write every problem of a rejected file here as CSV: line, column, field, message (not from hub scripts)"),
                                                     .optional("overwrite", .boolean, "replace the file at `problems_out` if it exists")],
               result: .object([
                   .required("hub", .string, "code of the hub"),
                   .required("format", .oneOf(["csv", "ndjson"]), "the format read"),
                   .required("records", .integer, "records in the file"),
                   .required("inserted", .integer, "activities stored"),
                   .required("unchanged", .integer, "records skipped: their uuid is stored with the same content"),
               ]),
               example: ["hub": "LT-CTA", "path": "activity.import.ndjson"],
               errors: [.invalid("a record is malformed or does not fit (nothing imported; the problems are named by line)"),
                        .notFound("`path` does not exist, or a record names a code or id the hub does not have"),
                        .conflict("a record's uuid is stored with other content, or a file exists at `problems_out` and overwrite is not true"),
                        .limit("a line or CSV record is over 4 MiB"),
                        .constraint("another writer stored one of the file's uuids meanwhile (PostgreSQL; nothing stored)")]) { engine, p throws(IHubError) in
            try ActivityImport.run(engine.db, p)
        },
    ]

    /// The activity named by `id` or `uuid` (one of them).
    static func find(_ db: Database, _ p: JSON) throws(IHubError) -> ActivityRow {
        switch (p["id"]?.int, p["uuid"]?.string) {
        case (let id?, nil):
            guard let row = try db.activities.get(id: id) else { throw IHubError.notFound("params.id: no activity with id \(id)") }
            return row
        case (nil, let uuid?):
            guard let row = try db.activities.get(uuid: UUIDText.normalized(uuid) ?? uuid) else {
                throw IHubError.notFound("params.uuid: no activity with uuid \(IHubError.quoted(uuid))")
            }
            return row
        default:
            throw IHubError.invalid("params: give the activity's id or its uuid (one of them)")
        }
    }

    /// The filter of activity.list and activity.hours parameters.
    static func filter(_ db: Database, _ p: JSON) throws(IHubError) -> ActivityFilter {
        var resolver = try ActivityResolver(db, hub: p["hub"]!.string!, at: "params.hub")
        var f = ActivityFilter(hubID: resolver.hubID, from: p["from"]?.string, to: p["to"]?.string)
        if let from = f.from, let to = f.to, from > to { throw IHubError.invalid("params.to: \(to) is before from (\(from))") }
        f.kind = p["kind"]?.string.flatMap(ActivityKind.init(rawValue:))
        if let person = p["person"]?.string { f.personID = try resolver.person(person, at: "params.person") }
        if let school = p["school"]?.string { f.schoolID = try resolver.school(school, at: "params.school") }
        if let m = p["mentorship"]?.int { f.mentorshipID = try resolver.mentorship(m, at: "params.mentorship") }
        if let i = p["instance"]?.int {
            try resolver.instance(i, at: "params.instance")
            f.instanceID = i
        }
        return f
    }
}
