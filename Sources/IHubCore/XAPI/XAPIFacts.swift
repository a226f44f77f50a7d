/// What the store indexes of a statement: its id, the actor's identifier,
/// the verb, the object's id and the timestamp, read from the parsed
/// statement without re-encoding it.
struct XAPIFacts {
    /// The statement id, lower case.
    var id: String?
    let actor: String
    let verb: String
    let object: String
    let timestamp: String?

    init(_ s: JSON) {
        id = s["id"]?.string?.lowercased()
        actor = s["actor"].map(XAPIFacts.identifier) ?? ""
        verb = s["verb"]?["id"]?.string ?? ""
        object = s["object"].map(XAPIFacts.objectID) ?? ""
        timestamp = s["timestamp"]?.string ?? s["stored"]?.string
    }

    var isVoiding: Bool { verb == XAPIStore.voided }

    /// An agent's or identified group's inverse functional identifier as
    /// one string: "mbox:mailto:a@b.org", "mbox_sha1sum:…", "openid:…",
    /// "account:<homePage>|<name>"; an anonymous group is "group".
    static func identifier(_ a: JSON) -> String {
        if let m = a["mbox"]?.string { return "mbox:" + m }
        if let h = a["mbox_sha1sum"]?.string { return "mbox_sha1sum:" + h.lowercased() }
        if let o = a["openid"]?.string { return "openid:" + o }
        if let account = a["account"] {
            return "account:" + (account["homePage"]?.string ?? "") + "|" + (account["name"]?.string ?? "")
        }
        return "group"
    }

    /// An activity's IRI, an agent's identifier, a referenced statement's
    /// id (lower case), or "SubStatement".
    static func objectID(_ o: JSON) -> String {
        switch o["objectType"]?.string {
        case "Agent", "Group": return identifier(o)
        case "StatementRef": return o["id"]?.string?.lowercased() ?? ""
        case "SubStatement": return "SubStatement"
        default: return o["id"]?.string ?? ""
        }
    }
}
