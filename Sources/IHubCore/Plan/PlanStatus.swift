/// The statuses of plans, goals and tasks (the schema's CHECKs).
enum PlanStatus {
    static let plan = ["draft", "active", "done", "dropped"]
    static let goal = ["open", "achieved", "missed", "dropped"]
    static let task = ["open", "in_progress", "done", "dropped"]
    static let all = Array(Set(plan + goal + task)).sorted()

    static func allowed(for item: String) -> [String] {
        switch item {
        case "plan": plan
        case "goal": goal
        default: task
        }
    }

    /// A plan that is done or dropped takes no new parts or changes until
    /// it is set back to draft or active.
    static func isClosed(_ status: String) -> Bool { status == "done" || status == "dropped" }
}

extension PlanStatus {
    /// Sets the status of a plan, goal or task (one of the three ids) and
    /// records the change. Setting the status it has changes nothing. A
    /// plan becomes active only when every suggested focus area has been
    /// confirmed by a person (or removed): suggestions are not decisions.
    static func set(_ engine: Engine, _ p: JSON) throws(IHubError) -> JSON {
        let db = engine.db
        let given = ["plan", "goal", "task"].filter { p[$0]?.int != nil }
        guard given.count == 1 else {
            throw IHubError.invalid(given.isEmpty ? "params: give the plan, goal or task whose status changes"
                                                  : "params: give one of plan, goal and task, not \(given.joined(separator: " and "))")
        }
        let item = given[0], id = p[item]!.int!, status = p["status"]!.string!
        let allowed = allowed(for: item)
        guard allowed.contains(status) else {
            throw IHubError.invalid("params.status: \(IHubError.quoted(status, "\"")) is not a \(item) status (\(allowed.joined(separator: ", ")))")
        }
        let plan: PlanRow, previous: String
        switch item {
        case "plan":
            plan = try PlanWorkflow.plan(db, id: id, at: "params.plan")
            previous = plan.status
        case "goal":
            guard let goal = try db.plan.goal(id: id) else { throw IHubError.notFound("params.goal: no goal with id \(id)") }
            plan = try PlanWorkflow.openPlan(db, id: goal.planID, at: "params.goal")
            previous = goal.status
        default:
            guard let task = try db.plan.task(id: id) else { throw IHubError.notFound("params.task: no task with id \(id)") }
            plan = try PlanWorkflow.openPlan(db, id: task.planID, at: "params.task")
            previous = task.status
        }
        let by = try PlanWorkflow.person(db, p, "by", PlanSubject(plan))
        // A goal's or task's change names its plan too; a plan's names it once.
        var result: [JSON.Member] = [.init(item, .int(id))] + (item == "plan" ? [] : [.init("plan", .int(plan.id))])
            + [.init("status", .string(status)), .init("previous", .string(previous))]
        guard status != previous else { return .object(result + [.init("changed", false)]) }
        if item == "plan" && status == "active" {
            let waiting = try db.plan.focusAreas(planID: plan.id).filter { $0.suggested && $0.confirmedAt == nil }
            if !waiting.isEmpty {
                let list = waiting.map { "\($0.instrument) \($0.area)" }.joined(separator: ", ")
                throw IHubError(.conflict, "params.status: plan \(plan.id) cannot become active: its suggested focus areas \(list) await a person's confirmation (plan.confirm_focus) or removal (plan.remove_focus)")
            }
        }
        try db.plan.setStatus(item: item, id: id, status: status)
        try db.plan.insertStatusChange(planID: plan.id, item: item, itemID: id, status: status, by: by, at: Timestamp.now(),
                                       note: p["note"]?.string)
        result.append(.init("changed", true))
        return .object(result)
    }
}
