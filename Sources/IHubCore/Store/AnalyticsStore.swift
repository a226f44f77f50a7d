/// The analytics pipeline's own queries (k, subjects' names). Each indicator
/// family keeps its SQL in its own store file (Store/Indicators+<Family>.swift).
struct AnalyticsStore {
    let db: Database
}

extension Database {
    var analytics: AnalyticsStore { AnalyticsStore(db: self) }
}

extension AnalyticsStore {
    /// k of small-group suppression: the hub's; over every hub (nil), the
    /// largest, so a consortium figure is never less protected than a hub's.
    func k(hubID: Int64?) throws(IHubError) -> Int {
        let k = try db.scalarInt("SELECT MAX(min_group_size) FROM hubs WHERE CAST(? AS BIGINT) IS NULL OR id = ?",
                                 [SQLValue(hubID), SQLValue(hubID)])
        return Int(k ?? 5)
    }

    /// Code and name of every subject of `level` (people or schools) in the
    /// hub (nil: every hub), by id.
    func subjectNames(_ level: IndicatorLevel, hubID: Int64?) throws(IHubError) -> [Int64: (code: String, name: String)] {
        guard let kind = level.recordKind else { return [:] }
        var out: [Int64: (code: String, name: String)] = [:]
        let s = try db.statement("SELECT id, code, name FROM \(kind.table) WHERE CAST(? AS BIGINT) IS NULL OR hub_id = ? ORDER BY id")
        try s.bind([SQLValue(hubID), SQLValue(hubID)])
        while try s.step() { out[s.int(0)] = (s.text(1) ?? "", s.text(2) ?? "") }
        return out
    }
}
