import Testing
@testable import IHubCore

#if canImport(Glibc)
import Glibc
#endif

/// Hub H: schools M1 and E1 paired (mentorship 1), teachers ET ← MT paired
/// (mentorship 2); T1 a member of M1 until 2026-02-28 and of E1 from
/// 2026-03-01. Hub G holds a person of another hub.
private func activityHub() throws -> Engine {
    let e = try freshEngine()
    for (code, country) in [("H", "EE"), ("G", "FI")] {
        _ = try e.call("hub.add", ["code": .string(code), "name": .string(code), "country": .string(country)])
    }
    _ = try e.call("round.add", ["hub": "H", "code": "R1", "name": "round 1"])
    for code in ["M1", "E1"] { _ = try e.call("school.add", ["hub": "H", "code": .string(code), "name": .string("School " + code)]) }
    _ = try e.call("person.add", ["hub": "H", "code": "MT", "name": "Mentor", "schools": ["M1"], "roles": ["teacher"]])
    _ = try e.call("person.add", ["hub": "H", "code": "ET", "name": "Mentee", "schools": ["E1"], "roles": ["teacher"]])
    _ = try e.call("person.add", ["hub": "H", "code": "T1", "name": "Mover", "memberships": [
        ["school": "M1", "start": "2026-01-01", "end": "2026-02-28"], ["school": "E1", "start": "2026-03-01"]]])
    _ = try e.call("person.add", ["hub": "G", "code": "GP", "name": "Other"])
    _ = try e.call("script.set", ["hub": "H", "name": "pairing", "source": """
        function eligible(r) return r.code:sub(1, 1) == "M" and "mentor" or "mentee" end
        function exclude() return nil end
        criteria.fit = function(a, b) return 1 end
        weights.school = { fit = 1 }
        weights.teacher = { fit = 1 }
        """])
    let schools = try e.call("pairing.propose", ["hub": "H", "round": "R1"])
    _ = try e.call("pairing.confirm", ["run": schools["run"]!])
    let teachers = try e.call("pairing.propose", ["hub": "H", "round": "R1", "level": "teacher",
                                                  "pins": [["mentee": "ET", "mentor": "MT"]]])
    _ = try e.call("pairing.confirm", ["run": teachers["run"]!])
    return e
}

@discardableResult
private func log(_ e: Engine, _ date: String, _ minutes: Int64, _ participants: JSON, kind: String = "session",
                 uuid: String? = nil) throws -> JSON {
    var p: JSON = ["hub": "H", "kind": .string(kind), "date": .string(date), "minutes": .int(minutes), "participants": participants]
    if let uuid, case .object(var m) = p {
        m.append(.init("uuid", .string(uuid)))
        p = .object(m)
    }
    return try e.call("activity.log", p)
}

/// code (or id) → minutes, activities.
private func hours(_ e: Engine, by: String, from: String? = nil, to: String? = nil) throws -> [String: [Int64]] {
    var p: [JSON.Member] = [.init("hub", "H"), .init("by", .string(by))]
    if let from { p.append(.init("from", .string(from))) }
    if let to { p.append(.init("to", .string(to))) }
    let r = try e.call("activity.hours", .object(p))
    var out: [String: [Int64]] = [:]
    for row in r["rows"]?.array ?? [] {
        let key = row["code"]?.string ?? "#\(row["id"]?.int ?? 0)"
        out[key] = [row["minutes"]!.int!, row["activities"]!.int!]
    }
    return out
}

private func uuid(_ n: Int) -> String {
    let digits = String(n)
    return "00000000-0000-4000-8000-" + String(repeating: "0", count: 12 - digits.count) + digits
}

private func record(_ n: Int, minutes: Int = 15, person: String = "MT") -> String {
    "{\"uuid\":\"\(uuid(n))\",\"kind\":\"session\",\"date\":\"2026-05-\(n % 18 + 10)\",\"minutes\":\(minutes),"
        + "\"participants\":[{\"person\":\"\(person)\",\"role\":\"mentor\"},{\"person\":\"ET\",\"role\":\"mentee\"}]}"
}

private func activityCount(_ e: Engine) throws -> Int {
    try e.call("activity.list", ["hub": "H", "voided": true]).array?.count ?? -1
}

@Suite struct ActivityTests {
    @Test func hoursOverDateRangesAreInclusiveAndSkipVoided() throws {
        let e = try activityHub()
        try log(e, "2026-02-28", 60, [["person": "T1", "role": "mentor"], ["person": "ET", "role": "mentee"]])
        try log(e, "2026-03-01", 30, [["mentorship": 1], ["person": "T1"]], kind: "workshop")
        try log(e, "2026-03-31", 45, [["school": "E1"], ["person": "ET"], ["mentorship": 2]])
        try log(e, "2026-04-01", 120, [["person": "T1"]])
        let voided = try log(e, "2026-03-15", 600, [["person": "T1"], ["school": "M1"]])
        _ = try e.call("activity.void", ["id": voided["id"]!, "reason": "duplicate"])

        #expect(try hours(e, by: "person", from: "2026-02-28", to: "2026-03-31") == ["T1": [90, 2], "ET": [105, 2], "MT": [45, 1]])
        #expect(try hours(e, by: "person", from: "2026-03-01", to: "2026-03-01") == ["T1": [30, 1]])
        #expect(try hours(e, by: "person", from: "2026-04-01") == ["T1": [120, 1]])
        #expect(try hours(e, by: "person", to: "2026-02-27") == [:])
        // Schools: T1 counts for M1 on 02-28 and for E1 from 03-01; E1 takes
        // part in 03-01 through mentorship 1 and T1, in 03-31 three ways: once each.
        #expect(try hours(e, by: "school", from: "2026-02-28", to: "2026-03-31") == ["M1": [135, 3], "E1": [135, 3]])
        #expect(try hours(e, by: "school", from: "2026-04-01", to: "2026-04-01") == ["E1": [120, 1]])
        #expect(try hours(e, by: "mentorship") == ["#1": [30, 1], "#2": [45, 1]])
        let r = try e.call("activity.hours", ["hub": "H", "by": "school", "from": "2026-02-28", "to": "2026-03-31"])
        #expect(r["totals"] == ["activities": 3, "minutes": 135, "hours": 2.25])
        // The voided activity is kept and listed only on request.
        #expect(try e.call("activity.list", ["hub": "H"]).array?.count == 4)
        #expect(try activityCount(e) == 5)
    }

    @Test func participantsMustBeOfTheHubAndErrorsNameThePath() throws {
        let e = try activityHub()
        let other = failure { try log(e, "2026-03-02", 90, [["person": "MT"], ["person": "GP"]]) }
        #expect(other?.status == .invalid && other?.message == "params.participants[1].person: person 'GP' is not of hub 'H'")
        let missing = failure { try log(e, "2026-03-02", 90, [["person": "MT"], ["person": "NOPE"]]) }
        #expect(missing?.status == .notFound && missing?.message == "params.participants[1].person: no person with code 'NOPE'")
        #expect(try activityCount(e) == 0)
    }

    @Test func methodsAreBuiltInOrTheHubsOwn() throws {
        let e = try activityHub()
        _ = try e.call("toolbox.add", ["hub": "H", "code": "walk", "name": "Walk and talk", "description": "x", "level": "intra_school"])
        _ = try e.call("toolbox.add", ["hub": "G", "code": "fika", "name": "Fika", "description": "x", "level": "intra_school"])
        func logWith(_ method: String) throws -> JSON {
            try e.call("activity.log", ["hub": "H", "kind": "session", "date": "2026-03-02", "minutes": 10,
                                        "participants": [["person": "MT"]], "method": .string(method)])
        }
        let builtIn = try logWith("collegial")
        #expect(try e.db.activities.get(id: builtIn["id"]!.int!)?.methodName == "Collegial method")
        #expect(try logWith("walk")["method"] == "walk")
        #expect(failure { try logWith("fika") }?.message == "params.method: no toolbox method with code 'fika' (built in or of hub 'H')")
    }

    @Test func importWithABadLineInTheMiddleImportsNothing() throws {
        let e = try activityHub()
        var lines = (0..<1200).map { record($0) }
        lines.insert("{\"kind\": \"session\", \"date\": ", at: 600)
        let error = failure { try e.call("activity.import", ["hub": "H", "text": .string(lines.joined(separator: "\n"))]) }
        #expect(error?.status == .invalid)
        #expect(error?.message.hasPrefix("text: line 601: malformed JSON") == true)
        #expect(try activityCount(e) == 0)
        // Without it: all of them, in batches; again: all unchanged.
        lines.remove(at: 600)
        let text = JSON.string(lines.joined(separator: "\n"))
        let done = try e.call("activity.import", ["hub": "H", "text": text])
        #expect(done["inserted"] == 1200 && done["unchanged"] == 0)
        let again = try e.call("activity.import", ["hub": "H", "text": text])
        #expect(again["inserted"] == 0 && again["unchanged"] == 1200)
        // The same uuid with other content: a conflict, nothing imported.
        let conflict = failure { try e.call("activity.import", ["hub": "H", "text": .string(record(1300) + "\n" + record(7, minutes: 20))]) }
        #expect(conflict?.status == .conflict && conflict?.message.contains("line 2 (uuid): activity \(uuid(7)) exists with another minutes") == true)
        #expect(try e.db.activities.exists(uuid: uuid(1300)) == false)
    }

    @Test func csvImportReportsLineColumnAndField() throws {
        let e = try activityHub()
        let text = "date,kind,minutes,participants\n2026-05-01,session,45,person:MT:mentor;person:ET:mentee\n"
            + "2026-05-02,session,10,person:MT;school:NOPE\n"
        let error = failure { try e.call("activity.import", ["hub": "H", "text": .string(text)]) }
        #expect(error?.message == "text: line 3, column 4 (participants[1].school): no school with code 'NOPE'")
        #expect(try activityCount(e) == 0)
    }

    @Test func aLineOverTheLimitIsRefusedWithoutReadingItWhole() throws {
        let e = try activityHub()
        let path = temporaryDirectory() + "/long.ndjson"
        let f = fopen(path, "wb")!
        let head = (0..<3).map { record($0) }.joined(separator: "\n") + "\n{\"notes\": \""
        fputs(head, f)
        let block = [UInt8](repeating: UInt8(ascii: "x"), count: 1 << 20)
        for _ in 0..<50 { _ = block.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, f) } }
        fputs("\"}\n" + record(3) + "\n", f)
        fclose(f)
        let error = failure { try e.call("activity.import", ["hub": "H", "path": .string(path)]) }
        #expect(error?.status == .limit && error?.message.contains("line 4: the line is over the limit") == true)
        #expect(try activityCount(e) == 0)
        unlink(path)
    }

    @Test func streamingReadPagesThroughEqualDates() throws {
        let e = try activityHub()
        let hub = try e.db.requireID(.hub, code: "H", at: "hub")
        let person = try e.db.requireID(.person, code: "MT", at: "person")
        let batch = (0..<2500).map { i in
            NewActivity(uuid: uuid(i), hubID: hub, kind: .session, date: "2026-06-0\(1 + i % 3)", minutes: 1,
                        participants: [Participant(subject: .person(person), role: .mentor)])
        }
        try e.db.transaction { () throws(IHubError) in _ = try e.db.activities.insert(batch) }
        var seen: [(String, Int64)] = []
        try e.db.activities.each(ActivityFilter(hubID: hub)) { seen.append(($0.date, $0.id)) }
        #expect(seen.count == 2500)
        #expect(zip(seen, seen.dropFirst()).allSatisfy { $0 < $1 })
        var page: [Int64] = []
        try e.db.activities.each(ActivityFilter(hubID: hub, from: "2026-06-02"), limit: 1200, offset: 900) { page.append($0.id) }
        let expected = seen.filter { $0.0 >= "2026-06-02" }.map(\.1)
        #expect(page == Array(expected[900..<min(2100, expected.count)]))
        #expect(try e.db.activities.void(uuid: uuid(0), reason: "test") && e.db.activities.get(uuid: uuid(0))?.voidedAt != nil)
    }
}
