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
                guard let text = try db.scalarText("SELECT params FROM pairing_runs WHERE id = ?", [.int(id)]) else {
                    throw IHubError.notFound("params.rerun: no pairing run #\(id)")
                }
                let old = (try? JSONParser.parse(text)) ?? .object([])
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
        var pairs: [(mentee: String, mentor: String, score: Double, pinned: Bool)] = []
        var unmatched: [(code: String, side: String, reason: String)] = []
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
        let insertRun = try db.statement("""
            INSERT INTO pairing_runs(hub_id, round_id, level, objective, mode, inputs_hash, policy_hash, params, capacity, total, candidates, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
            """)
        try insertRun.bind([.int(setup.round.hubID), .int(setup.round.id), .text(params.level.rawValue), .text(params.objective.rawValue),
                      .text(params.mode), .text(setup.inputsHash(objective: params.objective.rawValue, mode: params.mode)),
                      .text(setup.policy.hash), .text(params.json.serialized()), .text(setup.settings.capacityJSON.serialized()),
                      .double(outcome.total), .int(Int64(outcome.candidates)), .text(Timestamp.now())])
        try insertRun.step()
        let id = insertRun.int(0)
        insertRun.reset()
        let pair = try db.statement("INSERT INTO run_pairs(run_id, mentee, mentor, score, pinned) VALUES (?, ?, ?, ?, ?)")
        for x in outcome.pairs { try pair.run([.int(id), .text(x.mentee), .text(x.mentor), .double(x.score), .int(x.pinned ? 1 : 0)]) }
        let un = try db.statement("INSERT INTO run_unmatched(run_id, code, side, reason) VALUES (?, ?, ?, ?)")
        for u in outcome.unmatched { try un.run([.int(id), .text(u.code), .text(u.side), .text(u.reason)]) }
        return try get(db, id: id)
    }

    static func solve(_ setup: PolicySetup, _ params: Params) throws(IHubError) -> Outcome {
        let records = setup.data.records, roles = setup.policy.roles, s = setup.settings
        try checkPins(setup)
        // A pin seats its own pair and nothing else: a record the policy does
        // not make a mentee (mentor) joins that side for its pin only.
        let pinMentees = Set(setup.pins.map(\.mentee)), pinMentors = Set(setup.pins.map(\.mentor))
        var mentees: [Int] = [], mentors: [Int] = [], pinOnly = (mentee: Set<Int>(), mentor: Set<Int>())
        for (i, role) in roles.enumerated() {
            if role.mentee { mentees.append(i) } else if pinMentees.contains(records[i].code) { mentees.append(i); pinOnly.mentee.insert(i) }
            if role.mentor { mentors.append(i) } else if pinMentors.contains(records[i].code) { mentors.append(i); pinOnly.mentor.insert(i) }
        }
        let pinIdx = setup.pins.map { (setup.data.index[$0.mentee]!, setup.data.index[$0.mentor]!) }
        let (candidates, pinScores, against) = try admissible(setup, mentees: mentees, mentors: mentors, pinOnly: pinOnly, pins: pinIdx)

        var out = Outcome()
        var menteeMin = [Int](repeating: s.menteeMin, count: mentees.count)
        var menteeMax = [Int](repeating: s.menteeMax, count: mentees.count)
        var mentorMax = [Int](repeating: s.mentorMax, count: mentors.count)
        let menteeSlot = Dictionary(uniqueKeysWithValues: mentees.enumerated().map { ($1, $0) })
        let mentorSlot = Dictionary(uniqueKeysWithValues: mentors.enumerated().map { ($1, $0) })
        // Pins take their seats before the solver sees the rest.
        for (k, (i, j)) in pinIdx.enumerated() {
            let x = menteeSlot[i]!, y = mentorSlot[j]!
            guard mentorMax[y] > 0 else {
                throw IHubError(.constraint, "params.pins[\(k)]: infeasible: mentor \(IHubError.quoted(records[j].code)) would take more than its maximum of \(s.mentorMax) (capacity.\(setup.level.rawValue).mentor_max)")
            }
            guard menteeMax[x] > 0 else {
                throw IHubError(.constraint, "params.pins[\(k)]: infeasible: mentee \(IHubError.quoted(records[i].code)) would get more than its maximum of \(s.menteeMax) mentor(s)")
            }
            mentorMax[y] -= 1; menteeMax[x] -= 1; menteeMin[x] = max(0, menteeMin[x] - 1)
            let v = pinScores[k]
            out.pairs.append((records[i].code, records[j].code, v.isNaN ? 0 : v, true))
        }
        for (x, i) in mentees.enumerated() where pinOnly.mentee.contains(i) { menteeMin[x] = 0; menteeMax[x] = 0 }
        for (y, j) in mentors.enumerated() where pinOnly.mentor.contains(j) { mentorMax[y] = 0 }
        out.candidates = candidates.count
        var degree = [Int](repeating: 0, count: mentees.count), mentorDegree = [Int](repeating: 0, count: mentors.count)
        for c in candidates { degree[Int(c.mentee)] += 1; mentorDegree[Int(c.mentor)] += 1 }

        // Infeasibility, said with codes and reasons before the solver's counting.
        for (x, i) in mentees.enumerated() where menteeMin[x] > degree[x] {
            throw IHubError(.constraint, "pairing.propose: infeasible: mentee \(IHubError.quoted(records[i].code)) must get \(s.menteeMin) mentor(s) (capacity.\(setup.level.rawValue).mentee_min) but has \(degree[x]) admissible: \(why(against.asMentee[i]))")
        }
        let need = menteeMin.reduce(0, +), seats = mentorMax.reduce(0, +)
        if need > seats {
            throw IHubError(.constraint, "pairing.propose: infeasible: mentees must get \(need) pairs (mentee_min \(s.menteeMin)) but \(mentors.count) mentors offer \(seats) seats (mentor_max \(s.mentorMax))")
        }
        let problem = PairingProblem(menteeCount: mentees.count, mentorCount: mentors.count, menteeMin: menteeMin,
                                     menteeMax: menteeMax, mentorMax: mentorMax, candidates: candidates)
        let solution: PairingSolution
        do throws(IHubError) {
            solution = params.mode == "stable" ? try PairingSolver.stable(problem) : try PairingSolver.solve(problem, objective: params.objective)
        } catch where error.status == .constraint {
            throw IHubError(.constraint, "pairing.propose: infeasible (\(setup.level.rawValue) level, \(mentees.count) mentees, \(mentors.count) mentors; indices as listed by the run): \(error.message)")
        }
        var load = [Int](repeating: 0, count: mentors.count), got = [Int](repeating: 0, count: mentees.count)
        for k in solution.chosen {
            let c = candidates[k]
            out.pairs.append((records[mentees[Int(c.mentee)]].code, records[mentors[Int(c.mentor)]].code, c.score, false))
            load[Int(c.mentor)] += 1; got[Int(c.mentee)] += 1
        }
        for (i, _) in pinIdx { got[menteeSlot[i]!] += 1 }
        for (_, j) in pinIdx { load[mentorSlot[j]!] += 1 }
        out.pairs.sort { ($0.mentee, $0.mentor) < ($1.mentee, $1.mentor) }
        out.total = out.pairs.reduce(0) { $0 + $1.score }

        // The unmatched, each with the reason.
        for (i, role) in roles.enumerated() where role.role == nil && menteeSlot[i] == nil && mentorSlot[i] == nil {
            out.unmatched.append((records[i].code, "none", role.reason ?? "not eligible by the policy"))
        }
        // A record on both sides counts as matched when paired on either.
        func asMentor(_ i: Int) -> Bool { mentorSlot[i].map { load[$0] > 0 } ?? false }
        func asMentee(_ i: Int) -> Bool { menteeSlot[i].map { got[$0] > 0 } ?? false }
        var listedAsMentee: [Int: Int] = [:]
        for (x, i) in mentees.enumerated() where got[x] == 0 && s.menteeMax > 0 && !asMentor(i) {
            let reason = degree[x] == 0 ? "no admissible mentor: \(why(against.asMentee[i]))"
                : "its \(degree[x]) admissible mentor(s) were at capacity or fitted others better (objective \(params.objective.rawValue))"
            listedAsMentee[i] = out.unmatched.count
            out.unmatched.append((records[i].code, "mentee", reason))
        }
        for (y, j) in mentors.enumerated() where load[y] == 0 && !asMentee(j) {
            let reason = mentorDegree[y] == 0 ? "no admissible mentee: \(why(against.asMentor[j]))"
                : s.mentorMax == 0 ? "takes no mentees (mentor_max 0)"
                : "its \(mentorDegree[y]) admissible mentee(s) were paired better elsewhere"
            // A record on both sides, paired on neither, is listed once (a
            // run lists each code once), under its mentee side with both reasons.
            if let k = listedAsMentee[j] {
                out.unmatched[k].reason += "; as a mentor: \(reason)"
            } else {
                out.unmatched.append((records[j].code, "mentor", reason))
            }
        }
        out.unmatched.sort { $0.code < $1.code }
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

    struct RunRow {
        let id: Int64
        let hub: String
        let round: String
        let level: PairingRecords.Level
        let objective: String
        let params: JSON
        let capacity: JSON
        let policyHash: String
        let inputsHash: String
        let confirmedAt: String?
    }

    static func row(_ db: Database, id: Int64, at path: String) throws(IHubError) -> RunRow {
        let s = try db.statement("""
            SELECT x.id, h.code, r.code, x.level, x.objective, x.params, x.capacity, x.policy_hash, x.inputs_hash, x.confirmed_at
            FROM pairing_runs x JOIN hubs h ON h.id = x.hub_id JOIN rounds r ON r.id = x.round_id WHERE x.id = ?
            """)
        try s.bind([.int(id)])
        guard try s.step() else { throw IHubError.notFound("\(path): no pairing run #\(id)") }
        return RunRow(id: s.int(0), hub: s.text(1) ?? "", round: s.text(2) ?? "", level: PairingRecords.Level(rawValue: s.text(3) ?? "") ?? .school,
                      objective: s.text(4) ?? "", params: (try? JSONParser.parse(s.text(5) ?? "{}")) ?? .object([]),
                      capacity: (try? JSONParser.parse(s.text(6) ?? "{}")) ?? .object([]), policyHash: s.text(7) ?? "",
                      inputsHash: s.text(8) ?? "", confirmedAt: s.isNull(9) ? nil : s.text(9))
    }

    static func pairs(_ db: Database, run: Int64) throws(IHubError) -> [(mentee: String, mentor: String, score: Double, pinned: Bool)] {
        let s = try db.statement("SELECT mentee, mentor, score, pinned FROM run_pairs WHERE run_id = ? ORDER BY mentee, mentor")
        try s.bind([.int(run)])
        var out: [(String, String, Double, Bool)] = []
        while try s.step() { out.append((s.text(0) ?? "", s.text(1) ?? "", s.double(2), s.int(3) != 0)) }
        return out
    }

    static func unmatched(_ db: Database, run: Int64) throws(IHubError) -> [(code: String, side: String, reason: String)] {
        let s = try db.statement("SELECT code, side, reason FROM run_unmatched WHERE run_id = ? ORDER BY code")
        try s.bind([.int(run)])
        var out: [(String, String, String)] = []
        while try s.step() { out.append((s.text(0) ?? "", s.text(1) ?? "", s.text(2) ?? "")) }
        return out
    }

    static func get(_ db: Database, id: Int64) throws(IHubError) -> JSON {
        let s = try db.statement("""
            SELECT x.id, h.code, r.code, x.level, x.objective, x.mode, x.inputs_hash, x.policy_hash, x.params, x.capacity,
                   x.total, x.candidates, x.created_at, x.confirmed_at
            FROM pairing_runs x JOIN hubs h ON h.id = x.hub_id JOIN rounds r ON r.id = x.round_id WHERE x.id = ?
            """)
        try s.bind([.int(id)])
        guard try s.step() else { throw IHubError.notFound("params.run: no pairing run #\(id)") }
        let params = (try? JSONParser.parse(s.text(8) ?? "{}")) ?? .object([])
        var doc: [JSON.Member] = [
            .init("run", s.json(0)), .init("hub", s.json(1)), .init("round", s.json(2)), .init("level", s.json(3)),
            .init("objective", s.json(4)), .init("mode", s.json(5)), .init("inputs_hash", s.json(6)), .init("policy_hash", s.json(7)),
            .init("pins", params["pins"] ?? .array([])), .init("bans", params["bans"] ?? .array([])), .init("rerun", params["rerun"] ?? .null),
            .init("capacity", (try? JSONParser.parse(s.text(9) ?? "{}")) ?? .object([])),
            .init("total", s.json(10)), .init("candidates", s.json(11)), .init("created_at", s.json(12)), .init("confirmed_at", s.json(13)),
        ]
        doc.append(.init("pairs", .array(try pairs(db, run: id).map {
            ["mentee": .string($0.mentee), "mentor": .string($0.mentor), "score": .double($0.score), "pinned": .bool($0.pinned)]
        })))
        doc.append(.init("unmatched", .array(try unmatched(db, run: id).map {
            ["code": .string($0.code), "side": .string($0.side), "reason": .string($0.reason)]
        })))
        return .object(doc)
    }
}
