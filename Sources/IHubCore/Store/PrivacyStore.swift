/// The privacy area's queries: the database's secrets (the pseudonym key)
/// and what an erasure rewrites — the person's row, free text that names
/// them, their personal plans' text, pairing records and xAPI statements.
struct PrivacyStore {
    let db: Database
}

extension Database {
    var privacy: PrivacyStore { PrivacyStore(db: self) }
}

extension PrivacyStore {
    // MARK: secrets

    func secret(_ name: String) throws(IHubError) -> String? {
        try db.scalarText("SELECT value FROM ihub_secrets WHERE name = ?", [.text(name)])
    }

    /// Stores a secret unless one of that name exists (which is kept).
    func addSecret(_ name: String, value: String) throws(IHubError) {
        try db.statement("INSERT INTO ihub_secrets(name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING")
            .run([.text(name), .text(value)])
    }

    /// Every hub with its k (min_group_size), by code.
    func hubsWithK() throws(IHubError) -> [(id: Int64, code: String, k: Int)] {
        try db.statement("SELECT id, code, min_group_size FROM hubs ORDER BY code, id").rows([]) { s in
            (s.int(0), s.text(1) ?? "", Int(s.int(2)))
        }
    }

    // MARK: the person

    struct Person {
        let id: Int64
        let hubID: Int64
        let code: String
        let name: String
        let email: String?
        let erasedAt: String?
    }

    func person(_ id: Int64) throws(IHubError) -> Person? {
        let s = try db.statement("SELECT id, hub_id, code, name, email, erased_at FROM people WHERE id = ?")
        try s.bind([.int(id)])
        defer { s.reset() }
        guard try s.step() else { return nil }
        return Person(id: s.int(0), hubID: s.int(1), code: s.text(2) ?? "", name: s.text(3) ?? "", email: s.text(4),
                      erasedAt: s.text(5))
    }

    /// The row keeps its id (the aggregates' link) and loses its personal data.
    func eraseRow(_ id: Int64, code: String, at stamp: String, reason: String?) throws(IHubError) {
        try db.statement("""
            UPDATE people SET code = ?, name = ?, email = NULL, subjects = '[]', languages = '[]', erased_at = ?,
                erasure_reason = ? WHERE id = ?
            """).run([.text(code), .text(code), .text(stamp), SQLValue(reason), .int(id)])
    }

    /// Every person's code, of one hub or of all.
    func personCodes(hubID: Int64?) throws(IHubError) -> [String] {
        try db.statement("SELECT code FROM people WHERE CAST(? AS BIGINT) IS NULL OR hub_id = ? ORDER BY id")
            .rows([SQLValue(hubID), SQLValue(hubID)]) { s in s.text(0) ?? "" }
    }

    // MARK: free text

    /// A column of free text, the key of its rows, and the condition that
    /// keeps its rows to one hub (one parameter, the hub's id).
    struct TextColumn {
        let table: String
        let column: String
        let hub: String
    }

    static let inHub = "hub_id = ?"
    static let ofPlans = "plan_id IN (SELECT id FROM action_plans WHERE hub_id = ?)"

    /// Every column where people write about people, by hub.
    static let freeText: [TextColumn] = [
        .init(table: "activities", column: "notes", hub: inHub),
        .init(table: "activities", column: "outcome", hub: inHub),
        .init(table: "activities", column: "void_reason", hub: inHub),
        .init(table: "action_plans", column: "title", hub: inHub),
        .init(table: "plan_goals", column: "description", hub: ofPlans),
        .init(table: "plan_tasks", column: "title",
              hub: "goal_id IN (SELECT g.id FROM plan_goals g JOIN action_plans a ON a.id = g.plan_id WHERE a.hub_id = ?)"),
        .init(table: "plan_status_changes", column: "note", hub: ofPlans),
        .init(table: "plan_focus_areas", column: "evidence", hub: ofPlans),
        .init(table: "process_transitions", column: "note", hub: "instance_id IN (SELECT id FROM process_instances WHERE hub_id = ?)"),
        .init(table: "process_instances", column: "close_reason", hub: inHub),
        .init(table: "mentorships", column: "end_reason", hub: inHub),
        .init(table: "engagements", column: "note", hub: "stakeholder_id IN (SELECT id FROM stakeholders WHERE hub_id = ?)"),
        .init(table: "stakeholders", column: "contact", hub: inHub),
        .init(table: "responses", column: "respondent", hub: "round_id IN (SELECT id FROM rounds WHERE hub_id = ?)"),
        .init(table: "classifications", column: "reasons", hub: "round_id IN (SELECT id FROM rounds WHERE hub_id = ?)"),
        .init(table: "pairing_runs", column: "params", hub: inHub),
        .init(table: "insights", column: "title", hub: inHub),
        .init(table: "insights", column: "reason", hub: inHub),
        .init(table: "insights", column: "action", hub: inHub),
        .init(table: "insight_feedback", column: "note", hub: "insight_id IN (SELECT id FROM insights WHERE hub_id = ?)"),
        // The decision log names records by id; what scripts and rules wrote may
        // name people (its detail, JSON, is scrubbed value by value: DecisionLog.scrub).
        .init(table: "decisions", column: "reason", hub: inHub),
        // The consortium's rows (hub_id NULL) may name anyone.
        .init(table: "indicator_snapshots", column: "detail", hub: "(hub_id = ? OR hub_id IS NULL)"),
    ]

    /// (id, text) of the rows of `c` in the hub whose text may hold one of
    /// `patterns` (compared lower-cased by the engine; the caller decides).
    func texts(_ c: TextColumn, hubID: Int64, patterns: [String]) throws(IHubError) -> [(id: Int64, text: String)] {
        let like = patterns.map { _ in "lower(\(c.column)) LIKE lower(?)" }.joined(separator: " OR ")
        return try db.statement("SELECT id, \(c.column) FROM \(c.table) WHERE \(c.hub) AND (\(like)) ORDER BY id")
            .rows([.int(hubID)] + patterns.map(SQLValue.text)) { s in (s.int(0), s.text(1) ?? "") }
    }

    func setText(_ c: TextColumn, id: Int64, _ text: String) throws(IHubError) {
        try db.statement("UPDATE \(c.table) SET \(c.column) = ? WHERE id = ?").run([.text(text), .int(id)])
    }

    /// The text of the person's own action plans (their goals, tasks and
    /// the notes of their status changes) is about them: replaced whole.
    /// Returns the number of plans.
    func erasePlanTexts(person: Int64, with text: String) throws(IHubError) -> Int64 {
        let plans = "SELECT id FROM action_plans WHERE person_id = ?"
        let n = try db.scalarInt("SELECT count(*) FROM action_plans WHERE person_id = ?", [.int(person)]) ?? 0
        guard n > 0 else { return 0 }
        try db.statement("UPDATE action_plans SET title = ? WHERE person_id = ?").run([.text(text), .int(person)])
        try db.statement("UPDATE plan_goals SET description = ? WHERE plan_id IN (\(plans))").run([.text(text), .int(person)])
        try db.statement("UPDATE plan_tasks SET title = ? WHERE goal_id IN (SELECT id FROM plan_goals WHERE plan_id IN (\(plans)))")
            .run([.text(text), .int(person)])
        try db.statement("UPDATE plan_status_changes SET note = NULL WHERE plan_id IN (\(plans))").run([.int(person)])
        return n
    }

    // MARK: pairing records

    /// Teacher-level pairing runs name people by code: the code becomes
    /// the erased one. Returns the rows changed.
    func renamePairingCodes(hubID: Int64, from code: String, to erased: String) throws(IHubError) -> Int64 {
        let runs = "run_id IN (SELECT id FROM pairing_runs WHERE hub_id = ? AND level = 'teacher')"
        var n: Int64 = 0
        for (table, column) in [("run_pairs", "mentee"), ("run_pairs", "mentor"), ("run_unmatched", "code")] {
            n += try db.scalarInt("SELECT count(*) FROM \(table) WHERE \(column) = ? AND \(runs)", [.text(code), .int(hubID)]) ?? 0
            try db.statement("UPDATE \(table) SET \(column) = ? WHERE \(column) = ? AND \(runs)")
                .run([.text(erased), .text(code), .int(hubID)])
        }
        return n
    }

    /// (run, code, reason) of the unmatched records of the hub whose reason may hold a pattern.
    func unmatchedReasons(hubID: Int64, patterns: [String]) throws(IHubError) -> [(run: Int64, code: String, reason: String)] {
        let like = patterns.map { _ in "lower(reason) LIKE lower(?)" }.joined(separator: " OR ")
        return try db.statement("""
            SELECT run_id, code, reason FROM run_unmatched
            WHERE run_id IN (SELECT id FROM pairing_runs WHERE hub_id = ?) AND (\(like)) ORDER BY run_id, code
            """).rows([.int(hubID)] + patterns.map(SQLValue.text)) { s in (s.int(0), s.text(1) ?? "", s.text(2) ?? "") }
    }

    func setUnmatchedReason(run: Int64, code: String, _ reason: String) throws(IHubError) {
        try db.statement("UPDATE run_unmatched SET reason = ? WHERE run_id = ? AND code = ?").run([.text(reason), .int(run), .text(code)])
    }

    // MARK: xAPI statements

    /// (id, statement) of the hub's stored statements that may name the person.
    func statements(hubID: Int64, patterns: [String]) throws(IHubError) -> [(id: Int64, statement: String)] {
        let like = patterns.map { _ in "lower(statement) LIKE lower(?)" }.joined(separator: " OR ")
        return try db.statement("SELECT id, statement FROM xapi_statements WHERE hub_id = ? AND (\(like)) ORDER BY id")
            .rows([.int(hubID)] + patterns.map(SQLValue.text)) { s in (s.int(0), s.text(1) ?? "") }
    }

    func setStatement(id: Int64, actor: String, object: String, statement: String) throws(IHubError) {
        try db.statement("UPDATE xapi_statements SET actor = ?, object = ?, statement = ? WHERE id = ?")
            .run([.text(actor), .text(object), .text(statement), .int(id)])
    }
}
