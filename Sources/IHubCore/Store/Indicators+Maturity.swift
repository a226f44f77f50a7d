/// The queries of the maturity indicators and of impact.estimate: which
/// rounds have assessment data, who was mentored between two rounds, and the
/// starting classes.
extension AnalyticsStore {
    /// A round with assessment data (responses or area reports) of one instrument.
    struct AssessedRound {
        let code: String
        let start: String
        let instrumentID: Int64
    }

    /// Rounds of the hub (nil: every hub) that start on or before `upTo` and
    /// have assessment data, latest first (by start date, then id), one row
    /// per instrument with data in the round.
    func assessedRounds(hubID: Int64?, upTo: String) throws(IHubError) -> [AssessedRound] {
        try db.statement("""
            SELECT r.code, r.start_date, x.instrument_id FROM rounds r
            JOIN (SELECT round_id, instrument_id FROM responses UNION SELECT round_id, instrument_id FROM area_results) x
                ON x.round_id = r.id
            WHERE (CAST(? AS BIGINT) IS NULL OR r.hub_id = ?) AND r.start_date IS NOT NULL AND r.start_date <= ?
            ORDER BY r.start_date DESC, r.id DESC, x.instrument_id
            """).rows([SQLValue(hubID), SQLValue(hubID), .text(upTo)]) { s in
            AssessedRound(code: s.text(0) ?? "", start: s.text(1) ?? "", instrumentID: s.int(2))
        }
    }

    /// Mentees and mentors (schools or people, by `level`) of the hub's
    /// mentorships of that level active at some time from `from` to `to`
    /// (both inclusive).
    func mentoringSides(hubID: Int64, level: Instrument.Subject, from: String, to: String) throws(IHubError) -> (mentees: Set<Int64>, mentors: Set<Int64>) {
        let (mentee, mentor) = level == .school ? ("mentee_school_id", "mentor_school_id") : ("mentee_person_id", "mentor_person_id")
        var mentees = Set<Int64>(), mentors = Set<Int64>()
        let s = try db.statement("""
            SELECT \(mentee), \(mentor) FROM mentorships
            WHERE hub_id = ? AND level = ? AND start_date <= ? AND (end_date IS NULL OR end_date >= ?) ORDER BY id
            """)
        try s.bind([.int(hubID), .text(level == .school ? "school" : "teacher"), .text(to), .text(from)])
        while try s.step() {
            mentees.insert(s.int(0))
            mentors.insert(s.int(1))
        }
        return (mentees, mentors)
    }

    /// The class of each school or teacher (by `level`) in a round, by id.
    func classes(roundID: Int64, level: Instrument.Subject) throws(IHubError) -> [Int64: String] {
        let column = level == .school ? "school_id" : "person_id"
        var out: [Int64: String] = [:]
        let s = try db.statement("SELECT \(column), class FROM classifications WHERE round_id = ? AND \(column) IS NOT NULL ORDER BY id")
        try s.bind([.int(roundID)])
        while try s.step() { out[s.int(0)] = s.text(1) ?? "" }
        return out
    }
}
