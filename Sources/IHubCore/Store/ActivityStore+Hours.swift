/// Mentoring hours from the activity log: per person, school or mentorship,
/// each activity counted once per subject (see activity.hours).
extension ActivityStore {
    /// A member of a school on the activity `d`'s date: start and end inclusive, open ends open.
    private static let memberOnDate = "(ms.start_date IS NULL OR ms.start_date <= d.date) AND (ms.end_date IS NULL OR ms.end_date >= d.date)"

    /// The activities person `?` took part in: listed, or as mentor or
    /// mentee of a listed teacher mentorship (3 parameters, the person's id).
    static let personActivities = """
        SELECT activity_id FROM activity_participants WHERE person_id = ?
        UNION SELECT p.activity_id FROM activity_participants p JOIN mentorships m ON m.id = p.mentorship_id
            WHERE m.mentor_person_id = ? OR m.mentee_person_id = ?
        """

    /// The activities school `?` took part in: listed, as mentor or mentee
    /// school of a listed school mentorship, or through a person who took
    /// part (listed or through a teacher mentorship) and was a member of the
    /// school on the activity's date (5 parameters, the school's id).
    static let schoolActivities = """
        SELECT activity_id FROM activity_participants WHERE school_id = ?
        UNION SELECT p.activity_id FROM activity_participants p JOIN mentorships m ON m.id = p.mentorship_id
            WHERE m.mentor_school_id = ? OR m.mentee_school_id = ?
        UNION SELECT p.activity_id FROM memberships ms JOIN activity_participants p ON p.person_id = ms.person_id
            JOIN activities d ON d.id = p.activity_id WHERE ms.school_id = ? AND \(memberOnDate)
        UNION SELECT p.activity_id FROM memberships ms
            JOIN mentorships m ON m.mentor_person_id = ms.person_id OR m.mentee_person_id = ms.person_id
            JOIN activity_participants p ON p.mentorship_id = m.id
            JOIN activities d ON d.id = p.activity_id WHERE ms.school_id = ? AND \(memberOnDate)
        """

    /// (subject, activity, minutes) of the activities `cond` selects, one
    /// branch per way of taking part; UNION counts each pair once. Each
    /// branch repeats the condition's values.
    private static func pairs(_ by: HoursSubject, _ cond: String) -> (sql: String, branches: Int) {
        let from = "FROM activities a JOIN activity_participants p ON p.activity_id = a.id"
        let viaMentorship = from + " JOIN mentorships m ON m.id = p.mentorship_id"
        var branches: [String]
        switch by {
        case .person:
            branches = [
                "SELECT p.person_id AS subject, a.id AS activity_id, a.minutes AS minutes \(from) WHERE \(cond) AND p.person_id IS NOT NULL",
                "SELECT m.mentor_person_id, a.id, a.minutes \(viaMentorship) WHERE \(cond) AND m.mentor_person_id IS NOT NULL",
                "SELECT m.mentee_person_id, a.id, a.minutes \(viaMentorship) WHERE \(cond) AND m.mentee_person_id IS NOT NULL",
            ]
        case .school:
            let onDate = "(ms.start_date IS NULL OR ms.start_date <= a.date) AND (ms.end_date IS NULL OR ms.end_date >= a.date)"
            branches = [
                "SELECT p.school_id AS subject, a.id AS activity_id, a.minutes AS minutes \(from) WHERE \(cond) AND p.school_id IS NOT NULL",
                "SELECT m.mentor_school_id, a.id, a.minutes \(viaMentorship) WHERE \(cond) AND m.mentor_school_id IS NOT NULL",
                "SELECT m.mentee_school_id, a.id, a.minutes \(viaMentorship) WHERE \(cond) AND m.mentee_school_id IS NOT NULL",
                "SELECT ms.school_id, a.id, a.minutes \(from) JOIN memberships ms ON ms.person_id = p.person_id WHERE \(cond) AND \(onDate)",
                "SELECT ms.school_id, a.id, a.minutes \(viaMentorship) JOIN memberships ms ON ms.person_id = m.mentor_person_id WHERE \(cond) AND \(onDate)",
                "SELECT ms.school_id, a.id, a.minutes \(viaMentorship) JOIN memberships ms ON ms.person_id = m.mentee_person_id WHERE \(cond) AND \(onDate)",
            ]
        case .mentorship:
            branches = ["SELECT p.mentorship_id AS subject, a.id AS activity_id, a.minutes AS minutes \(from) WHERE \(cond) AND p.mentorship_id IS NOT NULL"]
        }
        return (branches.joined(separator: "\nUNION "), branches.count)
    }

    private static func pairs(_ by: HoursSubject, _ filter: ActivityFilter) -> (sql: String, values: [SQLValue]) {
        var f = filter
        f.includeVoided = false
        let (cond, values) = conditions(f)
        let (sql, branches) = pairs(by, cond)
        return (sql, Array([[SQLValue]](repeating: values, count: branches).joined()))
    }

    /// Hours per subject over the filter's activities (never voided ones):
    /// each activity counts once per subject. Ordered by minutes, most
    /// first, then by code (id for mentorships).
    func hours(by: HoursSubject, _ filter: ActivityFilter) throws(IHubError) -> [HoursRow] {
        let (pairs, values) = Self.pairs(by, filter)
        let named: (join: String, code: String, name: String)
        switch by {
        case .person: named = ("JOIN people n ON n.id = x.subject", "n.code", "n.name")
        case .school: named = ("JOIN schools n ON n.id = x.subject", "n.code", "n.name")
        case .mentorship:
            named = ("""
                JOIN mentorships n ON n.id = x.subject LEFT JOIN schools ms1 ON ms1.id = n.mentor_school_id
                LEFT JOIN schools ms2 ON ms2.id = n.mentee_school_id LEFT JOIN people mp1 ON mp1.id = n.mentor_person_id
                LEFT JOIN people mp2 ON mp2.id = n.mentee_person_id
                """, "CAST(NULL AS TEXT)",
                "COALESCE(ms1.code, mp1.code) || ' → ' || COALESCE(ms2.code, mp2.code)")
        }
        let sql = """
            SELECT x.subject, \(named.code), \(named.name), count(*), sum(x.minutes)
            FROM (\(pairs)) x \(named.join)
            GROUP BY x.subject, \(named.code), \(named.name)
            ORDER BY sum(x.minutes) DESC, \(by == .mentorship ? "x.subject" : "\(named.code), x.subject")
            """
        return try db.statement(sql).rows(values) { s in
            HoursRow(id: s.int(0), code: s.text(1), name: s.text(2) ?? "", activities: s.int(3), minutes: s.int(4))
        }
    }

    /// Activities the filter selects that count for at least one subject of
    /// `by`, and their minutes: the totals of `hours` (each activity once).
    func hoursTotals(by: HoursSubject, _ filter: ActivityFilter) throws(IHubError) -> (activities: Int64, minutes: Int64) {
        let (pairs, values) = Self.pairs(by, filter)
        let s = try db.statement("""
            SELECT count(*), COALESCE(sum(y.minutes), 0)
            FROM (SELECT x.activity_id, max(x.minutes) AS minutes FROM (\(pairs)) x GROUP BY x.activity_id) y
            """)
        try s.bind(values)
        defer { s.reset() }
        guard try s.step() else { return (0, 0) }
        return (s.int(0), s.int(1))
    }

    /// The schools' ids that `personID` was a member of on `date`.
    func schools(ofPerson personID: Int64, on date: String) throws(IHubError) -> [Int64] {
        try db.statement("""
            SELECT school_id FROM memberships WHERE person_id = ? AND (start_date IS NULL OR start_date <= ?)
            AND (end_date IS NULL OR end_date >= ?) ORDER BY school_id
            """).rows([.int(personID), .text(date), .text(date)]) { $0.int(0) }
    }
}

