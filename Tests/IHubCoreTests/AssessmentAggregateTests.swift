import Testing
@testable import IHubCore

@Suite struct AssessmentAggregateTests {
    func submit(_ e: Engine, _ round: String, _ responses: JSON, instrument: String = "selfie") throws {
        _ = try e.call("assessment.submit", ["round": .string(round), "instrument": .string(instrument), "responses": responses])
    }

    @Test func suppressionStartsBelowKExactly() throws {
        let e = try assessmentEngine(k: 5)
        try submit(e, "R1", try selfieResponses(e, prefix: "T", [1, 2, 3, 4]))
        var result = try e.call("assessment.aggregate", ["round": "R1", "instrument": "selfie"])
        #expect(result["k"] == 5 && result["scope"] == ["hub": "EE-ACC"])
        let four = try #require(row(result, "teachers", "overall"))
        #expect(four["n"] == 4 && four["mean"] == .null && four["sd"] == .null && four["suppressed"] == true)
        #expect(four["reason"] == "fewer than 5 respondents (k = 5, the hub's minimum group size)")
        #expect(row(result, "leaders", "A")?["reason"] == "no respondents")
        // Students are not asked area A: no such row.
        #expect(row(result, "students", "A") == nil && row(result, "students", "H") != nil)

        try submit(e, "R1", try selfieResponses(e, prefix: "U", [5]))
        result = try e.call("assessment.aggregate", ["round": "R1", "instrument": "selfie", "group": "teachers"])
        let five = try #require(row(result, "teachers", "overall"))
        #expect(five["n"] == 5 && five["mean"] == 3.0 && five["suppressed"] == false && five["reason"] == nil)
        #expect(close(five["sd"]?.double, 2.5.squareRoot()))
        #expect(row(result, "teachers", "A")?["mean"] == 3.0)
        #expect(result["results"]?.array?.allSatisfy { $0["group"] == "teachers" } == true)

        // k is the hub's: with k = 6 the same five are suppressed again.
        _ = try e.call("hub.update", ["code": "EE-ACC", "min_group_size": 6])
        result = try e.call("assessment.aggregate", ["round": "R1", "instrument": "selfie", "school": "S1"])
        #expect(row(result, "teachers", "overall")?["suppressed"] == true && result["scope"] == ["hub": "EE-ACC", "school": "S1"])
    }

    @Test func aggregatesPoolResponsesWithAreaReports() throws {
        let e = try assessmentEngine(k: 5)
        try submit(e, "R1", try selfieResponses(e, prefix: "T", [1, 2, 3, 4, 5]))
        _ = try e.call("assessment.report", ["round": "R1", "instrument": "selfie", "results": [
            ["school": "S2", "group": "teachers", "area": "A", "mean": 4.0, "sd": 1.0, "n": 10],
            ["school": "S2", "group": "teachers", "area": "B", "mean": 2.0, "n": 8],
            // S1 has raw teacher responses: its report of the same people is left out.
            ["school": "S1", "group": "teachers", "area": "A", "mean": 1.0, "sd": 0.1, "n": 30],
        ]])
        let hub = try e.call("assessment.aggregate", ["round": "R1", "instrument": "selfie", "group": "teachers"])
        // Values 1..5 (mean 3, M2 10) pooled with n 10, mean 4, sd 1 (M2 9):
        // mean 55/15, M2 = 10 + 9 + 1² · 5 · 10 / 15.
        let a = try #require(row(hub, "teachers", "A"))
        #expect(a["n"] == 15 && a["n_reported"] == 10)
        #expect(close(a["mean"]?.double, 55.0 / 15.0) && close(a["sd"]?.double, 1.2630273533214136))
        // A report without sd: the mean pools, the sd is unknown.
        let b = try #require(row(hub, "teachers", "B"))
        #expect(b["n"] == 13 && close(b["mean"]?.double, (15.0 + 16.0) / 13.0) && b["sd"] == .null)
        // The report's overall is the mean of its area means (4 and 2), over the most respondents of an area (10).
        let overall = try #require(row(hub, "teachers", "overall"))
        #expect(overall["n"] == 15 && close(overall["mean"]?.double, (15.0 + 30.0) / 15.0) && overall["sd"] == .null)
        let s1 = try e.call("assessment.aggregate", ["round": "R1", "instrument": "selfie", "school": "S1"])
        #expect(row(s1, "teachers", "A")?["mean"] == 3.0 && row(s1, "teachers", "A")?["n_reported"] == 0)
    }

    @Test func comparisonMatchesAnIndependentComputation() throws {
        let e = try assessmentEngine(k: 5)
        try submit(e, "R1", try selfieResponses(e, prefix: "A", [2, 3, 3, 4, 2, 3]))
        try submit(e, "R2", try selfieResponses(e, prefix: "B", [3, 4, 4, 5, 3, 4, 5]))
        let result = try e.call("assessment.compare", ["instrument": "selfie", "from": "R1", "to": "R2"])
        let r = try #require(row(result, "teachers", "overall"))
        // numpy: pooled sd on ddof=1 sds, J = 1 - 3/(4·13 - 9), SE = sqrt(13/42 + g²/26).
        #expect(r["from"]?["n"] == 6 && close(r["from"]?["mean"]?.double, 2.8333333333333335))
        #expect(r["to"]?["n"] == 7 && close(r["to"]?["mean"]?.double, 4.0) && close(r["to"]?["sd"]?.double, 0.816496580927726))
        #expect(close(r["change"]?.double, 4.0 - 2.8333333333333335))
        #expect(close(r["hedges_g"]?.double, 1.3769506163808607))
        #expect(close(r["se"]?.double, 0.6184226849123963))
        #expect(close(r["ci"]?.array?[0].double, 0.16486442673000212) && close(r["ci"]?.array?[1].double, 2.5890368060317193))
        #expect(r["suppressed"] == false)
        #expect(row(result, "teachers", "F")?["hedges_g"] == r["hedges_g"])
        #expect(row(result, "leaders", "A")?["reason"] == "from: no respondents")

        // Either side below k: no figures, only the counts.
        _ = try e.call("hub.update", ["code": "EE-ACC", "min_group_size": 7])
        let small = try e.call("assessment.compare", ["instrument": "selfie", "from": "R1", "to": "R2", "group": "teachers"])
        let s = try #require(row(small, "teachers", "overall"))
        #expect(s["suppressed"] == true && s["hedges_g"] == .null && s["from"] == ["n": 6, "mean": nil, "sd": nil])
        #expect(s["reason"] == "from: fewer than 7 respondents (k = 7, the hub's minimum group size)")
        #expect(s["to"]?["n"] == 7 && s["to"]?["mean"] == .null)
    }

    @Test func scopesMustAgreeWithTheRounds() throws {
        let e = try assessmentEngine()
        _ = try e.call("hub.add", ["code": "FI-TRE", "name": "Tampere", "country": "FI"])
        _ = try e.call("school.add", ["hub": "FI-TRE", "code": "F1", "name": "Tampere School"])
        _ = try e.call("round.add", ["hub": "FI-TRE", "code": "FR1", "name": "Round 1"])
        func error(_ method: String, _ p: JSON) -> String? { failure { try e.call(method, p) }?.message }
        #expect(error("assessment.compare", ["instrument": "selfie", "from": "R1", "to": "FR1"])
                == "params.to: round 'FR1' belongs to hub FI-TRE, 'R1' to hub EE-ACC: compare rounds of one hub")
        #expect(error("assessment.aggregate", ["round": "R1", "instrument": "selfie", "hub": "FI-TRE"])
                == "params.hub: round 'R1' belongs to hub EE-ACC, not FI-TRE")
        #expect(error("assessment.aggregate", ["round": "R1", "instrument": "selfie", "school": "F1"])
                == "params.school: school 'F1' is in hub FI-TRE, round 'R1' in hub EE-ACC")
        #expect(error("assessment.aggregate", ["round": "R1", "instrument": "selfie", "hub": "EE-ACC", "school": "S1"])
                == "params: give hub or school, not both")
        #expect(error("assessment.aggregate", ["round": "R1", "instrument": "digcompedu", "group": "students"])
                == "params.group: digcompedu is not answered by students (only teachers)")
        #expect(error("assessment.submit", ["round": "FR1", "instrument": "selfie", "responses": [
            ["respondent": "x", "school": "S1", "group": "teachers", "answers": ["A1": 1]]]])
                == "params.responses[0].school: school 'S1' is in hub EE-ACC, round 'FR1' in hub FI-TRE")
    }

    @Test func summariesMergeExactlyAndHedgesFollowsTheFormula() {
        let a: [Double] = [1, 4, 2, 5, 5, 3], b: [Double] = [2, 2, 3]
        var merged = Summary.of(a)
        merged.merge(Summary.of(b))
        let direct = Summary.of(a + b)
        #expect(merged.n == direct.n && close(merged.mean, direct.mean) && close(merged.sd, direct.sd!))
        #expect(Summary.of([3]).sd == nil)
        var unknown = Summary(n: 4, mean: 2, sd: nil)
        unknown.merge(Summary.of(b))
        #expect(unknown.sd == nil && unknown.n == 7)
        // By hand: means 2 and 4, sds 1 and 1, n 10 and 10: d = 2, J = 1 - 3/71.
        let g = EffectSize.hedges(from: Summary(n: 10, mean: 2, sd: 1), to: Summary(n: 10, mean: 4, sd: 1))!
        let j = 1 - 3.0 / 71.0
        #expect(close(g.g, 2 * j) && close(g.se, (0.2 + 4 * j * j / 40).squareRoot()))
        #expect(close(g.low, g.g - 1.959963984540054 * g.se))
        #expect(EffectSize.hedges(from: Summary(n: 10, mean: 2, sd: 0), to: Summary(n: 10, mean: 2, sd: 0)) == nil)
    }
}
