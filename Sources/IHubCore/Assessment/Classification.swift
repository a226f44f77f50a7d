/// Who is where: a maturity class per school and per teacher and round,
/// from their assessments. The default rules are below; a hub replaces
/// them with a "classify" script (ClassificationScript).
struct Classification {
    enum Kind: String { case school, teacher }

    /// One school or teacher to classify, with what a rule needs to know.
    struct Subject {
        let schoolID: Int64?
        let personID: Int64?
        let code: String
        /// {kind, code, name, ...}: what a classify script receives.
        let json: JSON
        /// Instrument code → this subject's scores in the round.
        var assessments: [JSON.Member] = []
    }

    /// A rule's verdict on one subject: a class with reasons, or nothing
    /// (with the reason why not).
    struct Verdict {
        let cls: String?
        let reasons: [String]
    }

    let kind: Kind
    let round: RoundRef
    var subjects: [Subject] = []
    /// Per instrument code, the data gathered (school subjects) or the
    /// latest response per person (teacher subjects).
    var schoolData: [String: AssessmentData] = [:]
    var teacherData: [String: (instrument: Instrument, latest: [Int64: ScoredResponse])] = [:]

    /// Gathers the hub's schools or teachers and their assessments in the round.
    static func gather(_ engine: Engine, kind: Kind, round: RoundRef) throws(IHubError) -> Classification {
        var c = Classification(kind: kind, round: round)
        let db = engine.db
        let instruments = try db.assessment.instrumentIDs(roundID: round.id)
            .map { (id: Int64) throws(IHubError) in try Instrument.load(db, id: id, at: "round \(IHubError.quoted(round.code))") }
            .filter { $0.subject.rawValue == kind.rawValue }

        switch kind {
        case .school:
            for s in try db.assessment.schoolSubjects(hubID: round.hubID) {
                let json = stripNulls(["kind": "school", "code": .string(s.code), "name": .string(s.name), "hub": .string(round.hubCode),
                                       "level": JSON(s.level), "size": JSON(s.size), "municipality": JSON(s.municipality)])
                c.subjects.append(Subject(schoolID: s.id, personID: nil, code: s.code, json: json))
            }
            for instrument in instruments {
                let data = try AssessmentData.collect(engine, round: round, instrument: instrument)
                c.schoolData[instrument.code] = data
                for i in c.subjects.indices {
                    if let doc = schoolAssessment(data, school: c.subjects[i].schoolID!) {
                        c.subjects[i].assessments.append(JSON.Member(instrument.code, doc))
                    }
                }
            }
        case .teacher:
            for t in try db.assessment.teacherSubjects(hubID: round.hubID, roundID: round.id, start: round.start, end: round.end) {
                let json: JSON = ["kind": "teacher", "code": .string(t.code), "name": .string(t.name), "hub": .string(round.hubCode),
                                  "roles": .array(t.roles.map { .string($0) }), "schools": .array(t.schools.map { .string($0) })]
                c.subjects.append(Subject(schoolID: nil, personID: t.id, code: t.code, json: json))
            }
            for instrument in instruments {
                var latest: [Int64: ScoredResponse] = [:]
                var counts: [Int64: Int] = [:]
                // Ordered by id: a later submission of the same teacher wins.
                for r in try Scoring.load(engine, round: round, instrument: instrument) {
                    guard let person = r.personID else { continue }
                    latest[person] = r
                    counts[person, default: 0] += 1
                }
                c.teacherData[instrument.code] = (instrument, latest)
                for i in c.subjects.indices {
                    guard let r = latest[c.subjects[i].personID!], case .object(var doc) = Scoring.json(r, instrument) else { continue }
                    doc.insert(JSON.Member("instrument", .string(instrument.code)), at: 0)
                    doc.append(JSON.Member("responses", .int(Int64(counts[r.personID!] ?? 1))))
                    c.subjects[i].assessments.append(JSON.Member(instrument.code, stripNulls(.object(doc))))
                }
            }
        }
        return c
    }

    /// A school's figures of one instrument: per group and for the staff
    /// (leaders and teachers together), overall and per area.
    private static func schoolAssessment(_ data: AssessmentData, school: Int64) -> JSON? {
        guard let cells = data.cells[school], !cells.isEmpty else { return nil }
        let instrument = data.instrument
        func figures(_ groups: UInt8) -> JSON? {
            let pooled = data.pool(schools: [school], groups: groups, area: nil)
            let overall = pooled.summary
            guard overall.n > 0 else { return nil }
            var areas: [JSON.Member] = []
            for (a, area) in instrument.areas.enumerated() {
                let s = data.pool(schools: [school], groups: groups, area: a).summary
                if s.n > 0 { areas.append(JSON.Member(area.code, summaryJSON(s))) }
            }
            let responses = RespondentGroup.of(groups).reduce(0) { $0 + (cells[$1]?.responses ?? 0) }
            let reported = RespondentGroup.of(groups).contains { cells[$0]?.fromReports == true }
            // `reported`: how many of them come from area reports (the default rule says so).
            return stripNulls(["responses": .int(Int64(responses)), "from_reports": .bool(reported),
                               "reported": pooled.reported > 0 ? .int(Int64(pooled.reported)) : .null,
                               "overall": summaryJSON(overall), "areas": .object(areas)])
        }
        var groups: [JSON.Member] = []
        for g in RespondentGroup.allCases { if let f = figures(g.bit) { groups.append(JSON.Member(g.rawValue, f)) } }
        var doc: [JSON.Member] = [.init("instrument", .string(instrument.code)), .init("groups", .object(groups))]
        if let staff = figures(RespondentGroup.leaders.bit | RespondentGroup.teachers.bit) { doc.append(.init("staff", staff)) }
        return .object(doc)
    }

    private static func summaryJSON(_ s: Summary) -> JSON {
        stripNulls(["n": .int(Int64(s.n)), "mean": .double(s.mean), "sd": JSON(s.sd)])
    }

    /// Lua reads a JSON null as a sentinel that is true in a test: leave
    /// missing values out instead.
    static func stripNulls(_ v: JSON) -> JSON {
        switch v {
        case .object(let members): return .object(members.filter { !$0.value.isNull }.map { JSON.Member($0.key, stripNulls($0.value)) })
        case .array(let elements): return .array(elements.map(stripNulls))
        default: return v
        }
    }
}

// MARK: the default rules

extension Classification {
    static let classes = ["advanced", "developing", "beginning"]

    /// The default thresholds as data: the lowest value of each class.
    struct Thresholds {
        /// Schools: the selfie overall mean of teachers and leaders.
        var schoolAdvanced = 3.75
        var schoolDeveloping = 2.75
        /// Teachers: the digcompedu overall level.
        var teacherAdvanced = "B2"
        var teacherDeveloping = "B1"

        static let fields: [Field] = [
            .optional("advanced", .any, "lowest value of 'advanced': a selfie mean on its scale 1..5 for schools (default 3.75), a digcompedu level for teachers (default \"B2\")"),
            .optional("developing", .any, "lowest value of 'developing': a selfie mean on its scale 1..5 for schools (default 2.75), a level for teachers (default \"B1\")"),
        ]
    }

    /// The default rule: scripts/methodology/default/rules.lua, run as a
    /// hub's classify script is, with `defaultContext` as its third argument.
    static let defaultRule = EmbeddedLua.files["default/rules.lua"]!

    /// What the default rule needs beside the subjects: the round, k, the
    /// thresholds and the instrument's areas (and levels, for teachers) in order.
    func defaultContext(_ t: Thresholds, _ digcompedu: Instrument?) -> JSON {
        func areas(_ instrument: Instrument?) -> JSON {
            .array((instrument?.areas ?? []).map { ["code": .string($0.code), "name": .string($0.name)] })
        }
        var members: [JSON.Member] = [.init("round", .string(round.code)), .init("k", .int(Int64(round.k)))]
        switch kind {
        case .school:
            members.append(.init("thresholds", ["advanced": .double(t.schoolAdvanced), "developing": .double(t.schoolDeveloping)]))
            members.append(.init("areas", areas(schoolData["selfie"]?.instrument)))
        case .teacher:
            members.append(.init("thresholds", ["advanced": .string(t.teacherAdvanced), "developing": .string(t.teacherDeveloping)]))
            members.append(.init("areas", areas(digcompedu)))
            members.append(.init("levels", .array((digcompedu?.levels ?? []).map {
                ["code": .string($0.code), "name": .string($0.name), "min": .double($0.min)]
            })))
        }
        return .object(members)
    }
}
