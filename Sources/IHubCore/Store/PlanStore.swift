/// The queries of action plans: plans of a school or a teacher, their focus
/// areas, goals, tasks and the record of every status they had. Domain code
/// (Plan/) calls these and holds no SQL.
struct PlanStore {
    let db: Database
}

extension Database {
    var plan: PlanStore { PlanStore(db: self) }
}

/// A plan with the codes of what it belongs to.
struct PlanRow {
    let id: Int64
    let hubID: Int64
    let hub: String
    let schoolID: Int64?
    let school: String?
    let personID: Int64?
    let person: String?
    let instanceID: Int64?
    let round: String?
    let title: String
    let status: String
    let createdAt: String
}

/// A plan of plan.list, with the counts of its parts.
struct PlanListing {
    let plan: PlanRow
    let goals: Int64
    let openGoals: Int64
    let tasks: Int64
    let focusAreas: Int64
    let unconfirmed: Int64
}

struct FocusAreaRow {
    let id: Int64
    let instrumentID: Int64
    let instrument: String
    let area: String
    let evidence: JSON
    let suggested: Bool
    let confirmedBy: String?
    let confirmedAt: String?
}

struct GoalRow {
    let id: Int64
    let planID: Int64
    let instrumentID: Int64
    let instrument: String
    let area: String
    let description: String
    let baseline: Double?
    let target: Double
    let targetDate: String
    let status: String
}

struct TaskRow {
    let id: Int64
    let goalID: Int64
    let planID: Int64
    let title: String
    let owner: String?
    let due: String?
    let status: String
}

struct StatusChangeRow {
    let id: Int64
    let item: String
    let itemID: Int64
    let status: String
    let by: String?
    let at: String
    let note: String?
}

/// A round in which a school or a teacher has assessment data, with one
/// instrument of that data.
struct AssessedRound {
    let round: String
    let instrumentID: Int64
}

// MARK: what plans point at

extension PlanStore {
    /// The rounds (and instruments) with data about a school — responses or
    /// area reports — or with responses assessing a teacher; the latest
    /// round first (by start date, rounds without one after those with
    /// one, then by id), instruments by id.
    func assessedRounds(schoolID: Int64?, personID: Int64?) throws(IHubError) -> [AssessedRound] {
        let order = """
             ORDER BY CASE WHEN r.start_date IS NULL THEN 1 ELSE 0 END, r.start_date DESC, r.id DESC, x.instrument_id
            """
        let s: any Statement
        if let schoolID {
            s = try db.statement("""
                SELECT r.code, x.instrument_id FROM (
                    SELECT round_id, instrument_id FROM responses WHERE school_id = ?
                    UNION SELECT round_id, instrument_id FROM area_results WHERE school_id = ?) x
                JOIN rounds r ON r.id = x.round_id
                """ + order)
            try s.bind([.int(schoolID), .int(schoolID)])
        } else {
            s = try db.statement("""
                SELECT r.code, x.instrument_id FROM (SELECT DISTINCT round_id, instrument_id FROM responses WHERE person_id = ?) x
                JOIN rounds r ON r.id = x.round_id
                """ + order)
            try s.bind([SQLValue(personID)])
        }
        var rows: [AssessedRound] = []
        while try s.step() { rows.append(AssessedRound(round: s.text(0) ?? "", instrumentID: s.int(1))) }
        return rows
    }
}

// MARK: writing

extension PlanStore {
    private func insertReturningID(_ sql: String, _ values: [SQLValue], _ table: String) throws(IHubError) -> Int64 {
        let s = try db.statement(sql + " RETURNING id")
        try s.bind(values)
        guard try s.step() else { throw IHubError(.error, "\(table): the insert returned no id") }
        let id = s.int(0)
        s.reset()
        return id
    }

    func insertPlan(hubID: Int64, schoolID: Int64?, personID: Int64?, instanceID: Int64?, roundID: Int64?,
                    title: String, createdAt: String) throws(IHubError) -> Int64 {
        try insertReturningID("""
            INSERT INTO action_plans(hub_id, school_id, person_id, instance_id, round_id, title, status, created_at)
            VALUES (?, ?, ?, ?, ?, ?, 'draft', ?)
            """, [.int(hubID), SQLValue(schoolID), SQLValue(personID), SQLValue(instanceID), SQLValue(roundID), .text(title),
                  .text(createdAt)], "action_plans")
    }

    func insertFocusArea(planID: Int64, instrumentID: Int64, area: String, evidence: JSON, suggested: Bool,
                         confirmedBy: Int64?, confirmedAt: String?) throws(IHubError) -> Int64 {
        try insertReturningID("""
            INSERT INTO plan_focus_areas(plan_id, instrument_id, area, evidence, suggested, confirmed_by, confirmed_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """, [.int(planID), .int(instrumentID), .text(area), .text(evidence.serialized()), .int(suggested ? 1 : 0),
                  SQLValue(confirmedBy), SQLValue(confirmedAt)], "plan_focus_areas")
    }

    func confirmFocusArea(id: Int64, by personID: Int64, at: String) throws(IHubError) {
        try db.statement("UPDATE plan_focus_areas SET confirmed_by = ?, confirmed_at = ? WHERE id = ?")
            .run([.int(personID), .text(at), .int(id)])
    }

    func deleteFocusArea(id: Int64) throws(IHubError) {
        try db.statement("DELETE FROM plan_focus_areas WHERE id = ?").run([.int(id)])
    }

    func insertGoal(planID: Int64, instrumentID: Int64, area: String, description: String, baseline: Double?,
                    target: Double, targetDate: String) throws(IHubError) -> Int64 {
        try insertReturningID("""
            INSERT INTO plan_goals(plan_id, instrument_id, area, description, baseline, target_level, target_date, status)
            VALUES (?, ?, ?, ?, ?, ?, ?, 'open')
            """, [.int(planID), .int(instrumentID), .text(area), .text(description), SQLValue(baseline), .double(target),
                  .text(targetDate)], "plan_goals")
    }

    func insertTask(goalID: Int64, title: String, ownerID: Int64?, due: String?) throws(IHubError) -> Int64 {
        try insertReturningID("""
            INSERT INTO plan_tasks(goal_id, title, owner_id, due_date, status) VALUES (?, ?, ?, ?, 'open')
            """, [.int(goalID), .text(title), SQLValue(ownerID), SQLValue(due)], "plan_tasks")
    }

    /// Writes an item's status (item: plan, goal or task).
    func setStatus(item: String, id: Int64, status: String) throws(IHubError) {
        let sql = switch item {
        case "plan": "UPDATE action_plans SET status = ? WHERE id = ?"
        case "goal": "UPDATE plan_goals SET status = ? WHERE id = ?"
        default: "UPDATE plan_tasks SET status = ? WHERE id = ?"
        }
        try db.statement(sql).run([.text(status), .int(id)])
    }

    func insertStatusChange(planID: Int64, item: String, itemID: Int64, status: String, by: Int64?, at: String,
                            note: String?) throws(IHubError) {
        try db.statement("""
            INSERT INTO plan_status_changes(plan_id, item, item_id, status, changed_by, changed_at, note) VALUES (?, ?, ?, ?, ?, ?, ?)
            """).run([.int(planID), .text(item), .int(itemID), .text(status), SQLValue(by), .text(at), SQLValue(note)])
    }
}

// MARK: reading

extension PlanStore {
    private static let planColumns = """
        SELECT p.id, p.hub_id, h.code, p.school_id, s.code, p.person_id, pe.code, p.instance_id, r.code, p.title, p.status,
               p.created_at
        """
    private static let planJoins = """
         FROM action_plans p JOIN hubs h ON h.id = p.hub_id LEFT JOIN schools s ON s.id = p.school_id
        LEFT JOIN people pe ON pe.id = p.person_id LEFT JOIN rounds r ON r.id = p.round_id
        """

    private static func planRow(_ s: any Statement) -> PlanRow {
        func text(_ i: Int32) -> String? { s.isNull(i) ? nil : s.text(i) }
        func int(_ i: Int32) -> Int64? { s.isNull(i) ? nil : s.int(i) }
        return PlanRow(id: s.int(0), hubID: s.int(1), hub: s.text(2) ?? "", schoolID: int(3), school: text(4), personID: int(5),
                       person: text(6), instanceID: int(7), round: text(8), title: s.text(9) ?? "", status: s.text(10) ?? "",
                       createdAt: s.text(11) ?? "")
    }

    func plan(id: Int64) throws(IHubError) -> PlanRow? {
        let s = try db.statement(Self.planColumns + Self.planJoins + " WHERE p.id = ?")
        try s.bind([.int(id)])
        defer { s.reset() }
        guard try s.step() else { return nil }
        return Self.planRow(s)
    }

    /// Plans matching every filter given (nil: any), by id, with counts.
    func plans(hubID: Int64?, schoolID: Int64?, personID: Int64?, instanceID: Int64?, status: String?) throws(IHubError) -> [PlanListing] {
        let s = try db.statement(Self.planColumns + """
            , (SELECT count(*) FROM plan_goals g WHERE g.plan_id = p.id),
              (SELECT count(*) FROM plan_goals g WHERE g.plan_id = p.id AND g.status = 'open'),
              (SELECT count(*) FROM plan_tasks t JOIN plan_goals g ON g.id = t.goal_id WHERE g.plan_id = p.id),
              (SELECT count(*) FROM plan_focus_areas f WHERE f.plan_id = p.id),
              (SELECT count(*) FROM plan_focus_areas f WHERE f.plan_id = p.id AND f.suggested = 1 AND f.confirmed_at IS NULL)
            """ + Self.planJoins + """
             WHERE (CAST(? AS BIGINT) IS NULL OR p.hub_id = ?) AND (CAST(? AS BIGINT) IS NULL OR p.school_id = ?)
               AND (CAST(? AS BIGINT) IS NULL OR p.person_id = ?) AND (CAST(? AS BIGINT) IS NULL OR p.instance_id = ?)
               AND (CAST(? AS TEXT) IS NULL OR p.status = ?)
            ORDER BY p.id
            """)
        try s.bind([SQLValue(hubID), SQLValue(hubID), SQLValue(schoolID), SQLValue(schoolID), SQLValue(personID), SQLValue(personID),
                    SQLValue(instanceID), SQLValue(instanceID), SQLValue(status), SQLValue(status)])
        var rows: [PlanListing] = []
        while try s.step() {
            rows.append(PlanListing(plan: Self.planRow(s), goals: s.int(12), openGoals: s.int(13), tasks: s.int(14),
                                    focusAreas: s.int(15), unconfirmed: s.int(16)))
        }
        return rows
    }

    func focusAreas(planID: Int64) throws(IHubError) -> [FocusAreaRow] {
        let s = try db.statement("""
            SELECT f.id, f.instrument_id, i.code, f.area, f.evidence, f.suggested, p.code, f.confirmed_at
            FROM plan_focus_areas f JOIN instruments i ON i.id = f.instrument_id LEFT JOIN people p ON p.id = f.confirmed_by
            WHERE f.plan_id = ? ORDER BY f.id
            """)
        try s.bind([.int(planID)])
        var rows: [FocusAreaRow] = []
        while try s.step() {
            let id = s.int(0)
            rows.append(FocusAreaRow(
                id: id, instrumentID: s.int(1), instrument: s.text(2) ?? "", area: s.text(3) ?? "",
                evidence: try db.storedJSON(s.text(4), at: "plan_focus_areas.evidence of focus area #\(id)"),
                suggested: s.int(5) == 1, confirmedBy: s.isNull(6) ? nil : s.text(6), confirmedAt: s.isNull(7) ? nil : s.text(7)))
        }
        return rows
    }

    private static let goalColumns = """
        SELECT g.id, g.plan_id, g.instrument_id, i.code, g.area, g.description, g.baseline, g.target_level, g.target_date, g.status
        FROM plan_goals g JOIN instruments i ON i.id = g.instrument_id
        """

    private static func goalRow(_ s: any Statement) -> GoalRow {
        GoalRow(id: s.int(0), planID: s.int(1), instrumentID: s.int(2), instrument: s.text(3) ?? "", area: s.text(4) ?? "",
                description: s.text(5) ?? "", baseline: s.isNull(6) ? nil : s.double(6), target: s.double(7),
                targetDate: s.text(8) ?? "", status: s.text(9) ?? "")
    }

    func goal(id: Int64) throws(IHubError) -> GoalRow? {
        let s = try db.statement(Self.goalColumns + " WHERE g.id = ?")
        try s.bind([.int(id)])
        defer { s.reset() }
        guard try s.step() else { return nil }
        return Self.goalRow(s)
    }

    func goals(planID: Int64) throws(IHubError) -> [GoalRow] {
        try db.statement(Self.goalColumns + " WHERE g.plan_id = ? ORDER BY g.id").rows([.int(planID)], Self.goalRow)
    }

    private static let taskColumns = """
        SELECT t.id, t.goal_id, g.plan_id, t.title, p.code, t.due_date, t.status
        FROM plan_tasks t JOIN plan_goals g ON g.id = t.goal_id LEFT JOIN people p ON p.id = t.owner_id
        """

    private static func taskRow(_ s: any Statement) -> TaskRow {
        TaskRow(id: s.int(0), goalID: s.int(1), planID: s.int(2), title: s.text(3) ?? "", owner: s.isNull(4) ? nil : s.text(4),
                due: s.isNull(5) ? nil : s.text(5), status: s.text(6) ?? "")
    }

    func task(id: Int64) throws(IHubError) -> TaskRow? {
        let s = try db.statement(Self.taskColumns + " WHERE t.id = ?")
        try s.bind([.int(id)])
        defer { s.reset() }
        guard try s.step() else { return nil }
        return Self.taskRow(s)
    }

    /// The tasks of a plan's goals, by id.
    func tasks(planID: Int64) throws(IHubError) -> [TaskRow] {
        try db.statement(Self.taskColumns + " WHERE g.plan_id = ? ORDER BY t.id").rows([.int(planID)], Self.taskRow)
    }

    /// A plan's status changes, in the order they were made.
    func history(planID: Int64) throws(IHubError) -> [StatusChangeRow] {
        try db.statement("""
            SELECT c.id, c.item, c.item_id, c.status, p.code, c.changed_at, c.note
            FROM plan_status_changes c LEFT JOIN people p ON p.id = c.changed_by WHERE c.plan_id = ? ORDER BY c.id
            """).rows([.int(planID)]) { s in
            StatusChangeRow(id: s.int(0), item: s.text(1) ?? "", itemID: s.int(2), status: s.text(3) ?? "",
                            by: s.isNull(4) ? nil : s.text(4), at: s.text(5) ?? "", note: s.isNull(6) ? nil : s.text(6))
        }
    }
}
