/// Writing plans: creation (with suggested focus areas), focus areas chosen
/// or confirmed by people, goals, tasks, and status changes — each recorded
/// in the plan's history. Runs inside the method's transaction.
enum PlanWorkflow {
    /// The stored plan with `id`; not found names `path`.
    static func plan(_ db: Database, id: Int64, at path: String) throws(IHubError) -> PlanRow {
        guard let plan = try db.plan.plan(id: id) else { throw IHubError.notFound("\(path): no plan with id \(id)") }
        return plan
    }

    /// A plan that may take new parts: not done or dropped.
    static func openPlan(_ db: Database, id: Int64, at path: String) throws(IHubError) -> PlanRow {
        let plan = try plan(db, id: id, at: path)
        guard !PlanStatus.isClosed(plan.status) else {
            throw IHubError(.conflict, "\(path): plan \(id) is \(plan.status); set it back to draft or active first (plan.set_status)")
        }
        return plan
    }

    static func person(_ db: Database, _ p: JSON, _ field: String, _ subject: PlanSubject) throws(IHubError) -> Int64? {
        guard let code = p[field]?.string else { return nil }
        return try subject.member(db, code: code, at: "params.\(field)")
    }

    static func create(_ engine: Engine, _ p: JSON) throws(IHubError) -> JSON {
        let db = engine.db
        let subject = try PlanSubject.resolve(db, p)
        var instanceID: Int64?
        if let id = p["instance"]?.int {
            guard let instance = try db.process.instance(id: id) else { throw IHubError.notFound("params.instance: no process instance with id \(id)") }
            guard instance.hubID == subject.hubID else { throw IHubError.invalid("params.instance: process instance \(id) is of another hub") }
            guard instance.closedAt == nil else { throw IHubError(.conflict, "params.instance: process instance \(id) is closed") }
            if subject.kind == .school, let school = instance.schoolID, school != subject.id {
                throw IHubError.invalid("params.instance: process instance \(id) is of another school than \(IHubError.quoted(subject.code))")
            }
            if subject.kind == .person, let school = instance.schoolID, let person = subject.personID,
               try db.registry.currentMembership(person: person, school: school) == nil {
                throw IHubError.invalid("params.instance: process instance \(id) is of a school that \(IHubError.quoted(subject.code)) is not a current member of")
            }
            if let mentorshipID = instance.mentorshipID, let m = try db.pairing.mentorship(id: mentorshipID) {
                // A mentorship's process holds the plans of its mentee or mentor, at the mentorship's level.
                let level = subject.kind == .school ? "school" : "teacher"
                guard m.level == level && (m.mentee == subject.code || m.mentor == subject.code) else {
                    throw IHubError.invalid("params.instance: process instance \(id) is of mentorship #\(m.id) (\(m.level) \(IHubError.quoted(m.mentee)) mentored by \(IHubError.quoted(m.mentor))), which \(subject.kind == .school ? "school" : "person") \(IHubError.quoted(subject.code)) is not part of")
                }
            }
            instanceID = id
        }
        var roundID: Int64?
        if let code = p["round"]?.string {
            let round = try RoundRef.resolve(db, code: code, at: "params.round")
            guard round.hubID == subject.hubID else {
                throw IHubError.invalid("params.round: round \(IHubError.quoted(code)) is of hub \(round.hubCode), not of the \(subject.kind.rawValue)'s hub")
            }
            roundID = round.id
        }
        let by = try person(db, p, "by", subject)
        let now = Timestamp.now()
        let id = try db.plan.insertPlan(hubID: subject.hubID, schoolID: subject.schoolID, personID: subject.personID,
                                        instanceID: instanceID, roundID: roundID, title: p["title"]!.string!, createdAt: now)
        try db.plan.insertStatusChange(planID: id, item: "plan", itemID: id, status: "draft", by: by, at: now, note: "created")
        var note: String?
        if p["suggest"]?.bool == true {
            let s = try FocusSuggestions.suggest(engine, subject, instrument: p["instrument"]?.string, round: p["round"]?.string,
                                                 count: Int(clamping: p["count"]?.int ?? 3))
            for x in s.suggestions {
                _ = try db.plan.insertFocusArea(planID: id, instrumentID: x.instrumentID, area: x.area, evidence: x.evidence,
                                                suggested: true, confirmedBy: nil, confirmedAt: nil)
            }
            note = s.note
        }
        var doc = try PlanDocument.get(engine, id: id)
        if case .object(var m) = doc {
            m.append(.init("note", JSON(note)))
            doc = .object(m)
        }
        return doc
    }

    /// The focus area of a plan named by `area` (and `instrument` when the
    /// plan has that area code under several instruments).
    static func focusArea(_ db: Database, _ plan: PlanRow, _ p: JSON) throws(IHubError) -> FocusAreaRow {
        let area = p["area"]!.string!, instrument = p["instrument"]?.string
        let all = try db.plan.focusAreas(planID: plan.id)
        let found = all.filter { f in f.area == area && (instrument.map { f.instrument == $0 } ?? true) }
        guard found.count == 1 else {
            if found.count > 1 {
                throw IHubError.invalid("params.instrument: plan \(plan.id) has area \(IHubError.quoted(area)) of \(found.map { $0.instrument }.joined(separator: " and ")): name the instrument")
            }
            let list = all.isEmpty ? "none" : all.map { "\($0.instrument) \($0.area)" }.joined(separator: ", ")
            throw IHubError.notFound("params.area: plan \(plan.id) has no focus area \(IHubError.quoted(area))\(instrument.map { " of \($0)" } ?? "") (focus areas: \(list))")
        }
        return found[0]
    }

    /// The instrument of a focus area or goal, which the plan's hub may use
    /// (a teacher's plan: a teacher instrument), and the index of the area.
    static func instrumentArea(_ db: Database, _ plan: PlanRow, _ p: JSON) throws(IHubError) -> (Instrument, Int) {
        let instrument = try Instrument.load(db, code: p["instrument"]!.string!, at: "params.instrument")
        if let hubID = instrument.hubID, hubID != plan.hubID {
            throw IHubError.invalid("params.instrument: instrument \(IHubError.quoted(instrument.code)) belongs to another hub than \(plan.hub)")
        }
        if plan.personID != nil && instrument.subject != .teacher {
            throw IHubError.invalid("params.instrument: \(IHubError.quoted(instrument.code)) assesses schools; a teacher's plan takes a teacher instrument")
        }
        return (instrument, try AreaFigures.areaIndex(instrument, p["area"]!.string!, at: "params.area"))
    }

    /// The latest figures of the plan's subject with `instrument`, or nil
    /// when it has no data with it.
    static func latest(_ engine: Engine, _ subject: PlanSubject, _ instrument: Instrument) throws(IHubError) -> AreaFigures? {
        guard let (i, round) = try FocusSuggestions.source(engine.db, subject, instrument: instrument.code, round: nil) else { return nil }
        return try AreaFigures.compute(engine, subject, i, round)
    }

    static func addFocus(_ engine: Engine, _ p: JSON) throws(IHubError) -> JSON {
        let db = engine.db
        let plan = try openPlan(db, id: p["plan"]!.int!, at: "params.plan")
        let subject = PlanSubject(plan)
        let (instrument, a) = try instrumentArea(db, plan, p)
        let area = instrument.areas[a].code
        if try db.plan.focusAreas(planID: plan.id).contains(where: { $0.instrumentID == instrument.id && $0.area == area }) {
            throw IHubError(.conflict, "params.area: plan \(plan.id) already has focus area \(IHubError.quoted(area)) of \(instrument.code)")
        }
        let by = try person(db, p, "by", subject)
        let evidence: JSON = try latest(engine, subject, instrument).map { f in .object(f.json(f.areas[a])) } ?? .object([])
        _ = try db.plan.insertFocusArea(planID: plan.id, instrumentID: instrument.id, area: area, evidence: evidence,
                                        suggested: false, confirmedBy: by, confirmedAt: by == nil ? nil : Timestamp.now())
        return try PlanDocument.focusJSON(db, plan.id, area: area, instrument: instrument.code)
    }

    static func confirmFocus(_ engine: Engine, _ p: JSON) throws(IHubError) -> JSON {
        let db = engine.db
        let plan = try openPlan(db, id: p["plan"]!.int!, at: "params.plan")
        let focus = try focusArea(db, plan, p)
        let by = try PlanSubject(plan).member(db, code: p["by"]!.string!, at: "params.by")
        // A confirmed area keeps its first confirmation.
        if focus.confirmedAt == nil { try db.plan.confirmFocusArea(id: focus.id, by: by, at: Timestamp.now()) }
        return try PlanDocument.focusJSON(db, plan.id, area: focus.area, instrument: focus.instrument)
    }

    static func removeFocus(_ engine: Engine, _ p: JSON) throws(IHubError) -> JSON {
        let db = engine.db
        let plan = try openPlan(db, id: p["plan"]!.int!, at: "params.plan")
        let focus = try focusArea(db, plan, p)
        try db.plan.deleteFocusArea(id: focus.id)
        return ["plan": .int(plan.id), "instrument": .string(focus.instrument), "area": .string(focus.area), "removed": true]
    }

    static func addGoal(_ engine: Engine, _ p: JSON) throws(IHubError) -> JSON {
        let db = engine.db
        let plan = try openPlan(db, id: p["plan"]!.int!, at: "params.plan")
        let (instrument, a) = try instrumentArea(db, plan, p)
        let target = try PlanTarget.parse(p["target"]!, instrument, at: "params.target")
        var baseline: Double?
        if let given = p["baseline"]?.double {
            baseline = try PlanTarget.onScale(given, instrument, at: "params.baseline")
        } else {
            baseline = try latest(engine, PlanSubject(plan), instrument)?.areas[a].mean
        }
        let id = try db.plan.insertGoal(planID: plan.id, instrumentID: instrument.id, area: instrument.areas[a].code,
                                        description: p["description"]!.string!, baseline: baseline, target: target,
                                        targetDate: p["by"]!.string!)
        try db.plan.insertStatusChange(planID: plan.id, item: "goal", itemID: id, status: "open", by: nil, at: Timestamp.now(), note: "created")
        guard let goal = try db.plan.goal(id: id) else { throw IHubError(.error, "plan_goals: goal \(id) not found after its insert") }
        return try PlanDocument.goalJSON(engine, goal, tasks: [], progress: nil)
    }

    static func addTask(_ engine: Engine, _ p: JSON) throws(IHubError) -> JSON {
        let db = engine.db
        let goalID = p["goal"]!.int!
        guard let goal = try db.plan.goal(id: goalID) else { throw IHubError.notFound("params.goal: no goal with id \(goalID)") }
        let plan = try openPlan(db, id: goal.planID, at: "params.goal")
        let owner = try person(db, p, "owner", PlanSubject(plan))
        let id = try db.plan.insertTask(goalID: goal.id, title: p["title"]!.string!, ownerID: owner, due: p["due"]?.string)
        try db.plan.insertStatusChange(planID: plan.id, item: "task", itemID: id, status: "open", by: nil, at: Timestamp.now(), note: "created")
        guard let task = try db.plan.task(id: id) else { throw IHubError(.error, "plan_tasks: task \(id) not found after its insert") }
        return PlanDocument.taskJSON(task)
    }
}
