/// Built-in indicators: reach against the hub's targets.
enum ReachIndicators {
    static let all: [IndicatorDefinition] = [schools, teachers]

    /// The detail of a count against a target: the target (summed over the
    /// consortium's hubs; null when none has one) and the share of it.
    static func againstTarget(_ value: Int, target: Int64?) -> [JSON.Member] {
        let share: Double? = target.flatMap { $0 > 0 ? Double(value) / Double($0) : nil }
        return [.init("target", JSON(target)), .init("share_of_target", JSON(share))]
    }

    static let schools = IndicatorDefinition("reach.schools", """
        Schools engaged in the window: took part in an activity, were mentor or mentee school of a school mentorship \
        active in the window, or had a member (membership overlapping the window) who is mentor or mentee of a teacher \
        mentorship active in the window. Detail: the hub's target_schools (summed over the consortium), the share of \
        it, and all schools of the scope.
        """, level: .hub, type: .count) { c throws(IHubError) in
        let all = try c.db.analytics.ids("schools", hubID: c.hubID)
        var engaged = Set(try c.hours(by: .school).keys)
        engaged.formUnion(try c.db.analytics.schoolsInMentorships(hubID: c.hubID, window: c.window))
        let value = engaged.intersection(all).count
        let target = try c.db.analytics.target("target_schools", hubID: c.hubID)
        return [IndicatorRow(value: Double(value), detail: againstTarget(value, target: target) + [.init("schools", .int(Int64(all.count)))])]
    }

    static let teachers = IndicatorDefinition("reach.teachers", """
        Teachers engaged in the window: people with a school membership overlapping the window who took part in an \
        activity in the window or are mentor or mentee of a teacher mentorship active in it. Detail: the hub's \
        target_teachers (summed over the consortium), the share of it, and the people with a membership overlapping \
        the window.
        """, level: .hub, type: .count) { c throws(IHubError) in
        let members = try c.db.analytics.members(hubID: c.hubID, window: c.window)
        var engaged = Set(try c.hours(by: .person).keys)
        engaged.formUnion(try c.db.analytics.peopleInMentorships(hubID: c.hubID, window: c.window))
        let value = engaged.intersection(members).count
        let target = try c.db.analytics.target("target_teachers", hubID: c.hubID)
        return [IndicatorRow(value: Double(value), detail: againstTarget(value, target: target) + [.init("teachers", .int(Int64(members.count)))])]
    }
}
