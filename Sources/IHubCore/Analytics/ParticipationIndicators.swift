/// Built-in indicators: participation and activity.
enum ParticipationIndicators {
    static let all: [IndicatorDefinition] = [activities, activeMentorships, sessionsPerMonth, personHours, schoolHours]

    /// Days in an average month (365.25 / 12).
    static let daysPerMonth = 30.4375

    static func round2(_ x: Double) -> Double { (x * 100).rounded() / 100 }

    static let activities = IndicatorDefinition("participation.activities", """
        Activities dated in the window, per kind (part; kinds without activities have no row); detail: their hours \
        (minutes / 60, two decimals). Voided activities never count.
        """, level: .hub, type: .count) { c throws(IHubError) in
        try c.db.analytics.activitiesByKind(hubID: c.hubID, window: c.window).map { r in
            IndicatorRow(part: r.kind, value: Double(r.count), detail: [.init("hours", .double(ActivityHours.hours(r.minutes)))])
        }
    }

    static let activeMentorships = IndicatorDefinition("participation.active_mentorships", """
        Mentorships active in the window that are listed in at least one activity dated in the window; detail: the \
        mentorships active in the window (open) and the share of them (null when none is open).
        """, level: .hub, type: .count) { c throws(IHubError) in
        let open = try c.db.analytics.mentorships(hubID: c.hubID, window: c.window)
        let listed = try c.db.analytics.listedActivities(hubID: c.hubID, window: c.window)
        let value = open.filter { listed[$0.id] != nil }.count
        let share: Double? = open.isEmpty ? nil : Double(value) / Double(open.count)
        return [IndicatorRow(value: Double(value), detail: [.init("open", .int(Int64(open.count))), .init("share", JSON(share))])]
    }

    /// The days of `m`'s life inside the window and up to `asOf` (0 when none).
    static func overlapDays(_ m: AnalyticsStore.MentorshipSpan, _ c: IndicatorContext) -> Int {
        guard let start = CalendarDate(m.start) else { return 0 }
        let from = c.window.from.map { Swift.max($0, start) } ?? start
        var to = Swift.min(c.window.to, c.asOf)
        if let end = m.end.flatMap(CalendarDate.init) { to = Swift.min(to, end) }
        return Swift.max(0, from.days(to: to) + 1)
    }

    static let sessionsPerMonth = IndicatorDefinition("participation.sessions_per_month", """
        Per mentorship: the session activities it is listed in within the window, per month of its life in the window \
        (from the later of the window's start and its start to the earliest of the window's end, its end and today; \
        days inclusive / 30.4375). Rows for mentorships with at least one such day; detail: sessions, months (two \
        decimals).
        """, level: .mentorship, type: .number, min: 0) { c throws(IHubError) in
        let sessions = try c.db.analytics.listedActivities(hubID: c.hubID, window: c.window, kind: .session)
        return try c.db.analytics.mentorships(hubID: c.hubID, window: c.window).compactMap { m in
            let days = overlapDays(m, c)
            guard days >= 1 else { return nil }
            let n = sessions[m.id] ?? 0
            let months = Double(days) / daysPerMonth
            return IndicatorRow(subjectID: m.id, value: Double(n) / months,
                                detail: [.init("sessions", .int(n)), .init("months", .double(round2(months)))])
        }
    }

    /// Hours per subject as activity.hours counts them, rows for subjects of
    /// the scope with hours, most first (then by id).
    static func hours(_ by: HoursSubject, _ c: IndicatorContext) throws(IHubError) -> [IndicatorRow] {
        let scope = try c.db.analytics.ids(by == .person ? "people" : "schools", hubID: c.hubID)
        return try c.hours(by: by)
            .filter { $0.value.minutes > 0 && scope.contains($0.key) }
            .sorted { ($0.value.minutes, $1.key) > ($1.value.minutes, $0.key) }
            .map { id, h in
                IndicatorRow(subjectID: id, value: Double(h.minutes) / 60,
                             detail: [.init("activities", .int(h.activities)), .init("minutes", .int(h.minutes))])
            }
    }

    static let personHours = IndicatorDefinition("participation.person_hours", """
        Mentoring hours per person in the window, as activity.hours counts them (listed, or as mentor or mentee of a \
        listed teacher mentorship; each activity once); rows only for people with hours; detail: activities, minutes.
        """, level: .person, type: .hours) { c throws(IHubError) in try hours(.person, c) }

    static let schoolHours = IndicatorDefinition("participation.school_hours", """
        Mentoring hours per school in the window, as activity.hours counts them (listed, through a listed school \
        mentorship, or through members on the activity's date; each activity once); rows only for schools with \
        hours; detail: activities, minutes.
        """, level: .school, type: .hours) { c throws(IHubError) in try hours(.school, c) }
}
