/// impact.estimate's document: the estimate with its interval, the groups,
/// the matching, the dose–response and the assumptions behind them.
struct ImpactReport {
    let estimate: ImpactEstimate
    let scope: Indicators.Scope
    let mentored: [ImpactEstimate.Unit]
    let pool: [ImpactEstimate.Unit]
    let mentors: Int
    let matched: [ImpactEstimate.Matched]
    let unmatched: [String: Int]
    let used: Int
    let did: Double
    /// Sorted bootstrap replicates.
    let replicates: [Double]
    let seed: Int64

    private typealias S = ImpactStatistics

    var json: JSON {
        let e = estimate
        let low = S.quantile(replicates, 0.025), high = S.quantile(replicates, 0.975)
        let t = matched.map(\.unit)
        let cFrom = S.mean(matched.map { m in S.mean(m.controls.map(\.from)) })
        let cTo = S.mean(matched.map { m in S.mean(m.controls.map(\.to)) })
        return [
            "scope": scope.json, "k": .int(Int64(e.k)), "instrument": .string(e.instrument.code), "level": .string(e.level.rawValue),
            "area": .string(e.area.map { e.instrument.areas[$0].code } ?? "overall"),
            "rounds": .array(e.pairs.map { p in
                ["hub": .string(p.from.hubCode), "from": .string(p.from.code), "to": .string(p.to.code),
                 "period": [.string(p.start), .string(p.end)]]
            }),
            "estimate": [
                "did": .double(did), "ci": [.double(low), .double(high)], "se": JSON(S.sd(replicates)),
                "method": "difference in differences over matched units: the mean over the matched mentored of their change minus their comparison's mean change",
                "interval": "bootstrap percentile 95%",
                "bootstrap": .int(Int64(replicates.count)), "seed": .int(seed),
            ],
            "mentored": [
                "assessed": .int(Int64(mentored.count)), "matched": .int(Int64(matched.count)),
                "unmatched": .object(unmatched.sorted { $0.key < $1.key }.map { .init($0.key, .int(Int64($0.value))) }),
                "from_mean": .double(S.mean(t.map(\.from))), "to_mean": .double(S.mean(t.map(\.to))),
                "change": .double(S.mean(t.map(\.change))),
            ],
            "comparison": [
                "available": .int(Int64(pool.count)), "used": .int(Int64(used)),
                "from_mean": .double(cFrom), "to_mean": .double(cTo), "change": .double(cTo - cFrom),
                "weighting": "as matched: each mentored unit's comparison counts once",
            ],
            "mentors_left_out": .int(Int64(mentors)),
            "matching": matching,
            "dose_response": doseResponse,
            "assumptions": .array(assumptions.map { .string($0) }),
        ]
    }

    private var matching: JSON {
        let e = estimate
        switch e.match {
        case .byClass:
            var strata: [String: (mentored: Int, comparison: Int)] = [:]
            for m in matched { strata[m.stratum ?? "", default: (0, m.controls.count)].mentored += 1 }
            return ["method": "class", "description": "exact matching on the class of the earlier round (classifications); within a class every comparison unit counts alike",
                    "strata": .array(strata.keys.sorted().map { s in
                        ["class": .string(s), "mentored": .int(Int64(strata[s]!.mentored)), "comparison": .int(Int64(strata[s]!.comparison))]
                    })]
        case .nearest:
            return ["method": "nearest", "description": "each mentored unit with the unmentored one of the nearest score in the earlier round, with replacement (a tie: the lower id)",
                    "pairs": .array(matched.map { m in
                        JSON.object([.init("mentored_\(e.key)", .string(m.unit.code)), .init("comparison_\(e.key)", .string(m.controls[0].code)),
                         .init("from_gap", .double(abs(m.controls[0].from - m.unit.from)))])
                    })]
        }
    }

    private var doseResponse: JSON {
        let x = mentored.map(\.hours), y = mentored.map(\.change)
        var m: [JSON.Member] = [.init("n", .int(Int64(mentored.count))), .init("hours_mean", .double(S.mean(x))),
                                .init("model", "change = intercept + slope × hours (OLS), over every mentored unit assessed in both rounds")]
        guard let fit = S.ols(x: x, y: y) else {
            return .object(m + [.init("slope", .null), .init("se", .null), .init("ci", .null),
                                .init("note", "no slope: every mentored unit has the same hours")])
        }
        m += [.init("slope", .double(fit.slope)), .init("intercept", .double(fit.intercept)), .init("se", JSON(fit.se)),
              .init("ci", fit.ci.map { [.double($0.low), .double($0.high)] } ?? .null), .init("df", .int(Int64(fit.n - 2)))]
        if fit.se == nil { m.append(.init("note", "no standard error: two mentored units leave no residual degrees of freedom")) }
        return .object(m)
    }

    private var assumptions: [String] {
        let e = estimate
        let score = e.level == .school ? "a school's respondents of every group pooled" : "a teacher's latest response of the round"
        return [
            "Parallel trends: without mentoring, the mentored would have changed as much as their matched comparison.",
            e.match == .byClass ? "Selection on the starting class: within a class of the earlier round, being mentored is unrelated to how a unit would have changed."
                : "Selection on the starting score: at the same score in the earlier round, being mentored is unrelated to how a unit would have changed.",
            "No spill-over: the comparison was not changed by others' mentoring; mentors of the period (\(mentors)) are left out of both groups.",
            "Mentored: mentees of a \(e.level == .school ? "school" : "teacher") mentorship active at some time between the earlier round's start and the later round's start.",
            "Scores: \(score); \(e.area == nil ? Scoring.overallRule(e.instrument) : "the area's mean").",
            e.match == .byClass ? "Interval: the mentored and the comparison resampled within each class, the classes keeping their sizes."
                : "Interval: the matched pairs resampled (the matching itself is not repeated).",
            "Dose–response: hours as activity.hours counts them over the period; a straight line, hours not chosen because of how a unit was changing.",
        ]
    }
}
