import Testing
@testable import IHubCore

/// xapi.export and xapi.import: the statement ↔ activity mapping, round
/// trips, idempotence, voiding, all-or-nothing imports, events.
@Suite struct XAPIImportTests {
    static let home = "https://hub.example.ee"

    /// A hub with a home page, two schools and three people (P3 without e-mail).
    func registry(identity: String = "account") throws -> Engine {
        let e = try freshEngine()
        _ = try e.call("hub.add", ["code": "EE-ACC", "name": "Accelerator", "country": "EE", "home_page": .string(Self.home),
                                   "xapi_identity": .string(identity)])
        _ = try e.call("school.add_many", ["schools": [["hub": "EE-ACC", "code": "S1", "name": "Tartu School"],
                                                       ["hub": "EE-ACC", "code": "S2", "name": "Elva School"]]])
        _ = try e.call("person.add_many", ["people": [
            ["hub": "EE-ACC", "code": "P1", "name": "Kadri Tamm", "email": "Kadri@Example.ee", "roles": ["mentor"]],
            ["hub": "EE-ACC", "code": "P2", "name": "Mari Saar", "email": "mari@example.ee", "roles": ["teacher"]],
            ["hub": "EE-ACC", "code": "P3", "name": "Jaan Kask", "roles": ["teacher"]],
        ]])
        return e
    }

    /// Three activities: a session of P1 (mentor) with P2 and S1, a workshop
    /// of S2 only, and a voided reflection recorded by P3.
    func withActivities(identity: String = "account") throws -> Engine {
        let e = try registry(identity: identity)
        var r = try ActivityResolver(e.db, hub: "EE-ACC", at: "hub")
        let records: [JSON] = [
            ["uuid": "0d4c8f6e-3b1a-4e8f-9c2d-5a6b7c8d9e01", "kind": "session", "date": "2026-03-02", "minutes": 90,
             "step": "joint_planning", "notes": "first meeting", "outcome": "a plan", "by": "P1",
             "participants": [["person": "P1", "role": "mentor"], ["person": "P2", "role": "mentee"], ["school": "S1"]]],
            ["uuid": "0d4c8f6e-3b1a-4e8f-9c2d-5a6b7c8d9e02", "kind": "workshop", "date": "2026-03-10", "minutes": 120,
             "participants": [["school": "S2"]]],
            ["uuid": "0d4c8f6e-3b1a-4e8f-9c2d-5a6b7c8d9e03", "kind": "reflection", "date": "2026-04-01", "minutes": 45, "by": "P3",
             "participants": [["person": "P3"]]],
        ]
        try e.db.transaction { () throws(IHubError) in
            try e.db.activities.insert(try records.map { rec throws(IHubError) in try ActivityRecord.parse(rec, at: "r", &r) })
            _ = try e.db.activities.void(uuid: "0d4c8f6e-3b1a-4e8f-9c2d-5a6b7c8d9e03", at: "2026-04-02T08:00:00Z")
        }
        return e
    }

    /// The activities of a hub in their public shape, without row ids and stamps.
    func activities(_ e: Engine) throws -> [JSON] {
        var out: [JSON] = []
        var f = ActivityFilter(hubID: try e.db.requireID(.hub, code: "EE-ACC", at: "hub"))
        f.includeVoided = true
        try e.db.activities.each(f) { row throws(IHubError) in
            let j = ActivityRecord.json(row)
            out.append(.object(j.members!.filter { !["id", "created_at", "voided_at", "void_reason"].contains($0.key) }
                + [.init("voided", .bool(row.voidedAt != nil))]))
        }
        return out
    }

    func export(_ e: Engine, _ extra: [JSON.Member] = []) throws -> String {
        try e.call("xapi.export", .object([.init("hub", "EE-ACC")] + extra))["text"]!.string!
    }

    @Test func sha1KnownVectors() {
        #expect(SHA1.hex("") == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        #expect(SHA1.hex("abc") == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(SHA1.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") == "84983e441c3bd26ebaae4aa1f95129e5e54670f1")
        #expect(SHA1.hex(String(repeating: "a", count: 1_000_000)) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
        // RFC 4122's DNS namespace, as Python's uuid.uuid5 gives it.
        #expect(SHA1.uuid5(namespace: "6ba7b810-9dad-11d1-80b4-00c04fd430c8", name: "www.example.com") == "2ed6657d-e927-568b-95e1-2665a8aea6a2")
    }

    @Test func exportMapsActivitiesToStatements() throws {
        let e = try withActivities()
        let lines = try export(e).split(separator: "\n").map { try JSONParser.parse(String($0)) }
        // Three activities and the voiding statement after the voided one.
        #expect(lines.count == 4)
        let s = lines[0]
        #expect(s["id"] == "0d4c8f6e-3b1a-4e8f-9c2d-5a6b7c8d9e01")
        #expect(s["actor"]?["account"] == ["homePage": .string(Self.home), "name": "P1"])
        #expect(s["verb"]?["id"] == .string(Self.home + "/xapi/verbs/session"))
        #expect(s["result"]?["duration"] == "PT1H30M")
        #expect(s["timestamp"] == "2026-03-02T00:00:00Z")
        #expect(s["context"]?["team"]?["member"]?.array?.count == 1)
        #expect(s["context"]?["contextActivities"]?["category"]?.array?.first?["id"] == .string(Self.home + "/xapi/steps/joint_planning"))
        #expect(s["context"]?["extensions"]?[Self.home + "/xapi/extensions/minutes"] == 90)
        // An activity of a school only: the hub is the actor.
        #expect(lines[1]["actor"]?["account"]?["name"] == "hub:EE-ACC")
        #expect(lines[3]["verb"]?["id"] == "http://adlnet.gov/expapi/verbs/voided")
        #expect(lines[3]["object"]?["id"] == "0d4c8f6e-3b1a-4e8f-9c2d-5a6b7c8d9e03")
        // A date range and a school.
        #expect(try export(e, [.init("from", "2026-03-05")]).split(separator: "\n").count == 3)
        #expect(try export(e, [.init("school", "S2")]).split(separator: "\n").count == 1)
        #expect(try export(e, [.init("to", "2026-03-02")]).split(separator: "\n").count == 1)
        let json = try e.call("xapi.export", ["hub": "EE-ACC", "format": "json", "base": "https://lrs.example.org/ihub/"])
        let all = try JSONParser.parse(json["text"]!.string!)
        #expect(all.array?.count == 4)
        #expect(all.array?.first?["verb"]?["id"] == "https://lrs.example.org/ihub/verbs/session")
    }

    @Test func roundTripYieldsTheSameActivities() throws {
        let source = try withActivities()
        let text = try export(source)
        let target = try registry()
        let r = try target.call("xapi.import", ["hub": "EE-ACC", "text": .string(text)])
        #expect(r["activities"] == 3)
        #expect(r["events"] == 1)      // the voiding statement is kept
        #expect(r["voided"] == 1)
        #expect(try activities(target) == (try activities(source)))
        // Idempotent: again, nothing changes.
        let again = try target.call("xapi.import", ["hub": "EE-ACC", "text": .string(text)])
        #expect(again["stored"] == 0)
        #expect(again["unchanged"] == 4)
        #expect(try activities(target) == (try activities(source)))
        // Into the database it came from: the activities are known.
        let home = try source.call("xapi.import", ["hub": "EE-ACC", "text": .string(text)])
        #expect(home["activities"] == 0)
        #expect(home["unchanged"] == 3)
        #expect(try activities(source).count == 3)
    }

    static func event(_ id: String, _ verb: String = "http://adlnet.gov/expapi/verbs/completed", actor: String = "mailto:a@b.org",
                      object: String = "http://example.org/course/1", timestamp: String = "2026-05-01T10:00:00Z") -> JSON {
        ["id": .string(id), "actor": ["mbox": .string(actor)], "verb": ["id": .string(verb)],
         "object": ["id": .string(object)], "timestamp": .string(timestamp)]
    }

    static let ids = (1...9).map { "7a1e3c7e-0000-4000-8000-00000000000\($0)" }

    @Test func eventsAreKeptAndListed() throws {
        let e = try registry()
        let r = try e.call("xapi.import", ["hub": "EE-ACC", "statements": [
            Self.event(Self.ids[0]), Self.event(Self.ids[1], "http://adlnet.gov/expapi/verbs/attempted", timestamp: "2026-06-01T10:00:00Z"),
        ]])
        #expect(r["events"] == 2)
        #expect(r["activities"] == 0)
        let all = try e.call("xapi.events", ["hub": "EE-ACC"])["events"]!.array!
        #expect(all.count == 2)
        #expect(all[0]["actor"] == "mbox:mailto:a@b.org")
        #expect(all[0]["statement"]?["object"]?["id"] == "http://example.org/course/1")
        #expect(try e.call("xapi.events", ["hub": "EE-ACC", "verb": "http://adlnet.gov/expapi/verbs/attempted"])["events"]!.array!.count == 1)
        #expect(try e.call("xapi.events", ["hub": "EE-ACC", "to": "2026-05-01"])["events"]!.array!.count == 1)
        #expect(try e.call("xapi.events", ["hub": "EE-ACC", "from": "2026-05-02"])["events"]!.array!.count == 1)
        // No id: a name-based one, so the same statement twice is stored once.
        var anonymous = Self.event(Self.ids[2])
        anonymous = .object(anonymous.members!.filter { $0.key != "id" })
        #expect(try e.call("xapi.import", ["hub": "EE-ACC", "statements": [anonymous]])["stored"] == 1)
        #expect(try e.call("xapi.import", ["hub": "EE-ACC", "statements": [anonymous]])["unchanged"] == 1)
    }

    @Test func voidingStatementsVoid() throws {
        let e = try withActivities()
        let voiding: (String, String) -> JSON = { id, target in
            ["id": .string(id), "actor": ["mbox": "mailto:a@b.org"], "verb": ["id": .string(XAPIStore.voided)],
             "object": ["objectType": "StatementRef", "id": .string(target)]]
        }
        let r = try e.call("xapi.import", ["hub": "EE-ACC", "statements": [
            Self.event(Self.ids[0]), voiding(Self.ids[1], Self.ids[0]),
            voiding(Self.ids[2], "0d4c8f6e-3b1a-4e8f-9c2d-5a6b7c8d9e01"), voiding(Self.ids[3], Self.ids[8]),
        ]])
        #expect(r["voided"] == 2)
        #expect(r["unknown_voids"] == 1)
        #expect(r["unknown_void_list"]?.array?.first?["target"] == .string(Self.ids[8]))
        // The event is voided: listed only when asked.
        let events = try e.call("xapi.events", ["hub": "EE-ACC"])["events"]!.array!
        #expect(!events.contains { $0["id"] == .string(Self.ids[0]) })
        let all = try e.call("xapi.events", ["hub": "EE-ACC", "voided": true])["events"]!.array!
        #expect(all.first { $0["id"] == .string(Self.ids[0]) }?["voided_by"] == .string(Self.ids[1]))
        #expect(try e.db.activities.get(uuid: "0d4c8f6e-3b1a-4e8f-9c2d-5a6b7c8d9e01")?.voidedAt != nil)
        // The target arrives later: voided on arrival.
        let late = try e.call("xapi.import", ["hub": "EE-ACC", "statements": [Self.event(Self.ids[8])]])
        #expect(late["stored"] == 1)
        let now = try e.call("xapi.events", ["hub": "EE-ACC", "voided": true])["events"]!.array!
        #expect(now.first { $0["id"] == .string(Self.ids[8]) }?["voided_by"] == .string(Self.ids[3]))
    }

    @Test func anInvalidStatementImportsNothing() throws {
        let e = try registry()
        func line(_ j: JSON) -> String { j.serialized() }
        var bad = Self.event(Self.ids[1]).members!.filter { $0.key != "verb" }
        bad.append(.init("verb", ["display": ["en": "did"]]))
        let text = [line(Self.event(Self.ids[0])), line(.object(bad)), "{not json", line(Self.event(Self.ids[2]))].joined(separator: "\n")
        let err = failure { try e.call("xapi.import", ["hub": "EE-ACC", "text": .string(text)]) }
        #expect(err?.status == .invalid)
        #expect(err?.message.contains("line 2 (verb") == true)
        #expect(err?.message.contains("line 3: not JSON") == true)
        #expect(try e.call("xapi.events", ["hub": "EE-ACC"])["events"]!.array!.isEmpty)
        let dry = try e.call("xapi.import", ["hub": "EE-ACC", "text": .string(text), "dry_run": true])
        #expect(dry["valid"] == false)
        let problems = dry["problems"]!.array!
        #expect(problems.first?["index"] == 1)
        #expect(problems.first?["line"] == 2)
        #expect(problems.first?["path"]?.string?.hasPrefix("verb") == true)
        #expect(problems.contains { $0["line"] == 3 })
        // In an array: the index.
        let err2 = failure { try e.call("xapi.import", ["hub": "EE-ACC", "statements": [Self.event(Self.ids[0]), .object(bad)]]) }
        #expect(err2?.message.contains("statements[1].verb") == true)
        #expect(try e.call("xapi.events", ["hub": "EE-ACC"])["events"]!.array!.isEmpty)
    }

    @Test func aStatementOverAStoredIdIsAConflict() throws {
        let e = try registry()
        _ = try e.call("xapi.import", ["hub": "EE-ACC", "statements": [Self.event(Self.ids[0])]])
        let err = failure {
            try e.call("xapi.import", ["hub": "EE-ACC", "statements": [Self.event(Self.ids[1]), Self.event(Self.ids[0], object: "http://example.org/other")]])
        }
        #expect(err?.status == .conflict)
        #expect(err?.message.contains("statements[1].id") == true)
        // Nothing of that batch was kept.
        #expect(try e.call("xapi.events", ["hub": "EE-ACC"])["events"]!.array!.count == 1)
    }

    @Test func mboxSHA1Identity() throws {
        let e = try withActivities(identity: "mbox_sha1sum")
        let lines = try export(e).split(separator: "\n").map { try JSONParser.parse(String($0)) }
        #expect(lines[0]["actor"]?["mbox_sha1sum"] == .string(SHA1.hex("mailto:kadri@example.ee")))
        #expect(lines[0]["actor"]?["account"] == nil)
        #expect(lines[0]["context"]?["team"]?["member"]?.array?.first?["mbox_sha1sum"] == .string(SHA1.hex("mailto:mari@example.ee")))
        // P3 has no e-mail: an account.
        #expect(lines[2]["actor"]?["account"]?["name"] == "P3")
        // The activities still come back (their participants ride in the extensions).
        let target = try registry(identity: "mbox_sha1sum")
        _ = try target.call("xapi.import", ["hub": "EE-ACC", "text": .string(try export(e))])
        #expect(try activities(target) == (try activities(e)))
    }

    @Test func hubSettingsAreChecked() throws {
        let e = try registry()
        #expect(failure { try e.call("hub.update", ["code": "EE-ACC", "home_page": "hub.example.ee"]) }?.status == .invalid)
        #expect(failure { try e.call("hub.update", ["code": "EE-ACC", "xapi_identity": "mbox"]) }?.status == .invalid)
        _ = try e.call("hub.update", ["code": "EE-ACC", "xapi_identity": "mbox_sha1sum"])
        #expect(try e.call("hub.get", ["code": "EE-ACC"])["xapi_identity"] == "mbox_sha1sum")
    }
}
