/// The mentoring network's queries: its edges (mentorships of a window), the
/// rounds that order them, and the schools of people on a day.
extension AnalyticsStore {
    /// One mentorship as an edge mentor → mentee of the network of its level.
    struct NetworkEdgeRow: Sendable {
        let id: Int64
        let hubID: Int64
        let hub: String
        let roundID: Int64
        let mentorID: Int64
        let menteeID: Int64
        let mentorCode: String
        let mentorName: String
        let menteeCode: String
        let menteeName: String
        let start: String
        let end: String?
    }

    /// The mentorships of `level` ("teacher" or "school") in the scope that
    /// the window counts: started by its last day and, when the window has
    /// a first day, not ended before it. By id.
    func networkEdges(hubID: Int64?, level: String, window: Window) throws(IHubError) -> [NetworkEdgeRow] {
        let (mentor, mentee, table) = level == "school"
            ? ("mentor_school_id", "mentee_school_id", "schools") : ("mentor_person_id", "mentee_person_id", "people")
        let from: String? = window.from?.text
        return try db.statement("""
            SELECT m.id, m.hub_id, h.code, m.round_id, m.\(mentor), m.\(mentee), a.code, a.name, b.code, b.name,
                   m.start_date, m.end_date
            FROM mentorships m JOIN hubs h ON h.id = m.hub_id
              JOIN \(table) a ON a.id = m.\(mentor) JOIN \(table) b ON b.id = m.\(mentee)
            WHERE (CAST(? AS BIGINT) IS NULL OR m.hub_id = ?) AND m.level = ? AND m.start_date <= ?
              AND (CAST(? AS TEXT) IS NULL OR m.end_date IS NULL OR m.end_date >= ?)
            ORDER BY m.id
            """).rows([SQLValue(hubID), SQLValue(hubID), .text(level), .text(window.toText), SQLValue(from), SQLValue(from)]) { s in
            NetworkEdgeRow(id: s.int(0), hubID: s.int(1), hub: s.text(2) ?? "", roundID: s.int(3), mentorID: s.int(4),
                           menteeID: s.int(5), mentorCode: s.text(6) ?? "", mentorName: s.text(7) ?? "",
                           menteeCode: s.text(8) ?? "", menteeName: s.text(9) ?? "", start: s.text(10) ?? "",
                           end: s.isNull(11) ? nil : s.text(11))
        }
    }

    /// A round as the network orders them.
    struct NetworkRoundRow: Sendable {
        let id: Int64
        let code: String
        let name: String
        let start: String?
    }

    /// The rounds of the scope (every hub's when nil), and any other round
    /// of its mentorships, by id.
    func networkRounds(hubID: Int64?) throws(IHubError) -> [NetworkRoundRow] {
        try db.statement("""
            SELECT id, code, name, start_date FROM rounds
            WHERE CAST(? AS BIGINT) IS NULL OR hub_id = ? OR id IN (SELECT round_id FROM mentorships WHERE hub_id = ?)
            ORDER BY id
            """).rows([SQLValue(hubID), SQLValue(hubID), SQLValue(hubID)]) { s in
            NetworkRoundRow(id: s.int(0), code: s.text(1) ?? "", name: s.text(2) ?? "", start: s.isNull(3) ? nil : s.text(3))
        }
    }

    /// Per teacher mentorship of the window (by id): whether its mentor and
    /// its mentee were members of some school on its start day (start and
    /// end of a membership inclusive), and whether of a common one.
    func crossSchoolFacts(hubID: Int64?, window: Window) throws(IHubError) -> [(id: Int64, known: Bool, shared: Bool)] {
        let on = { (a: String) in "(\(a).start_date IS NULL OR \(a).start_date <= m.start_date) AND (\(a).end_date IS NULL OR \(a).end_date >= m.start_date)" }
        let from: String? = window.from?.text
        return try db.statement("""
            SELECT m.id,
              CASE WHEN EXISTS (SELECT 1 FROM memberships x WHERE x.person_id = m.mentor_person_id AND \(on("x")))
                    AND EXISTS (SELECT 1 FROM memberships y WHERE y.person_id = m.mentee_person_id AND \(on("y")))
                   THEN 1 ELSE 0 END,
              CASE WHEN EXISTS (SELECT 1 FROM memberships x JOIN memberships y ON y.school_id = x.school_id
                                WHERE x.person_id = m.mentor_person_id AND y.person_id = m.mentee_person_id
                                  AND \(on("x")) AND \(on("y")))
                   THEN 1 ELSE 0 END
            FROM mentorships m
            WHERE (CAST(? AS BIGINT) IS NULL OR m.hub_id = ?) AND m.level = 'teacher' AND m.start_date <= ?
              AND (CAST(? AS TEXT) IS NULL OR m.end_date IS NULL OR m.end_date >= ?)
            ORDER BY m.id
            """).rows([SQLValue(hubID), SQLValue(hubID), .text(window.toText), SQLValue(from), SQLValue(from)]) { s in
            (s.int(0), s.int(1) == 1, s.int(2) == 1)
        }
    }

    /// The school of each of `people` on `day`: a membership that covers the
    /// day (the latest started), else the one that ended last; none without
    /// memberships.
    func schoolOfPeople(_ people: Set<Int64>, hubID: Int64?, on day: String) throws(IHubError) -> [Int64: String] {
        guard !people.isEmpty else { return [:] }
        var best: [Int64: (covers: Int, key: String, id: Int64, code: String)] = [:]
        // The memberships of everyone in a teacher mentorship of the scope, read once.
        let s = try db.statement("""
            SELECT ms.person_id, ms.id, ms.start_date, ms.end_date, s.code FROM memberships ms JOIN schools s ON s.id = ms.school_id
            WHERE ms.person_id IN (SELECT mentor_person_id FROM mentorships WHERE level = 'teacher' AND (CAST(? AS BIGINT) IS NULL OR hub_id = ?)
                                   UNION SELECT mentee_person_id FROM mentorships WHERE level = 'teacher' AND (CAST(? AS BIGINT) IS NULL OR hub_id = ?))
            ORDER BY ms.person_id, ms.id
            """)
        try s.bind(Array(repeating: SQLValue(hubID), count: 4))
        defer { s.reset() }
        while try s.step() {
            let person = s.int(0)
            guard people.contains(person) else { continue }
            let start = s.isNull(2) ? "" : s.text(2) ?? "", end = s.isNull(3) ? nil : s.text(3)
            let covers = start <= day && (end.map { $0 >= day } ?? true)
            // Covering beats ended; among covering the latest start, among ended the latest end; then the newer row.
            let candidate = (covers: covers ? 1 : 0, key: covers ? start : end ?? "", id: s.int(1), code: s.text(4) ?? "")
            if let b = best[person], (b.covers, b.key, b.id) > (candidate.covers, candidate.key, candidate.id) { continue }
            best[person] = candidate
        }
        return best.mapValues(\.code)
    }
}
