/// An ihub activity as an xAPI statement, and back. One statement per
/// activity, its id the activity's uuid (stable: an export imported again
/// changes nothing).
///
/// - actor: the first mentor among the people who took part, else the
///   person who recorded it, else the first person; an activity of schools
///   or mentorships only has the hub as actor (a Group with the account
///   "hub:<code>"). People are accounts {homePage: the hub's home page,
///   name: the person's code}, or mbox_sha1sum when the hub opts in
///   (XAPIIdentity).
/// - the other people: context.team (a Group of agents); schools,
///   mentorships, the method and the process instance: context activities
///   (grouping, grouping, grouping, parent); the step: category.
/// - verb `<base>/verbs/<kind>`; object `<base>/activities/<uuid>` of type
///   `<base>/activity-types/<kind>`; result.duration ISO 8601 ("PT1H30M");
///   timestamp the date at 00:00Z.
/// - what xAPI has no place for rides in context.extensions under
///   `<base>/extensions/…` (kind, minutes, method, step, instance, notes,
///   outcome, recorded-by, participants with their roles): an import
///   reads them back, so the round trip is exact.
/// - `base`: the call's, else the hub's home page + "/xapi", else
///   XAPIIdentity.defaultBase.
struct ActivityStatements {
    let base: String
    let hub: String
    let homePage: String
    let identity: XAPIIdentity
    /// Person code → e-mail, read once when the hub uses mbox_sha1sum.
    let emails: [String: String]

    static let verbs: [String: String] = [
        "session": "held a mentoring session", "workshop": "ran a workshop", "observation": "observed a lesson",
        "co_planning": "co-planned", "reflection": "reflected",
    ]

    init(_ db: Database, hubID: Int64, hub: String, base: String?, withEmails: Bool = false) throws(IHubError) {
        let settings = try db.xapi.settings(hubID: hubID)
        self.hub = hub
        homePage = settings.homePage ?? XAPIIdentity.defaultBase + "/hubs/" + hub
        identity = settings.identity
        if let base, !XAPIIdentity.isWebIRI(base) {
            throw IHubError.invalid("params.base: expected an absolute http(s) IRI such as \"https://hub.example.ee/xapi\"")
        }
        var b = base ?? settings.homePage.map { ActivityStatements.trimmed($0) + "/xapi" } ?? XAPIIdentity.defaultBase
        b = ActivityStatements.trimmed(b)
        self.base = b
        emails = withEmails && identity == .mboxSHA1 ? try db.xapi.emails(hubID: hubID) : [:]
    }

    static func trimmed(_ iri: String) -> String {
        var s = Substring(iri)
        while s.hasSuffix("/") { s = s.dropLast() }
        return String(s)
    }

    func ext(_ name: String) -> String { base + "/extensions/" + name }
    func iri(_ kind: String, _ id: String) -> String { base + "/" + kind + "/" + id }

    func agent(_ code: String) -> JSON {
        XAPIIdentity.agent(code: code, email: emails[code], homePage: homePage, identity: identity)
    }

    /// "PT1H30M" for 90 minutes.
    static func duration(minutes: Int64) -> String {
        let h = minutes / 60, m = minutes % 60
        if h == 0 { return "PT\(m)M" }
        return m == 0 ? "PT\(h)H" : "PT\(h)H\(m)M"
    }

    // MARK: activity → statement

    /// The statement of one activity.
    func statement(_ a: ActivityView) -> JSON {
        let people = a.participants.filter { $0.person != nil }
        let actorCode = people.first { $0.role == "mentor" }?.person ?? a.recordedBy ?? people.first?.person
        let actor: JSON = actorCode.map(agent)
            ?? ["objectType": "Group", "name": .string(hub), "account": ["homePage": .string(homePage), "name": .string("hub:" + hub)]]
        var context: [JSON.Member] = [.init("platform", "ihub")]
        let team = people.compactMap(\.person).filter { $0 != actorCode }
        if !team.isEmpty {
            context.append(.init("team", ["objectType": "Group", "member": .array(team.map(agent))]))
        }
        var grouping: [JSON] = []
        if let m = a.method { grouping.append(activity("methods", m, type: "method")) }
        for p in a.participants {
            if let s = p.school { grouping.append(activity("schools", s, type: "school")) }
            if let m = p.mentorship { grouping.append(activity("mentorships", String(m), type: "mentorship")) }
        }
        var contextActivities: [JSON.Member] = []
        if let i = a.instance { contextActivities.append(.init("parent", [activity("process-instances", String(i), type: "process-instance")])) }
        if !grouping.isEmpty { contextActivities.append(.init("grouping", .array(grouping))) }
        if let s = a.step { contextActivities.append(.init("category", [activity("steps", s, type: "process-step")])) }
        if !contextActivities.isEmpty { context.append(.init("contextActivities", .object(contextActivities))) }
        context.append(.init("extensions", .object(extensions(a))))
        var result: [JSON.Member] = [.init("duration", .string(ActivityStatements.duration(minutes: a.minutes)))]
        if let o = a.outcome { result.append(.init("response", .string(o))) }
        return [
            "id": .string(a.uuid),
            "actor": actor,
            "verb": ["id": .string(iri("verbs", a.kind)), "display": ["en": .string(ActivityStatements.verbs[a.kind] ?? a.kind)]],
            "object": ["objectType": "Activity", "id": .string(iri("activities", a.uuid)),
                       "definition": ["type": .string(iri("activity-types", a.kind)), "name": ["en": .string(a.kind)]]],
            "result": .object(result),
            "context": .object(context),
            "timestamp": .string(a.date + "T00:00:00Z"),
        ]
    }

    /// The statement that voids a voided activity's: its id a name-based
    /// UUID of the activity's, so it too is stable.
    func voiding(_ a: ActivityView, actor: JSON) -> JSON {
        [
            "id": .string(SHA1.uuid5(namespace: XAPIImport.namespace, name: "voided:" + a.uuid)),
            "actor": actor,
            "verb": ["id": .string(XAPIStore.voided), "display": ["en-US": "voided"]],
            "object": ["objectType": "StatementRef", "id": .string(a.uuid)],
            "timestamp": .string(a.voidedAt ?? a.date + "T00:00:00Z"),
        ]
    }

    private func activity(_ kind: String, _ id: String, type: String) -> JSON {
        ["objectType": "Activity", "id": .string(iri(kind, id)), "definition": ["type": .string(iri("activity-types", type))]]
    }

    private func extensions(_ a: ActivityView) -> [JSON.Member] {
        var e: [JSON.Member] = [.init(ext("hub"), .string(hub)), .init(ext("kind"), .string(a.kind)), .init(ext("minutes"), .int(a.minutes))]
        if let v = a.method { e.append(.init(ext("method"), .string(v))) }
        if let v = a.instance { e.append(.init(ext("instance"), .int(v))) }
        if let v = a.step { e.append(.init(ext("step"), .string(v))) }
        if let v = a.notes { e.append(.init(ext("notes"), .string(v))) }
        if let v = a.outcome { e.append(.init(ext("outcome"), .string(v))) }
        if let v = a.recordedBy { e.append(.init(ext("recorded-by"), .string(v))) }
        e.append(.init(ext("participants"), .array(a.participants.map(\.json))))
        return e
    }

    // MARK: statement → activity

    /// The activity record of a statement this mapping wrote (a verb under
    /// the base and the kind extension), as activity records are given to
    /// the activity log; nil for any other statement (an event).
    func activityRecord(_ s: JSON) -> JSON? {
        guard let verb = s["verb"]?["id"]?.string, verb.hasPrefix(base + "/verbs/"),
              let e = s["context"]?["extensions"], let kind = e[ext("kind")] else { return nil }
        var r: [JSON.Member] = [.init("uuid", JSON(s["id"]?.string?.lowercased())), .init("kind", kind)]
        let date = s["timestamp"]?.string.map { String($0.prefix(10)) }
        r.append(.init("date", JSON(date)))
        r.append(.init("minutes", e[ext("minutes")] ?? .null))
        for (key, name) in [("method", "method"), ("instance", "instance"), ("step", "step"), ("notes", "notes"),
                            ("outcome", "outcome"), ("by", "recorded-by")] {
            if let v = e[ext(name)] { r.append(.init(key, v)) }
        }
        r.append(.init("participants", e[ext("participants")] ?? .array([])))
        return .object(r)
    }

    /// The property path of an activity record's field inside its statement.
    func path(ofRecordField field: String) -> String {
        switch field {
        case "uuid": return "id"
        case "date": return "timestamp"
        case "kind": return "context.extensions.\(ext("kind"))"
        case "by": return "context.extensions.\(ext("recorded-by"))"
        default: return "context.extensions.\(ext(field))"
        }
    }
}

/// An activity as the export reads it.
struct ActivityView {
    struct Participant {
        var person: String?
        var school: String?
        var mentorship: Int64?
        var role: String

        var json: JSON {
            var m: [JSON.Member] = []
            if let person { m.append(.init("person", .string(person))) }
            if let school { m.append(.init("school", .string(school))) }
            if let mentorship { m.append(.init("mentorship", .int(mentorship))) }
            m.append(.init("role", .string(role)))
            return .object(m)
        }
    }

    var uuid: String
    var kind: String
    var date: String
    var minutes: Int64
    var method: String?
    var instance: Int64?
    var step: String?
    var notes: String?
    var outcome: String?
    var recordedBy: String?
    var voidedAt: String?
    var participants: [Participant]
}
