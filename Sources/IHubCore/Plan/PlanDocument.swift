/// Plans as documents: one plan with its focus areas, goals (with their
/// tasks and progress) and counts; the list; the history of statuses.
enum PlanDocument {
    /// The fields `head` writes.
    static let headFields: [Field] = [
        .required("id", .integer, "the plan's id"),
        .required("hub", .string, "code of the hub"),
        .optional("school", .string, "code of the school (a school's plan)"),
        .optional("person", .string, "code of the teacher (a teacher's plan)"),
        .optional("instance", .integer, "id of the process instance it belongs to"),
        .optional("round", .string, "code of its round"),
        .required("title", .string, "the plan's title"),
        .required("status", .oneOf(PlanStatus.plan), "draft, active, done or dropped"),
        .required("created_at", .timestamp, "when it was made"),
    ]

    /// A focus area as `focusJSON` writes it.
    static let focusFields: [Field] = [
        .required("instrument", .string, "code of the instrument"),
        .required("area", .string, "code of the instrument's area"),
        .optional("name", .string, "the area's name"),
        .required("suggested", .boolean, "suggested by plan.suggest (not chosen by people)"),
        .required("confirmed", .boolean, "a person confirmed it"),
        .optional("confirmed_by", .string, "code of the person who confirmed it"),
        .optional("confirmed_at", .timestamp, "when"),
        .required("evidence", .object([.optional("rank", .integer, "its rank among the suggestions (suggested areas)")]
                                      + AreaFigures.fields(always: false)),
                  "the figures that led to it, as they were then (empty: the area had no figures)"),
    ]
    /// One focus area of a plan (plan.add_focus, plan.confirm_focus).
    static let focusOfPlan: Shape = .object([.required("plan", .integer, "the plan's id")] + focusFields)

    static let task: Shape = .object([
        .required("id", .integer, "the task's id"),
        .required("goal", .integer, "its goal's id"),
        .required("plan", .integer, "its plan's id"),
        .required("title", .string, "what is to be done"),
        .optional("owner", .string, "code of the person who owns it"),
        .optional("due", .date, "the due date"),
        .required("status", .oneOf(PlanStatus.task), "open, in_progress, done or dropped"),
    ])

    static let goal: Shape = .object([
        .required("id", .integer, "the goal's id"),
        .required("plan", .integer, "its plan's id"),
        .required("instrument", .string, "code of the instrument"),
        .required("area", .string, "code of the instrument's area"),
        .optional("name", .string, "the area's name"),
        .required("description", .longText, "what the goal is"),
        .optional("baseline", .number, "the starting level on the instrument's scale"),
        .optional("baseline_level", .string, "the level the baseline reads as, where the instrument has levels"),
        .required("target", .number, "the level to reach on the scale (a level code is stored as its cut-off)"),
        .optional("target_level", .string, "the level the target reads as, where the instrument has levels"),
        .required("by", .date, "the target date"),
        .required("status", .oneOf(PlanStatus.goal), "open, achieved, missed or dropped"),
        .optional("progress", .object([
            .required("round", .string, "code of the round of the latest figure"),
            .optional("mean", .number, "the area's latest mean (null: no figure to show, see reason)"),
            .optional("reason", .string, "why there is no figure"),
            .optional("level", .string, "the level the mean reads as, where the instrument has levels"),
            .optional("n", .integer, "respondents behind the mean"),
            .optional("change", .number, "mean − baseline"),
            .optional("to_target", .number, "target − mean"),
            .optional("reached", .boolean, "the mean is at or above the target"),
        ]), "where the area stands now (plan.get; null without data)"),
        .required("tasks", .array(task), "its tasks"),
    ])

    /// A plan as `get` writes it.
    static let planFields: [Field] = headFields + [
        .required("focus_areas", .array(.object(focusFields)), "its focus areas"),
        .required("unconfirmed", .integer, "suggested focus areas that await a person's confirmation"),
        .required("goals", .array(goal), "its goals with their tasks"),
        .required("counts", .object([
            .required("focus_areas", .integer, "focus areas"),
            .required("goals", .integer, "goals"),
            .required("open_goals", .integer, "goals still open"),
            .required("tasks", .integer, "tasks"),
            .required("open_tasks", .integer, "tasks open or in progress"),
        ]), "how many of each"),
    ]
    static let plan: Shape = .object(planFields)

    static func head(_ plan: PlanRow) -> [JSON.Member] {
        [.init("id", .int(plan.id)), .init("hub", .string(plan.hub)), .init("school", JSON(plan.school)),
         .init("person", JSON(plan.person)), .init("instance", JSON(plan.instanceID)), .init("round", JSON(plan.round)),
         .init("title", .string(plan.title)), .init("status", .string(plan.status)), .init("created_at", .string(plan.createdAt))]
    }

    static func focusJSON(_ f: FocusAreaRow, _ instrument: Instrument?) -> JSON {
        let name = instrument.flatMap { i in i.areaIndex[f.area].map { i.areas[$0].name } }
        return ["instrument": .string(f.instrument), "area": .string(f.area), "name": JSON(name), "suggested": .bool(f.suggested),
                "confirmed": .bool(f.confirmedAt != nil), "confirmed_by": JSON(f.confirmedBy), "confirmed_at": JSON(f.confirmedAt),
                "evidence": f.evidence]
    }

    /// One focus area of a plan, as it is stored now.
    static func focusJSON(_ db: Database, _ planID: Int64, area: String, instrument: String) throws(IHubError) -> JSON {
        guard let f = try db.plan.focusAreas(planID: planID).first(where: { $0.area == area && $0.instrument == instrument }) else {
            throw IHubError(.error, "plan_focus_areas: focus area \(area) of \(instrument) not found after its write")
        }
        return .object([.init("plan", .int(planID))] + (focusJSON(f, try Instrument.load(db, id: f.instrumentID)).members ?? []))
    }

    static func taskJSON(_ t: TaskRow) -> JSON {
        ["id": .int(t.id), "goal": .int(t.goalID), "plan": .int(t.planID), "title": .string(t.title), "owner": JSON(t.owner),
         "due": JSON(t.due), "status": .string(t.status)]
    }

    /// A goal; `progress` is the latest figure of its area, when known.
    static func goalJSON(_ engine: Engine, _ g: GoalRow, tasks: [TaskRow], progress: JSON?) throws(IHubError) -> JSON {
        let instrument = try Instrument.load(engine.db, id: g.instrumentID)
        var m: [JSON.Member] = [
            .init("id", .int(g.id)), .init("plan", .int(g.planID)), .init("instrument", .string(g.instrument)),
            .init("area", .string(g.area)), .init("name", JSON(instrument.areaIndex[g.area].map { instrument.areas[$0].name })),
            .init("description", .string(g.description)), .init("baseline", JSON(g.baseline)),
            .init("baseline_level", PlanTarget.level(g.baseline, instrument)),
            .init("target", .double(g.target)), .init("target_level", PlanTarget.level(g.target, instrument)),
            .init("by", .string(g.targetDate)), .init("status", .string(g.status)),
        ]
        if let progress { m.append(.init("progress", progress)) }
        m.append(.init("tasks", .array(tasks.map(taskJSON))))
        return .object(m)
    }

    /// Where a goal's area stands now: the latest figure beside the baseline
    /// and the target; null when there is no figure to show.
    static func progress(_ g: GoalRow, _ figures: AreaFigures?) -> JSON {
        guard let f = figures, let a = f.instrument.areaIndex[g.area] else { return .null }
        let area = f.areas[a]
        guard let mean = area.mean else { return ["round": .string(f.round.code), "mean": .null, "reason": JSON(area.reason)] }
        return ["round": .string(f.round.code), "mean": .double(mean), "level": PlanTarget.level(mean, f.instrument),
                "n": .int(Int64(area.n)), "change": JSON(g.baseline.map { mean - $0 }), "to_target": .double(g.target - mean),
                "reached": .bool(mean >= g.target)]
    }

    static func get(_ engine: Engine, id: Int64) throws(IHubError) -> JSON {
        let db = engine.db
        let plan = try PlanWorkflow.plan(db, id: id, at: "params.id")
        let subject = PlanSubject(plan)
        var instruments: [Int64: Instrument] = [:]
        func instrument(_ id: Int64) throws(IHubError) -> Instrument {
            if let i = instruments[id] { return i }
            let i = try Instrument.load(db, id: id)
            instruments[id] = i
            return i
        }
        let focus = try db.plan.focusAreas(planID: id)
        var focusDocs: [JSON] = []
        for f in focus { focusDocs.append(focusJSON(f, try instrument(f.instrumentID))) }
        let tasks = try db.plan.tasks(planID: id)
        var latest: [Int64: AreaFigures?] = [:]
        var goals: [JSON] = []
        let goalRows = try db.plan.goals(planID: id)
        for g in goalRows {
            if latest[g.instrumentID] == nil {
                latest[g.instrumentID] = .some(try PlanWorkflow.latest(engine, subject, try instrument(g.instrumentID)))
            }
            goals.append(try goalJSON(engine, g, tasks: tasks.filter { $0.goalID == g.id }, progress: progress(g, latest[g.instrumentID]!)))
        }
        let unconfirmed = focus.filter { $0.suggested && $0.confirmedAt == nil }.count
        return .object(head(plan) + [
            .init("focus_areas", .array(focusDocs)), .init("unconfirmed", .int(Int64(unconfirmed))),
            .init("goals", .array(goals)),
            .init("counts", ["focus_areas": .int(Int64(focus.count)), "goals": .int(Int64(goalRows.count)),
                             "open_goals": .int(Int64(goalRows.filter { $0.status == "open" }.count)),
                             "tasks": .int(Int64(tasks.count)), "open_tasks": .int(Int64(tasks.filter { $0.status == "open" || $0.status == "in_progress" }.count))]),
        ])
    }

    static func list(_ db: Database, _ p: JSON) throws(IHubError) -> JSON {
        let hubID = try p["hub"]?.string.map { code throws(IHubError) in try db.requireID(.hub, code: code, at: "params.hub") }
        let schoolID = try p["school"]?.string.map { code throws(IHubError) in try db.requireID(.school, code: code, at: "params.school") }
        let personID = try p["person"]?.string.map { code throws(IHubError) in try db.requireID(.person, code: code, at: "params.person") }
        let rows = try db.plan.plans(hubID: hubID, schoolID: schoolID, personID: personID, instanceID: p["instance"]?.int,
                                     status: p["status"]?.string)
        return .array(rows.map { r in
            .object(head(r.plan) + [.init("focus_areas", .int(r.focusAreas)), .init("unconfirmed", .int(r.unconfirmed)),
                                    .init("goals", .int(r.goals)), .init("open_goals", .int(r.openGoals)), .init("tasks", .int(r.tasks))])
        })
    }

    static func history(_ db: Database, id: Int64) throws(IHubError) -> JSON {
        let plan = try PlanWorkflow.plan(db, id: id, at: "params.plan")
        return ["plan": .int(plan.id), "changes": .array(try db.plan.history(planID: id).map { c in
            ["id": .int(c.id), "item": .string(c.item), "item_id": .int(c.itemID), "status": .string(c.status),
             "by": JSON(c.by), "at": .string(c.at), "note": JSON(c.note)]
        })]
    }
}
