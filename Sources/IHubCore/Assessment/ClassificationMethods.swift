/// classification.run and classification.list: the maturity classes of a
/// round, by the default rule or the hub's "classify" script.
enum ClassificationMethods {
    static let all: [Method] = [
        Method("classification.run", """
            Classify a hub's schools or teachers in a round (advanced / developing / beginning by default: schools by \
            the selfie overall of teachers and leaders, teachers by their digcompedu level), or by the hub's "classify" \
            script; replaces the round's classes of that subject. The script's classify(subject, assessments) gets \
            subject = {kind, code, name, hub, ...} and assessments = the subject's scores in the round by instrument code \
            (schools: {groups = {leaders|teachers|students = {responses, reported?, overall, areas}}, staff = leaders and teachers}, \
            each figure {mean, sd, n}; teachers: their latest response's overall, level, areas and items) and returns a \
            class and a list of reasons, or nil to leave the subject unclassified (a third argument, ctx = {round, k, \
            thresholds = {advanced, developing}, areas = the instrument's {code, name} in order, levels (teachers)}, is \
            what the default rule, scripts/methodology/default/rules.lua, reads beside them); anything else (a function, NaN, a \
            non-string class...) is a script error naming the subject, and nothing is stored.
            """,
               writes: true,
               params: [.required("hub", .string, "code of the hub"),
                        .required("round", .string, "code of one of the hub's rounds"),
                        .required("subject", .oneOf(["school", "teacher"]), "classify schools or teachers"),
                        .optional("thresholds", .object(Classification.Thresholds.fields), "the default rule's thresholds")],
               result: .object([
                   .required("hub", .string, "code of the hub"),
                   .required("round", .string, "code of the round"),
                   .required("subject", .oneOf(["school", "teacher"]), "what was classified"),
                   .required("rule", .string, "\"default\", or \"script:\" and the hash of the hub's classify script"),
                   .required("classified", .integer, "subjects given a class"),
                   .required("classes", .map(.integer), "class → how many subjects have it (the default rule lists all three)"),
                   .required("skipped", .array(.object([
                       .required("code", .string, "code of the school or teacher"),
                       .required("reasons", .array(.string), "why it was left unclassified"),
                   ])), "subjects left unclassified"),
               ]),
               example: ["hub": "EE-ACC", "round": "EE-ACC-R2", "subject": "school"],
               errors: [.notFound("no hub or round has the code given"),
                        .invalid("the round belongs to another hub; a threshold is off the selfie scale or not a digcompedu level, or advanced is not above developing"),
                        .script("the hub's classify script (or the default rule) fails, or returns something that is not a class and reasons; nothing is stored"),
                        .limit("the classify script runs out of its time or memory budget")]) { engine, p throws(IHubError) in
            let db = engine.db
            let hubCode = p["hub"]!.string!
            let hubID = try db.requireID(.hub, code: hubCode, at: "params.hub")
            let round = try RoundRef.resolve(db, code: p["round"]!.string!, at: "params.round")
            guard round.hubID == hubID else {
                throw IHubError.invalid("params.round: round \(IHubError.quoted(round.code)) belongs to hub \(round.hubCode), not \(hubCode)")
            }
            let kind = Classification.Kind(rawValue: p["subject"]!.string!)!
            let digcompedu = kind == .teacher ? try Instrument.load(db, code: "digcompedu", at: "instrument") : nil
            let thresholds = try readThresholds(db, p["thresholds"], kind, digcompedu)
            let c = try Classification.gather(engine, kind: kind, round: round)

            let verdicts: [Classification.Verdict]
            let rule: String
            if let script = try HubScriptMethods.load(db, hubID: hubID, name: "classify") {
                rule = "script:\(script.hash)"
                verdicts = try ClassificationScript.run(engine, script.source, chunkname: "\(hubCode)/classify", c,
                                                        context: c.defaultContext(thresholds, digcompedu))
            } else {
                rule = "default"
                verdicts = try ClassificationScript.run(engine, Classification.defaultRule, chunkname: "default/rules.lua", c,
                                                        context: c.defaultContext(thresholds, digcompedu))
            }

            // Every verdict is known before anything is written: a failing
            // script stores nothing, and the old classes stay.
            try db.assessment.deleteClassifications(roundID: round.id, schools: kind == .school)
            let log = try DecisionLog.Classifications(db, hubID: hubID, round: round, rule: rule, thresholds: p["thresholds"])
            // The default rule's classes are always listed, a script's as they come.
            var counts: [(String, Int)] = rule == "default" ? Classification.classes.map { ($0, 0) } : []
            var skipped: [JSON] = []
            for (subject, verdict) in zip(c.subjects, verdicts) {
                let reasons = JSON.array(verdict.reasons.map { .string($0) })
                // Same inputs and same rule give the same class: the hash lets a
                // reader tell a changed verdict from changed data.
                let inputs = JSON.array([subject.json, .object(subject.assessments), p["thresholds"] ?? .null])
                try log.record(subject, verdict, inputsHash: FNV1a.hex(inputs.serialized()))
                guard let cls = verdict.cls else {
                    skipped.append(["code": .string(subject.code), "reasons": reasons])
                    continue
                }
                try db.assessment.insertClassification(roundID: round.id, schoolID: subject.schoolID, personID: subject.personID,
                                                       cls: cls, reasons: reasons.serialized(), rule: rule,
                                                       inputs: FNV1a.hex(inputs.serialized()))
                if let i = counts.firstIndex(where: { $0.0 == cls }) { counts[i].1 += 1 } else { counts.append((cls, 1)) }
            }
            return ["hub": .string(hubCode), "round": .string(round.code), "subject": .string(kind.rawValue), "rule": .string(rule),
                    "classified": .int(Int64(c.subjects.count - skipped.count)),
                    "classes": .object(counts.map { JSON.Member($0.0, .int(Int64($0.1))) }),
                    "skipped": .array(skipped)]
        },
        Method("classification.list", "The stored maturity classes of a round, with their reasons and rule.",
               params: [.required("round", .string, "code of the round"),
                        .optional("hub", .string, "the round's hub (a check)"),
                        .optional("subject", .oneOf(["school", "teacher"]), "only schools or only teachers"),
                        .optional("class", .string, "only this class")],
               result: .array(.object([
                   .required("subject", .oneOf(["school", "teacher"]), "what is classified"),
                   .required("code", .string, "code of the school or teacher"),
                   .required("name", .string, "its name"),
                   .required("class", .string, "the class, e.g. advanced, developing, beginning"),
                   .required("reasons", .array(.string), "the reasons the rule gave"),
                   .required("rule", .string, "\"default\", or \"script:\" and the hash of the hub's classify script"),
                   .required("created_at", .timestamp, "when it was classified"),
                   .required("inputs", .string, "FNV-1a hash of the inputs: the same inputs and rule give the same class"),
               ])),
               example: ["round": "EE-ACC-R2", "subject": "school"],
               errors: [.notFound("no round or hub has the code given"),
                        .invalid("the hub is not the round's")]) { engine, p throws(IHubError) in
            let round = try RoundRef.resolve(engine.db, code: p["round"]!.string!, at: "params.round")
            if let hub = p["hub"]?.string, hub != round.hubCode {
                _ = try engine.db.requireID(.hub, code: hub, at: "params.hub")
                throw IHubError.invalid("params.hub: round \(IHubError.quoted(round.code)) belongs to hub \(round.hubCode), not \(hub)")
            }
            let rows = try engine.db.assessment.classifications(roundID: round.id, subject: p["subject"]?.string, cls: p["class"]?.string)
            return .array(rows.map { c -> JSON in
                ["subject": .string(c.subject), "code": .string(c.code), "name": .string(c.name), "class": .string(c.cls),
                 "reasons": c.reasons, "rule": .string(c.rule), "created_at": .string(c.createdAt), "inputs": .string(c.inputs)]
            })
        },
    ]

    private static func readThresholds(_ db: Database, _ json: JSON?, _ kind: Classification.Kind, _ digcompedu: Instrument?) throws(IHubError) -> Classification.Thresholds {
        var t = Classification.Thresholds()
        guard let json, !json.isNull else { return t }
        switch kind {
        case .school:
            let scale = try Instrument.load(db, code: "selfie", at: "instrument").scale
            for key in ["advanced", "developing"] {
                guard let v = json[key], !v.isNull else { continue }
                guard let d = v.double, d.isFinite else {
                    throw IHubError.invalid("params.thresholds.\(key): expected a selfie mean (a number) for schools, got \(v.kindName)")
                }
                // A cut-off off the scale would put every school in one class.
                guard d >= Double(scale.min) && d <= Double(scale.max) else {
                    throw IHubError.invalid("params.thresholds.\(key): \(Decimal2.text(d)) is outside the selfie scale \(scale.text)")
                }
                if key == "advanced" { t.schoolAdvanced = d } else { t.schoolDeveloping = d }
            }
            guard t.schoolAdvanced > t.schoolDeveloping else {
                throw IHubError.invalid("params.thresholds.advanced: must be above developing (\(Decimal2.text(t.schoolDeveloping)))")
            }
        case .teacher:
            let levels = digcompedu?.levels.map(\.code) ?? []
            for key in ["advanced", "developing"] {
                guard let v = json[key], !v.isNull else { continue }
                guard let code = v.string, levels.contains(code) else {
                    throw IHubError.invalid("params.thresholds.\(key): expected a digcompedu level (\(levels.joined(separator: ", "))) for teachers, got \(v.string.map { "\"\($0)\"" } ?? v.kindName)")
                }
                if key == "advanced" { t.teacherAdvanced = code } else { t.teacherDeveloping = code }
            }
            guard (levels.firstIndex(of: t.teacherAdvanced) ?? 0) > (levels.firstIndex(of: t.teacherDeveloping) ?? 0) else {
                throw IHubError.invalid("params.thresholds.advanced: must be a higher level than developing (\(t.teacherDeveloping))")
            }
        }
        return t
    }
}

/// A hub's "classify" script, or the default rule (scripts/methodology/
/// default/rules.lua): `classify(subject, assessments)` returns a
/// class and its reasons (a list of sentences, or one), or nil to leave the
/// subject unclassified. Run in the methodology context, all subjects in
/// one evaluation (one time budget for the run).
enum ClassificationScript {
    /// `context` is classify's third argument (Classification.defaultContext).
    static func run(_ engine: Engine, _ source: String, chunkname: String, _ c: Classification,
                    context ctx: JSON = .null) throws(IHubError) -> [Classification.Verdict] {
        let context = try engine.methodology()
        try context.loadGlue("classify")  // scripts/methodology/engine/classify.lua
        let subjects = JSON.array(c.subjects.map(\.json))
        let assessments = JSON.array(c.subjects.map { .object($0.assessments) })
        let who = JSON.array(c.subjects.map { .string("\(c.kind.rawValue) \(IHubError.quoted($0.code))") })
        let result = try context.callGlobal("__ihub_classify", [.string(source), .string(chunkname), subjects, assessments, who, ctx],
                                            label: chunkname)
        let verdicts = result.first?.array ?? []
        guard verdicts.count == c.subjects.count else {
            throw IHubError(.script, "\(chunkname): classify gave \(verdicts.count) verdicts for \(c.subjects.count) subjects")
        }
        return try zip(c.subjects, verdicts).map { (subject, v) throws(IHubError) -> Classification.Verdict in
            let pair = v.array ?? []
            let cls = pair.first ?? .null, reasons = pair.count > 1 ? pair[1] : .null
            let what = "\(chunkname): classify(\(c.kind.rawValue) \(IHubError.quoted(subject.code)))"
            var sentences: [String] = []
            switch reasons {
            case .null: break
            case .string(let s): sentences = [s]
            case .array(let list):
                for (i, r) in list.enumerated() {
                    guard let s = r.string else { throw IHubError(.script, "\(what): reason \(i + 1) is \(r.kindName); expected a sentence (a string)") }
                    sentences.append(s)
                }
            case .object(let m) where m.isEmpty: break  // an empty Lua table
            default: throw IHubError(.script, "\(what): the reasons are \(reasons.kindName); expected a list of sentences")
            }
            // Stored and printed: one line each, no control characters, as
            // every text field.
            for s in sentences {
                if let problem = Shape.textProblem(s, multiline: false, maxBytes: Limits.text) {
                    throw IHubError(.script, "\(what): the reason \(IHubError.quoted(s)): \(problem.reason)")
                }
            }
            if let s = cls.string, s.utf8.count <= 64, let problem = Shape.textProblem(s, multiline: false, maxBytes: 64) {
                throw IHubError(.script, "\(what): the class \(IHubError.quoted(s)): \(problem.reason)")
            }
            switch cls {
            case .null:
                return Classification.Verdict(cls: nil, reasons: sentences.isEmpty ? ["the classify script left it unclassified"] : sentences)
            case .string(let s) where !s.isEmpty && s.utf8.count <= 64:
                return Classification.Verdict(cls: s, reasons: sentences)
            default:
                throw IHubError(.script, "\(what): the class is \(cls.string.map { _ in "an empty or over-long string" } ?? cls.kindName); expected a name of up to 64 bytes, or nil")
            }
        }
    }
}
