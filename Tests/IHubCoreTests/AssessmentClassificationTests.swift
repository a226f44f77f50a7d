import Testing
@testable import IHubCore

@Suite struct AssessmentClassificationTests {
    /// S1: a leader and five teachers answered selfie (overall 4.0 for the
    /// staff); S2: only area reports (3.0 from 10 teachers); S3: nothing.
    /// Teachers P1, P2, P3 answered digcompedu with 4, 2 and 3 everywhere.
    func classified(_ options: Engine.Options = Engine.Options()) throws -> Engine {
        let e = try assessmentEngine(k: 5)
        _ = try e.call("school.add", ["hub": "EE-ACC", "code": "S3", "name": "Keila School"])
        var responses = try selfieResponses(e, prefix: "T", [4, 4, 4, 3, 4]).array!
        responses += try selfieResponses(e, prefix: "L", group: "leaders", [5]).array!
        responses += try selfieResponses(e, prefix: "St", group: "students", [1, 1, 1, 1, 1, 1]).array!
        _ = try e.call("assessment.submit", ["round": "R1", "instrument": "selfie", "responses": .array(responses)])
        let areas = ["A", "B", "C", "D", "E", "F", "G", "H"]
        _ = try e.call("assessment.report", ["round": "R1", "instrument": "selfie", "results": .array(areas.map {
            ["school": "S2", "group": "teachers", "area": .string($0), "mean": 3.0, "sd": 0.5, "n": 10]
        })])
        var teachers: [JSON] = []
        for (person, value) in [("P1", 4), ("P2", 2), ("P3", 3)] {
            teachers.append(["respondent": .string(person), "school": "S1", "person": .string(person), "group": "teachers",
                             "answers": try uniformAnswers(e, "digcompedu", group: "teachers", .int(Int64(value)))])
        }
        _ = try e.call("assessment.submit", ["round": "R1", "instrument": "digcompedu", "responses": .array(teachers)])
        return e
    }

    func classes(_ e: Engine, _ subject: String) throws -> [String: JSON] {
        var out: [String: JSON] = [:]
        for c in try e.call("classification.list", ["round": "R1", "subject": .string(subject)]).array ?? [] { out[c["code"]!.string!] = c }
        return out
    }

    @Test func schoolsByTheDefaultRule() throws {
        let e = try classified()
        let run = try e.call("classification.run", ["hub": "EE-ACC", "round": "R1", "subject": "school"])
        #expect(run["rule"] == "default" && run["classified"] == 2)
        #expect(run["classes"] == ["advanced": 1, "developing": 1, "beginning": 0])
        #expect(run["skipped"] == [["code": "S3", "reasons": ["no selfie responses or reports in round R1"]]])
        let c = try classes(e, "school")
        #expect(c["S1"]?["class"] == "advanced" && c["S1"]?["rule"] == "default" && c["S1"]?["name"] == "Tartu School")
        #expect(c["S1"]?["reasons"]?.array?.first == "selfie overall 4.00 from 6 teachers and leaders ≥ 3.75")
        #expect(c["S2"]?["class"] == "developing")
        #expect(c["S2"]?["reasons"]?.array?.first == "selfie overall 3.00 from 10 teachers and leaders (10 in area reports): ≥ 2.75 and < 3.75")
        // Thresholds are data: a stricter bar, and the run replaces the classes.
        _ = try e.call("classification.run", ["hub": "EE-ACC", "round": "R1", "subject": "school",
                                              "thresholds": ["advanced": 4.5, "developing": 3.5]])
        let strict = try classes(e, "school")
        #expect(strict["S1"]?["class"] == "developing" && strict["S2"]?["class"] == "beginning" && strict.count == 2)
        #expect(strict["S2"]?["reasons"]?.array?.first == "selfie overall 3.00 from 10 teachers and leaders (10 in area reports) < 3.50")
        // A school needs k teachers and leaders: with k = 7, S1's six are too few.
        _ = try e.call("hub.update", ["code": "EE-ACC", "min_group_size": 7])
        let few = try e.call("classification.run", ["hub": "EE-ACC", "round": "R1", "subject": "school"])
        #expect(few["skipped"]?.array?.first?["reasons"] == ["only 6 teachers and leaders answered selfie in round R1 (fewer than k = 7)"])
    }

    @Test func teachersByTheirDigCompEduLevel() throws {
        let e = try classified()
        let run = try e.call("classification.run", ["hub": "EE-ACC", "round": "R1", "subject": "teacher"])
        #expect(run["classes"] == ["advanced": 1, "developing": 1, "beginning": 1] && run["skipped"] == [])
        let c = try classes(e, "teacher")
        #expect(c["P1"]?["class"] == "advanced" && c["P2"]?["class"] == "beginning" && c["P3"]?["class"] == "developing")
        #expect(c["L1"] == nil)  // a leader, not a teacher
        #expect(c["P1"]?["reasons"]?.array?.first == "digcompedu overall 4.00, level B2 Expert ≥ B2 (3.50)")
        #expect(c["P2"]?["reasons"]?.array?.first == "digcompedu overall 2.00, level A2 Explorer < B1 (2.50)")
        #expect(c["P3"]?["reasons"]?.array?.first == "digcompedu overall 3.00, level B1 Integrator: ≥ B1 (2.50) and < B2 (3.50)")
        // School classes are kept when teachers are classified.
        _ = try e.call("classification.run", ["hub": "EE-ACC", "round": "R1", "subject": "school"])
        _ = try e.call("classification.run", ["hub": "EE-ACC", "round": "R1", "subject": "teacher", "thresholds": ["advanced": "C1"]])
        #expect(try classes(e, "teacher")["P1"]?["class"] == "developing" && (try classes(e, "school")).count == 2)
        let bad = failure { try e.call("classification.run", ["hub": "EE-ACC", "round": "R1", "subject": "teacher", "thresholds": ["advanced": "Z9"]]) }
        #expect(bad?.message == "params.thresholds.advanced: expected a digcompedu level (A1, A2, B1, B2, C1, C2) for teachers, got \"Z9\"")
        #expect(failure { try e.call("classification.run", ["hub": "EE-ACC", "round": "R9", "subject": "teacher"]) }?.status == .notFound)
    }

    static let override = """
        function classify(subject, a)
          if subject.kind ~= "school" then return nil end
          local staff = a.selfie and a.selfie.staff
          if not staff then return nil, {"no staff answers"} end
          if staff.overall.mean >= 3.9 and staff.overall.n >= 6 then
            return "mentor", {string.format("staff overall %.1f from %d", staff.overall.mean, staff.overall.n)}
          end
          return "mentee", "staff overall below 3.9"
        end
        """

    @Test func aHubScriptReplacesTheRule() throws {
        let e = try classified()
        let stored = try e.call("script.set", ["hub": "EE-ACC", "name": "classify", "source": .string(Self.override)])
        #expect(stored["hash"]?.string == FNV1a.hex(Self.override))
        let run = try e.call("classification.run", ["hub": "EE-ACC", "round": "R1", "subject": "school"])
        #expect(run["rule"]?.string == "script:" + FNV1a.hex(Self.override))
        #expect(run["classes"] == ["mentor": 1, "mentee": 1])
        #expect(run["skipped"] == [["code": "S3", "reasons": ["no staff answers"]]])
        let c = try classes(e, "school")
        #expect(c["S1"]?["class"] == "mentor" && c["S1"]?["reasons"] == ["staff overall 4.0 from 6"])
        #expect(c["S2"]?["class"] == "mentee" && c["S2"]?["reasons"] == ["staff overall below 3.9"])
        #expect(c["S1"]?["rule"] == run["rule"])
        // Removing the script brings back the default rule.
        _ = try e.call("script.remove", ["hub": "EE-ACC", "name": "classify"])
        #expect(try e.call("classification.run", ["hub": "EE-ACC", "round": "R1", "subject": "school"])["rule"] == "default")
    }

    @Test func aFailingScriptStoresNothing() throws {
        let e = try classified(try Engine.Options(json: ["script_time_ms": 100]))
        _ = try e.call("classification.run", ["hub": "EE-ACC", "round": "R1", "subject": "school"])
        let before = try e.call("classification.list", ["round": "R1"])
        #expect(before.array?.count == 2)
        let failing: [(String, Status, String)] = [
            ("function classify(s, a) error('no rule for ' .. s.code) end", .script, "EE-ACC/classify:1: no rule for S1"),
            ("function classify(s, a) while true do end end", .limit, "time limit"),
            ("function classify(s, a) return 5 end", .script,
             "EE-ACC/classify: classify(school 'S1'): the class is an integer; expected a name of up to 64 bytes, or nil"),
            ("function classify(s, a) return 'x', {1} end", .script, "reason 1 is an integer"),
            ("local rule = 1", .script, "EE-ACC/classify: the script defines no function classify(subject, assessments)"),
        ]
        for (source, status, words) in failing {
            _ = try e.call("script.set", ["hub": "EE-ACC", "name": "classify", "source": .string(source)])
            let error = failure { try e.call("classification.run", ["hub": "EE-ACC", "round": "R1", "subject": "school"]) }
            #expect(error?.status == status, "\(source)")
            #expect(error?.message.contains(words) == true, "\(error?.message ?? "no error")")
            #expect(try e.call("classification.list", ["round": "R1"]) == before)
        }
    }

    @Test func hubScriptsAreStoredWithTheirHash() throws {
        let e = try engineWithHub()
        // FNV-1a 64 reference values.
        #expect(FNV1a.hex("") == "cbf29ce484222325" && FNV1a.hex("a") == "af63dc4c8601ec8c" && FNV1a.hex("foobar") == "85944171f73967e8")
        _ = try e.call("script.set", ["hub": "EE-ACC", "name": "classify", "source": "function classify() end"])
        _ = try e.call("script.set", ["hub": "EE-ACC", "name": "classify", "source": "function classify() return 'x' end"])
        let got = try e.call("script.get", ["hub": "EE-ACC", "name": "classify"])
        #expect(got["source"] == "function classify() return 'x' end" && got["hash"]?.string == FNV1a.hex("function classify() return 'x' end"))
        #expect(try e.call("script.list", ["hub": "EE-ACC"]).array?.map { $0["name"] } == ["classify"])
        let syntax = failure { try e.call("script.set", ["hub": "EE-ACC", "name": "pairing", "source": "function ("]) }
        #expect(syntax?.status == .script && syntax?.message.hasPrefix("EE-ACC/pairing:1:") == true)
        #expect(try e.call("script.list").array?.count == 1)
        #expect(failure { try e.call("script.set", ["hub": "EE-ACC", "name": "Bad Name", "source": ""]) }?.status == .invalid)
        #expect(failure { try e.call("script.get", ["hub": "EE-ACC", "name": "nope"]) }?.message == "params.name: hub EE-ACC has no script 'nope'")
    }
}
