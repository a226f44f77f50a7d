/// The queries of the risk indicators: mentorships' last activities,
/// dropouts and overdue plans.
extension AnalyticsStore {
    /// Mentorships of the scope active as of `day` (started on or before
    /// it, not ended before or on it), by id.
    func mentorships(hubID: Int64?, asOf day: CalendarDate) throws(IHubError) -> [MentorshipSpan] {
        let scope = Self.inScope("m.hub_id", hubID)
        return try db.statement("""
            SELECT m.id, m.level, m.start_date, m.end_date, COALESCE(ts.code, tp.code), COALESCE(es.code, ep.code)
            FROM mentorships m LEFT JOIN schools ts ON ts.id = m.mentor_school_id LEFT JOIN schools es ON es.id = m.mentee_school_id
              LEFT JOIN people tp ON tp.id = m.mentor_person_id LEFT JOIN people ep ON ep.id = m.mentee_person_id
            WHERE \(scope.sql) AND m.start_date <= ? AND (m.end_date IS NULL OR m.end_date > ?) ORDER BY m.id
            """).rows(scope.values + [.text(day.text), .text(day.text)]) { s in
            MentorshipSpan(id: s.int(0), level: s.text(1) ?? "", start: s.text(2) ?? "", end: s.isNull(3) ? nil : s.text(3),
                           mentor: s.text(4), mentee: s.text(5))
        }
    }

    /// Per mentorship of the scope: the date of the last not voided
    /// activity listing it, dated on or before `day`.
    func lastListedActivity(hubID: Int64?, until day: CalendarDate) throws(IHubError) -> [Int64: String] {
        let scope = Self.inScope("a.hub_id", hubID)
        var out: [Int64: String] = [:]
        let rows = try db.statement("""
            SELECT p.mentorship_id, max(a.date) FROM activities a JOIN activity_participants p ON p.activity_id = a.id
            WHERE p.mentorship_id IS NOT NULL AND a.voided_at IS NULL AND \(scope.sql) AND a.date <= ?
            GROUP BY p.mentorship_id ORDER BY p.mentorship_id
            """).rows(scope.values + [.text(day.text)]) { s in (s.int(0), s.text(1) ?? "") }
        for (id, date) in rows { out[id] = date }
        return out
    }

    /// The date of the last activity person `personID` took part in
    /// (activity.hours' rule; not voided) in hub `hubID`, dated on or before `day`.
    /// Reads the person's activities first (CROSS JOIN keeps SQLite from
    /// walking the hub's whole log by date instead).
    func lastActivity(personID: Int64, hubID: Int64, until day: CalendarDate) throws(IHubError) -> String? {
        let person = SQLValue.int(personID)
        return try db.scalarText("""
            SELECT max(a.date) FROM (\(ActivityStore.personActivities)) x CROSS JOIN activities a
            WHERE a.id = x.activity_id AND a.hub_id = ? AND a.voided_at IS NULL AND a.date <= ?
            """, [person, person, person, .int(hubID), .text(day.text)])
    }

    /// A way a person left: a teacher mentorship of theirs that ended with
    /// a reason, or the end of a school membership.
    struct Leaving {
        let personID: Int64
        let hubID: Int64
        let date: String
        let reason: String
        let mentorshipID: Int64?
        let school: String?
        let membershipID: Int64?
    }

    /// Teacher mentorships of the scope that ended in the window with a
    /// reason (a row for the mentor and one for the mentee), then school
    /// memberships of the scope's people that ended in the window.
    func leavings(hubID: Int64?, window: Window) throws(IHubError) -> [Leaving] {
        let m = Self.inScope("m.hub_id", hubID), p = Self.inScope("p.hub_id", hubID)
        let w: [SQLValue] = [.text(window.fromText), .text(window.toText)]
        let ended = try db.statement("""
            SELECT x.person_id, m.hub_id, m.end_date, m.end_reason, m.id FROM mentorships m
            JOIN (SELECT id, mentor_person_id AS person_id FROM mentorships UNION SELECT id, mentee_person_id FROM mentorships) x
              ON x.id = m.id
            WHERE m.level = 'teacher' AND m.end_reason IS NOT NULL AND \(m.sql) AND m.end_date >= ? AND m.end_date <= ?
            ORDER BY x.person_id, m.end_date, m.id
            """).rows(m.values + w) { s in
            Leaving(personID: s.int(0), hubID: s.int(1), date: s.text(2) ?? "", reason: s.text(3) ?? "", mentorshipID: s.int(4),
                    school: nil, membershipID: nil)
        }
        let left = try db.statement("""
            SELECT p.id, p.hub_id, ms.end_date, s.code, ms.id FROM memberships ms JOIN people p ON p.id = ms.person_id
            JOIN schools s ON s.id = ms.school_id
            WHERE \(p.sql) AND ms.end_date >= ? AND ms.end_date <= ? ORDER BY p.id, ms.end_date, ms.id
            """).rows(p.values + w) { s in
            Leaving(personID: s.int(0), hubID: s.int(1), date: s.text(2) ?? "", reason: "left the school", mentorshipID: nil,
                    school: s.text(3), membershipID: s.int(4))
        }
        return ended + left
    }

    /// The memberships of person `personID`: id, start and end (nil: open).
    func memberships(personID: Int64) throws(IHubError) -> [(id: Int64, start: String?, end: String?)] {
        try db.statement("SELECT id, start_date, end_date FROM memberships WHERE person_id = ? ORDER BY id")
            .rows([.int(personID)]) { s in (s.int(0), s.isNull(1) ? nil : s.text(1), s.isNull(2) ? nil : s.text(2)) }
    }

    /// A draft or active plan with its goals and tasks past their dates.
    struct OverduePlan {
        let id: Int64
        let title: String
        let school: String?
        let person: String?
        let goals: Int64
        let tasks: Int64
        /// The oldest date passed.
        let oldest: String
    }

    /// Draft or active plans of the scope with an open goal whose target
    /// date, or an open or in-progress task whose due date, is before `day`; by id.
    func overduePlans(hubID: Int64?, asOf day: CalendarDate) throws(IHubError) -> [OverduePlan] {
        let scope = Self.inScope("p.hub_id", hubID)
        let d = SQLValue.text(day.text)
        let goal = "FROM plan_goals g WHERE g.plan_id = p.id AND g.status = 'open' AND g.target_date < ?"
        let task = """
            FROM plan_tasks t JOIN plan_goals g ON g.id = t.goal_id
            WHERE g.plan_id = p.id AND (t.status = 'open' OR t.status = 'in_progress') AND t.due_date < ?
            """
        let rows = try db.statement("""
            SELECT p.id, p.title, s.code, pe.code, (SELECT count(*) \(goal)), (SELECT min(g.target_date) \(goal)),
                   (SELECT count(*) \(task)), (SELECT min(t.due_date) \(task))
            FROM action_plans p LEFT JOIN schools s ON s.id = p.school_id LEFT JOIN people pe ON pe.id = p.person_id
            WHERE \(scope.sql) AND (p.status = 'draft' OR p.status = 'active') ORDER BY p.id
            """).rows([d, d, d, d] + scope.values) { s in
            (s.int(0), s.text(1) ?? "", s.text(2), s.text(3), s.int(4), s.text(5), s.int(6), s.text(7))
        }
        return rows.compactMap { r in
            guard let oldest = [r.5, r.7].compactMap({ $0 }).min() else { return nil }
            return OverduePlan(id: r.0, title: r.1, school: r.2, person: r.3, goals: r.4, tasks: r.6, oldest: oldest)
        }
    }
}
