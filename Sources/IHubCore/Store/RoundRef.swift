/// A round as the assessment and pairing operations need it: its hub and
/// that hub's k (the smallest group whose figures are shown).
struct RoundRef {
    let id: Int64
    let code: String
    let name: String
    let hubID: Int64
    let hubCode: String
    let start: String?
    let end: String?
    let k: Int

    /// The round with `code`; not found names `path` (RecordKind's wording).
    static func resolve(_ db: Database, code: String, at path: @autoclosure () -> String) throws(IHubError) -> RoundRef {
        guard let round = try db.round(code: code) else { throw RecordKind.round.notFound(code: code, at: path()) }
        return round
    }
}

extension Database {
    /// The round with `code` and its hub, or nil.
    func round(code: String) throws(IHubError) -> RoundRef? {
        let s = try statement("""
            SELECT r.id, r.code, r.name, r.hub_id, h.code, r.start_date, r.end_date, h.min_group_size
            FROM rounds r JOIN hubs h ON h.id = r.hub_id WHERE r.code = ?
            """)
        try s.bind([.text(code)])
        guard try s.step() else { return nil }
        let round = RoundRef(id: s.int(0), code: s.text(1) ?? code, name: s.text(2) ?? "", hubID: s.int(3), hubCode: s.text(4) ?? "",
                             start: s.isNull(5) ? nil : s.text(5), end: s.isNull(6) ? nil : s.text(6), k: Int(s.int(7)))
        s.reset()  // read: the statement holds no read transaction open
        return round
    }
}
