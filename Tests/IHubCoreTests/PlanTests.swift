import Testing
@testable import IHubCore

/// Every item of `instrument` asked of `group`: `values[area]` where given,
/// otherwise `other`.
func areaAnswers(_ e: Engine, _ instrument: String, group: String, _ values: [String: Int], other: Int) throws -> JSON {
    let i = try Instrument.load(e.db, code: instrument, at: "test")
    let bit = RespondentGroup(rawValue: group)!.bit
    return .object(i.areas.flatMap { a in
        a.items.filter { $0.groups & bit != 0 }.map { JSON.Member($0.code, .int(Int64(values[a.code] ?? other))) }
    })
}

@Suite struct PlanTests {
    /// S1 in R1: five teachers (C at 2, F at 3, the rest at 4) and two
    /// leaders answering 1 everywhere (below k = 5: no figure, and not
    /// mixed into S1's). S2: area reports of ten teachers at 3. P1 answered
    /// digcompedu (area 4 at 2, the rest at 5) in R1.
    func assessed() throws -> Engine {
        let e = try assessmentEngine(k: 5)
        var responses: [JSON] = []
        for i in 1...5 {
            responses.append(["respondent": .string("T\(i)"), "school": "S1", "group": "teachers",
                              "answers": try areaAnswers(e, "selfie", group: "teachers", ["C": 2, "F": 3], other: 4)])
        }
        responses += try selfieResponses(e, prefix: "L", group: "leaders", [1, 1]).array!
        _ = try e.call("assessment.submit", ["round": "R1", "instrument": "selfie", "responses": .array(responses)])
        _ = try e.call("assessment.report", ["round": "R1", "instrument": "selfie", "results": .array("ABCDEFGH".map {
            ["school": "S2", "group": "teachers", "area": .string(String($0)), "mean": 3.0, "sd": 0.5, "n": 10]
        })])
        _ = try e.call("assessment.submit", ["round": "R1", "instrument": "digcompedu", "responses": [
            ["respondent": "P1", "school": "S1", "person": "P1", "group": "teachers",
             "answers": try areaAnswers(e, "digcompedu", group: "teachers", ["4": 2], other: 5)],
        ]])
        return e
    }

    @Test func theWeakestAreasComeFirstWithTheirFigures() throws {
        let e = try assessed()
        let s = try e.call("plan.suggest", ["school": "S1"])
        #expect(s["instrument"] == "selfie" && s["round"] == "R1" && s["k"] == 5)
        let list = s["suggestions"]!.array!
        // C (2.0), F (3.0), then the areas at 4.0 in the instrument's order (equal gaps).
        #expect(list.map { $0["area"]!.string! } == ["C", "F", "A"])
        let c = list[0]
        // The leaders' 1s are left out: C is the teachers' 2.0, not (5*2 + 2*1)/7.
        #expect(c["rank"] == 1 && c["name"] == "Infrastructure and equipment" && c["mean"] == 2.0 && c["n"] == 5)
        // The hub pools S1's teachers (2.0, n 5) with S2's reported teachers (3.0, n 10).
        #expect(close(c["hub"]?["mean"]?.double, (5 * 2.0 + 10 * 3.0) / 15) && c["hub"]?["n"] == 15)
        #expect(close(c["gap"]?.double, 2.0 - 40.0 / 15))
        let groups = c["groups"]!.array!
        let leaders = groups.first { $0["group"] == "leaders" }!
        #expect(leaders["n"] == 2 && leaders["mean"] == JSON.null && leaders["suppressed"] == true)
        #expect(leaders["reason"]?.string?.contains("fewer than 5 respondents") == true)
        #expect(groups.first { $0["group"] == "teachers" }?["mean"] == 2.0)
        #expect(try e.call("plan.suggest", ["school": "S1", "count": 8])["suggestions"]!.array!.allSatisfy { $0["mean"] != 1.0 })
    }

    @Test func groupsBelowKGiveNoSuggestion() throws {
        let e = try assessed()
        _ = try e.call("hub.update", ["code": "EE-ACC", "min_group_size": 6])
        let s = try e.call("plan.suggest", ["school": "S1"])
        #expect(s["suggestions"] == [])
        let unranked = s["not_ranked"]!.array!
        #expect(unranked.count == 8)
        #expect(unranked[0]["reason"]?.string?.contains("no respondent group has k = 6 respondents") == true)
        #expect(s["note"]?.string?.hasPrefix("not ranked (no figure to show): A (") == true)
        // A plan made with suggestions then has none.
        let plan = try e.call("plan.create", ["school": "S1", "title": "Plan", "suggest": true])
        #expect(plan["focus_areas"] == [] && plan["note"] == s["note"])
    }

    @Test func aTeachersPlanReadsTheirOwnResponses() throws {
        let e = try assessed()
        let s = try e.call("plan.suggest", ["person": "P1", "count": 1])
        #expect(s["instrument"] == "digcompedu" && s["person"] == "P1")
        let first = s["suggestions"]!.array![0]
        #expect(first["area"] == "4" && first["mean"] == 2.0 && first["level"] == "A2" && first["n"] == 1)
        // The teacher's own figure is shown; the hub's, of one teacher, is not.
        #expect(first["hub"]?["suppressed"] == true && first["hub"]?["mean"] == JSON.null && first["gap"] == JSON.null)
        let plan = try e.call("plan.create", ["person": "P1", "title": "My plan"])
        let goal = try e.call("plan.add_goal", ["plan": plan["id"]!, "instrument": "digcompedu", "area": "4",
                                                "description": "Feedback with digital tools", "target": "B1", "by": "2026-06-30"])
        #expect(goal["target"] == 2.5 && goal["target_level"] == "B1" && goal["baseline"] == 2.0 && goal["baseline_level"] == "A2")
        #expect(failure { try e.call("plan.add_goal", ["plan": plan["id"]!, "instrument": "selfie", "area": "C", "description": "x",
                                                       "target": 3, "by": "2026-06-30"]) }?.message
                == "params.instrument: 'selfie' assesses schools; a teacher's plan takes a teacher instrument")
    }

    @Test func goalsNeedAnAreaOfTheInstrumentAndATargetOnItsScale() throws {
        let e = try assessed()
        let id = try e.call("plan.create", ["school": "S1", "title": "Plan"])["id"]!
        func goal(_ area: String, _ target: JSON, instrument: String = "selfie") -> IHubError? {
            failure { try e.call("plan.add_goal", ["plan": id, "instrument": .string(instrument), "area": .string(area),
                                                   "description": "d", "target": target, "by": "2026-06-30"]) }
        }
        let unknown = goal("Z", 3)
        #expect(unknown?.status == .notFound)
        #expect(unknown?.message == "params.area: instrument 'selfie' has no area 'Z' (areas: A, B, C, D, E, F, G, H)")
        #expect(goal("C", "B1")?.message == "params.target: instrument 'selfie' has no levels; give a number on its scale 1..5")
        #expect(goal("C", 7)?.message == "params.target: 7.0 is off the scale of selfie (1..5)")
        #expect(goal("C", 3, instrument: "nope")?.message == "params.instrument: no instrument with code 'nope'")
        #expect(try e.call("plan.get", ["id": id])["goals"] == [])
        let g = try e.call("plan.add_goal", ["plan": id, "instrument": "selfie", "area": "C", "description": "Devices", "target": 3.5,
                                             "by": "2026-06-30"])
        #expect(g["baseline"] == 2.0 && g["target"] == 3.5)
        let progress = try e.call("plan.get", ["id": id])["goals"]!.array![0]["progress"]!
        #expect(progress["round"] == "R1" && progress["mean"] == 2.0 && progress["to_target"] == 1.5 && progress["reached"] == false)
    }

    @Test func statusesOverTime() throws {
        let e = try assessed()
        let plan = try e.call("plan.create", ["school": "S1", "title": "Plan", "suggest": true, "count": 2, "by": "L1"])
        let id = plan["id"]!
        #expect(plan["focus_areas"]!.array!.map { $0["area"]! } == ["C", "F"] && plan["unconfirmed"] == 2)
        #expect(plan["focus_areas"]!.array![0]["evidence"]?["mean"] == 2.0)
        // Suggestions are not decisions: a person confirms (or removes) each first.
        let refused = failure { try e.call("plan.set_status", ["plan": id, "status": "active"]) }
        #expect(refused?.status == .conflict && refused?.message.contains("selfie C, selfie F await a person's confirmation") == true)
        let confirmed = try e.call("plan.confirm_focus", ["plan": id, "area": "C", "by": "P1"])
        #expect(confirmed["confirmed_by"] == "P1" && confirmed["suggested"] == true)
        _ = try e.call("plan.remove_focus", ["plan": id, "area": "F"])
        #expect(try e.call("plan.set_status", ["plan": id, "status": "active", "by": "L1", "note": "agreed"])["changed"] == true)
        #expect(try e.call("plan.set_status", ["plan": id, "status": "active"])["changed"] == false)
        let goal = try e.call("plan.add_goal", ["plan": id, "instrument": "selfie", "area": "C", "description": "Devices",
                                                "target": 3.5, "by": "2026-06-30"])["id"]!
        let task = try e.call("plan.add_task", ["goal": goal, "title": "Survey", "owner": "P2", "due": "2026-02-01"])
        #expect(task["owner"] == "P2" && task["status"] == "open")
        #expect(failure { try e.call("plan.set_status", ["task": task["id"]!, "status": "achieved"]) }?.message
                == "params.status: \"achieved\" is not a task status (open, in_progress, done, dropped)")
        _ = try e.call("plan.set_status", ["task": task["id"]!, "status": "done", "by": "P2"])
        _ = try e.call("plan.set_status", ["goal": goal, "status": "achieved"])
        _ = try e.call("plan.set_status", ["plan": id, "status": "done"])
        let history = try e.call("plan.history", ["plan": id])["changes"]!.array!
        #expect(history.map { "\($0["item"]!.string!):\($0["status"]!.string!)" }
                == ["plan:draft", "plan:active", "goal:open", "task:open", "task:done", "goal:achieved", "plan:done"])
        #expect(history[0]["by"] == "L1" && history[1]["note"] == "agreed" && history[4]["by"] == "P2")
        // A done plan takes no new parts.
        #expect(failure { try e.call("plan.add_task", ["goal": goal, "title": "More"]) }?.status == .conflict)
        let listed = try e.call("plan.list", ["hub": "EE-ACC", "status": "done"]).array!
        #expect(listed.count == 1 && listed[0]["goals"] == 1 && listed[0]["tasks"] == 1 && listed[0]["open_goals"] == 0)
    }

    @Test func plansOfAProcessInstance() throws {
        let e = try assessed()
        #expect(failure { try e.call("plan.create", ["school": "S1", "title": "P", "instance": 9]) }?.message
                == "params.instance: no process instance with id 9")
        let hub = try e.db.requireID(.hub, code: "EE-ACC", at: "test"), s2 = try e.db.requireID(.school, code: "S2", at: "test")
        try e.db.execute("INSERT INTO process_instances(hub_id, subject, school_id, model_hash, started_at) VALUES (\(hub), 'school', \(s2), 'm', '2026-01-01T00:00:00Z')")
        #expect(failure { try e.call("plan.create", ["school": "S1", "title": "P", "instance": 1]) }?.message
                == "params.instance: process instance 1 is of another school than 'S1'")
        let plan = try e.call("plan.create", ["school": "S2", "title": "P", "instance": 1])
        _ = try e.call("plan.create", ["school": "S2", "title": "Other"])
        try e.db.execute("INSERT INTO process_instances(hub_id, subject, school_id, model_hash, started_at, closed_at) VALUES (\(hub), 'team', \(s2), 'm', '2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z')")
        #expect(failure { try e.call("plan.create", ["school": "S2", "title": "P", "instance": 2]) }?.message
                == "params.instance: process instance 2 is closed")
        let listed = try e.call("plan.list", ["instance": 1]).array!
        #expect(listed.map { $0["id"]! } == [plan["id"]!] && listed[0]["goals"] == 0)
        #expect(try e.call("script.eval", ["source": "local p = ihub.plan.list{instance = 1}; return #p, p[1].goals >= 1"])["values"] == [1, false])
    }
}
