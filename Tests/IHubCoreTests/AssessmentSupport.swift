import Testing
@testable import IHubCore

/// Hub EE-ACC (k = `k`) with schools S1 and S2, teachers P1..P3 in S1, a
/// leader L1 in S1, and rounds R1 and R2.
func assessmentEngine(k: Int = 5) throws -> Engine {
    let e = try engineWithHub()
    _ = try e.call("hub.update", ["code": "EE-ACC", "min_group_size": .int(Int64(k))])
    _ = try e.call("round.add", ["hub": "EE-ACC", "code": "R1", "name": "Round 1", "start": "2024-09-01", "end": "2025-06-15"])
    _ = try e.call("round.add", ["hub": "EE-ACC", "code": "R2", "name": "Round 2", "start": "2025-09-01", "end": "2026-06-15"])
    _ = try e.call("person.add_many", ["people": [
        ["hub": "EE-ACC", "code": "P1", "name": "Kadri Tamm", "roles": ["teacher"], "schools": ["S1"]],
        ["hub": "EE-ACC", "code": "P2", "name": "Jaan Saar", "roles": ["teacher"], "schools": ["S1"]],
        ["hub": "EE-ACC", "code": "P3", "name": "Mari Kask", "roles": ["teacher", "ict_teacher"], "schools": ["S1"]],
        ["hub": "EE-ACC", "code": "L1", "name": "Peeter Sepp", "roles": ["school_leader"], "schools": ["S1"]],
    ]])
    return e
}

/// Every item of `instrument` asked of `group`, answered with `value`.
func uniformAnswers(_ e: Engine, _ instrument: String, group: String, _ value: JSON) throws -> JSON {
    let i = try Instrument.load(e.db, code: instrument, at: "test")
    let bit = RespondentGroup(rawValue: group)!.bit
    return .object(i.areas.flatMap { $0.items.filter { $0.groups & bit != 0 }.map { JSON.Member($0.code, value) } })
}

/// One selfie response per value, each answering every item with it.
func selfieResponses(_ e: Engine, prefix: String, school: String = "S1", group: String = "teachers", _ values: [Int]) throws -> JSON {
    .array(try values.enumerated().map { i, v in
        ["respondent": .string("\(prefix)\(i + 1)"), "school": .string(school), "group": .string(group),
         "answers": try uniformAnswers(e, "selfie", group: group, .int(Int64(v)))]
    })
}

/// The row of an aggregate or comparison for a group and area.
func row(_ result: JSON, _ group: String, _ area: String) -> JSON? {
    result["results"]?.array?.first { $0["group"]?.string == group && $0["area"]?.string == area }
}

func close(_ a: Double?, _ b: Double, _ tolerance: Double = 1e-9) -> Bool {
    guard let a else { return false }
    return abs(a - b) <= tolerance
}
