/// pairing.explain, pairing.diff and pairing.confirm: reading a stored run
/// and applying it.
extension PairingWorkflow {
    /// A run's setup as explain rebuilds it, kept on the engine while the
    /// database is unchanged: explaining every pair of a run builds it once
    /// instead of once per pair.
    final class ExplainCache {
        let run: Int64
        let stamp: [Int64]
        let setup: PolicySetup
        let params: Params
        let inputsHash: String

        init(run: Int64, stamp: [Int64], setup: PolicySetup, params: Params) {
            self.run = run; self.stamp = stamp; self.setup = setup; self.params = params
            inputsHash = setup.inputsHash(objective: params.objective.rawValue, mode: params.mode)
        }
    }

    private static func explainSetup(_ engine: Engine, _ run: PairingRunRow) throws(IHubError) -> ExplainCache {
        let stamp = try engine.db.changeStamp()
        if let c = engine.explainCache, c.run == run.id, c.stamp == stamp { return c }
        engine.explainCache = nil  // the old setup's memory first
        let params = try Params(engine.db, run.params)
        let setup = try PolicySetup(engine, hubCode: run.hub, round: run.round, level: run.level, otherRounds: params.rounds,
                                    pins: params.pins, bans: params.bans, excludingRun: run.id)
        setup.policy.releaseRecords()  // explain scores pair by pair; the tables would only hold memory
        let c = ExplainCache(run: run.id, stamp: stamp, setup: setup, params: params)
        engine.explainCache = c
        return c
    }

    /// A pair's criteria, or why it is not in the run: what it would have
    /// scored and the constraint or better alternative that ruled it out.
    static func explain(_ engine: Engine, run id: Int64, mentee: String, mentor: String) throws(IHubError) -> JSON {
        let db = engine.db
        let run = try row(db, id: id, at: "params.run")
        let cached = try explainSetup(engine, run)
        let setup = cached.setup
        guard let i = setup.data.index[mentee] else { throw IHubError.notFound("params.mentee: no \(run.level.rawValue) \(IHubError.quoted(mentee)) in round \(run.round)") }
        guard let j = setup.data.index[mentor] else { throw IHubError.notFound("params.mentor: no \(run.level.rawValue) \(IHubError.quoted(mentor)) in round \(run.round)") }
        var notes: [JSON] = []
        if setup.policy.hash != run.policyHash {
            notes.append(.string("the policy changed since run #\(id) (\(run.policyHash) then, \(setup.policy.hash) now): figures are today's"))
        }
        if cached.inputsHash != run.inputsHash {
            notes.append(.string("the records or constraints changed since run #\(id): figures are today's"))
        }
        let records = setup.data.records
        let detail = try setup.policy.explain(mentee: records[i].json, mentor: records[j].json)
        let pairs = try db.pairing.runPairs(run: id)
        let inRun = pairs.first { $0.mentee == mentee && $0.mentor == mentor }
        func list(_ rows: [RunPair]) -> JSON {
            .array(rows.map { ["mentee": .string($0.mentee), "mentor": .string($0.mentor), "score": .double($0.score)] })
        }
        let menteePairs = pairs.filter { $0.mentee == mentee }, mentorPairs = pairs.filter { $0.mentor == mentor }
        // A pinned pair is in the run by the coordinator's word, at the score
        // the run stored (0 when the policy alone would exclude it).
        let pinned = inRun?.pinned == true
        var doc: [JSON.Member] = [.init("run", .int(id)), .init("mentee", .string(mentee)), .init("mentor", .string(mentor)),
                                  .init("paired", .bool(inRun != nil)), .init("pinned", .bool(pinned)),
                                  .init("score", pinned ? .double(inRun!.score) : detail.total.map(JSON.double) ?? .null),
                                  .init("criteria", detail.criteria)]
        if pinned {
            notes.insert(.string("pinned by the coordinator" + (detail.total == nil ? "; the policy alone would exclude it: \(detail.excluded ?? "score returned nil")" : "")), at: 0)
        } else if inRun == nil {
            let reason = try ruledOut(setup, run, i, j, detail: detail, menteePairs: menteePairs, mentorPairs: mentorPairs,
                                      reverseInRun: pairs.contains { $0.mentee == mentor && $0.mentor == mentee })
            doc.append(.init("ruled_out_by", ["kind": .string(reason.kind), "reason": .string(reason.text)]))
        }
        doc += [.init("mentee_pairs", list(menteePairs)), .init("mentor_pairs", list(mentorPairs)), .init("notes", .array(notes))]
        return .object(doc)
    }

    /// Why mentee i with mentor j is not in the run, in the order the run
    /// applied its rules.
    private static func ruledOut(_ setup: PolicySetup, _ run: PairingRunRow, _ i: Int, _ j: Int,
                                 detail: (total: Double?, excluded: String?, criteria: JSON),
                                 menteePairs: [RunPair], mentorPairs: [RunPair],
                                 reverseInRun: Bool) throws(IHubError) -> (kind: String, text: String) {
        let roles = setup.policy.roles, records = setup.data.records
        let mentee = records[i].code, mentor = records[j].code
        let capacity = run.capacity["mentor_max"]?.int ?? 1
        if setup.pins.contains(where: { $0.mentee == mentee }) && menteePairs.count >= Int(run.capacity["mentee_max"]?.int ?? 1) {
            return ("pin", "\(mentee) is pinned to \(menteePairs.map(\.mentor).joined(separator: ", "))")
        }
        if !roles[i].mentee {
            return ("eligibility", "\(mentee) is not a mentee: \(roles[i].role.map { "the policy makes it a \($0)" } ?? roles[i].reason ?? "not eligible")")
        }
        if !roles[j].mentor {
            return ("eligibility", "\(mentor) is not a mentor: \(roles[j].role.map { "the policy makes it a \($0)" } ?? roles[j].reason ?? "not eligible")")
        }
        if i == j { return ("blocking", "a \(run.level.rawValue) cannot mentor itself") }
        if let why = setup.blocked(i, j) {
            let kind = why == "banned" ? "ban" : why.hasPrefix("already paired") ? "history" : why.hasPrefix("the reverse pair") ? "mutual" : "blocking"
            return (kind, why)
        }
        guard let score = detail.total else { return ("policy", "excluded by the policy: \(detail.excluded ?? "score returned nil")") }
        if reverseInRun { return ("mutual", "\(mentee) mentors \(mentor) in this run; they cannot mentor each other") }
        if roles[j].mentee && roles[i].mentor && setup.blocked(j, i) == nil,
           let back = try setup.policy.explain(mentee: records[j].json, mentor: records[i].json).total,
           !keepsDirection(score, over: back, mentee: mentee, mentor: mentor)
        {
            return ("mutual", "the reverse pair (\(mentee) mentoring \(mentor)) fits better, \(Decimal2.text(back)) against \(Decimal2.text(score)); they cannot mentor each other")
        }
        var parts: [String] = []
        if let best = menteePairs.first {
            parts.append("\(mentee) was paired with \(best.mentor) (score \(Decimal2.text(best.score)) against \(Decimal2.text(score)))")
        }
        if mentorPairs.count >= capacity {
            let who = mentorPairs.map { "\($0.mentee) (\(Decimal2.text($0.score)))" }.joined(separator: ", ")
            parts.append("\(mentor) was at its capacity of \(capacity) with \(who)")
        }
        if parts.isEmpty { parts.append("the chosen pairs give a better \(run.objective) objective than any set including this pair") }
        return ("alternative", parts.joined(separator: "; "))
    }

    /// What changed from run a to run b: pairs added, removed, rescored;
    /// people newly unmatched or matched; the totals.
    static func diff(_ db: Database, _ a: Int64, _ b: Int64) throws(IHubError) -> JSON {
        let ra = try row(db, id: a, at: "params.from"), rb = try row(db, id: b, at: "params.to")
        let pa = try db.pairing.runPairs(run: a), pb = try db.pairing.runPairs(run: b)
        let ka = Dictionary(pa.map { ("\($0.mentee)\u{0}\($0.mentor)", $0) }, uniquingKeysWith: { x, _ in x })
        let kb = Dictionary(pb.map { ("\($0.mentee)\u{0}\($0.mentor)", $0) }, uniquingKeysWith: { x, _ in x })
        func pair(_ p: RunPair) -> JSON {
            ["mentee": .string(p.mentee), "mentor": .string(p.mentor), "score": .double(p.score)]
        }
        var changed: [JSON] = []
        for p in pb { if let old = ka["\(p.mentee)\u{0}\(p.mentor)"], old.score != p.score {
            changed.append(["mentee": .string(p.mentee), "mentor": .string(p.mentor), "from": .double(old.score), "to": .double(p.score)])
        } }
        let ua = Set(try db.pairing.runUnmatched(run: a).map(\.code)), ub = try db.pairing.runUnmatched(run: b)
        let ta = ra.total, tb = rb.total
        return ["from": .int(a), "to": .int(b), "same_policy": .bool(ra.policyHash == rb.policyHash),
                "same_inputs": .bool(ra.inputsHash == rb.inputsHash),
                "added": .array(pb.filter { ka["\($0.mentee)\u{0}\($0.mentor)"] == nil }.map(pair)),
                "removed": .array(pa.filter { kb["\($0.mentee)\u{0}\($0.mentor)"] == nil }.map(pair)),
                "rescored": .array(changed),
                "newly_unmatched": .array(ub.filter { !ua.contains($0.code) }.map { ["code": .string($0.code), "side": .string($0.side), "reason": .string($0.reason)] }),
                "newly_matched": .array(ua.subtracting(ub.map(\.code)).sorted().map(JSON.string)),
                "total": ["from": .double(ta), "to": .double(tb), "change": .double(tb - ta)]]
    }

    /// Applies a run's pairs as mentorships of its round, inside the
    /// caller's transaction. Loads are counted here, against what is
    /// confirmed now: two confirmations cannot overload a mentor together.
    static func confirm(_ db: Database, run id: Int64, start: String) throws(IHubError) -> JSON {
        // The hub's row lock first: the checks below read what other
        // confirmations of the hub have committed by then.
        guard let hubID = try db.pairing.runHubID(id: id) else { throw IHubError.notFound("params.run: no pairing run #\(id)") }
        try db.lockForUpdate(.hub, id: hubID)
        let run = try row(db, id: id, at: "params.run")
        if let at = run.confirmedAt { throw IHubError(.conflict, "params.run: pairing run #\(id) was confirmed already, at \(at)") }
        let level = run.level
        let mentorMax = Int(run.capacity["mentor_max"]?.int ?? 1), menteeMax = Int(run.capacity["mentee_max"]?.int ?? 1)
        // The run names its records by code; each is looked up once.
        var records = LookupCache(level == .school ? .school : .person)
        var added = 0, kept = 0
        for p in try db.pairing.runPairs(run: id) {
            let mentee = try records.require(db, code: p.mentee, at: "pairing.confirm: run #\(id) mentee")
            let mentor = try records.require(db, code: p.mentor, at: "pairing.confirm: run #\(id) mentor")
            if try db.pairing.openMentorshipExists(roundID: run.roundID, level: level, mentee: mentee, mentor: mentor) { kept += 1; continue }
            // Mutual mentoring: the reverse pair confirmed by now (by another
            // run, or earlier in this one).
            if try db.pairing.openMentorshipExists(roundID: run.roundID, level: level, mentee: mentor, mentor: mentee) {
                throw IHubError(.constraint, "pairing.confirm: \(IHubError.quoted(p.mentor)) would mentor \(IHubError.quoted(p.mentee)), but \(IHubError.quoted(p.mentee)) already mentors \(IHubError.quoted(p.mentor)) in round \(IHubError.excerpt(run.round)); mutual mentoring is refused: nothing was applied")
            }
            // The count sees this run's pairs inserted so far and any other
            // confirmation committed before our write lock (BEGIN IMMEDIATE
            // on SQLite, the hub's row lock on PostgreSQL).
            let load = try db.pairing.mentorLoad(roundID: run.roundID, level: level, mentor: mentor)
            if load + 1 > mentorMax {
                throw IHubError(.constraint, "pairing.confirm: mentor \(IHubError.quoted(p.mentor)) would have \(load + 1) mentees in round \(IHubError.excerpt(run.round)), over its maximum of \(mentorMax): nothing was applied")
            }
            let got = try db.pairing.menteeLoad(roundID: run.roundID, level: level, mentee: mentee)
            if got + 1 > menteeMax {
                throw IHubError(.constraint, "pairing.confirm: mentee \(IHubError.quoted(p.mentee)) would have \(got + 1) mentors in round \(IHubError.excerpt(run.round)), over its maximum of \(menteeMax): nothing was applied")
            }
            try db.pairing.addMentorship(hubID: run.hubID, roundID: run.roundID, level: level, mentee: mentee, mentor: mentor,
                                         run: id, score: p.score, start: start)
            added += 1
        }
        try db.pairing.markConfirmed(run: id)
        return ["run": .int(id), "round": .string(run.round), "level": .string(level.rawValue), "added": .int(Int64(added)),
                "already_confirmed": .int(Int64(kept))]
    }
}
