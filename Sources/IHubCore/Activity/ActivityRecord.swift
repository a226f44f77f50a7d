/// An activity in its public shape — references by code, as activity.log
/// takes it, activity.import reads it from each NDJSON line or CSV row, and
/// an xAPI statement maps to it — checked and resolved into a NewActivity.
/// One piece of code for every way in: errors name the field path under
/// the caller's `path` ("params.participants[1].person: no person with
/// code 'X'").
///
///     {"uuid": "…", "kind": "session", "date": "2026-03-02", "minutes": 90,
///      "method": "collegial", "instance": 4, "step": "joint_planning",
///      "participants": [{"person": "T1", "role": "mentor"}, {"school": "S1"}, {"mentorship": 7}],
///      "notes": "…", "outcome": "…", "by": "T1"}
enum ActivityRecord {
    static let participant: Shape = .object([
        .optional("person", .string, "code of a person of the hub"),
        .optional("school", .string, "code of a school of the hub"),
        .optional("mentorship", .integer, "id of a mentorship of the hub"),
        .optional("role", .oneOf(ParticipantRole.allCases.map(\.rawValue)), "participant (default), mentor, mentee or facilitator"),
    ])

    /// The record's fields (the hub comes from the call).
    static let fields: [Field] = [
        .optional("uuid", .string, "the activity's stable id (its xAPI statement id); default: a new random UUID v4, lower case"),
        .required("kind", .oneOf(ActivityKind.allCases.map(\.rawValue)), "session, workshop, observation, co_planning or reflection"),
        .required("date", .date, "the day it took place"),
        .required("minutes", .integer, "its duration in minutes (0 to 100000)"),
        .optional("method", .string, "code of a toolbox method: the hub's own, else a built-in one"),
        .optional("instance", .integer, "id of the hub's process instance it belongs to"),
        .optional("step", .string, "the process step it served (not taken from the instance: a record means the same whenever it is imported)"),
        .required("participants", .array(participant), "who took part: at least one person, school or mentorship, each once"),
        .optional("notes", .longText, "notes"),
        .optional("outcome", .longText, "what came of it"),
        .optional("by", .string, "code of the person who recorded it"),
    ]

    static let shape: Shape = .object(fields)

    /// A stored activity as `json` returns it (activity.log, get, list, void).
    static let result: Shape = .object([
        .required("id", .integer, "the activity's id"),
        .required("uuid", .string, "its stable id (its xapi statement id), lower case"),
        .required("hub", .string, "code of its hub"),
        .required("kind", .oneOf(ActivityKind.allCases.map(\.rawValue)), "session, workshop, observation, co_planning or reflection"),
        .required("date", .date, "the day it took place"),
        .required("minutes", .integer, "its duration in minutes"),
        .optional("method", .string, "code of its toolbox method"),
        .optional("instance", .integer, "id of the process instance it belongs to"),
        .optional("step", .string, "the process step it served"),
        .required("participants", .array(.object([
            .optional("person", .string, "code of a person who took part"),
            .optional("school", .string, "code of a school that took part"),
            .optional("mentorship", .integer, "id of a mentorship that took part"),
            .required("role", .oneOf(ParticipantRole.allCases.map(\.rawValue)), "participant, mentor, mentee or facilitator"),
        ])), "who took part: each a person, a school or a mentorship, with the role"),
        .optional("notes", .longText, "notes"),
        .optional("outcome", .longText, "what came of it"),
        .optional("by", .string, "code of the person who recorded it"),
        .required("created_at", .timestamp, "when it was stored"),
        .optional("voided_at", .timestamp, "when it was voided (absent: it counts)"),
        .optional("void_reason", .longText, "why it was voided"),
    ])

    /// Checks `record` (an object of `fields`; also `hub`, when `allowHub`,
    /// which must then be the resolver's hub) and resolves its codes.
    static func parse(_ record: JSON, at path: String, _ r: inout ActivityResolver, allowHub: Bool = false) throws(IHubError) -> NewActivity {
        var record = record
        if allowHub, let members = record.members, let hub = record["hub"] {
            guard hub.string == r.hubCode else {
                throw IHubError.invalid("\(path).hub: the record is of hub \(hub.string.map { IHubError.quoted($0) } ?? hub.kindName), not of \(IHubError.quoted(r.hubCode))")
            }
            record = .object(members.filter { $0.key != "hub" })
        }
        try shape.validate(record, at: path)
        let minutes = record["minutes"]!.int!
        guard (0...100_000).contains(minutes) else { throw IHubError.invalid("\(path).minutes: \(minutes) is not between 0 and 100000") }
        var a = NewActivity(uuid: "", hubID: r.hubID, kind: ActivityKind(rawValue: record["kind"]!.string!)!,
                            date: record["date"]!.string!, minutes: minutes)
        if let u = value(record, "uuid")?.string {
            guard let uuid = UUIDText.normalized(u) else {
                throw IHubError.invalid("\(path).uuid: expected a UUID such as 0d4c8f6e-3b1a-4e8f-9c2d-5a6b7c8d9e0f, got \(IHubError.quoted(u, "\""))")
            }
            a.uuid = uuid
        } else {
            a.uuid = UUIDText.random()
        }
        if let m = value(record, "method")?.string { a.methodID = try r.method(m, at: "\(path).method") }
        if let i = value(record, "instance")?.int {
            try r.instance(i, at: "\(path).instance")
            a.instanceID = i
        }
        if let s = value(record, "step")?.string { a.step = s }
        a.notes = value(record, "notes")?.string
        a.outcome = value(record, "outcome")?.string
        if let by = value(record, "by")?.string { a.recordedBy = try r.person(by, at: "\(path).by") }
        let list = record["participants"]!.array!
        guard !list.isEmpty else { throw IHubError.invalid("\(path).participants: at least one participant (a person, school or mentorship)") }
        var seen: Set<ParticipantSubject> = []
        for (i, p) in list.enumerated() {
            let at = "\(path).participants[\(i)]"
            let given = ["person", "school", "mentorship"].filter { value(p, $0) != nil }
            guard given.count == 1 else {
                throw IHubError.invalid("\(at): give one of person, school or mentorship\(given.isEmpty ? "" : " (not \(given.joined(separator: " and ")))")")
            }
            let subject: ParticipantSubject
            switch given[0] {
            case "person": subject = .person(try r.person(p["person"]!.string!, at: "\(at).person"))
            case "school": subject = .school(try r.school(p["school"]!.string!, at: "\(at).school"))
            default: subject = .mentorship(try r.mentorship(p["mentorship"]!.int!, at: "\(at).mentorship"))
            }
            guard seen.insert(subject).inserted else { throw IHubError.invalid("\(at).\(given[0]): listed twice") }
            let role = value(p, "role")?.string.flatMap(ParticipantRole.init(rawValue:)) ?? .participant
            a.participants.append(Participant(subject: subject, role: role))
        }
        return a
    }

    private static func value(_ record: JSON, _ key: String) -> JSON? {
        guard let v = record[key], !v.isNull else { return nil }
        return v
    }

    /// A stored activity in the public shape (codes; the mentorship by id).
    static func json(_ a: ActivityRow) -> JSON {
        [
            "id": .int(a.id), "uuid": .string(a.uuid), "hub": .string(a.hub), "kind": .string(a.kind.rawValue),
            "date": .string(a.date), "minutes": .int(a.minutes), "method": JSON(a.method), "instance": JSON(a.instanceID),
            "step": JSON(a.step),
            "participants": .array(a.participants.map(participant)),
            "notes": JSON(a.notes), "outcome": JSON(a.outcome), "by": JSON(a.recordedByCode),
            "created_at": .string(a.createdAt), "voided_at": JSON(a.voidedAt), "void_reason": JSON(a.voidReason),
        ]
    }

    static func participant(_ m: ActivityRow.Member) -> JSON {
        switch m.subject {
        case .person: return ["person": JSON(m.code), "role": .string(m.role.rawValue)]
        case .school: return ["school": JSON(m.code), "role": .string(m.role.rawValue)]
        case .mentorship(let id): return ["mentorship": .int(id), "role": .string(m.role.rawValue)]
        }
    }

    /// Whether two activities say the same (participants in any order):
    /// an import skips a stored activity it would store again.
    static func same(_ a: NewActivity, _ b: NewActivity) -> Bool {
        var x = a, y = b
        x.participants = []
        y.participants = []
        return x == y && Set(a.participants) == Set(b.participants) && a.participants.count == b.participants.count
    }

    /// The first field in which `stored` and `given` differ, for a conflict's message.
    static func difference(_ stored: NewActivity, _ given: NewActivity) -> String {
        if stored.hubID != given.hubID { return "hub" }
        if stored.kind != given.kind { return "kind" }
        if stored.date != given.date { return "date" }
        if stored.minutes != given.minutes { return "minutes" }
        if stored.methodID != given.methodID { return "method" }
        if stored.instanceID != given.instanceID { return "instance" }
        if stored.step != given.step { return "step" }
        if stored.notes != given.notes { return "notes" }
        if stored.outcome != given.outcome { return "outcome" }
        if stored.recordedBy != given.recordedBy { return "by" }
        return "participants"
    }
}

/// Resolves a hub's codes for activity records, each code once per batch:
/// people, schools, mentorships, toolbox methods and process instances must
/// be the hub's (a record of another hub is refused, naming both).
struct ActivityResolver {
    let db: Database
    let hubID: Int64
    let hubCode: String
    private var people: [String: Int64] = [:]
    private var schools: [String: Int64] = [:]
    private var mentorships: Set<Int64> = []
    private var methods: [String: Int64] = [:]
    private var instances: [Int64: String?] = [:]

    init(_ db: Database, hubID: Int64, hubCode: String) {
        self.db = db
        self.hubID = hubID
        self.hubCode = hubCode
    }

    /// The resolver of the hub with `code`; not found names `path`.
    init(_ db: Database, hub code: String, at path: String) throws(IHubError) {
        self.init(db, hubID: try db.requireID(.hub, code: code, at: path), hubCode: code)
    }

    mutating func person(_ code: String, at path: @autoclosure () -> String) throws(IHubError) -> Int64 {
        if let id = people[code] { return id }
        let id = try record(.person, code, at: path())
        people[code] = id
        return id
    }

    mutating func school(_ code: String, at path: @autoclosure () -> String) throws(IHubError) -> Int64 {
        if let id = schools[code] { return id }
        let id = try record(.school, code, at: path())
        schools[code] = id
        return id
    }

    private func record(_ kind: RecordKind, _ code: String, at path: String) throws(IHubError) -> Int64 {
        guard let (id, hub) = try db.recordInHub(kind, code: code) else { throw kind.notFound(code: code, at: path) }
        guard hub == hubID else { throw IHubError.invalid("\(path): \(kind.rawValue) \(IHubError.quoted(code)) is not of hub \(IHubError.quoted(hubCode))") }
        return id
    }

    mutating func mentorship(_ id: Int64, at path: @autoclosure () -> String) throws(IHubError) -> Int64 {
        if mentorships.contains(id) { return id }
        guard let m = try db.activities.mentorship(id: id) else { throw IHubError.notFound("\(path()): no mentorship with id \(id)") }
        guard m.hubID == hubID else { throw IHubError.invalid("\(path()): mentorship \(id) is not of hub \(IHubError.quoted(hubCode))") }
        mentorships.insert(id)
        return id
    }

    mutating func method(_ code: String, at path: @autoclosure () -> String) throws(IHubError) -> Int64 {
        if let id = methods[code] { return id }
        guard let id = try db.toolbox.method(code: code, hubID: hubID)?.id else {
            throw IHubError.notFound("\(path()): no toolbox method with code \(IHubError.quoted(code)) (built in or of hub \(IHubError.quoted(hubCode)))")
        }
        methods[code] = id
        return id
    }

    /// Checks the instance is the hub's; returns its current step.
    @discardableResult
    mutating func instance(_ id: Int64, at path: @autoclosure () -> String) throws(IHubError) -> String? {
        if let step = instances[id] { return step }
        guard let x = try db.process.instance(id: id) else { throw IHubError.notFound("\(path()): no process instance with id \(id)") }
        let step = x.step
        guard x.hubID == hubID else { throw IHubError.invalid("\(path()): process instance \(id) is not of hub \(IHubError.quoted(hubCode))") }
        instances[id] = .some(step)
        return step
    }
}

/// UUIDs as text: the canonical lower-case 8-4-4-4-12 form.
enum UUIDText {
    /// `text` in lower case when it is a UUID (any case), else nil.
    static func normalized(_ text: String) -> String? {
        let u = Array(text.utf8)
        guard u.count == 36 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(36)
        for (i, b) in u.enumerated() {
            if i == 8 || i == 13 || i == 18 || i == 23 {
                guard b == UInt8(ascii: "-") else { return nil }
                out.append(b)
            } else {
                let l = b | 0x20
                guard (b >= 0x30 && b <= 0x39) || (l >= 0x61 && l <= 0x66) else { return nil }
                out.append(b >= 0x30 && b <= 0x39 ? b : l)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A new random UUID (version 4, RFC 4122 variant), lower case.
    static func random() -> String {
        var g = SystemRandomNumberGenerator()
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &g) }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        for (i, b) in bytes.enumerated() {
            if i == 4 || i == 6 || i == 8 || i == 10 { out.append(UInt8(ascii: "-")) }
            out.append(hex[Int(b >> 4)])
            out.append(hex[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
