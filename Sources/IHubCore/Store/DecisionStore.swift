/// The queries of the decision log (decisions): recording a decision and
/// reading them back by hub, kind, subject, time and page; and the pairing
/// runs that hold a pair or a record, which `decision.why` starts from.
struct DecisionStore {
    let db: Database
}

extension Database {
    var decisions: DecisionStore { DecisionStore(db: self) }
}

/// A decision about to be recorded.
struct NewDecision: Sendable {
    let hubID: Int64
    let kind: DecisionKind
    /// school, person, mentorship, process, run, plan or hub.
    let subjectKind: String
    let subjectID: Int64?
    let refID: Int64?
    let inputsHash: String
    let methodology: String
    let reason: String
    let detail: JSON
    var createdAt = Timestamp.now()
}

/// One recorded decision.
struct DecisionRow: Sendable {
    let id: Int64
    let hubID: Int64
    let hub: String
    let kind: String
    let subjectKind: String
    let subjectID: Int64?
    let refID: Int64?
    let inputsHash: String
    let methodology: String
    let reason: String
    let detail: String
    let createdAt: String
}

/// What decision.list selects.
struct DecisionFilter {
    var hubID: Int64
    var kind: String?
    var subjectKind: String?
    var subjectID: Int64?
    /// created_at at or after this text (a date or a timestamp).
    var since: String?
    /// Only decisions older than this id (the page after it).
    var before: Int64?
    var limit: Int64 = Int64.max
}

extension DecisionStore {
    private static let select = """
        SELECT d.id, d.hub_id, h.code, d.kind, d.subject_kind, d.subject_id, d.ref_id, d.inputs_hash, d.methodology,
               d.reason, d.detail, d.created_at
        FROM decisions d JOIN hubs h ON h.id = d.hub_id
        """

    private static func row(_ s: any Statement) -> DecisionRow {
        DecisionRow(id: s.int(0), hubID: s.int(1), hub: s.text(2) ?? "", kind: s.text(3) ?? "", subjectKind: s.text(4) ?? "",
                    subjectID: s.isNull(5) ? nil : s.int(5), refID: s.isNull(6) ? nil : s.int(6), inputsHash: s.text(7) ?? "",
                    methodology: s.text(8) ?? "", reason: s.text(9) ?? "", detail: s.text(10) ?? "{}", createdAt: s.text(11) ?? "")
    }

    /// Records a decision; its id.
    @discardableResult
    func insert(_ d: NewDecision) throws(IHubError) -> Int64 {
        let s = try db.statement("""
            INSERT INTO decisions(hub_id, kind, subject_kind, subject_id, ref_id, inputs_hash, methodology, reason, detail, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
            """)
        try s.bind([.int(d.hubID), .text(d.kind.rawValue), .text(d.subjectKind), SQLValue(d.subjectID), SQLValue(d.refID),
                    .text(d.inputsHash), .text(d.methodology), .text(d.reason), .text(d.detail.serialized()), .text(d.createdAt)])
        defer { s.reset() }
        guard try s.step() else { throw IHubError(.error, "decisions: the insert returned no id") }
        return s.int(0)
    }

    func get(id: Int64) throws(IHubError) -> DecisionRow? {
        try db.statement(Self.select + " WHERE d.id = ?").rows([.int(id)], Self.row).first
    }

    /// The hub's decisions that pass the filter, newest first.
    func list(_ f: DecisionFilter) throws(IHubError) -> [DecisionRow] {
        try db.statement(Self.select + """
             WHERE d.hub_id = ?
              AND (CAST(? AS TEXT) IS NULL OR d.kind = ?)
              AND (CAST(? AS TEXT) IS NULL OR d.subject_kind = ?)
              AND (CAST(? AS BIGINT) IS NULL OR d.subject_id = ?)
              AND (CAST(? AS TEXT) IS NULL OR d.created_at >= ?)
              AND (CAST(? AS BIGINT) IS NULL OR d.id < ?)
            ORDER BY d.id DESC LIMIT ?
            """).rows([.int(f.hubID), SQLValue(f.kind), SQLValue(f.kind), SQLValue(f.subjectKind), SQLValue(f.subjectKind),
                       SQLValue(f.subjectID), SQLValue(f.subjectID), SQLValue(f.since), SQLValue(f.since),
                       SQLValue(f.before), SQLValue(f.before), .int(f.limit)], Self.row)
    }

    /// The pairing decisions whose run pairs `mentee` with `mentor` (codes
    /// at the run's level), newest first.
    func pairingDecisions(hubID: Int64, level: String, mentee: String, mentor: String) throws(IHubError) -> [DecisionRow] {
        try db.statement(Self.select + """
             JOIN pairing_runs r ON r.id = d.ref_id
            WHERE d.hub_id = ? AND d.kind = 'pairing' AND r.level = ?
              AND EXISTS (SELECT 1 FROM run_pairs p WHERE p.run_id = r.id AND p.mentee = ? AND p.mentor = ?)
            ORDER BY d.id DESC
            """).rows([.int(hubID), .text(level), .text(mentee), .text(mentor)], Self.row)
    }

    /// The pairing decisions whose run pairs or leaves unmatched the record
    /// `code` at `level`, newest first, at most `limit`.
    func pairingDecisions(hubID: Int64, level: String, involving code: String, limit: Int64) throws(IHubError) -> [DecisionRow] {
        try db.statement(Self.select + """
             JOIN pairing_runs r ON r.id = d.ref_id
            WHERE d.hub_id = ? AND d.kind = 'pairing' AND r.level = ?
              AND (EXISTS (SELECT 1 FROM run_pairs p WHERE p.run_id = r.id AND (p.mentee = ? OR p.mentor = ?))
                   OR EXISTS (SELECT 1 FROM run_unmatched u WHERE u.run_id = r.id AND u.code = ?))
            ORDER BY d.id DESC LIMIT ?
            """).rows([.int(hubID), .text(level), .text(code), .text(code), .text(code), .int(limit)], Self.row)
    }

    /// The file names of the hub's methodology version `hash`, or nil when
    /// the hub has no such version.
    func versionFiles(hubID: Int64, hash: String) throws(IHubError) -> (loadedAt: String, note: String?, files: [String])? {
        guard let version = try db.methodology.version(hubID: hubID, hash: hash) else { return nil }
        let files = try db.statement("SELECT name FROM methodology_files WHERE version_id = ? ORDER BY name")
            .rows([.int(version.id)]) { s in s.text(0) ?? "" }
        return (version.loadedAt, version.note, files)
    }
}
