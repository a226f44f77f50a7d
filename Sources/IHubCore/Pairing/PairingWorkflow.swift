/// pairing.propose: score the candidates with the hub's policy, solve, and
/// store the run (its pairs and the unmatched with their reasons) without
/// changing anyone's pairs.
enum PairingWorkflow {
    struct Params {
        var hub: String
        var round: String
        var level: PairingRecords.Level
        var objective: Objective
        var mode: String
        var rounds: [String]
        var pins: [PolicySetup.Pair]
        var bans: [PolicySetup.Pair]
        var rerun: Int64?

        var json: JSON {
            func pairs(_ list: [PolicySetup.Pair]) -> JSON { .array(list.map { ["mentee": .string($0.mentee), "mentor": .string($0.mentor)] }) }
            return ["hub": .string(hub), "round": .string(round), "level": .string(level.rawValue), "objective": .string(objective.rawValue),
                    "mode": .string(mode), "rounds": .array(rounds.map(JSON.string)), "pins": pairs(pins), "bans": pairs(bans),
                    "rerun": rerun.map { .int($0) } ?? .null]
        }

        /// The parameters of a call; a re-run starts from the earlier run's
        /// and adds the new pins and bans (a new pin lifts an old ban).
        init(_ db: Database, _ p: JSON) throws(IHubError) {
            func pairs(_ key: String) -> [PolicySetup.Pair] {
                (p[key]?.array ?? []).map { PolicySetup.Pair(mentee: $0["mentee"]?.string ?? "", mentor: $0["mentor"]?.string ?? "") }
            }
            if let id = p["rerun"]?.int {
                guard let old = try db.pairing.runParams(id: id) else { throw IHubError.notFound("params.rerun: no pairing run #\(id)") }
                self = try Params(db, old)
                for key in ["hub", "round", "level"] {
                    if let v = p[key]?.string, v != old[key]?.string {
                        throw IHubError.invalid("params.\(key): run #\(id) is for \(key) '\(old[key]?.string ?? "")'; a re-run keeps it")
                    }
                }
                if let o = p["objective"]?.string { objective = Objective(rawValue: o)! }
                if let m = p["mode"]?.string { mode = m }
                let newPins = pairs("pins")
                pins += newPins.filter { !pins.contains($0) }
                bans = bans.filter { !newPins.contains($0) } + pairs("bans").filter { !bans.contains($0) }
                rerun = id
                return
            }
            guard let hub = p["hub"]?.string, let round = p["round"]?.string else {
                throw IHubError.invalid("params: give hub and round (or rerun, the id of an earlier run)")
            }
            self.hub = hub
            self.round = round
            level = PairingRecords.Level(rawValue: p["level"]?.string ?? "school")!
            objective = Objective(rawValue: p["objective"]?.string ?? "total_fit")!
            mode = p["mode"]?.string ?? "optimal"
            rounds = (p["rounds"]?.array ?? []).compactMap(\.string)
            pins = pairs("pins")
            bans = pairs("bans")
            rerun = nil
        }
    }

    /// One run's outcome before it is stored.
    struct Outcome {
        var pairs: [RunPair] = []
        var unmatched: [RunUnmatched] = []
        var total = 0.0
        var candidates = 0
    }

    static func propose(_ engine: Engine, _ p: JSON) throws(IHubError) -> JSON {
        let params = try Params(engine.db, p)
        let setup = try PolicySetup(engine, hubCode: params.hub, round: params.round, level: params.level,
                                    otherRounds: params.rounds, pins: params.pins, bans: params.bans)
        let outcome = try solve(setup, params)
        // Everything is known before anything is written: a failing policy
        // or an infeasible instance stores nothing.
        let db = engine.db
        let run = NewPairingRun(hubID: setup.round.hubID, roundID: setup.round.id, level: params.level, objective: params.objective.rawValue,
                                mode: params.mode, inputsHash: setup.inputsHash(objective: params.objective.rawValue, mode: params.mode),
                                policyHash: setup.policy.hash, params: params.json, capacity: setup.settings.capacityJSON,
                                total: outcome.total, candidates: outcome.candidates)
        let id = try db.pairing.addRun(run, pairs: outcome.pairs, unmatched: outcome.unmatched)
        try DecisionLog.pairingRun(engine, run: id, setup: setup, params: params, outcome: outcome, inputsHash: run.inputsHash)
        return try get(db, id: id)
    }

    /// Solves a run's instance: pins checked, the sides and their candidates,
    /// the pins seated, feasibility said with codes, the solver's choice for
    /// the rest, and the unmatched with their reasons.
    static func solve(_ setup: PolicySetup, _ params: Params) throws(IHubError) -> Outcome {
        try checkPins(setup)
        let sides = Sides(setup)
        let (candidates, pinScores, against) = try admissible(setup, mentees: sides.mentees, mentors: sides.mentors,
                                                              pinOnly: sides.pinOnly, pins: sides.pins)
        let (seats, pinned) = try seatPins(setup, sides, scores: pinScores)
        let degrees = Degrees(candidates, sides)
        try checkFeasible(setup, sides, seats, degrees, against)
        let chosen = try choose(setup, params, sides, seats, candidates)
        let records = setup.data.records
        var out = Outcome()
        out.pairs = pinned + chosen.map {
            RunPair(mentee: records[sides.mentees[Int($0.mentee)]].code, mentor: records[sides.mentors[Int($0.mentor)]].code,
                    score: $0.score, pinned: false)
        }
        out.pairs.sort { ($0.mentee, $0.mentor) < ($1.mentee, $1.mentor) }
        out.total = out.pairs.reduce(0) { $0 + $1.score }
        out.candidates = candidates.count
        out.unmatched = unmatched(setup, params, sides, chosen: chosen, degrees, against)
        return out
    }

    /// The run's two sides, as indices into the records, and each record's
    /// slot on them. A pin seats its own pair and nothing else: a record the
    /// policy does not make a mentee (mentor) joins that side for its pin only.
    struct Sides {
        var mentees: [Int] = []
        var mentors: [Int] = []
        var pinOnly = (mentee: Set<Int>(), mentor: Set<Int>())
        /// The pins as (mentee, mentor) record indices.
        let pins: [(Int, Int)]
        let menteeSlot: [Int: Int]
        let mentorSlot: [Int: Int]

        init(_ setup: PolicySetup) {
            let records = setup.data.records
            let pinMentees = Set(setup.pins.map(\.mentee)), pinMentors = Set(setup.pins.map(\.mentor))
            for (i, role) in setup.policy.roles.enumerated() {
                if role.mentee { mentees.append(i) } else if pinMentees.contains(records[i].code) { mentees.append(i); pinOnly.mentee.insert(i) }
                if role.mentor { mentors.append(i) } else if pinMentors.contains(records[i].code) { mentors.append(i); pinOnly.mentor.insert(i) }
            }
            pins = setup.pins.map { (setup.data.index[$0.mentee]!, setup.data.index[$0.mentor]!) }
            menteeSlot = Dictionary(uniqueKeysWithValues: mentees.enumerated().map { ($1, $0) })
            mentorSlot = Dictionary(uniqueKeysWithValues: mentors.enumerated().map { ($1, $0) })
        }
    }

    /// What each slot may still take: a mentee's minimum and maximum of
    /// mentors, a mentor's maximum of mentees.
    struct Seats {
        var menteeMin: [Int]
        var menteeMax: [Int]
        var mentorMax: [Int]
    }

    /// Pins take their seats before the solver sees the rest: the seats left
    /// and the pinned pairs (at the policy's score, 0 where it excludes them).
    /// A record on a side for its pin only has no seat left there.
    private static func seatPins(_ setup: PolicySetup, _ sides: Sides, scores: [Double]) throws(IHubError)
        -> (seats: Seats, pinned: [RunPair])
    {
        let records = setup.data.records, s = setup.settings
        var seats = Seats(menteeMin: .init(repeating: s.menteeMin, count: sides.mentees.count),
                          menteeMax: .init(repeating: s.menteeMax, count: sides.mentees.count),
                          mentorMax: .init(repeating: s.mentorMax, count: sides.mentors.count))
        var pinned: [RunPair] = []
        for (k, (i, j)) in sides.pins.enumerated() {
            let x = sides.menteeSlot[i]!, y = sides.mentorSlot[j]!
            guard seats.mentorMax[y] > 0 else {
                throw IHubError(.constraint, "params.pins[\(k)]: infeasible: mentor \(IHubError.quoted(records[j].code)) would take more than its maximum of \(s.mentorMax) (capacity.\(setup.level.rawValue).mentor_max)")
            }
            guard seats.menteeMax[x] > 0 else {
                throw IHubError(.constraint, "params.pins[\(k)]: infeasible: mentee \(IHubError.quoted(records[i].code)) would get more than its maximum of \(s.menteeMax) mentor(s)")
            }
            seats.mentorMax[y] -= 1; seats.menteeMax[x] -= 1; seats.menteeMin[x] = max(0, seats.menteeMin[x] - 1)
            let v = scores[k]
            pinned.append(RunPair(mentee: records[i].code, mentor: records[j].code, score: v.isNaN ? 0 : v, pinned: true))
        }
        for (x, i) in sides.mentees.enumerated() where sides.pinOnly.mentee.contains(i) { seats.menteeMin[x] = 0; seats.menteeMax[x] = 0 }
        for (y, j) in sides.mentors.enumerated() where sides.pinOnly.mentor.contains(j) { seats.mentorMax[y] = 0 }
        return (seats, pinned)
    }

    /// How many candidates each mentee slot and each mentor slot has.
    struct Degrees {
        var mentee: [Int]
        var mentor: [Int]

        init(_ candidates: [Candidate], _ sides: Sides) {
            mentee = .init(repeating: 0, count: sides.mentees.count)
            mentor = .init(repeating: 0, count: sides.mentors.count)
            for c in candidates { mentee[Int(c.mentee)] += 1; mentor[Int(c.mentor)] += 1 }
        }
    }

    /// Infeasibility, said with codes and reasons before the solver's counting.
    private static func checkFeasible(_ setup: PolicySetup, _ sides: Sides, _ seats: Seats, _ degrees: Degrees,
                                      _ against: Reasons) throws(IHubError)
    {
        let records = setup.data.records, s = setup.settings
        for (x, i) in sides.mentees.enumerated() where seats.menteeMin[x] > degrees.mentee[x] {
            throw IHubError(.constraint, "pairing.propose: infeasible: mentee \(IHubError.quoted(records[i].code)) must get \(s.menteeMin) mentor(s) (capacity.\(setup.level.rawValue).mentee_min) but has \(degrees.mentee[x]) admissible: \(why(against.asMentee[i]))")
        }
        let need = seats.menteeMin.reduce(0, +), offered = seats.mentorMax.reduce(0, +)
        if need > offered {
            throw IHubError(.constraint, "pairing.propose: infeasible: mentees must get \(need) pairs (mentee_min \(s.menteeMin)) but \(sides.mentors.count) mentors offer \(offered) seats (mentor_max \(s.mentorMax))")
        }
    }

    /// The solver's choice among the candidates for the seats the pins left
    /// (by the objective, or stable); an infeasible instance says its size.
    private static func choose(_ setup: PolicySetup, _ params: Params, _ sides: Sides, _ seats: Seats,
                               _ candidates: [Candidate]) throws(IHubError) -> [Candidate]
    {
        let problem = PairingProblem(menteeCount: sides.mentees.count, mentorCount: sides.mentors.count, menteeMin: seats.menteeMin,
                                     menteeMax: seats.menteeMax, mentorMax: seats.mentorMax, candidates: candidates)
        let solution: PairingSolution
        do throws(IHubError) {
            solution = params.mode == "stable" ? try PairingSolver.stable(problem) : try PairingSolver.solve(problem, objective: params.objective)
        } catch where error.status == .constraint {
            throw IHubError(.constraint, "pairing.propose: infeasible (\(setup.level.rawValue) level, \(sides.mentees.count) mentees, \(sides.mentors.count) mentors; indices as listed by the run): \(error.message)")
        }
        return solution.chosen.map { candidates[$0] }
    }

    /// The unmatched, each with the reason, by code: those the policy put on
    /// neither side, then mentees and mentors paired on neither side.
    private static func unmatched(_ setup: PolicySetup, _ params: Params, _ sides: Sides, chosen: [Candidate],
                                  _ degrees: Degrees, _ against: Reasons) -> [RunUnmatched]
    {
        let records = setup.data.records, s = setup.settings
        var load = [Int](repeating: 0, count: sides.mentors.count), got = [Int](repeating: 0, count: sides.mentees.count)
        for c in chosen { load[Int(c.mentor)] += 1; got[Int(c.mentee)] += 1 }
        for (i, j) in sides.pins { got[sides.menteeSlot[i]!] += 1; load[sides.mentorSlot[j]!] += 1 }
        var out: [RunUnmatched] = []
        for (i, role) in setup.policy.roles.enumerated() where role.role == nil && sides.menteeSlot[i] == nil && sides.mentorSlot[i] == nil {
            out.append(RunUnmatched(code: records[i].code, side: "none", reason: role.reason ?? "not eligible by the policy"))
        }
        // A record on both sides counts as matched when paired on either.
        func asMentor(_ i: Int) -> Bool { sides.mentorSlot[i].map { load[$0] > 0 } ?? false }
        func asMentee(_ i: Int) -> Bool { sides.menteeSlot[i].map { got[$0] > 0 } ?? false }
        var listedAsMentee: [Int: Int] = [:]
        for (x, i) in sides.mentees.enumerated() where got[x] == 0 && s.menteeMax > 0 && !asMentor(i) {
            let reason = degrees.mentee[x] == 0 ? "no admissible mentor: \(why(against.asMentee[i]))"
                : "its \(degrees.mentee[x]) admissible mentor(s) were at capacity or fitted others better (objective \(params.objective.rawValue))"
            listedAsMentee[i] = out.count
            out.append(RunUnmatched(code: records[i].code, side: "mentee", reason: reason))
        }
        for (y, j) in sides.mentors.enumerated() where load[y] == 0 && !asMentee(j) {
            let reason = degrees.mentor[y] == 0 ? "no admissible mentee: \(why(against.asMentor[j]))"
                : s.mentorMax == 0 ? "takes no mentees (mentor_max 0)"
                : "its \(degrees.mentor[y]) admissible mentee(s) were paired better elsewhere"
            // A record on both sides, paired on neither, is listed once (a
            // run lists each code once), under its mentee side with both reasons.
            if let k = listedAsMentee[j] {
                out[k].reason += "; as a mentor: \(reason)"
            } else {
                out.append(RunUnmatched(code: records[j].code, side: "mentor", reason: reason))
            }
        }
        out.sort { $0.code < $1.code }
        return out
    }

    /// What ruled out each record's pairs, per side: a record on both sides
    /// gets a mentee's reasons from its pairs as a mentee only.
    struct Reasons {
        var asMentee: [[String: Int]]
        var asMentor: [[String: Int]]

        init(count: Int) {
            asMentee = .init(repeating: [:], count: count)
            asMentor = .init(repeating: [:], count: count)
        }

        mutating func add(_ why: String, mentee i: Int, mentor j: Int) {
            asMentee[i][why, default: 0] += 1
            asMentor[j][why, default: 0] += 1
        }
    }

    /// The candidate pairs of the sides' slots: blocking and hard
    /// constraints first, in Swift; then the policy's score, in one hot loop
    /// (the pins' pairs scored with them); then one direction of two records
    /// admissible both ways. The reasons against the rest, per record.
    private static func admissible(_ setup: PolicySetup, mentees: [Int], mentors: [Int],
                                   pinOnly: (mentee: Set<Int>, mentor: Set<Int>), pins: [(Int, Int)]) throws(IHubError)
        -> (candidates: [Candidate], pinScores: [Double], against: Reasons)
    {
        let records = setup.data.records, pinned = Set(setup.pins)
        var blockedWhy = Reasons(count: records.count)
        var ai: [Int32] = [], bi: [Int32] = [], slots: [(Int, Int)] = []
        for (x, i) in mentees.enumerated() where !pinOnly.mentee.contains(i) {
            for (y, j) in mentors.enumerated() where i != j && !pinOnly.mentor.contains(j) {
                if pinned.contains(PolicySetup.Pair(mentee: records[i].code, mentor: records[j].code)) { continue }
                if let why = setup.blocked(i, j) {
                    blockedWhy.add(why, mentee: i, mentor: j)
                    continue
                }
                ai.append(Int32(i)); bi.append(Int32(j)); slots.append((x, y))
            }
        }
        let scored = try setup.policy.score(mentees: ai + pins.map { Int32($0.0) }, mentors: bi + pins.map { Int32($0.1) })
        let scores = scored.scores
        var kept: [Int] = []
        for (k, v) in scores.prefix(ai.count).enumerated() {
            guard !v.isNaN else {
                let w = Int(scored.why[k])
                let why = w > 0 && w <= scored.reasons.count ? "excluded by the policy (\(scored.reasons[w - 1]))" : "excluded by the policy's score"
                blockedWhy.add(why, mentee: Int(ai[k]), mentor: Int(bi[k]))
                continue
            }
            kept.append(k)
        }
        // Two records admissible both ways would be free to mentor each
        // other: only the better direction stays a candidate.
        var scoreOf: [Int64: Double] = [:]
        for k in kept { scoreOf[Int64(ai[k]) << 32 | Int64(bi[k])] = scores[k] }
        var candidates: [Candidate] = []
        for k in kept {
            let i = Int(ai[k]), j = Int(bi[k])
            if let back = scoreOf[Int64(j) << 32 | Int64(i)],
               !keepsDirection(scores[k], over: back, mentee: records[i].code, mentor: records[j].code)
            {
                let why = "the reverse pair fits better (they cannot mentor each other)"
                blockedWhy.add(why, mentee: i, mentor: j)
                continue
            }
            candidates.append(Candidate(mentee: Int32(slots[k].0), mentor: Int32(slots[k].1), score: scores[k]))
        }
        return (candidates, Array(scores.suffix(pins.count)), blockedWhy)
    }

    /// "3 no shared language, 2 excluded by the policy (…)": the commonest
    /// first, at most four kinds.
    static func why(_ counts: [String: Int]) -> String {
        if counts.isEmpty { return "nobody on the other side" }
        let all = counts.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { "\($0.value) \($0.key)" }
        return all.prefix(4).joined(separator: ", ") + (all.count > 4 ? ", and \(all.count - 4) other reasons" : "")
    }

    /// Of a pair and its reverse, both admissible: whether mentee ← mentor
    /// (scoring `score`) stays over the reverse (scoring `back`). The higher
    /// score, at a tie the mentor whose code sorts first: one rule for
    /// propose and explain.
    static func keepsDirection(_ score: Double, over back: Double, mentee: String, mentor: String) -> Bool {
        score != back ? score > back : mentor < mentee
    }

    /// Pins given twice, and pins that would make two records mentor each
    /// other: with another pin, or with a pair confirmed in the round.
    static func checkPins(_ setup: PolicySetup) throws(IHubError) {
        let pins = Set(setup.pins)
        func cut(_ code: String) -> String { IHubError.excerpt(code) }
        var first: [PolicySetup.Pair: Int] = [:]
        for (k, pin) in setup.pins.enumerated() {
            if let at = first[pin] {
                throw IHubError.invalid("params.pins[\(k)]: \(cut(pin.mentee)) with \(cut(pin.mentor)) is pinned already (params.pins[\(at)])")
            }
            first[pin] = k
            let reverse = PolicySetup.Pair(mentee: pin.mentor, mentor: pin.mentee)
            if pins.contains(reverse) {
                throw IHubError.invalid("params.pins[\(k)]: \(cut(pin.mentor)) would mentor \(cut(pin.mentee)) and \(cut(pin.mentee)) would mentor \(cut(pin.mentor)) (both pinned); mutual mentoring is refused")
            }
            if setup.confirmedHere.contains(reverse) {
                throw IHubError(.constraint, "params.pins[\(k)]: \(cut(pin.mentor)) would mentor \(cut(pin.mentee)), but \(cut(pin.mentee)) already mentors \(cut(pin.mentor)) in round \(cut(setup.round.code)) (confirmed); mutual mentoring is refused")
            }
        }
    }

    // MARK: reading runs

    static func row(_ db: Database, id: Int64, at path: String) throws(IHubError) -> PairingRunRow {
        guard let row = try db.pairing.runRow(id: id) else { throw IHubError.notFound("\(path): no pairing run #\(id)") }
        return row
    }

    static func get(_ db: Database, id: Int64) throws(IHubError) -> JSON {
        let run = try row(db, id: id, at: "params.run")
        return [
            "run": .int(run.id), "hub": .string(run.hub), "round": .string(run.round), "level": .string(run.level.rawValue),
            "objective": .string(run.objective), "mode": .string(run.mode), "inputs_hash": .string(run.inputsHash),
            "policy_hash": .string(run.policyHash),
            "pins": run.params["pins"] ?? .array([]), "bans": run.params["bans"] ?? .array([]), "rerun": run.params["rerun"] ?? .null,
            "capacity": run.capacity,
            "total": .double(run.total), "candidates": .int(run.candidates), "created_at": .string(run.createdAt),
            "confirmed_at": run.confirmedAt.map(JSON.string) ?? .null,
            "pairs": .array(try db.pairing.runPairs(run: id).map {
                ["mentee": .string($0.mentee), "mentor": .string($0.mentor), "score": .double($0.score), "pinned": .bool($0.pinned)]
            }),
            "unmatched": .array(try db.pairing.runUnmatched(run: id).map {
                ["code": .string($0.code), "side": .string($0.side), "reason": .string($0.reason)]
            }),
        ]
    }
}
