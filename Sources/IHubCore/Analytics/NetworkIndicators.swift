/// Built-in indicators: the mentoring network and multiplication. The
/// network of a window holds the mentorships started by its last day and,
/// unless the window is cumulative, active in it (MentoringNetwork.load);
/// each figure has a row per level (part teacher or school).
enum NetworkIndicators {
    static let all: [IndicatorDefinition] = [
        IndicatorDefinition("network.size", """
            Nodes of the mentoring network per level (part teacher: people; school: schools) — those who mentor or are \
            mentored in the window; detail: edges (distinct mentor → mentee pairs), mentorships.
            """, level: .hub, type: .count) { c throws(IHubError) in
            try perLevel(c) { n in
                IndicatorRow(part: n.level.rawValue, value: Double(n.nodes.count),
                             detail: [.init("edges", .int(Int64(n.pairCount))), .init("mentorships", .int(Int64(n.edges.count)))])
            }
        },
        IndicatorDefinition("network.components", """
            Weakly connected components of the mentoring network per level (part teacher or school); detail: largest \
            (the nodes of the largest component).
            """, level: .hub, type: .count) { c throws(IHubError) in
            try perLevel(c) { n in
                let sizes = n.componentSizes()
                return IndicatorRow(part: n.level.rawValue, value: Double(sizes.count),
                                    detail: [.init("largest", .int(Int64(sizes.first ?? 0)))])
            }
        },
        IndicatorDefinition("network.density", """
            Density of the mentoring network per level (part teacher or school): edges (distinct mentor → mentee pairs) \
            / (nodes × (nodes − 1)); undefined below two nodes; detail: nodes, edges.
            """, level: .hub, type: .share) { c throws(IHubError) in
            try perLevel(c) { n in
                IndicatorRow(part: n.level.rawValue, value: n.density,
                             detail: [.init("nodes", .int(Int64(n.nodes.count))), .init("edges", .int(Int64(n.pairCount)))])
            }
        },
        IndicatorDefinition("network.cross_school", """
            Share of the window's teacher mentorships whose mentor and mentee were members of different schools at its \
            start (both members of some school that day, of none in common; membership ends inclusive); undefined \
            without teacher mentorships; detail: mentorships, cross, unknown (mentor or mentee of no school that day).
            """, level: .hub, type: .share) { c throws(IHubError) in
            let facts = try c.db.analytics.crossSchoolFacts(hubID: c.hubID, window: c.window)
            let cross = facts.filter { $0.known && !$0.shared }.count
            let unknown = facts.filter { !$0.known }.count
            return [IndicatorRow(value: facts.isEmpty ? nil : Double(cross) / Double(facts.count),
                                 detail: [.init("mentorships", .int(Int64(facts.count))), .init("cross", .int(Int64(cross))),
                                          .init("unknown", .int(Int64(unknown)))])]
        },
        IndicatorDefinition("network.multiplication", """
            Multiplication: people (part people, teacher mentorships) and schools (part schools, school mentorships) \
            mentored in one round who mentor in a later round (rounds by start date, then id); detail: cases (the \
            mentorships in which they mentor after having been mentored).
            """, level: .hub, type: .count) { c throws(IHubError) in
            try perLevel(c) { n in
                let m = n.multipliers()
                return IndicatorRow(part: n.level == .teacher ? "people" : "schools", value: Double(m.subjects.count),
                                    detail: [.init("cases", .int(Int64(m.cases)))])
            }
        },
        IndicatorDefinition("network.cascade_depth", """
            Depth of the mentoring cascade per level (part teacher or school): the edges of the longest chain of \
            mentorships A → B (round r1), B → C (a round later than r1), …; 0 without mentorships.
            """, level: .hub, type: .count) { c throws(IHubError) in
            try perLevel(c) { n in IndicatorRow(part: n.level.rawValue, value: Double(n.cascade().depth)) }
        },
    ]

    /// One row per level, teacher then school.
    private static func perLevel(_ c: IndicatorContext, _ row: (MentoringNetwork) -> IndicatorRow) throws(IHubError) -> [IndicatorRow] {
        var rows: [IndicatorRow] = []
        for level in MentoringNetwork.Level.allCases {
            rows.append(row(try MentoringNetwork.load(c.db, hubID: c.hubID, level: level, window: c.window)))
        }
        return rows
    }
}
