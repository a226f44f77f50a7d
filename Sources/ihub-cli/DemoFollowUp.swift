import IHubCore

extension Demo {
    /// A third round of the paired hub, a school year after its pairs
    /// started: the teachers' DigCompEdu self-reflection again, in which
    /// mentees gained more than the others — the follow-up the impact
    /// estimate and the report compare with the round the pairs came from.
    static func assessFollowUp(_ engine: Engine, hub: String, seed: Int64) throws(IHubError) {
        let before = "\(hub)-R2", after = "\(hub)-R3"
        _ = try engine.call("round.add", ["hub": .string(hub), "code": .string(after), "name": "2026/27 round 3",
                                         "start": "2026-09-01", "end": "2027-06-15"])
        let pairs = try engine.call("pairing.mentorships", ["hub": .string(hub), "level": "teacher"]).array ?? []
        let mentees = Set(pairs.compactMap { $0["mentee"]?.string })
        let scored = try engine.call("assessment.scores", ["round": .string(before), "instrument": "digcompedu"])
        var noise = SeededRandom(seed: UInt64(bitPattern: seed))
        var responses: [JSON] = []
        for r in scored["responses"]?.array ?? [] {
            guard let person = r["person"]?.string, let items = r["items"]?.members else { continue }
            let gain = mentees.contains(person) ? 0.6 : 0.1
            let answers = items.compactMap { item -> JSON.Member? in
                guard let score = item.value.double else { return nil }
                return .init(item.key, .int(Int64(min(6, max(1, (score + gain + noise.unit() - 0.5).rounded())))))
            }
            responses.append(["respondent": .string(person), "school": r["school"] ?? .null, "person": .string(person),
                              "group": "teachers", "answers": .object(answers)])
        }
        _ = try engine.call("assessment.submit", ["round": .string(after), "instrument": "digcompedu", "responses": .array(responses)])
        print("\nA follow-up round, \(after): \(responses.count) DigCompEdu self-reflections, \(mentees.count) of them by mentees of \(before)")
    }
}
