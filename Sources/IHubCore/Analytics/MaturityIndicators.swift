/// Built-in indicators: maturity change between rounds.
enum MaturityIndicators {
    static let options: [Field] = [
        .optional("instrument", .string, "code of the instrument (default: one with data in both rounds)"),
        .optional("from", .string, "code of the earlier round (default: the scope's second latest round with data, by start date)"),
        .optional("to", .string, "code of the later round (default: the scope's latest round with data, by start date)"),
    ]

    static let all: [IndicatorDefinition] = [
        IndicatorDefinition("maturity.change", """
            The change of the mean maturity score between two rounds, per respondent group and area (and overall), as \
            assessment.compare computes it: value = mean(to) − mean(from), n = the smaller round's respondents; detail: \
            both means and n, Hedges' g with its 95% CI.
            """, level: .hub, type: .number, options: options, compute: change),
        IndicatorDefinition("maturity.moved_up", """
            The share of teachers assessed in both rounds (a teacher instrument with levels; each teacher's latest \
            response of a round) whose level is higher in the later round, per area and overall; n = teachers in both.
            """, level: .hub, type: .share, options: options, compute: movedUp),
    ]

    /// The rounds and instrument an indicator compares.
    struct Comparison {
        let from: RoundRef
        let to: RoundRef
        let instrument: Instrument
    }

    /// The comparison the options name, or the default: the scope's two
    /// latest rounds with data (starting by the window's end) of an
    /// instrument `fits` accepts; nil when there is none.
    static func comparison(_ c: IndicatorContext, hubID: Int64?, path: String, fits: (Instrument) -> Bool) throws(IHubError) -> Comparison? {
        var instrument: Instrument?
        if let code = c.options["instrument"]?.string {
            let found = try Instrument.load(c.db, code: code, at: "\(path).instrument")
            guard fits(found) else { throw IHubError.invalid("\(path).instrument: \(code) does not fit this indicator (a teacher instrument with levels)") }
            instrument = found
        }
        var from = try c.options["from"]?.string.map { (code: String) throws(IHubError) in try RoundRef.resolve(c.db, code: code, at: "\(path).from") }
        var to = try c.options["to"]?.string.map { (code: String) throws(IHubError) in try RoundRef.resolve(c.db, code: code, at: "\(path).to") }
        for round in [from, to].compactMap({ $0 }) where c.hubID != nil && round.hubID != c.hubID {
            throw IHubError.invalid("\(path): round \(IHubError.quoted(round.code)) belongs to hub \(round.hubCode), not \(c.hub ?? "")")
        }
        if let from, let to, from.hubID != to.hubID {
            throw IHubError.invalid("\(path).to: round \(IHubError.quoted(to.code)) belongs to hub \(to.hubCode), \(IHubError.quoted(from.code)) to hub \(from.hubCode): compare rounds of one hub")
        }
        // One named round names the hub whose rounds the other is taken from.
        let assessed = try c.db.analytics.assessedRounds(hubID: hubID ?? from?.hubID ?? to?.hubID, upTo: c.window.toText)
        // Round code → instruments with data, rounds latest first.
        var rounds: [(code: String, instruments: [Int64])] = []
        for a in assessed {
            if rounds.last?.code == a.code { rounds[rounds.count - 1].instruments.append(a.instrumentID) } else { rounds.append((a.code, [a.instrumentID])) }
        }
        func usable(_ id: Int64) throws(IHubError) -> Instrument? {
            if let instrument { return instrument.id == id ? instrument : nil }
            let i = try Instrument.load(c.db, id: id)
            return fits(i) ? i : nil
        }
        // Rounds with data of a usable instrument, latest first.
        var candidates: [(code: String, instruments: [Instrument])] = []
        for r in rounds {
            var found: [Instrument] = []
            for id in r.instruments { if let i = try usable(id) { found.append(i) } }
            if !found.isEmpty { candidates.append((r.code, found)) }
        }
        func round(_ i: Int?, _ field: String) throws(IHubError) -> RoundRef? {
            guard let i, candidates.indices.contains(i) else { return nil }
            return try RoundRef.resolve(c.db, code: candidates[i].code, at: "\(path).\(field)")
        }
        // Candidates run latest first: the round before another is the next one.
        switch (from, to) {
        case (nil, nil):
            to = try round(0, "to")
            from = try round(1, "from")
        case (nil, let later?):
            from = try round(candidates.firstIndex { $0.code == later.code }.map { $0 + 1 }, "from")
        case (let earlier?, nil):
            to = try round(candidates.firstIndex { $0.code == earlier.code }.map { $0 - 1 }, "to")
        default: break
        }
        guard let from, let to else { return nil }
        if let instrument { return Comparison(from: from, to: to, instrument: instrument) }
        let inFrom = candidates.first { $0.code == from.code }?.instruments ?? []
        let inTo = Set((candidates.first { $0.code == to.code }?.instruments ?? []).map(\.id))
        guard let both = inFrom.first(where: { inTo.contains($0.id) }) else { return nil }
        return Comparison(from: from, to: to, instrument: both)
    }

    /// The comparisons of a scope. Over the consortium without named
    /// rounds: each hub's own two latest rounds (of the instrument the first
    /// hub with a comparison uses), pooled — rounds of different hubs are
    /// never compared with each other.
    /// `path`: where the options came from, for messages.
    static func comparisons(_ c: IndicatorContext, path: String, fits: (Instrument) -> Bool) throws(IHubError) -> [Comparison] {
        if c.hubID != nil || c.options["from"] != nil || c.options["to"] != nil {
            return try comparison(c, hubID: c.hubID, path: path, fits: fits).map { [$0] } ?? []
        }
        var out: [Comparison] = []
        for hubID in try c.db.analytics.hubIDs(nil) {
            guard let cmp = try comparison(c, hubID: hubID, path: path, fits: { i in fits(i) && (out.first.map { $0.instrument.id == i.id } ?? true) }) else { continue }
            out.append(cmp)
        }
        return out
    }

    /// The detail naming the rounds compared (several, comma-separated, over the consortium).
    static func detail(_ cmps: [Comparison]) -> [JSON.Member] {
        [.init("instrument", .string(cmps[0].instrument.code)), .init("from", .string(cmps.map(\.from.code).joined(separator: ", "))),
         .init("to", .string(cmps.map(\.to.code).joined(separator: ", ")))]
    }

    static func change(_ c: IndicatorContext) throws(IHubError) -> [IndicatorRow] {
        let cmps = try comparisons(c, path: "params.options.maturity.change", fits: { _ in true })
        guard let first = cmps.first else { return [] }
        let instrument = first.instrument
        var pooled: [(group: RespondentGroup, area: Int?, from: Summary, to: Summary)] = []
        for cmp in cmps {
            let before = try AssessmentData.collect(c.engine, round: cmp.from, instrument: instrument)
            let after = try AssessmentData.collect(c.engine, round: cmp.to, instrument: instrument)
            for (i, (a, b)) in zip(before.rows(groups: instrument.groups), after.rows(groups: instrument.groups)).enumerated() {
                if pooled.count <= i { pooled.append((a.group, a.area, Summary(), Summary())) }
                pooled[i].from.merge(a.pooled.summary)
                pooled[i].to.merge(b.pooled.summary)
            }
        }
        let detail = detail(cmps)
        return pooled.map { row in
            let s = row.from, t = row.to
            let part = "\(row.group.rawValue):\(row.area.map { instrument.areas[$0].code } ?? "overall")"
            let e = EffectSize.hedges(from: s, to: t)
            let value: Double? = s.n > 0 && t.n > 0 ? t.mean - s.mean : nil
            return IndicatorRow(part: part, value: value, n: min(s.n, t.n), detail: detail + [
                .init("from_mean", s.n > 0 ? .double(s.mean) : .null), .init("to_mean", t.n > 0 ? .double(t.mean) : .null),
                .init("n_from", .int(Int64(s.n))), .init("n_to", .int(Int64(t.n))),
                .init("hedges_g", JSON(e?.g)), .init("ci", e.map { [.double($0.low), .double($0.high)] } ?? .null),
            ])
        }
    }

    /// Each teacher's latest scored response of a round (later ids win).
    static func latestByTeacher(_ c: IndicatorContext, _ round: RoundRef, _ instrument: Instrument) throws(IHubError) -> [Int64: ScoredResponse] {
        var latest: [Int64: ScoredResponse] = [:]
        for r in try Scoring.load(c.engine, round: round, instrument: instrument) {
            if let person = r.personID { latest[person] = r }
        }
        return latest
    }

    static func movedUp(_ c: IndicatorContext) throws(IHubError) -> [IndicatorRow] {
        let cmps = try comparisons(c, path: "params.options.maturity.moved_up", fits: { $0.subject == .teacher && !$0.levels.isEmpty })
        guard let first = cmps.first else { return [] }
        let instrument = first.instrument
        // (before, after) of every teacher in both rounds of a comparison.
        var both: [(ScoredResponse, ScoredResponse)] = []
        for cmp in cmps {
            let before = try latestByTeacher(c, cmp.from, instrument)
            let after = try latestByTeacher(c, cmp.to, instrument)
            for id in before.keys.sorted() { if let b = after[id] { both.append((before[id]!, b)) } }
        }
        func level(_ score: Double?) -> Int? { score.flatMap { instrument.level(of: $0) }.flatMap { instrument.levelIndex(code: $0.code) } }
        let detail = detail(cmps)
        var rows: [IndicatorRow] = []
        for area in Array<Int?>(instrument.areas.indices.map { $0 }) + [nil] {
            var teachers = 0, up = 0, down = 0
            let score: (ScoredResponse) -> Double? = { r in area.map { r.areas[$0].mean } ?? r.overall }
            for (x, y) in both {
                guard let a = level(score(x)), let b = level(score(y)) else { continue }
                teachers += 1
                if b > a { up += 1 } else if b < a { down += 1 }
            }
            rows.append(IndicatorRow(part: area.map { instrument.areas[$0].code } ?? "overall",
                                     value: teachers > 0 ? Double(up) / Double(teachers) : nil, n: teachers,
                                     detail: detail + [.init("teachers", .int(Int64(teachers))), .init("moved_up", .int(Int64(up))),
                                                           .init("moved_down", .int(Int64(down)))]))
        }
        return rows
    }
}
