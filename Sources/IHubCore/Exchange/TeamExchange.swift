/// CSV files of the dated records without a code of their own: school
/// development team members and stakeholder engagements. Each row is
/// identified by what it is about (team: school, person and start date;
/// engagement: stakeholder, date, kind and school), so a re-import finds
/// the rows it made and changes nothing.
enum TeamExchange {
    static let teamMembers = ExchangeKind(
        name: "team_members", summary: "People on school development teams, past members included.",
        columns: [
            .required("school", .string, "code of the school"),
            .required("person", .string, "code of the person"),
            .optional("position", .string, "e.g. principal, ict_support, member (default member)"),
            .optional("start", .date, "first day on the team"),
            .optional("end", .date, "last day on the team (a past member)"),
        ],
        importer: { db, _, _ throws(IHubError) in TeamMemberImporter(db) },
        export: { db, hub, out throws(IHubError) in
            let s = try db.statement("""
                SELECT s.code, p.code, t.position, t.start_date, t.end_date FROM team_members t
                JOIN schools s ON s.id = t.school_id JOIN people p ON p.id = t.person_id
                WHERE ?1 IS NULL OR s.hub_id = ?1 ORDER BY t.id
                """)
            try s.bind([SQLValue(try db.hubFilter(hub, at: "params.hub"))])
            while try s.step() { try out.record((0..<5).map { out.cell(s.json(Int32($0))) }) }
        })

    static let engagements = ExchangeKind(
        name: "engagements", summary: "Stakeholder engagements: meetings, events, agreements, communications.",
        columns: Engagements.fields,
        importer: { db, _, _ throws(IHubError) in EngagementImporter(db) },
        export: { db, hub, out throws(IHubError) in
            let s = try db.statement("""
                SELECT k.code, e.date, e.kind, sc.code, e.note FROM engagements e
                JOIN stakeholders k ON k.id = e.stakeholder_id LEFT JOIN schools sc ON sc.id = e.school_id
                WHERE ?1 IS NULL OR k.hub_id = ?1 ORDER BY e.id
                """)
            try s.bind([SQLValue(try db.hubFilter(hub, at: "params.hub"))])
            while try s.step() { try out.record((0..<5).map { out.cell(s.json(Int32($0))) }) }
        })
}

/// Code → row id lookups with a cache, whose misses become problems.
struct CodeLookup {
    let table: String
    let noun: String
    private var ids: [String: Int64?] = [:]

    init(table: String, noun: String) {
        self.table = table
        self.noun = noun
    }

    mutating func id(_ db: Database, _ code: String, place: String, problems: inout Problems) -> Int64? {
        if ids[code] == nil {
            do throws(IHubError) {
                ids[code] = .some(try db.scalarInt("SELECT id FROM \(table) WHERE code = ?", [.text(code)]))
            } catch {
                problems.add(error.status, "\(place): \(error.message)")
                return nil
            }
        }
        guard let id = ids[code]! else {
            problems.add(.notFound, "\(place): no \(noun) with code \(IHubError.quoted(code))")
            return nil
        }
        return id
    }
}

final class TeamMemberImporter: RowImporter {
    let db: Database
    private var schools = CodeLookup(table: "schools", noun: "school")
    private var people = CodeLookup(table: "people", noun: "person")
    private var seen: [String: Int] = [:]

    init(_ db: Database) { self.db = db }

    func row(_ row: CSVRow, problems: inout Problems) -> Entity.Outcome? {
        let before = problems.count
        let values = (0..<5).map { row.value($0, problems: &problems) }
        guard problems.count == before, let schoolCode = values[0]?.string, let personCode = values[1]?.string else { return nil }
        // Both looked up, so both are told when both are unknown.
        let school = schools.id(db, schoolCode, place: row.place(0), problems: &problems)
        let person = people.id(db, personCode, place: row.place(1), problems: &problems)
        guard let school, let person else { return nil }
        let position = values[2]?.string, start = values[3]?.string, end = values[4]?.string
        if let start, let end, end < start {
            problems.add(.invalid, "\(row.place(4)): \(end) is before the start \(start)")
            return nil
        }
        let key = "\(school)\u{1}\(person)\u{1}\(start ?? "")"
        if let first = seen[key] {
            problems.add(.conflict, "\(row.place(1)): \(IHubError.quoted(personCode)) joins the team of \(IHubError.quoted(schoolCode)) on \(start ?? "an unknown day") twice (also on line \(first))")
            return nil
        }
        seen[key] = row.line
        do throws(IHubError) {
            let s = try db.statement("""
                SELECT id, position, end_date FROM team_members WHERE school_id = ? AND person_id = ? AND start_date IS ? ORDER BY id LIMIT 1
                """)
            try s.bind([.int(school), .int(person), SQLValue(start)])
            if try s.step() {
                let id = s.int(0), oldPosition = s.text(1), oldEnd = s.text(2)
                let newPosition = position ?? oldPosition, newEnd = end ?? oldEnd
                if newPosition == oldPosition && newEnd == oldEnd { return .unchanged }
                try db.statement("UPDATE team_members SET position = ?, end_date = ? WHERE id = ?")
                    .run([SQLValue(newPosition), SQLValue(newEnd), .int(id)])
                return .updated
            }
            if end == nil, let since = try db.scalarText("""
                SELECT coalesce(start_date, 'an unknown day') FROM team_members WHERE school_id = ? AND person_id = ? AND end_date IS NULL
                """, [.int(school), .int(person)]) {
                problems.add(.conflict, "\(row.place(1)): \(IHubError.quoted(personCode)) is already on the team of \(IHubError.quoted(schoolCode)) (since \(since))")
                return nil
            }
            try db.statement("INSERT INTO team_members(school_id, person_id, position, start_date, end_date) VALUES (?, ?, ?, ?, ?)")
                .run([.int(school), .int(person), .text(position ?? "member"), SQLValue(start), SQLValue(end)])
            return .inserted
        } catch {
            row.problem(error, problems: &problems)
            return nil
        }
    }
}

final class EngagementImporter: RowImporter {
    let db: Database
    private var stakeholders = CodeLookup(table: "stakeholders", noun: "stakeholder")
    private var schools = CodeLookup(table: "schools", noun: "school")
    private var seen: [String: Int] = [:]

    init(_ db: Database) { self.db = db }

    func row(_ row: CSVRow, problems: inout Problems) -> Entity.Outcome? {
        let before = problems.count
        let values = (0..<5).map { row.value($0, problems: &problems) }
        guard problems.count == before, let code = values[0]?.string, let date = values[1]?.string,
              let kind = values[2]?.string else { return nil }
        let found = stakeholders.id(db, code, place: row.place(0), problems: &problems)
        var school: Int64?
        if let schoolCode = values[3]?.string {
            guard let id = schools.id(db, schoolCode, place: row.place(3), problems: &problems) else { return nil }
            school = id
        }
        guard let stakeholder = found else { return nil }
        let note = values[4]?.string
        let key = "\(stakeholder)\u{1}\(date)\u{1}\(kind)\u{1}\(school ?? 0)"
        if let first = seen[key] {
            problems.add(.conflict, "\(row.place(1)): the same \(kind) of \(IHubError.quoted(code)) on \(date) twice (also on line \(first))")
            return nil
        }
        seen[key] = row.line
        do throws(IHubError) {
            let s = try db.statement("""
                SELECT id, note FROM engagements WHERE stakeholder_id = ? AND date = ? AND kind = ? AND school_id IS ? ORDER BY id LIMIT 1
                """)
            try s.bind([.int(stakeholder), .text(date), .text(kind), SQLValue(school)])
            if try s.step() {
                let id = s.int(0), old = s.text(1)
                guard let note, note != old else { return .unchanged }
                try db.statement("UPDATE engagements SET note = ? WHERE id = ?").run([.text(note), .int(id)])
                return .updated
            }
            try db.statement("INSERT INTO engagements(stakeholder_id, date, kind, school_id, note) VALUES (?, ?, ?, ?, ?)")
                .run([.int(stakeholder), .text(date), .text(kind), SQLValue(school), SQLValue(note)])
            return .inserted
        } catch {
            row.problem(error, problems: &problems)
            return nil
        }
    }
}
