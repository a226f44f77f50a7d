/// Scores of one response: per item (the answers), per area (the mean of
/// the scores, skipping "na" and "pnts", which are counted apart) and
/// overall (the mean of the area means, or the instrument's Lua score
/// function).
struct ScoredResponse {
    struct AreaScore {
        var sum = 0.0
        var n = 0
        var na = 0
        var pnts = 0
        var mean: Double? { n > 0 ? sum / Double(n) : nil }
    }

    let id: Int64
    let respondent: String
    let schoolID: Int64
    let school: String
    let personID: Int64?
    let person: String?
    let group: RespondentGroup
    let submittedAt: String
    /// By item, in the instrument's order (flat index); nil: not answered.
    var answers: [Answer?]
    var areas: [AreaScore]
    var overall: Double?
}

enum Scoring {
    /// The stored responses of a round and instrument, optionally of one
    /// school or one assessed person, scored; in the order they were first
    /// submitted.
    static func load(_ engine: Engine, round: RoundRef, instrument: Instrument,
                     school: Int64? = nil, person: Int64? = nil) throws(IHubError) -> [ScoredResponse]
    {
        var offsets: [Int] = []
        var count = 0
        for area in instrument.areas {
            offsets.append(count)
            count += area.items.count
        }
        var out: [ScoredResponse] = []
        let stored = try engine.db.assessment.responses(roundID: round.id, instrumentID: instrument.id, schoolID: school, personID: person)
        out.reserveCapacity(stored.count)
        for r in stored {
            var scored = ScoredResponse(
                id: r.id, respondent: r.respondent, schoolID: r.schoolID, school: r.school, personID: r.personID, person: r.person,
                group: RespondentGroup(rawValue: r.group) ?? .teachers, submittedAt: r.submittedAt,
                answers: Array(repeating: nil, count: count),
                areas: Array(repeating: ScoredResponse.AreaScore(), count: instrument.areas.count), overall: nil)
            for (item, answer) in r.answers {
                // An item no longer declared is skipped (redeclarations keep
                // answered items, so this is only a safeguard).
                guard let ref = instrument.itemIndex[item] else { continue }
                switch answer {
                case .notApplicable: scored.areas[ref.area].na += 1
                case .preferNotToSay: scored.areas[ref.area].pnts += 1
                case .score(let score):
                    scored.areas[ref.area].sum += score
                    scored.areas[ref.area].n += 1
                }
                scored.answers[offsets[ref.area] + ref.item] = answer
            }
            out.append(scored)
        }

        if instrument.scoreFunction {
            let answers = out.map { answersJSON($0, instrument) }
            let areas = out.map { r in JSON.object(zip(instrument.areas, r.areas).compactMap { a, s in s.mean.map { JSON.Member(a.code, .double($0)) } }) }
            let who = out.map { r in
                (r.person.map { "person \(IHubError.quoted($0))" } ?? "school \(IHubError.quoted(r.school))") + ", respondent \(IHubError.quoted(r.respondent))"
            }
            let overall = try InstrumentScript.overall(engine, instrument, answers: answers, areas: areas, who: who)
            for i in out.indices { out[i].overall = overall[i] }
        } else {
            for i in out.indices { out[i].overall = meanOfAreaMeans(out[i].areas) }
        }
        return out
    }

    static func meanOfAreaMeans(_ areas: [ScoredResponse.AreaScore]) -> Double? {
        var sum = 0.0, n = 0
        for a in areas { if let m = a.mean { sum += m; n += 1 } }
        return n > 0 ? sum / Double(n) : nil
    }

    /// Item code → score, "na" or "pnts", for answered items.
    static func answersJSON(_ r: ScoredResponse, _ instrument: Instrument) -> JSON {
        var members: [JSON.Member] = []
        var i = 0
        for area in instrument.areas {
            for item in area.items {
                if let a = r.answers[i] { members.append(JSON.Member(item.code, a.json)) }
                i += 1
            }
        }
        return .object(members)
    }

    /// How the overall score is made, in words.
    static func overallRule(_ instrument: Instrument) -> String {
        instrument.scoreFunction ? "the score function of \(instrument.code)" : "the mean of the area means"
    }

    /// One response's scores as a document: items, areas (mean, scored
    /// items, na, pnts, and the level if the instrument has levels), overall.
    static func json(_ r: ScoredResponse, _ instrument: Instrument) -> JSON {
        var areas: [JSON.Member] = []
        for (a, score) in zip(instrument.areas, r.areas) {
            var m: [JSON.Member] = [.init("mean", JSON(score.mean)), .init("n", .int(Int64(score.n))),
                                    .init("na", .int(Int64(score.na))), .init("pnts", .int(Int64(score.pnts)))]
            if !instrument.levels.isEmpty { m.append(.init("level", JSON(score.mean.flatMap { instrument.level(of: $0)?.code }))) }
            areas.append(JSON.Member(a.code, .object(m)))
        }
        var members: [JSON.Member] = [
            .init("respondent", .string(r.respondent)), .init("school", .string(r.school)), .init("person", JSON(r.person)),
            .init("group", .string(r.group.rawValue)), .init("submitted_at", .string(r.submittedAt)),
            .init("items", answersJSON(r, instrument)), .init("areas", .object(areas)), .init("overall", JSON(r.overall)),
        ]
        if !instrument.levels.isEmpty {
            let level = r.overall.flatMap { instrument.level(of: $0) }
            members.append(.init("level", JSON(level?.code)))
            members.append(.init("level_name", JSON(level?.name)))
        }
        return .object(members)
    }
}
