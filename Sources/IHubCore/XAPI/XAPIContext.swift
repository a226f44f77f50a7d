/// Result (2.4.5), context (2.4.6) and attachments (2.4.11).
extension XAPIChecker {
    mutating func result(_ value: JSON) {
        guard let members = object(value, "a Result") else { return }
        for m in members {
            guard notNull(m) else { continue }
            switch XAPIKey(m.key) {
            case .score?: at("score") { $0.score(m.value) }
            case .success?, .completion?: at(key: m.key) { $0.boolean(m.value) }
            case .response?: at("response") { _ = $0.string(m.value) }
            case .duration?: at("duration") { $0.duration(m.value) }
            case .extensions?: at("extensions") { $0.extensions(m.value) }
            default: unknown(m.key, allowed: "score, success, completion, response, duration, extensions")
            }
        }
    }

    /// scaled in [-1, 1]; min < max; raw within [min, max].
    private mutating func score(_ value: JSON) {
        guard let members = object(value, "a Score") else { return }
        var raw: Double?, min: Double?, max: Double?
        for m in members {
            guard notNull(m) else { continue }
            switch XAPIKey(m.key) {
            case .scaled?:
                at("scaled") { c in
                    if let s = c.number(m.value), !(s >= -1 && s <= 1) { c.error("must be between -1 and 1, got \(s)") }
                }
            case .raw?: at("raw") { raw = $0.number(m.value) }
            case .min?: at("min") { min = $0.number(m.value) }
            case .max?: at("max") { max = $0.number(m.value) }
            default: unknown(m.key, allowed: "scaled, raw, min, max")
            }
        }
        if let min, let max, !(min < max) { error(at: "min", "must be less than max (\(max)), got \(min)") }
        if let raw, let min, raw < min { error(at: "raw", "must not be less than min (\(min)), got \(raw)") }
        if let raw, let max, raw > max { error(at: "raw", "must not be more than max (\(max)), got \(raw)") }
    }

    mutating func context(_ value: JSON, objectIsActivity: Bool) {
        guard let members = object(value, "a Context") else { return }
        for m in members {
            guard notNull(m) else { continue }
            switch XAPIKey(m.key) {
            case .registration?: at("registration") { $0.uuid(m.value) }
            case .instructor?: at("instructor") { $0.actor(m.value) }
            case .team?: at("team") { $0.actor(m.value, only: .group) }
            case .contextActivities?: at("contextActivities") { $0.contextActivities(m.value) }
            case .revision?, .platform?:
                at(key: m.key) { c in
                    if c.string(m.value) != nil, !objectIsActivity {
                        c.error("only allowed when the statement's object is an Activity")
                    }
                }
            case .language?: at("language") { $0.languageTag(m.value) }
            case .statement?: at("statement") { $0.statementRef(m.value) }
            case .extensions?: at("extensions") { $0.extensions(m.value) }
            default:
                unknown(m.key, allowed: "registration, instructor, team, contextActivities, revision, platform, language, statement, extensions")
            }
        }
    }

    /// parent, grouping, category, other: an Activity or an array of them.
    private mutating func contextActivities(_ value: JSON) {
        guard let members = object(value, "a contextActivities object") else { return }
        for m in members {
            guard notNull(m) else { continue }
            switch XAPIKey(m.key) {
            case .parent?, .grouping?, .category?, .other?:
                at(key: m.key) { c in
                    if case .array(let items) = m.value {
                        for (i, item) in items.enumerated() { c.at(i) { $0.contextActivity(item) } }
                    } else {
                        c.contextActivity(m.value)
                    }
                }
            default:
                unknown(m.key, allowed: "parent, grouping, category, other")
            }
        }
    }

    private mutating func contextActivity(_ value: JSON) {
        if case .object = value { activity(value) } else { error("expected an Activity (an object) or an array of them, got \(value.kindName)") }
    }

    mutating func attachments(_ value: JSON) {
        guard case .array(let items) = value else {
            error("expected an array of attachments, got \(value.kindName)")
            return
        }
        for (i, item) in items.enumerated() { at(i) { $0.attachment(item) } }
    }

    private mutating func attachment(_ value: JSON) {
        guard let members = object(value, "an Attachment") else { return }
        var seen: UInt8 = 0  // usageType, display, contentType, length, sha2
        for m in members {
            guard notNull(m) else { continue }
            switch XAPIKey(m.key) {
            case .usageType?:
                seen |= 1
                at("usageType") { $0.iri(m.value) }
            case .display?:
                seen |= 2
                at("display") { $0.languageMap(m.value) }
            case .description?:
                at("description") { $0.languageMap(m.value) }
            case .contentType?:
                seen |= 4
                at("contentType") { c in
                    if let s = c.string(m.value, "an Internet media type (a string)"), !XAPIFormat.isMediaType(s) {
                        c.error("\(IHubError.quoted(s, "\"")) is not an Internet media type (type/subtype)")
                    }
                }
            case .length?:
                seen |= 8
                at("length") { c in
                    switch m.value {
                    case .int(let n) where n >= 0: break
                    case .int: c.error("must not be negative")
                    default:
                        if let n = m.value.int, n >= 0 { break }
                        c.error("expected a non-negative integer (octets), got \(m.value.kindName)")
                    }
                }
            case .sha2?:
                seen |= 16
                at("sha2") { c in
                    if let s = c.string(m.value, "a SHA-2 hash (hex digits)"), !XAPIFormat.isHexDigest(s) {
                        c.error("must be a SHA-2 hash: 56, 64, 96 or 128 hex digits")
                    }
                }
            case .fileUrl?:
                at("fileUrl") { $0.iri(m.value, irl: true) }
            default:
                unknown(m.key, allowed: "usageType, display, description, contentType, length, sha2, fileUrl")
            }
        }
        let required = ["usageType", "display", "contentType", "length", "sha2"]
        for (bit, name) in required.enumerated() where seen & (1 << bit) == 0 {
            error(at: name, "missing (an Attachment has usageType, display, contentType, length and sha2)")
        }
    }
}
