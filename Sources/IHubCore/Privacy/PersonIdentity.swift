/// What identifies a person in stored text and statements — their code,
/// name and e-mail — and how an erasure takes it out: whole words replaced
/// by the erased code (ASCII letters compared without case, as SQL's
/// lower() prefilter compares them on both engines), and xAPI agents that
/// name them replaced by an account on the hub's home page.
struct PersonIdentity {
    let code: String
    let name: String
    let email: String?
    /// What replaces them.
    let replacement: String
    /// The agent that replaces theirs in statements.
    let agent: JSON

    /// The words looked for, longest first (an e-mail before a name inside it).
    var terms: [String] {
        var t = [code, name]
        if let email, !email.isEmpty { t.append(email) }
        return t.filter { $0.utf8.count >= 2 }.sorted { $0.utf8.count > $1.utf8.count }
    }

    /// The mbox_sha1sum an xAPI tool would give them (SHA-1 of "mailto:" + the lower-cased e-mail).
    var mboxSHA1: String? { email.flatMap { $0.isEmpty ? nil : SHA1.hex("mailto:" + $0.lowercased()) } }

    /// The SQL LIKE patterns of the prefilter (`lower(column) LIKE lower(?)`).
    var patterns: [String] {
        terms.map { "%" + $0 + "%" } + (mboxSHA1.map { ["%" + $0 + "%"] } ?? [])
    }

    // MARK: text

    /// `text` with each whole-word occurrence of a term replaced; nil when
    /// nothing changed.
    func scrub(_ text: String) -> String? {
        var bytes = Array(text.utf8)
        var changed = false
        for term in terms {
            if let out = PersonIdentity.replacing(Array(term.utf8), with: Array(replacement.utf8), in: bytes) {
                bytes = out
                changed = true
            }
        }
        return changed ? String(decoding: bytes, as: UTF8.self) : nil
    }

    private static func fold(_ b: UInt8) -> UInt8 { b >= 65 && b <= 90 ? b | 0x20 : b }

    /// A word byte: an ASCII letter or digit, `_`, or part of a non-ASCII character.
    private static func isWord(_ b: UInt8) -> Bool {
        b >= 0x80 || b == 95 || (b >= 48 && b <= 57) || (fold(b) >= 97 && fold(b) <= 122)
    }

    private static func replacing(_ term: [UInt8], with replacement: [UInt8], in s: [UInt8]) -> [UInt8]? {
        guard !term.isEmpty, s.count >= term.count else { return nil }
        var out: [UInt8] = []
        var i = 0, found = false
        while i < s.count {
            if i + term.count <= s.count, (i == 0 || !isWord(s[i - 1]) || !isWord(term[0])),
               i + term.count == s.count || !isWord(s[i + term.count]) || !isWord(term[term.count - 1]),
               (0..<term.count).allSatisfy({ fold(s[i + $0]) == fold(term[$0]) }) {
                out += replacement
                i += term.count
                found = true
            } else {
                out.append(s[i])
                i += 1
            }
        }
        return found ? out : nil
    }

    // MARK: xAPI

    /// Whether an Agent (or identified Group) names this person: their
    /// account (by code, on any home page), mbox or mbox_sha1sum.
    func names(_ agent: JSON) -> Bool {
        if let name = agent["account"]?["name"]?.string, name == code { return true }
        if let email, !email.isEmpty, let mbox = agent["mbox"]?.string,
           mbox.lowercased() == "mailto:" + email.lowercased() { return true }
        if let sha = mboxSHA1, agent["mbox_sha1sum"]?.string?.lowercased() == sha { return true }
        return false
    }

    /// A statement (or any part of one) with this person's agents replaced
    /// and their words scrubbed from every string; nil when unchanged.
    func rewrite(_ value: JSON) -> JSON? {
        switch value {
        case .string(let s):
            return scrub(s).map(JSON.string)
        case .array(let items):
            var changed = false
            let out = items.map { item -> JSON in
                guard let r = rewrite(item) else { return item }
                changed = true
                return r
            }
            return changed ? .array(out) : nil
        case .object(let members):
            let isAgent = value["objectType"]?.string != "Group" && value["objectType"]?.string != "Activity"
                && (value["account"] != nil || value["mbox"] != nil || value["mbox_sha1sum"] != nil)
            if isAgent && names(value) {
                return value["objectType"] == nil ? .object(agent.members!.filter { $0.key != "objectType" }) : agent
            }
            var changed = false
            let out = members.map { m -> JSON.Member in
                guard let r = rewrite(m.value) else { return m }
                changed = true
                return JSON.Member(m.key, r)
            }
            return changed ? .object(out) : nil
        default:
            return nil
        }
    }
}
