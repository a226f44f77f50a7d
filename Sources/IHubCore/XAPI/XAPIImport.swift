/// xapi.import: statements from other tools (an LRS export, a JSON array
/// or NDJSON), validated first and stored all or nothing, in one pass
/// inside the call's transaction: each statement is checked, and while
/// every one so far is valid it is written in multi-row batches; any
/// problem rolls the whole import back and reports every rejected
/// statement (index, line, property path).
///
/// - Idempotent by statement id: an id stored with the same content is
///   skipped (`unchanged`); another statement with a stored id is a
///   conflict (an LRS must not overwrite a statement). A statement
///   without an id gets a name-based UUID of its content, so importing it
///   twice stores it once.
/// - Statements that map to ihub activities (ActivityStatements) become
///   activities; every statement is kept in xapi_statements (the activity
///   one names its activity), the others as events that indicators read.
/// - Voiding statements void their target (a statement: voided_by; an
///   activity: voided_at); one whose target is unknown is kept and reported.
enum XAPIImport {
    struct Options {
        var base: String?
        var dryRun = false
        var problemsOut: String?
        var overwrite = false
    }

    /// Statements without an id are named in this namespace.
    static let namespace = "6f1c1c64-3f0e-5d0b-9a57-8a4c2e0b1a01"

    static func run(_ db: Database, hub: String, input: XAPIInput, options: Options) throws(IHubError) -> JSON {
        let hubID = try db.requireID(.hub, code: hub, at: "params.hub")
        var report: JSON = .null
        var problems = XAPIProblems()
        do {
            try db.transaction { () throws(IHubError) in
                let importer = try XAPIImporter(db, hubID: hubID, hub: hub, base: options.base)
                try read(input, into: importer)
                try importer.finish()
                problems = importer.problems
                report = importer.report(dryRun: options.dryRun)
                if !problems.isEmpty || options.dryRun { throw rolledBack }
            }
        } catch where error == rolledBack {
            // The report stands; the writes are gone.
        }
        if let path = options.problemsOut { try problems.write(to: path, overwrite: options.overwrite) }
        if options.dryRun {
            guard case .object(var members) = report else { return report }
            members += [.init("valid", .bool(problems.isEmpty)), .init("problem_count", .int(Int64(problems.count))),
                        .init("problems", problems.json)]
            return .object(members)
        }
        if !problems.isEmpty { throw problems.error(source: input.name) }
        return report
    }

    /// NDJSON is read here, so that each statement's line is stored as
    /// given (no re-encoding); a JSON array goes through the validator's
    /// batch reader, and its statements are encoded once to be stored.
    private static func read(_ input: XAPIInput, into importer: XAPIImporter) throws(IHubError) {
        let source: CSVSource
        switch input {
        case .statements:
            try XAPIValidator.validate(input.batch, options: XAPIChecks.options) { r throws(IHubError) in
                try importer.add(r, text: nil)
                return .more
            }
            return
        case .text(let bytes): source = .bytes(bytes)
        case .file(let path): source = .file(path)
        }
        var index = 0
        var array = false
        try LineReader(maxLineBytes: Limits.line).read(source, onLine: { bytes, line throws(IHubError) in
            if index == 0, bytes.first(where: { $0 != 0x20 && $0 != 0x09 }) == UInt8(ascii: "[") {
                array = true
                return .stop
            }
            defer { index += 1 }
            let statement: JSON
            do throws(JSONParser.Failure) {
                statement = try JSONParser.parse(bytes)
            } catch {
                try importer.add(XAPIReport(index: index, line: line, statement: nil, problems: [XAPIValidator.parseProblem(error)]), text: nil)
                return .more
            }
            let problems = XAPIChecks.problems(statement)
            try importer.add(XAPIReport(index: index, line: line, statement: statement, problems: problems),
                             text: problems.isEmpty ? String(decoding: bytes, as: UTF8.self) : nil)
            return .more
        }, onLong: { line throws(IHubError) in
            defer { index += 1 }
            let problem = XAPIProblem(.error, "", "the line is over the limit of \(Limits.line) bytes (skipped)")
            try importer.add(XAPIReport(index: index, line: line, statement: nil, problems: [problem]), text: nil)
            return .more
        })
        if array {
            try XAPIValidator.validate(input.batch, options: XAPIChecks.options) { r throws(IHubError) in
                try importer.add(r, text: nil)
                return .more
            }
        }
    }

    /// Thrown to undo a dry run or a rejected batch; never leaves this file.
    private static let rolledBack = IHubError(.ok, "rolled back")
}

/// The state of one import: the batch being written and the counts.
final class XAPIImporter {
    private let db: Database
    private let hubID: Int64
    private let stamp = Timestamp.now()
    private let before: Int64
    let mapping: ActivityStatements
    var problems = XAPIProblems()
    private var rows: BulkInsert!
    /// The statements of the batch being written, in order.
    private var pending: [Pending] = []
    private var written: Set<String> = []
    private var activities: XAPIActivityImport
    private var seen = 0, inserted = 0, unchanged = 0
    private var voided: Int64 = 0
    private var unknownVoids: [XAPIUnknownVoid] = []
    private var unknownVoidCount: Int64 = 0

    private struct Pending {
        let id: String
        let text: String
        let place: XAPIPlace
        let activity: JSON?
    }

    init(_ db: Database, hubID: Int64, hub: String, base: String?) throws(IHubError) {
        self.db = db
        self.hubID = hubID
        mapping = try ActivityStatements(db, hubID: hubID, hub: hub, base: base)
        before = try db.xapi.lastID()
        activities = XAPIActivityImport(db, hubID: hubID, hub: hub, mapping: mapping)
        rows = db.xapi.inserter { [unowned self] id in written.insert(id) }
    }

    /// Takes one statement and its problems, and its text as given when it
    /// came as a line; while the batch is valid so far, writes it.
    func add(_ report: XAPIReport, text given: String?) throws(IHubError) {
        seen += 1
        let place = XAPIPlace(index: report.index, line: report.line)
        var valid = true
        for p in report.problems where p.severity == .error {
            problems.add(.invalid, index: place.index, line: place.line, path: p.path, p.message)
            valid = false
        }
        // Once anything is wrong nothing will be kept: the rest is only checked.
        guard valid, problems.isEmpty, let statement = report.statement else { return }
        var facts = XAPIFacts(statement)
        var text = given ?? ""
        if facts.id == nil || given == nil { text = statement.serialized() }
        if facts.id == nil {
            let id = SHA1.uuid5(namespace: XAPIImport.namespace, name: text)
            facts.id = id
            if case .object(let members) = statement {
                text = JSON.object([.init("id", .string(id))] + members).serialized()
            }
        }
        let activity = facts.isVoiding ? nil : mapping.activityRecord(statement)
        pending.append(Pending(id: facts.id!, text: text, place: place, activity: activity))
        try rows.add([.text(facts.id!), .int(hubID), .text(facts.actor), .text(facts.verb), .text(facts.object),
                      .text(facts.timestamp ?? stamp), .text(stamp), .text(text), .null])
        if rows.buffered == 0 { try settle() }
    }

    /// After a batch is written: a statement not written has an id stored
    /// already, with the same content (skipped) or not (a conflict); a new
    /// activity statement becomes an activity.
    private func settle() throws(IHubError) {
        for p in pending {
            if written.contains(p.id) {
                inserted += 1
                if let record = p.activity { try activities.add(record, at: p.place, problems: &problems) }
                continue
            }
            guard let stored = try db.xapi.stored(p.id) else { continue }
            if stored.hubID == hubID && (stored.statement == p.text || XAPIImporter.sameJSON(stored.statement, p.text)) {
                unchanged += 1
            } else {
                problems.add(.conflict, index: p.place.index, line: p.place.line, path: "id",
                             "statement \(p.id) is stored already with other content (an LRS never overwrites a statement; void it and send a new one)")
            }
        }
        pending.removeAll(keepingCapacity: true)
        written.removeAll(keepingCapacity: true)
    }

    /// Whether two statement texts say the same (spacing aside).
    static func sameJSON(_ a: String, _ b: String) -> Bool {
        guard let x = try? JSONParser.parse(a), let y = try? JSONParser.parse(b) else { return false }
        return x == y
    }

    func finish() throws(IHubError) {
        guard problems.isEmpty else { return }
        try rows.flush()
        try settle()
        try activities.finish(problems: &problems)
        guard problems.isEmpty else { return }
        try db.xapi.linkActivities(after: before)
        try db.xapi.applyVoids(at: stamp)
        unknownVoids = try db.xapi.unknownVoids(after: before, limit: 100)
        unknownVoidCount = try db.xapi.unknownVoidCount(after: before)
        voided = try db.xapi.voidingCount(after: before) - unknownVoidCount
    }

    func report(dryRun: Bool) -> JSON {
        let unknown: [JSON] = unknownVoids.map { ["id": .string($0.id), "target": .string($0.target)] }
        return ["statements": .int(Int64(seen)), "stored": .int(Int64(inserted)), "unchanged": .int(Int64(unchanged + activities.unchanged)),
                "activities": .int(Int64(activities.inserted)), "events": .int(Int64(inserted - activities.inserted - activities.unchanged)),
                "voided": .int(voided), "unknown_voids": .int(unknownVoidCount), "unknown_void_list": .array(unknown),
                "dry_run": .bool(dryRun)]
    }
}
