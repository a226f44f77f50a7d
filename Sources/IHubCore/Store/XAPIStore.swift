/// The queries of imported xAPI statements (xapi_statements) and of a
/// hub's xAPI settings.
struct XAPIStore {
    let db: Database
}

extension Database {
    var xapi: XAPIStore { XAPIStore(db: self) }
}

/// One stored statement as `xapi.events` lists it.
struct XAPIEventRow {
    let id: String
    let actor: String
    let verb: String
    let object: String
    let timestamp: String
    let storedAt: String
    let statement: String
    let activity: String?
    let voidedBy: String?
}

/// A voiding statement whose target is neither a stored statement nor an activity.
struct XAPIUnknownVoid {
    let id: String
    let target: String
}

extension XAPIStore {
    static let voided = "http://adlnet.gov/expapi/verbs/voided"

    static let columns = ["uuid", "hub_id", "actor", "verb", "object", "timestamp", "stored_at", "statement", "activity_id"]

    /// A multi-row insert of statements that skips ids already stored and
    /// hands back the ids it wrote.
    func inserter(returned: @escaping (String) -> Void) -> BulkInsert {
        BulkInsert(db, table: "xapi_statements", columns: Self.columns, onConflict: "(uuid) DO NOTHING", returning: ["uuid"]) {
            s throws(IHubError) in returned(s.text(0) ?? "")
        }
    }

    /// The hub's home page and identity setting.
    func settings(hubID: Int64) throws(IHubError) -> (homePage: String?, identity: XAPIIdentity) {
        let s = try db.statement("SELECT home_page, xapi_identity FROM hubs WHERE id = ?")
        try s.bind([.int(hubID)])
        guard try s.step() else { return (nil, .account) }
        let row = (s.text(0), XAPIIdentity(rawValue: s.text(1) ?? "") ?? .account)
        s.reset()
        return row
    }

    /// The stored text and hub of a statement by id, or nil.
    func stored(_ uuid: String) throws(IHubError) -> (statement: String, hubID: Int64)? {
        let s = try db.statement("SELECT statement, hub_id FROM xapi_statements WHERE uuid = ?")
        try s.bind([.text(uuid)])
        guard try s.step() else { return nil }
        let row = (s.text(0) ?? "", s.int(1))
        s.reset()
        return row
    }

    /// The largest row id so far (0 when none): rows of one import come after it.
    func lastID() throws(IHubError) -> Int64 {
        try db.scalarInt("SELECT COALESCE(MAX(id), 0) FROM xapi_statements") ?? 0
    }

    /// Applies every stored voiding statement (so a target that arrives
    /// after its voiding is voided too): target statements get voided_by
    /// (a voiding statement is never voided), target activities voided_at.
    func applyVoids(at stamp: String) throws(IHubError) {
        try db.statement("""
            UPDATE xapi_statements SET voided_by = (
                SELECT v.uuid FROM xapi_statements v WHERE v.verb = ? AND v.object = xapi_statements.uuid ORDER BY v.id LIMIT 1)
            WHERE voided_by IS NULL AND verb <> ? AND uuid IN (SELECT object FROM xapi_statements WHERE verb = ?)
            """).run([.text(Self.voided), .text(Self.voided), .text(Self.voided)])
        try db.statement("""
            UPDATE activities SET voided_at = ?
            WHERE voided_at IS NULL AND uuid IN (SELECT object FROM xapi_statements WHERE verb = ?)
            """).run([.text(stamp), .text(Self.voided)])
    }

    /// How many voiding statements were stored after row `after`.
    func voidingCount(after: Int64) throws(IHubError) -> Int64 {
        try db.scalarInt("SELECT COUNT(*) FROM xapi_statements WHERE id > ? AND verb = ?", [.int(after), .text(Self.voided)]) ?? 0
    }

    /// Statements stored after row `after` that an activity of the same id
    /// came from name it.
    func linkActivities(after: Int64) throws(IHubError) {
        try db.statement("""
            UPDATE xapi_statements SET activity_id = (SELECT a.id FROM activities a WHERE a.uuid = xapi_statements.uuid)
            WHERE id > ? AND activity_id IS NULL AND uuid IN (SELECT uuid FROM activities)
            """).run([.int(after)])
    }

    /// The voiding statements stored after row `after` whose target is unknown, by id.
    func unknownVoids(after: Int64, limit: Int64) throws(IHubError) -> [XAPIUnknownVoid] {
        try db.statement("""
            SELECT v.uuid, v.object FROM xapi_statements v
            WHERE v.id > ? AND v.verb = ?
              AND NOT EXISTS (SELECT 1 FROM xapi_statements t WHERE t.uuid = v.object)
              AND NOT EXISTS (SELECT 1 FROM activities a WHERE a.uuid = v.object)
            ORDER BY v.id LIMIT ?
            """).rows([.int(after), .text(Self.voided), .int(limit)]) { s in XAPIUnknownVoid(id: s.text(0) ?? "", target: s.text(1) ?? "") }
    }

    /// How many voiding statements stored after row `after` have an unknown target.
    func unknownVoidCount(after: Int64) throws(IHubError) -> Int64 {
        try db.scalarInt("""
            SELECT COUNT(*) FROM xapi_statements v
            WHERE v.id > ? AND v.verb = ?
              AND NOT EXISTS (SELECT 1 FROM xapi_statements t WHERE t.uuid = v.object)
              AND NOT EXISTS (SELECT 1 FROM activities a WHERE a.uuid = v.object)
            """, [.int(after), .text(Self.voided)]) ?? 0
    }

    /// A hub's stored statements, by timestamp then id: `verb` (an IRI), a
    /// range of timestamps as written (`from` ≤ timestamp < `before`), voided
    /// ones included only when asked.
    func events(hubID: Int64, verb: String?, from: String?, before until: String?, voided: Bool, page: Page,
                _ each: (XAPIEventRow) throws(IHubError) -> Void) throws(IHubError)
    {
        let s = try db.statement("""
            SELECT x.uuid, x.actor, x.verb, x.object, x.timestamp, x.stored_at, x.statement, a.uuid, x.voided_by
            FROM xapi_statements x LEFT JOIN activities a ON a.id = x.activity_id
            WHERE x.hub_id = ? AND (CAST(? AS TEXT) IS NULL OR x.verb = ?)
              AND (CAST(? AS TEXT) IS NULL OR x.timestamp >= ?) AND (CAST(? AS TEXT) IS NULL OR x.timestamp < ?)
              AND (CAST(? AS BIGINT) = 1 OR x.voided_by IS NULL)
            ORDER BY x.timestamp, x.id LIMIT ? OFFSET ?
            """)
        try s.bind([.int(hubID), SQLValue(verb), SQLValue(verb), SQLValue(from), SQLValue(from), SQLValue(until), SQLValue(until),
                    .int(voided ? 1 : 0), .int(page.limit), .int(page.offset)])
        while try s.step() {
            try each(XAPIEventRow(id: s.text(0) ?? "", actor: s.text(1) ?? "", verb: s.text(2) ?? "", object: s.text(3) ?? "",
                                  timestamp: s.text(4) ?? "", storedAt: s.text(5) ?? "", statement: s.text(6) ?? "",
                                  activity: s.text(7), voidedBy: s.text(8)))
        }
    }
}

extension XAPIStore {
    /// The e-mail of each person of a hub who has one, by code.
    func emails(hubID: Int64) throws(IHubError) -> [String: String] {
        let s = try db.statement("SELECT code, email FROM people WHERE hub_id = ? AND email IS NOT NULL ORDER BY id")
        try s.bind([.int(hubID)])
        var out: [String: String] = [:]
        while try s.step() { out[s.text(0) ?? ""] = s.text(1) ?? "" }
        return out
    }
}
