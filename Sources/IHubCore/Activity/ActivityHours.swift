/// Mentoring hours per person, school or mentorship (activity.hours).
enum ActivityHours {
    /// Minutes as hours with two decimals.
    static func hours(_ minutes: Int64) -> Double { (Double(minutes) / 60 * 100).rounded() / 100 }

    static func hours(_ db: Database, _ p: JSON) throws(IHubError) -> JSON {
        let by = HoursSubject(rawValue: p["by"]!.string!)!
        let filter = try ActivityMethods.filter(db, p)
        let rows = try db.activities.hours(by: by, filter)
        let totals = try db.activities.hoursTotals(by: by, filter)
        return [
            "hub": .string(p["hub"]!.string!), "by": .string(by.rawValue), "from": JSON(filter.from), "to": JSON(filter.to),
            "kind": JSON(filter.kind?.rawValue),
            "rows": .array(rows.map { r in
                let key: JSON.Member = by == .mentorship ? .init("id", .int(r.id)) : .init("code", JSON(r.code))
                return .object([key, .init("name", .string(r.name)), .init("hours", .double(hours(r.minutes))),
                                .init("activities", .int(r.activities)), .init("minutes", .int(r.minutes))])
            }),
            "totals": ["activities": .int(totals.activities), "minutes": .int(totals.minutes), "hours": .double(hours(totals.minutes))],
        ]
    }
}
