/// Reading assessments: each response's scores, aggregates per area and
/// group with small-group suppression, and the change between two rounds.
enum AnalysisMethods {
    /// What `AssessmentScope.json` writes.
    static let scope: Shape = .object([
        .required("hub", .string, "code of the round's hub"),
        .optional("school", .string, "code of the one school covered (absent: the whole hub)"),
    ])

    /// The group, area and name of a row (`describe`).
    private static let rowFields: [Field] = [
        .required("group", .oneOf(RespondentGroup.names), "respondent group"),
        .required("area", .string, "code of the area, or \"overall\""),
        .required("name", .string, "the area's name, or \"Overall\""),
    ]

    /// One response of assessment.scores (`Scoring.json`).
    static let scoredResponse: Shape = .object([
        .required("respondent", .string, "pseudonymous respondent code"),
        .required("school", .string, "code of the school"),
        .optional("person", .string, "code of the teacher assessed (teacher instruments)"),
        .required("group", .oneOf(RespondentGroup.names), "respondent group"),
        .required("submitted_at", .timestamp, "when it was submitted"),
        // A number, or the string "na" or "pnts": a union the shapes do not spell.
        .required("items", .map(.any), "item code → the answer: a score on the scale, \"na\" (not applicable) or \"pnts\" (prefer not to say)"),
        .required("areas", .map(.object([
            .optional("mean", .number, "mean of the area's scored items (null: none scored)"),
            .required("n", .integer, "items scored"),
            .required("na", .integer, "items answered not applicable"),
            .required("pnts", .integer, "items answered prefer not to say"),
            .optional("level", .string, "the level of the mean (instruments with levels)"),
        ])), "area code → its scores"),
        .optional("overall", .number, "the overall score: the mean of the area means, or the score function's (null: none)"),
        .optional("level", .string, "the level of the overall score (instruments with levels)"),
        .optional("level_name", .string, "that level's name"),
    ])

    /// One side of a comparison row.
    private static let side: Shape = .object([
        .required("n", .integer, "respondents"),
        .optional("mean", .number, "the mean (null: suppressed)"),
        .optional("sd", .number, "the standard deviation (null: suppressed or unknown)"),
    ])

    static let all: [Method] = [
        Method("assessment.scores", """
            Each response's scores in a round: per item, per area (mean of the scores, na and pnts counted apart) \
            and overall (mean of the area means, or the instrument's score function), with levels where the instrument has them.
            """,
               params: [.required("round", .string, "code of the round"),
                        .required("instrument", .string, "code of the instrument"),
                        .optional("school", .string, "only responses about this school"),
                        .optional("person", .string, "only responses assessing this teacher")],
               result: .object([
                   .required("round", .string, "code of the round"),
                   .required("instrument", .string, "code of the instrument"),
                   .required("overall", .string, "how the overall score is made, in words"),
                   .required("responses", .array(scoredResponse), "the responses"),
               ]),
               example: ["round": "EE-ACC-R2", "instrument": "digcompedu", "school": "EE-ACC-S01"],
               errors: [.notFound("no round, instrument, school or person has the code given"),
                        .invalid("the instrument or the school belongs to another hub than the round"),
                        .script("the instrument's score function fails")]) { engine, p throws(IHubError) in
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
                        .optional("group", .oneOf(RespondentGroup.names), "only this respondent group")],
               result: .object([
                   .required("round", .string, "code of the round"),
                   .required("instrument", .string, "code of the instrument"),
                   .required("scope", scope, "what the figures cover"),
                   .required("k", .integer, "the minimum group size: fewer respondents give no figure"),
                   .required("overall", .string, "how the overall score is made, in words"),
                   .required("results", .array(.object(rowFields + [
                       .required("n", .integer, "respondents"),
                       .optional("mean", .number, "the mean (null: suppressed)"),
                       .optional("sd", .number, "the standard deviation (null: suppressed, or unknown from reports)"),
                       .required("suppressed", .boolean, "the figure is withheld (fewer than k respondents)"),
                       .optional("reason", .string, "why it is withheld"),
                       .required("n_reported", .integer, "of n, respondents counted from area reports"),
                       .optional("level", .string, "the level of the mean (instruments with levels; null: suppressed)"),
                   ])), "per group, area and overall"),
               ]),
               example: ["round": "EE-ACC-R2", "instrument": "selfie"],
               errors: [.notFound("no round, instrument, hub or school has the code given"),
                        .invalid("both hub and school are given; the hub, the school or the instrument is not the round's; the group does not answer the instrument"),
                        .script("the instrument's score function fails")]) { engine, p throws(IHubError) in
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
                        .optional("group", .oneOf(RespondentGroup.names), "only this respondent group")],
               result: .object([
                   .required("instrument", .string, "code of the instrument"),
                   .required("from", .string, "code of the earlier round"),
                   .required("to", .string, "code of the later round"),
                   .required("scope", scope, "what the figures cover"),
                   .required("k", .integer, "the minimum group size: fewer respondents give no figure"),
                   .required("effect_size", .string, "how the effect size is computed, in words"),
                   .required("results", .array(.object(rowFields + [
                       .required("from", side, "the earlier round's figure"),
                       .required("to", side, "the later round's figure"),
                       .optional("change", .number, "the later mean minus the earlier (null: suppressed)"),
                       .optional("hedges_g", .number, "Hedges' g (null: suppressed or not computable)"),
                       .optional("se", .number, "its standard error"),
                       .optional("ci", .array(.number), "its 95% confidence interval: low, high"),
                       .required("suppressed", .boolean, "withheld: a round has fewer than k respondents"),
                       .optional("reason", .string, "why it is withheld"),
                       .optional("note", .string, "why there is no effect size"),
                   ])), "per group, area and overall"),
               ]),
               example: ["instrument": "selfie", "from": "EE-ACC-R1", "to": "EE-ACC-R2"],
               errors: [.notFound("no round, instrument, hub or school has the code given"),
                        .invalid("the rounds belong to different hubs; both hub and school are given; the hub, the school or the instrument is not the rounds'; the group does not answer the instrument"),
                        .script("the instrument's score function fails")]) { engine, p throws(IHubError) in
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
