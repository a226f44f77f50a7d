/// One named operation of the method table: what C and Python reach through
/// `ihub_call`, Lua through `ihub.<ns>.<op>{...}`, and the CLI through
/// `ihub call`. Declared once, with its documentation.
struct Method: Sendable {
    let name: String
    let summary: String
    let params: [Field]
    /// Writes run in one transaction and are hidden from methodology scripts.
    let writes: Bool
    /// The isolation of that transaction on PostgreSQL (see Isolation).
    let isolation: Isolation
    /// Reads or writes the file named by its `path` parameter: refused a
    /// path when called from Lua, whose scripts must not touch files.
    let files: Bool
    /// The shape of what it returns (api.describe's "result"; checked
    /// against real results when IHUB_CHECK_RESULTS=1).
    let result: Shape?
    /// Parameters that work on the demo region (`ihub demo`): shown in the
    /// reference manual and run by its test.
    let example: JSON?
    /// The failures particular to this operation, beyond those every call
    /// can meet (IHUB_INVALID for parameters that do not fit, IHUB_LIMIT past
    /// a bound): the reference manual lists both.
    let errors: [Failure]
    let run: @Sendable (Engine, JSON) throws(IHubError) -> JSON

    init(_ name: String, _ summary: String, writes: Bool = false, isolation: Isolation = .serializable,
         files: Bool = false, params: [Field] = [], result: Shape? = nil, example: JSON? = nil, errors: [Failure] = [], run: @escaping @Sendable (Engine, JSON) throws(IHubError) -> JSON)
    {
        self.name = name
        self.summary = summary
        self.writes = writes
        self.isolation = isolation
        self.files = files
        self.params = params
        self.result = result
        self.example = example
        self.errors = errors
        self.run = run
    }

    var described: JSON {
        [
            "name": .string(name),
            "summary": .string(summary),
            "writes": .bool(writes),
            "files": .bool(files),
            "params": .array(params.map(\.described)),
            "result": result?.described ?? .null,
            "example": example ?? .null,
            "errors": .array(errors.map { ["status": .string($0.status.name), "when": .string($0.when)] }),
        ]
    }

    /// A status the operation returns and when: `.notFound("no school has that code")`.
    struct Failure: Sendable {
        let status: Status
        let when: String

        static func notFound(_ when: String) -> Failure { Failure(status: .notFound, when: when) }
        static func conflict(_ when: String) -> Failure { Failure(status: .conflict, when: when) }
        static func constraint(_ when: String) -> Failure { Failure(status: .constraint, when: when) }
        static func script(_ when: String) -> Failure { Failure(status: .script, when: when) }
        static func limit(_ when: String) -> Failure { Failure(status: .limit, when: when) }
        static func io(_ when: String) -> Failure { Failure(status: .io, when: when) }
        static func invalid(_ when: String) -> Failure { Failure(status: .invalid, when: when) }
        static func busy(_ when: String) -> Failure { Failure(status: .busy, when: when) }
    }
}

/// Every operation, in catalogue order. Add an operation to its area's
/// list and it appears in C, Python, Lua, the CLI and `api.describe`.
enum MethodTable {
    static let all: [Method] = ApiMethods.all + Registry.entities.flatMap(\.methods) + People.methods
        + Teams.methods + Engagements.methods + ScriptMethods.all + DemoMethods.all + StoreMethods.all
        + ExchangeMethods.all
        + HubScriptMethods.all + InstrumentMethods.all + ResponseMethods.all + AnalysisMethods.all + ClassificationMethods.all + PairingMethods.all
        + SolverMethods.all
        + PlanMethods.all
        + ProcessMethods.all + ToolboxMethods.all + MentorshipMethods.all
        + ActivityMethods.all
        + XAPIValidateMethods.all + XAPIExchangeMethods.all
        + IndicatorMethods.all
        + ReportMethods.all
        + InsightMethods.all
        + NetworkMethods.all
        + ImpactMethods.all
        + PrivacyMethods.all
        + MethodologyMethods.all
        + DecisionMethods.all
        + MethodologyToolMethods.all

    static let byName: [String: Method] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })

    static func find(_ name: String) throws(IHubError) -> Method {
        guard let m = byName[name] else {
            let namespace = name.split(separator: ".").first.map(String.init) ?? name
            let near = all.filter { $0.name.hasPrefix(namespace + ".") }.map(\.name)
            let hint = near.isEmpty ? "api.describe lists them" : "did you mean one of \(near.joined(separator: ", "))?"
            throw IHubError(.notFound, "unknown method \(IHubError.quoted(name)) (\(hint))")
        }
        return m
    }
}

/// Records are addressed by their integer id or their stable external code.
struct RecordKey {
    let id: Int64?
    let code: String?

    static let fields: [Field] = [
        .optional("id", .integer, "the record's id"),
        .optional("code", .string, "the record's stable external code"),
    ]

    init(_ params: JSON, entity: String) throws(IHubError) {
        id = params["id"]?.int
        code = params["code"]?.string
        if (id == nil) == (code == nil) {
            throw IHubError.invalid("params: give the \(entity)'s id or its code (one of them)")
        }
    }

    /// The row id, or a not-found error naming the parameter given.
    func resolve(_ db: Database, _ kind: RecordKind) throws(IHubError) -> Int64 {
        if let id {
            try db.requireID(kind, id: id, at: "params.id")
            return id
        }
        return try db.requireID(kind, code: code!, at: "params.code")
    }
}

/// Paging shared by the list operations.
struct Page {
    static let fields: [Field] = [
        .optional("limit", .integer, "at most this many records (default: all)"),
        .optional("offset", .integer, "skip this many records first (default 0)"),
    ]

    let limit: Int64
    let offset: Int64

    init(_ params: JSON) throws(IHubError) {
        // No limit: the largest, which both engines take (SQLite's -1 is not PostgreSQL's).
        limit = params["limit"]?.int ?? Int64.max
        offset = params["offset"]?.int ?? 0
        if params["limit"] != nil && limit < 0 { throw IHubError.invalid("params.limit: must be 0 or more") }
        if offset < 0 { throw IHubError.invalid("params.offset: must be 0 or more") }
    }
}
