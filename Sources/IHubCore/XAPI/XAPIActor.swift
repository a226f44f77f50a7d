/// Agents, Groups and their inverse functional identifiers (2.4.2), the
/// authority (2.4.9), and the verb (2.4.3).
extension XAPIChecker {
    enum ActorKind { case agent, group }

    /// An Agent or a Group (actor, instructor, an Agent/Group object).
    /// `only` restricts it (team: Group; member: Agent); nil when the
    /// value is not one at all.
    @discardableResult
    mutating func actor(_ value: JSON, only: ActorKind? = nil) -> ActorKind? {
        let what = only == .agent ? "an Agent" : only == .group ? "a Group" : "an Agent or a Group"
        guard case .object = value else {
            error("expected \(what) (an object), got \(value.kindName)")
            return nil
        }
        let kind: ActorKind
        switch value["objectType"] {
        case nil: kind = .agent
        case .string("Agent")?: kind = .agent
        case .string("Group")?: kind = .group
        case let type?:
            if case .string(let s) = type {
                error(at: "objectType", "\(IHubError.quoted(s, "\"")) is not \(only == .agent ? "\"Agent\"" : only == .group ? "\"Group\"" : "\"Agent\" or \"Group\"")")
            } else if type == .null {
                error(at: "objectType", "must not be null")
            } else {
                error(at: "objectType", "expected a string (\"Agent\" or \"Group\"), got \(type.kindName)")
            }
            return nil
        }
        if let only, only != kind {
            if only == .group && value["objectType"] == nil {
                error(at: "objectType", "missing (a Group must say objectType \"Group\")")
            } else {
                error(at: "objectType", "must be \(only == .agent ? "\"Agent\"" : "\"Group\"") here")
            }
            return nil
        }
        if kind == .agent { agent(value) } else { group(value) }
        return kind
    }

    private mutating func agent(_ value: JSON) {
        var ifis = 0
        for m in value.members! {
            guard notNull(m) else { continue }
            switch XAPIKey(m.key) {
            case .objectType?: break
            case .name?: at("name") { _ = $0.string(m.value) }
            case .mbox?, .mbox_sha1sum?, .openid?, .account?:
                ifis += 1
                ifi(m)
            default: unknown(m.key, allowed: "objectType, name, mbox, mbox_sha1sum, openid, account")
            }
        }
        if ifis == 0 { error("an Agent must have one inverse functional identifier (mbox, mbox_sha1sum, openid or account)") }
        if ifis > 1 { error("an Agent must have exactly one inverse functional identifier, not \(ifis)") }
    }

    private mutating func group(_ value: JSON) {
        var ifis = 0
        var member: [JSON]? = nil
        for m in value.members! {
            guard notNull(m) else { continue }
            switch XAPIKey(m.key) {
            case .objectType?: break
            case .name?: at("name") { _ = $0.string(m.value) }
            case .mbox?, .mbox_sha1sum?, .openid?, .account?:
                ifis += 1
                ifi(m)
            case .member?:
                at("member") { c in
                    guard case .array(let agents) = m.value else {
                        c.error("expected an array of Agents, got \(m.value.kindName)")
                        return
                    }
                    member = agents
                    for (i, a) in agents.enumerated() {
                        c.at(i) { c in
                            if case .object = a, a["objectType"] == .string("Group") {
                                c.error("a Group's members must be Agents, not Groups")
                            } else {
                                c.actor(a, only: .agent)
                            }
                        }
                    }
                }
            default: unknown(m.key, allowed: "objectType, name, member, mbox, mbox_sha1sum, openid, account")
            }
        }
        if ifis > 1 { error("an identified Group must have exactly one inverse functional identifier, not \(ifis)") }
        if ifis == 0 {
            if value["member"] == nil || value["member"] == .null {
                error(at: "member", "missing (an anonymous Group, without an inverse functional identifier, must list its members)")
            } else if let member, member.isEmpty {
                error(at: "member", "an anonymous Group must have at least one member")
            }
        }
    }

    /// One inverse functional identifier.
    private mutating func ifi(_ m: JSON.Member) {
        at(key: m.key) { c in
            switch XAPIKey(m.key) {
            case .mbox?:
                guard let s = c.string(m.value, "a mailto: IRI") else { return }
                if let why = XAPIFormat.mailtoProblem(s) { c.error(why) }
            case .mbox_sha1sum?:
                guard let s = c.string(m.value, "40 hex digits") else { return }
                if !XAPIFormat.isHex(s, count: 40) { c.error("must be the SHA-1 of a mailto: IRI: 40 hex digits") }
            case .openid?:
                c.iri(m.value)
            default:
                c.account(m.value)
            }
        }
    }

    /// `{"homePage": IRL, "name": string}`, both required.
    private mutating func account(_ value: JSON) {
        guard let members = object(value, "an account") else { return }
        var home = false, name = false
        for m in members {
            guard notNull(m) else { continue }
            switch XAPIKey(m.key) {
            case .homePage?:
                home = true
                at("homePage") { $0.iri(m.value, irl: true) }
            case .name?:
                name = true
                at("name") { _ = $0.string(m.value) }
            default: unknown(m.key, allowed: "homePage, name")
            }
        }
        if !home { error(at: "homePage", "missing (an account has a homePage and a name)") }
        if !name { error(at: "name", "missing (an account has a homePage and a name)") }
    }

    /// An Agent, or a Group of exactly two Agents (three-legged OAuth).
    mutating func authority(_ value: JSON) {
        guard let kind = actor(value) else { return }
        if kind == .group {
            switch value["member"] {
            case .array(let member)? where member.count != 2:
                error(at: "member", "an authority Group must have exactly two Agents (OAuth consumer and user), not \(member.count)")
            case .array?:
                break
            default:
                error(at: "member", "missing (an authority Group lists its two Agents, OAuth consumer and user)")
            }
        }
    }

    /// `{"id": IRI, "display": language map}`; returns the id.
    mutating func verb(_ value: JSON) -> String? {
        guard let members = object(value, "a Verb") else { return nil }
        var id: String?
        var hasID = false
        for m in members {
            guard notNull(m) else {
                if m.key == "id" { hasID = true }
                continue
            }
            switch XAPIKey(m.key) {
            case .id?:
                hasID = true
                at("id") { c in
                    if c.iri(m.value) { id = m.value.string }
                }
            case .display?: at("display") { $0.languageMap(m.value) }
            default: unknown(m.key, allowed: "id, display")
            }
        }
        if !hasID { error(at: "id", "missing (a Verb is identified by an IRI)") }
        return id
    }
}
