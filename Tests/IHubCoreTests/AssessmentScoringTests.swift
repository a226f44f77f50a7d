import Testing
@testable import IHubCore

@Suite struct AssessmentScoringTests {
    @Test func selfieScoresSkipNaAndPntsButCountThem() throws {
        let e = try assessmentEngine()
        let made = try e.call("assessment.submit", ["round": "R1", "instrument": "selfie", "responses": [
            ["respondent": "T1", "school": "S1", "group": "teachers",
             "answers": ["A1": 4, "A2": 5, "A3": "na", "A4": "pnts", "B1": 2, "B2": 3, "C1": 5]],
            ["respondent": "T2", "school": "S1", "group": "teachers", "answers": ["A1": "na", "B1": "pnts"]],
            ["respondent": "S1-01", "school": "S1", "group": "students", "answers": ["C1": 2, "H5": 4]],
        ]])
        #expect(made["created"] == 3 && made["answers"] == 11 && made["replaced"] == 0)
        let scores = try e.call("assessment.scores", ["round": "R1", "instrument": "selfie", "school": "S1"])
        let r = try #require(scores["responses"]?.array)
        #expect(r.count == 3)
        #expect(r[0]["items"]?["A3"] == "na" && r[0]["items"]?["A4"] == "pnts" && r[0]["items"]?["A1"] == 4.0)
        #expect(r[0]["areas"]?["A"] == ["mean": 4.5, "n": 2, "na": 1, "pnts": 1])
        #expect(r[0]["areas"]?["B"]?["mean"] == 2.5 && r[0]["areas"]?["C"]?["mean"] == 5.0)
        #expect(r[0]["areas"]?["D"]?["mean"] == .null)
        #expect(r[0]["overall"] == 4.0)  // (4.5 + 2.5 + 5) / 3
        #expect(r[0]["level"] == nil)    // selfie has no levels
        // Only non-answers: counted, but no score.
        #expect(r[1]["overall"] == .null && r[1]["areas"]?["A"]?["na"] == 1 && r[1]["areas"]?["B"]?["pnts"] == 1)
        #expect(r[2]["overall"] == 3.0 && r[2]["group"] == "students")
    }

    @Test func digcompeduGivesLevelsFromTheDataCutOffs() throws {
        let e = try assessmentEngine()
        _ = try e.call("assessment.submit", ["round": "R1", "instrument": "digcompedu", "responses": [
            ["respondent": "P1", "school": "S1", "person": "P1", "group": "teachers",
             "answers": ["1.1": 3, "1.2": 4, "1.3": 3, "1.4": 4, "2.1": 2, "2.2": 2, "2.3": "na", "3.1": 5, "3.2": "pnts"]],
            ["respondent": "P2", "school": "S1", "person": "P2", "group": "teachers", "answers": ["1.1": 1, "1.2": 2]],
        ]])
        let r = try #require(try e.call("assessment.scores", ["round": "R1", "instrument": "digcompedu"])["responses"]?.array)
        #expect(r[0]["areas"]?["1"]?["mean"] == 3.5 && r[0]["areas"]?["1"]?["level"] == "B2")  // 3.5 is B2's cut-off
        #expect(r[0]["areas"]?["2"]?["level"] == "A2" && r[0]["areas"]?["3"]?["level"] == "C1")
        #expect(r[0]["areas"]?["4"]?["level"] == .null)
        #expect(r[0]["overall"] == 3.5 && r[0]["level"] == "B2" && r[0]["level_name"] == "Expert")
        #expect(r[1]["overall"] == 1.5 && r[1]["level"] == "A2" && r[1]["person"] == "P2")
        let one = try e.call("assessment.scores", ["round": "R1", "instrument": "digcompedu", "person": "P2"])
        #expect(one["responses"]?.array?.map { $0["respondent"] } == ["P2"])
    }

    @Test func resubmissionReplacesTheAnswers() throws {
        let e = try assessmentEngine()
        _ = try e.call("assessment.submit", ["round": "R1", "instrument": "selfie", "responses": [
            ["respondent": "T1", "school": "S1", "group": "teachers", "answers": ["A1": 2, "A2": 2]],
        ]])
        let again = try e.call("assessment.submit", ["round": "R1", "instrument": "selfie", "responses": [
            ["respondent": "T1", "school": "S1", "group": "leaders", "answers": ["A1": 5]],
        ]])
        #expect(again["replaced"] == 1 && again["created"] == 0)
        let r = try e.call("assessment.scores", ["round": "R1", "instrument": "selfie"])["responses"]?.array ?? []
        #expect(r.count == 1 && r[0]["items"] == ["A1": 5.0] && r[0]["group"] == "leaders")
        // Another round is another response.
        _ = try e.call("assessment.submit", ["round": "R2", "instrument": "selfie", "responses": [
            ["respondent": "T1", "school": "S1", "group": "teachers", "answers": ["A1": 1]],
        ]])
        #expect(try e.db.scalarInt("SELECT count(*) FROM responses") == 2)
    }

    func submitError(_ e: Engine, _ responses: JSON, instrument: String = "selfie", round: String = "R1") -> IHubError? {
        failure { try e.call("assessment.submit", ["round": .string(round), "instrument": .string(instrument), "responses": responses]) }
    }

    @Test func badSubmissionsNameThePathAndStoreNothing() throws {
        let e = try assessmentEngine()
        let good: JSON = ["respondent": "T0", "school": "S1", "group": "teachers", "answers": ["A1": 3]]
        func batch(_ bad: JSON) -> JSON { [good, good.with("respondent", "T1"), good.with("respondent", "T2"), bad] }
        let cases: [(JSON, String)] = [
            (good.with("respondent", "T3").with("answers", ["A1": 3, "B2": 7]), "params.responses[3].answers.B2: 7 is outside the scale 1..5"),
            (good.with("respondent", "T3").with("answers", ["B2": 2.5]), "params.responses[3].answers.B2: 2.5 is not a whole number of the scale 1..5"),
            (good.with("respondent", "T3").with("answers", ["Z9": 3]), "params.responses[3].answers.Z9: unknown item 'Z9' (selfie has A1, A2, A3, A4, B1, B2, …, H4, H5)"),
            (good.with("respondent", "T3").with("answers", ["A1": "maybe"]), "params.responses[3].answers.A1: expected a score 1..5, \"na\" or \"pnts\", got \"maybe\""),
            (good.with("respondent", "T3").with("answers", ["A1": true]), "params.responses[3].answers.A1: expected a score 1..5, \"na\" or \"pnts\", got a boolean"),
            (good.with("respondent", "T3").with("answers", [3]), "params.responses[3].answers: expected an object (item code → answer), got an array"),
            (good.with("respondent", "T3").with("group", "students"), "params.responses[3].answers.A1: item A1 of selfie is not asked of students"),
            (good.with("respondent", "T3").with("school", "S9"), "params.responses[3].school: no school with code 'S9'"),
            (good.with("respondent", "T1"), "params.responses[3].respondent: 'T1' is given twice (also at params.responses[1])"),
            (good.with("respondent", "T3").with("person", "P9"), "params.responses[3].person: no person with code 'P9'"),
            (good.with("respondent", "T3").with("school", "S2").with("person", "P1"),
             "params.responses[3].person: person 'P1' does not belong to school 'S2' during round 'R1'"),
        ]
        for (bad, message) in cases {
            #expect(submitError(e, batch(bad))?.message == message)
        }
        #expect(try e.db.scalarInt("SELECT count(*) FROM responses") == 0)

        let teacher: JSON = ["respondent": "X", "school": "S1", "group": "teachers", "answers": ["1.1": 3]]
        #expect(submitError(e, [teacher], instrument: "digcompedu")?.message
                == "params.responses[0].person: missing (digcompedu assesses a teacher: give the teacher's person code)")
        #expect(submitError(e, [teacher.with("person", "P1").with("group", "leaders")], instrument: "digcompedu")?.message
                == "params.responses[0].group: digcompedu is not answered by leaders (only teachers)")
        #expect(submitError(e, [good], instrument: "nope")?.message == "params.instrument: no instrument with code 'nope'")
        #expect(submitError(e, [good], round: "R9")?.status == .notFound)
        #expect(submitError(e, [good.with("group", "parents")])?.message.hasPrefix("params.responses[0].group: \"parents\" is not one of") == true)
    }

    @Test func membershipMustOverlapTheRound() throws {
        let e = try assessmentEngine()
        _ = try e.call("person.add", ["hub": "EE-ACC", "code": "P8", "name": "Left Early", "roles": ["teacher"],
                                      "memberships": [["school": "S1", "start": "2020-09-01", "end": "2023-06-30"]]])
        let late: JSON = ["respondent": "P8", "school": "S1", "person": "P8", "group": "teachers", "answers": ["1.1": 3]]
        #expect(submitError(e, [late], instrument: "digcompedu")?.message
                == "params.responses[0].person: person 'P8' does not belong to school 'S1' during round 'R1'")
    }

    @Test func reportsAreCheckedAndReplaced() throws {
        let e = try assessmentEngine()
        let ok = try e.call("assessment.report", ["round": "R1", "instrument": "selfie", "results": [
            ["school": "S2", "group": "teachers", "area": "A", "mean": 3.5, "sd": 0.8, "n": 12],
            ["school": "S2", "group": "students", "area": "H", "mean": 3.1, "n": 40],
        ]])
        #expect(ok["results"] == 2)
        _ = try e.call("assessment.report", ["round": "R1", "instrument": "selfie", "results": [
            ["school": "S2", "group": "teachers", "area": "A", "mean": 3.9, "sd": 0.7, "n": 13],
        ]])
        #expect(try e.db.scalarInt("SELECT count(*) FROM area_results") == 2)
        #expect(try e.db.scalarInt("SELECT n FROM area_results WHERE area = 'A'") == 13)
        func reportError(_ r: JSON) -> String? {
            failure { try e.call("assessment.report", ["round": "R1", "instrument": "selfie", "results": [r]]) }?.message
        }
        let base: JSON = ["school": "S2", "group": "teachers", "area": "A", "mean": 3.5, "n": 12]
        #expect(reportError(base.with("area", "Q")) == "params.results[0].area: unknown area 'Q' (selfie has A, B, C, D, E, F, G, H)")
        #expect(reportError(base.with("group", "students")) == "params.results[0].group: area A of selfie is not asked of students")
        #expect(reportError(base.with("mean", 6)) == "params.results[0].mean: 6 is outside the scale 1..5")
        #expect(reportError(base.with("n", 0)) == "params.results[0].n: must be between 1 and 10^9 (the number of respondents)")
        #expect(reportError(base.with("sd", -1)) == "params.results[0].sd: must be 0 or more")
    }

    @Test func storeLoadsRowsPerRespondentAndItem() throws {
        let e = try assessmentEngine()
        // As the CSV importer does: one row per respondent × item, not grouped.
        let rows: [(String, String, String, String)] = [
            ("R-1", "teachers", "A1", "4"), ("R-2", "students", "H1", "NA"), ("R-1", "teachers", "A2", "pnts"),
            ("R-2", "students", "H2", "2"), ("R-1", "teachers", "B1", "5"),
        ]
        try e.db.transaction { () throws(IHubError) in
            let store = try ResponseStore(e.db, round: "R1", instrument: "selfie")
            for (line, row) in rows.enumerated() {
                let r = try store.respondent(row.0, school: "S1", person: nil, group: row.1, at: { "line \(line + 2), \($0)" })
                try store.answer(r, item: row.2, text: row.3, at: "line \(line + 2), value")
            }
            #expect(store.created == 2 && store.answers == 5)
            let r = try store.respondent("R-1", school: "S1", person: nil, group: "teachers", at: { "line 9, \($0)" })
            #expect(failure { try store.answer(r, item: "A1", .score(3), at: "line 9, value") }?.message
                    == "line 9, value: item A1 is answered twice by respondent 'R-1'")
            #expect(failure { try store.respondent("R-1", school: "S2", person: nil, group: "teachers", at: { "line 10, \($0)" }) }?.message
                    == "line 10, school: respondent 'R-1' is given with school 'S1' before, 'S2' here")
        }
        let r = try e.call("assessment.scores", ["round": "R1", "instrument": "selfie"])["responses"]?.array ?? []
        #expect(r.map { $0["respondent"] } == ["R-1", "R-2"])
        #expect(r[0]["items"] == ["A1": 4.0, "A2": "pnts", "B1": 5.0] && r[1]["items"] == ["H1": "na", "H2": 2.0])
    }
}

extension JSON {
    /// A copy of an object with `key` set to `value`.
    func with(_ key: String, _ value: JSON) -> JSON {
        guard case .object(var members) = self else { return self }
        if let i = members.firstIndex(where: { $0.key == key }) { members[i].value = value } else { members.append(.init(key, value)) }
        return .object(members)
    }
}
