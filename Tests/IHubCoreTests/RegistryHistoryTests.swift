import Testing
@testable import IHubCore

@Suite struct RegistryHistoryTests {
    @Test func rolesAndMembershipsKeepHistory() throws {
        let e = try engineWithHub()
        _ = try e.call("person.add", ["hub": "EE-ACC", "code": "P1", "name": "Mari Saar", "roles": ["teacher"],
                                      "memberships": [["school": "S1", "start": "2023-09-01"]]])
        let now = try e.call("person.update", ["code": "P1", "roles": ["teacher", "mentor"], "schools": ["S2"]])
        #expect(now["roles"] == ["mentor", "teacher"])
        #expect(now["memberships"]?.array?.map { $0["school"] } == ["S2"])
        let history = try e.call("person.history", ["code": "P1"])
        let memberships = history["memberships"]?.array ?? []
        #expect(memberships.count == 2)
        #expect(memberships[0]["school"] == "S1" && memberships[0]["start"] == "2023-09-01" && memberships[0]["end"] != .null)
        #expect(memberships[1]["school"] == "S2" && memberships[1]["end"] == .null)
        #expect(history["roles"]?.array?.count == 2)
        // Ending the mentor role keeps it in the history.
        _ = try e.call("person.update", ["code": "P1", "roles": ["teacher"]])
        let roles = try e.call("person.history", ["code": "P1"])["roles"]?.array ?? []
        #expect(roles.count == 2 && roles[1]["role"] == "mentor" && roles[1]["end"] != .null)
        #expect(try e.call("person.list", ["role": "mentor"]).array?.isEmpty == true)
        #expect(try e.call("person.list", ["school": "S1"]).array?.isEmpty == true)
    }

    @Test func upsertInsertsUpdatesAndLeavesAlone() throws {
        let e = try engineWithHub()
        var codes = Entity.Codes()
        let record: JSON = ["hub": "EE-ACC", "code": "S9", "name": "Keila Kool", "size": 300]
        #expect(try Registry.school.upsert(e.db, record, at: "r", codes: &codes).outcome == .inserted)
        #expect(try Registry.school.upsert(e.db, record, at: "r", codes: &codes).outcome == .unchanged)
        let changed: JSON = ["hub": "EE-ACC", "code": "S9", "name": "Keila Kool", "size": 320]
        #expect(try Registry.school.upsert(e.db, changed, at: "r", codes: &codes).outcome == .updated)
        _ = try e.call("hub.add", ["code": "FI-TRE", "name": "Tampere", "country": "FI"])
        let moved: JSON = ["hub": "FI-TRE", "code": "S9", "name": "Keila Kool"]
        #expect(failure { try Registry.school.upsert(e.db, moved, at: "line 3", codes: &codes) }?.message
                == "line 3.hub: school 'S9' belongs to hub 'EE-ACC', not 'FI-TRE'")
    }

    @Test func hubTargetsAndSuppressionThreshold() throws {
        let e = try engineWithHub()
        let hub = try e.call("hub.update", ["code": "EE-ACC", "target_schools": 6, "target_teachers": 205, "min_group_size": 3])
        #expect(hub["target_teachers"] == 205 && hub["min_group_size"] == 3 && hub["schools"] == 2)
        #expect(failure { try e.call("hub.update", ["code": "EE-ACC", "min_group_size": 0]) }?.message
                == "params.min_group_size: must be 1 or more")
        #expect(failure { try e.call("hub.update", ["code": "EE-ACC", "name": nil]) }?.message
                == "params.name: a hub must keep its name")
    }

    @Test func roundsStakeholdersEngagementsTeams() throws {
        let e = try engineWithHub()
        _ = try e.call("round.add", ["hub": "EE-ACC", "code": "R1", "name": "2024/25", "start": "2024-09-01", "end": "2025-06-15"])
        #expect(try e.call("round.list", ["hub": "EE-ACC"]).array?.first?["start"] == "2024-09-01")
        _ = try e.call("stakeholder.add", ["hub": "EE-ACC", "code": "TARTU", "name": "Tartu City", "kind": "municipality"])
        _ = try e.call("engagement.add", ["stakeholder": "TARTU", "date": "2024-10-02", "kind": "meeting", "school": "S1",
                                          "note": "anchoring meeting"])
        let engagements = try e.call("engagement.list", ["hub": "EE-ACC"]).array ?? []
        #expect(engagements.count == 1 && engagements[0]["school"] == "S1")
        #expect(failure { try e.call("stakeholder.add", ["hub": "EE-ACC", "code": "X", "name": "X", "kind": "bank"]) }?.status == .invalid)

        _ = try e.call("person.add", ["hub": "EE-ACC", "code": "L1", "name": "Leader", "roles": ["school_leader"]])
        _ = try e.call("team.add", ["school": "S1", "person": "L1", "position": "principal"])
        #expect(failure { try e.call("team.add", ["school": "S1", "person": "L1"]) }?.status == .conflict)
        _ = try e.call("team.end", ["school": "S1", "person": "L1", "end": "2025-01-31"])
        #expect(try e.call("team.list", ["school": "S1"]).array?.isEmpty == true)
        #expect(try e.call("team.list", ["school": "S1", "all": true]).array?.first?["end"] == "2025-01-31")
    }
}

@Suite struct RegistryInputTests {
    @Test func emptyCodesNulsAndCrossHubLinksAreRefused() throws {
        let e = try engineWithHub()
        _ = try e.call("hub.add", ["code": "FI-TRE", "name": "Tampere", "country": "FI"])
        #expect(failure { try e.call("hub.add", ["code": " ", "name": "x", "country": "EE"]) }?.message == "params.code: must not be empty")
        #expect(failure { try e.call("school.add", ["hub": "EE-ACC", "code": "S9", "name": ""]) }?.message == "params.name: must not be empty")
        #expect(failure { try e.call("school.add", ["hub": "EE-ACC", "code": "S9\u{0}x", "name": "n"]) }?.message
                == "params.code: contains the control character U+0000")
        let crossHub = failure {
            try e.call("person.add", ["hub": "FI-TRE", "code": "P1", "name": "p", "memberships": [["school": "S1"]]])
        }
        #expect(crossHub?.status == .constraint && crossHub?.message == "params.memberships[0].school: 'S1' is a school of another hub")
        #expect(failure { try e.call("person.add", ["hub": "EE-ACC", "code": "P2", "name": "p", "schools": ["S1", "S1"]]) }?.message
                == "params.schools[1].school: 'S1' is listed twice")
        _ = try e.call("person.add", ["hub": "FI-TRE", "code": "P3", "name": "p"])
        #expect(failure { try e.call("team.add", ["school": "S1", "person": "P3"]) }?.status == .constraint)
        #expect(try e.call("person.list").array?.count == 1)
        _ = try e.call("round.add", ["hub": "EE-ACC", "code": "R1", "name": "r", "start": "2025-01-01"])
        #expect(failure { try e.call("round.update", ["code": "R1", "end": "2024-06-30"]) }?.message
                == "params.end: a round cannot end before it starts")
    }
}
