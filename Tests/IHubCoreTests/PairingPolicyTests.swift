import Testing
@testable import IHubCore

/// A hub with two mentor schools (M1, M2), three mentee schools (E1..E3) and
/// a "pairing" script that fixes who is who and how well pairs fit, so that
/// each constraint's effect is known in advance.
private func pairingHub(_ extra: String = "", options: Engine.Options = Engine.Options()) throws -> Engine {
    let e = try freshEngine(options: options)
    _ = try e.call("hub.add", ["code": "H", "name": "Hub", "country": "EE"])
    _ = try e.call("round.add", ["hub": "H", "code": "R1", "name": "round 1"])
    _ = try e.call("round.add", ["hub": "H", "code": "R2", "name": "round 2"])
    for code in ["M1", "M2", "E1", "E2", "E3"] {
        _ = try e.call("school.add", ["hub": "H", "code": .string(code), "name": .string("School \(code)"), "languages": ["et"]])
    }
    _ = try e.call("script.set", ["hub": "H", "name": "pairing", "source": .string("""
        fit = { E1M1 = 9, E1M2 = 5, E2M1 = 8, E2M2 = 2, E3M1 = 1, E3M2 = 3 }
        function eligible(r) return r.code:sub(1, 1) == "M" and "mentor" or "mentee" end
        function exclude() return nil end
        criteria.fit = function(a, b) return fit[a.code .. b.code] or 0 end
        weights.school = { fit = 1 }
        capacity.school = { mentor_max = 2, mentee_min = 0, mentee_max = 1 }
        \(extra)
        """)])
    return e
}

private func pairs(_ run: JSON) -> [String] {
    (run["pairs"]?.array ?? []).map { "\($0["mentee"]!.string!)-\($0["mentor"]!.string!)" }
}

private func runCount(_ e: Engine) throws -> Int64 { try e.db.scalarInt("SELECT count(*) FROM pairing_runs") ?? -1 }

@Suite struct PairingPolicyTests {
    @Test func scoresWithTheHubsWeightsAndStoresTheRun() throws {
        let e = try pairingHub()
        let run = try e.call("pairing.propose", ["hub": "H", "round": "R1"])
        #expect(pairs(run) == ["E1-M1", "E2-M1", "E3-M2"])
        #expect(run["total"]?.double == 20)
        #expect(run["policy_hash"]?.string == PolicyScript.version(try HubScriptMethods.load(e.db, hubID: 1, name: "pairing")?.source))
        #expect(try e.db.scalarInt("SELECT count(*) FROM mentorships") == 0)  // proposing changes nobody's pairs
        let again = try e.call("pairing.propose", ["hub": "H", "round": "R1"])
        #expect(again["inputs_hash"] == run["inputs_hash"] && pairs(again) == pairs(run))
    }

    @Test func mentorCapacityShiftsTheSecondBest() throws {
        let e = try pairingHub("capacity.school.mentor_max = 1")
        let run = try e.call("pairing.propose", ["hub": "H", "round": "R1"])
        #expect(pairs(run) == ["E1-M2", "E2-M1"])  // 5 + 8 beats 9 + 2
        #expect(run["unmatched"]?.array?.first?["code"] == "E3")
        let why = try e.call("pairing.explain", ["run": run["run"]!, "mentee": "E1", "mentor": "M1"])
        #expect(why["ruled_out_by"]?["kind"] == "alternative")
        #expect(why["score"]?.double == 9)
    }

    @Test func eligibilityLeavesARecordOutWithTheReason() throws {
        let e = try pairingHub("""
            local base = eligible
            function eligible(r) if r.code == "E3" then return nil, "closed for renovation" end return base(r) end
            """)
        let run = try e.call("pairing.propose", ["hub": "H", "round": "R1"])
        #expect(!pairs(run).contains { $0.hasPrefix("E3") })
        let u = run["unmatched"]?.array?.first { $0["code"] == "E3" }
        #expect(u?["side"] == "none" && u?["reason"] == "closed for renovation")
        let why = try e.call("pairing.explain", ["run": run["run"]!, "mentee": "E3", "mentor": "M2"])
        #expect(why["ruled_out_by"]?["kind"] == "eligibility")
    }

    @Test func bansAndPinsFeedAReRun() throws {
        let e = try pairingHub()
        let first = try e.call("pairing.propose", ["hub": "H", "round": "R1"])
        let banned = try e.call("pairing.propose", ["rerun": first["run"]!, "bans": [["mentee": "E1", "mentor": "M1"]]])
        #expect(!pairs(banned).contains("E1-M1"))
        #expect(try e.call("pairing.explain", ["run": banned["run"]!, "mentee": "E1", "mentor": "M1"])["ruled_out_by"]?["kind"] == "ban")
        let pinned = try e.call("pairing.propose", ["rerun": banned["run"]!, "pins": [["mentee": "E3", "mentor": "M1"]]])
        #expect(pairs(pinned).contains("E3-M1"))
        #expect(pinned["pairs"]?.array?.first { $0["mentee"] == "E3" }?["pinned"] == true)
        #expect(pinned["bans"]?.array?.count == 1)  // the re-run kept the earlier ban
        let diff = try e.call("pairing.diff", ["from": first["run"]!, "to": pinned["run"]!])
        #expect(diff["added"]?.array?.contains { $0["mentee"] == "E3" && $0["mentor"] == "M1" } == true)
        let both = failure { try e.call("pairing.propose", ["hub": "H", "round": "R1", "pins": [["mentee": "E1", "mentor": "M1"]],
                                                            "bans": [["mentee": "E1", "mentor": "M1"]]]) }
        #expect(both?.status == .invalid)
    }

    @Test func aPastRoundsPairIsNotRepeated() throws {
        let e = try pairingHub()
        let r1 = try e.call("pairing.propose", ["hub": "H", "round": "R1"])
        _ = try e.call("pairing.confirm", ["run": r1["run"]!])
        let r2 = try e.call("pairing.propose", ["hub": "H", "round": "R2"])
        for p in pairs(r1) { #expect(!pairs(r2).contains(p)) }
        let why = try e.call("pairing.explain", ["run": r2["run"]!, "mentee": "E1", "mentor": "M1"])
        #expect(why["ruled_out_by"]?["kind"] == "history")
        #expect(why["ruled_out_by"]?["reason"] == "already paired in round R1")
    }

    @Test func blockingBySharedLanguage() throws {
        let e = try pairingHub()
        _ = try e.call("school.update", ["code": "M1", "languages": ["ru"]])
        let run = try e.call("pairing.propose", ["hub": "H", "round": "R1"])
        #expect(!pairs(run).contains { $0.hasSuffix("M1") })
        let why = try e.call("pairing.explain", ["run": run["run"]!, "mentee": "E1", "mentor": "M1"])
        #expect(why["ruled_out_by"]?["reason"] == "no shared language")
    }

    @Test func anInfeasibleInstanceIsReportedWithTheReasonAndNothingStored() throws {
        let e = try pairingHub("capacity.school = { mentor_max = 1, mentee_min = 1, mentee_max = 1 }")
        let err = failure { try e.call("pairing.propose", ["hub": "H", "round": "R1"]) }
        #expect(err?.status == .constraint)
        #expect(err?.message.contains("infeasible: mentees must get 3 pairs") == true)
        let blocked = try pairingHub("capacity.school.mentee_min = 1")
        _ = try blocked.call("school.update", ["code": "E2", "languages": ["lv"]])
        let why = failure { try blocked.call("pairing.propose", ["hub": "H", "round": "R1"]) }
        #expect(why?.message.contains("mentee 'E2' must get 1 mentor(s)") == true && why?.message.contains("2 no shared language") == true)
        #expect(try runCount(e) == 0 && runCount(blocked) == 0)
    }

    @Test func aPolicyThatFailsIsAScriptErrorAndStoresNothing() throws {
        let e = try pairingHub("function score(a, b) if b.code == 'M2' then error('no fit table for ' .. a.code) end return 1 end")
        let err = failure { try e.call("pairing.propose", ["hub": "H", "round": "R1"]) }
        #expect(err?.status == .script)
        #expect(err?.message.contains("H/pairing:") == true && err?.message.contains("no fit table for E1") == true)
        let wrong = try pairingHub("function score() return 'high' end")
        #expect(failure { try wrong.call("pairing.propose", ["hub": "H", "round": "R1"]) }?.status == .script)
        #expect(try runCount(e) == 0 && runCount(wrong) == 0)
    }

    @Test func aPolicyOverItsBudgetIsALimitAndStoresNothing() throws {
        let slow = try pairingHub("function score() while true do end end", options: Engine.Options(json: ["script_time_ms": 100]))
        let err = failure { try slow.call("pairing.propose", ["hub": "H", "round": "R1"]) }
        #expect(err?.status == .limit)
        #expect(err?.message.contains("time limit of 100 ms") == true)
        let big = try pairingHub("function score() local t = {} for i = 1, 1e8 do t[i] = i end end",
                                 options: Engine.Options(json: ["script_memory_mb": 8]))
        #expect(failure { try big.call("pairing.propose", ["hub": "H", "round": "R1"]) }?.status == .limit)
        #expect(try runCount(slow) == 0 && runCount(big) == 0)
        // The state is still usable after the limit.
        _ = try slow.call("script.remove", ["hub": "H", "name": "pairing"])
        _ = try slow.call("pairing.propose", ["hub": "H", "round": "R1"])
    }

    @Test func confirmationsCannotOverloadAMentor() throws {
        let e = try pairingHub()
        let a = try e.call("pairing.propose", ["hub": "H", "round": "R1"])
        let b = try e.call("pairing.propose", ["hub": "H", "round": "R1", "pins": [["mentee": "E3", "mentor": "M1"]]])
        _ = try e.call("pairing.confirm", ["run": a["run"]!])
        let err = failure { try e.call("pairing.confirm", ["run": b["run"]!]) }
        #expect(err?.status == .constraint)
        #expect(err?.message.contains("over its maximum") == true)
        #expect(try e.db.scalarInt("SELECT count(*) FROM mentorships") == 3)
        #expect(failure { try e.call("pairing.confirm", ["run": a["run"]!]) }?.status == .conflict)
    }
}
