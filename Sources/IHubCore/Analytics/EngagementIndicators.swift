/// Built-in indicators: stakeholder engagement.
enum EngagementIndicators {
    static let all: [IndicatorDefinition] = [stakeholders]

    static let stakeholders = IndicatorDefinition("engagement.stakeholders", """
        Engagements dated in the window, per kind of stakeholder (part); detail: the distinct stakeholders engaged. \
        Kinds without engagements have no row.
        """, level: .hub, type: .count) { c throws(IHubError) in
        try c.db.analytics.engagementsByKind(hubID: c.hubID, window: c.window).map { r in
            IndicatorRow(part: r.kind, value: Double(r.count), detail: [.init("stakeholders", .int(r.stakeholders))])
        }
    }
}
