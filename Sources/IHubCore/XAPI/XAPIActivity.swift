/// Activities and their definitions, with the interaction activities of
/// 2.4.4.1 (interaction types, response patterns, component lists).
extension XAPIChecker {
    static let interactionTypes = "true-false, choice, fill-in, long-fill-in, matching, performance, sequencing, likert, numeric, other"
    static let cmiInteraction = "http://adlnet.gov/expapi/activities/cmi.interaction"

    /// `{"objectType"?: "Activity", "id": IRI, "definition"?: …}`.
    mutating func activity(_ value: JSON) {
        guard let members = object(value, "an Activity") else { return }
        var id = false
        for m in members {
            guard notNull(m) else {
                if m.key == "id" { id = true }
                continue
            }
            switch XAPIKey(m.key) {
            case .objectType?:
                if m.value != .string("Activity") { error(at: "objectType", "must be \"Activity\"") }
            case .id?:
                id = true
                at("id") { $0.iri(m.value) }
            case .definition?:
                at("definition") { $0.definition(m.value) }
            default:
                unknown(m.key, allowed: "objectType, id, definition")
            }
        }
        if !id { error(at: "id", "missing (an Activity is identified by an IRI)") }
    }

    /// The component lists an interaction type takes.
    private static func lists(_ type: String) -> (String?, String?)? {
        switch type {
        case "true-false", "fill-in", "long-fill-in", "numeric", "other": return (nil, nil)
        case "choice", "sequencing": return ("choices", nil)
        case "likert": return ("scale", nil)
        case "matching": return ("source", "target")
        case "performance": return ("steps", nil)
        default: return nil
        }
    }

    private mutating func definition(_ value: JSON) {
        guard let members = object(value, "an Activity definition") else { return }
        var interaction: String?? = nil   // .some(nil): given but not valid
        var activityType: String?
        for m in members where m.key == "interactionType" {
            if case .string(let s) = m.value, XAPIChecker.lists(s) != nil {
                interaction = .some(s)
            } else {
                interaction = .some(nil)
                if case .null = m.value { continue }
                at("interactionType") { c in
                    if case .string(let s) = m.value {
                        c.error("\(IHubError.quoted(s, "\"")) is not an interaction type (\(XAPIChecker.interactionTypes))")
                    } else {
                        c.error("expected a string (\(XAPIChecker.interactionTypes)), got \(m.value.kindName)")
                    }
                }
            }
        }
        for m in members {
            guard notNull(m) else { continue }
            switch XAPIKey(m.key) {
            case .name?, .description?:
                at(key: m.key) { $0.languageMap(m.value) }
            case .`type`?:
                at("type") { c in if c.iri(m.value) { activityType = m.value.string } }
            case .moreInfo?:
                at("moreInfo") { $0.iri(m.value, irl: true) }
            case .extensions?:
                at("extensions") { $0.extensions(m.value) }
            case .interactionType?:
                break
            case .correctResponsesPattern?:
                at("correctResponsesPattern") { c in
                    if interaction == nil { c.error("only for interaction activities: give interactionType") }
                    c.strings(m.value)
                }
            case .choices?, .scale?, .source?, .target?, .steps?:
                at(key: m.key) { c in
                    switch interaction {
                    case nil:
                        c.error("only for interaction activities: give interactionType")
                    case .some(let type?):
                        let (a, b) = XAPIChecker.lists(type)!
                        if m.key != a && m.key != b {
                            let allowed = [a, b].compactMap { $0 }
                            c.error("not used by the interaction type \(type) (\(allowed.isEmpty ? "which has no component lists" : "which takes " + allowed.joined(separator: " and ")))")
                        }
                    case .some(nil):
                        break
                    }
                    c.components(m.value)
                }
            default:
                unknown(m.key, allowed: "name, description, type, moreInfo, extensions, interactionType, correctResponsesPattern, choices, scale, source, target, steps")
            }
        }
        if case .some(.some(let type)) = interaction {
            if activityType != XAPIChecker.cmiInteraction {
                warning("an interaction activity should have type \(XAPIChecker.cmiInteraction)")
            }
            responsePatterns(value, type: type)
        }
    }

    /// An array of strings.
    private mutating func strings(_ value: JSON) {
        guard case .array(let items) = value else {
            error("expected an array of strings, got \(value.kindName)")
            return
        }
        for (i, item) in items.enumerated() {
            if case .string = item { continue }
            at(i) { $0.error("expected a string, got \(item.kindName)") }
        }
    }

    /// An array of `{"id": string, "description"?: language map}` with distinct ids.
    private mutating func components(_ value: JSON) {
        guard case .array(let items) = value else {
            error("expected an array of interaction components, got \(value.kindName)")
            return
        }
        var seen = Set<String>()
        for (i, item) in items.enumerated() {
            at(i) { c in
                guard let members = c.object(item, "an interaction component") else { return }
                var id = false
                for m in members {
                    guard c.notNull(m) else {
                        if m.key == "id" { id = true }
                        continue
                    }
                    switch XAPIKey(m.key) {
                    case .id?:
                        id = true
                        c.at("id") { c in
                            guard let s = c.string(m.value) else { return }
                            if !seen.insert(s).inserted {
                                c.error("\(IHubError.quoted(s, "\"")) is the id of an earlier component: ids must be distinct")
                            } else if s.utf8.contains(where: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
                                c.warning("an interaction component's id should not have whitespace")
                            }
                        }
                    case .description?:
                        c.at("description") { $0.languageMap(m.value) }
                    default:
                        c.unknown(m.key, allowed: "id, description")
                    }
                }
                if !id { c.error(at: "id", "missing (an interaction component has an id)") }
            }
        }
    }
}
