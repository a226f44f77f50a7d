import Testing
@testable import IHubCore

@Suite struct AssessmentInstrumentTests {
    static let rubric = """
        -- A five-level school maturity rubric, answered by the development team.
        local levels = {"digitally unaware", "emerging", "developing", "established", "digitally mature"}
        return {
          code = "rubric5", name = "School digital maturity rubric", subject = "school",
          scale = {min = 1, max = 5, labels = levels},
          groups = {"leaders"},
          levels = {
            {code = "L1", name = levels[1], min = 1}, {code = "L2", name = levels[2], min = 1.8},
            {code = "L3", name = levels[3], min = 2.6}, {code = "L4", name = levels[4], min = 3.4},
            {code = "L5", name = levels[5], min = 4.2},
          },
          areas = {
            {code = "V", name = "Vision", items = {{code = "V1", text = "The school has a shared digital vision."},
                                                   {code = "V2", text = "The vision guides planning."}}},
            {code = "I", name = "Infrastructure", items = {{code = "I1", text = "Devices and network serve teaching."}}},
          },
        }
        """

    static let selfTest = """
        -- Estonia's 9-question school self-test: the score is the number of yes answers.
        local items = {}
        for i = 1, 9 do items[i] = {code = "Q" .. i, text = "Question " .. i} end
        helper_left_behind = true
        return {
          code = "ee-selftest", name = "School self-test (9 questions)", subject = "school",
          scale = {min = 0, max = 1, labels = {"no", "yes"}},
          areas = {{code = "S", name = "Self-test", items = items}},
          score = function(answers)
            local yes = 0
            for i = 1, 9 do if answers["Q" .. i] == 1 then yes = yes + 1 end end
            return yes
          end,
        }
        """

    @Test func builtinsAreRegisteredOnceWithTheirData() throws {
        let path = temporaryDirectory() + "/i.db"
        let e = try Engine(path: path)
        let list = try e.call("instrument.list").array ?? []
        #expect(list.map { $0["code"] } == ["selfie", "digcompedu"])
        #expect(list[0]["areas"] == 8 && list[0]["subject"] == "school" && list[0]["builtin"] == true)
        #expect(list[1]["areas"] == 6 && list[1]["items"] == 22 && list[1]["levels"] == ["A1", "A2", "B1", "B2", "C1", "C2"])
        let selfie = try Instrument.load(e.db, code: "selfie", at: "t")
        #expect(selfie.areas.map(\.code) == ["A", "B", "C", "D", "E", "F", "G", "H"])
        #expect(selfie.areas.allSatisfy { (3...5).contains($0.items.count) })
        #expect(selfie.scale.labels.first == "strongly disagree" && selfie.scale.labels.last == "strongly agree")
        let digcompedu = try e.call("instrument.get", ["code": "digcompedu"])
        #expect(digcompedu["definition"]?["levels"]?.array?.map { $0["statement"] } ==
                ["I am aware", "I have tried", "I use", "I analyse and select", "I reflect on", "I initiate"])
        e.close()
        let again = try Engine(path: path)
        #expect(try again.db.scalarInt("SELECT count(*) FROM instruments") == 2)
        #expect(try again.call("instrument.list", ["subject": "teacher"]).array?.map { $0["code"] } == ["digcompedu"])
    }

    @Test func rubricDeclaredInLuaBecomesData() throws {
        let e = try engineWithHub()
        let made = try e.call("instrument.define", ["source": .string(Self.rubric), "hub": "EE-ACC"])
        #expect(made["code"] == "rubric5" && made["hub"] == "EE-ACC" && made["builtin"] == false)
        #expect(made["source_hash"]?.string == FNV1a.hex(Self.rubric))
        #expect(made["definition"]?["areas"]?.array?.count == 2)
        #expect(made["definition"]?["levels"]?.array?[1]["min"] == 1.8)
        let rubric = try Instrument.load(e.db, code: "rubric5", at: "t")
        #expect(rubric.level(of: 3.4)?.name == "established" && rubric.level(of: 3.39)?.code == "L3")
        #expect(rubric.groups == RespondentGroup.leaders.bit)
        #expect(try e.call("instrument.list", ["hub": "EE-ACC"]).array?.count == 3)
        _ = try e.call("hub.add", ["code": "FI-TRE", "name": "Tampere", "country": "FI"])
        #expect(try e.call("instrument.list", ["hub": "FI-TRE"]).array?.count == 2)
        // A hub's instrument is for its own rounds only.
        _ = try e.call("school.add", ["hub": "FI-TRE", "code": "F1", "name": "Tampere School"])
        _ = try e.call("round.add", ["hub": "FI-TRE", "code": "FR1", "name": "Round 1"])
        let elsewhere = failure { try e.call("assessment.submit", ["round": "FR1", "instrument": "rubric5", "responses": [
            ["respondent": "x", "school": "F1", "group": "leaders", "answers": ["V1": 3]]]]) }
        #expect(elsewhere?.message == "params.instrument: instrument 'rubric5' belongs to another hub than FI-TRE of round 'FR1'")
    }

    @Test func selfTestScoresThroughItsLuaFunction() throws {
        let e = try assessmentEngine()
        _ = try e.call("instrument.define", ["source": .string(Self.selfTest)])
        #expect(try e.call("instrument.get", ["code": "ee-selftest"])["definition"]?["score_function"] == true)
        var answers: [JSON.Member] = (1...5).map { .init("Q\($0)", 1) } + (6...8).map { .init("Q\($0)", 0) }
        answers.append(.init("Q9", "na"))
        _ = try e.call("assessment.submit", ["round": "R1", "instrument": "ee-selftest", "responses": [
            ["respondent": "T1", "school": "S1", "group": "leaders", "answers": .object(answers)],
        ]])
        let scores = try e.call("assessment.scores", ["round": "R1", "instrument": "ee-selftest"])
        #expect(scores["overall"] == "the score function of ee-selftest")
        let r = scores["responses"]?.array?.first
        #expect(r?["overall"] == 5.0)
        #expect(r?["areas"]?["S"]?["mean"] == .double(5.0 / 8.0) && r?["areas"]?["S"]?["na"] == 1)
        // The declaration ran in its own environment: nothing is left in the globals.
        #expect(try e.call("script.eval", ["source": "return helper_left_behind == nil"])["values"] == [true])
        // A methodology script cannot have them scored: the one methodology state is running it.
        let nested = failure { try e.call("script.eval", ["source": "return ihub.assessment.scores{round = 'R1', instrument = 'ee-selftest'}"]) }
        #expect(nested?.message.contains("ee-selftest: its score function runs in the methodology context, which is busy") == true)
    }

    func defineError(_ source: String) -> IHubError? {
        let e = try! engineWithHub()
        return failure { try e.call("instrument.define", ["source": .string(source)]) }
    }

    static func declaration(areas: String, scale: String = "{min = 1, max = 5}", extra: String = "") -> String {
        "return {code = 'x', name = 'X', subject = 'school', scale = \(scale), areas = \(areas) \(extra)}"
    }

    @Test func declarationErrorsNameTheFieldPath() {
        let area = "{code = 'A', name = 'a', items = {{code = 'A1', text = 't'}}}"
        let cases: [(String, String)] = [
            (Self.declaration(areas: "{\(area), {code = 'B', name = 'b', items = {{code = 'B1', text = 't'}}}, {code = 'C', name = 'c', items = {{code = 1, text = 't'}}}}"),
             "instrument.areas[2].items[0].code: expected a string, got an integer"),
            (Self.declaration(areas: "{\(area)}", scale: "{min = 5, max = 1}"), "instrument.scale.max: must be above min (5)"),
            (Self.declaration(areas: "{\(area)}", scale: "{min = 1, max = 3, labels = {'a', 'b'}}"),
             "instrument.scale.labels: 2 labels for 3 scores (1..3)"),
            (Self.declaration(areas: "{\(area), {code = 'B', name = 'b', items = {{code = 'A1', text = 't'}}}}"),
             "instrument.areas[1].items[0].code: item 'A1' is declared twice (item codes are unique in an instrument)"),
            (Self.declaration(areas: "{}"), "instrument.areas: an instrument needs at least one area"),
            (Self.declaration(areas: "{{code = 'A', name = 'a', items = {}}}"), "instrument.areas[0].items: an area needs at least one item"),
            (Self.declaration(areas: "{\(area)}", extra: ", levels = {{code = 'L1', name = 'l', min = 2}, {code = 'L2', name = 'm', min = 1}}"),
             "instrument.levels[1].min: cut-offs must rise: 1.0 is not above 2.0 of L1"),
            (Self.declaration(areas: "{{code = 'A', name = 'a', groups = {'leaders'}, items = {{code = 'A1', text = 't', groups = {'students'}}}}}"),
             "instrument.areas[0].items[0].groups[0]: 'students' is not among the enclosing groups (leaders)"),
            (Self.declaration(areas: "{\(area)}", extra: ", score = 5"), "instrument.score: expected a function, got a number"),
            (Self.declaration(areas: "{\(area)}", extra: ", colour = 'red'"),
             "instrument.colour: unknown field (known: code, name, subject, scale, groups, levels, areas, score_function)"),
            ("return {code = 'x', subject = 'school', scale = {min = 1, max = 5}, areas = {\(area)}}",
             "instrument.name: missing (the instrument's name)"),
        ]
        for (source, message) in cases {
            let error = defineError(source)
            #expect(error?.status == .invalid, "\(source)")
            #expect(error?.message == message)
        }
    }

    @Test func scriptFailuresAreScriptErrors() {
        #expect(defineError("return 42")?.message == "instrument: the declaration must return a table (the instrument), not number")
        let syntax = defineError("return {code = }")
        #expect(syntax?.status == .script && syntax?.message.hasPrefix("instrument:1:") == true)
        let runtime = defineError("local t = nil\nreturn t.x")
        #expect(runtime?.status == .script && runtime?.message.contains("instrument:2:") == true)
        let e = try! freshEngine(options: try! Engine.Options(json: ["script_time_ms": 100]))
        #expect(failure { try e.call("instrument.define", ["source": "while true do end"]) }?.status == .limit)
        #expect(try! e.call("instrument.list").array?.count == 2)
    }

    @Test func redeclarationKeepsWhatIsStoredAndOwnership() throws {
        let e = try assessmentEngine()
        #expect(failure { try e.call("instrument.define", ["source": "return {code = 'selfie', name = 's', subject = 'school', scale = {min = 1, max = 5}, areas = {{code = 'A', name = 'a', items = {{code = 'A1', text = 't'}}}}}"]) }?.status == .conflict)
        _ = try e.call("instrument.define", ["source": .string(Self.rubric), "hub": "EE-ACC"])
        _ = try e.call("assessment.submit", ["round": "R1", "instrument": "rubric5", "responses": [
            ["respondent": "L1", "school": "S1", "group": "leaders", "answers": ["V1": 3, "I1": 4]],
        ]])
        let dropped = Self.rubric.replacingOccurrences(of: "{code = \"I1\", text = \"Devices and network serve teaching.\"}",
                                                       with: "{code = \"I2\", text = \"Renamed.\"}")
        #expect(dropped != Self.rubric)
        let error = failure { try e.call("instrument.define", ["source": .string(dropped), "hub": "EE-ACC"]) }
        #expect(error?.status == .conflict && error?.message == "instrument.areas: item 'I1' has stored answers; keep it in the declaration")
        // A new wording of the same items is fine; another hub may not take the code.
        let reworded = Self.rubric.replacingOccurrences(of: "School digital maturity rubric", with: "Maturity rubric v2")
        #expect(try e.call("instrument.define", ["source": .string(reworded), "hub": "EE-ACC"])["name"] == "Maturity rubric v2")
        _ = try e.call("hub.add", ["code": "FI-TRE", "name": "Tampere", "country": "FI"])
        #expect(failure { try e.call("instrument.define", ["source": .string(reworded), "hub": "FI-TRE"]) }?.status == .conflict)
    }
}

extension String {
    /// Test helper: plain substring replacement without Foundation.
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var out = "", rest = Substring(self)
        while let range = rest.firstRange(of: target) {
            out += rest[..<range.lowerBound] + replacement
            rest = rest[range.upperBound...]
        }
        return out + rest
    }
}
