/// One thing wrong with an xAPI statement: where (a dotted path with `[k]`
/// for array items, "" for the statement as a whole: `actor.mbox`,
/// `context.contextActivities.parent[0].id`), what, and whether the
/// specification says MUST (an error: the statement is invalid) or SHOULD
/// (a warning: the statement stays valid).
struct XAPIProblem: Equatable, Sendable {
    enum Severity: String, Sendable { case error, warning }

    let path: String
    let message: String
    let severity: Severity

    init(_ severity: Severity, _ path: String, _ message: String) {
        self.severity = severity
        self.path = path
        self.message = message
    }

    /// `{"path", "message"}`, as xapi.validate reports it.
    var json: JSON { ["path": .string(path), "message": .string(message)] }

    /// `actor.mbox: must be a mailto: IRI` (the message alone at the root).
    var text: String { path.isEmpty ? message : "\(path): \(message)" }
}

/// What the validator found in one statement of a batch.
struct XAPIReport: Sendable {
    /// 0-based position in the batch (a blank NDJSON line takes none).
    let index: Int
    /// 1-based line in NDJSON input; nil for a JSON array.
    let line: Int?
    /// The parsed statement; nil when its text was not JSON (the one
    /// problem then says why, at path "").
    let statement: JSON?
    let problems: [XAPIProblem]

    var valid: Bool { !problems.contains { $0.severity == .error } }
    var errors: [XAPIProblem] { problems.filter { $0.severity == .error } }
    var warnings: [XAPIProblem] { problems.filter { $0.severity == .warning } }

    /// `{"index", "line"?, "valid", "errors", "warnings"}`.
    var json: JSON {
        var members: [JSON.Member] = [.init("index", .int(Int64(index)))]
        if let line { members.append(.init("line", .int(Int64(line)))) }
        members.append(.init("valid", .bool(valid)))
        members.append(.init("errors", .array(errors.map(\.json))))
        members.append(.init("warnings", .array(warnings.map(\.json))))
        return .object(members)
    }
}
