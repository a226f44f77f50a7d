/// impact.estimate: did mentoring change maturity? The change between two
/// rounds of the mentored (mentees of a mentorship active between them)
/// against matched unmentored subjects — a difference in differences — with
/// a seeded bootstrap interval and the dose–response on hours.
struct ImpactEstimate {
    enum Match: String { case byClass = "class", nearest }

    /// A school or teacher assessed in both rounds.
    struct Unit {
        let id: Int64
        let code: String
        let from: Double
        let to: Double
        let cls: String?
        let hours: Double
        var change: Double { to - from }
    }

    /// A mentored unit and the comparison units it is matched with.
    struct Matched {
        let unit: Unit
        let controls: [Unit]
        /// The stratum (class) or nil (nearest).
        let stratum: String?
        var controlChange: Double { ImpactStatistics.mean(controls.map(\.change)) }
    }

    /// The rounds compared in one hub.
    struct Pair {
        let from: RoundRef
        let to: RoundRef
        /// The period between them: from the earlier round's start to the day before the later's.
        let start: String
        let end: String
    }

    let engine: Engine
    let instrument: Instrument
    let pairs: [Pair]
    let area: Int?
    let match: Match
    let k: Int

    var level: Instrument.Subject { instrument.subject }
    var noun: String { level == .school ? "schools" : "teachers" }
    var key: String { level == .school ? "school" : "person" }

    // MARK: the groups

    /// The mentored, the comparison pool and the mentors left out, over every pair of rounds.
    func groups() throws(IHubError) -> (mentored: [Unit], pool: [Unit], mentors: Int) {
        var mentored: [Unit] = [], pool: [Unit] = [], mentors = 0
        for pair in pairs {
            let before = try scores(pair.from), after = try scores(pair.to)
            let sides = try engine.db.analytics.mentoringSides(hubID: pair.from.hubID, level: level, from: pair.start, to: pair.end)
            let classes = match == .byClass ? try engine.db.analytics.classes(roundID: pair.from.id, level: level) : [:]
            let hours = try self.hours(pair)
            for (id, a) in before.sorted(by: { $0.key < $1.key }) {
                guard let b = after[id] else { continue }
                let unit = Unit(id: id, code: a.code, from: a.score, to: b.score, cls: classes[id], hours: hours[id] ?? 0)
                if sides.mentees.contains(id) { mentored.append(unit) } else if sides.mentors.contains(id) { mentors += 1 } else { pool.append(unit) }
            }
        }
        return (mentored, pool, mentors)
    }

    /// Each subject's score in a round: a school's respondents pooled (all
    /// groups), a teacher's latest response; the area's mean or overall.
    func scores(_ round: RoundRef) throws(IHubError) -> [Int64: (code: String, score: Double)] {
        var out: [Int64: (code: String, score: Double)] = [:]
        switch level {
        case .school:
            let data = try AssessmentData.collect(engine, round: round, instrument: instrument)
            for id in data.cells.keys {
                let s = data.pool(schools: [id], groups: instrument.groups, area: area).summary
                if s.n > 0 { out[id] = (data.schoolCodes[id] ?? "", s.mean) }
            }
        case .teacher:
            for r in try Scoring.load(engine, round: round, instrument: instrument) {
                guard let person = r.personID else { continue }
                // Ordered by id: a later submission of the same teacher wins.
                if let score = area.map({ r.areas[$0].mean }) ?? r.overall { out[person] = (r.person ?? "", score) } else { out[person] = nil }
            }
        }
        return out
    }

    /// Hours by subject id as activity.hours counts them over the period.
    func hours(_ pair: Pair) throws(IHubError) -> [Int64: Double] {
        let filter = ActivityFilter(hubID: pair.from.hubID, from: pair.start, to: pair.end)
        var out: [Int64: Double] = [:]
        for row in try engine.db.activities.hours(by: level == .school ? .school : .person, filter) { out[row.id] = Double(row.minutes) / 60 }
        return out
    }

    // MARK: matching

    /// The mentored matched with comparison units, and why the others were not.
    func matchUnits(_ mentored: [Unit], _ pool: [Unit]) -> (matched: [Matched], unmatched: [String: Int]) {
        var matched: [Matched] = [], unmatched: [String: Int] = [:]
        switch match {
        case .byClass:
            var byClass: [String: [Unit]] = [:]
            for c in pool { if let cls = c.cls { byClass[cls, default: []].append(c) } }
            for t in mentored {
                guard let cls = t.cls else { unmatched["no class in the earlier round", default: 0] += 1; continue }
                guard let controls = byClass[cls] else { unmatched["no comparison \(level == .school ? "school" : "teacher") of its class", default: 0] += 1; continue }
                matched.append(Matched(unit: t, controls: controls, stratum: cls))
            }
        case .nearest:
            guard !pool.isEmpty else {
                if !mentored.isEmpty { unmatched["no comparison \(noun)"] = mentored.count }
                return ([], unmatched)
            }
            for t in mentored {
                // With replacement; a tie goes to the lower id (pool is in id order).
                var best = pool[0]
                for c in pool.dropFirst() where abs(c.from - t.from) < abs(best.from - t.from) { best = c }
                matched.append(Matched(unit: t, controls: [best], stratum: nil))
            }
        }
        return (matched, unmatched)
    }

    /// The difference in differences over matched units: the mean of each
    /// mentored unit's change minus its comparison's mean change.
    static func did(_ matched: [Matched]) -> Double {
        ImpactStatistics.mean(matched.map { $0.unit.change - $0.controlChange })
    }

    /// Bootstrap replicates of the estimate, sorted. Nearest: the matched
    /// pairs resampled; class: within each class, the mentored and the
    /// comparison resampled apart (the classes keep their sizes and weights).
    func bootstrap(_ matched: [Matched], replicates: Int, seed: UInt64) -> [Double] {
        var rng = SplitMix64(seed: seed)
        var out: [Double] = []
        out.reserveCapacity(replicates)
        let diffs = matched.map { $0.unit.change - $0.controlChange }
        // Strata in a fixed order: the same seed gives the same draws.
        var strata: [(treated: [Double], controls: [Double])] = []
        if match == .byClass {
            var order: [String] = []
            var byClass: [String: (treated: [Double], controls: [Double])] = [:]
            for m in matched {
                let s = m.stratum ?? ""
                if byClass[s] == nil { order.append(s); byClass[s] = ([], m.controls.map(\.change)) }
                byClass[s]!.treated.append(m.unit.change)
            }
            strata = order.sorted().map { byClass[$0]! }
        }
        let total = Double(matched.count)
        for _ in 0..<replicates {
            if match == .nearest {
                var sum = 0.0
                for _ in diffs.indices { sum += diffs[rng.index(below: diffs.count)] }
                out.append(sum / total)
            } else {
                var estimate = 0.0
                for s in strata {
                    var t = 0.0, c = 0.0
                    for _ in s.treated.indices { t += s.treated[rng.index(below: s.treated.count)] }
                    for _ in s.controls.indices { c += s.controls[rng.index(below: s.controls.count)] }
                    estimate += Double(s.treated.count) / total * (t / Double(s.treated.count) - c / Double(s.controls.count))
                }
                out.append(estimate)
            }
        }
        return out.sorted()
    }
}
