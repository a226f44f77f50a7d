/// CSV files of the registry's coded entities (hubs, schools, people,
/// rounds, stakeholders): one column per field that fits in a cell, rows
/// stored through Entity.upsert, so a file imported twice changes nothing
/// the second time. People carry their current schools as `schools`, a
/// `|`-separated list of school codes (memberships with dates do not fit
/// a cell; the JSON export keeps them, with their history).
extension ExchangeKind {
    init(entity: Entity) {
        let columns = entity.fields.filter { Cells.fits($0.shape) }
        self.init(
            name: entity.plural, summary: entity.summary, columns: columns,
            importer: { db, file, _ throws(IHubError) in EntityImporter(db, entity, file) },
            export: { db, hub, out throws(IHubError) in
                var params: [JSON.Member] = []
                if entity.inHub, let hub { params.append(.init("hub", .string(hub))) }
                for record in try entity.list(db, .object(params)) {
                    if !entity.inHub, let hub, record["code"]?.string != hub { continue }
                    try out.record(columns.map { out.cell(EntityImporter.value(record, $0.name)) })
                }
            },
            partial: true)
    }
}

/// Rows of a registry file, upserted by code. A file may hold `code` and
/// any of the other columns: an existing record takes what the row gives
/// (a blank cell keeps the stored value, a cell `-` empties it); a new
/// record needs every required column.
final class EntityImporter: RowImporter {
    let db: Database
    let entity: Entity
    let fields: [Field]
    /// The entity's own checks (ranges, formats) by column.
    private let checks: [(@Sendable (JSON) -> String?)?]
    private let codeColumn: Int
    private let hubColumn: Int?
    private let schoolsColumn: Int?
    /// The file lacks a column that a new record needs.
    private let lacksColumns: Bool
    private var codes = Entity.Codes()
    private var hubs = LookupCache(.hub)
    private var schools = LookupCache(.school)
    private var zeros = ZeroHints()
    /// Codes seen in this file, with their line: a code twice is a mistake.
    private var seen: [String: Int] = [:]

    init(_ db: Database, _ entity: Entity, _ file: CSVColumns) {
        self.db = db
        self.entity = entity
        fields = file.fields
        checks = fields.map { f in entity.columns.first { $0.field.name == f.name }?.check }
        codeColumn = fields.firstIndex { $0.name == "code" }!
        hubColumn = entity.inHub ? fields.firstIndex { $0.name == "hub" } : nil
        schoolsColumn = entity.extensionFields == nil ? nil : fields.firstIndex { $0.name == "schools" }
        lacksColumns = file.fields.indices.contains { file.fields[$0].required && file.position[$0] == nil }
    }

    func row(_ row: CSVRow, problems: inout Problems) -> Entity.Outcome? {
        let before = problems.count
        var members: [JSON.Member] = []
        members.reserveCapacity(fields.count)
        var missing: [Int] = []
        for f in fields.indices {
            if row.isClear(f) {
                if f == codeColumn {
                    problems.add(.invalid, "\(row.place(f)): '-' empties a field, and a record's code cannot be emptied")
                    return nil
                }
                if f == hubColumn {
                    problems.add(.invalid, "\(row.place(f)): a record's hub cannot be emptied (a blank cell keeps it)")
                    continue
                }
                // A new record cannot start without it: told as missing.
                if fields[f].required { missing.append(f) }
                members.append(JSON.Member(fields[f].name, fields[f].shape.isArray ? .array([]) : .null))
                continue
            }
            guard let value = row.value(f, require: f == codeColumn, problems: &problems) else {
                if fields[f].required && f != codeColumn && row.isEmpty(f) { missing.append(f) }
                continue
            }
            if let check = checks[f], let reason = check(value) {
                problems.add(.invalid, "\(row.place(f)): \(reason)")
                continue
            }
            members.append(JSON.Member(fields[f].name, value))
        }
        let record = JSON.object(members)
        guard let code = record["code"]?.string else { return nil }
        if let first = seen[code] {
            problems.add(.conflict, "\(row.place(codeColumn)): duplicate code \(IHubError.quoted(code)) (also on line \(first))")
        } else {
            seen[code] = row.line
        }
        if let start = record["start"]?.string, let end = record["end"]?.string, end < start,
           let column = fields.firstIndex(where: { $0.name == "end" }) {
            problems.add(.invalid, "\(row.place(column)): \(end) is before the start \(start)")
        }
        var unknown = false
        if let hubColumn, let hub = record["hub"]?.string, !known(hub, in: &hubs, at: row.place(hubColumn), row, &problems) {
            unknown = true
        }
        if let schoolsColumn, let codes = record["schools"]?.array {
            for school in codes.compactMap(\.string) where !known(school, in: &schools, at: row.place(schoolsColumn), row, &problems) {
                unknown = true
            }
        }
        guard !unknown && problems.count == before else { return nil }
        do throws(IHubError) {
            // Blank required cells are fine for an update, not for a new record.
            if !missing.isEmpty || lacksColumns || !code.isEmpty && code.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
                if try db.recordID(entity.kind, code: code) == nil {
                    return try newRecordProblems(row, code, missing, &problems) ? nil : try upsert(row, record)
                }
            }
            return try upsert(row, record)
        } catch {
            row.problem(error, problems: &problems)
            return nil
        }
    }

    private func upsert(_ row: CSVRow, _ record: JSON) throws(IHubError) -> Entity.Outcome {
        try entity.upsert(db, record, at: "line \(row.line)", codes: &codes).outcome
    }

    /// What a new record lacks, and a code that lost its leading zeros;
    /// true when there is a problem.
    private func newRecordProblems(_ row: CSVRow, _ code: String, _ missing: [Int], _ problems: inout Problems) throws(IHubError) -> Bool {
        var found = false
        if let padded = try zeros.padded(db, noun: entity.name, code: code) {
            problems.add(.conflict, "\(row.place(codeColumn)): no \(entity.name) with code \(IHubError.quoted(code)), but \(ZeroHints.text(padded))")
            found = true
        }
        for f in missing where row.columns.position[f] != nil {
            problems.add(.invalid, "\(row.place(f)): missing value (\(fields[f].doc); \(IHubError.quoted(code)) is a new \(entity.name))")
            found = true
        }
        let absent = fields.indices.filter { fields[$0].required && row.columns.position[$0] == nil }
        if !absent.isEmpty {
            let names = absent.map { fields[$0].name }.joined(separator: ", ")
            problems.add(.invalid, "line \(row.line): \(IHubError.quoted(code)) is a new \(entity.name): it needs \(names), which the file has no column for")
            found = true
        }
        return found
    }

    /// Whether `code` is stored; an unknown code is a problem at `place`
    /// (and a failing read a problem of the row).
    private func known(_ code: String, in cache: inout LookupCache, at place: String, _ row: CSVRow,
                       _ problems: inout Problems) -> Bool {
        do throws(IHubError) {
            guard try cache.id(db, code: code) != nil else {
                let missing = cache.kind.notFound(code: code, at: place)
                problems.add(missing.status, missing.message)
                return false
            }
            return true
        } catch {
            row.problem(error, problems: &problems)
            return true
        }
    }

    /// The value of column `name` in a record as get/list return it;
    /// `schools` is read from the current memberships.
    static func value(_ record: JSON, _ name: String) -> JSON {
        if let v = record[name] { return v }
        if name == "schools", let memberships = record["memberships"]?.array {
            return .array(memberships.compactMap { $0["school"] })
        }
        return .null
    }
}

extension Shape {
    fileprivate var isArray: Bool { if case .array = self { return true } else { return false } }
}
