/// The process area's queries: process instances (of a school, a
/// mentorship or a school's development team), their transitions and the
/// toolbox methods chosen for them. Domain code (Process/) holds no SQL.
struct ProcessStore {
    let db: Database
}

extension Database {
    var process: ProcessStore { ProcessStore(db: self) }
}

// MARK: rows

/// A process instance with the codes it names.
struct ProcessInstanceRow {
    let id: Int64
    let hubID: Int64
    let hub: String
    let subject: String          // school, mentorship or team
    let schoolID: Int64?
    let school: String?
    let mentorshipID: Int64?
    let step: String?
    let cycle: Int64
    let modelHash: String
    let startedAt: String
    let closedAt: String?
    let closeReason: String?
    let transitions: Int64
    let lastMovedAt: String?
}

/// One move of an instance.
struct ProcessTransitionRow {
    let id: Int64
    let from: String?
    let to: String
    let cycle: Int64
    let by: String?              // the person's code
    let at: String
    let modelHash: String
    let note: String?
}

/// A toolbox method chosen for an instance ("" step: the whole process).
struct ChosenMethodRow {
    let methodID: Int64
    let code: String
    let name: String
    let step: String
    let by: String?
    let at: String
}

/// A move about to be stored.
struct NewTransition {
    let instanceID: Int64
    let from: String?
    let to: String
    let cycle: Int64
    let byID: Int64?
    let modelHash: String
    let note: String?
}

// MARK: instances

extension ProcessStore {
    private static let select = """
        SELECT x.id, x.hub_id, h.code, x.subject, x.school_id, s.code, x.mentorship_id, x.step, x.cycle, x.model_hash,
               x.started_at, x.closed_at, x.close_reason,
               (SELECT count(*) FROM process_transitions t WHERE t.instance_id = x.id),
               (SELECT max(t.moved_at) FROM process_transitions t WHERE t.instance_id = x.id)
        FROM process_instances x JOIN hubs h ON h.id = x.hub_id LEFT JOIN schools s ON s.id = x.school_id
        """

    private static func row(_ s: any Statement) -> ProcessInstanceRow {
        ProcessInstanceRow(id: s.int(0), hubID: s.int(1), hub: s.text(2) ?? "", subject: s.text(3) ?? "",
                           schoolID: s.isNull(4) ? nil : s.int(4), school: s.isNull(5) ? nil : s.text(5),
                           mentorshipID: s.isNull(6) ? nil : s.int(6), step: s.isNull(7) ? nil : s.text(7), cycle: s.int(8),
                           modelHash: s.text(9) ?? "", startedAt: s.text(10) ?? "", closedAt: s.isNull(11) ? nil : s.text(11),
                           closeReason: s.isNull(12) ? nil : s.text(12), transitions: s.int(13),
                           lastMovedAt: s.isNull(14) ? nil : s.text(14))
    }

    /// The hub of school `schoolID`, or nil when there is no such school.
    func hubID(schoolID: Int64) throws(IHubError) -> Int64? {
        try db.scalarInt("SELECT hub_id FROM schools WHERE id = ?", [.int(schoolID)])
    }

    /// The instance with row id `id`, or nil.
    func instance(id: Int64) throws(IHubError) -> ProcessInstanceRow? {
        try db.statement(ProcessStore.select + " WHERE x.id = ?").rows([.int(id)], ProcessStore.row).first
    }

    /// The open instance of a school or team (`subject`) of school `schoolID`, or nil.
    func openInstance(subject: String, schoolID: Int64) throws(IHubError) -> ProcessInstanceRow? {
        try db.statement(ProcessStore.select + " WHERE x.subject = ? AND x.school_id = ? AND x.closed_at IS NULL")
            .rows([.text(subject), .int(schoolID)], ProcessStore.row).first
    }

    /// The open instance of mentorship `mentorshipID`, or nil.
    func openInstance(mentorshipID: Int64) throws(IHubError) -> ProcessInstanceRow? {
        try db.statement(ProcessStore.select + " WHERE x.mentorship_id = ? AND x.closed_at IS NULL")
            .rows([.int(mentorshipID)], ProcessStore.row).first
    }

    /// A hub's instances, oldest first, filtered by school (as the subject's
    /// school), mentorship, subject and open/closed (nil: any).
    func instances(hubID: Int64, schoolID: Int64?, mentorshipID: Int64?, subject: String?,
                   open: Bool?) throws(IHubError) -> [ProcessInstanceRow] {
        let openFlag: Int64? = open.map { $0 ? 1 : 0 }
        return try db.statement(ProcessStore.select + """
             WHERE x.hub_id = ? AND (CAST(? AS BIGINT) IS NULL OR x.school_id = ?)
               AND (CAST(? AS BIGINT) IS NULL OR x.mentorship_id = ?) AND (CAST(? AS TEXT) IS NULL OR x.subject = ?)
               AND (CAST(? AS BIGINT) IS NULL OR (CAST(? AS BIGINT) = 1) = (x.closed_at IS NULL))
             ORDER BY x.id
            """).rows([.int(hubID), SQLValue(schoolID), SQLValue(schoolID), SQLValue(mentorshipID), SQLValue(mentorshipID),
                       SQLValue(subject), SQLValue(subject), SQLValue(openFlag), SQLValue(openFlag)], ProcessStore.row)
    }

    /// Stores a new instance before its first step; its row id.
    func addInstance(hubID: Int64, subject: String, schoolID: Int64?, mentorshipID: Int64?,
                     modelHash: String) throws(IHubError) -> Int64 {
        let s = try db.statement("""
            INSERT INTO process_instances(hub_id, subject, school_id, mentorship_id, cycle, model_hash, started_at)
            VALUES (?, ?, ?, ?, 1, ?, ?) RETURNING id
            """)
        try s.bind([.int(hubID), .text(subject), SQLValue(schoolID), SQLValue(mentorshipID), .text(modelHash), .text(Timestamp.now())])
        guard try s.step() else { throw IHubError(.error, "process_instances: the insert returned no id") }
        defer { s.reset() }
        return s.int(0)
    }

    /// Records a move and sets the instance's step and cycle.
    func move(_ t: NewTransition) throws(IHubError) {
        try db.statement("""
            INSERT INTO process_transitions(instance_id, from_step, to_step, cycle, moved_by, moved_at, model_hash, note)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """).run([.int(t.instanceID), SQLValue(t.from), .text(t.to), .int(t.cycle), SQLValue(t.byID), .text(Timestamp.now()),
                      .text(t.modelHash), SQLValue(t.note)])
        try db.statement("UPDATE process_instances SET step = ?, cycle = ? WHERE id = ?")
            .run([.text(t.to), .int(t.cycle), .int(t.instanceID)])
    }

    /// Closes an open instance now, with the reason.
    func close(id: Int64, reason: String) throws(IHubError) {
        try db.statement("UPDATE process_instances SET closed_at = ?, close_reason = ? WHERE id = ? AND closed_at IS NULL")
            .run([.text(Timestamp.now()), .text(reason), .int(id)])
    }

    /// An instance's moves, in order.
    func transitions(instanceID: Int64) throws(IHubError) -> [ProcessTransitionRow] {
        try db.statement("""
            SELECT t.id, t.from_step, t.to_step, t.cycle, p.code, t.moved_at, t.model_hash, t.note
            FROM process_transitions t LEFT JOIN people p ON p.id = t.moved_by WHERE t.instance_id = ? ORDER BY t.id
            """).rows([.int(instanceID)]) { s in
            ProcessTransitionRow(id: s.int(0), from: s.isNull(1) ? nil : s.text(1), to: s.text(2) ?? "", cycle: s.int(3),
                                 by: s.isNull(4) ? nil : s.text(4), at: s.text(5) ?? "", modelHash: s.text(6) ?? "",
                                 note: s.isNull(7) ? nil : s.text(7))
        }
    }
}

// MARK: chosen methods

extension ProcessStore {
    /// The methods chosen for an instance, by step ("" first) then code.
    func chosenMethods(instanceID: Int64) throws(IHubError) -> [ChosenMethodRow] {
        try db.statement("""
            SELECT m.id, m.code, m.name, c.step, p.code, c.chosen_at
            FROM process_methods c JOIN toolbox_methods m ON m.id = c.method_id LEFT JOIN people p ON p.id = c.chosen_by
            WHERE c.instance_id = ? ORDER BY c.step, m.code, m.id
            """).rows([.int(instanceID)]) { s in
            ChosenMethodRow(methodID: s.int(0), code: s.text(1) ?? "", name: s.text(2) ?? "", step: s.text(3) ?? "",
                            by: s.isNull(4) ? nil : s.text(4), at: s.text(5) ?? "")
        }
    }

    /// Whether method `methodID` is chosen for the instance at `step`.
    func isChosen(instanceID: Int64, methodID: Int64, step: String) throws(IHubError) -> Bool {
        try db.scalarInt("SELECT 1 FROM process_methods WHERE instance_id = ? AND method_id = ? AND step = ?",
                         [.int(instanceID), .int(methodID), .text(step)]) != nil
    }

    func choose(instanceID: Int64, methodID: Int64, step: String, byID: Int64?) throws(IHubError) {
        try db.statement("INSERT INTO process_methods(instance_id, method_id, step, chosen_by, chosen_at) VALUES (?, ?, ?, ?, ?)")
            .run([.int(instanceID), .int(methodID), .text(step), SQLValue(byID), .text(Timestamp.now())])
    }

    /// Removes a choice; false when there was none.
    func unchoose(instanceID: Int64, methodID: Int64, step: String) throws(IHubError) -> Bool {
        try db.statement("DELETE FROM process_methods WHERE instance_id = ? AND method_id = ? AND step = ?")
            .run([.int(instanceID), .int(methodID), .text(step)])
        return db.changes > 0
    }
}
