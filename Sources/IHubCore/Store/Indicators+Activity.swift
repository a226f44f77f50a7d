/// The queries of the reach, participation and engagement indicators. A
/// scope is a hub's id or nil for every hub; a window's open start is ""
/// (every date compares above it). Who "took part" is activity.hours' rule:
/// these queries ask `ActivityStore` rather than repeat its SQL.
extension AnalyticsStore {
    /// `(CAST(? AS BIGINT) IS NULL OR <column> = ?)` and its two values.
    static func inScope(_ column: String, _ hubID: Int64?) -> (sql: String, values: [SQLValue]) {
        ("(CAST(? AS BIGINT) IS NULL OR \(column) = ?)", [SQLValue(hubID), SQLValue(hubID)])
    }

    /// The hubs of the scope, by id.
    func hubIDs(_ hubID: Int64?) throws(IHubError) -> [Int64] {
        let scope = Self.inScope("id", hubID)
        return try db.statement("SELECT id FROM hubs WHERE \(scope.sql) ORDER BY id").rows(scope.values) { $0.int(0) }
    }

    /// The sum of the hubs' targets (`target_schools` or `target_teachers`);
    /// nil when no hub of the scope has one.
    func target(_ column: String, hubID: Int64?) throws(IHubError) -> Int64? {
        let scope = Self.inScope("id", hubID)
        return try db.scalarInt("SELECT SUM(\(column)) FROM hubs WHERE \(scope.sql)", scope.values)
    }

    /// Hours per subject in the window over every hub of the scope (each
    /// hub's activities counted as activity.hours counts them).
    func hours(by: HoursSubject, hubID: Int64?, window: Window) throws(IHubError) -> [Int64: (activities: Int64, minutes: Int64)] {
        var out: [Int64: (activities: Int64, minutes: Int64)] = [:]
        for hub in try hubIDs(hubID) {
            let filter = ActivityFilter(hubID: hub, from: window.from?.text, to: window.toText)
            for r in try db.activities.hours(by: by, filter) {
                let was = out[r.id] ?? (0, 0)
                out[r.id] = (was.activities + r.activities, was.minutes + r.minutes)
            }
        }
        return out
    }

    /// Ids of the scope's schools, or of its people (`table`).
    func ids(_ table: String, hubID: Int64?) throws(IHubError) -> Set<Int64> {
        let scope = Self.inScope("hub_id", hubID)
        return Set(try db.statement("SELECT id FROM \(table) WHERE \(scope.sql) ORDER BY id").rows(scope.values) { $0.int(0) })
    }

    /// A mentorship `m` active in the window (2 values: to, from).
    static let activeInWindow = "m.start_date <= ? AND (m.end_date IS NULL OR m.end_date >= ?)"
    /// A membership `ms` overlapping the window (2 values: to, from).
    static let memberInWindow = "(ms.start_date IS NULL OR ms.start_date <= ?) AND (ms.end_date IS NULL OR ms.end_date >= ?)"

    /// Schools of the scope that are mentor or mentee school of a school
    /// mentorship active in the window, or had a member (membership
    /// overlapping the window) who is mentor or mentee of a teacher
    /// mentorship active in the window.
    func schoolsInMentorships(hubID: Int64?, window: Window) throws(IHubError) -> Set<Int64> {
        let scope = Self.inScope("m.hub_id", hubID)
        let w: [SQLValue] = [.text(window.toText), .text(window.fromText)]
        let sql = """
            SELECT m.mentor_school_id FROM mentorships m WHERE m.level = 'school' AND \(scope.sql) AND \(Self.activeInWindow)
            UNION SELECT m.mentee_school_id FROM mentorships m WHERE m.level = 'school' AND \(scope.sql) AND \(Self.activeInWindow)
            UNION SELECT ms.school_id FROM mentorships m
                JOIN memberships ms ON ms.person_id = m.mentor_person_id OR ms.person_id = m.mentee_person_id
                WHERE m.level = 'teacher' AND \(scope.sql) AND \(Self.activeInWindow) AND \(Self.memberInWindow)
            """
        let values = scope.values + w + scope.values + w + scope.values + w + w
        return Set(try db.statement(sql).rows(values) { $0.int(0) })
    }

    /// People of the scope with a school membership overlapping the window.
    func members(hubID: Int64?, window: Window) throws(IHubError) -> Set<Int64> {
        let scope = Self.inScope("p.hub_id", hubID)
        return Set(try db.statement("""
            SELECT DISTINCT p.id FROM people p JOIN memberships ms ON ms.person_id = p.id
            WHERE \(scope.sql) AND \(Self.memberInWindow)
            """).rows(scope.values + [.text(window.toText), .text(window.fromText)]) { $0.int(0) })
    }

    /// Mentors and mentees of the scope's teacher mentorships active in the window.
    func peopleInMentorships(hubID: Int64?, window: Window) throws(IHubError) -> Set<Int64> {
        let scope = Self.inScope("m.hub_id", hubID)
        let w: [SQLValue] = [.text(window.toText), .text(window.fromText)]
        return Set(try db.statement("""
            SELECT m.mentor_person_id FROM mentorships m WHERE m.level = 'teacher' AND \(scope.sql) AND \(Self.activeInWindow)
            UNION SELECT m.mentee_person_id FROM mentorships m WHERE m.level = 'teacher' AND \(scope.sql) AND \(Self.activeInWindow)
            """).rows(scope.values + w + scope.values + w) { $0.int(0) })
    }

    /// Not voided activities `a` of the scope dated in the window (4 values).
    static func activityInWindow(_ hubID: Int64?, _ window: Window) -> (sql: String, values: [SQLValue]) {
        let scope = inScope("a.hub_id", hubID)
        return ("a.voided_at IS NULL AND \(scope.sql) AND a.date >= ? AND a.date <= ?",
                scope.values + [.text(window.fromText), .text(window.toText)])
    }

    /// Activities of the scope in the window per kind, with their minutes, by kind.
    func activitiesByKind(hubID: Int64?, window: Window) throws(IHubError) -> [(kind: String, count: Int64, minutes: Int64)] {
        let a = Self.activityInWindow(hubID, window)
        return try db.statement("""
            SELECT a.kind, count(*), COALESCE(sum(a.minutes), 0) FROM activities a WHERE \(a.sql) GROUP BY a.kind ORDER BY a.kind
            """).rows(a.values) { s in (s.text(0) ?? "", s.int(1), s.int(2)) }
    }

    /// A mentorship of the scope as the participation and risk indicators read it.
    struct MentorshipSpan {
        let id: Int64
        let level: String
        let start: String
        let end: String?
        let mentor: String?
        let mentee: String?
    }

    /// Mentorships of the scope active in the window, by id, with their
    /// mentor's and mentee's codes.
    func mentorships(hubID: Int64?, window: Window) throws(IHubError) -> [MentorshipSpan] {
        let scope = Self.inScope("m.hub_id", hubID)
        return try db.statement("""
            SELECT m.id, m.level, m.start_date, m.end_date, COALESCE(ts.code, tp.code), COALESCE(es.code, ep.code)
            FROM mentorships m LEFT JOIN schools ts ON ts.id = m.mentor_school_id LEFT JOIN schools es ON es.id = m.mentee_school_id
              LEFT JOIN people tp ON tp.id = m.mentor_person_id LEFT JOIN people ep ON ep.id = m.mentee_person_id
            WHERE \(scope.sql) AND \(Self.activeInWindow) ORDER BY m.id
            """).rows(scope.values + [.text(window.toText), .text(window.fromText)]) { s in
            MentorshipSpan(id: s.int(0), level: s.text(1) ?? "", start: s.text(2) ?? "", end: s.isNull(3) ? nil : s.text(3),
                           mentor: s.text(4), mentee: s.text(5))
        }
    }

    /// Per mentorship listed in a not voided activity of the scope in the
    /// window: how many such activities (of `kind` only, when given).
    func listedActivities(hubID: Int64?, window: Window, kind: ActivityKind? = nil) throws(IHubError) -> [Int64: Int64] {
        let a = Self.activityInWindow(hubID, window)
        var out: [Int64: Int64] = [:]
        let s = try db.statement("""
            SELECT p.mentorship_id, count(DISTINCT a.id) FROM activities a JOIN activity_participants p ON p.activity_id = a.id
            WHERE p.mentorship_id IS NOT NULL AND \(a.sql) AND (CAST(? AS TEXT) IS NULL OR a.kind = ?)
            GROUP BY p.mentorship_id ORDER BY p.mentorship_id
            """)
        let k = SQLValue(kind?.rawValue)
        for (id, n) in try s.rows(a.values + [k, k], { ($0.int(0), $0.int(1)) }) { out[id] = n }
        return out
    }

    /// Engagements of the scope's stakeholders dated in the window, per
    /// kind of stakeholder: how many, and how many stakeholders.
    func engagementsByKind(hubID: Int64?, window: Window) throws(IHubError) -> [(kind: String, count: Int64, stakeholders: Int64)] {
        let scope = Self.inScope("k.hub_id", hubID)
        return try db.statement("""
            SELECT k.kind, count(*), count(DISTINCT k.id) FROM engagements e JOIN stakeholders k ON k.id = e.stakeholder_id
            WHERE \(scope.sql) AND e.date >= ? AND e.date <= ? GROUP BY k.kind ORDER BY k.kind
            """).rows(scope.values + [.text(window.fromText), .text(window.toText)]) { s in (s.text(0) ?? "", s.int(1), s.int(2)) }
    }
}
