/// How a hub's xAPI statements identify its people (hubs.xapi_identity):
/// an `account` on the hub's home page named by the person's code (the
/// default: stable, and no personal data leaves), or the `mbox_sha1sum`
/// of the person's e-mail when the hub opts in (so other tools that know
/// the address can match it). A person without an e-mail keeps the
/// account even then: a statement must name its actor.
enum XAPIIdentity: String {
    case account
    case mboxSHA1 = "mbox_sha1sum"

    static let names = ["account", "mbox_sha1sum"]

    /// Where verbs and activity types live when neither the call nor the hub says.
    static let defaultBase = "https://ihub.example.org/xapi"

    /// The actor of a person: an account {homePage, name: code}, or the
    /// SHA-1 of "mailto:" + the lower-cased e-mail.
    static func agent(code: String, email: String?, homePage: String, identity: XAPIIdentity) -> JSON {
        if identity == .mboxSHA1, let email, !email.isEmpty {
            return ["objectType": "Agent", "mbox_sha1sum": .string(SHA1.hex("mailto:" + email.lowercased()))]
        }
        return ["objectType": "Agent", "account": ["homePage": .string(homePage), "name": .string(code)]]
    }

    /// An absolute http(s) IRI without spaces, e.g. a home page or a base.
    static func isWebIRI(_ s: String) -> Bool {
        (s.hasPrefix("https://") || s.hasPrefix("http://")) && s.utf8.count > 8
            && !s.utf8.contains { $0 <= 0x20 || $0 == 0x7F }
    }

    static let homePageCheck: @Sendable (JSON) -> String? = { v in
        isWebIRI(v.string ?? "") ? nil : "expected an absolute http(s) IRI such as \"https://hub.example.ee\""
    }
}
