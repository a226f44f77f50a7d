/// The decision log in the method table: list and read the decisions the
/// engine took (pairing runs, classifications, refused transitions,
/// insights), and ask why (decision.why, `ihub why`).
enum DecisionMethods {
    static let kinds = DecisionKind.allCases.map(\.rawValue)
    /// Subjects by code (school, person) or by id (the others).
    static let subjectFields: [Field] = [
        .optional("school", .string, "code of the school"),
        .optional("person", .string, "code of the person"),
        .optional("mentorship", .integer, "id of the mentorship"),
        .optional("process", .integer, "id of the process instance"),
        .optional("run", .integer, "id of the pairing run"),
        .optional("plan", .integer, "id of the action plan"),
    ]

    /// A decision as `json` gives it (decision.get adds its methodology_version).
    static let decision: Shape = .object([
        .required("id", .integer, "the decision's id"),
        .required("hub", .string, "code of the hub"),
        .required("kind", .oneOf(kinds), "pairing, classification, transition_refused or insight"),
        .required("subject", .object([
            .required("kind", .string, "school, person, mentorship, process, run or hub"),
            .optional("id", .integer, "the subject's id"),
            .optional("code", .string, "its code now (schools, people, hubs)"),
            .optional("name", .string, "its name now"),
        ]), "what it is about"),
        .optional("ref", .integer, "id of the row it made (the run, classification or insight)"),
        .required("inputs_hash", .string, "hash of the inputs it saw"),
        .required("methodology", .string, "what it ran: a package version's hash, \"default\" or \"scripts:<hash>\""),
        .required("reason", .longText, "the reason in words"),
        // Each kind keeps its own facts; records in it are {id, code, name}.
        .required("detail", .any, "the decision's other facts, by kind, as stored; ids of schools and people become {id, code, name}"),
        .required("created_at", .timestamp, "when it was taken"),
        .optional("methodology_version", .object([
            .required("label", .string, "the methodology as recorded"),
            .optional("hash", .string, "a package version's hash"),
            .optional("loaded_at", .timestamp, "when that version was loaded"),
            .optional("note", .longText, "its note"),
            .optional("current", .boolean, "it is in force now"),
            .optional("files", .array(.string), "its files (the default's, for the default methodology)"),
            .optional("scripts", .array(.string), "scripts:<hash>: the hub's scripts, while they are still those"),
        ]), "decision.get: the methodology it ran"),
    ])

    static let all: [Method] = [
        Method("decision.list", """
            A hub's decision log, newest first: every pairing run, classification (classified or left \
            unclassified), refused process transition and insight raised, each with its subject, the inputs' hash, \
            the methodology it ran (a package version's hash, "default", or "scripts:<hash>" of scripts set one by \
            one), the reason in words and its detail (records named by id, with their code and name as they are \
            now). Filter by kind, subject and time; page with `limit` and `after` (the last id of the page before).
            """,
               params: [.required("hub", .string, "code of the hub"),
                        .optional("kind", .oneOf(kinds), "only this kind of decision"),
                        .optional("subject", .object(subjectFields), "only decisions about this subject (one of its fields)"),
                        .optional("since", .string, "only decisions taken at or after this date or time (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)"),
                        .optional("limit", .integer, "at most this many decisions (default all)"),
                        .optional("after", .integer, "only decisions older than the decision with this id (the next page)")],
               result: .array(decision), example: ["hub": "LT-CTA", "kind": "classification", "limit": 5],
               errors: [.notFound("the hub, or the subject's school or person, is unknown"),
                        .invalid("the subject's school or person is of another hub; `since` is not a date or a time")]) { engine, p throws(IHubError) in
            let db = engine.db
            return try db.snapshot { () throws(IHubError) in
                var f = DecisionFilter(hubID: try db.requireID(.hub, code: p["hub"]!.string!, at: "params.hub"), kind: p["kind"]?.string)
                if let subject = p["subject"] { (f.subjectKind, f.subjectID) = try resolveSubject(db, subject, hubID: f.hubID) }
                if let since = p["since"]?.string {
                    guard Shape.isDate(String(since.prefix(10))), since.count == 10 || isTimestamp(since) else {
                        throw IHubError.invalid("params.since: expected a date (YYYY-MM-DD) or a time (YYYY-MM-DDTHH:MM:SSZ), got \(IHubError.quoted(since, "\""))")
                    }
                    f.since = since
                }
                if let limit = p["limit"]?.int {
                    guard limit >= 0 else { throw IHubError.invalid("params.limit: must be 0 or more") }
                    f.limit = limit
                }
                f.before = p["after"]?.int
                var names = DecisionNames(db)
                return .array(try db.decisions.list(f).map { (row) throws(IHubError) in try json(row, &names) })
            }
        },
        Method("decision.get", """
            One decision with its detail, and the methodology it ran: for a package version its hash, when it was \
            loaded, its note and file names; for the default methodology the default files.
            """,
               params: [.required("id", .integer, "the decision's id")],
               result: decision, example: ["id": 1], errors: [.notFound("no decision has that id")]) { engine, p throws(IHubError) in
            try engine.db.snapshot { () throws(IHubError) in try get(engine.db, id: p["id"]!.int!) }
        },
        Method("decision.why", """
            Why the engine decided what it did, in words and with the decisions behind it. `school` (or `person`): \
            its latest classification (in `round`, if given) with the reasons and methodology, how the latest pairing \
            run that saw it paired it or why it left it unmatched, and its latest refused transitions and insights. \
            `mentee` and `mentor`: the latest run pairing them (or `run`) with the score's parts (the policy's \
            criteria) and the run's reason; not paired, why not (as pairing.explain says). `decision`: that one. \
            Returns {question, answer: lines of prose, decisions}.
            """,
               params: [.optional("school", .string, "code of the school"),
                        .optional("person", .string, "code of the person"),
                        .optional("mentee", .string, "code of the mentee (with mentor)"),
                        .optional("mentor", .string, "code of the mentor (with mentee)"),
                        .optional("decision", .integer, "id of a decision"),
                        .optional("round", .string, "with school or person: the classification of this round"),
                        .optional("run", .integer, "with mentee and mentor: this pairing run")],
               result: .object([
                   .required("question", .string, "the question answered, in words"),
                   .required("answer", .array(.longText), "the answer: lines of prose"),
                   .required("decisions", .array(decision), "the decisions it rests on"),
               ]),
               example: ["school": "LT-CTA-S01"],
               errors: [.notFound("the school, person, mentee, mentor, round, run or decision is unknown, or no run saw the pair"),
                        .invalid("not exactly one question; round without school or person; run without mentee and mentor; a round of another hub")]) { engine, p throws(IHubError) in
            try engine.db.snapshot { () throws(IHubError) in try DecisionWhy.answer(engine, p) }
        },
    ]

    static func isTimestamp(_ s: String) -> Bool {
        let b = Array(s.utf8)
        guard b.count == 20, b[10] == UInt8(ascii: "T"), b[19] == UInt8(ascii: "Z"), b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":") else { return false }
        return [11, 12, 14, 15, 17, 18].allSatisfy { b[$0] >= 48 && b[$0] <= 57 }
    }

    /// The subject filter's kind and id; exactly one field, of the hub.
    static func resolveSubject(_ db: Database, _ subject: JSON, hubID: Int64) throws(IHubError) -> (String, Int64) {
        let given = (subject.members ?? []).filter { !$0.value.isNull }
        guard given.count == 1, let field = given.first else {
            throw IHubError.invalid("params.subject: give one of \(subjectFields.map(\.name).joined(separator: ", "))")
        }
        let path = "params.subject.\(field.key)"
        switch field.key {
        case "school", "person":
            let kind: RecordKind = field.key == "school" ? .school : .person
            guard let found = try db.recordInHub(kind, code: field.value.string!) else { throw kind.notFound(code: field.value.string!, at: path) }
            guard found.hubID == hubID else { throw IHubError.invalid("\(path): \(IHubError.quoted(field.value.string!)) is of another hub") }
            return (field.key, found.id)
        default:
            return (field.key, field.value.int!)
        }
    }

    static func get(_ db: Database, id: Int64) throws(IHubError) -> JSON {
        guard let row = try db.decisions.get(id: id) else { throw IHubError.notFound("params.id: no decision with id \(id)") }
        var names = DecisionNames(db)
        var doc = try json(row, &names).members ?? []
        doc.append(.init("methodology_version", try version(db, row)))
        return .object(doc)
    }

    /// What the decision's methodology label stands for.
    static func version(_ db: Database, _ row: DecisionRow) throws(IHubError) -> JSON {
        let label = row.methodology
        if label == "default" {
            let files = EmbeddedLua.files.keys.filter { $0.hasPrefix("default/") }.map { String($0.dropFirst(8)) }.sorted()
            return ["label": .string(label), "files": .array(files.map(JSON.string))]
        }
        if label.hasPrefix("scripts:") {
            // The scripts' names are known while they are the hub's scripts still.
            let now = try MethodologyLoad.label(db, hubID: row.hubID)
            let files = now == label ? try db.scripts.scripts(hubID: row.hubID).map { JSON.string($0.name) } : []
            return ["label": .string(label), "current": .bool(now == label), "scripts": .array(files)]
        }
        guard let v = try db.decisions.versionFiles(hubID: row.hubID, hash: label) else {
            return ["label": .string(label), "hash": .string(label), "files": .array([])]
        }
        let now = try db.methodology.current(hubID: row.hubID)?.hash
        return ["label": .string(label), "hash": .string(label), "loaded_at": .string(v.loadedAt), "note": JSON(v.note),
                "current": .bool(now == label), "files": .array(v.files.map(JSON.string))]
    }

    /// A decision as the log shows it: subject and the detail's records
    /// with their code and name as they are now.
    static func json(_ r: DecisionRow, _ names: inout DecisionNames) throws(IHubError) -> JSON {
        let detail = try names.resolve(try names.db.storedJSON(r.detail, at: "decisions.detail of decision \(r.id)"))
        var subject: [JSON.Member] = [.init("kind", .string(r.subjectKind)), .init("id", JSON(r.subjectID))]
        if let id = r.subjectID, let kind = DecisionNames.kind(r.subjectKind) {
            let n = try names.name(kind, id)
            subject += [.init("code", JSON(n?.code)), .init("name", JSON(n?.name))]
        }
        return [
            "id": .int(r.id), "hub": .string(r.hub), "kind": .string(r.kind), "subject": .object(subject), "ref": JSON(r.refID),
            "inputs_hash": .string(r.inputsHash), "methodology": .string(r.methodology), "reason": .string(r.reason),
            "detail": detail, "created_at": .string(r.createdAt),
        ]
    }
}

/// Codes and names of the records a decision names by id, looked up once
/// per read (an erased person reads as the erased code).
struct DecisionNames {
    let db: Database
    private var cache: [String: (code: String, name: String)?] = [:]

    init(_ db: Database) { self.db = db }

    static func kind(_ key: String) -> RecordKind? {
        if key == "school" || key.hasSuffix("_school") { return .school }
        if key == "person" || key.hasSuffix("_person") { return .person }
        if key == "hub" { return .hub }
        return nil
    }

    mutating func name(_ kind: RecordKind, _ id: Int64) throws(IHubError) -> (code: String, name: String)? {
        let key = "\(kind.rawValue):\(id)"
        if let known = cache[key] { return known }
        let found = try db.recordName(kind, id: id)
        cache[key] = found
        return found
    }

    /// `detail` with each record reference (an id under a school or person
    /// key) as {id, code, name}.
    mutating func resolve(_ v: JSON) throws(IHubError) -> JSON {
        switch v {
        case .array(let items):
            var out: [JSON] = []
            for item in items { out.append(try resolve(item)) }
            return .array(out)
        case .object(let members):
            var out: [JSON.Member] = []
            for m in members {
                if let id = m.value.int, let kind = DecisionNames.kind(m.key), kind != .hub {
                    let n = try name(kind, id)
                    out.append(.init(m.key, ["id": .int(id), "code": JSON(n?.code), "name": JSON(n?.name)]))
                } else {
                    out.append(.init(m.key, try resolve(m.value)))
                }
            }
            return .object(out)
        default:
            return v
        }
    }
}
