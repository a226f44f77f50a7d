/// The queries of stored indicator values (indicator_snapshots): the hub's
/// time series. A window's values of one indicator are replaced as a whole.
struct IndicatorStore {
    let db: Database
}

extension Database {
    var indicatorStore: IndicatorStore { IndicatorStore(db: self) }
}

/// One stored value.
struct SnapshotRow {
    let level: String
    let subjectID: Int64?
    /// "" for none.
    let part: String
    let windowKind: String
    /// "" when the window is open at its start.
    let windowFrom: String
    let windowTo: String
    let value: Double?
    let n: Int64?
    let suppressed: Bool
    /// A JSON object's text.
    let detail: String
    let source: String
    let computedAt: String
}

extension IndicatorStore {
    /// The scope's condition: one hub, or (NULL) the consortium's own rows.
    /// Two parameters, the hub's id twice.
    private static let scope = "((CAST(? AS BIGINT) IS NULL AND hub_id IS NULL) OR hub_id = ?)"

    /// The ids of the mentorships of a hub (nil: of every hub).
    func mentorshipIDs(hubID: Int64?) throws(IHubError) -> [Int64] {
        try db.statement("SELECT id FROM mentorships WHERE CAST(? AS BIGINT) IS NULL OR hub_id = ? ORDER BY id")
            .rows([SQLValue(hubID), SQLValue(hubID)]) { s in s.int(0) }
    }

    /// Replaces the rows of `indicator` for the window [from, to] in the
    /// scope with `rows`; returns how many rows it replaced. The caller
    /// holds the transaction.
    func replace(hubID: Int64?, indicator: String, windowFrom: String, windowTo: String,
                 rows: [SnapshotRow]) throws(IHubError) -> Int64 {
        try db.statement("DELETE FROM indicator_snapshots WHERE \(Self.scope) AND indicator = ? AND window_from = ? AND window_to = ?")
            .run([SQLValue(hubID), SQLValue(hubID), .text(indicator), .text(windowFrom), .text(windowTo)])
        let replaced = db.changes
        let insert = try db.statement("""
            INSERT INTO indicator_snapshots(hub_id, indicator, level, subject_id, part, window_kind, window_from, window_to,
                                            value, n, suppressed, detail, source, computed_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for r in rows {
            try insert.run([SQLValue(hubID), .text(indicator), .text(r.level), SQLValue(r.subjectID), .text(r.part),
                            .text(r.windowKind), .text(r.windowFrom), .text(r.windowTo), SQLValue(r.value), SQLValue(r.n),
                            .int(r.suppressed ? 1 : 0), .text(r.detail), .text(r.source), .text(r.computedAt)])
        }
        return replaced
    }

    /// The stored values of `indicator` in the scope, optionally of one
    /// subject and part, of the windows ending from `from` to `to`
    /// (inclusive), by window end, window start, part, subject.
    func series(hubID: Int64?, indicator: String, subjectID: Int64?, part: String?,
                from: String?, to: String?) throws(IHubError) -> [SnapshotRow] {
        let s = try db.statement("""
            SELECT level, subject_id, part, window_kind, window_from, window_to, value, n, suppressed, detail, source, computed_at
            FROM indicator_snapshots
            WHERE \(Self.scope) AND indicator = ?
              AND (CAST(? AS BIGINT) IS NULL OR subject_id = ?) AND (CAST(? AS TEXT) IS NULL OR part = ?)
              AND (CAST(? AS TEXT) IS NULL OR window_to >= ?) AND (CAST(? AS TEXT) IS NULL OR window_to <= ?)
            ORDER BY window_to, window_from, part, COALESCE(subject_id, 0), id
            """)
        return try s.rows([SQLValue(hubID), SQLValue(hubID), .text(indicator), SQLValue(subjectID), SQLValue(subjectID),
                           SQLValue(part), SQLValue(part), SQLValue(from), SQLValue(from), SQLValue(to), SQLValue(to)]) { s in
            SnapshotRow(level: s.text(0) ?? "", subjectID: s.isNull(1) ? nil : s.int(1), part: s.text(2) ?? "",
                        windowKind: s.text(3) ?? "", windowFrom: s.text(4) ?? "", windowTo: s.text(5) ?? "",
                        value: s.isNull(6) ? nil : s.double(6), n: s.isNull(7) ? nil : s.int(7), suppressed: s.int(8) != 0,
                        detail: s.text(9) ?? "{}", source: s.text(10) ?? "", computedAt: s.text(11) ?? "")
        }
    }
}

extension IndicatorStore {
    /// The level `indicator`'s rows were stored with in the scope, or nil
    /// when none is stored.
    func storedLevel(hubID: Int64?, indicator: String) throws(IHubError) -> String? {
        let s = try db.statement("SELECT level FROM indicator_snapshots WHERE \(Self.scope) AND indicator = ? ORDER BY id LIMIT 1")
        try s.bind([SQLValue(hubID), SQLValue(hubID), .text(indicator)])
        defer { s.reset() }
        return try s.step() ? s.text(0) : nil
    }
}
