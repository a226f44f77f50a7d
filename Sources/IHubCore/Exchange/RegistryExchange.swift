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
            importer: { db, file throws(IHubError) in EntityImporter(db, entity, file) },
            export: { db, hub, out throws(IHubError) in
                var params: [JSON.Member] = []
                if entity.inHub, let hub { params.append(.init("hub", .string(hub))) }
                for record in try entity.list(db, .object(params)) {
                    if !entity.inHub, let hub, record["code"]?.string != hub { continue }
                    try out.record(columns.map { Cells.format(EntityImporter.value(record, $0.name)) })
                }
            })
    }
}

final class EntityImporter: RowImporter {
    let db: Database
    let entity: Entity
    let fields: [Field]
    /// The entity's own checks (ranges, formats) by column.
    private let checks: [(@Sendable (JSON) -> String?)?]
    private let codeColumn: Int
    private let hubColumn: Int?
    private let schoolsColumn: Int?
    private var codes = Entity.Codes()
    private var knownHubs: [String: Bool] = [:]
    private var knownSchools: [String: Bool] = [:]
    /// Codes seen in this file, with their line: a code twice is a mistake.
    private var seen: [String: Int] = [:]
    private var toldMissing: Set<String> = []

    init(_ db: Database, _ entity: Entity, _ file: CSVColumns) {
        self.db = db
        self.entity = entity
        fields = file.fields
        checks = fields.map { f in entity.columns.first { $0.field.name == f.name }?.check }
        codeColumn = fields.firstIndex { $0.name == "code" }!
        hubColumn = entity.inHub ? fields.firstIndex { $0.name == "hub" } : nil
        schoolsColumn = entity.extensionFields == nil ? nil : fields.firstIndex { $0.name == "schools" }
    }

    func row(_ row: CSVRow, write: Bool, problems: inout Problems) -> Entity.Outcome? {
        let before = problems.items.count
        var members: [JSON.Member] = []
        members.reserveCapacity(fields.count)
        for f in fields.indices {
            guard let value = row.value(f, problems: &problems) else { continue }
            if let check = checks[f], let reason = check(value) {
                problems.add(.invalid, "\(row.place(f)): \(reason)")
                continue
            }
            members.append(JSON.Member(fields[f].name, value))
        }
        let record = JSON.object(members)
        if let code = record["code"]?.string {
            if let first = seen[code] {
                problems.add(.conflict, "\(row.place(codeColumn)): duplicate code '\(code)' (also on line \(first))")
            } else {
                seen[code] = row.line
            }
        }
        if let start = record["start"]?.string, let end = record["end"]?.string, end < start,
           let column = fields.firstIndex(where: { $0.name == "end" }) {
            problems.add(.invalid, "\(row.place(column)): \(end) is before the start \(start)")
        }
        // An unknown code is told once, at its first row: the next
        // problems are then worth reading.
        var missing = false
        if let hubColumn, let hub = record["hub"]?.string, !known(hub, in: "hubs", cache: &knownHubs) {
            missing = true
            if toldMissing.insert("hub \(hub)").inserted {
                problems.add(.notFound, "\(row.place(hubColumn)): no hub with code '\(hub)'")
            }
        }
        if let schoolsColumn, let schools = record["schools"]?.array {
            for school in schools.compactMap(\.string) where !known(school, in: "schools", cache: &knownSchools) {
                missing = true
                if toldMissing.insert("school \(school)").inserted {
                    problems.add(.notFound, "\(row.place(schoolsColumn)): no school with code '\(school)'")
                }
            }
        }
        guard write && !missing && problems.items.count == before else { return nil }
        do throws(IHubError) {
            return try entity.upsert(db, record, at: "line \(row.line)", codes: &codes).outcome
        } catch {
            row.problem(error, problems: &problems)
            return nil
        }
    }

    private func known(_ code: String, in table: String, cache: inout [String: Bool]) -> Bool {
        if let known = cache[code] { return known }
        let found = ((try? db.scalarInt("SELECT 1 FROM \(table) WHERE code = ?", [.text(code)])) ?? nil) != nil
        cache[code] = found
        return found
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
