/// The queries of insights (insights) and what people said of them
/// (insight_feedback). Analytics/InsightMethods calls these and holds no SQL.
struct InsightStore {
    let db: Database
}

extension Database {
    var insights: InsightStore { InsightStore(db: self) }
}

/// A stored insight, its subject named where it has a code.
struct InsightRow: Sendable {
    let id: Int64
    let hub: String
    let key: String
    let rule: String
    let source: String
    let role: String
    let severity: String
    let level: String
    let subjectID: Int64?
    /// The person's or school's code and name (nil for other levels).
    let subjectCode: String?
    let subjectName: String?
    let indicator: String?
    let value: Double?
    let windowKind: String
    let windowFrom: String
    let windowTo: String
    let title: String
    let reason: String
    let action: String
    let status: String
    let createdAt: String
}

struct InsightFeedbackRow: Sendable {
    let insightID: Int64
    let action: String
    let person: String?
    let at: String
    let note: String?
}

/// Which insights a list selects (nil: any).
struct InsightFilter {
    var hubID: Int64
    var role: String?
    var status: String?
    var severity: String?
    var window: (kind: String, from: String, to: String)?
}

extension InsightStore {
    private static let select = """
        SELECT i.id, h.code, i.key, i.rule, i.source, i.role, i.severity, i.level, i.subject_id,
               COALESCE(p.code, s.code), COALESCE(p.name, s.name), i.indicator, i.value, i.window_kind, i.window_from,
               i.window_to, i.title, i.reason, i.action, i.status, i.created_at
        FROM insights i JOIN hubs h ON h.id = i.hub_id
        LEFT JOIN people p ON i.level = 'person' AND p.id = i.subject_id
        LEFT JOIN schools s ON i.level = 'school' AND s.id = i.subject_id
        """

    /// Most severe first, then oldest first.
    private static let order = " ORDER BY CASE i.severity WHEN 'alert' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, i.id"

    private static func row(_ s: any Statement) -> InsightRow {
        InsightRow(id: s.int(0), hub: s.text(1) ?? "", key: s.text(2) ?? "", rule: s.text(3) ?? "", source: s.text(4) ?? "",
                   role: s.text(5) ?? "", severity: s.text(6) ?? "", level: s.text(7) ?? "", subjectID: s.isNull(8) ? nil : s.int(8),
                   subjectCode: s.text(9), subjectName: s.text(10), indicator: s.text(11), value: s.isNull(12) ? nil : s.double(12),
                   windowKind: s.text(13) ?? "", windowFrom: s.text(14) ?? "", windowTo: s.text(15) ?? "", title: s.text(16) ?? "",
                   reason: s.text(17) ?? "", action: s.text(18) ?? "", status: s.text(19) ?? "", createdAt: s.text(20) ?? "")
    }

    func get(id: Int64) throws(IHubError) -> InsightRow? {
        try db.statement(Self.select + " WHERE i.id = ?").rows([.int(id)], Self.row).first
    }

    func get(hubID: Int64, key: String) throws(IHubError) -> InsightRow? {
        try db.statement(Self.select + " WHERE i.hub_id = ? AND i.key = ?").rows([.int(hubID), .text(key)], Self.row).first
    }

    private static let filterSQL = """
         WHERE i.hub_id = ? AND (CAST(? AS TEXT) IS NULL OR i.role = ?) AND (CAST(? AS TEXT) IS NULL OR i.status = ?)
         AND (CAST(? AS TEXT) IS NULL OR i.severity = ?)
         AND (CAST(? AS TEXT) IS NULL OR (i.window_kind = ? AND i.window_from = ? AND i.window_to = ?))
        """

    private static func values(_ f: InsightFilter) -> [SQLValue] {
        [.int(f.hubID), SQLValue(f.role), SQLValue(f.role), SQLValue(f.status), SQLValue(f.status),
         SQLValue(f.severity), SQLValue(f.severity), SQLValue(f.window?.kind), SQLValue(f.window?.kind),
         SQLValue(f.window?.from), SQLValue(f.window?.to)]
    }

    func list(_ filter: InsightFilter) throws(IHubError) -> [InsightRow] {
        try db.statement(Self.select + Self.filterSQL + Self.order).rows(Self.values(filter), Self.row)
    }

    /// The feedback on the insights `filter` selects, by insight, oldest first.
    func feedback(_ filter: InsightFilter) throws(IHubError) -> [Int64: [InsightFeedbackRow]] {
        let s = try db.statement("""
            SELECT f.insight_id, f.action, p.code, f.at, f.note
            FROM insight_feedback f JOIN insights i ON i.id = f.insight_id LEFT JOIN people p ON p.id = f.person_id
            """ + Self.filterSQL + " ORDER BY f.insight_id, f.id")
        var out: [Int64: [InsightFeedbackRow]] = [:]
        for r in try s.rows(Self.values(filter), Self.feedbackRow) { out[r.insightID, default: []].append(r) }
        return out
    }

    func feedback(insightID: Int64) throws(IHubError) -> [InsightFeedbackRow] {
        try db.statement("""
            SELECT f.insight_id, f.action, p.code, f.at, f.note
            FROM insight_feedback f LEFT JOIN people p ON p.id = f.person_id WHERE f.insight_id = ? ORDER BY f.id
            """).rows([.int(insightID)], Self.feedbackRow)
    }

    private static func feedbackRow(_ s: any Statement) -> InsightFeedbackRow {
        InsightFeedbackRow(insightID: s.int(0), action: s.text(1) ?? "", person: s.text(2), at: s.text(3) ?? "", note: s.text(4))
    }
}

// MARK: writes

extension InsightStore {
    /// Stores the insight unless its key is stored (then nothing changes:
    /// status and feedback stay). True when it was new.
    func raise(hubID: Int64, _ d: InsightDraft, key: String, window: Window) throws(IHubError) -> Bool {
        try db.statement("""
            INSERT INTO insights(hub_id, key, rule, source, role, severity, level, subject_id, indicator, value,
                                 window_kind, window_from, window_to, title, reason, action, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (hub_id, key) DO NOTHING
            """).run([.int(hubID), .text(key), .text(d.rule), .text(d.source), .text(d.role.rawValue), .text(d.severity.rawValue),
                      .text(d.level), SQLValue(d.subjectID), SQLValue(d.indicator), SQLValue(d.value),
                      .text(window.kind.rawValue), .text(window.fromText), .text(window.toText), .text(d.title),
                      .text(d.reason), .text(d.action), .text(Timestamp.now())])
        return db.changes > 0
    }

    /// Moves the insight to `status` when it is in one of `from`, and keeps
    /// what was said; false (nothing written) when its status is another.
    func transition(id: Int64, from: [String], to status: String, action: String, personID: Int64?,
                    note: String?) throws(IHubError) -> Bool {
        let marks = from.map { _ in "?" }.joined(separator: ", ")
        try db.statement("UPDATE insights SET status = ? WHERE id = ? AND status IN (\(marks))")
            .run([.text(status), .int(id)] + from.map { .text($0) })
        guard db.changes > 0 else { return false }
        try db.statement("INSERT INTO insight_feedback(insight_id, action, person_id, at, note) VALUES (?, ?, ?, ?, ?)")
            .run([.int(id), .text(action), SQLValue(personID), .text(Timestamp.now()), SQLValue(note)])
        return true
    }
}

// MARK: subjects

extension InsightStore {
    /// Whether the mentorship, process instance or plan `id` is of the hub.
    func belongs(level: String, id: Int64, hubID: Int64) throws(IHubError) -> Bool {
        let table: String
        switch level {
        case "mentorship": table = "mentorships"
        case "instance": table = "process_instances"
        case "plan": table = "action_plans"
        default: return false
        }
        return try db.scalarInt("SELECT id FROM \(table) WHERE id = ? AND hub_id = ?", [.int(id), .int(hubID)]) != nil
    }
}
