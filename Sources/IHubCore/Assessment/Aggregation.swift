/// The assessment data of one round and instrument, gathered per school and
/// respondent group from both sources: raw responses (each respondent's area
/// means and overall score) and area reports (a mean, sd and n per school,
/// group and area). Where a school has raw responses of a group, its reports
/// of that group are left out: they describe the same people.
struct AssessmentData {
    /// One school × group.
    struct Cell {
        var areas: [Summary]
        var overall = Summary()
        /// Respondents with a raw response.
        var responses = 0
        /// The figures come from area reports.
        var fromReports = false
    }

    let instrument: Instrument
    let round: RoundRef
    private(set) var cells: [Int64: [RespondentGroup: Cell]] = [:]
    private(set) var schoolCodes: [Int64: String] = [:]
    /// The scored raw responses the cells were built from.
    private(set) var responses: [ScoredResponse] = []

    static func collect(_ engine: Engine, round: RoundRef, instrument: Instrument, school: Int64? = nil) throws(IHubError) -> AssessmentData {
        var data = AssessmentData(instrument: instrument, round: round)
        let empty = Cell(areas: Array(repeating: Summary(), count: instrument.areas.count))
        data.responses = try Scoring.load(engine, round: round, instrument: instrument, school: school)
        for r in data.responses {
            data.schoolCodes[r.schoolID] = r.school
            var cell = data.cells[r.schoolID]?[r.group] ?? empty
            cell.responses += 1
            for (a, score) in r.areas.enumerated() { if let m = score.mean { cell.areas[a].add(m) } }
            if let o = r.overall { cell.overall.add(o) }
            data.cells[r.schoolID, default: [:]][r.group] = cell
        }

        var reported: [Int64: [RespondentGroup: Cell]] = [:]
        for x in try engine.db.assessment.areaResults(roundID: round.id, instrumentID: instrument.id, schoolID: school) {
            guard let group = RespondentGroup(rawValue: x.group), let a = instrument.areaIndex[x.area] else { continue }
            if (data.cells[x.schoolID]?[group]?.responses ?? 0) > 0 { continue }
            data.schoolCodes[x.schoolID] = x.school
            var cell = reported[x.schoolID]?[group] ?? empty
            cell.fromReports = true
            cell.areas[a] = Summary(n: Int(x.n), mean: x.mean, sd: x.sd)
            reported[x.schoolID, default: [:]][group] = cell
        }
        for (schoolID, groups) in reported {
            for (group, var cell) in groups {
                // A report has no respondent-level overall: take the mean of
                // the reported area means, over the most respondents of an area.
                let means = cell.areas.filter { $0.n > 0 }
                let mean = means.reduce(0.0) { $0 + $1.mean } / Double(max(means.count, 1))
                cell.overall = Summary(n: means.map(\.n).max() ?? 0, mean: mean, sd: nil)
                data.cells[schoolID, default: [:]][group] = cell
            }
        }
        return data
    }

    /// A pooled figure and how many of its respondents came from reports.
    struct Pooled {
        var summary = Summary()
        var reported = 0
    }

    /// Pools the cells of the given schools (nil: all) and groups, for one
    /// area (nil: overall).
    func pool(schools: Set<Int64>? = nil, groups: UInt8, area: Int?) -> Pooled {
        var p = Pooled()
        // In a fixed order: pooled figures are the same to the last bit on every run.
        for schoolID in cells.keys.sorted() where schools?.contains(schoolID) ?? true {
            for group in RespondentGroup.of(groups) {
                guard let cell = cells[schoolID]?[group] else { continue }
                let s = area.map { cell.areas[$0] } ?? cell.overall
                p.summary.merge(s)
                if cell.fromReports { p.reported += s.n }
            }
        }
        return p
    }

    /// The rows of an aggregate: per group, each area asked of the group
    /// and the overall score.
    func rows(groups: UInt8, schools: Set<Int64>? = nil) -> [(group: RespondentGroup, area: Int?, pooled: Pooled)] {
        var out: [(RespondentGroup, Int?, Pooled)] = []
        for group in RespondentGroup.of(groups & instrument.groups) {
            for (a, area) in instrument.areas.enumerated() where area.groups & group.bit != 0 {
                out.append((group, a, pool(schools: schools, groups: group.bit, area: a)))
            }
            out.append((group, nil, pool(schools: schools, groups: group.bit, area: nil)))
        }
        return out
    }
}

/// Small-group suppression: a figure of fewer than k respondents is not shown.
enum Suppression {
    /// Nil when the figure may be shown; otherwise the reason.
    /// `of`: what the figure counts ("respondents", "people").
    static func reason(n: Int, k: Int, of noun: String = "respondents") -> String? {
        if n == 0 { return "no \(noun)" }
        if n < k { return "fewer than \(k) \(noun) (k = \(k), the hub's minimum group size)" }
        return nil
    }

    /// The figure as a document: mean, sd and n, or nulls and the reason.
    static func figure(_ p: AssessmentData.Pooled, k: Int) -> [JSON.Member] {
        let s = p.summary
        var m: [JSON.Member] = [.init("n", .int(Int64(s.n)))]
        if let why = reason(n: s.n, k: k) {
            m += [.init("mean", .null), .init("sd", .null), .init("suppressed", true), .init("reason", .string(why))]
        } else {
            m += [.init("mean", .double(s.mean)), .init("sd", JSON(s.sd)), .init("suppressed", false)]
        }
        m.append(.init("n_reported", .int(Int64(p.reported))))
        return m
    }
}
