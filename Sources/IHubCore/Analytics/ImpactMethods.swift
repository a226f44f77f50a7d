/// The impact operation: impact.estimate.
enum ImpactMethods {
    static let all: [Method] = [
        Method("impact.estimate", """
            The maturity change of mentored schools or teachers (mentees of a mentorship of that level active between \
            the rounds) against comparable unmentored ones (same starting class — classifications of the earlier round — \
            or the nearest starting score; from the hub or, over the consortium, every hub of the rounds): a difference \
            in differences with a seeded bootstrap 95% interval, and the dose–response on hours (OLS slope of the change \
            on hours among the mentored, its standard error and 95% CI). States its assumptions, the groups' sizes and \
            the matching; refuses (IHUB_CONSTRAINT, with the reason) when a group is smaller than k or the slope has \
            fewer than 2 mentored.
            """, params: [
                .optional("hub", .string, "code of the hub (default: every hub of the rounds, the consortium)"),
                .optional("instrument", .string, "code of the instrument; its subject (school or teacher) is the level (default: as maturity.change chooses)"),
                .optional("from", .any, "code of the earlier round, or a list of codes (one round per hub) over the consortium (default: as maturity.change chooses: the two latest rounds with data, each hub's own over the consortium)"),
                .optional("to", .any, "code of the later round, or a list of codes paired with from's"),
                .optional("level", .oneOf(["school", "teacher"]), "school or teacher (default: the instrument's subject, which it must be)"),
                .optional("area", .string, "an area's code: its mean is the outcome (default: the overall score)"),
                .optional("match", .oneOf(["class", "nearest"]), "class (same class in the earlier round, the default) or nearest (starting score)"),
                .optional("bootstrap", .integer, "bootstrap replicates, 100 to 100000 (default 2000)"),
                .optional("seed", .integer, "seed of the bootstrap (default 1): the same seed gives the same interval"),
            ], result: .object([
                IndicatorMethods.envelope[0], IndicatorMethods.envelope[1],
                .required("instrument", .string, "code of the instrument"),
                .required("level", .oneOf(["school", "teacher"]), "what a unit is"),
                .required("area", .string, "the outcome: an area's code, or \"overall\""),
                .required("rounds", .array(.object([
                    .required("hub", .string, "code of the rounds' hub"),
                    .required("from", .string, "code of the earlier round"),
                    .required("to", .string, "code of the later round"),
                    .required("period", .array(.date), "[first, last] day between the rounds: the earlier's start to the day before the later's"),
                ])), "one pair of rounds per hub"),
                .required("estimate", .object([
                    .required("did", .number, "difference in differences, in score points"),
                    .required("ci", .array(.number), "[low, high] bootstrap 95% interval"),
                    .optional("se", .number, "standard deviation of the bootstrap replicates"),
                    .required("method", .string, "how the estimate is made"),
                    .required("interval", .string, "how the interval is made"),
                    .required("bootstrap", .integer, "replicates"),
                    .required("seed", .integer, "the bootstrap's seed"),
                ]), "the effect"),
                .required("mentored", .object([
                    .required("assessed", .integer, "mentored units assessed in both rounds"),
                    .required("matched", .integer, "of them, matched to a comparison"),
                    .required("unmatched", .map(.integer), "units left unmatched, by reason"),
                    .required("from_mean", .number, "their mean score in the earlier round"),
                    .required("to_mean", .number, "their mean score in the later round"),
                    .required("change", .number, "their mean change (later minus earlier)"),
                ]), "the mentored group"),
                .required("comparison", .object([
                    .required("available", .integer, "unmentored units assessed in both rounds"),
                    .required("used", .integer, "of them, matched to a mentored one"),
                    .required("from_mean", .number, "the matched comparison's mean score in the earlier round"),
                    .required("to_mean", .number, "the matched comparison's mean score in the later round"),
                    .required("change", .number, "the matched comparison's mean change (later minus earlier)"),
                    .required("weighting", .string, "how comparison units count"),
                ]), "the comparison group"),
                .required("mentors_left_out", .integer, "mentors of the period, left out of both groups"),
                .required("matching", .object([
                    .required("method", .oneOf(["class", "nearest"]), "how units were matched"),
                    .required("description", .string, "the matching in words"),
                    .optional("strata", .array(.object([
                        .required("class", .string, "the class in the earlier round"),
                        .required("mentored", .integer, "mentored units of the class"),
                        .required("comparison", .integer, "comparison units of the class"),
                    ])), "class matching: per class"),
                    .optional("pairs", .array(.object([
                        .optional("mentored_school", .string, "code of the mentored school (school level)"),
                        .optional("comparison_school", .string, "code of its comparison school (school level)"),
                        .optional("mentored_person", .string, "code of the mentored teacher (teacher level)"),
                        .optional("comparison_person", .string, "code of its comparison teacher (teacher level)"),
                        .required("from_gap", .number, "their difference in score in the earlier round"),
                    ])), "nearest matching: per mentored unit"),
                ]), "how the comparison was chosen"),
                .required("dose_response", .object([
                    .required("n", .integer, "mentored units in the fit"),
                    .required("hours_mean", .number, "their mean hours of mentoring over the period"),
                    .required("model", .string, "the model in words"),
                    .optional("slope", .number, "score points per hour (absent: every unit has the same hours)"),
                    .optional("intercept", .number, "the change at 0 hours"),
                    .optional("se", .number, "the slope's standard error (absent: too few units)"),
                    .optional("ci", .array(.number), "[low, high] 95% interval of the slope"),
                    .optional("df", .integer, "residual degrees of freedom"),
                    .optional("note", .string, "why a value is absent"),
                ]), "the change against hours among the mentored"),
                .required("assumptions", .array(.string), "what the estimate assumes, in sentences"),
            ]), example: ["hub": "LT-CTA"],
            errors: [.notFound("the hub, instrument, a round or the area is unknown"),
                     .invalid("a round is of another hub or not later than its pair; the level is not the instrument's; bootstrap outside 100 to 100000"),
                     .constraint("no two rounds to compare, a round without start date, a group smaller than k, or fewer than 2 mentored for the slope")]) { engine, p throws(IHubError) in
            try engine.db.snapshot { () throws(IHubError) in try estimate(engine, p) }
        },
    ]

    /// Round codes of `from` or `to`: a string or a non-empty list of strings.
    static func codes(_ v: JSON, _ field: String) throws(IHubError) -> [String] {
        if let s = v.string { return [s] }
        guard let a = v.array, !a.isEmpty else { throw IHubError.invalid("params.\(field): expected a round code or a list of round codes") }
        return try a.enumerated().map { (i, e) throws(IHubError) in
            guard let s = e.string else { throw IHubError.invalid("params.\(field)[\(i + 1)]: expected a round code") }
            return s
        }
    }

    /// The instrument and rounds maturity.change would compare when the
    /// request names no list of rounds (it may name one round, or none).
    static func defaults(_ engine: Engine, _ p: JSON, scope: Indicators.Scope) throws(IHubError) -> (Instrument, from: [String], to: [String]) {
        let today = CalendarDate(Timestamp.today())!
        var options: [JSON.Member] = []
        for key in ["instrument", "from", "to"] { if let v = p[key]?.string { options.append(.init(key, .string(v))) } }
        // Every round with data, whenever it starts (a window open to the far future).
        let context = IndicatorContext(engine: engine, hubID: scope.hubID, hub: scope.hub,
                                       window: try Window.parse("cumulative:2999-12-31", today: today, at: "params"), asOf: today, options: .object(options))
        let level = p["level"]?.string
        let cmps = try MaturityIndicators.comparisons(context, path: "params", fits: { level == nil || $0.subject.rawValue == level })
        guard let first = cmps.first else {
            throw IHubError(.constraint, "impact.estimate: no two rounds with data of one instrument\(level.map { " of \($0)s" } ?? "") to compare; name instrument, from and to")
        }
        return (first.instrument, cmps.map(\.from.code), cmps.map(\.to.code))
    }

    static func pairs(_ engine: Engine, _ p: JSON, from: [String], to: [String], hubID: Int64?) throws(IHubError) -> [ImpactEstimate.Pair] {
        guard from.count == to.count else { throw IHubError.invalid("params.to: \(to.count) rounds for from's \(from.count): give one later round per earlier round") }
        var out: [ImpactEstimate.Pair] = [], hubs = Set<Int64>()
        for i in from.indices {
            let at = from.count > 1 ? "[\(i + 1)]" : ""
            let a = try RoundRef.resolve(engine.db, code: from[i], at: "params.from\(at)")
            let b = try RoundRef.resolve(engine.db, code: to[i], at: "params.to\(at)")
            if let hubID, a.hubID != hubID { throw IHubError.invalid("params.from\(at): round \(IHubError.quoted(a.code)) belongs to hub \(a.hubCode), not \(p["hub"]?.string ?? "")") }
            guard b.hubID == a.hubID else { throw IHubError.invalid("params.to\(at): round \(IHubError.quoted(b.code)) belongs to hub \(b.hubCode), \(IHubError.quoted(a.code)) to hub \(a.hubCode)") }
            guard hubs.insert(a.hubID).inserted else { throw IHubError.invalid("params.from\(at): a second pair of rounds of hub \(a.hubCode): one pair per hub") }
            guard let start = a.start.flatMap(CalendarDate.init), let end = b.start.flatMap(CalendarDate.init) else {
                throw IHubError(.constraint, "params.\(a.start == nil ? "from" : "to")\(at): round \(IHubError.quoted(a.start == nil ? a.code : b.code)) has no start date: the period between the rounds is unknown")
            }
            guard start < end else { throw IHubError.invalid("params.to\(at): round \(IHubError.quoted(b.code)) must start after \(IHubError.quoted(a.code))") }
            out.append(ImpactEstimate.Pair(from: a, to: b, start: start.text, end: end.adding(days: -1).text))
        }
        return out
    }

    static func estimate(_ engine: Engine, _ p: JSON) throws(IHubError) -> JSON {
        let scope = try Indicators.Scope.resolve(engine.db, hub: p["hub"]?.string, at: "params.hub")
        var instrument: Instrument
        var from: [String], to: [String]
        if p["from"]?.array != nil || p["to"]?.array != nil {
            guard let code = p["instrument"]?.string else { throw IHubError.invalid("params.instrument: missing (required with lists of rounds)") }
            guard let f = p["from"], let t = p["to"] else { throw IHubError.invalid("params.\(p["from"] == nil ? "from" : "to"): missing (required with a list of rounds)") }
            instrument = try Instrument.load(engine.db, code: code, at: "params.instrument")
            (from, to) = (try codes(f, "from"), try codes(t, "to"))
        } else {
            for key in ["from", "to"] where p[key] != nil && p[key]?.string == nil { throw IHubError.invalid("params.\(key): expected a round code or a list of round codes") }
            if let code = p["instrument"]?.string {
                let given = try Instrument.load(engine.db, code: code, at: "params.instrument")
                if let level = p["level"]?.string, level != given.subject.rawValue {
                    throw IHubError.invalid("params.level: \(given.code) assesses \(given.subject.rawValue)s, not \(level)s")
                }
            }
            for key in ["from", "to"] { if let code = p[key]?.string { _ = try RoundRef.resolve(engine.db, code: code, at: "params.\(key)") } }
            (instrument, from, to) = try defaults(engine, p, scope: scope)
        }
        if let level = p["level"]?.string, level != instrument.subject.rawValue {
            throw IHubError.invalid("params.level: \(instrument.code) assesses \(instrument.subject.rawValue)s, not \(level)s")
        }
        let pairs = try pairs(engine, p, from: from, to: to, hubID: scope.hubID)
        for (i, pair) in pairs.enumerated() { try instrument.check(usableIn: pair.from, at: "params.instrument (round \(i + 1))") }
        var area: Int?
        if let code = p["area"]?.string {
            guard let a = instrument.areaIndex[code] else { throw IHubError.invalid("params.area: \(instrument.code) has no area \(IHubError.quoted(code))") }
            area = a
        }
        let replicates = Int(p["bootstrap"]?.int ?? 2000)
        guard (100...100_000).contains(replicates) else { throw IHubError.invalid("params.bootstrap: \(replicates) replicates: give 100 to 100000") }
        let seed = p["seed"]?.int ?? 1
        let match = ImpactEstimate.Match(rawValue: p["match"]?.string ?? "class")!
        let k = pairs.map(\.from.k).max() ?? scope.k
        let e = ImpactEstimate(engine: engine, instrument: instrument, pairs: pairs, area: area, match: match, k: k)

        let (mentored, pool, mentors) = try e.groups()
        let (matched, unmatched) = e.matchUnits(mentored, pool)
        var used: [Int64: ImpactEstimate.Unit] = [:]
        for m in matched { for c in m.controls { used[c.id] = c } }
        let kWhy = "k = \(k), the hub's minimum group size"
        if matched.count < k {
            let why = unmatched.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            throw IHubError(.constraint, "impact.estimate: \(matched.count) mentored \(e.noun) matched (of \(mentored.count) assessed in both rounds"
                            + (why.isEmpty ? "" : "; unmatched: \(why)") + "), fewer than \(kWhy): no estimate")
        }
        if used.count < k {
            throw IHubError(.constraint, "impact.estimate: \(used.count) comparison \(e.noun) matched (of \(pool.count) unmentored assessed in both rounds), fewer than \(kWhy): no estimate")
        }
        if mentored.count < 2 {
            throw IHubError(.constraint, "impact.estimate: \(mentored.count) mentored \(e.noun): the dose–response slope needs at least 2")
        }
        let did = ImpactEstimate.did(matched)
        let reps = e.bootstrap(matched, replicates: replicates, seed: UInt64(bitPattern: seed))
        return ImpactReport(estimate: e, scope: scope, mentored: mentored, pool: pool, mentors: mentors, matched: matched,
                            unmatched: unmatched, used: used.count, did: did, replicates: reps, seed: seed).json
    }
}
