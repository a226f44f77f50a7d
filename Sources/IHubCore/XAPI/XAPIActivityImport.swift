/// The activity statements of an import, turned into activities by the
/// activity log's own record check (ActivityRecord.parse) and stored in
/// batches. An activity whose uuid is stored already is skipped when it
/// says the same, and is a conflict when it does not.
final class XAPIActivityImport {
    private let db: Database
    private let mapping: ActivityStatements
    private var resolver: ActivityResolver
    private var batch: [(NewActivity, XAPIPlace)] = []
    private(set) var inserted = 0
    private(set) var unchanged = 0
    static let batchSize = 256
    /// The path ActivityRecord's messages start with, replaced by the statement's.
    private static let root = "record"

    init(_ db: Database, hubID: Int64, hub: String, mapping: ActivityStatements) {
        self.db = db
        self.mapping = mapping
        resolver = ActivityResolver(db, hubID: hubID, hubCode: hub)
    }

    func add(_ record: JSON, at place: XAPIPlace, problems: inout XAPIProblems) throws(IHubError) {
        let a: NewActivity
        do {
            a = try ActivityRecord.parse(record, at: XAPIActivityImport.root, &resolver)
        } catch {
            // Only the record's own problems name a place; a database failure goes up.
            guard error.message.hasPrefix(XAPIActivityImport.root) else { throw error }
            let (path, reason) = statementPlace(error.message)
            problems.add(error.status, index: place.index, line: place.line, path: path, reason)
            return
        }
        batch.append((a, place))
        if batch.count >= XAPIActivityImport.batchSize { try flush(problems: &problems) }
    }

    func finish(problems: inout XAPIProblems) throws(IHubError) { try flush(problems: &problems) }

    private func flush(problems: inout XAPIProblems) throws(IHubError) {
        guard !batch.isEmpty else { return }
        let stored = try db.activities.existing(uuids: batch.map(\.0.uuid))
        var fresh: [NewActivity] = []
        for (a, place) in batch {
            guard stored.contains(a.uuid) else {
                fresh.append(a)
                continue
            }
            if let row = try db.activities.get(uuid: a.uuid), ActivityRecord.same(row.asNew, a) {
                unchanged += 1
            } else {
                problems.add(.conflict, index: place.index, line: place.line, path: "id",
                             "activity \(a.uuid) is stored already with another content")
            }
        }
        batch.removeAll(keepingCapacity: true)
        if problems.isEmpty {
            try db.activities.insert(fresh)
            inserted += fresh.count
        }
    }

    /// "record.participants[1].person: no person…" → ("context.extensions.<base>/extensions/participants[1].person", "no person…").
    private func statementPlace(_ message: String) -> (String, String) {
        var rest = Substring(message.dropFirst(XAPIActivityImport.root.count))
        guard rest.hasPrefix(".") else {
            return ("", String(rest.drop { $0 == ":" || $0 == " " }))
        }
        rest = rest.dropFirst()
        let field = rest.prefix { $0 != ":" && $0 != "[" && $0 != "." }
        rest = rest.dropFirst(field.count)
        let tail = rest.prefix { $0 != ":" }
        let reason = rest.dropFirst(tail.count).drop { $0 == ":" || $0 == " " }
        return (mapping.path(ofRecordField: String(field)) + tail, String(reason))
    }
}
