
/// The one place where responses, answers and area reports are written:
/// `assessment.submit`, `assessment.report`, the demo and the CSV importer
/// all load through it. One store serves one round and one instrument.
///
/// Built for bulk loads of one row per respondent × item: values arrive
/// already parsed, codes are resolved once per batch, statements are
/// prepared once, and nothing is turned into JSON. Use it inside a
/// transaction (`Database.transaction`, or a write method's own): a failure
/// then stores nothing.
///
///     let store = try ResponseStore(db, round: "EE-ACC-R1", instrument: "selfie")
///     let r = try store.respondent("R-0017", school: "EE-ACC-S01", person: nil, group: "teachers",
///                                  at: { "line 12, column \($0)" })
///     try store.answer(r, item: "B2", .score(4), at: "line 12, column value")
///     try store.answer(r, item: "C3", text: "pnts", at: "line 13, column value")
///
/// A respondent given again in the same batch continues the same response
/// (rows need not be grouped); one given in an earlier batch has its
/// response replaced: its old answers are deleted at its first row here.
final class ResponseStore {
    /// A respondent's response in this batch, as `respondent` returned it.
    typealias Handle = Int

    let db: Database
    let round: RoundRef
    let instrument: Instrument

    /// Responses created, answers stored, responses replaced (submitted
    /// before this batch), area reports stored.
    private(set) var created = 0
    private(set) var answers = 0
    private(set) var replaced = 0
    private(set) var reports = 0

    private struct Respondent {
        let responseID: Int64
        let code: String
        let school: String
        let person: String?
        let group: RespondentGroup
    }

    private var respondents: [Respondent] = []
    private var byCode: [String: Handle] = [:]
    private var lastHandle: Handle = -1
    private var schools: [String: Int64] = [:]
    private var people: [String: Int64] = [:]
    private var members: Set<Pair> = []
    private var reported: Set<String> = []
    private let insertAnswer: Statement

    private struct Pair: Hashable {
        let person: Int64
        let school: Int64
    }

    /// A store for one round and instrument, given by code; errors name
    /// `params.round` / `params.instrument`.
    convenience init(_ db: Database, round: String, instrument: String) throws(IHubError) {
        let r = try RoundRef.resolve(db, code: round, at: "params.round")
        let i = try Instrument.load(db, code: instrument, at: "params.instrument")
        try self.init(db, round: r, instrument: i)
    }

    init(_ db: Database, round: RoundRef, instrument: Instrument) throws(IHubError) {
        try instrument.check(usableIn: round, at: "params.instrument")
        self.db = db
        self.round = round
        self.instrument = instrument
        insertAnswer = try db.statement("INSERT INTO answers(response_id, item, score, status) VALUES (?, ?, ?, ?)")
    }

    // MARK: responses

    /// The response of `code` in this round and instrument: created, or
    /// (first time in this batch) replaced. `place(field)` names where a
    /// field came from, for messages: e.g. { "params.responses[3].\($0)" }.
    func respondent(_ code: String, school: String, person: String?, group: String,
                    at place: (String) -> String) throws(IHubError) -> Handle
    {
        if lastHandle >= 0 && respondents[lastHandle].code == code {
            try same(respondents[lastHandle], school: school, person: person, group: group, at: place)
            return lastHandle
        }
        if let known = byCode[code] {
            try same(respondents[known], school: school, person: person, group: group, at: place)
            lastHandle = known
            return known
        }
        guard !code.isEmpty else { throw IHubError.invalid("\(place("respondent")): must not be empty") }
        // The one free text a response stores; CSV rows reach here unchecked.
        if let problem = Shape.textProblem(code, multiline: false, maxBytes: Limits.text) { throw problem.error(place("respondent")) }
        guard let g = RespondentGroup(rawValue: group) else {
            throw IHubError.invalid("\(place("group")): expected one of \(RespondentGroup.names.joined(separator: ", ")), got \(IHubError.quoted(group, "\""))")
        }
        guard instrument.groups & g.bit != 0 else {
            let asked = RespondentGroup.of(instrument.groups).map(\.rawValue).joined(separator: ", ")
            throw IHubError.invalid("\(place("group")): \(instrument.code) is not answered by \(group) (only \(asked))")
        }
        let schoolID = try resolveSchool(school, at: place("school"))
        var personID: Int64?
        if let person {
            let id = try resolvePerson(person, at: place("person"))
            try checkMember(id, person, schoolID, school, at: place("person"))
            personID = id
        } else if instrument.subject == .teacher {
            throw IHubError.invalid("\(place("person")): missing (\(instrument.code) assesses a teacher: give the teacher's person code)")
        }

        let find = try db.statement("SELECT id FROM responses WHERE round_id = ? AND instrument_id = ? AND respondent = ?")
        try find.bind([.int(round.id), .int(instrument.id), .text(code)])
        let responseID: Int64
        if try find.step() {
            responseID = find.int(0)
            try db.statement("""
                UPDATE responses SET school_id = ?, person_id = ?, grp = ?, submitted_at = ? WHERE id = ?
                """).run([.int(schoolID), SQLValue(personID), .text(group), .text(Timestamp.now()), .int(responseID)])
            try db.statement("DELETE FROM answers WHERE response_id = ?").run([.int(responseID)])
            replaced += 1
        } else {
            let insert = try db.statement("""
                INSERT INTO responses(round_id, instrument_id, school_id, person_id, respondent, grp, submitted_at)
                VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id
                """)
            try insert.bind([.int(round.id), .int(instrument.id), .int(schoolID), SQLValue(personID), .text(code), .text(group), .text(Timestamp.now())])
            try insert.step()
            responseID = insert.int(0)
            insert.reset()
            created += 1
        }
        let handle = respondents.count
        respondents.append(Respondent(responseID: responseID, code: code, school: school, person: person, group: g))
        byCode[code] = handle
        lastHandle = handle
        return handle
    }

    private func same(_ r: Respondent, school: String, person: String?, group: String, at place: (String) -> String) throws(IHubError) {
        if r.school != school {
            throw IHubError.invalid("\(place("school")): respondent \(IHubError.quoted(r.code)) is given with school \(IHubError.quoted(r.school)) before, \(IHubError.quoted(school)) here")
        }
        if r.group.rawValue != group {
            throw IHubError.invalid("\(place("group")): respondent \(IHubError.quoted(r.code)) is given in group \(r.group.rawValue) before, \(group) here")
        }
        if r.person != person {
            throw IHubError.invalid("\(place("person")): respondent \(IHubError.quoted(r.code)) is given with person \(IHubError.quoted(r.person ?? "none")) before, \(IHubError.quoted(person ?? "none")) here")
        }
    }

    /// Stores one answer of a respondent. `at` names the answer's place,
    /// e.g. "params.responses[3].answers.B2".
    func answer(_ handle: Handle, item: String, _ value: Answer, at place: @autoclosure () -> String) throws(IHubError) {
        try check(item: item, of: handle, at: place())
        let r = respondents[handle]
        insertAnswer.reset()
        try insertAnswer.bind(.int(r.responseID), at: 1)
        try insertAnswer.bind(.text(item), at: 2)
        switch value {
        case .score(let s):
            guard s.isFinite, s >= Double(instrument.scale.min), s <= Double(instrument.scale.max) else {
                throw IHubError.invalid("\(place()): \(ResponseStore.number(s)) is outside the scale \(instrument.scale.text)")
            }
            guard s.rounded() == s else {
                throw IHubError.invalid("\(place()): \(ResponseStore.number(s)) is not a whole number of the scale \(instrument.scale.text)")
            }
            try insertAnswer.bind(.double(s), at: 3)
            try insertAnswer.bind(.text("score"), at: 4)
        case .notApplicable:
            try insertAnswer.bind(.null, at: 3)
            try insertAnswer.bind(.text("na"), at: 4)
        case .preferNotToSay:
            try insertAnswer.bind(.null, at: 3)
            try insertAnswer.bind(.text("pnts"), at: 4)
        }
        do throws(IHubError) {
            try insertAnswer.step()
        } catch where error.status == .conflict {
            throw IHubError(.conflict, "\(place()): item \(item) is answered twice by respondent \(IHubError.quoted(r.code))")
        }
        insertAnswer.reset()
        answers += 1
    }

    /// Refuses an item the instrument lacks or does not ask of the
    /// respondent's group (a CSV import names the item's column with it).
    func check(item: String, of handle: Handle, at place: @autoclosure () -> String) throws(IHubError) {
        guard let ref = instrument.itemIndex[item] else {
            throw IHubError.invalid("\(place()): unknown item \(IHubError.quoted(item)) (\(instrument.code) has \(instrument.itemList))")
        }
        let group = respondents[handle].group
        guard instrument.areas[ref.area].items[ref.item].groups & group.bit != 0 else {
            throw IHubError.invalid("\(place()): item \(IHubError.excerpt(item)) of \(instrument.code) is not asked of \(group.rawValue)")
        }
    }

    /// An answer given as text, as in a CSV cell: a whole number of the
    /// scale, "na" or "pnts" (any case).
    func answer(_ handle: Handle, item: String, text: String, at place: @autoclosure () -> String) throws(IHubError) {
        try answer(handle, item: item, ResponseStore.parse(text, scale: instrument.scale, at: place()), at: place())
    }

    /// An answer given as JSON: a number, "na" or "pnts".
    static func parse(_ value: JSON, scale: Instrument.Scale, at place: @autoclosure () -> String) throws(IHubError) -> Answer {
        switch value {
        case .int, .double: return .score(value.double!)
        case .string(let s): return try parse(s, scale: scale, at: place())
        default: throw IHubError.invalid("\(place()): expected a score \(scale.text), \"na\" or \"pnts\", got \(value.kindName)")
        }
    }

    static func parse(_ text: String, scale: Instrument.Scale, at place: @autoclosure () -> String) throws(IHubError) -> Answer {
        switch text.lowercased() {
        case "na": return .notApplicable
        case "pnts": return .preferNotToSay
        default:
            guard let d = Double(text) else {
                throw IHubError.invalid("\(place()): expected a score \(scale.text), \"na\" or \"pnts\", got \(IHubError.quoted(text, "\""))")
            }
            return .score(d)
        }
    }

    // MARK: area reports

    /// Stores an area result that arrived only as an aggregate (mean, sd and
    /// number of respondents of one school, group and area); replaces an
    /// earlier report of the same school, group and area.
    func report(school: String, group: String, area: String, mean: Double, sd: Double?, n: Int64,
                at place: (String) -> String) throws(IHubError)
    {
        let schoolID = try resolveSchool(school, at: place("school"))
        guard let g = RespondentGroup(rawValue: group) else {
            throw IHubError.invalid("\(place("group")): expected one of \(RespondentGroup.names.joined(separator: ", ")), got \(IHubError.quoted(group, "\""))")
        }
        guard let a = instrument.areaIndex[area] else {
            let known = instrument.areas.map(\.code).joined(separator: ", ")
            throw IHubError.invalid("\(place("area")): unknown area \(IHubError.quoted(area)) (\(instrument.code) has \(known))")
        }
        guard instrument.areas[a].groups & g.bit != 0 else {
            throw IHubError.invalid("\(place("group")): area \(area) of \(instrument.code) is not asked of \(group)")
        }
        guard mean.isFinite, mean >= Double(instrument.scale.min), mean <= Double(instrument.scale.max) else {
            throw IHubError.invalid("\(place("mean")): \(ResponseStore.number(mean)) is outside the scale \(instrument.scale.text)")
        }
        if let sd, !(sd.isFinite && sd >= 0) { throw IHubError.invalid("\(place("sd")): must be 0 or more") }
        guard n >= 1, n <= 1_000_000_000 else {
            throw IHubError.invalid("\(place("n")): must be between 1 and 10^9 (the number of respondents)")
        }
        let key = "\(schoolID)\u{1}\(group)\u{1}\(area)"
        guard reported.insert(key).inserted else {
            throw IHubError.invalid("\(place("area")): school \(IHubError.quoted(school)), group \(group), area \(area) is reported twice")
        }
        try db.statement("""
            INSERT OR REPLACE INTO area_results(round_id, instrument_id, school_id, grp, area, mean, sd, n) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """).run([.int(round.id), .int(instrument.id), .int(schoolID), .text(group), .text(area), .double(mean), SQLValue(sd), .int(n)])
        reports += 1
    }

    // MARK: codes

    private func resolveSchool(_ code: String, at place: @autoclosure () -> String) throws(IHubError) -> Int64 {
        if let id = schools[code] { return id }
        let s = try db.statement("SELECT s.id, s.hub_id, h.code FROM schools s JOIN hubs h ON h.id = s.hub_id WHERE s.code = ?")
        try s.bind([.text(code)])
        guard try s.step() else { throw IHubError.notFound("\(place()): no school with code \(IHubError.quoted(code))") }
        guard s.int(1) == round.hubID else {
            throw IHubError.invalid("\(place()): school \(IHubError.quoted(code)) is in hub \(s.text(2) ?? "?"), round \(IHubError.quoted(round.code)) in hub \(round.hubCode)")
        }
        schools[code] = s.int(0)
        return s.int(0)
    }

    private func resolvePerson(_ code: String, at place: @autoclosure () -> String) throws(IHubError) -> Int64 {
        if let id = people[code] { return id }
        guard let id = try db.scalarInt("SELECT id FROM people WHERE code = ?", [.text(code)]) else {
            throw IHubError.notFound("\(place()): no person with code \(IHubError.quoted(code))")
        }
        people[code] = id
        return id
    }

    /// The person must belong to the school while the round runs (a
    /// membership overlapping the round's dates, open ends allowed).
    private func checkMember(_ person: Int64, _ personCode: String, _ school: Int64, _ schoolCode: String,
                             at place: @autoclosure () -> String) throws(IHubError)
    {
        let pair = Pair(person: person, school: school)
        if members.contains(pair) { return }
        let s = try db.statement("""
            SELECT 1 FROM memberships WHERE person_id = ?1 AND school_id = ?2
              AND (end_date IS NULL OR ?3 IS NULL OR end_date >= ?3)
              AND (start_date IS NULL OR ?4 IS NULL OR start_date <= ?4) LIMIT 1
            """)
        try s.bind([.int(person), .int(school), SQLValue(round.start), SQLValue(round.end)])
        guard try s.step() else {
            throw IHubError.invalid("\(place()): person \(IHubError.quoted(personCode)) does not belong to school \(IHubError.quoted(schoolCode)) during round \(IHubError.quoted(round.code))")
        }
        members.insert(pair)
    }

    /// 7 rather than 7.0 in messages.
    static func number(_ d: Double) -> String {
        d.isFinite && d.rounded() == d && abs(d) < 1e15 ? String(Int64(d)) : "\(d)"
    }
}
