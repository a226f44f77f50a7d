/// The response patterns of interaction activities (2.4.4.1, "Response
/// Patterns"): an LRS MAY check them against the interaction type, so a
/// pattern that does not fit is a warning, not an error.
extension XAPIChecker {
    /// Checks each string of `correctResponsesPattern` against `type`,
    /// with the component ids the definition lists.
    mutating func responsePatterns(_ definition: JSON, type: String) {
        guard case .array(let patterns)? = definition["correctResponsesPattern"], !patterns.isEmpty, warnings else { return }
        at("correctResponsesPattern") { c in
            for (i, p) in patterns.enumerated() {
                guard case .string(let pattern) = p else { continue }
                if let why = XAPIChecker.patternProblem(pattern, type: type, definition) {
                    c.at(i) { $0.warning("does not fit the \(type) response pattern: \(why)") }
                }
            }
        }
    }

    /// The ids of a component list, nil when the definition has none.
    private static func ids(_ definition: JSON, _ list: String) -> Set<Substring>? {
        guard case .array(let items)? = definition[list] else { return nil }
        return Set(items.compactMap { $0["id"]?.string.map { Substring($0) } })
    }

    static func patternProblem(_ pattern: String, type: String, _ definition: JSON) -> String? {
        switch type {
        case "true-false":
            return pattern == "true" || pattern == "false" ? nil : "either true or false"
        case "choice", "sequencing":
            return listed(items(pattern), in: ids(definition, "choices"), "choices")
        case "likert":
            let all = items(pattern)
            if all.count != 1 { return "a single item id" }
            return listed(all, in: ids(definition, "scale"), "scale")
        case "matching":
            let source = ids(definition, "source"), target = ids(definition, "target")
            for pair in items(pattern) {
                let parts = split(pair, "[.]")
                guard parts.count == 2 else { return "source and target ids delimited by [.], pairs by [,]" }
                if let why = listed([parts[0]], in: source, "source") ?? listed([parts[1]], in: target, "target") { return why }
            }
            return nil
        case "performance":
            let steps = ids(definition, "steps")
            var first = true
            for var step in items(pattern) {
                if first { step = dropParameters(step); first = false }
                let parts = split(step, "[.]")
                guard parts.count == 2 else { return "step ids and responses delimited by [.], steps by [,]" }
                if let why = listed([parts[0]], in: steps, "steps") { return why }
            }
            return nil
        case "numeric":
            let parts = split(Substring(pattern), "[:]")
            guard parts.count <= 2 else { return "a number, or a range min[:]max" }
            if parts.count == 1 { return isNumber(parts[0]) ? nil : "a number, or a range min[:]max" }
            guard (parts[0].isEmpty || isNumber(parts[0])) && (parts[1].isEmpty || isNumber(parts[1])),
                  !(parts[0].isEmpty && parts[1].isEmpty) else { return "a number, or a range min[:]max" }
            if let lo = Double(parts[0]), let hi = Double(parts[1]), lo > hi { return "the minimum is above the maximum" }
            return nil
        default:
            return nil  // fill-in, long-fill-in, other: free text
        }
    }

    /// `[,]`-delimited items.
    private static func items(_ pattern: String) -> [Substring] { split(Substring(pattern), "[,]") }

    private static func split(_ s: Substring, _ delimiter: String) -> [Substring] {
        var parts: [Substring] = []
        var rest = s
        let d = Array(delimiter.utf8)
        while true {
            let u = rest.utf8
            var found: String.Index?
            var i = u.startIndex
            while i != u.endIndex {
                if u[i] == d[0], u[i...].starts(with: d) { found = i; break }
                i = u.index(after: i)
            }
            guard let hit = found else { break }
            parts.append(rest[..<hit])
            rest = rest[u.index(hit, offsetBy: d.count)...]
        }
        parts.append(rest)
        return parts
    }

    /// `{order_matters=…}` and similar at the start of a list.
    private static func dropParameters(_ s: Substring) -> Substring {
        var s = s
        while s.hasPrefix("{"), let close = s.firstIndex(of: "}") { s = s[s.index(after: close)...] }
        return s
    }

    private static func listed(_ items: [Substring], in ids: Set<Substring>?, _ list: String) -> String? {
        guard let ids else { return nil }
        for item in items where !ids.contains(item) {
            return "\(IHubError.quoted(item, "\"")) is not an id of \(list)"
        }
        return nil
    }

    private static func isNumber(_ s: Substring) -> Bool {
        guard !s.isEmpty, Double(s) != nil else { return false }
        return s.utf8.allSatisfy { XAPIFormat.isDigit($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
    }
}
