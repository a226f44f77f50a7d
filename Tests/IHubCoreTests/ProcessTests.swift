import Testing
@testable import IHubCore

/// A hub (two schools, one person) whose "process" script is `script` (none
/// when nil), and a process of school S1.
private func processHub(_ script: String? = nil) throws -> (Engine, Int64) {
    let e = try engineWithHub()
    _ = try e.call("person.add", ["hub": "EE-ACC", "code": "P1", "name": "Mari Mentor", "roles": ["mentor"]])
    if let script { _ = try e.call("script.set", ["hub": "EE-ACC", "name": "process", "source": .string(script)]) }
    let x = try e.call("process.start", ["school": "S1"])
    return (e, x["id"]!.int!)
}

private func moves(_ e: Engine, _ id: Int64) throws -> Int64 {
    try e.db.scalarInt("SELECT count(*) FROM process_transitions WHERE instance_id = ?", [.int(id)]) ?? -1
}

private func move(_ e: Engine, _ id: Int64, _ to: String, by: String? = nil) throws -> JSON {
    var p: [JSON.Member] = [.init("id", .int(id)), .init("to", .string(to))]
    if let by { p.append(.init("by", .string(by))) }
    return try e.call("process.move", .object(p))
}

private let needsMethod = """
    rule("development_actions", function(instance, from, to)
      local p = ihub.process.get{id = instance.id}
      if #p.methods == 0 then return false, "development actions need a chosen method" end
    end)
    """

@Suite struct ProcessTests {
    @Test func theDefaultModelIsTheDynamicProcessModel() throws {
        let e = try engineWithHub()
        let m = try e.call("process.model", ["hub": "EE-ACC"])
        #expect((m["steps"]?.array ?? []).map { $0["code"]!.string! } == DefaultProcess.codes)
        #expect(m["steps"]?.array?[1]["name"] == "Anchoring meetings with key stakeholders")
        #expect(m["steps"]?.array?.last?["ends_cycle"] == true)
        #expect(m["hub_script"] == false && m["hash"]?.string == ProcessScript.version(nil))
    }

    @Test func movesAreRecordedAndReflectionStartsANewCycle() throws {
        let (e, id) = try processHub()
        #expect(try e.call("process.get", ["id": .int(id)])["step"] == .null)
        _ = try move(e, id, "initiative", by: "P1")
        _ = try move(e, id, "mapping_needs")          // steps are optional
        _ = try move(e, id, "reflection")
        let back = try move(e, id, "mapping_needs")   // reflection -> an earlier step: cycle 2
        #expect(back["move"]?["new_cycle"] == true && back["cycle"] == 2)
        let on = try move(e, id, "reflection")
        #expect(on["cycle"] == 2 && on["move"]?["new_cycle"] == false)
        let history = try e.call("process.history", ["id": .int(id)]).array ?? []
        #expect(history.map { $0["to"]!.string! } == ["initiative", "mapping_needs", "reflection", "mapping_needs", "reflection"])
        #expect(history.map { $0["cycle"]!.int! } == [1, 1, 1, 2, 2])
        #expect(history[0]["by"] == "P1" && history[0]["from"] == .null && history[1]["from"] == "initiative")
        let again = failure { try move(e, id, "reflection") }
        #expect(again?.status == .conflict)
        #expect(try moves(e, id) == 5)
    }

    @Test func oneOpenProcessPerSubject() throws {
        let (e, id) = try processHub()
        let twice = failure { try e.call("process.start", ["school": "S1"]) }
        #expect(twice?.status == .conflict && twice?.message.contains("has an open process already (#\(id)") == true)
        // The school's development team is another subject.
        let team = try e.call("process.start", ["team": "S1", "at": "initiative", "by": "P1"])
        #expect(team["subject"] == "team" && team["step"] == "initiative")
        _ = try e.call("process.close", ["id": .int(id), "reason": "done"])
        #expect(failure { try move(e, id, "anchoring") }?.status == .conflict)
        #expect(try e.call("process.start", ["school": "S1"])["open"] == true)
        #expect(try e.call("process.list", ["hub": "EE-ACC", "school": "S1", "open": true]).array?.count == 2)
        #expect(try e.call("process.list", ["hub": "EE-ACC", "subject": "team"]).array?.count == 1)
        #expect(failure { try e.call("process.start", ["school": "S1", "team": "S2"]) }?.status == .invalid)
    }

    @Test func aRuleRefusesWithItsReasonAndNothingIsStored() throws {
        let (e, id) = try processHub(needsMethod)
        _ = try move(e, id, "mapping_needs")
        let refused = failure { try move(e, id, "development_actions") }
        #expect(refused?.status == .constraint)
        #expect(refused?.message == "params.to: EE-ACC/process refused the move of process #1 to 'development_actions': development actions need a chosen method")
        #expect(try moves(e, id) == 1)
        #expect(try e.call("process.get", ["id": .int(id)])["step"] == "mapping_needs")
        let next = try e.call("process.next", ["id": .int(id)])["steps"]?.array ?? []
        let dev = next.first { $0["code"] == "development_actions" }
        #expect(dev?["allowed"] == false && dev?["reason"] == "development actions need a chosen method")
        #expect(next.first { $0["code"] == "mapping_needs" }?["reason"] == "the current step")
        _ = try e.call("process.choose_method", ["id": .int(id), "method": "collegial", "step": "development_actions", "by": "P1"])
        #expect(try move(e, id, "development_actions")["step"] == "development_actions")
        #expect(try moves(e, id) == 2)
    }

    @Test func aHubRenamesAddsAndDropsSteps() throws {
        let (e, id) = try processHub("""
            rename("anchoring", "Meetings with the municipality")
            drop("new_perspectives")
            add{code = "celebration", name = "Celebration", after = "reflection"}
            """)
        let steps = try e.call("process.model", ["hub": "EE-ACC"])["steps"]?.array ?? []
        #expect(steps.map { $0["code"]!.string! } == ["initiative", "anchoring", "joint_planning", "mapping_needs",
                                                     "development_actions", "reflection", "celebration"])
        #expect(steps[1]["name"] == "Meetings with the municipality")
        let dropped = failure { try move(e, id, "new_perspectives") }
        #expect(dropped?.status == .invalid && dropped?.message.contains("steps: initiative, anchoring") == true)
        _ = try move(e, id, "reflection")
        #expect(try move(e, id, "celebration")["cycle"] == 1)  // a later step: the same cycle
        #expect(try moves(e, id) == 1 + 1)
    }

    @Test func scriptErrorsNameTheScriptAndLine() throws {
        let (e, id) = try processHub()
        func refused(_ source: String) throws -> IHubError? {
            _ = try e.call("script.set", ["hub": "EE-ACC", "name": "process", "source": .string(source)])
            return failure { try move(e, id, "anchoring") }
        }
        let rename = try refused("-- one\nrename(\"anchorage\", \"x\")")
        #expect(rename?.status == .script && rename?.message.hasPrefix("EE-ACC/process:2: rename: no step \"anchorage\"") == true)
        let runtime = try refused("\n\nrule('anchoring', function(i) return i.nothing.here end)")
        #expect(runtime?.status == .script && runtime?.message.hasPrefix("EE-ACC/process:3:") == true)
        let bad = try refused("rule('anchoring', function() return 'yes' end)")
        #expect(bad?.message.contains("expected nothing or true") == true)
        let loop = try refused("rule('*', function() while true do end end)")
        #expect(loop?.status == .limit)
        #expect(try moves(e, id) == 0)
        #expect(failure { try e.call("script.set", ["hub": "EE-ACC", "name": "process", "source": "rule("]) }?.status == .script)
    }

    @Test func movesRecordTheModelHashTheyRanUnder() throws {
        let (e, id) = try processHub()
        _ = try move(e, id, "initiative")
        _ = try e.call("script.set", ["hub": "EE-ACC", "name": "process", "source": "rename('anchoring', 'Meetings')"])
        _ = try move(e, id, "anchoring")
        let history = try e.call("process.history", ["id": .int(id)]).array ?? []
        #expect(history[0]["model_hash"]?.string == ProcessScript.version(nil))
        #expect(history[1]["model_hash"]?.string == ProcessScript.version("rename('anchoring', 'Meetings')"))
        #expect(try e.call("process.get", ["id": .int(id)])["model_hash"]?.string == ProcessScript.version(nil))
    }

    @Test func theToolboxHasBuiltinsAndTheHubsOwn() throws {
        let e = try engineWithHub()
        let builtins = try e.call("toolbox.list", [:]).array ?? []
        #expect(Set(builtins.map { $0["code"]!.string! }) == ["future_school", "digipeda", "digital_accelerator", "collegial", "needs_mapping"])
        #expect(try e.call("toolbox.get", ["code": "needs_mapping"])["description"]?.string?.contains("needs for improvement") == true)
        let own = try e.call("toolbox.add", ["hub": "EE-ACC", "code": "lesson_study", "name": "Lesson study", "description": "Plan, teach, observe.",
                                             "level": "intra_school", "typical_minutes": 90, "steps": ["development_actions"]])
        #expect(own["hub"] == "EE-ACC" && own["builtin"] == false)
        #expect(failure { try e.call("toolbox.add", ["hub": "EE-ACC", "code": "collegial", "name": "x", "description": "", "level": "intra_school"]) }?.status == .conflict)
        let badStep = failure { try e.call("toolbox.add", ["hub": "EE-ACC", "code": "x", "name": "x", "description": "", "level": "intra_school", "steps": ["nap"]]) }
        #expect(badStep?.status == .invalid && badStep?.message.hasPrefix("params.steps[0]: 'nap' is not a step") == true)
        #expect(try e.call("toolbox.list", ["hub": "EE-ACC", "step": "development_actions", "level": "intra_school"]).array?.map { $0["code"]! } == ["collegial", "lesson_study"])
        #expect(try e.call("toolbox.update", ["hub": "EE-ACC", "code": "lesson_study", "typical_minutes": nil])["typical_minutes"] == .null)
        #expect(failure { try e.call("toolbox.update", ["hub": "EE-ACC", "code": "digipeda", "name": "Mine"]) }?.status == .conflict)
        // Installing again on open changes nothing.
        try BuiltinToolbox.install(e.db)
        #expect(try e.db.scalarInt("SELECT count(*) FROM toolbox_methods WHERE hub_id IS NULL") == 5)
    }

    @Test func endingAMentorshipClosesItsProcess() throws {
        let e = try engineWithHub()
        _ = try e.call("round.add", ["hub": "EE-ACC", "code": "R1", "name": "round 1"])
        _ = try e.call("script.set", ["hub": "EE-ACC", "name": "pairing", "source": """
            function eligible(r) return r.code == "S1" and "mentor" or "mentee" end
            function exclude() return nil end
            criteria.fit = function() return 1 end
            weights.school = { fit = 1 }
            """])
        let run = try e.call("pairing.propose", ["hub": "EE-ACC", "round": "R1"])
        _ = try e.call("pairing.confirm", ["run": run["run"]!])
        let m = try e.call("pairing.mentorships", ["hub": "EE-ACC"]).array?.first
        let mid = m?["id"]?.int ?? 0
        #expect(m?["mentee"] == "S2" && m?["end_reason"] == .null)
        let x = try e.call("process.start", ["mentorship": .int(mid), "at": "anchoring"])
        #expect(x["subject"] == "mentorship" && x["school"] == .null)
        #expect(try e.call("mentorship.get", ["id": .int(mid)])["process"] == x["id"])
        let ended = try e.call("mentorship.end", ["id": .int(mid), "date": "2099-06-30", "reason": "the school year ended"])
        #expect(ended["end"] == "2099-06-30" && ended["closed_processes"] == [x["id"]!])
        let closed = try e.call("process.get", ["id": x["id"]!])
        #expect(closed["open"] == false && closed["close_reason"] == "the mentorship ended: the school year ended")
        #expect(failure { try e.call("mentorship.end", ["id": .int(mid), "date": "2099-07-01", "reason": "again"]) }?.status == .conflict)
        #expect(failure { try e.call("process.start", ["mentorship": .int(mid)]) }?.status == .conflict)
        #expect(try e.call("pairing.mentorships", ["hub": "EE-ACC", "history": true]).array?.first?["end_reason"] == "the school year ended")
    }
}
