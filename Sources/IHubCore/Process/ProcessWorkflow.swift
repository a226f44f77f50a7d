/// The life of a process instance: started for a school, a mentorship or a
/// school's development team, moved from step to step under the hub's
/// process model (its rules may refuse a move, with a reason), closed.
/// Every move is recorded with who, when, from, to, cycle and model hash.
enum ProcessWorkflow {
    // MARK: reading

    /// The instance `id`; not found names `path`.
    static func require(_ db: Database, id: Int64, at path: String = "params.id") throws(IHubError) -> ProcessInstanceRow {
        guard let row = try db.process.instance(id: id) else { throw IHubError.notFound("\(path): no process with id \(id)") }
        return row
    }

    /// An instance as `json` writes it without its methods (process.list).
    static let instanceFields: [Field] = [
        .required("id", .integer, "the instance's id"),
        .required("hub", .string, "code of the hub"),
        .required("subject", .oneOf(ProcessMethods.subjects), "whose process: a school's, a mentorship's or a school development team's"),
        .optional("school", .string, "code of the school (subject school or team)"),
        .optional("mentorship", .integer, "id of the mentorship (subject mentorship)"),
        .optional("step", .string, "code of the current step (null: no move yet)"),
        .required("cycle", .integer, "the cycle it is in, from 1"),
        .required("open", .boolean, "not closed"),
        .required("model_hash", .string, "version of the process model it started with"),
        .required("started_at", .timestamp, "when it started"),
        .optional("closed_at", .timestamp, "when it was closed"),
        .optional("close_reason", .string, "why it was closed"),
        .required("transitions", .integer, "how many moves it made"),
        .optional("last_moved_at", .timestamp, "when it last moved"),
    ]
    static let instance: Shape = .object(instanceFields)
    /// An instance with its chosen methods (process.get and the writes).
    static let instanceWithMethods: Shape = .object(instanceFields + [methodsField])
    static let methodsField: Field = .required("methods", .array(.object([
        .required("code", .string, "the toolbox method's code"),
        .required("name", .string, "its name"),
        .optional("step", .string, "the step it is chosen for (null: the whole process)"),
        .optional("chosen_by", .string, "code of the person who chose it"),
        .required("chosen_at", .timestamp, "when it was chosen"),
    ])), "the toolbox methods chosen for it")

    /// An instance as process.get shows it (and as rules receive it);
    /// `methods` nil leaves the chosen methods out (process.list).
    static func json(_ x: ProcessInstanceRow, methods: [ChosenMethodRow]?) -> JSON {
        var m: [JSON.Member] = [
            .init("id", .int(x.id)), .init("hub", .string(x.hub)), .init("subject", .string(x.subject)),
            .init("school", JSON(x.school)), .init("mentorship", JSON(x.mentorshipID)), .init("step", JSON(x.step)),
            .init("cycle", .int(x.cycle)), .init("open", .bool(x.closedAt == nil)), .init("model_hash", .string(x.modelHash)),
            .init("started_at", .string(x.startedAt)), .init("closed_at", JSON(x.closedAt)),
            .init("close_reason", JSON(x.closeReason)), .init("transitions", .int(x.transitions)),
            .init("last_moved_at", JSON(x.lastMovedAt)),
        ]
        if let methods {
            m.append(.init("methods", .array(methods.map { c in
                ["code": .string(c.code), "name": .string(c.name), "step": c.step.isEmpty ? .null : .string(c.step),
                 "chosen_by": JSON(c.by), "chosen_at": .string(c.at)]
            })))
        }
        return .object(m)
    }

    static func get(_ db: Database, id: Int64) throws(IHubError) -> JSON {
        let row = try require(db, id: id)
        return json(row, methods: try db.process.chosenMethods(instanceID: id))
    }

    static func describe(_ x: ProcessInstanceRow) -> String {
        switch x.subject {
        case "mentorship": "mentorship #\(x.mentorshipID ?? 0)"
        case "team": "the development team of school \(IHubError.quoted(x.school ?? ""))"
        default: "school \(IHubError.quoted(x.school ?? ""))"
        }
    }

    private static func requireOpen(_ x: ProcessInstanceRow) throws(IHubError) {
        if let closed = x.closedAt {
            throw IHubError(.conflict, "params.id: process #\(x.id) of \(describe(x)) was closed at \(closed) (\(IHubError.excerpt(x.closeReason ?? "")))")
        }
    }

    // MARK: starting

    /// process.start: the subject (one of school, team, mentorship), checked
    /// to have no open instance; with `at`, its first move.
    static func start(_ engine: Engine, _ p: JSON) throws(IHubError) -> JSON {
        let db = engine.db
        let given = ["school", "team", "mentorship"].filter { p[$0].map { !$0.isNull } == true }
        guard given.count == 1 else {
            throw IHubError.invalid("params: give one of school, team (a school's code) or mentorship (an id), not \(given.isEmpty ? "none" : given.joined(separator: " and "))")
        }
        if p["by"]?.string != nil && p["at"]?.string == nil {  // a null is an absent parameter
            throw IHubError.invalid("params.by: give it with params.at (who made the first move; starting alone records no person)")
        }
        let subject = given[0]
        var hubID: Int64, schoolID: Int64?, mentorshipID: Int64?
        var open: ProcessInstanceRow?
        if subject == "mentorship" {
            let id = p["mentorship"]!.int!
            let m = try MentorshipMethods.require(db, id: id, at: "params.mentorship")
            if let end = m.end {
                throw IHubError(.conflict, "params.mentorship: mentorship #\(id) ended on \(end); start processes for current mentorships")
            }
            hubID = m.hubID
            mentorshipID = id
            open = try db.process.openInstance(mentorshipID: id)
        } else {
            let id = try db.requireID(.school, code: p[subject]!.string!, at: "params.\(subject)")
            guard let hub = try db.process.hubID(schoolID: id) else { throw RecordKind.school.notFound(id: id, at: "params.\(subject)") }
            hubID = hub
            schoolID = id
            open = try db.process.openInstance(subject: subject, schoolID: id)
        }
        if let hub = p["hub"]?.string {
            let given = try db.requireID(.hub, code: hub, at: "params.hub")
            guard given == hubID else {
                throw IHubError.invalid("params.hub: the \(subject) belongs to another hub than \(IHubError.quoted(hub))")
            }
        }
        if let open {
            throw IHubError(.conflict, "params.\(subject): \(describe(open)) has an open process already (#\(open.id), at step \(open.step.map { IHubError.quoted($0) } ?? "none yet")); close it first (process.close)")
        }
        let hubCode = try db.recordName(.hub, id: hubID)?.code ?? ""
        let model = try ProcessScript(engine: engine, hubID: hubID, hubCode: hubCode)
        let id = try db.process.addInstance(hubID: hubID, subject: subject, schoolID: schoolID, mentorshipID: mentorshipID,
                                            modelHash: model.hash)
        if let first = p["at"]?.string {
            _ = try move(engine, model, try require(db, id: id), to: first, by: p["by"]?.string, note: nil, at: "params.at")
        }
        return try get(db, id: id)
    }

    // MARK: moving

    /// Moves the instance to `to` if the model knows the step and its rules
    /// allow it; records the transition. A refusal stores nothing (the
    /// caller's transaction rolls back).
    static func move(_ engine: Engine, _ model: ProcessScript?, _ x: ProcessInstanceRow, to: String, by: String?, note: String?,
                     at path: String = "params.to") throws(IHubError) -> JSON {
        let db = engine.db
        try requireOpen(x)
        let model = if let model { model } else { try ProcessScript(engine: engine, hubID: x.hubID, hubCode: x.hub) }
        let byID = try by.map { code throws(IHubError) in try db.requireID(.person, code: code, at: "params.by") }
        if x.step == to {
            throw IHubError(.conflict, "\(path): process #\(x.id) is at step \(IHubError.quoted(to)) already")
        }
        let instance = json(x, methods: try db.process.chosenMethods(instanceID: x.id))
        let (steps, verdicts) = try model.check(instance: instance, from: x.step, targets: [to])
        guard let verdict = verdicts.first, let verdict else { throw model.unknownStep(to, steps, at: path) }
        guard verdict.allowed else {
            try DecisionLog.refusal(db, x, instance: instance, to: to, byID: byID, model: model.name, modelHash: model.hash,
                                    reason: verdict.reason ?? "by a rule", persists: path != "params.at")
            throw IHubError(.constraint, "\(path): \(model.name) refused the move of process #\(x.id) to \(IHubError.quoted(to)): \(verdict.reason ?? "by a rule")")
        }
        let cycle = verdict.newCycle ? x.cycle + 1 : x.cycle
        try db.process.move(NewTransition(instanceID: x.id, from: x.step, to: to, cycle: cycle, byID: byID, modelHash: model.hash,
                                          note: note))
        return ["from": JSON(x.step), "to": .string(to), "cycle": .int(cycle), "new_cycle": .bool(verdict.newCycle),
                "model_hash": .string(model.hash)]
    }

    /// process.next: every step of the model with whether the rules allow
    /// the move there now, and why not.
    static func next(_ engine: Engine, id: Int64) throws(IHubError) -> JSON {
        let db = engine.db
        let x = try require(db, id: id)
        let model = try ProcessScript(engine: engine, hubID: x.hubID, hubCode: x.hub)
        let codes = try model.steps().map(\.code)
        let (steps, verdicts) = try model.check(instance: json(x, methods: try db.process.chosenMethods(instanceID: id)),
                                                from: x.step, targets: codes)
        let list: [JSON] = zip(steps, verdicts).map { step, verdict in
            var allowed = verdict?.allowed ?? false
            var reason = verdict?.reason
            if x.closedAt != nil { (allowed, reason) = (false, "the process is closed") }
            else if step.code == x.step { (allowed, reason) = (false, "the current step") }
            return ["code": .string(step.code), "name": .string(step.name), "allowed": .bool(allowed), "reason": JSON(reason),
                    "new_cycle": .bool(verdict?.newCycle ?? false)]
        }
        return ["id": .int(id), "step": JSON(x.step), "cycle": .int(x.cycle), "model_hash": .string(model.hash),
                "hub_script": .bool(model.hubSource != nil), "steps": .array(list)]
    }

    static func history(_ db: Database, id: Int64) throws(IHubError) -> JSON {
        _ = try require(db, id: id)
        return .array(try db.process.transitions(instanceID: id).map { t in
            ["from": JSON(t.from), "to": .string(t.to), "cycle": .int(t.cycle), "by": JSON(t.by), "at": .string(t.at),
             "model_hash": .string(t.modelHash), "note": JSON(t.note)]
        })
    }

    static func close(_ db: Database, id: Int64, reason: String) throws(IHubError) -> JSON {
        try requireOpen(try require(db, id: id))
        try db.process.close(id: id, reason: reason)
        return try get(db, id: id)
    }

    // MARK: methods

    /// process.choose_method and process.remove_method: the method (the
    /// hub's own first) and the step ("" for the whole process), checked.
    static func choice(_ engine: Engine, _ p: JSON, checkStep: Bool = true) throws(IHubError) -> (x: ProcessInstanceRow, method: ToolboxMethodRow, step: String) {
        let x = try require(engine.db, id: p["id"]!.int!)
        try requireOpen(x)
        let method = try ToolboxMethods.find(engine.db, code: p["method"]!.string!, hubID: x.hubID, at: "params.method")
        guard let step = p["step"]?.string else { return (x, method, "") }
        guard checkStep else { return (x, method, step) }  // a removal: the step may have left the model since
        let model = try ProcessScript(engine: engine, hubID: x.hubID, hubCode: x.hub)
        let steps = try model.steps()
        guard steps.contains(where: { $0.code == step }) else { throw model.unknownStep(step, steps, at: "params.step") }
        return (x, method, step)
    }

    static func choose(_ engine: Engine, _ p: JSON) throws(IHubError) -> JSON {
        let db = engine.db
        let (x, method, step) = try choice(engine, p)
        let byID = try p["by"]?.string.map { code throws(IHubError) in try db.requireID(.person, code: code, at: "params.by") }
        if try db.process.isChosen(instanceID: x.id, methodID: method.id, step: step) {
            throw IHubError(.conflict, "params.method: \(IHubError.quoted(method.code)) is chosen for process #\(x.id)\(step.isEmpty ? "" : " at step \(IHubError.quoted(step))") already")
        }
        try db.process.choose(instanceID: x.id, methodID: method.id, step: step, byID: byID)
        return try get(db, id: x.id)
    }

    static func unchoose(_ engine: Engine, _ p: JSON) throws(IHubError) -> JSON {
        let (x, method, step) = try choice(engine, p, checkStep: false)
        guard try engine.db.process.unchoose(instanceID: x.id, methodID: method.id, step: step) else {
            throw IHubError.notFound("params.method: \(IHubError.quoted(method.code)) is not chosen for process #\(x.id)\(step.isEmpty ? "" : " at step \(IHubError.quoted(step))")")
        }
        return try get(engine.db, id: x.id)
    }
}
