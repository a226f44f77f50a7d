import Testing
@testable import IHubCore

@Suite struct RegistryTests {
    @Test func hubsSchoolsAndPeople() throws {
        let e = try engineWithHub()
        let hub = try e.call("hub.get", ["code": "EE-ACC"])
        #expect(hub["schools"] == 2 && hub["languages"] == ["et"])
        let person = try e.call("person.add", [
            "hub": "EE-ACC", "code": "P1", "name": "Kadri Tamm", "roles": ["teacher", "mentor"],
            "memberships": [["school": "S1", "start": "2024-09-01"]],
        ])
        #expect(person["roles"] == ["mentor", "teacher"])
        #expect(person["memberships"] == [["school": "S1", "start": "2024-09-01", "end": nil]])
        #expect(try e.call("person.list", ["school": "S1"]).array?.count == 1)
        #expect(try e.call("person.list", ["role": "school_leader"]).array?.count == 0)
        #expect(try e.call("school.list", ["hub": "EE-ACC", "level": "vet"]).array?.map { $0["code"] } == ["S2"])
        #expect(try e.call("school.list", ["limit": 1, "offset": 1]).array?.map { $0["code"] } == ["S2"])
    }

    @Test func updatesChangeOnlyWhatIsGiven() throws {
        let e = try engineWithHub()
        let s = try e.call("school.update", ["code": "S1", "size": 450, "municipality": "Tartu"])
        #expect(s["size"] == 450 && s["municipality"] == "Tartu" && s["level"] == "primary" && s["name"] == "Tartu School")
        #expect(try e.call("school.update", ["code": "S1", "municipality": nil])["municipality"] == .null)
        _ = try e.call("person.add", ["hub": "EE-ACC", "code": "P1", "name": "A", "roles": ["teacher"]])
        let p = try e.call("person.update", ["code": "P1", "roles": ["mentor"], "memberships": [["school": "S2"]]])
        #expect(p["roles"] == ["mentor"] && p["memberships"]?.array?.first?["school"] == "S2" && p["name"] == "A")
    }

    @Test func batchIsAllOrNothingAndNamesTheRecord() throws {
        let e = try engineWithHub()
        let people: JSON = ["people": [
            ["hub": "EE-ACC", "code": "P1", "name": "One"],
            ["hub": "EE-ACC", "code": "P2", "name": "Two", "memberships": [["school": "S1"]]],
            ["hub": "EE-ACC", "code": "P3", "name": "Three", "memberships": [["school": "NOPE"]]],
        ]]
        let error = failure { try e.call("person.add_many", people) }
        #expect(error?.status == .notFound)
        #expect(error?.message == "params.people[2].memberships[0].school: no school with code 'NOPE'")
        #expect(try e.call("person.list").array?.isEmpty == true)

        let dup: JSON = ["schools": [["hub": "EE-ACC", "code": "S3", "name": "x"], ["hub": "EE-ACC", "code": "S1", "name": "y"]]]
        let conflict = failure { try e.call("school.add_many", dup) }
        #expect(conflict?.status == .conflict)
        #expect(conflict?.message == "params.schools[1].code: code 'S1' is already used by school 'Tartu School' of hub 'EE-ACC'; codes are unique in a database")
        #expect(try e.call("school.list").array?.count == 2)
    }

    @Test func clearErrors() throws {
        let e = try engineWithHub()
        #expect(failure { try e.call("school.get", ["id": 999]) }?.message == "params.id: no school with id 999")
        #expect(failure { try e.call("school.get", ["id": 1, "code": "S1"]) }?.status == .invalid)
        #expect(failure { try e.call("school.fetch") }?.message.contains("did you mean one of school.add") == true)
        #expect(failure { try e.call("hub.add", ["code": "X", "name": "X", "country": "Estonia"]) }?.message.hasPrefix("params.country") == true)
        #expect(failure { try e.call("school.add", ["hub": "ZZ", "code": "S9", "name": "n"]) }?.message == "params.hub: no hub with code 'ZZ'")
        #expect(failure { try e.call("school.add", ["hub": "EE-ACC", "code": "S9", "name": "n", "latitude": 91]) }?.message
                == "params.latitude: must be between -90 and 90")
        #expect(failure { try e.call("person.add", ["hub": "EE-ACC", "code": "P", "name": "n", "roles": ["boss"]]) }?.message.contains("params.roles[0]") == true)
    }

    @Test func catalogueDescribesEveryMethod() throws {
        let e = try freshEngine()
        let all = try e.call("api.describe").array ?? []
        #expect(all.count == MethodTable.all.count)
        let add = try e.call("api.describe", ["method": "school.add"])
        #expect(add["writes"] == true)
        #expect(add["params"]?.array?.first?["name"] == "hub")
    }

    @Test func demoRegionIsDeterministic() throws {
        let a = try freshEngine(), b = try Engine(path: ":memory:")
        let made = try a.call("demo.populate", ["seed": 7])
        _ = try b.call("demo.populate", ["seed": 7])
        #expect(made["hubs"]?.array?.count == 5)
        let names = { (e: Engine) throws -> [JSON] in try e.call("person.list").array!.map { [$0["code"]!, $0["name"]!] } }
        #expect(try names(a) == names(b))
        #expect((made["people"]?.int ?? 0) > 600)
    }

    @Test func damagedStoredJSONIsCorruptNamingItsColumn() throws {
        let e = try engineWithHub()
        _ = try e.call("person.add", ["hub": "EE-ACC", "code": "P1", "name": "A", "subjects": ["maths"]])
        // Damage made on purpose, past the store: what a broken file would hold.
        try e.db.execute("UPDATE people SET subjects = '[\"maths\"' WHERE code = 'P1'")
        let calls: [() throws -> JSON] = [{ try e.call("person.get", ["code": "P1"]) }, { try e.call("person.list") },
                                          { try e.call("export.json") }]
        for call in calls {
            let error = failure(call)
            #expect(error?.status == .corrupt)
            #expect(error?.message.hasPrefix("people.subjects: the stored JSON does not parse") == true)
        }
    }

    @Test func timestampsAreTakenInSwift() throws {
        let e = try engineWithHub()
        let stamp = try #require(try e.db.scalarText("SELECT created_at FROM schools WHERE code = 'S1'"))
        #expect(stamp.count == 20 && stamp.hasSuffix("Z") && stamp.hasPrefix(String(Timestamp.today())))
        _ = try e.call("person.add", ["hub": "EE-ACC", "code": "P1", "name": "A", "roles": ["teacher"], "schools": ["S1"]])
        _ = try e.call("person.update", ["code": "P1", "roles": ["mentor"], "schools": ["S2"]])
        let history = try e.call("person.history", ["code": "P1"])
        #expect(history["roles"]?.array?.map { $0["end"] } == [.string(Timestamp.today()), .null])
        #expect(history["memberships"]?.array?.map { $0["start"] } == [.null, .string(Timestamp.today())])
    }
}
