import Testing
@testable import IHubCore

@Suite struct AssessmentDemoTests {
    @Test func demoRegionHasTwoRoundsThatImprove() throws {
        let e = try freshEngine()
        let made = try e.call("demo.populate", ["seed": 3])
        #expect(made["rounds"] == 10 && (made["responses"]?.int ?? 0) > 3000)
        for hub in ["EE-ACC", "FI-TRE", "LT-CTA", "GE-IMR", "NO-TRD"] {
            let c = try e.call("assessment.compare", ["instrument": "selfie", "from": .string("\(hub)-R1"), "to": .string("\(hub)-R2")])
            let teachers = try #require(row(c, "teachers", "overall"))
            #expect((teachers["change"]?.double ?? 0) > 0, "\(hub)")
            #expect((teachers["ci"]?.array?[0].double ?? 0) > 0, "\(hub): the improvement is clear")
            let d = try e.call("assessment.compare", ["instrument": "digcompedu", "from": .string("\(hub)-R1"), "to": .string("\(hub)-R2")])
            #expect((row(d, "teachers", "overall")?["change"]?.double ?? 0) > 0, "\(hub)")
        }
        // Realistic answers: some na and pnts, never for the wrong group.
        #expect((try e.db.scalarInt("SELECT count(*) FROM answers WHERE status = 'na'") ?? 0) > 100)
        #expect((try e.db.scalarInt("SELECT count(*) FROM answers WHERE status = 'pnts'") ?? 0) > 50)
        #expect(try e.db.scalarInt("SELECT count(*) FROM answers a JOIN responses r ON r.id = a.response_id WHERE r.grp = 'students' AND a.item LIKE 'A%'") == 0)

        // Less advanced schools gain more: round-1 staff overall against the gain.
        let round1 = try e.call("assessment.aggregate", ["round": "EE-ACC-R1", "instrument": "selfie", "school": "EE-ACC-S01"])
        #expect(row(round1, "leaders", "overall")?["suppressed"] == true)  // three leaders per school: below k
        var low: [Double] = [], high: [Double] = []
        for school in try e.call("school.list").array ?? [] {
            let code = school["code"]!.string!, hub = school["hub"]!.string!
            let c = try e.call("assessment.compare", ["instrument": "selfie", "from": .string("\(hub)-R1"), "to": .string("\(hub)-R2"),
                                                      "school": .string(code), "group": "teachers"])
            guard let r = row(c, "teachers", "overall"), let from = r["from"]?["mean"]?.double, let change = r["change"]?.double else { continue }
            if from < 2.8 { low.append(change) } else if from > 3.3 { high.append(change) }
        }
        #expect(!low.isEmpty && !high.isEmpty)
        let lowGain: Double = low.reduce(0, +) / Double(max(low.count, 1))
        let highGain: Double = high.reduce(0, +) / Double(max(high.count, 1))
        #expect(lowGain > highGain)

        // Georgia's hub classifies with its own script.
        let ge = try e.call("classification.run", ["hub": "GE-IMR", "round": "GE-IMR-R2", "subject": "school"])
        #expect(ge["rule"]?.string?.hasPrefix("script:") == true && ge["classified"] == 5)
    }

    @Test func demoAssessmentsAreDeterministicAndOptional() throws {
        let a = try freshEngine(), b = try Engine(path: ":memory:"), c = try Engine(path: ":memory:")
        _ = try a.call("demo.populate", ["seed": 7])
        _ = try b.call("demo.populate", ["seed": 7])
        let made = try c.call("demo.populate", ["seed": 7, "assessments": false])
        // Everything but the submission times.
        let scores = { (e: Engine) throws -> [JSON] in
            try e.call("assessment.scores", ["round": "FI-TRE-R2", "instrument": "digcompedu"])["responses"]!.array!.map { $0.with("submitted_at", nil) }
        }
        #expect(try scores(a) == scores(b))
        let stored = try c.db.scalarInt("SELECT count(*) FROM responses")
        #expect(made["rounds"] == 0 && stored == 0)
        // The registry does not depend on whether assessments were made.
        let names = { (e: Engine) throws -> [JSON] in try e.call("person.list").array!.map { $0["name"]! } }
        #expect(try names(a) == names(c))
    }
}
