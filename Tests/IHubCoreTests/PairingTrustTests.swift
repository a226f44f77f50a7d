import Testing
@testable import IHubCore

#if canImport(Glibc)
import Glibc
#endif

/// Issue 7 at the engine level: records admissible both ways, the explain
/// cache against another connection's writes, the unmatched reason's length.
private func bothWaysHub(path: String = ":memory:", fit: String) throws -> Engine {
    let e = try Engine(path: path)
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
        let path = "/tmp/ihub-pairing-trust-\(getpid()).db"
        defer { for s in ["", "-wal", "-shm"] { unlink(path + s) } }
        let e = try bothWaysHub(path: path, fit: "AB = 9, CB = 3")
        let run = try e.call("pairing.propose", ["hub": "H", "round": "R1"])
        let first = try e.call("pairing.explain", ["run": run["run"]!, "mentee": "A", "mentor": "B"])
        #expect(first["notes"]?.array?.isEmpty == true)
        let other = try Engine(path: path)
        _ = try other.call("school.update", ["code": "B", "languages": ["ka"]])
        _ = try other.call("school.update", ["code": "A", "languages": ["et"]])
        other.close()
        let again = try e.call("pairing.explain", ["run": run["run"]!, "mentee": "A", "mentor": "B"])
        #expect(again["notes"]?.array?.contains { $0.string?.contains("changed since run") == true } == true)
        e.close()
    }

    @Test func anUnmatchedReasonListsAtMostFourKinds() {
        let counts = ["a": 5, "b": 4, "c": 3, "d": 2, "e": 1, "f": 1]
        #expect(PairingWorkflow.why(counts) == "5 a, 4 b, 3 c, 2 d, and 2 other reasons")
        #expect(PairingWorkflow.why([:]) == "nobody on the other side")
    }
}
