/// Reading assessments: each response's scores, aggregates per area and
/// group with small-group suppression, and the change between two rounds.
enum AnalysisMethods {
    static let all: [Method] = [
        Method("assessment.scores", """
            Each response's scores in a round: per item, per area (mean of the scores, na and pnts counted apart) \
            and overall (mean of the area means, or the instrument's score function), with levels where the instrument has them.
            """,
               params: [.required("round", .string, "code of the round"),
                        .required("instrument", .string, "code of the instrument"),
                        .optional("school", .string, "only responses about this school"),
                        .optional("person", .string, "only responses assessing this teacher")]) { engine, p throws(IHubError) in
            let round = try RoundRef.resolve(engine.db, code: p["round"]!.string!, at: "params.round")
            let instrument = try Instrument.load(engine.db, code: p["instrument"]!.string!, at: "params.instrument")
            try instrument.check(usableIn: round, at: "params.instrument")
            var schoolID: Int64?, personID: Int64?
            if let school = p["school"]?.string {
                schoolID = try AssessmentScope(engine.db, ["school": .string(school)], rounds: [(round, "round")]).schoolID
            }
            if let person = p["person"]?.string {
                personID = try engine.db.requireID(.person, code: person, at: "params.person")
            }
            let scored = try Scoring.load(engine, round: round, instrument: instrument, school: schoolID, person: personID)
            return ["round": .string(round.code), "instrument": .string(instrument.code),
                    "overall": .string(Scoring.overallRule(instrument)),
                    "responses": .array(scored.map { Scoring.json($0, instrument) })]
        },
        Method("assessment.aggregate", """
            Mean, sd and n per area and respondent group (and overall) of a round, over a hub or one school, from \
            responses and area reports; figures of fewer than k respondents (the hub's min_group_size) are suppressed.
            """,
               params: [.required("round", .string, "code of the round"),
                        .required("instrument", .string, "code of the instrument"),
                        .optional("hub", .string, "the round's hub (the default scope)"),
                        .optional("school", .string, "only this school"),
                        .optional("group", .oneOf(RespondentGroup.names), "only this respondent group")]) { engine, p throws(IHubError) in
            let round = try RoundRef.resolve(engine.db, code: p["round"]!.string!, at: "params.round")
            let instrument = try Instrument.load(engine.db, code: p["instrument"]!.string!, at: "params.instrument")
            try instrument.check(usableIn: round, at: "params.instrument")
            let scope = try AssessmentScope(engine.db, p, rounds: [(round, "round")])
            let groups = try instrument.group(p, at: "params.group")
            let data = try AssessmentData.collect(engine, round: round, instrument: instrument, school: scope.schoolID)
            let rows = data.rows(groups: groups).map { row -> JSON in
                var m = describe(instrument, row.group, row.area)
                m += Suppression.figure(row.pooled, k: round.k)
                if !instrument.levels.isEmpty {
                    let shown = Suppression.reason(n: row.pooled.summary.n, k: round.k) == nil
                    m.append(.init("level", JSON(shown ? instrument.level(of: row.pooled.summary.mean)?.code : nil)))
                }
                return .object(m)
            }
            return ["round": .string(round.code), "instrument": .string(instrument.code), "scope": scope.json,
                    "k": .int(Int64(round.k)), "overall": .string(Scoring.overallRule(instrument)), "results": .array(rows)]
        },
        Method("assessment.compare", """
            The change between two rounds per area and respondent group (and overall): both means and n, the change, \
            and Hedges' g with its 95% confidence interval (the rounds' respondents taken as independent groups); \
            suppressed where either round has fewer than k respondents.
            """,
               params: [.required("instrument", .string, "code of the instrument"),
                        .required("from", .string, "code of the earlier round"),
                        .required("to", .string, "code of the later round"),
                        .optional("hub", .string, "the rounds' hub (the default scope)"),
                        .optional("school", .string, "only this school"),
                        .optional("group", .oneOf(RespondentGroup.names), "only this respondent group")]) { engine, p throws(IHubError) in
            let from = try RoundRef.resolve(engine.db, code: p["from"]!.string!, at: "params.from")
            let to = try RoundRef.resolve(engine.db, code: p["to"]!.string!, at: "params.to")
            let instrument = try Instrument.load(engine.db, code: p["instrument"]!.string!, at: "params.instrument")
            try instrument.check(usableIn: from, at: "params.instrument")
            let scope = try AssessmentScope(engine.db, p, rounds: [(from, "from"), (to, "to")])
            let groups = try instrument.group(p, at: "params.group")
            let before = try AssessmentData.collect(engine, round: from, instrument: instrument, school: scope.schoolID)
            let after = try AssessmentData.collect(engine, round: to, instrument: instrument, school: scope.schoolID)
            let k = from.k
            let rows = zip(before.rows(groups: groups), after.rows(groups: groups)).map { a, b -> JSON in
                compareRow(instrument, a.group, a.area, a.pooled.summary, b.pooled.summary, k: k)
            }
            return ["instrument": .string(instrument.code), "from": .string(from.code), "to": .string(to.code),
                    "scope": scope.json, "k": .int(Int64(k)), "effect_size": "Hedges' g, 95% CI from the large-sample standard error",
                    "results": .array(rows)]
        },
    ]

    private static func describe(_ instrument: Instrument, _ group: RespondentGroup, _ area: Int?) -> [JSON.Member] {
        [.init("group", .string(group.rawValue)),
         .init("area", .string(area.map { instrument.areas[$0].code } ?? "overall")),
         .init("name", .string(area.map { instrument.areas[$0].name } ?? "Overall"))]
    }

    static func compareRow(_ instrument: Instrument, _ group: RespondentGroup, _ area: Int?, _ a: Summary, _ b: Summary, k: Int) -> JSON {
        var m = describe(instrument, group, area)
        let why = Suppression.reason(n: a.n, k: k).map { "from: \($0)" } ?? Suppression.reason(n: b.n, k: k).map { "to: \($0)" }
        func side(_ s: Summary) -> JSON {
            why == nil ? ["n": .int(Int64(s.n)), "mean": .double(s.mean), "sd": JSON(s.sd)]
                : ["n": .int(Int64(s.n)), "mean": .null, "sd": .null]
        }
        m += [.init("from", side(a)), .init("to", side(b))]
        if let why {
            m += [.init("change", .null), .init("hedges_g", .null), .init("ci", .null), .init("suppressed", true), .init("reason", .string(why))]
            return .object(m)
        }
        m.append(.init("change", .double(b.mean - a.mean)))
        if let e = EffectSize.hedges(from: a, to: b) {
            m += [.init("hedges_g", .double(e.g)), .init("se", .double(e.se)), .init("ci", [.double(e.low), .double(e.high)]),
                  .init("suppressed", false)]
        } else {
            let note = a.n < 2 || b.n < 2 ? "no effect size: fewer than two respondents in a round"
                : a.sd == nil || b.sd == nil ? "no effect size: the spread is unknown (area reports without sd)"
                : "no effect size: no variation in either round"
            m += [.init("hedges_g", .null), .init("se", .null), .init("ci", .null), .init("suppressed", false), .init("note", .string(note))]
        }
        return .object(m)
    }
}
