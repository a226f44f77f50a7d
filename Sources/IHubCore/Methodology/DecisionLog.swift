/// The kinds of decision the engine takes for users.
enum DecisionKind: String, CaseIterable, Sendable {
    case pairing, classification
    case transitionRefused = "transition_refused"
    case insight
}

/// Recording the decision log: each decision in the transaction that takes
/// it (a refused transition after it, since its error rolls that back), with
/// the inputs' hash, the methodology label (MethodologyLoad.label) and the
/// reason in words.
///
/// Personal data: records are named by id only, in `subject_id` and in
/// detail members whose key is `school`/`person` or ends in `_school`/
/// `_person` — codes and names are looked up when the log is read, so an
/// erased person reads as their erased code. Reasons are written without
/// codes or names where the engine writes them; what a script or policy
/// wrote (reasons, criteria) is free text that person.erase scrubs.
enum DecisionLog {
    // MARK: pairing

    /// The most pairs whose criteria a run's record keeps (each costs the
    /// policy one explain); pairing.explain gives the others.
    static let criteriaLimit = 200

    /// A pairing run (pairing.propose): its counts in words, and per pair
    /// the ids, score and the policy's criteria; the unmatched with reasons.
    static func pairingRun(_ engine: Engine, run id: Int64, setup: PolicySetup, params: PairingWorkflow.Params,
                           outcome: PairingWorkflow.Outcome, inputsHash: String) throws(IHubError) {
        let db = engine.db
        let records = setup.data.records, index = setup.data.index
        let key = params.level == .school ? "school" : "person"
        func ref(_ code: String) -> JSON { index[code].map { .int(records[$0].id) } ?? .null }
        var pairs: [JSON] = []
        var explained = 0
        for p in outcome.pairs {
            var m: [JSON.Member] = [.init("mentee_\(key)", ref(p.mentee)), .init("mentor_\(key)", ref(p.mentor)),
                                    .init("score", .double(p.score)), .init("pinned", .bool(p.pinned))]
            if explained < criteriaLimit, let i = index[p.mentee], let j = index[p.mentor] {
                explained += 1
                do {
                    let e = try setup.policy.explain(mentee: records[i].json, mentor: records[j].json)
                    m.append(.init("criteria", e.criteria))
                    if let why = e.excluded { m.append(.init("policy_reason", .string(why))) }
                } catch {
                    // The run stands on its scores; its record says what explain could not.
                    m.append(.init("criteria_error", .string(error.message)))
                }
            }
            pairs.append(.object(m))
        }
        let unmatched: [JSON] = outcome.unmatched.map { u in
            [key: ref(u.code), "side": .string(u.side), "reason": .string(u.reason)]
        }
        let sides = (mentees: outcome.unmatched.filter { $0.side == "mentee" }.count,
                     mentors: outcome.unmatched.filter { $0.side == "mentor" }.count)
        var reason = "run #\(id) (\(params.level.rawValue) level, \(params.objective.rawValue), \(params.mode)): "
            + "\(outcome.pairs.count) pair(s) from \(outcome.candidates) candidate pair(s), total score \(Decimal2.text(outcome.total))"
        if !outcome.unmatched.isEmpty {
            reason += "; \(outcome.unmatched.count) unmatched (\(sides.mentees) mentee(s), \(sides.mentors) mentor(s), "
                + "\(outcome.unmatched.count - sides.mentees - sides.mentors) not eligible)"
        }
        if !params.pins.isEmpty || !params.bans.isEmpty { reason += "; \(params.pins.count) pin(s), \(params.bans.count) ban(s)" }
        let detail: JSON = [
            "run": .int(id), "round": .string(setup.round.code), "level": .string(params.level.rawValue),
            "objective": .string(params.objective.rawValue), "mode": .string(params.mode), "policy_hash": .string(setup.policy.hash),
            "total": .double(outcome.total), "candidates": .int(Int64(outcome.candidates)),
            "pins": .int(Int64(params.pins.count)), "bans": .int(Int64(params.bans.count)), "rerun": params.rerun.map { .int($0) } ?? .null,
            "criteria_kept": .int(Int64(explained)), "pairs": .array(pairs), "unmatched": .array(unmatched),
        ]
        let hubID = setup.round.hubID
        try db.decisions.insert(NewDecision(hubID: hubID, kind: .pairing, subjectKind: "run", subjectID: id, refID: id,
                                            inputsHash: inputsHash, methodology: try MethodologyLoad.label(db, hubID: hubID),
                                            reason: reason, detail: detail))
    }

    // MARK: classification

    /// The classifications of one classification.run: one decision per
    /// subject, classified or left unclassified, with the reasons as stored.
    struct Classifications {
        let db: Database
        let hubID: Int64
        let round: RoundRef
        let rule: String
        let methodology: String
        let thresholds: JSON

        init(_ db: Database, hubID: Int64, round: RoundRef, rule: String, thresholds: JSON?) throws(IHubError) {
            self.db = db
            self.hubID = hubID
            self.round = round
            self.rule = rule
            self.thresholds = thresholds ?? .null
            methodology = try MethodologyLoad.label(db, hubID: hubID)
        }

        func record(_ subject: Classification.Subject, _ verdict: Classification.Verdict, inputsHash: String) throws(IHubError) {
            let by = rule == "default" ? "the default rule" : "the hub's classify script (\(rule))"
            let said = verdict.reasons.isEmpty ? "no reason given" : verdict.reasons.joined(separator: "; ")
            let reason = verdict.cls.map { "\($0) by \(by): \(said)" } ?? "left unclassified by \(by): \(said)"
            let (kind, id) = subject.schoolID.map { ("school", $0) } ?? ("person", subject.personID ?? 0)
            let detail: JSON = [
                kind: .int(id), "round": .string(round.code), "class": verdict.cls.map(JSON.string) ?? .null,
                "reasons": .array(verdict.reasons.map(JSON.string)), "rule": .string(rule), "thresholds": thresholds,
            ]
            try db.decisions.insert(NewDecision(hubID: hubID, kind: .classification, subjectKind: kind, subjectID: id, refID: nil,
                                                inputsHash: inputsHash, methodology: methodology, reason: reason, detail: detail))
        }
    }

    // MARK: refused transitions

    /// A move the process model refused. The refusal is an error that rolls
    /// back the caller's transaction, so the record is written after it ends
    /// (Database.afterTransaction). `persists`: whether the instance outlives
    /// the refusal (a move), or goes with it (process.start with `at`).
    static func refusal(_ db: Database, _ x: ProcessInstanceRow, instance: JSON, to: String, byID: Int64?, model: String,
                        modelHash: String, reason: String, persists: Bool) throws(IHubError) {
        let methodology = try MethodologyLoad.label(db, hubID: x.hubID)
        let subject: (String, Int64?) = x.subject == "mentorship" ? ("mentorship", x.mentorshipID) : ("school", x.schoolID)
        let inputs = JSON.array([instance, JSON(x.step), .string(to), .string(modelHash)])
        let what = persists ? "process #\(x.id)" : "the first move of a new process"
        let decision = NewDecision(
            hubID: x.hubID, kind: .transitionRefused, subjectKind: subject.0, subjectID: subject.1, refID: persists ? x.id : nil,
            inputsHash: FNV1a.hex(inputs.serialized()), methodology: methodology,
            reason: "\(model) refused \(what) (\(x.subject)) from \(x.step.map { "'\($0)'" } ?? "no step") to '\(to)': \(reason)",
            detail: ["process": persists ? .int(x.id) : .null, "process_subject": .string(x.subject), "from": JSON(x.step),
                     "to": .string(to), "cycle": .int(x.cycle), "model": .string(model), "model_hash": .string(modelHash),
                     "by_person": byID.map { .int($0) } ?? .null, "refusal": .string(reason)])
        try db.afterTransaction { (db: Database) throws(IHubError) in try db.decisions.insert(decision) }
    }

    // MARK: insights

    /// An insight raised anew (insight.generate): its rule, severity, role
    /// and the indicator value it rests on; the reason is the insight's.
    static func insight(_ db: Database, hubID: Int64, id: Int64, _ d: InsightDraft, window: Window,
                        methodology: String) throws(IHubError) {
        let kind = d.level == "instance" ? "process" : d.level
        let inputs = JSON.array([.string(d.rule), .string(d.source), JSON(d.indicator), JSON(d.value), .string(d.level),
                                 JSON(d.subjectID), JSON(d.part), .string(window.kind.rawValue), .string(window.fromText),
                                 .string(window.toText)])
        var detail: [JSON.Member] = [
            .init("insight", .int(id)), .init("rule", .string(d.rule)), .init("source", .string(d.source)),
            .init("severity", .string(d.severity.rawValue)), .init("role", .string(d.role.rawValue)),
            .init("level", .string(d.level)), .init("indicator", JSON(d.indicator)), .init("value", JSON(d.value)),
            .init("part", JSON(d.part)), .init("title", .string(d.title)), .init("action", .string(d.action)),
            .init("window", .string(Window.label(kind: window.kind.rawValue, from: window.fromText, to: window.toText))),
        ]
        // A person or school subject is named by id under its kind, as every reference of the log.
        if (kind == "person" || kind == "school"), let s = d.subjectID { detail.append(.init(kind, .int(s))) }
        try db.decisions.insert(NewDecision(hubID: hubID, kind: .insight, subjectKind: kind, subjectID: kind == "hub" ? hubID : d.subjectID,
                                            refID: id, inputsHash: FNV1a.hex(inputs.serialized()), methodology: methodology,
                                            reason: d.reason, detail: .object(detail)))
    }
}

extension DecisionLog {
    /// person.erase: the person's words (code, name, e-mail) in the string
    /// values of the hub's decision details replaced by the erased code —
    /// value by value, so that the JSON stays JSON whatever the code (a
    /// number, a key's spelling). Returns the decisions changed.
    static func scrub(_ db: Database, hubID: Int64, _ who: PersonIdentity) throws(IHubError) -> Int64 {
        let column = PrivacyStore.TextColumn(table: "decisions", column: "detail", hub: PrivacyStore.inHub)
        var n: Int64 = 0
        for row in try db.privacy.texts(column, hubID: hubID, patterns: who.patterns) {
            let detail = try db.storedJSON(row.text, at: "decisions.detail of decision \(row.id)")
            var changed = false
            let scrubbed = scrubbed(detail, who, &changed)
            guard changed else { continue }
            try db.privacy.setText(column, id: row.id, scrubbed.serialized())
            n += 1
        }
        return n
    }

    private static func scrubbed(_ v: JSON, _ who: PersonIdentity, _ changed: inout Bool) -> JSON {
        switch v {
        case .string(let s):
            guard let out = who.scrub(s) else { return v }
            changed = true
            return .string(out)
        case .array(let items):
            return .array(items.map { scrubbed($0, who, &changed) })
        case .object(let members):
            return .object(members.map { JSON.Member($0.key, scrubbed($0.value, who, &changed)) })
        default:
            return v
        }
    }
}
