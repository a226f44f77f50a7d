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
            try db.exchange.eachTeamMember(hub: try db.hubFilter(hub, at: "params.hub")) { values throws(IHubError) in
                try out.record(values.map { out.cell($0) })
            }
        })

    static let engagements = ExchangeKind(
        name: "engagements", summary: "Stakeholder engagements: meetings, events, agreements, communications.",
        columns: Engagements.fields,
        importer: { db, _, _ throws(IHubError) in EngagementImporter(db) },
        export: { db, hub, out throws(IHubError) in
            try db.exchange.eachEngagement(hub: try db.hubFilter(hub, at: "params.hub")) { values throws(IHubError) in
                try out.record(values.map { out.cell($0) })
            }
        })
}

extension LookupCache {
    /// The row id of `code`, or nil with a problem at `place`: an unknown
    /// code, or a read that failed (with its status).
    mutating func id(_ db: Database, _ code: String, place: String, problems: inout Problems) -> Int64? {
        do throws(IHubError) {
            guard let id = try id(db, code: code) else {
                let missing = kind.notFound(code: code, at: place)
                problems.add(missing.status, missing.message)
                return nil
            }
            return id
        } catch {
            problems.add(error.status, "\(place): \(error.message)")
            return nil
        }
    }
}

final class TeamMemberImporter: RowImporter {
    let db: Database
    private var schools = LookupCache(.school)
    private var people = LookupCache(.person)
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
            if let place = try db.exchange.teamPlace(school: school, person: person, start: start) {
                let newPosition = position ?? place.position, newEnd = end ?? place.end
                if newPosition == place.position && newEnd == place.end { return .unchanged }
                try db.exchange.setTeamPlace(id: place.id, position: newPosition, end: newEnd)
                return .updated
            }
            if end == nil, let since = try db.registry.currentTeamPlace(school: school, person: person) {
                problems.add(.conflict, "\(row.place(1)): \(IHubError.quoted(personCode)) is already on the team of \(IHubError.quoted(schoolCode)) (since \(since ?? "an unknown day"))")
                return nil
            }
            try db.registry.addTeamMember(school: school, person: person, position: position ?? "member", start: start, end: end)
            return .inserted
        } catch {
            row.problem(error, problems: &problems)
            return nil
        }
    }
}

final class EngagementImporter: RowImporter {
    let db: Database
    private var stakeholders = LookupCache(.stakeholder)
    private var schools = LookupCache(.school)
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
            if let found = try db.exchange.engagement(stakeholder: stakeholder, date: date, kind: kind, school: school) {
                guard let note, note != found.note else { return .unchanged }
                try db.exchange.setEngagementNote(id: found.id, note: note)
                return .updated
            }
            _ = try db.registry.addEngagement(stakeholder: stakeholder, date: date, kind: kind, school: school, note: note)
            return .inserted
        } catch {
            row.problem(error, problems: &problems)
            return nil
        }
    }
}
