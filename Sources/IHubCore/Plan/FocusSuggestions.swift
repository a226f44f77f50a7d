/// Focus areas suggested for a plan: the weakest areas of the subject's
/// latest assessment, each with the figures that led to it.
struct FocusSuggestions {
    struct Suggestion {
        let instrumentID: Int64
        let area: String
        /// The figures: what plan.suggest shows and a focus area keeps.
        let evidence: JSON
    }

    let subject: PlanSubject
    /// Nil when the subject has no assessment data to suggest from.
    let figures: AreaFigures?
    let suggestions: [Suggestion]
    let note: String?

    /// Suggests `count` areas. `instrument` / `round` (codes) pin what is
    /// read; by default the latest round with data about the subject, and
    /// in it a school instrument before a teacher one (then by id).
    static func suggest(_ engine: Engine, _ subject: PlanSubject, instrument code: String?, round roundCode: String?,
                        count: Int) throws(IHubError) -> FocusSuggestions {
        guard count >= 1 else { throw IHubError.invalid("params.count: must be 1 or more") }
        guard let (instrument, round) = try source(engine.db, subject, instrument: code, round: roundCode) else {
            var what = subject.kind == .school ? "no responses or area reports about school \(IHubError.quoted(subject.code))"
                : "no responses assessing person \(IHubError.quoted(subject.code))"
            if let code { what += " with instrument \(IHubError.quoted(code))" }
            if let roundCode { what += " in round \(IHubError.quoted(roundCode))" }
            return FocusSuggestions(subject: subject, figures: nil, suggestions: [], note: what + ": nothing to suggest from")
        }
        let figures = try AreaFigures.compute(engine, subject, instrument, round)
        // Weakest first: the lowest mean, then the widest gap below the hub, then the instrument's order.
        // Compared to 9 decimals: means equal but for the last bits of their sums are ties.
        func key(_ x: Double?) -> Double { ((x ?? 0) * 1e9).rounded() }
        let ranked = figures.areas.filter { $0.mean != nil }.sorted { a, b in
            if key(a.mean) != key(b.mean) { return key(a.mean) < key(b.mean) }
            if key(a.gap) != key(b.gap) { return key(a.gap) < key(b.gap) }
            return a.index < b.index
        }
        let suggestions = ranked.prefix(count).enumerated().map { i, area in
            Suggestion(instrumentID: instrument.id, area: area.code,
                       evidence: .object([.init("rank", .int(Int64(i + 1)))] + figures.json(area)))
        }
        let unranked = figures.areas.filter { $0.mean == nil }
        let note = unranked.isEmpty ? nil
            : "not ranked (no figure to show): " + unranked.map { "\($0.code) (\($0.reason ?? ""))" }.joined(separator: "; ")
        return FocusSuggestions(subject: subject, figures: figures, suggestions: suggestions, note: note)
    }

    /// The instrument and round to read: as given, or the latest with data.
    static func source(_ db: Database, _ subject: PlanSubject, instrument code: String?,
                               round roundCode: String?) throws(IHubError) -> (Instrument, RoundRef)? {
        var instrument: Instrument?
        if let code {
            let i = try Instrument.load(db, code: code, at: "params.instrument")
            if subject.kind == .person && i.subject != .teacher {
                throw IHubError.invalid("params.instrument: \(IHubError.quoted(code)) assesses schools; a teacher's plan reads a teacher instrument")
            }
            instrument = i
        }
        var round: RoundRef?
        if let roundCode {
            let r = try RoundRef.resolve(db, code: roundCode, at: "params.round")
            guard r.hubID == subject.hubID else {
                throw IHubError.invalid("params.round: round \(IHubError.quoted(roundCode)) is of hub \(r.hubCode), not of the \(subject.kind.rawValue)'s hub")
            }
            round = r
        }
        let assessed = try db.plan.assessedRounds(schoolID: subject.schoolID, personID: subject.personID)
            .filter { a in (instrument.map { $0.id == a.instrumentID } ?? true) && (round.map { $0.code == a.round } ?? true) }
        guard let first = assessed.first else { return nil }
        let chosenRound: RoundRef
        if let round { chosenRound = round } else { chosenRound = try RoundRef.resolve(db, code: first.round, at: "params.round") }
        if let instrument {
            try instrument.check(usableIn: chosenRound, at: "params.instrument")
            return (instrument, chosenRound)
        }
        var candidates: [Instrument] = []
        for a in assessed where a.round == chosenRound.code { candidates.append(try Instrument.load(db, id: a.instrumentID)) }
        let preferred = subject.kind == .school ? Instrument.Subject.school : .teacher
        return (candidates.first { $0.subject == preferred } ?? candidates[0], chosenRound)
    }

    /// A suggestion's evidence: its rank and the area's figures.
    static let suggestion: Shape = .object([.required("rank", .integer, "1 for the weakest area")] + AreaFigures.fields(always: true))

    /// What `json` writes (plan.suggest).
    static let shape: Shape = .object([
        .optional("school", .string, "code of the school (a school's suggestions)"),
        .optional("person", .string, "code of the teacher (a teacher's suggestions)"),
        .optional("hub", .string, "code of the hub (absent without data)"),
        .optional("instrument", .string, "code of the instrument read (null: no data to suggest from)"),
        .optional("instrument_name", .string, "its name"),
        .optional("round", .string, "code of the round read (null: no data)"),
        .optional("k", .integer, "the hub's minimum group size for a figure"),
        .required("ranking", .string, "how areas are ranked, in words"),
        .required("suggestions", .array(suggestion), "the weakest areas, weakest first"),
        .optional("not_ranked", .array(.object([
            .required("area", .string, "code of the area"),
            .required("name", .string, "its name"),
            .required("reason", .string, "why it has no figure to show"),
        ])), "areas without a figure to show (absent without data)"),
        .optional("note", .string, "why nothing, or not everything, could be ranked"),
    ])

    var json: JSON {
        var m: [JSON.Member] = [.init(subject.kind.rawValue, .string(subject.code))]
        if let f = figures {
            m += [.init("hub", .string(f.round.hubCode)), .init("instrument", .string(f.instrument.code)),
                  .init("instrument_name", .string(f.instrument.name)), .init("round", .string(f.round.code)),
                  .init("k", .int(Int64(f.round.k)))]
        } else {
            m += [.init("instrument", .null), .init("round", .null)]
        }
        m.append(.init("ranking", "lowest mean first (to 9 decimals); ties by the gap to the hub's mean, then the instrument's order"))
        m.append(.init("suggestions", .array(suggestions.map(\.evidence))))
        if let f = figures {
            m.append(.init("not_ranked", .array(f.areas.filter { $0.mean == nil }.map { a in
                ["area": .string(a.code), "name": .string(a.name), "reason": .string(a.reason ?? "")]
            })))
        }
        m.append(.init("note", JSON(note)))
        return .object(m)
    }
}
