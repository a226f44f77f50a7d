/// The figures of every area of an instrument for a plan's subject in one
/// round, from the assessment data (responses and area reports, as
/// `assessment.aggregate` reads them), beside the hub's figures.
///
/// A school's area mean pools only the respondent groups that have at least
/// k respondents (k = the hub's min_group_size), weighted by respondents: a
/// group below k gives no figure, and is not mixed into the school's either
/// (a pooled mean beside the other groups' shown ones would reveal it). A
/// teacher's figures are their own responses: not a group aggregate, so not
/// suppressed, as `assessment.scores` shows them. The hub's figure pools
/// every school of the round over the same groups, suppressed below k.
struct AreaFigures {
    struct GroupFigure {
        let group: RespondentGroup
        let n: Int
        let mean: Double?
        let reason: String?
    }

    struct Area {
        let index: Int
        let code: String
        let name: String
        var groups: [GroupFigure] = []
        /// Respondents behind `mean`.
        var n = 0
        var mean: Double?
        /// Why there is no mean.
        var reason: String?
        var hubN = 0
        var hubMean: Double?
        var hubReason: String?

        var gap: Double? { mean.flatMap { m in hubMean.map { m - $0 } } }
    }

    let subject: PlanSubject
    let instrument: Instrument
    let round: RoundRef
    let areas: [Area]

    static func compute(_ engine: Engine, _ subject: PlanSubject, _ instrument: Instrument, _ round: RoundRef) throws(IHubError) -> AreaFigures {
        let k = round.k
        let hub = try AssessmentData.collect(engine, round: round, instrument: instrument)
        var own: [ScoredResponse] = []
        if let personID = subject.personID {
            own = try Scoring.load(engine, round: round, instrument: instrument, person: personID)
        }
        var areas: [Area] = []
        for (a, declared) in instrument.areas.enumerated() {
            var area = Area(index: a, code: declared.code, name: declared.name)
            var shown: UInt8 = 0
            if subject.kind == .person {
                var s = Summary()
                for r in own { if let m = r.areas[a].mean { s.add(m) } }
                area.n = s.n
                if s.n > 0 { area.mean = s.mean } else { area.reason = "no answers of the teacher in this area" }
                shown = declared.groups
            } else {
                for group in RespondentGroup.of(declared.groups) {
                    let s = hub.pool(schools: [subject.id], groups: group.bit, area: a).summary
                    let why = Suppression.reason(n: s.n, k: k)
                    area.groups.append(GroupFigure(group: group, n: s.n, mean: why == nil ? s.mean : nil, reason: why))
                    if why == nil { shown |= group.bit }
                }
                if shown != 0 {
                    let s = hub.pool(schools: [subject.id], groups: shown, area: a).summary
                    area.n = s.n
                    area.mean = s.mean
                } else if area.groups.allSatisfy({ $0.n == 0 }) {
                    area.reason = "no respondents"
                } else {
                    let counts = area.groups.filter { $0.n > 0 }.map { "\($0.group.rawValue) \($0.n)" }.joined(separator: ", ")
                    area.reason = "no respondent group has k = \(k) respondents (the hub's minimum group size; \(counts))"
                }
            }
            let h = hub.pool(groups: shown == 0 ? declared.groups : shown, area: a).summary
            area.hubN = h.n
            area.hubReason = Suppression.reason(n: h.n, k: k)
            if area.hubReason == nil { area.hubMean = h.mean }
            areas.append(area)
        }
        return AreaFigures(subject: subject, instrument: instrument, round: round, areas: areas)
    }

    /// The area named `code`; the error names the path and the areas there are.
    static func areaIndex(_ instrument: Instrument, _ code: String, at path: String) throws(IHubError) -> Int {
        guard let a = instrument.areaIndex[code] else {
            let codes = instrument.areas.map(\.code)
            let list = codes.count <= 12 ? codes.joined(separator: ", ") : codes.prefix(12).joined(separator: ", ") + ", …"
            throw IHubError.notFound("\(path): instrument \(IHubError.quoted(instrument.code)) has no area \(IHubError.quoted(code)) (areas: \(list))")
        }
        return a
    }

    /// The fields `json` writes; `always` false makes each optional (a focus
    /// area's stored evidence, `{}` when the area had no figures).
    static func fields(always: Bool) -> [Field] {
        func f(_ name: String, _ shape: Shape, _ doc: String) -> Field {
            always ? .required(name, shape, doc) : .optional(name, shape, doc)
        }
        return [
            f("instrument", .string, "code of the instrument the figures are of"),
            f("round", .string, "code of the round they are of"),
            f("area", .string, "code of the instrument's area"),
            f("name", .string, "the area's name"),
            f("scale", .object([.required("min", .integer, "lowest answer"), .required("max", .integer, "highest answer")]),
              "the instrument's answer scale"),
            .optional("mean", .number, "the area's mean on the scale (null: no figure to show, see reason)"),
            f("n", .integer, "respondents behind the mean"),
            .optional("level", .string, "the level the mean reads as, where the instrument has levels"),
            .optional("reason", .string, "why there is no mean"),
            .optional("groups", .array(.object([
                .required("group", .oneOf(RespondentGroup.allCases.map(\.rawValue)), "the respondent group"),
                .required("n", .integer, "its respondents"),
                .optional("mean", .number, "its mean (null: suppressed)"),
                .required("suppressed", .boolean, "fewer than k respondents: no figure shown"),
                .optional("reason", .string, "why it is suppressed"),
            ])), "a school's figures per respondent group (absent for a teacher)"),
            f("basis", .string, "what the mean is of, in words"),
            f("hub", .object([
                .optional("mean", .number, "the hub's mean of the area over the same groups (null: suppressed)"),
                .required("n", .integer, "respondents behind it"),
                .required("suppressed", .boolean, "fewer than k respondents: no figure shown"),
                .optional("reason", .string, "why it is suppressed"),
            ]), "the hub's figure beside it"),
            .optional("gap", .number, "mean − the hub's mean (null when either is missing)"),
            f("k", .integer, "the hub's minimum group size for a figure"),
        ]
    }

    /// An area's figures as the evidence of a suggestion and the progress of
    /// a goal show them.
    func json(_ area: Area) -> [JSON.Member] {
        var m: [JSON.Member] = [
            .init("instrument", .string(instrument.code)), .init("round", .string(round.code)),
            .init("area", .string(area.code)), .init("name", .string(area.name)),
            .init("scale", ["min": .int(Int64(instrument.scale.min)), "max": .int(Int64(instrument.scale.max))]),
            .init("mean", JSON(area.mean)), .init("n", .int(Int64(area.n))),
        ]
        if !instrument.levels.isEmpty { m.append(.init("level", JSON(area.mean.flatMap { instrument.level(of: $0)?.code }))) }
        if let reason = area.reason { m.append(.init("reason", .string(reason))) }
        if subject.kind == .school {
            m.append(.init("groups", .array(area.groups.map { g in
                var gm: [JSON.Member] = [.init("group", .string(g.group.rawValue)), .init("n", .int(Int64(g.n))),
                                         .init("mean", JSON(g.mean)), .init("suppressed", .bool(g.reason != nil))]
                if let r = g.reason { gm.append(.init("reason", .string(r))) }
                return .object(gm)
            })))
            m.append(.init("basis", "the mean of the respondent groups with at least k respondents, weighted by respondents"))
        } else {
            m.append(.init("basis", "the teacher's own responses (not a group aggregate)"))
        }
        var hub: [JSON.Member] = [.init("mean", JSON(area.hubMean)), .init("n", .int(Int64(area.hubN))),
                                  .init("suppressed", .bool(area.hubReason != nil))]
        if let r = area.hubReason { hub.append(.init("reason", .string(r))) }
        m += [.init("hub", .object(hub)), .init("gap", JSON(area.gap)), .init("k", .int(Int64(round.k)))]
        return m
    }
}
