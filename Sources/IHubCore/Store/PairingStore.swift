/// The pairing area's queries: runs with their pairs and unmatched records,
/// confirmed mentorships, and the registry and classification facts a
/// pairing policy reads. Domain code (Pairing/) calls these and holds no SQL.
struct PairingStore {
    let db: Database
}

extension Database {
    var pairing: PairingStore { PairingStore(db: self) }
}

// MARK: rows

/// A stored pairing run, without its pairs.
struct PairingRunRow {
    let id: Int64
    let hubID: Int64
    let roundID: Int64
    let hub: String
    let round: String
    let level: PairingRecords.Level
    let objective: String
    let mode: String
    let inputsHash: String
    let policyHash: String
    let params: JSON
    let capacity: JSON
    let total: Double
    let candidates: Int64
    let createdAt: String
    let confirmedAt: String?
}

/// A run as pairing.list shows it: its figures and how many pairs and
/// unmatched records it holds.
struct PairingRunSummary {
    let id: Int64
    let level: String
    let objective: String
    let mode: String
    let total: Double
    let candidates: Int64
    let policyHash: String
    let createdAt: String
    let confirmedAt: String?
    let pairs: Int64
    let unmatched: Int64
}

/// A pair of a run (codes of the mentee and mentor).
struct RunPair {
    let mentee: String
    let mentor: String
    let score: Double
    let pinned: Bool
}

/// A record a run left unmatched, with the reason.
struct RunUnmatched {
    let code: String
    let side: String
    var reason: String
}

/// A run about to be stored.
struct NewPairingRun {
    let hubID: Int64
    let roundID: Int64
    let level: PairingRecords.Level
    let objective: String
    let mode: String
    let inputsHash: String
    let policyHash: String
    let params: JSON
    let capacity: JSON
    let total: Double
    let candidates: Int
}

/// A confirmed pair as pairing.mentorships lists it.
struct MentorshipRow {
    let id: Int64
    let hubID: Int64
    let hub: String
    let level: String
    let round: String
    let mentee: String
    let mentor: String
    let score: Double?
    let runID: Int64?
    let start: String
    let end: String?
    let endReason: String?
}

/// A mentorship at one level, as the pairing history reads it.
struct MentorshipHistoryRow {
    let mentee: String
    let mentor: String
    let roundID: Int64
    let round: String
    let ended: Bool
    let runID: Int64?
}

/// A school's facts a pairing policy reads.
struct PairingSchoolFacts {
    let code: String
    let level: String?
    let size: Int64?
    let lat: Double?
    let lon: Double?
    /// Its languages of instruction, or its hub's when it lists none.
    let languages: [String]
}

/// A person's facts a pairing policy reads.
struct PairingPersonFacts {
    let code: String
    let subjects: [String]
    let languages: [String]
}

// MARK: runs

extension PairingStore {
    private static let runColumns = """
        SELECT x.id, x.hub_id, x.round_id, h.code, r.code, x.level, x.objective, x.mode, x.inputs_hash, x.policy_hash,
               x.params, x.capacity, x.total, x.candidates, x.created_at, x.confirmed_at
        FROM pairing_runs x JOIN hubs h ON h.id = x.hub_id JOIN rounds r ON r.id = x.round_id
        """

    /// The run with row id `id`, or nil.
    func runRow(id: Int64) throws(IHubError) -> PairingRunRow? {
        let s = try db.statement(PairingStore.runColumns + " WHERE x.id = ?")
        try s.bind([.int(id)])
        guard try s.step() else { return nil }
        defer { s.reset() }
        guard let level = PairingRecords.Level(rawValue: s.text(5) ?? "") else {
            throw IHubError(.corrupt, "pairing_runs.level: run #\(id) has level \(IHubError.quoted(s.text(5) ?? ""))")
        }
        return PairingRunRow(id: s.int(0), hubID: s.int(1), roundID: s.int(2), hub: s.text(3) ?? "", round: s.text(4) ?? "",
                             level: level, objective: s.text(6) ?? "", mode: s.text(7) ?? "", inputsHash: s.text(8) ?? "",
                             policyHash: s.text(9) ?? "",
                             params: try db.storedJSON(s.text(10), at: "pairing_runs.params"),
                             capacity: try db.storedJSON(s.text(11), at: "pairing_runs.capacity"),
                             total: s.double(12), candidates: s.int(13), createdAt: s.text(14) ?? "",
                             confirmedAt: s.isNull(15) ? nil : s.text(15))
    }

    /// The hub of run `id`, or nil when there is no such run.
    func runHubID(id: Int64) throws(IHubError) -> Int64? {
        try db.scalarInt("SELECT hub_id FROM pairing_runs WHERE id = ?", [.int(id)])
    }

    /// The parameters run `id` was proposed with, or nil when there is no such run.
    func runParams(id: Int64) throws(IHubError) -> JSON? {
        let s = try db.statement("SELECT params FROM pairing_runs WHERE id = ?")
        try s.bind([.int(id)])
        guard try s.step() else { return nil }
        defer { s.reset() }
        return try db.storedJSON(s.text(0), at: "pairing_runs.params")
    }

    /// A round's runs, newest first; `level` nil: both levels.
    func runs(roundID: Int64, level: String?) throws(IHubError) -> [PairingRunSummary] {
        let s = try db.statement("""
            SELECT x.id, x.level, x.objective, x.mode, x.total, x.candidates, x.policy_hash, x.created_at, x.confirmed_at,
                   (SELECT count(*) FROM run_pairs p WHERE p.run_id = x.id),
                   (SELECT count(*) FROM run_unmatched u WHERE u.run_id = x.id)
            FROM pairing_runs x WHERE x.round_id = ? AND (CAST(? AS TEXT) IS NULL OR x.level = ?) ORDER BY x.id DESC
            """)
        try s.bind([.int(roundID), SQLValue(level), SQLValue(level)])
        var out: [PairingRunSummary] = []
        while try s.step() {
            out.append(PairingRunSummary(id: s.int(0), level: s.text(1) ?? "", objective: s.text(2) ?? "", mode: s.text(3) ?? "",
                                         total: s.double(4), candidates: s.int(5), policyHash: s.text(6) ?? "",
                                         createdAt: s.text(7) ?? "", confirmedAt: s.isNull(8) ? nil : s.text(8),
                                         pairs: s.int(9), unmatched: s.int(10)))
        }
        return out
    }

    /// Stores a run with its pairs and unmatched records; its row id.
    func addRun(_ run: NewPairingRun, pairs: [RunPair], unmatched: [RunUnmatched]) throws(IHubError) -> Int64 {
        let s = try db.statement("""
            INSERT INTO pairing_runs(hub_id, round_id, level, objective, mode, inputs_hash, policy_hash, params, capacity, total,
                                     candidates, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
            """)
        try s.bind([.int(run.hubID), .int(run.roundID), .text(run.level.rawValue), .text(run.objective), .text(run.mode),
                    .text(run.inputsHash), .text(run.policyHash), .text(run.params.serialized()), .text(run.capacity.serialized()),
                    .double(run.total), .int(Int64(run.candidates)), .text(Timestamp.now())])
        guard try s.step() else { throw IHubError(.error, "pairing_runs: the insert returned no id") }
        let id = s.int(0)
        s.reset()
        let pair = try db.statement("INSERT INTO run_pairs(run_id, mentee, mentor, score, pinned) VALUES (?, ?, ?, ?, ?)")
        for x in pairs { try pair.run([.int(id), .text(x.mentee), .text(x.mentor), .double(x.score), .int(x.pinned ? 1 : 0)]) }
        let un = try db.statement("INSERT INTO run_unmatched(run_id, code, side, reason) VALUES (?, ?, ?, ?)")
        for u in unmatched { try un.run([.int(id), .text(u.code), .text(u.side), .text(u.reason)]) }
        return id
    }

    /// A run's pairs, by mentee then mentor.
    func runPairs(run: Int64) throws(IHubError) -> [RunPair] {
        let s = try db.statement("SELECT mentee, mentor, score, pinned FROM run_pairs WHERE run_id = ? ORDER BY mentee, mentor")
        try s.bind([.int(run)])
        var out: [RunPair] = []
        while try s.step() { out.append(RunPair(mentee: s.text(0) ?? "", mentor: s.text(1) ?? "", score: s.double(2), pinned: s.int(3) != 0)) }
        return out
    }

    /// A run's unmatched records, by code.
    func runUnmatched(run: Int64) throws(IHubError) -> [RunUnmatched] {
        let s = try db.statement("SELECT code, side, reason FROM run_unmatched WHERE run_id = ? ORDER BY code")
        try s.bind([.int(run)])
        var out: [RunUnmatched] = []
        while try s.step() { out.append(RunUnmatched(code: s.text(0) ?? "", side: s.text(1) ?? "", reason: s.text(2) ?? "")) }
        return out
    }

    /// Marks run `id` confirmed now.
    func markConfirmed(run id: Int64) throws(IHubError) {
        try db.statement("UPDATE pairing_runs SET confirmed_at = ? WHERE id = ?").run([.text(Timestamp.now()), .int(id)])
    }
}

// MARK: mentorships

extension PairingStore {
    /// The mentee and mentor columns of a level's mentorships.
    private static func columns(_ level: PairingRecords.Level) -> (mentee: String, mentor: String, table: String) {
        switch level {
        case .school: ("mentee_school_id", "mentor_school_id", "schools")
        case .teacher: ("mentee_person_id", "mentor_person_id", "people")
        }
    }

    /// Whether mentee ← mentor is an open mentorship of the round at `level`.
    func openMentorshipExists(roundID: Int64, level: PairingRecords.Level, mentee: Int64, mentor: Int64) throws(IHubError) -> Bool {
        let c = PairingStore.columns(level)
        return try db.scalarInt("""
            SELECT 1 FROM mentorships WHERE round_id = ? AND level = ? AND end_date IS NULL AND \(c.mentee) = ? AND \(c.mentor) = ?
            """, [.int(roundID), .text(level.rawValue), .int(mentee), .int(mentor)]) != nil
    }

    /// Open mentorships of the round at `level` where `mentor` mentors.
    func mentorLoad(roundID: Int64, level: PairingRecords.Level, mentor: Int64) throws(IHubError) -> Int {
        let c = PairingStore.columns(level)
        return Int(try db.scalarInt("""
            SELECT count(*) FROM mentorships WHERE round_id = ? AND level = ? AND end_date IS NULL AND \(c.mentor) = ?
            """, [.int(roundID), .text(level.rawValue), .int(mentor)]) ?? 0)
    }

    /// Open mentorships of the round at `level` where `mentee` is mentored.
    func menteeLoad(roundID: Int64, level: PairingRecords.Level, mentee: Int64) throws(IHubError) -> Int {
        let c = PairingStore.columns(level)
        return Int(try db.scalarInt("""
            SELECT count(*) FROM mentorships WHERE round_id = ? AND level = ? AND end_date IS NULL AND \(c.mentee) = ?
            """, [.int(roundID), .text(level.rawValue), .int(mentee)]) ?? 0)
    }

    /// Confirms mentee ← mentor as a mentorship of the round, from today.
    func addMentorship(hubID: Int64, roundID: Int64, level: PairingRecords.Level, mentee: Int64, mentor: Int64,
                       run: Int64, score: Double, start: String) throws(IHubError)
    {
        let c = PairingStore.columns(level)
        try db.statement("""
            INSERT INTO mentorships(hub_id, round_id, level, \(c.mentee), \(c.mentor), run_id, score, start_date)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """).run([.int(hubID), .int(roundID), .text(level.rawValue), .int(mentee), .int(mentor), .int(run), .double(score),
                      .text(start)])
    }

    private static let mentorshipSelect = """
        SELECT m.id, m.hub_id, h.code, m.level, r.code, COALESCE(ms.code, mp.code), COALESCE(ts.code, tp.code), m.score, m.run_id,
               m.start_date, m.end_date, m.end_reason
        FROM mentorships m JOIN hubs h ON h.id = m.hub_id JOIN rounds r ON r.id = m.round_id
          LEFT JOIN schools ms ON ms.id = m.mentee_school_id LEFT JOIN schools ts ON ts.id = m.mentor_school_id
          LEFT JOIN people mp ON mp.id = m.mentee_person_id LEFT JOIN people tp ON tp.id = m.mentor_person_id
        """

    private static func mentorshipRow(_ s: any Statement) -> MentorshipRow {
        MentorshipRow(id: s.int(0), hubID: s.int(1), hub: s.text(2) ?? "", level: s.text(3) ?? "", round: s.text(4) ?? "",
                      mentee: s.text(5) ?? "", mentor: s.text(6) ?? "", score: s.isNull(7) ? nil : s.double(7),
                      runID: s.isNull(8) ? nil : s.int(8), start: s.text(9) ?? "", end: s.isNull(10) ? nil : s.text(10),
                      endReason: s.isNull(11) ? nil : s.text(11))
    }

    /// A hub's mentorships in the order they were confirmed: the open ones,
    /// or all with `history`; `level` nil: both levels.
    func mentorships(hubID: Int64, level: String?, history: Bool) throws(IHubError) -> [MentorshipRow] {
        try db.statement(PairingStore.mentorshipSelect + """
             WHERE m.hub_id = ? AND (CAST(? AS TEXT) IS NULL OR m.level = ?) AND (CAST(? AS BIGINT) = 1 OR m.end_date IS NULL)
            ORDER BY m.id
            """).rows([.int(hubID), SQLValue(level), SQLValue(level), .int(history ? 1 : 0)], PairingStore.mentorshipRow)
    }

    /// The mentorship with row id `id`, or nil.
    func mentorship(id: Int64) throws(IHubError) -> MentorshipRow? {
        try db.statement(PairingStore.mentorshipSelect + " WHERE m.id = ?").rows([.int(id)], PairingStore.mentorshipRow).first
    }

    /// Ends an open mentorship on `date`, with the reason.
    func endMentorship(id: Int64, date: String, reason: String) throws(IHubError) {
        try db.statement("UPDATE mentorships SET end_date = ?, end_reason = ? WHERE id = ? AND end_date IS NULL")
            .run([.text(date), .text(reason), .int(id)])
    }

    /// Every mentorship at `level` (any round, open or ended), in the order
    /// they were confirmed, with the codes of its records.
    func mentorshipHistory(level: PairingRecords.Level) throws(IHubError) -> [MentorshipHistoryRow] {
        let c = PairingStore.columns(level)
        let s = try db.statement("""
            SELECT a.code, b.code, m.round_id, r.code, m.end_date, m.run_id
            FROM mentorships m JOIN \(c.table) a ON a.id = m.\(c.mentee)
              JOIN \(c.table) b ON b.id = m.\(c.mentor) JOIN rounds r ON r.id = m.round_id
            WHERE m.level = ? ORDER BY m.id
            """)
        try s.bind([.text(level.rawValue)])
        var out: [MentorshipHistoryRow] = []
        while try s.step() {
            out.append(MentorshipHistoryRow(mentee: s.text(0) ?? "", mentor: s.text(1) ?? "", roundID: s.int(2), round: s.text(3) ?? "",
                                            ended: !s.isNull(4), runID: s.isNull(5) ? nil : s.int(5)))
        }
        return out
    }

    /// The open school-level mentorships as (mentee, mentor) school codes.
    func openSchoolPairs() throws(IHubError) -> [(mentee: String, mentor: String)] {
        let s = try db.statement("""
            SELECT a.code, b.code FROM mentorships m JOIN schools a ON a.id = m.mentee_school_id
              JOIN schools b ON b.id = m.mentor_school_id WHERE m.level = 'school' AND m.end_date IS NULL ORDER BY m.id
            """)
        var out: [(mentee: String, mentor: String)] = []
        while try s.step() { out.append((s.text(0) ?? "", s.text(1) ?? "")) }
        return out
    }
}

// MARK: what a policy reads

extension PairingStore {
    /// The round's classes of schools (`.school`) or people (`.teacher`) by row id.
    func classes(roundID: Int64, level: PairingRecords.Level) throws(IHubError) -> [Int64: String] {
        let sql = switch level {
        case .school: "SELECT school_id, class FROM classifications WHERE round_id = ? AND school_id IS NOT NULL ORDER BY id"
        case .teacher: "SELECT person_id, class FROM classifications WHERE round_id = ? AND person_id IS NOT NULL ORDER BY id"
        }
        let s = try db.statement(sql)
        try s.bind([.int(roundID)])
        var out: [Int64: String] = [:]
        while try s.step() { out[s.int(0)] = s.text(1) ?? "" }
        return out
    }

    /// The school with row id `id`, or nil.
    func schoolFacts(id: Int64) throws(IHubError) -> PairingSchoolFacts? {
        try schoolFacts("WHERE t.id = ?", .int(id))
    }

    /// The school with `code`, or nil.
    func schoolFacts(code: String) throws(IHubError) -> PairingSchoolFacts? {
        try schoolFacts("WHERE t.code = ?", .text(code))
    }

    private func schoolFacts(_ filter: String, _ value: SQLValue) throws(IHubError) -> PairingSchoolFacts? {
        let s = try db.statement("""
            SELECT t.code, t.level, t.size, t.latitude, t.longitude, t.languages, h.languages
            FROM schools t JOIN hubs h ON h.id = t.hub_id
            """ + " " + filter)
        try s.bind([value])
        guard try s.step() else { return nil }
        defer { s.reset() }
        // A school without languages of its own teaches in its hub's.
        var languages = try db.storedStrings(s.text(5), at: "schools.languages")
        if languages.isEmpty { languages = try db.storedStrings(s.text(6), at: "hubs.languages") }
        return PairingSchoolFacts(code: s.text(0) ?? "", level: s.isNull(1) ? nil : s.text(1), size: s.isNull(2) ? nil : s.int(2),
                                  lat: s.isNull(3) ? nil : s.double(3), lon: s.isNull(4) ? nil : s.double(4), languages: languages)
    }

    /// The person with row id `id`, or nil.
    func personFacts(id: Int64) throws(IHubError) -> PairingPersonFacts? {
        let s = try db.statement("SELECT code, subjects, languages FROM people WHERE id = ?")
        try s.bind([.int(id)])
        guard try s.step() else { return nil }
        defer { s.reset() }
        return PairingPersonFacts(code: s.text(0) ?? "", subjects: try db.storedStrings(s.text(1), at: "people.subjects"),
                                  languages: try db.storedStrings(s.text(2), at: "people.languages"))
    }
}

// MARK: stored JSON
