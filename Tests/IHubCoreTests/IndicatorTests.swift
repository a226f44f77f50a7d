import Testing
@testable import IHubCore

/// The built-in indicators' day arithmetic, on both engines: a
/// mentorship's overlap with a window and today, and what makes a dropout
/// (a move from school to school is none). Mentorship dates are set by SQL:
/// pairing dates them today.
@Suite struct IndicatorTests {
    /// Hub EE-ACC (schools S1, S2): T1 leaves S1 on 2026-05-31 and joins S2
    /// the next day; T2 leaves S1 on 2026-05-31 for good. Mentorship #1,
    /// S2 ← S1 from 2026-05-10, ended 2026-06-20 (two sessions in June).
    private func hub() throws -> Engine {
        let e = try engineWithHub()
        _ = try e.call("person.add", ["hub": "EE-ACC", "code": "T1", "name": "Mover", "memberships": [
            ["school": "S1", "start": "2026-01-01", "end": "2026-05-31"], ["school": "S2", "start": "2026-06-01"]]])
        _ = try e.call("person.add", ["hub": "EE-ACC", "code": "T2", "name": "Leaver", "memberships": [
            ["school": "S1", "start": "2026-01-01", "end": "2026-05-31"]]])
        _ = try e.call("round.add", ["hub": "EE-ACC", "code": "R1", "name": "round 1"])
        try e.db.execute("""
            INSERT INTO mentorships(hub_id, round_id, level, mentor_school_id, mentee_school_id, start_date, end_date, end_reason)
            VALUES (1, 1, 'school', 1, 2, '2026-05-10', '2026-06-20', 'done')
            """)
        for date in ["2026-06-02", "2026-06-16"] {
            _ = try e.call("activity.log", ["hub": "EE-ACC", "kind": "session", "date": .string(date), "minutes": 60,
                                            "participants": [["mentorship": 1]]])
        }
        return e
    }

    private func rows(_ e: Engine, _ name: String, _ window: String) throws -> [JSON] {
        let r = try e.call("indicator.compute", ["hub": "EE-ACC", "window": .string(window), "names": [.string(name)]])
        return r["indicators"]?.array?.first?["rows"]?.array ?? []
    }

    @Test func sessionsPerMonthCountTheDaysOfTheMentorshipInTheWindow() throws {
        let e = try hub()
        // June: 06-01..06-20, 20 days; May: 05-10..05-31, 22 days, no session.
        let june = try rows(e, "participation.sessions_per_month", "2026-06")
        #expect(june.count == 1 && june[0]["sessions"] == 2 && june[0]["months"] == 0.66)
        #expect(abs((june[0]["value"]?.double ?? 0) - 2 / (20 / 30.4375)) < 1e-12)
        let may = try rows(e, "participation.sessions_per_month", "2026-05")
        #expect(may.count == 1 && may[0]["value"] == 0.0 && may[0]["months"] == 0.72)
        #expect(try rows(e, "participation.sessions_per_month", "2026-07").isEmpty)
    }

    @Test func aMoveIsNoDropoutButLeavingIs() throws {
        let e = try hub()
        let may = try rows(e, "risk.dropouts", "2026-05")
        #expect(may.map { $0["subject"] } == ["T2"] && may[0]["reason"] == "left the school" && may[0]["school"] == "S1")
        #expect(may[0]["value"] == .null)  // no activity of T2's
    }
}
