/// The queries of the process indicators: instances of a scope and their
/// moves, dated by the day of their timestamps.
extension AnalyticsStore {
    /// Per step: distinct instances of the scope with a move into it dated
    /// in the window, by step.
    func stepsReached(hubID: Int64?, window: Window) throws(IHubError) -> [(step: String, instances: Int64)] {
        let scope = Self.inScope("x.hub_id", hubID)
        return try db.statement("""
            SELECT t.to_step, count(DISTINCT t.instance_id) FROM process_transitions t JOIN process_instances x ON x.id = t.instance_id
            WHERE \(scope.sql) AND substr(t.moved_at, 1, 10) >= ? AND substr(t.moved_at, 1, 10) <= ?
            GROUP BY t.to_step ORDER BY t.to_step
            """).rows(scope.values + [.text(window.fromText), .text(window.toText)]) { s in (s.text(0) ?? "", s.int(1)) }
    }

    struct Move {
        let instanceID: Int64
        let step: String
        let cycle: Int64
        let date: String
    }

    /// Moves of the scope's instances dated on or before `until` (all when
    /// nil), by instance, then in the order they were made (time, then id).
    func moves(hubID: Int64?, until: CalendarDate?) throws(IHubError) -> [Move] {
        let scope = Self.inScope("x.hub_id", hubID)
        let until = SQLValue(until?.text)
        return try db.statement("""
            SELECT t.instance_id, t.to_step, t.cycle, substr(t.moved_at, 1, 10) FROM process_transitions t
            JOIN process_instances x ON x.id = t.instance_id
            WHERE \(scope.sql) AND (CAST(? AS TEXT) IS NULL OR substr(t.moved_at, 1, 10) <= ?)
            ORDER BY t.instance_id, t.moved_at, t.id
            """).rows(scope.values + [until, until]) { s in
            Move(instanceID: s.int(0), step: s.text(1) ?? "", cycle: s.int(2), date: s.text(3) ?? "")
        }
    }

    struct OpenInstance {
        let id: Int64
        let subject: String
        let school: String?
        let mentorshipID: Int64?
        let started: String
    }

    /// Instances of the scope open as of `day`: started on or before it and
    /// not closed by then, by id.
    func openInstances(hubID: Int64?, asOf day: CalendarDate) throws(IHubError) -> [OpenInstance] {
        let scope = Self.inScope("x.hub_id", hubID)
        return try db.statement("""
            SELECT x.id, x.subject, s.code, x.mentorship_id, substr(x.started_at, 1, 10) FROM process_instances x
            LEFT JOIN schools s ON s.id = x.school_id
            WHERE \(scope.sql) AND substr(x.started_at, 1, 10) <= ? AND (x.closed_at IS NULL OR substr(x.closed_at, 1, 10) > ?)
            ORDER BY x.id
            """).rows(scope.values + [.text(day.text), .text(day.text)]) { s in
            OpenInstance(id: s.int(0), subject: s.text(1) ?? "", school: s.text(2), mentorshipID: s.isNull(3) ? nil : s.int(3),
                         started: s.text(4) ?? "")
        }
    }
}
