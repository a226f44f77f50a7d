/// Built-in indicators: risks.
enum RiskIndicators {
    static let all: [IndicatorDefinition] = [inactiveMentorships, stalledInstances, dropouts, overduePlans]

    static let inactiveDays = Field.optional("days", .integer, "days without an activity that make a mentorship inactive (default 30)")

    /// Days from the date `text` to `day` (0 when the text is not a date).
    static func days(since text: String, to day: CalendarDate) -> Int {
        CalendarDate(text).map { $0.days(to: day) } ?? 0
    }

    static let inactiveMentorships = IndicatorDefinition("risk.inactive_mentorships", """
        Mentorships active as of the window's last day (or today) whose last activity (listed, dated on or before \
        it) is at least `days` days before it, or which had none and started at least `days` days before it; value: \
        the days since the last activity (or the start); detail: last_activity (null if none), level, and the \
        mentor's and mentee's codes.
        """, level: .mentorship, type: .days, options: [inactiveDays]) { c throws(IHubError) in
        let limit = try ProcessIndicators.dayOption(c, of: "risk.inactive_mentorships", default: 30)
        let last = try c.db.analytics.lastListedActivity(hubID: c.hubID, until: c.asOf)
        return try c.db.analytics.mentorships(hubID: c.hubID, asOf: c.asOf).compactMap { m in
            let idle = days(since: last[m.id] ?? m.start, to: c.asOf)
            guard idle >= limit else { return nil }
            let side = m.level == "school" ? "school" : "person"
            return IndicatorRow(subjectID: m.id, value: Double(idle), detail: [
                .init("last_activity", JSON(last[m.id])), .init("level", .string(m.level)),
                .init("mentor_" + side, JSON(m.mentor)), .init("mentee_" + side, JSON(m.mentee)),
            ])
        }
    }

    static let stalledInstances = IndicatorDefinition("risk.stalled_instances", """
        The instances process.stalled counts, one row each (part "instance:<id>"): open as of the window's last day \
        (or today) with no move for at least `days` days (default 60); value: the days since the last move (or the \
        start); detail: instance, subject (school, team or mentorship), school or mentorship, step.
        """, level: .hub, type: .days, options: [ProcessIndicators.stalledDays]) { c throws(IHubError) in
        try ProcessIndicators.stalledStandings(c, of: "risk.stalled_instances").stalled.map { s in
            let x = s.instance
            let whose: JSON.Member = x.subject == "mentorship" ? .init("mentorship", JSON(x.mentorshipID)) : .init("school", JSON(x.school))
            return IndicatorRow(part: "instance:\(x.id)", value: Double(s.idle), detail: [
                .init("instance", .int(x.id)), .init("subject_kind", .string(x.subject)), whose, .init("step", JSON(s.last?.step)),
            ])
        }
    }

    /// Whether the membership that ended left its person with no other one:
    /// none of theirs runs on past its end or begins the day after (a move
    /// from school to school is not a dropout).
    static func leftEverySchool(_ leaving: AnalyticsStore.Leaving, _ db: Database) throws(IHubError) -> Bool {
        guard let end = CalendarDate(leaving.date) else { return false }
        let next = end.adding(days: 1).text
        return try !db.analytics.memberships(personID: leaving.personID).contains { m in
            m.id != leaving.membershipID && (m.start.map { $0 <= next } ?? true) && (m.end.map { $0 > leaving.date } ?? true)
        }
    }

    static let dropouts = IndicatorDefinition("risk.dropouts", """
        People who dropped out in the window: a teacher mentorship of theirs ended in it with a reason, or their \
        school membership ended in it and they had no other membership then (none running on, none beginning the \
        next day); value: the days since their last activity as of the window's last day (or today), null if they \
        had none; detail: reason, date (the first such event), and the mentorship or the school.
        """, level: .person, type: .days) { c throws(IHubError) in
        var first: [Int64: AnalyticsStore.Leaving] = [:]
        for l in try c.db.analytics.leavings(hubID: c.hubID, window: c.window) {
            if let seen = first[l.personID], (seen.date, seen.mentorshipID ?? 0) <= (l.date, l.mentorshipID ?? 0) { continue }
            if l.membershipID != nil, try !leftEverySchool(l, c.db) { continue }
            first[l.personID] = l
        }
        return try first.keys.sorted().map { id throws(IHubError) in
            let l = first[id]!
            let last = try c.db.analytics.lastActivity(personID: id, hubID: l.hubID, until: c.asOf)
            let whence: JSON.Member = l.mentorshipID.map { .init("mentorship", .int($0)) } ?? .init("school", JSON(l.school))
            return IndicatorRow(subjectID: id, value: last.map { Double(days(since: $0, to: c.asOf)) },
                                detail: [.init("reason", .string(l.reason)), .init("date", .string(l.date)), whence])
        }
    }

    static let overduePlans = IndicatorDefinition("risk.overdue_plans", """
        Draft or active plans (part "plan:<id>") with an open goal whose target date, or an open or in-progress \
        task whose due date, is before the window's last day (or today); value: the days overdue of the oldest; \
        detail: plan, title, school or person, goals_overdue, tasks_overdue.
        """, level: .hub, type: .days) { c throws(IHubError) in
        try c.db.analytics.overduePlans(hubID: c.hubID, asOf: c.asOf).map { p in
            let whose: JSON.Member = p.school.map { .init("school", .string($0)) } ?? .init("person", JSON(p.person))
            return IndicatorRow(part: "plan:\(p.id)", value: Double(days(since: p.oldest, to: c.asOf)), detail: [
                .init("plan", .int(p.id)), .init("title", .string(p.title)), whose,
                .init("goals_overdue", .int(p.goals)), .init("tasks_overdue", .int(p.tasks)),
            ])
        }
    }
}
