import Testing
@testable import IHubCore

#if canImport(Glibc)
import Glibc
#endif

/// Issue 7 at the engine level: records admissible both ways, the explain
/// cache against another connection's writes, the unmatched reason's length.
private func bothWaysHub(store: (location: String, options: Engine.Options)? = nil, fit: String) throws -> Engine {
    let e = try store.map { try Engine(path: $0.location, options: $0.options) } ?? freshEngine()
    _ = try e.call("hub.add", ["code": "H", "name": "Hub", "country": "EE"])
    _ = try e.call("round.add", ["hub": "H", "code": "R1", "name": "round 1"])
    for code in ["A", "B", "C"] { _ = try e.call("school.add", ["hub": "H", "code": .string(code), "name": .string(code)]) }
    _ = try e.call("script.set", ["hub": "H", "name": "pairing", "source": .string("""
        fit = { \(fit) }
        function eligible() return "both" end
        function exclude() return nil end
        criteria.fit = function(a, b) return fit[a.code .. b.code] or 0 end
        weights.school = { fit = 1 }
        capacity.school = { mentor_max = 1, mentee_min = 0, mentee_max = 1 }
        """)])
    return e
}

private func pairs(_ run: JSON) -> Set<String> {
    Set((run["pairs"]?.array ?? []).map { "\($0["mentee"]!.string!)<\($0["mentor"]!.string!)" })
}

@Suite struct PairingTrustTests {
    @Test func recordsAdmissibleBothWaysKeepTheBetterDirectionOnly() throws {
        // A mentee of B scores 9, B mentee of A 8: a total-fit solver would
        // take both (17) without the rule; with it, one direction remains.
        let e = try bothWaysHub(fit: "AB = 9, BA = 8")
        let run = try e.call("pairing.propose", ["hub": "H", "round": "R1"])
        #expect(pairs(run).contains("A<B") && !pairs(run).contains("B<A"))
        let why = try e.call("pairing.explain", ["run": run["run"]!, "mentee": "B", "mentor": "A"])
        #expect(why["ruled_out_by"]?["kind"] == "mutual")
        // At equal scores the mentor whose code sorts first keeps its pair.
        let tie = try bothWaysHub(fit: "AB = 5, BA = 5")
        let t = try tie.call("pairing.propose", ["hub": "H", "round": "R1"])
        #expect(pairs(t).contains("B<A") && !pairs(t).contains("A<B"))
    }

    @Test func explainSeesAnotherConnectionsWrite() throws {
        let store = reopenableStore()
        let e = try bothWaysHub(store: store, fit: "AB = 9, CB = 3")
        let run = try e.call("pairing.propose", ["hub": "H", "round": "R1"])
        let first = try e.call("pairing.explain", ["run": run["run"]!, "mentee": "A", "mentor": "B"])
        #expect(first["notes"]?.array?.isEmpty == true)
        let other = try Engine(path: store.location, options: store.options)
        _ = try other.call("school.update", ["code": "B", "languages": ["ka"]])
        _ = try other.call("school.update", ["code": "A", "languages": ["et"]])
        other.close()
        let again = try e.call("pairing.explain", ["run": run["run"]!, "mentee": "A", "mentor": "B"])
        #expect(again["notes"]?.array?.contains { $0.string?.contains("changed since run") == true } == true)
        e.close()
    }

    @Test func corruptStoredJSONIsCorruptNamingItsColumn() throws {
        // Stored JSON that does not parse was read as {} or as no languages
        // (try?); it is IHUB_CORRUPT naming the table and column.
        let e = try bothWaysHub(fit: "AB = 9")
        let run = try e.call("pairing.propose", ["hub": "H", "round": "R1"])
        try e.db.execute("UPDATE pairing_runs SET capacity = '{\"mentor_max\": ' WHERE id = \(run["run"]!.int!)")
        let got = failure { try e.call("pairing.get", ["run": run["run"]!]) }
        #expect(got?.status == .corrupt && got?.message.contains("pairing_runs.capacity") == true, "\(String(describing: got))")
        try e.db.execute("UPDATE schools SET languages = '[\"et\"' WHERE code = 'B'")
        let proposed = failure { try e.call("pairing.propose", ["hub": "H", "round": "R1"]) }
        #expect(proposed?.status == .corrupt && proposed?.message.contains("schools.languages") == true, "\(String(describing: proposed))")
    }

    @Test func confirmAndListBindTimestampsAndFilterByLevel() throws {
        let e = try bothWaysHub(fit: "AB = 9, CB = 3")
        let run = try e.call("pairing.propose", ["hub": "H", "round": "R1"])
        let done = try e.call("pairing.confirm", ["run": run["run"]!])
        #expect(done["added"]?.int == Int64(run["pairs"]?.array?.count ?? -1))
        let again = failure { try e.call("pairing.confirm", ["run": run["run"]!]) }
        #expect(again?.status == .conflict && again?.message.contains("confirmed already") == true)
        let confirmed = try e.call("pairing.get", ["run": run["run"]!])
        #expect(confirmed["confirmed_at"]?.string?.hasSuffix("Z") == true)
        let listed = try e.call("pairing.mentorships", ["hub": "H"])
        #expect(listed.array?.count == run["pairs"]?.array?.count && listed.array?.first?["start"]?.string?.count == 10)
        let runs = try e.call("pairing.list", ["round": "R1", "level": "school"])
        #expect(runs.array?.count == 1 && runs.array?.first?["created_at"]?.string?.hasSuffix("Z") == true)
        #expect(try e.call("pairing.list", ["round": "R1", "level": "teacher"]).array?.isEmpty == true)
    }

    @Test func anUnmatchedReasonListsAtMostFourKinds() {
        let counts = ["a": 5, "b": 4, "c": 3, "d": 2, "e": 1, "f": 1]
        #expect(PairingWorkflow.why(counts) == "5 a, 4 b, 3 c, 2 d, and 2 other reasons")
        #expect(PairingWorkflow.why([:]) == "nobody on the other side")
    }
}
