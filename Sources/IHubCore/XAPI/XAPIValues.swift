/// Checks of single values: IRIs, UUIDs, timestamps, durations, language
/// maps and extensions, reporting at the current path.
extension XAPIChecker {
    /// An IRI (`irl`: one meant to be resolvable, an IRL); whether it is one.
    @discardableResult
    mutating func iri(_ value: JSON, irl: Bool = false) -> Bool {
        guard let s = string(value, irl ? "an IRL (a string)" : "an IRI (a string)") else { return false }
        if let why = XAPIFormat.iriProblem(s) {
            error("must be \(irl ? "an IRL" : "an IRI"): \(why)")
            return false
        }
        return true
    }

    mutating func uuid(_ value: JSON) {
        guard let s = string(value, "a UUID (a string)") else { return }
        if !XAPIFormat.isUUID(s) { error("\(IHubError.quoted(s, "\"")) is not a UUID (8-4-4-4-12 hex digits)") }
    }

    /// An ISO 8601 timestamp; SHOULD have a zone, SHOULD follow RFC 3339, SHOULD be UTC.
    mutating func timestamp(_ value: JSON) {
        guard let s = string(value, "an ISO 8601 timestamp (a string)") else { return }
        guard let stamp = XAPITime.stamp(s) else {
            error("\(IHubError.quoted(s, "\"")) is not an ISO 8601 timestamp (such as 2024-05-01T12:30:00.000Z)")
            return
        }
        if stamp.zone == .utc && stamp.rfc3339 { return }
        warning(XAPIChecker.timestampAdvice(s, stamp))
    }

    static func timestampAdvice(_ s: String, _ stamp: XAPITime.Stamp) -> String {
        var advice: [String] = []
        if stamp.zone == .none { advice.append("include the time zone") }
        if !stamp.rfc3339 && stamp.zone != .none { advice.append("follow RFC 3339 (seconds; Z or ±hh:mm)") }
        if stamp.zone == .offset { advice.append("be expressed in UTC (Z)") }
        return "\(IHubError.quoted(s, "\"")) should \(advice.joined(separator: " and "))"
    }

    mutating func duration(_ value: JSON) {
        guard let s = string(value, "an ISO 8601 duration (a string)") else { return }
        if !XAPITime.isDuration(s) { error("\(IHubError.quoted(s, "\"")) is not an ISO 8601 duration (such as PT1H30M)") }
    }

    mutating func languageTag(_ value: JSON) {
        guard let s = string(value, "a language tag (a string)") else { return }
        if !XAPILanguageTag.isWellFormed(s) { error("\(IHubError.quoted(s, "\"")) is not an RFC 5646 language tag") }
    }

    /// `{"en-US": "text", …}`: RFC 5646 tags to strings.
    mutating func languageMap(_ value: JSON) {
        guard let members = object(value, "a language map") else { return }
        for m in members {
            if !XAPILanguageTag.isWellFormed(m.key) {
                error(at: m.key, "\(IHubError.quoted(m.key, "\"")) is not an RFC 5646 language tag")
            } else if case .string = m.value {
            } else {
                error(at: m.key, "expected a string, got \(m.value.kindName)")
            }
        }
    }

    /// `{IRI: any JSON}`: keys are IRIs, values are not checked (null allowed).
    mutating func extensions(_ value: JSON) {
        guard let members = object(value, "an extensions map") else { return }
        for m in members {
            if let why = XAPIFormat.iriProblem(m.key) { error(at: m.key, "extension keys must be IRIs: \(why)") }
        }
    }

    /// A number (integer or not).
    @discardableResult
    mutating func number(_ value: JSON) -> Double? {
        switch value {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default:
            error("expected a number, got \(value.kindName)")
            return nil
        }
    }
}
