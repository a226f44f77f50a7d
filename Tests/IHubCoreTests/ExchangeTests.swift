import Testing
@testable import IHubCore

#if canImport(Glibc)
import Glibc
#endif

/// CSV import and export through the method table: the bad-file catalogue,
/// encodings and separators, idempotence, dry runs, and the round trip.
@Suite struct ExchangeTests {
    /// Everything the database holds, for "unchanged" checks.
    func everything(_ e: Engine) throws -> JSON { try e.call("export.json") }

    func importText(_ e: Engine, _ kind: String, _ text: String, dryRun: Bool = false) throws -> JSON {
        try e.call("import.csv", ["kind": .string(kind), "text": .string(text), "dry_run": .bool(dryRun)])
    }

    func exportText(_ e: Engine, _ kind: String, hub: String? = nil) throws -> String {
        var p: [JSON.Member] = [.init("kind", .string(kind))]
        if let hub { p.append(.init("hub", .string(hub))) }
        return try e.call("export.csv", .object(p))["csv"]!.string!
    }

    /// A hub with two schools and a person, from engineWithHub.
    func engine() throws -> Engine {
        let e = try engineWithHub()
        _ = try e.call("person.add", ["hub": "EE-ACC", "code": "P1", "name": "Kadri Tamm", "roles": ["teacher"],
                                      "memberships": [["school": "S1"]]])
        return e
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var testDescription: String { name }
        let name: String
        let kind: String
        let bytes: [UInt8]
        /// The start of the message after "text: ".
        let expected: String
        var status: Status = .invalid
    }

    static let good = "hub,code,name,size\nEE-ACC,S7,Keila Kool,310\n"

    static let catalogue: [Case] = [
        Case(name: "missing column", kind: "schools", bytes: Array("hub,name,size\nEE-ACC,Keila,310\n".utf8),
             expected: "line 1: missing column 'code' (stable external code of the school)"),
        Case(name: "a new record without a column it needs", kind: "schools", bytes: Array("hub,code,size\nEE-ACC,S7,310\n".utf8),
             expected: "line 2: 'S7' is a new school: it needs name, which the file has no column for"),
        Case(name: "unknown column", kind: "schools", bytes: Array("hub,code,name,colour\nEE-ACC,S7,Keila,red\n".utf8),
             expected: "line 1, column 4 (colour): unknown column (known: hub, code, name, level"),
        Case(name: "wrong type", kind: "schools", bytes: Array((good + "EE-ACC,S8,Elva,many\n").utf8),
             expected: "line 3, column 4 (size): expected a whole number, got \"many\""),
        Case(name: "bad date", kind: "rounds", bytes: Array("hub,code,name,start\nEE-ACC,R1,Round 1,2024-09-01\nEE-ACC,R2,Round 2,31.01.2025\n".utf8),
             expected: "line 3, column 4 (start): bad date: expected YYYY-MM-DD, got \"31.01.2025\""),
        Case(name: "duplicate code", kind: "schools", bytes: Array((good + "EE-ACC,S8,Elva,1\nEE-ACC,S7,Keila again,2\n").utf8),
             expected: "line 4, column 2 (code): duplicate code 'S7' (also on line 2)", status: .conflict),
        Case(name: "unknown school", kind: "people", bytes: Array("hub,code,name,schools\nEE-ACC,P2,Mari,S1\nEE-ACC,P3,Jaan,S2|NOPE\n".utf8),
             expected: "line 3, column 4 (schools): no school with code 'NOPE'", status: .notFound),
        Case(name: "unknown hub", kind: "schools", bytes: Array((good + "XX-NONE,S8,Elva,1\n").utf8),
             expected: "line 3, column 1 (hub): no hub with code 'XX-NONE'", status: .notFound),
        Case(name: "broken quoting", kind: "schools", bytes: Array((good + "EE-ACC,S8,Elva \"Old\" Kool,1\n").utf8),
             expected: "line 3, column 3 (name): broken quoting"),
        Case(name: "unclosed quote", kind: "schools", bytes: Array((good + "EE-ACC,S8,\"Elva,1\nEE-ACC,S9,Saue,2\n").utf8),
             expected: "line 3, column 3 (name): a quoted field is not closed before the end of the file"),
        Case(name: "invalid UTF-8", kind: "schools", bytes: Array((good + "EE-ACC,S8,").utf8) + [0x45, 0x6C, 0xFC, 0x61] + Array(",1\n".utf8),
             expected: "line 3, column 3 (name): invalid UTF-8"),
        Case(name: "empty file", kind: "schools", bytes: [], expected: "line 1: empty file"),
        Case(name: "over-long line", kind: "schools",
             bytes: Array((good + "EE-ACC,S8," + String(repeating: "x", count: 3 << 20) + ",1\n").utf8),
             expected: "line 3, column 3 (name): record longer than 1 MiB", status: .limit),
        Case(name: "missing value", kind: "schools", bytes: Array((good + "EE-ACC,S8,,1\n").utf8),
             expected: "line 3, column 3 (name): missing value (the school's name; 'S8' is a new school)"),
        Case(name: "too few fields", kind: "schools", bytes: Array((good + "EE-ACC,S8\n").utf8),
             expected: "line 3, column 3 (name): 2 fields where the header has 4"),
        Case(name: "out of range", kind: "schools", bytes: Array("hub,code,name,latitude\nEE-ACC,S8,Elva,91\n".utf8),
             expected: "line 2, column 4 (latitude): must be between -90 and 90"),
        Case(name: "end before start", kind: "rounds", bytes: Array("hub,code,name,start,end\nEE-ACC,R1,R,2025-01-01,2024-12-31\n".utf8),
             expected: "line 2, column 5 (end): 2024-12-31 is before the start 2025-01-01"),
        Case(name: "hub of a record cannot change", kind: "people", bytes: Array("hub,code,name\nEE-ACC,P2,Mari\nFI-TRE,P1,Kadri\n".utf8),
             expected: "line 3, column 2 (code): code 'P1' is already used by person 'Kadri Tamm' of hub 'EE-ACC'; codes are unique in a database",
             status: .constraint),
    ]

    @Test(arguments: catalogue)
    func badFileIsRejectedAndChangesNothing(_ c: Case) throws {
        let e = try engine()
        _ = try e.call("hub.add", ["code": "FI-TRE", "name": "Tampere", "country": "FI"])
        let before = try everything(e)
        // From a file, and (when the bytes are valid UTF-8, as JSON strings
        // must be) from text.
        let dir = temporaryDirectory()
        writeFile(dir + "/bad.csv", c.bytes)
        var sources: [(JSON, String)] = [(["kind": .string(c.kind), "path": .string(dir + "/bad.csv")], dir + "/bad.csv")]
        if c.name != "invalid UTF-8" {
            sources.append((["kind": .string(c.kind), "text": .string(String(decoding: c.bytes, as: UTF8.self))], "text"))
        }
        for (params, source) in sources {
            let error = failure { try e.call("import.csv", params) }
            #expect(error?.status == c.status, "\(c.name): \(error?.message ?? "accepted")")
            #expect(error?.message.hasPrefix("\(source): \(c.expected)") == true, "\(c.name): \(error?.message ?? "accepted")")
            #expect(try everything(e) == before, "\(c.name): the database changed")
        }
    }

    @Test func theFirstProblemsComeTogether() throws {
        let e = try engine()
        let text = "hub,code,name,size,level\n" + (1...9).map { "EE-ACC,X\($0),School \($0),minus \($0),primary" }.joined(separator: "\n")
        let error = failure { try importText(e, "schools", text) }
        #expect(error?.message.hasPrefix("text: 9 problems: line 2, column 4 (size)") == true)
        #expect(error?.message.contains("; line 6, column 4 (size): expected a whole number, got \"minus 5\"; and 4 more") == true)
        #expect(error?.message.contains("line 7") == false)
        #expect(error?.details?.array?.count == 9)
        let two = failure { try importText(e, "schools", "hub,code,name,size,level\nEE-ACC,X1,A,1,kindergarten\nEE-ACC,X2,B,-3,primary\n") }
        #expect(two?.message == "text: 2 problems: line 2, column 5 (level): \"kindergarten\" is not one of primary, lower_secondary, "
                + "upper_secondary, vet, other; line 3, column 4 (size): must be 0 or more")
        #expect(try e.call("school.list").array?.count == 2)
    }

    @Test func bomSemicolonsAndDecimalCommas() throws {
        let e = try engine()
        let text = "\u{FEFF}hub;code;name;latitude;languages\nEE-ACC;S7;\"Tõravere; Kool\";58,26;et | ru\n"
        let report = try importText(e, "schools", text)
        #expect(report["delimiter"] == ";" && report["inserted"] == 1)
        let school = try e.call("school.get", ["code": "S7"])
        #expect(school["name"] == "Tõravere; Kool" && school["latitude"] == 58.26 && school["languages"] == ["et", "ru"])
        // A file path with a BOM reads the same; an explicit delimiter wins.
        let dir = temporaryDirectory()
        writeFile(dir + "/s.csv", [0xEF, 0xBB, 0xBF] + Array("hub,code,name\nEE-ACC,S8,Saue\n".utf8))
        #expect(try e.call("import.csv", ["kind": "schools", "path": .string(dir + "/s.csv")])["inserted"] == 1)
        let forced = failure { try e.call("import.csv", ["kind": "schools", "text": "hub,code,name\nEE-ACC,S9,x\n", "delimiter": ";"]) }
        #expect(forced?.message.hasPrefix("text: 2 problems: line 1: missing column 'code'") == true)
        #expect(forced?.message.contains("; line 1, column 1 (hub,code,name): unknown column") == true)
    }

    @Test func reimportChangesNothingAndUpdatesWhatChanged() throws {
        let e = try engine()
        let people = "hub,code,name,email,roles,schools,subjects\n"
            + "EE-ACC,P2,Mari Saar,mari@example.org,teacher|mentor,S1|S2,maths|physics\n"
            + "EE-ACC,P3,Jaan Sepp,,school_leader,S2,\n"
        let first = try importText(e, "people", people)
        #expect(first["inserted"] == 2 && first["updated"] == 0 && first["rows"] == 2)
        let second = try importText(e, "people", people)
        #expect(second["inserted"] == 0 && second["updated"] == 0 && second["unchanged"] == 2)
        let mari = try e.call("person.get", ["code": "P2"])
        #expect(mari["roles"] == ["mentor", "teacher"] && mari["subjects"] == ["maths", "physics"])
        #expect(mari["memberships"]?.array?.compactMap { $0["school"] } == ["S1", "S2"])
        // One change: one update; the empty email cell leaves the email as it is.
        let changed = people.replacingFirst("Jaan Sepp", "Jaan Sepp-Kask")
        let third = try importText(e, "people", changed)
        #expect(third["updated"] == 1 && third["unchanged"] == 1)
        #expect(try e.call("person.get", ["code": "P3"])["name"] == "Jaan Sepp-Kask")
    }

    @Test func dryRunReportsAndChangesNothing() throws {
        let e = try engine()
        let before = try everything(e)
        let text = "hub,code,name,size\nEE-ACC,S1,Tartu School,400\nEE-ACC,S2,Elva Kool,\nEE-ACC,S3,Keila,90\n"
        let dry = try importText(e, "schools", text, dryRun: true)
        #expect(dry["dry_run"] == true && dry["rows"] == 3)
        #expect(dry["inserted"] == 1 && dry["updated"] == 1 && dry["unchanged"] == 1)
        #expect(try everything(e) == before)
        let real = try importText(e, "schools", text)
        #expect(real["inserted"] == 1 && real["updated"] == 1 && real["unchanged"] == 1 && real["dry_run"] == false)
        #expect(try everything(e) != before)
        // A dry run of a bad file fails as the import would.
        let bad = try importText(e, "schools", "hub,name\n", dryRun: true)
        #expect(bad["valid"] == false && bad["problems"]?.array?.first?["message"]?.string?.hasPrefix("missing column 'code'") == true)
    }

    /// A realistic region with every kind of record.
    func region() throws -> Engine {
        let e = try freshEngine()
        _ = try e.call("demo.populate", ["seed": 3, "assessments": false])
        _ = try e.call("hub.update", ["code": "EE-ACC", "target_schools": 75, "target_teachers": 600])
        _ = try e.call("round.add", ["hub": "EE-ACC", "code": "EE-R1", "name": "2024/25, round 1", "start": "2024-09-01", "end": "2025-01-31"])
        _ = try e.call("round.add", ["hub": "GE-IMR", "code": "GE-R1", "name": "Pilot"])
        _ = try e.call("stakeholder.add", ["hub": "EE-ACC", "code": "TLN", "name": "Tallinn, \"Education\" Board", "kind": "municipality",
                                           "contact": "Line one\nline two"])
        _ = try e.call("stakeholder.add", ["hub": "NO-TRD", "code": "NTNU", "name": "NTNU", "kind": "university"])
        _ = try e.call("engagement.add", ["stakeholder": "TLN", "date": "2024-10-02", "kind": "meeting", "school": "EE-ACC-S01",
                                          "note": " anchoring meeting; agreed on 3 pairs "])
        _ = try e.call("engagement.add", ["stakeholder": "NTNU", "date": "2024-11-15", "kind": "agreement"])
        _ = try e.call("team.add", ["school": "EE-ACC-S01", "person": "EE-ACC-P0001", "position": "principal", "start": "2024-09-01"])
        _ = try e.call("team.add", ["school": "EE-ACC-S01", "person": "EE-ACC-P0002", "position": "ict_support"])
        _ = try e.call("team.end", ["school": "EE-ACC-S01", "person": "EE-ACC-P0002", "end": "2025-06-30"])
        // Assessments: selfie answers with na and pnts, a teacher's
        // digcompedu self-reflection, and a result known only as a report.
        var responses: [JSON] = []
        for r in 1...6 {
            var answers: [JSON.Member] = [.init("A1", .int(Int64(1 + r % 5))), .init("A2", "na"), .init("B1", .int(3)),
                                          .init("H5", r == 3 ? "pnts" : .int(Int64(r % 5 + 1)))]
            if r % 2 == 0 { answers.append(.init("C1", 4)) }
            responses.append(["respondent": .string("T\(r)"), "school": .string(r <= 3 ? "EE-ACC-S01" : "EE-ACC-S02"),
                              "group": "teachers", "answers": .object(answers)])
        }
        _ = try e.call("assessment.submit", ["round": "EE-R1", "instrument": "selfie", "responses": .array(responses)])
        _ = try e.call("assessment.submit", ["round": "EE-R1", "instrument": "digcompedu", "responses": [
            ["respondent": "EE-ACC-P0003", "school": "EE-ACC-S01", "person": "EE-ACC-P0003", "group": "teachers",
             "answers": ["1.1": 3, "1.2": 5, "2.1": "na"]],
        ]])
        _ = try e.call("assessment.report", ["round": "EE-R1", "instrument": "selfie", "results": [
            ["school": "EE-ACC-S03", "group": "students", "area": "F", "mean": 3.4, "sd": 0.8, "n": 41],
            ["school": "EE-ACC-S03", "group": "leaders", "area": "A", "mean": 4, "n": 3],
        ]])
        return e
    }

    /// How many rows an import says it took in.
    func loaded(_ report: JSON) -> Int64? {
        report["answers"]?.int ?? report["results"]?.int ?? report["inserted"]?.int
    }

    @Test func roundTripGivesEqualFiles() throws {
        let a = try region()
        let kinds = ExchangeKind.names
        var files: [String: String] = [:]
        for kind in kinds { files[kind] = try exportText(a, kind) }
        #expect(files["people"]!.split(separator: "\r\n").count > 600)
        #expect(files["stakeholders"]!.contains("\"Tallinn, \"\"Education\"\" Board\",municipality,\"Line one\nline two\""))
        let b = try freshEngine()
        #expect(files["responses"]!.contains("EE-R1,selfie,T3,EE-ACC-S01,,teachers,H5,pnts\r\n"))
        #expect(files["responses"]!.contains("EE-R1,digcompedu,EE-ACC-P0003,EE-ACC-S01,EE-ACC-P0003,teachers,2.1,na\r\n"))
        #expect(files["area_results"]!.contains("EE-R1,selfie,EE-ACC-S03,students,F,3.4,0.8,41\r\n"))
        for kind in kinds {
            let report = try importText(b, kind, files[kind]!)
            let rows = kind == "responses_wide" ? report["responses"]?.int : loaded(report)
            #expect(rows == Int64(files[kind]!.split(separator: "\r\n").count - 1), "\(kind)")
        }
        for kind in kinds { #expect(try exportText(b, kind) == files[kind]!, "\(kind) differs after the round trip") }
        let aggregate = ["round": "EE-R1", "instrument": "selfie"] as JSON
        #expect(try b.call("assessment.aggregate", aggregate) == a.call("assessment.aggregate", aggregate))
        // Once more into the same database: nothing changes (responses are
        // replaced by the same answers).
        let before = try exportText(b, "responses")
        for kind in kinds {
            let report = try importText(b, kind, files[kind]!)
            #expect(report["inserted"] ?? 0 == 0 && report["updated"] ?? 0 == 0 && report["created"] ?? 0 == 0, "\(kind): \(report)")
        }
        #expect(try exportText(b, "responses") == before)
        // One hub alone makes the trip too.
        let c = try freshEngine()
        for kind in kinds { _ = try importText(c, kind, try exportText(a, kind, hub: "EE-ACC")) }
        for kind in kinds { #expect(try exportText(c, kind) == exportText(a, kind, hub: "EE-ACC"), "\(kind), one hub") }
        #expect(try c.call("hub.list").array?.count == 1)
    }

    @Test func responsesInTheLongFormat() throws {
        let e = try assessmentEngine()
        let header = "round,instrument,respondent,school,person,group,item,answer\n"
        let text = header + """
            R1,selfie,T1,S1,,teachers,A1,4
            R1,selfie,T1,S1,,teachers,A2,NA
            R1,selfie,T2,S1,,teachers,A1,2
            R1,selfie,T1,S1,,teachers,A3,pnts
            R1,digcompedu,D1,S1,P1,teachers,1.1,B1
            R1,digcompedu,D1,S1,P1,teachers,1.2,6

            """
        let report = try importText(e, "responses", text)
        #expect(report["rows"] == 6 && report["responses"] == 3 && report["created"] == 3 && report["answers"] == 6)
        let scores = try e.call("assessment.scores", ["round": "R1", "instrument": "digcompedu", "person": "P1"])
        #expect(scores.serialized().contains("\"1.1\""))
        let exported = try exportText(e, "responses")
        #expect(exported.contains("R1,selfie,T1,S1,,teachers,A2,na\r\n") && exported.contains("R1,digcompedu,D1,S1,P1,teachers,1.1,3\r\n"))
        // Again: the same respondents, replaced by the same answers.
        let again = try importText(e, "responses", text)
        #expect(again["created"] == 0 && again["replaced"] == 3)
        #expect(try exportText(e, "responses") == exported)

        let reports = try importText(e, "area_results", "round;instrument;school;group;area;mean;sd;n\nR1;selfie;S2;students;F;3,5;;40\n")
        #expect(reports["results"] == 1)
        #expect(try exportText(e, "area_results") == "round,instrument,school,group,area,mean,sd,n\r\nR1,selfie,S2,students,F,3.5,,40\r\n")
    }

    @Test func badResponseFilesSayWhere() throws {
        let e = try assessmentEngine()
        let before = try everything(e)
        let header = "round,instrument,respondent,school,person,group,item,answer\n"
        let cases: [(String, String)] = [
            ("R1,selfie,T1,S1,,teachers,A1,7", "line 2, column 8 (answer): 7 is outside the scale 1..5"),
            ("R1,selfie,T1,S1,,teachers,Z9,3", "line 2, column 7 (item): unknown item 'Z9'"),
            ("R1,selfie,T1,S1,,teachers,A1,often", "line 2, column 8 (answer): expected a score 1..5, \"na\" or \"pnts\", got \"often\""),
            ("R9,selfie,T1,S1,,teachers,A1,3", "line 2, column 1 (round): no round with code 'R9'"),
            ("R1,nope,T1,S1,,teachers,A1,3", "line 2, column 2 (instrument): no instrument with code 'nope'"),
            ("R1,selfie,T1,S9,,teachers,A1,3", "line 2, column 4 (school): no school with code 'S9'"),
            ("R1,selfie,T1,S1,,parents,A1,3", "line 2, column 6 (group): expected one of leaders, teachers, students, got \"parents\""),
            ("R1,selfie,,S1,,teachers,A1,3", "line 2, column 3 (respondent): missing value"),
            ("R1,selfie,T1,S1,,teachers,A1,3\nR1,selfie,T1,S2,,teachers,A2,3",
             "line 3, column 4 (school): respondent 'T1' is given with school 'S1' before, 'S2' here"),
            ("R1,selfie,T1,S1,,teachers,A1,3\nR1,selfie,T1,S1,,teachers,A1,4", "line 3, column 8 (answer): item A1 is answered twice"),
            ("R1,digcompedu,D1,S1,,teachers,1.1,3", "line 2, column 5 (person): missing"),
            ("R1,digcompedu,D1,S2,P1,teachers,1.1,3", "line 2, column 5 (person): person 'P1' does not belong to school 'S2'"),
        ]
        for (rows, expected) in cases {
            let error = failure { try importText(e, "responses", header + rows + "\n") }
            #expect(error?.message.hasPrefix("text: " + expected) == true, "\(rows): \(error?.message ?? "accepted")")
        }
        let reports = "round,instrument,school,group,area,mean,sd,n\n"
        #expect(failure { try importText(e, "area_results", reports + "R1,selfie,S1,teachers,Q,3,,10\n") }?.message
                .hasPrefix("text: line 2, column 5 (area): unknown area 'Q'") == true)
        #expect(failure { try importText(e, "area_results", reports + "R1,selfie,S1,teachers,A,3,x,10\n") }?.message
                == "text: line 2, column 7 (sd): expected a number, got \"x\"")
        #expect(try everything(e) == before)
    }

    @Test func exportWritesFiles() throws {
        let e = try region()
        let path = temporaryDirectory() + "/schools.csv"
        let done = try e.call("export.csv", ["kind": "schools", "hub": "FI-TRE", "path": .string(path)])
        #expect(done["rows"] == 4 && done["path"] == .string(path))
        let text = try exportText(e, "schools", hub: "FI-TRE")
        #expect(done["bytes"]?.int == Int64(text.utf8.count))
        #expect(try e.call("import.csv", ["kind": "schools", "path": .string(path), "dry_run": true])["unchanged"] == 4)
        #expect(failure { try e.call("export.csv", ["kind": "schools", "hub": "XX"]) }?.message == "params.hub: no hub with code 'XX'")
        #expect(failure { try e.call("export.csv", ["kind": "schools", "path": "/no/such/dir/x.csv"]) }?.status == .io)
        #expect(failure { try e.call("import.csv", ["kind": "schools", "path": "/no/such/file.csv"]) }?.message
                == "/no/such/file.csv: cannot open '/no/such/file.csv': No such file or directory")
        #expect(failure { try e.call("import.csv", ["kind": "schools"]) }?.message == "params: give the file's path or its text (one of them)")
    }

    @Test func jsonExportHoldsEverythingOfAHub() throws {
        let e = try region()
        let all = try e.call("export.json")
        let ee = try e.call("export.json", ["hub": "EE-ACC"])
        #expect(ee["format"] == "ihub-export" && ee["hub"] == "EE-ACC")
        #expect(ee["hubs"]?.array?.map { $0["code"] } == ["EE-ACC"])
        #expect(ee["schools"]?.array?.allSatisfy { $0["hub"] == "EE-ACC" } == true)
        #expect(ee["schools"]?.array?.count == 6)
        #expect(ee["schools"]?.array?.first?["languages"] == ["et"])
        // History: the team member who left, memberships with dates.
        #expect(ee["team_members"]?.array?.count == 2)
        #expect(ee["team_members"]?.array?.last?["end_date"] == "2025-06-30")
        #expect(ee["team_members"]?.array?.last?["person"] == "EE-ACC-P0002")
        #expect(ee["memberships"]?.array?.first?["start_date"] == "2024-09-01")
        #expect(ee["engagements"]?.array?.map { $0["stakeholder"] } == ["TLN"])
        #expect(ee["rounds"]?.array?.map { $0["code"] } == ["EE-R1"])
        #expect(all["people"]?.array?.count == ee["counts"]?["people"]?.int.map { _ in all["people"]!.array!.count })
        #expect((all["counts"]?["people"]?.int ?? 0) > (ee["counts"]?["people"]?.int ?? 0))
        for section in ["responses", "answers", "area_results", "hub_scripts", "classifications", "instruments"] {
            #expect(ee[section]?.array != nil, "section \(section)")
        }
        #expect(ee["ihub_migrations"] == nil)
        // To a file: the same document.
        let path = temporaryDirectory() + "/ee.json"
        let done = try e.call("export.json", ["hub": "EE-ACC", "path": .string(path)])
        #expect(done["counts"] == ee["counts"])
        let f = fopen(path, "rb")!
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = fread(&buffer, 1, buffer.count, f)
            if n == 0 { break }
            bytes += buffer[0..<n]
        }
        fclose(f)
        #expect(done["bytes"]?.int == Int64(bytes.count))
        #expect(try JSONParser.parse(String(decoding: bytes, as: UTF8.self)) == ee)
    }

    @Test func luaScriptsMayNotTouchFiles() throws {
        let e = try region()
        let admin = try e.admin()
        let path = temporaryDirectory() + "/out.csv"
        let refused = failure { try admin.eval("return ihub.export.csv{kind = 'hubs', path = '\(path)'}", chunkname: "admin.lua") }
        #expect(refused?.message.contains("export.csv: params.path: Lua scripts may not read or write files") == true)
        #expect(fopen(path, "rb") == nil)
        #expect(failure { try admin.eval("return ihub.import.csv{kind = 'hubs', path = '/etc/passwd'}", chunkname: "admin.lua") }?
            .message.contains("may not read or write files") == true)
        #expect(failure { try admin.eval("return ihub.export.json{path = '\(path)'}", chunkname: "admin.lua") } != nil)
        // Text in and out is fine, in the admin context.
        guard case .done(let values, _) = try admin.eval("""
            local r = ihub.import.csv{kind = 'rounds', text = 'hub,code,name\\nEE-ACC,EE-R9,Lua round\\n'}
            return r.inserted, ihub.export.csv{kind = 'rounds', hub = 'EE-ACC'}.rows
            """, chunkname: "admin.lua") else { return }
        #expect(values == [1, 2])
        // A methodology script may read the export, not write files.
        let m = try e.methodology()
        guard case .done(let rows, _) = try m.eval("return ihub.export.csv{kind = 'hubs'}.rows", chunkname: "m.lua") else { return }
        #expect(rows == [5])
        #expect(failure { try m.eval("return ihub.export.csv{kind = 'hubs', path = '\(path)'}", chunkname: "m.lua") }?
            .message.contains("may not read or write files") == true)
        #expect(failure { try m.eval("return ihub.import.csv{kind = 'hubs', text = 'code'}", chunkname: "m.lua") }?
            .message.contains("may not write") == true)
    }

    @Test func longLineInAFileFailsFast() throws {
        let e = try engine()
        let path = temporaryDirectory() + "/long.csv"
        let f = fopen(path, "wb")!
        let head = Array("hub,code,name\nEE-ACC,S7,".utf8)
        fwrite(head, 1, head.count, f)
        let chunk = [UInt8](repeating: UInt8(ascii: "x"), count: 1 << 20)
        for _ in 0..<64 { fwrite(chunk, 1, chunk.count, f) }   // a 64 MiB line
        fclose(f)
        let error = failure { try e.call("import.csv", ["kind": "schools", "path": .string(path)]) }
        #expect(error?.status == .limit)
        #expect(error?.message == "\(path): line 2, column 3 (name): record longer than 1 MiB")
    }
}

extension String {
    func replacingFirst(_ target: String, _ replacement: String) -> String {
        replacing(target, with: replacement, maxReplacements: 1)
    }
}
