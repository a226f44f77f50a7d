/// The statement and SubStatement rules (xAPI-Data.md 2.2, 2.3.2, 2.4).
extension XAPIChecker {
    static let voided = "http://adlnet.gov/expapi/verbs/voided"

    /// A statement, or (`sub`) the object of one: a SubStatement, which may
    /// not have id, stored, version or authority, nor a SubStatement object.
    mutating func statement(_ value: JSON, sub: Bool) {
        guard let members = object(value, sub ? "a SubStatement" : "a statement") else { return }
        var actor = false, verb: String?? = nil, object: JSON? = nil
        for m in members {
            guard notNull(m) else {
                if m.key == "actor" { actor = true } else if m.key == "verb" { verb = .some(nil) } else if m.key == "object" { object = .null }
                continue
            }
            switch XAPIKey(m.key) {
            case .actor?:
                actor = true
                at("actor") { $0.actor(m.value) }
            case .verb?:
                var id: String?
                at("verb") { id = $0.verb(m.value) }
                verb = .some(id)
            case .object?:
                object = m.value
            case .objectType? where sub:
                if m.value != .string("SubStatement") { error(at: "objectType", "must be \"SubStatement\"") }
            case .id? where !sub:
                at("id") { $0.uuid(m.value) }
            case .result?:
                at("result") { $0.result(m.value) }
            case .context?:
                at("context") { $0.context(m.value, objectIsActivity: XAPIChecker.isActivity(value["object"])) }
            case .timestamp?:
                at("timestamp") { $0.timestamp(m.value) }
            case .stored? where !sub:
                at("stored") { $0.timestamp(m.value) }
            case .authority? where !sub:
                at("authority") { $0.authority(m.value) }
            case .version? where !sub:
                at("version") { $0.version(m.value) }
            case .attachments?:
                at("attachments") { $0.attachments(m.value) }
            case .id?, .stored?, .version?, .authority?:
                error(at: m.key, "a SubStatement must not have \(m.key)")
            default:
                unknown(m.key, allowed: sub ? XAPIChecker.subAllowed : XAPIChecker.statementAllowed)
            }
        }
        if !actor { error(at: "actor", "missing (a statement must have actor, verb and object)") }
        if verb == nil { error(at: "verb", "missing (a statement must have actor, verb and object)") }
        guard let object else {
            error(at: "object", "missing (a statement must have actor, verb and object)")
            return
        }
        if case .null = object { return }
        at("object") { $0.statementObject(object, sub: sub) }
        if case .some(.some(let id)) = verb, id == XAPIChecker.voided {
            if object["objectType"]?.string != "StatementRef" {
                error(at: "object", "a voiding statement (verb \(XAPIChecker.voided)) must have a StatementRef object")
            }
        }
    }

    static let statementAllowed = "id, actor, verb, object, result, context, timestamp, stored, authority, version, attachments"
    static let subAllowed = "objectType, actor, verb, object, result, context, timestamp, attachments"

    /// Whether a statement's object is an Activity (objectType absent or "Activity").
    static func isActivity(_ object: JSON?) -> Bool {
        guard let object, case .object = object else { return false }
        guard let type = object["objectType"] else { return true }
        return type == .string("Activity")
    }

    /// The object: Activity (objectType optional), Agent, Group, StatementRef or SubStatement.
    mutating func statementObject(_ value: JSON, sub: Bool) {
        guard case .object = value else {
            error("expected an Activity, Agent, Group, StatementRef or SubStatement (an object), got \(value.kindName)")
            return
        }
        let type = value["objectType"]
        switch type?.string {
        case nil where type == nil || type == .null, "Activity"?:
            activity(value)
        case "Agent"?, "Group"?:
            actor(value)
        case "StatementRef"?:
            statementRef(value)
        case "SubStatement"?:
            if sub {
                error(at: "objectType", "a SubStatement must not contain a SubStatement")
            } else {
                statement(value, sub: true)
            }
        default:
            at("objectType") { c in
                if let s = type?.string {
                    c.error("\(IHubError.quoted(s, "\"")) is not an object type (Activity, Agent, Group, StatementRef, SubStatement)")
                } else {
                    c.error("expected a string (Activity, Agent, Group, StatementRef, SubStatement), got \(type!.kindName)")
                }
            }
        }
    }

    /// `{"objectType": "StatementRef", "id": UUID}`.
    mutating func statementRef(_ value: JSON) {
        guard let members = object(value, "a StatementRef") else { return }
        var id = false
        for m in members {
            guard notNull(m) else { continue }
            switch XAPIKey(m.key) {
            case .objectType?:
                if m.value != .string("StatementRef") { error(at: "objectType", "must be \"StatementRef\"") }
            case .id?:
                id = true
                at("id") { $0.uuid(m.value) }
            default:
                unknown(m.key, allowed: "objectType, id")
            }
        }
        if value["objectType"] == nil { error(at: "objectType", "missing (a StatementRef must say objectType \"StatementRef\")") }
        if !id { error(at: "id", "missing (a StatementRef must have the id of a statement)") }
    }

    /// "1.0.x": the 1.0 versions this specification covers.
    mutating func version(_ value: JSON) {
        guard let s = string(value) else { return }
        if !XAPIFormat.isVersion10(s) {
            error("\(IHubError.quoted(s, "\"")) is not a 1.0.x version")
        }
    }
}
