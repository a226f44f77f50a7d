/// What the exports of records (export.csv, export.json) leave out or
/// replace when asked to be pseudonymous: people's codes become
/// pseudonyms, their names and e-mails go, and free text — which may name
/// anyone — is left out. Ids stay (they mean nothing outside the database).
extension Pseudonyms {
    /// CSV columns, by name, of any kind: what each becomes.
    enum CSVRule { case keep, pseudonym, blank }

    /// The rule of each column of a CSV export of `kind`.
    static func csvRules(kind: String, header: [String]) -> [CSVRule] {
        header.map { column in
            switch (kind, column) {
            case ("people", "code"), (_, "person"), (_, "respondent"): .pseudonym
            case ("people", "name"), ("people", "email"), (_, "note"), (_, "notes"), (_, "contact"): .blank
            default: .keep
            }
        }
    }

    /// One CSV record under `rules`.
    func csvRecord(_ fields: [String], _ rules: [CSVRule]) -> [String] {
        zip(fields, rules).map { field, rule in
            switch rule {
            case .keep: field
            case .pseudonym: field.isEmpty ? field : of(field)
            case .blank: ""
            }
        }
    }

    // MARK: export.json

    /// Columns of free text, left out: PrivacyStore's list (what an
    /// erasure scrubs) but the ones with a rule of their own below.
    static let jsonFreeText: Set<String> = {
        var s = Set(PrivacyStore.freeText.map { $0.table + "." + $0.column })
        s.subtract(["responses.respondent", "classifications.reasons", "indicator_snapshots.detail"])
        s.formUnion(["run_unmatched.reason", "people.erasure_reason", "xapi_statements.statement"])
        return s
    }()

    /// A record of the JSON export under the pseudonymous rules: `codes` are
    /// every person code (a string equal to one, e.g. a pairing run's
    /// mentee, is replaced), `personColumns` the members that hold a
    /// person's code (the codes export.json reads beside people's ids).
    func jsonRecord(table: String, _ record: [JSON.Member], personColumns: Set<String>, codes: Set<String>) -> [JSON.Member] {
        record.map { m in
            let name = table + "." + m.key
            if Pseudonyms.jsonFreeText.contains(name) || (table == "people" && (m.key == "name" || m.key == "email")) {
                return JSON.Member(m.key, .null)
            }
            guard case .string(let s) = m.value else {
                if name == "indicator_snapshots.detail", let members = m.value.members { return JSON.Member(m.key, .object(self.members(members))) }
                return m
            }
            // A record's own code (a school's, a round's) is not a person's, whatever it spells.
            let ownCode = m.key == "code" && table != "people" && table != "run_unmatched"
            if personColumns.contains(m.key) || (codes.contains(s) && !ownCode) || (table == "people" && m.key == "code")
                || name == "responses.respondent" {
                return JSON.Member(m.key, .string(of(s)))
            }
            if table == "xapi_statements" && (m.key == "actor" || m.key == "object") && PersonIdentity.isAgentIdentifier(s) {
                return JSON.Member(m.key, .string(of(s)))
            }
            return m
        }
    }
}

extension Pseudonyms {
    /// network.graph at teacher level: nodes and edges by pseudonym, no
    /// names, nodes in pseudonym order (the codes' order says nothing then).
    func graph(_ g: JSON) -> JSON {
        guard g["level"]?.string == "teacher", let members = g.members else { return g }
        return .object(members.map { m in
            switch m.key {
            case "nodes":
                let nodes = (m.value.array ?? []).map { node -> JSON in
                    .object((node.members ?? []).map { n in
                        n.key == "code" ? JSON.Member("code", JSON(n.value.string.map(of)))
                            : n.key == "name" ? JSON.Member("name", .null) : n
                    })
                }
                return JSON.Member("nodes", .array(nodes.sorted { ($0["code"]?.string ?? "") < ($1["code"]?.string ?? "") }))
            case "edges":
                return JSON.Member("edges", .array((m.value.array ?? []).map { edge in
                    .object((edge.members ?? []).map { e in
                        e.key == "mentor" || e.key == "mentee" ? JSON.Member(e.key, JSON(e.value.string.map(of))) : e
                    })
                }))
            default:
                return m
            }
        })
    }
}

extension PersonIdentity {
    /// An xAPI agent's identifier as the store keeps it ("mbox:…", "account:…|…").
    static func isAgentIdentifier(_ s: String) -> Bool {
        s.hasPrefix("mbox:") || s.hasPrefix("mbox_sha1sum:") || s.hasPrefix("openid:") || s.hasPrefix("account:")
    }
}
