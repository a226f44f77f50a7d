/// The insight operations: raise insights from the rules, read them, and
/// keep what people say of them (acknowledged, dismissed, reopened).
enum InsightMethods {
    static let hubField = Field.required("hub", .string, "code of the hub")
    static let idField = Field.required("id", .integer, "the insight's id")
    static let byField = Field.optional("by", .string, "code of the person who says so")
    static let roles = InsightRole.allCases.map(\.rawValue)
    static let statuses = ["open", "acknowledged", "dismissed"]

    /// A stored insight with its feedback, as `json` gives it.
    static let insight: Shape = .object([
        .required("id", .integer, "the insight's id"),
        .required("hub", .string, "code of the hub"),
        .required("rule", .string, "the rule that raised it"),
        .required("source", .string, "\"builtin\", or \"script:<hash>\" of the hub's insights script"),
        .required("role", .oneOf(roles), "who it is for: coordinator, school_leader or mentor"),
        .required("severity", .oneOf(InsightSeverity.allCases.map(\.rawValue)), "info, warning or alert"),
        .required("status", .oneOf(statuses), "open, acknowledged or dismissed"),
        .required("level", .string, "what it is about: hub, school, person, mentorship or instance"),
        // A code, or an id where the subject has none: a shape cannot say "string or integer".
        .optional("subject", .any, "the subject: a school's or person's code, a mentorship's or process instance's id (absent: the hub)"),
        .optional("subject_name", .string, "the subject's name"),
        .optional("indicator", .string, "the indicator it rests on"),
        .optional("value", .number, "that indicator's value"),
        .required("window", .string, "the window it was raised over, e.g. \"2025/26\""),
        .optional("from", .date, "the window's first day (absent: cumulative)"),
        .required("to", .date, "the window's last day"),
        .required("title", .string, "one line"),
        .required("reason", .longText, "why, citing the values"),
        .required("action", .longText, "the suggested action"),
        .required("key", .string, "rule, subject and window: raised once per key"),
        .required("created_at", .timestamp, "when it was first raised"),
        .required("feedback", .array(.object([
            .required("action", .oneOf(["ack", "dismiss", "reopen"]), "what was said"),
            .optional("by", .string, "code of the person who said it"),
            .required("at", .timestamp, "when"),
            .optional("note", .longText, "the note or reason"),
        ])), "what people said of it, oldest first"),
    ])

    static let feedbackErrors: [Method.Failure] = [
        .notFound("no insight has that id, or no person has the code `by`"),
    ]

    static let all: [Method] = [
        Method("insight.rules", """
            The insight rules of a hub: the default set (with the indicators each reads), then those of the hub's \
            `insights` script.
            """, params: [hubField], result: .array(.object([
                .required("name", .string, "the rule's name"),
                .required("description", .string, "what it looks for"),
                .required("source", .string, "\"builtin\", or \"script:<hash>\" of the hub's insights script"),
                .optional("indicators", .array(.string), "the indicators it reads (default rules)"),
                .optional("role", .oneOf(roles), "who its insights are for (the hub's rules)"),
            ])), example: ["hub": "LT-CTA"],
               errors: [.notFound("the hub is unknown"), .script("the hub's insights script fails to declare its rules")]) { engine, p throws(IHubError) in
            let hubID = try engine.db.requireID(.hub, code: p["hub"]!.string!, at: "params.hub")
            var out = InsightRules.all.map(\.described)
            if let script = try HubScriptMethods.load(engine.db, hubID: hubID, name: HubInsightRules.scriptName) {
                out += try HubInsightRules.declared(engine, script, hub: p["hub"]!.string!).map { r in
                    ["name": .string(r.name), "description": .string(r.description), "source": .string("script:\(script.hash)"),
                     "role": .string(r.role.rawValue)]
                }
            }
            return .array(out)
        },
        Method("insight.generate", """
            Apply the insight rules to a hub's indicators over a window (default: the current school year) and store \
            what they raise: per insight its rule, role (coordinator, school_leader, mentor), severity (info, warning, \
            alert), subject, the indicator and value it rests on, a title, the reason citing the values and a \
            suggested action. An insight is raised once per rule, subject and window: generating again stores \
            nothing new for it and keeps its status and feedback. Default rules: reach behind the pro-rata target \
            of the school year, inactive mentorships, stalled process instances, overdue plans, dropouts, a maturity \
            area that declined (95% CI of Hedges' g below 0), mentoring that multiplies; then the rules of the hub's \
            `insights` script — a list of {name, description, role, indicators, apply(ctx)}, apply returning insights \
            {severity, title, reason, action, role, level, subject, part, indicator, value}; ctx holds hub, window, \
            from, to, as_of, the rows of the named indicators (ctx.indicators[name]) and ctx.rows(name, options) — \
            each run read-only with its own budget. A rule that fails (or whose indicator fails) is listed in \
            `errors` and stores nothing; one whose indicators the hub lacks is listed in `skipped`. Returns the \
            insights raised now (new or kept), with counts.
            """, writes: true, params: [hubField, .optional("window", .string, "the time window: \(Window.grammar) (default: the school year of today)")],
               result: .object([.required("hub", .string, "code of the hub")] + IndicatorMethods.windowFields + [
                   .required("as_of", .date, "the day the rules judged at: the window's last day, or today if earlier"),
                   .required("created", .integer, "insights stored now"),
                   .required("kept", .integer, "insights raised again, already stored (their status and feedback kept)"),
                   .required("insights", .array(insight), "the insights raised now, new or kept"),
                   .required("skipped", .array(.object([
                       .required("rule", .string, "the rule"),
                       .required("reason", .string, "the indicators the hub lacks"),
                   ])), "rules not applied"),
                   .required("errors", .array(.object([
                       .optional("rule", .string, "the rule (absent: the hub's script failed as a whole)"),
                       .required("source", .string, "\"builtin\" or \"script:<hash>\""),
                       .required("status", .string, "e.g. IHUB_SCRIPT, IHUB_LIMIT"),
                       .required("message", .string, "what went wrong"),
                   ])), "rules that failed, storing nothing"),
               ]),
               example: ["hub": "LT-CTA", "window": "2025/26"],
               errors: [.notFound("the hub is unknown"), .invalid("the window does not fit")]) { engine, p throws(IHubError) in
            let today = CalendarDate(Timestamp.today())!
            let window = try p["window"]?.string.map { (w) throws(IHubError) in try Window.parse(w, today: today, at: "params.window") }
                ?? InsightGeneration.defaultWindow(today: today)
            return try InsightGeneration.run(engine, hub: p["hub"]!.string!, window: window)
        },
        Method("insight.list", """
            A hub's stored insights, most severe first, then oldest first, each with its feedback; optionally only \
            for a role, with a status or severity, or raised over a window.
            """, params: [hubField,
                          .optional("role", .oneOf(roles), "only insights for this role"),
                          .optional("status", .oneOf(statuses), "only insights with this status"),
                          .optional("severity", .oneOf(InsightSeverity.allCases.map(\.rawValue)), "only this severity"),
                          .optional("window", .string, "only insights raised over this window (\(Window.grammar))")],
               result: .array(insight), example: ["hub": "LT-CTA", "role": "coordinator", "status": "open"],
               errors: [.notFound("the hub is unknown"), .invalid("the window does not fit")]) { engine, p throws(IHubError) in
            let db = engine.db
            return try db.snapshot { () throws(IHubError) in
                var filter = InsightFilter(hubID: try db.requireID(.hub, code: p["hub"]!.string!, at: "params.hub"),
                                           role: p["role"]?.string, status: p["status"]?.string, severity: p["severity"]?.string)
                if let text = p["window"]?.string {
                    let w = try Window.parse(text, today: CalendarDate(Timestamp.today())!, at: "params.window")
                    filter.window = (w.kind.rawValue, w.fromText, w.toText)
                }
                let feedback = try db.insights.feedback(filter)
                return .array(try db.insights.list(filter).map { json($0, feedback: feedback[$0.id] ?? []) })
            }
        },
        Method("insight.get", "One insight with its feedback.", params: [idField],
               result: insight, example: ["id": 1], errors: [.notFound("no insight has that id")]) { engine, p throws(IHubError) in
            try engine.db.snapshot { () throws(IHubError) in
                let row = try find(engine.db, p)
                return json(row, feedback: try engine.db.insights.feedback(insightID: row.id))
            }
        },
        Method("insight.ack", """
            Acknowledge an open insight (someone is on it); the acknowledgement is kept with its author and note. \
            An insight that is not open is IHUB_CONFLICT. Returns the insight.
            """, writes: true, params: [idField, byField, .optional("note", .longText, "what is being done")],
               result: insight, example: ["id": 2, "note": "calling the school this week"],
               errors: feedbackErrors + [.conflict("the insight is not open")]) { engine, p throws(IHubError) in
            try say(engine.db, p, action: "ack", note: p["note"]?.string, from: ["open"], to: "acknowledged")
        },
        Method("insight.dismiss", """
            Dismiss an open or acknowledged insight, with the reason (kept with its author): it no longer shows as \
            open, and generating again does not raise it anew. A dismissed insight is IHUB_CONFLICT. Returns the insight.
            """, writes: true, params: [idField, byField, .required("reason", .longText, "why it does not call for action")],
               result: insight, example: ["id": 1, "reason": "the school is closed for renovation this term"],
               errors: feedbackErrors + [.conflict("the insight is dismissed already")]) { engine, p throws(IHubError) in
            try say(engine.db, p, action: "dismiss", note: p["reason"]?.string, from: ["open", "acknowledged"], to: "dismissed")
        },
        Method("insight.reopen", """
            Reopen an acknowledged or dismissed insight; kept with its author and note. An open insight is \
            IHUB_CONFLICT. Returns the insight.
            """, writes: true, params: [idField, byField, .optional("note", .longText, "why it is open again")],
               result: insight, example: ["id": 1, "note": "still open"],
               errors: feedbackErrors + [.conflict("the insight is open")]) { engine, p throws(IHubError) in
            try say(engine.db, p, action: "reopen", note: p["note"]?.string, from: ["acknowledged", "dismissed"], to: "open")
        },
    ]

    static func find(_ db: Database, _ p: JSON) throws(IHubError) -> InsightRow {
        let id = p["id"]!.int!
        guard let row = try db.insights.get(id: id) else { throw IHubError.notFound("params.id: no insight with id \(id)") }
        return row
    }

    /// Records feedback and moves the insight from one of `from` to `to`.
    private static func say(_ db: Database, _ p: JSON, action: String, note: String?, from: [String], to: String) throws(IHubError) -> JSON {
        let row = try find(db, p)
        let personID = try p["by"]?.string.map { (code) throws(IHubError) in try db.requireID(.person, code: code, at: "params.by") }
        guard try db.insights.transition(id: row.id, from: from, to: to, action: action, personID: personID, note: note) else {
            throw IHubError(.conflict, "params.id: insight \(row.id) is \(row.status); \(action) needs it \(from.joined(separator: " or "))")
        }
        let now = try find(db, p)
        return json(now, feedback: try db.insights.feedback(insightID: now.id))
    }

    static func json(_ r: InsightRow, feedback: [InsightFeedbackRow]) -> JSON {
        let subject: JSON = r.subjectCode.map { .string($0) } ?? JSON(r.subjectID)
        return [
            "id": .int(r.id), "hub": .string(r.hub), "rule": .string(r.rule), "source": .string(r.source), "role": .string(r.role),
            "severity": .string(r.severity), "status": .string(r.status), "level": .string(r.level), "subject": subject,
            "subject_name": JSON(r.subjectName), "indicator": JSON(r.indicator), "value": JSON(r.value),
            "window": .string(Window.label(kind: r.windowKind, from: r.windowFrom, to: r.windowTo)),
            "from": r.windowFrom.isEmpty ? .null : .string(r.windowFrom), "to": .string(r.windowTo),
            "title": .string(r.title), "reason": .string(r.reason), "action": .string(r.action), "key": .string(r.key),
            "created_at": .string(r.createdAt),
            "feedback": .array(feedback.map { f in
                ["action": .string(f.action), "by": JSON(f.person), "at": .string(f.at), "note": JSON(f.note)]
            }),
        ]
    }
}
