/// decision.why: the decision log read as answers — "why is school X
/// beginning?", "why is T paired with M?" — in lines of prose, with the
/// decisions behind them. Codes and names are today's (an erased person
/// reads as the erased code).
enum DecisionWhy {
    static func answer(_ engine: Engine, _ p: JSON) throws(IHubError) -> JSON {
        func has(_ k: String) -> Bool { p[k].map { !$0.isNull } ?? false }
        let asked = ["school", "person", "mentee", "decision"].filter(has)
        guard asked.count == 1, has("mentee") == has("mentor") else {
            throw IHubError.invalid("params: ask about one of school, person, mentee with mentor, or decision")
        }
        if has("round") && !(has("school") || has("person")) { throw IHubError.invalid("params.round: give it with school or person") }
        if has("run") && !has("mentee") { throw IHubError.invalid("params.run: give it with mentee and mentor") }
        switch asked[0] {
        case "school": return try subject(engine, .school, code: p["school"]!.string!, round: p["round"]?.string)
        case "person": return try subject(engine, .person, code: p["person"]!.string!, round: p["round"]?.string)
        case "mentee": return try pair(engine, mentee: p["mentee"]!.string!, mentor: p["mentor"]!.string!, run: p["run"]?.int)
        default: return try decision(engine.db, id: p["decision"]!.int!)
        }
    }

    /// "decision #12, 2026-12-02T08:00:00Z; methodology default; inputs 1f…"
    static func provenance(_ d: JSON) -> String {
        "decision #\(d["id"]?.int ?? 0), \(d["created_at"]?.string ?? ""); methodology \(d["methodology"]?.string ?? ""); "
            + "inputs \(d["inputs_hash"]?.string ?? "")"
    }

    private static func result(_ question: String, _ lines: [String], _ decisions: [JSON]) -> JSON {
        ["question": .string(question), "answer": .array(lines.map(JSON.string)), "decisions": .array(decisions)]
    }

    /// A record as prose: "school 'S1' (Tartu School)".
    private static func named(_ kind: RecordKind, _ ref: JSON?) -> String {
        let code = ref?["code"]?.string ?? ref?["id"]?.int.map { "#\($0)" } ?? "?"
        let name = ref?["name"]?.string
        let noun = kind == .school ? "school " : ""
        return noun + IHubError.quoted(code) + (name.map { $0 == code ? "" : " (\($0))" } ?? "")
    }

    // MARK: a school or a person

    private static func subject(_ engine: Engine, _ kind: RecordKind, code: String, round: String?) throws(IHubError) -> JSON {
        let db = engine.db
        let path = "params.\(kind.rawValue)"
        guard let record = try db.recordInHub(kind, code: code) else { throw kind.notFound(code: code, at: path) }
        if let round {
            let r = try RoundRef.resolve(db, code: round, at: "params.round")
            guard r.hubID == record.hubID else {
                throw IHubError.invalid("params.round: round \(IHubError.quoted(r.code)) is of hub \(r.hubCode), not of \(IHubError.quoted(code))'s")
            }
        }
        var names = DecisionNames(db)
        let me = try names.name(kind, record.id)
        let who = named(kind, ["code": JSON(me?.code), "name": JSON(me?.name)])
        let key = kind == .school ? "school" : "person"
        var lines: [String] = [], used: [JSON] = []
        var question = "why is \(who) where it is?"
        // The latest classification, of the round if one is named.
        let classified = try db.decisions.list(DecisionFilter(hubID: record.hubID, kind: DecisionKind.classification.rawValue,
                                                              subjectKind: key, subjectID: record.id))
        var found: JSON?
        for row in classified {
            let d = try DecisionMethods.json(row, &names)
            if round == nil || d["detail"]?["round"]?.string == round { found = d; break }
        }
        if let d = found {
            let cls = d["detail"]?["class"]?.string
            question = "why is \(who) \(cls ?? "unclassified")?"
            lines.append("\(who) in round \(d["detail"]?["round"]?.string ?? "?"): \(d["reason"]?.string ?? "")")
            lines.append(provenance(d))
            used.append(d)
        } else {
            lines.append("no classification of \(who) is recorded\(round.map { " in round \($0)" } ?? "") (classification.run records them)")
        }
        // How the latest pairing run that saw it paired it.
        let level = kind == .school ? "school" : "teacher"
        if let row = try db.decisions.pairingDecisions(hubID: record.hubID, level: level, involving: me?.code ?? code, limit: 1).first {
            let d = try DecisionMethods.json(row, &names)
            lines += pairing(d, id: record.id, key: key, who: who, kind: kind)
            used.append(d)
        }
        // Its latest refused moves and insights.
        for k in [DecisionKind.transitionRefused, .insight] {
            for row in try db.decisions.list(DecisionFilter(hubID: record.hubID, kind: k.rawValue, subjectKind: key, subjectID: record.id,
                                                            limit: 3)) {
                let d = try DecisionMethods.json(row, &names)
                lines.append("\(k == .insight ? "insight" : "refused move") (decision #\(row.id), \(row.createdAt)): \(row.reason)")
                used.append(d)
            }
        }
        return result(question, lines, used)
    }

    /// The record's place in a run: its mentors, its mentees, or why unmatched.
    private static func pairing(_ d: JSON, id: Int64, key: String, who: String, kind: RecordKind) -> [String] {
        let detail = d["detail"]
        let run = "pairing run #\(detail?["run"]?.int ?? 0) (round \(detail?["round"]?.string ?? "?"))"
        var lines: [String] = []
        let pairs = detail?["pairs"]?.array ?? []
        let mentors = pairs.filter { $0["mentee_\(key)"]?["id"]?.int == id }
        let mentees = pairs.filter { $0["mentor_\(key)"]?["id"]?.int == id }
        for p in mentors {
            lines.append("\(run): \(who) is mentored by \(named(kind, p["mentor_\(key)"])), score \(Decimal2.text(p["score"]?.double ?? 0))"
                         + (p["pinned"]?.bool == true ? " (pinned)" : ""))
        }
        if !mentees.isEmpty {
            let list = mentees.map { "\(named(kind, $0["mentee_\(key)"])) (\(Decimal2.text($0["score"]?.double ?? 0)))" }
            lines.append("\(run): \(who) mentors \(list.joined(separator: ", "))")
        }
        for u in detail?["unmatched"]?.array ?? [] where u[key]?["id"]?.int == id {
            lines.append("\(run): \(who) is unmatched (\(u["side"]?.string ?? "")): \(u["reason"]?.string ?? "")")
        }
        if lines.isEmpty { lines.append("\(run) does not list \(who)") }
        lines.append(provenance(d))
        return lines
    }

    // MARK: a pair

    private static func pair(_ engine: Engine, mentee: String, mentor: String, run: Int64?) throws(IHubError) -> JSON {
        let db = engine.db
        var kind = RecordKind.school
        var a = try db.recordInHub(.school, code: mentee)
        if a == nil { kind = .person; a = try db.recordInHub(.person, code: mentee) }
        guard let a else { throw IHubError.notFound("params.mentee: no school or person with code \(IHubError.quoted(mentee))") }
        guard let b = try db.recordInHub(kind, code: mentor) else { throw kind.notFound(code: mentor, at: "params.mentor") }
        let level = kind == .school ? "school" : "teacher", key = kind == .school ? "school" : "person"
        var names = DecisionNames(db)
        let m = try names.name(kind, a.id), n = try names.name(kind, b.id)
        let whoA = named(kind, ["code": JSON(m?.code), "name": JSON(m?.name)])
        let whoB = named(kind, ["code": JSON(n?.code), "name": JSON(n?.name)])
        let question = "why is \(whoA) paired with \(whoB)?"
        var rows: [DecisionRow] = []
        for hub in Set([a.hubID, b.hubID]).sorted() {
            rows += try db.decisions.pairingDecisions(hubID: hub, level: level, mentee: m?.code ?? mentee, mentor: n?.code ?? mentor)
        }
        rows.sort { $0.id > $1.id }
        if let run { rows = rows.filter { $0.refID == run } }
        if let row = rows.first {
            let d = try DecisionMethods.json(row, &names)
            let detail = d["detail"]
            let entry = (detail?["pairs"]?.array ?? []).first {
                $0["mentee_\(key)"]?["id"]?.int == a.id && $0["mentor_\(key)"]?["id"]?.int == b.id
            }
            var lines = ["\(whoA) is paired with mentor \(whoB) in pairing run #\(row.refID ?? 0) (round \(detail?["round"]?.string ?? "?"), "
                         + "\(level) level, \(detail?["objective"]?.string ?? "")): score \(Decimal2.text(entry?["score"]?.double ?? 0))"
                         + (entry?["pinned"]?.bool == true ? ", pinned by the coordinator" : "")]
            lines += criteria(entry?["criteria"])
            if entry?["criteria"] == nil {
                lines.append(entry?["criteria_error"]?.string.map { "its criteria could not be read: \($0)" }
                             ?? "its criteria were not kept (a run keeps those of its first \(DecisionLog.criteriaLimit) pairs): pairing.explain gives them")
            }
            lines.append("the run: \(row.reason)")
            lines.append("policy \(detail?["policy_hash"]?.string ?? ""); " + provenance(d))
            return result(question, lines, [d])
        }
        // Not paired: the latest run that saw the mentee says why not.
        var seen: [DecisionRow] = []
        for hub in Set([a.hubID, b.hubID]).sorted() {
            seen += try db.decisions.pairingDecisions(hubID: hub, level: level, involving: m?.code ?? mentee, limit: 1)
        }
        if let run { seen = try db.decisions.list(DecisionFilter(hubID: a.hubID, kind: "pairing", subjectKind: "run", subjectID: run)) }
        guard let row = seen.max(by: { $0.id < $1.id }), let runID = row.refID else {
            throw IHubError.notFound("params.mentee: no pairing run \(run.map { "#\($0) " } ?? "")of \(IHubError.quoted(m?.code ?? mentee))'s hub saw it at the \(level) level")
        }
        let e = try PairingWorkflow.explain(engine, run: runID, mentee: m?.code ?? mentee, mentor: n?.code ?? mentor)
        let d = try DecisionMethods.json(row, &names)
        var lines = ["\(whoA) is not paired with mentor \(whoB) in pairing run #\(runID)"
                     + (e["score"]?.double.map { " (the pair would score \(Decimal2.text($0)))" } ?? "")
                     + ": \(e["ruled_out_by"]?["kind"]?.string ?? "") — \(e["ruled_out_by"]?["reason"]?.string ?? "")"]
        lines += criteria(e["criteria"])
        for note in e["notes"]?.array ?? [] { if let s = note.string { lines.append("note: \(s)") } }
        lines.append("the run: \(row.reason)")
        lines.append(provenance(d))
        return result("why is \(whoA) not paired with \(whoB)?", lines, [d])
    }

    /// "  fit 0.50 × 1 = 0.50": a policy's criteria, one line each.
    private static func criteria(_ list: JSON?) -> [String] {
        (list?.array ?? []).map { c in
            let v = c["value"]?.double ?? 0, w = c["weight"]?.double ?? 0, x = c["contribution"]?.double ?? 0
            return "  \(c["criterion"]?.string ?? "?") \(Decimal2.text(v)) × \(Decimal2.text(w)) = \(Decimal2.text(x))"
        }
    }

    // MARK: one decision

    private static func decision(_ db: Database, id: Int64) throws(IHubError) -> JSON {
        let d = try DecisionMethods.get(db, id: id)
        let s = d["subject"]
        let about = s?["code"]?.string.map { "\(s?["kind"]?.string ?? "") \(IHubError.quoted($0))" }
            ?? "\(s?["kind"]?.string ?? "") #\(s?["id"]?.int ?? 0)"
        var lines = ["\(d["kind"]?.string ?? "") about \(about): \(d["reason"]?.string ?? "")", provenance(d)]
        let v = d["methodology_version"]
        let files = (v?["files"]?.array ?? v?["scripts"]?.array ?? []).compactMap(\.string)
        if !files.isEmpty { lines.append("methodology files: \(files.joined(separator: ", "))") }
        if let at = v?["loaded_at"]?.string { lines.append("version loaded at \(at)" + (v?["note"]?.string.map { ": \($0)" } ?? "")) }
        return result("why decision #\(id)?", lines, [d])
    }
}
