/// The assessment area's queries: instruments, responses and their answers,
/// area reports, classifications, and the rows the CSV exports read.
/// Domain code (Assessment/, Exchange/ResponseExchange.swift,
/// Exchange/WideResponses.swift) calls these and holds no SQL.
struct AssessmentStore {
    let db: Database
}

extension Database {
    var assessment: AssessmentStore { AssessmentStore(db: self) }
}

// MARK: instruments

/// An instrument as stored: the parsed definition and who owns it.
struct InstrumentRow {
    let id: Int64
    let definition: JSON
    let hubID: Int64?
    let source: String?
}

/// An instrument as instrument.list and instrument.get show it.
struct InstrumentListing {
    let code: String
    let name: String
    let subject: String
    let hubCode: String?
    let definition: JSON
    let source: String?
    let sourceHash: String?
    let createdAt: String
}

extension AssessmentStore {
    private static let instrumentColumns = "SELECT id, definition, hub_id, source FROM instruments"

    private func instrumentRow(_ s: any Statement) throws(IHubError) -> InstrumentRow {
        let id = s.int(0)
        return InstrumentRow(id: id, definition: try db.storedJSON(s.text(1), at: "instruments.definition of instrument #\(id)"),
                             hubID: s.isNull(2) ? nil : s.int(2), source: s.isNull(3) ? nil : s.text(3))
    }

    func instrument(code: String) throws(IHubError) -> InstrumentRow? {
        let s = try db.statement(Self.instrumentColumns + " WHERE code = ?")
        try s.bind([.text(code)])
        guard try s.step() else { return nil }
        return try instrumentRow(s)
    }

    func instrument(id: Int64) throws(IHubError) -> InstrumentRow? {
        let s = try db.statement(Self.instrumentColumns + " WHERE id = ?")
        try s.bind([.int(id)])
        guard try s.step() else { return nil }
        return try instrumentRow(s)
    }

    /// Columns 0..7 of a listing.
    private static let listingColumns = """
        SELECT i.code, i.name, i.subject, h.code, i.definition, i.source, i.source_hash, i.created_at, i.id
        FROM instruments i LEFT JOIN hubs h ON h.id = i.hub_id
        """

    private func listing(_ s: any Statement) throws(IHubError) -> InstrumentListing {
        let code = s.text(0) ?? ""
        return InstrumentListing(
            code: code, name: s.text(1) ?? "", subject: s.text(2) ?? "", hubCode: s.isNull(3) ? nil : s.text(3),
            definition: try db.storedJSON(s.text(4), at: "instruments.definition of instrument \(IHubError.quoted(code))"),
            source: s.isNull(5) ? nil : s.text(5), sourceHash: s.isNull(6) ? nil : s.text(6), createdAt: s.text(7) ?? "")
    }

    /// Instruments a hub may use (nil: all), of one subject (nil: both), by id.
    func instrumentListings(hubID: Int64?, subject: String?) throws(IHubError) -> [InstrumentListing] {
        let s = try db.statement(Self.listingColumns + """
             WHERE (CAST(? AS BIGINT) IS NULL OR i.hub_id IS NULL OR i.hub_id = ?)
               AND (CAST(? AS TEXT) IS NULL OR i.subject = ?) ORDER BY i.id
            """)
        try s.bind([SQLValue(hubID), SQLValue(hubID), SQLValue(subject), SQLValue(subject)])
        var rows: [InstrumentListing] = []
        while try s.step() { rows.append(try listing(s)) }
        return rows
    }

    func instrumentListing(code: String) throws(IHubError) -> InstrumentListing? {
        let s = try db.statement(Self.listingColumns + " WHERE i.code = ?")
        try s.bind([.text(code)])
        guard try s.step() else { return nil }
        return try listing(s)
    }

    /// Who declared the instrument with this code, and its subject.
    func instrumentOwner(code: String) throws(IHubError) -> (id: Int64, hubID: Int64?, subject: String)? {
        let s = try db.statement("SELECT id, hub_id, subject FROM instruments WHERE code = ?")
        try s.bind([.text(code)])
        guard try s.step() else { return nil }
        return (s.int(0), s.isNull(1) ? nil : s.int(1), s.text(2) ?? "")
    }

    /// A hub-defined instrument, declared for the first time.
    func insertInstrument(code: String, name: String, subject: String, definition: String, source: String,
                          sourceHash: String, hubID: Int64?) throws(IHubError) {
        try db.statement("""
            INSERT INTO instruments(code, name, subject, definition, source, source_hash, hub_id, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """).run([.text(code), .text(name), .text(subject), .text(definition), .text(source), .text(sourceHash),
                      SQLValue(hubID), .text(Timestamp.now())])
    }

    /// A hub-defined instrument, redeclared.
    func updateInstrument(id: Int64, name: String, subject: String, definition: String, source: String,
                          sourceHash: String) throws(IHubError) {
        try db.statement("""
            UPDATE instruments SET name = ?, subject = ?, definition = ?, source = ?, source_hash = ? WHERE id = ?
            """).run([.text(name), .text(subject), .text(definition), .text(source), .text(sourceHash), .int(id)])
    }

    /// The stored definition text of a built-in instrument, or nil.
    func builtinDefinition(code: String) throws(IHubError) -> String? {
        try db.scalarText("SELECT definition FROM instruments WHERE code = ? AND source IS NULL", [.text(code)])
    }

    /// Inserts a built-in instrument or brings it up to date.
    func upsertBuiltin(code: String, name: String, subject: String, definition: String) throws(IHubError) {
        try db.statement("""
            INSERT INTO instruments(code, name, subject, definition, created_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (code) DO UPDATE SET name = excluded.name, subject = excluded.subject, definition = excluded.definition
            """).run([.text(code), .text(name), .text(subject), .text(definition), .text(Timestamp.now())])
    }

    /// Stored responses to an instrument.
    func responseCount(instrumentID: Int64) throws(IHubError) -> Int64 {
        try db.scalarInt("SELECT count(*) FROM responses WHERE instrument_id = ?", [.int(instrumentID)]) ?? 0
    }

    /// The items an instrument's stored answers name, by code.
    func answeredItems(instrumentID: Int64) throws(IHubError) -> [String] {
        let s = try db.statement("""
            SELECT DISTINCT a.item FROM answers a JOIN responses r ON r.id = a.response_id WHERE r.instrument_id = ? ORDER BY a.item
            """)
        try s.bind([.int(instrumentID)])
        var items: [String] = []
        while try s.step() { items.append(s.text(0) ?? "") }
        return items
    }

    /// The areas an instrument's stored reports name, by code.
    func reportedAreas(instrumentID: Int64) throws(IHubError) -> [String] {
        let s = try db.statement("SELECT DISTINCT area FROM area_results WHERE instrument_id = ? ORDER BY area")
        try s.bind([.int(instrumentID)])
        var areas: [String] = []
        while try s.step() { areas.append(s.text(0) ?? "") }
        return areas
    }

    /// The instruments with responses or reports in a round, by id.
    func instrumentIDs(roundID: Int64) throws(IHubError) -> [Int64] {
        let s = try db.statement("""
            SELECT instrument_id FROM responses WHERE round_id = ?
            UNION SELECT instrument_id FROM area_results WHERE round_id = ? ORDER BY 1
            """)
        try s.bind([.int(roundID), .int(roundID)])
        var ids: [Int64] = []
        while try s.step() { ids.append(s.int(0)) }
        return ids
    }
}

// MARK: writing responses, answers and reports

/// A school with its hub, as a response or a scope needs it.
struct SchoolInHub {
    let id: Int64
    let hubID: Int64
    let hubCode: String
}

extension AssessmentStore {
    func school(code: String) throws(IHubError) -> SchoolInHub? {
        let s = try db.statement("SELECT s.id, s.hub_id, h.code FROM schools s JOIN hubs h ON h.id = s.hub_id WHERE s.code = ?")
        try s.bind([.text(code)])
        guard try s.step() else { return nil }
        return SchoolInHub(id: s.int(0), hubID: s.int(1), hubCode: s.text(2) ?? "")
    }

    /// Whether the person belongs to the school at some time between
    /// `start` and `end` (nil: open).
    func isMember(personID: Int64, schoolID: Int64, start: String?, end: String?) throws(IHubError) -> Bool {
        try db.scalarInt("""
            SELECT 1 FROM memberships WHERE person_id = ? AND school_id = ?
              AND (end_date IS NULL OR CAST(? AS TEXT) IS NULL OR end_date >= ?)
              AND (start_date IS NULL OR CAST(? AS TEXT) IS NULL OR start_date <= ?) LIMIT 1
            """, [.int(personID), .int(schoolID), SQLValue(start), SQLValue(start), SQLValue(end), SQLValue(end)]) != nil
    }

    func responseID(roundID: Int64, instrumentID: Int64, respondent: String) throws(IHubError) -> Int64? {
        try db.scalarInt("SELECT id FROM responses WHERE round_id = ? AND instrument_id = ? AND respondent = ?",
                         [.int(roundID), .int(instrumentID), .text(respondent)])
    }

    /// A new response; its id.
    func insertResponse(roundID: Int64, instrumentID: Int64, schoolID: Int64, personID: Int64?, respondent: String,
                        group: String) throws(IHubError) -> Int64 {
        let s = try db.statement("""
            INSERT INTO responses(round_id, instrument_id, school_id, person_id, respondent, grp, submitted_at)
            VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id
            """)
        try s.bind([.int(roundID), .int(instrumentID), .int(schoolID), SQLValue(personID), .text(respondent), .text(group),
                    .text(Timestamp.now())])
        guard try s.step() else { throw IHubError(.error, "responses: the insert returned no id") }
        let id = s.int(0)
        s.reset()
        return id
    }

    /// A response submitted again: its fields now, and no answers.
    func resubmitResponse(id: Int64, schoolID: Int64, personID: Int64?, group: String) throws(IHubError) {
        try db.statement("UPDATE responses SET school_id = ?, person_id = ?, grp = ?, submitted_at = ? WHERE id = ?")
            .run([.int(schoolID), SQLValue(personID), .text(group), .text(Timestamp.now()), .int(id)])
        try db.statement("DELETE FROM answers WHERE response_id = ?").run([.int(id)])
    }

    /// The answer insert of a bulk load, bound value by value into one
    /// cached statement (no array of values per answer).
    func answerWriter() throws(IHubError) -> AnswerWriter {
        AnswerWriter(db: db, statement: try db.statement("""
            INSERT INTO answers(response_id, item, score, status) VALUES (?, ?, ?, ?) ON CONFLICT (response_id, item) DO NOTHING
            """))
    }

    /// Stores an area report, replacing one of the same school, group and area.
    func upsertAreaResult(roundID: Int64, instrumentID: Int64, schoolID: Int64, group: String, area: String,
                          mean: Double, sd: Double?, n: Int64) throws(IHubError) {
        try db.statement("""
            INSERT INTO area_results(round_id, instrument_id, school_id, grp, area, mean, sd, n) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (round_id, instrument_id, school_id, grp, area)
            DO UPDATE SET mean = excluded.mean, sd = excluded.sd, n = excluded.n
            """).run([.int(roundID), .int(instrumentID), .int(schoolID), .text(group), .text(area), .double(mean), SQLValue(sd), .int(n)])
    }
}

struct AnswerWriter {
    let db: Database
    let statement: any Statement

    /// Stores one answer; false (nothing stored) when the response has an
    /// answer to the item already. Not a failed statement: on PostgreSQL
    /// that would abort the whole transaction, and an import goes on to
    /// tell the next rows' problems.
    func insert(responseID: Int64, item: String, _ answer: Answer) throws(IHubError) -> Bool {
        statement.reset()
        try statement.bind(.int(responseID), at: 1)
        try statement.bind(.text(item), at: 2)
        switch answer {
        case .score(let s):
            try statement.bind(.double(s), at: 3)
            try statement.bind(.text("score"), at: 4)
        case .notApplicable:
            try statement.bind(.null, at: 3)
            try statement.bind(.text("na"), at: 4)
        case .preferNotToSay:
            try statement.bind(.null, at: 3)
            try statement.bind(.text("pnts"), at: 4)
        }
        try statement.step()
        statement.reset()
        return db.changes > 0
    }
}

// MARK: reading responses and reports

/// One stored response with its answers, in no particular item order.
struct StoredResponse {
    let id: Int64
    let respondent: String
    let schoolID: Int64
    let school: String
    let personID: Int64?
    let person: String?
    let group: String
    let submittedAt: String
    var answers: [(item: String, answer: Answer)]
}

/// One area report with its school's code.
struct AreaResultRow {
    let schoolID: Int64
    let school: String
    let group: String
    let area: String
    let mean: Double
    let sd: Double?
    let n: Int64
}

extension AssessmentStore {
    /// A stored answer from its score and status columns.
    private static func answer(_ s: any Statement, score: Int32, status: Int32) -> Answer {
        switch s.text(status) {
        case "na": return .notApplicable
        case "pnts": return .preferNotToSay
        default: return .score(s.double(score))
        }
    }

    /// The responses of a round and instrument, optionally about one school
    /// or assessing one person, with their answers; in the order they were
    /// first submitted (by id).
    func responses(roundID: Int64, instrumentID: Int64, schoolID: Int64? = nil, personID: Int64? = nil) throws(IHubError) -> [StoredResponse] {
        let s = try db.statement("""
            SELECT r.id, r.respondent, r.school_id, s.code, r.person_id, p.code, r.grp, r.submitted_at, a.item, a.score, a.status
            FROM responses r JOIN schools s ON s.id = r.school_id LEFT JOIN people p ON p.id = r.person_id
                 LEFT JOIN answers a ON a.response_id = r.id
            WHERE r.round_id = ? AND r.instrument_id = ?
              AND (CAST(? AS BIGINT) IS NULL OR r.school_id = ?) AND (CAST(? AS BIGINT) IS NULL OR r.person_id = ?)
            ORDER BY r.id, a.item NULLS FIRST
            """)
        try s.bind([.int(roundID), .int(instrumentID), SQLValue(schoolID), SQLValue(schoolID), SQLValue(personID), SQLValue(personID)])
        var out: [StoredResponse] = []
        while try s.step() {
            let id = s.int(0)
            if out.last?.id != id {
                out.append(StoredResponse(
                    id: id, respondent: s.text(1) ?? "", schoolID: s.int(2), school: s.text(3) ?? "",
                    personID: s.isNull(4) ? nil : s.int(4), person: s.isNull(5) ? nil : s.text(5),
                    group: s.text(6) ?? "", submittedAt: s.text(7) ?? "", answers: []))
            }
            // A response without answers has one row with a NULL item.
            guard !s.isNull(8), let item = s.text(8) else { continue }
            out[out.count - 1].answers.append((item, Self.answer(s, score: 9, status: 10)))
        }
        return out
    }

    /// The area reports of a round and instrument, optionally of one school.
    func areaResults(roundID: Int64, instrumentID: Int64, schoolID: Int64?) throws(IHubError) -> [AreaResultRow] {
        let s = try db.statement("""
            SELECT x.school_id, s.code, x.grp, x.area, x.mean, x.sd, x.n FROM area_results x JOIN schools s ON s.id = x.school_id
            WHERE x.round_id = ? AND x.instrument_id = ? AND (CAST(? AS BIGINT) IS NULL OR x.school_id = ?)
            ORDER BY x.school_id, x.grp, x.area
            """)
        try s.bind([.int(roundID), .int(instrumentID), SQLValue(schoolID), SQLValue(schoolID)])
        var rows: [AreaResultRow] = []
        while try s.step() {
            rows.append(AreaResultRow(schoolID: s.int(0), school: s.text(1) ?? "", group: s.text(2) ?? "", area: s.text(3) ?? "",
                                      mean: s.double(4), sd: s.isNull(5) ? nil : s.double(5), n: s.int(6)))
        }
        return rows
    }
}

// MARK: exports

/// A response as the CSV exports write it: codes, not ids.
struct ExportedResponse {
    let round: String
    let instrument: String
    let respondent: String
    let school: String
    let person: String?
    let group: String
}

/// An area report as the area_results export writes it.
struct ExportedAreaResult {
    let round: String
    let instrument: String
    let school: String
    let group: String
    let area: String
    let mean: Double
    let sd: Double?
    let n: Int64
}

extension AssessmentStore {
    /// Every response of a hub (nil: all), by id, streamed: `response` is
    /// called once per response, then `answer` for each of its answers by
    /// item code (none for a response without answers). Nothing of the
    /// whole set is held in memory.
    func exportResponses(hubID: Int64?, response: (ExportedResponse) throws(IHubError) -> Void,
                         answer: (String, Answer) throws(IHubError) -> Void) throws(IHubError) {
        let s = try db.statement("""
            SELECT x.id, r.code, i.code, x.respondent, s.code, p.code, x.grp, a.item, a.score, a.status
            FROM responses x JOIN rounds r ON r.id = x.round_id JOIN instruments i ON i.id = x.instrument_id
            JOIN schools s ON s.id = x.school_id LEFT JOIN people p ON p.id = x.person_id
            LEFT JOIN answers a ON a.response_id = x.id
            WHERE CAST(? AS BIGINT) IS NULL OR r.hub_id = ? ORDER BY x.id, a.item NULLS FIRST
            """)
        try s.bind([SQLValue(hubID), SQLValue(hubID)])
        var current: Int64?
        while try s.step() {
            if s.int(0) != current {
                current = s.int(0)
                try response(ExportedResponse(round: s.text(1) ?? "", instrument: s.text(2) ?? "", respondent: s.text(3) ?? "",
                                              school: s.text(4) ?? "", person: s.isNull(5) ? nil : s.text(5), group: s.text(6) ?? ""))
            }
            guard !s.isNull(7), let item = s.text(7) else { continue }
            try answer(item, Self.answer(s, score: 8, status: 9))
        }
    }

    /// The codes of the instruments with responses in a hub (nil: all), sorted.
    func respondedInstrumentCodes(hubID: Int64?) throws(IHubError) -> [String] {
        let s = try db.statement("""
            SELECT DISTINCT i.code FROM responses x JOIN instruments i ON i.id = x.instrument_id JOIN rounds r ON r.id = x.round_id
            WHERE CAST(? AS BIGINT) IS NULL OR r.hub_id = ? ORDER BY i.code
            """)
        try s.bind([SQLValue(hubID), SQLValue(hubID)])
        var codes: [String] = []
        while try s.step() { codes.append(s.text(0) ?? "") }
        return codes
    }

    /// The area reports of a hub (nil: all), in a fixed order.
    func exportAreaResults(hubID: Int64?, _ body: (ExportedAreaResult) throws(IHubError) -> Void) throws(IHubError) {
        let s = try db.statement("""
            SELECT r.code, i.code, s.code, a.grp, a.area, a.mean, a.sd, a.n FROM area_results a
            JOIN rounds r ON r.id = a.round_id JOIN instruments i ON i.id = a.instrument_id JOIN schools s ON s.id = a.school_id
            WHERE CAST(? AS BIGINT) IS NULL OR r.hub_id = ? ORDER BY r.id, i.code, s.id, a.grp, a.area
            """)
        try s.bind([SQLValue(hubID), SQLValue(hubID)])
        while try s.step() {
            try body(ExportedAreaResult(round: s.text(0) ?? "", instrument: s.text(1) ?? "", school: s.text(2) ?? "",
                                        group: s.text(3) ?? "", area: s.text(4) ?? "", mean: s.double(5),
                                        sd: s.isNull(6) ? nil : s.double(6), n: s.int(7)))
        }
    }
}

// MARK: classifications

/// A school of a hub, as a classify rule sees it.
struct SchoolSubjectRow {
    let id: Int64
    let code: String
    let name: String
    let level: String?
    let size: Int64?
    let municipality: String?
}

/// A teacher of a hub in a round: current roles and schools, sorted.
struct TeacherSubjectRow {
    let id: Int64
    let code: String
    let name: String
    var roles: [String] = []
    var schools: [String] = []
}

/// A stored class of a round.
struct ClassificationRow {
    let subject: String
    let code: String
    let name: String
    let cls: String
    let reasons: JSON
    let rule: String
    let createdAt: String
    let inputs: String
}

extension AssessmentStore {
    /// The schools of a hub, by code.
    func schoolSubjects(hubID: Int64) throws(IHubError) -> [SchoolSubjectRow] {
        let s = try db.statement("SELECT id, code, name, level, size, municipality FROM schools WHERE hub_id = ? ORDER BY code, id")
        try s.bind([.int(hubID)])
        var rows: [SchoolSubjectRow] = []
        while try s.step() {
            rows.append(SchoolSubjectRow(id: s.int(0), code: s.text(1) ?? "", name: s.text(2) ?? "",
                                         level: s.isNull(3) ? nil : s.text(3), size: s.isNull(4) ? nil : s.int(4),
                                         municipality: s.isNull(5) ? nil : s.text(5)))
        }
        return rows
    }

    /// The hub's teachers in a round, by code: people with a teacher role
    /// current at the round's start, or with a teacher-instrument response
    /// in it; each with the roles and schools current in the round.
    func teacherSubjects(hubID: Int64, roundID: Int64, start: String?, end: String?) throws(IHubError) -> [TeacherSubjectRow] {
        let people = try db.statement("""
            SELECT p.id, p.code, p.name FROM people p
            WHERE p.hub_id = ? AND (
              EXISTS (SELECT 1 FROM person_roles r WHERE r.person_id = p.id AND (r.role = 'teacher' OR r.role = 'ict_teacher')
                      AND (r.end_date IS NULL OR CAST(? AS TEXT) IS NULL OR r.end_date >= ?))
              OR EXISTS (SELECT 1 FROM responses x JOIN instruments i ON i.id = x.instrument_id
                         WHERE x.person_id = p.id AND x.round_id = ? AND i.subject = 'teacher'))
            ORDER BY p.code, p.id
            """)
        try people.bind([.int(hubID), SQLValue(start), SQLValue(start), .int(roundID)])
        var rows: [TeacherSubjectRow] = []
        var index: [Int64: Int] = [:]
        while try people.step() {
            index[people.int(0)] = rows.count
            rows.append(TeacherSubjectRow(id: people.int(0), code: people.text(1) ?? "", name: people.text(2) ?? ""))
        }
        guard !rows.isEmpty else { return rows }

        let roles = try db.statement("""
            SELECT DISTINCT r.person_id, r.role FROM person_roles r JOIN people p ON p.id = r.person_id
            WHERE p.hub_id = ? AND (r.end_date IS NULL OR CAST(? AS TEXT) IS NULL OR r.end_date >= ?)
            ORDER BY r.person_id, r.role
            """)
        try roles.bind([.int(hubID), SQLValue(start), SQLValue(start)])
        while try roles.step() {
            if let i = index[roles.int(0)] { rows[i].roles.append(roles.text(1) ?? "") }
        }
        let schools = try db.statement("""
            SELECT DISTINCT m.person_id, s.code FROM memberships m JOIN schools s ON s.id = m.school_id
            JOIN people p ON p.id = m.person_id
            WHERE p.hub_id = ? AND (m.end_date IS NULL OR CAST(? AS TEXT) IS NULL OR m.end_date >= ?)
              AND (m.start_date IS NULL OR CAST(? AS TEXT) IS NULL OR m.start_date <= ?)
            ORDER BY m.person_id, s.code
            """)
        try schools.bind([.int(hubID), SQLValue(start), SQLValue(start), SQLValue(end), SQLValue(end)])
        while try schools.step() {
            if let i = index[schools.int(0)] { rows[i].schools.append(schools.text(1) ?? "") }
        }
        return rows
    }

    /// Removes a round's classes of schools or of teachers.
    func deleteClassifications(roundID: Int64, schools: Bool) throws(IHubError) {
        try db.statement(schools ? "DELETE FROM classifications WHERE round_id = ? AND school_id IS NOT NULL"
                                 : "DELETE FROM classifications WHERE round_id = ? AND person_id IS NOT NULL").run([.int(roundID)])
    }

    func insertClassification(roundID: Int64, schoolID: Int64?, personID: Int64?, cls: String, reasons: String,
                              rule: String, inputs: String) throws(IHubError) {
        try db.statement("""
            INSERT INTO classifications(round_id, school_id, person_id, class, reasons, rule, inputs, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """).run([.int(roundID), SQLValue(schoolID), SQLValue(personID), .text(cls), .text(reasons), .text(rule), .text(inputs),
                      .text(Timestamp.now())])
    }

    /// A round's stored classes, schools first, by code; optionally of one
    /// subject ("school" or "teacher") or one class.
    func classifications(roundID: Int64, subject: String?, cls: String?) throws(IHubError) -> [ClassificationRow] {
        let s = try db.statement("""
            SELECT CASE WHEN c.school_id IS NOT NULL THEN 'school' ELSE 'teacher' END,
                   COALESCE(s.code, p.code), COALESCE(s.name, p.name), c.class, c.reasons, c.rule, c.created_at, c.inputs
            FROM classifications c LEFT JOIN schools s ON s.id = c.school_id LEFT JOIN people p ON p.id = c.person_id
            WHERE c.round_id = ?
              AND (CAST(? AS TEXT) IS NULL OR CASE WHEN c.school_id IS NOT NULL THEN 'school' ELSE 'teacher' END = ?)
              AND (CAST(? AS TEXT) IS NULL OR c.class = ?)
            ORDER BY 1, 2, c.id
            """)
        try s.bind([.int(roundID), SQLValue(subject), SQLValue(subject), SQLValue(cls), SQLValue(cls)])
        var rows: [ClassificationRow] = []
        while try s.step() {
            let code = s.text(1) ?? ""
            rows.append(ClassificationRow(
                subject: s.text(0) ?? "", code: code, name: s.text(2) ?? "", cls: s.text(3) ?? "",
                reasons: try db.storedJSON(s.text(4), at: "classifications.reasons of \(IHubError.quoted(code))"),
                rule: s.text(5) ?? "", createdAt: s.text(6) ?? "", inputs: s.text(7) ?? ""))
        }
        return rows
    }
}
