/// person.erase: a person's personal data taken out of the database, their
/// row kept (without it) so that every anonymous aggregate — counts, hours,
/// assessment figures, indicator values — stays what it was.
///
/// - the row: name and code become `erased-<16 hex>`, e-mail, subjects and
///   languages go, erased_at (and the reason) are set. Roles, memberships,
///   mentorships, responses and participation stay: they are the aggregates.
/// - the erased code is HMAC-SHA256(the database's pseudonym key, "erased:"
///   + code), so erasing again by the old code finds the erased row (a
///   no-op), and nobody without the key can tell whose row it was.
/// - free text of the hub that names them (code, name or e-mail as a whole
///   word: notes, outcomes, plan texts, reasons, insights, snapshot details,
///   respondent codes) has those words replaced by the erased code; the
///   text of their own action plans, which is about them, is replaced whole.
/// - pairing runs at teacher level name them by the erased code.
/// - stored xAPI statements: an agent that names them (account by code,
///   mbox, mbox_sha1sum) becomes an account named by the erased code on the
///   hub's home page (their name dropped), and their words are scrubbed
///   from the statement's strings.
enum PersonErase {
    static let erasedPlanText = "(erased)"

    static func run(_ db: Database, code: String, reason: String?) throws(IHubError) -> JSON {
        let pseudonyms = try Pseudonyms.load(db)
        let erasedCode = code.hasPrefix("erased-") ? code : pseudonyms.erased(code)
        var found = try db.recordID(.person, code: erasedCode)
        if found == nil { found = try db.requireID(.person, code: code, at: "params.code") }
        let id = found!
        guard let person = try db.privacy.person(id) else { throw RecordKind.person.notFound(code: code, at: "params.code") }
        if let at = person.erasedAt {
            return result(person.code, at: at, already: true, counts: [])
        }
        let stamp = Timestamp.now()
        let identity = PersonIdentity(code: person.code, name: person.name, email: person.email, replacement: erasedCode,
                                      agent: try agent(db, hubID: person.hubID, code: erasedCode))
        var counts: [JSON.Member] = []
        counts.append(.init("plans", .int(try db.privacy.erasePlanTexts(person: id, with: erasedPlanText))))
        counts.append(.init("texts", .int(try scrubTexts(db, person.hubID, identity) + DecisionLog.scrub(db, hubID: person.hubID, identity))))
        counts.append(.init("pairing", .int(try scrubPairing(db, person.hubID, identity))))
        counts.append(.init("statements", .int(try scrubStatements(db, person.hubID, identity))))
        try db.privacy.eraseRow(id, code: erasedCode, at: stamp, reason: reason)
        return result(erasedCode, at: stamp, already: false, counts: counts)
    }

    private static func result(_ code: String, at: String, already: Bool, counts: [JSON.Member]) -> JSON {
        ["code": .string(code), "erased": true, "erased_at": .string(at), "already_erased": .bool(already),
         "changed": .object(counts)]
    }

    /// The agent that replaces theirs: an account on the hub's home page, as xapi.export names people.
    private static func agent(_ db: Database, hubID: Int64, code: String) throws(IHubError) -> JSON {
        let settings = try db.xapi.settings(hubID: hubID)
        let hub = try db.registry.code(.hub, id: hubID) ?? ""
        let homePage = settings.homePage ?? XAPIIdentity.defaultBase + "/hubs/" + hub
        return ["objectType": "Agent", "account": ["homePage": .string(homePage), "name": .string(code)]]
    }

    private static func scrubTexts(_ db: Database, _ hubID: Int64, _ who: PersonIdentity) throws(IHubError) -> Int64 {
        var n: Int64 = 0
        for column in PrivacyStore.freeText {
            for row in try db.privacy.texts(column, hubID: hubID, patterns: who.patterns) {
                guard let text = who.scrub(row.text) else { continue }
                try db.privacy.setText(column, id: row.id, text)
                n += 1
            }
        }
        return n
    }

    private static func scrubPairing(_ db: Database, _ hubID: Int64, _ who: PersonIdentity) throws(IHubError) -> Int64 {
        var n = try db.privacy.renamePairingCodes(hubID: hubID, from: who.code, to: who.replacement)
        for row in try db.privacy.unmatchedReasons(hubID: hubID, patterns: who.patterns) {
            guard let reason = who.scrub(row.reason) else { continue }
            try db.privacy.setUnmatchedReason(run: row.run, code: row.code, reason)
            n += 1
        }
        return n
    }

    private static func scrubStatements(_ db: Database, _ hubID: Int64, _ who: PersonIdentity) throws(IHubError) -> Int64 {
        var n: Int64 = 0
        for row in try db.privacy.statements(hubID: hubID, patterns: who.patterns) {
            let statement = try db.storedJSON(row.statement, at: "xapi_statements.statement")
            guard let rewritten = who.rewrite(statement) else { continue }
            let facts = XAPIFacts(rewritten)
            try db.privacy.setStatement(id: row.id, actor: facts.actor, object: facts.object, statement: rewritten.serialized())
            n += 1
        }
        return n
    }
}

extension Pseudonyms {
    /// The code an erased person takes: "erased-" + 16 hex of the HMAC of
    /// "erased:" + their code (not their export pseudonym: that would link
    /// the erased row to exports made before).
    func erased(_ code: String) -> String {
        "erased-" + of("erased:" + code).dropFirst(2)
    }
}
