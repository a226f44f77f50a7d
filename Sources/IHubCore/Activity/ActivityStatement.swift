/// A statement of mentoring hours for incentive schemes (activity.statement):
/// the activities a person or a school took part in over a period, counted
/// as activity.hours counts them, as CSV or as a printable HTML page.
enum ActivityStatement {
    /// One activity of the statement.
    struct Line {
        let date: String
        let kind: String
        let method: String
        let minutes: Int64
        /// How the subject took part: "mentor", "T1 (mentee)", …
        let roles: String
    }

    struct Subject {
        let noun: String   // person or school
        let code: String
        let name: String
    }

    static func run(_ db: Database, _ p: JSON) throws(IHubError) -> JSON {
        // A null parameter is an absent one (as Shape reads optional fields).
        guard (p["person"]?.string == nil) != (p["school"]?.string == nil) else {
            throw IHubError.invalid("params: give the person or the school (one of them)")
        }
        let format = p["format"]!.string!
        let path = p["path"]?.string
        let output = try Output(path: path, overwrite: p["overwrite"]?.bool == true)
        var lines: [Line] = []
        var hub = (code: "", name: "")
        var subject = Subject(noun: "", code: "", name: "")
        let filter = try db.snapshot { () throws(IHubError) -> ActivityFilter in
            let f = try ActivityMethods.filter(db, p)
            hub = try db.recordName(.hub, id: f.hubID)!
            let (noun, kind, id) = f.personID.map { ("person", RecordKind.person, $0) } ?? ("school", RecordKind.school, f.schoolID!)
            let named = try db.recordName(kind, id: id)!
            subject = Subject(noun: noun, code: named.code, name: named.name)
            var roles = Roles(db: db)
            try db.activities.each(f) { a throws(IHubError) in
                let took = if let person = f.personID { try roles.person(person, in: a) } else { try roles.school(f.schoolID!, in: a) }
                lines.append(Line(date: a.date, kind: a.kind.rawValue, method: a.methodName ?? a.method ?? "", minutes: a.minutes,
                                  roles: took))
            }
            return f
        }
        let minutes = lines.reduce(0) { $0 + $1.minutes }
        let period = (from: filter.from!, to: filter.to!)
        if format == "csv" {
            var w = CSVWriter(output)
            try w.record(["date", "kind", "method", "minutes", "hours", "took part as"])
            for l in lines {
                try w.record([l.date, l.kind, l.method, String(l.minutes), w.cell(ActivityHours.hours(l.minutes)), l.roles])
            }
            try w.record(["total", "", "", String(minutes), w.cell(ActivityHours.hours(minutes)), "\(lines.count) activities"])
        } else {
            StatementPage.write(to: output, hub: hub, subject: subject, period: period, lines: lines, minutes: minutes,
                                issued: Timestamp.today())
        }
        let text = try output.finish()
        var result: [JSON.Member] = [
            .init("hub", .string(hub.code)), .init(subject.noun, .string(subject.code)), .init("from", .string(period.from)),
            .init("to", .string(period.to)), .init("format", .string(format)), .init("activities", .int(Int64(lines.count))),
            .init("minutes", .int(minutes)), .init("hours", .double(ActivityHours.hours(minutes))),
        ]
        if let path {
            result += [.init("path", .string(path)), .init("bytes", .int(Int64(output.written)))]
        } else {
            result.append(.init(format, .string(text ?? "")))
        }
        return .object(result)
    }

    /// How a subject took part in an activity, in words; mentorships and
    /// memberships looked up once each.
    struct Roles {
        let db: Database
        private var mentorships: [Int64: MentorshipRef] = [:]

        init(db: Database) { self.db = db }

        private mutating func mentorship(_ id: Int64) throws(IHubError) -> MentorshipRef? {
            if let m = mentorships[id] { return m }
            let m = try db.activities.mentorship(id: id)
            mentorships[id] = m
            return m
        }

        mutating func person(_ person: Int64, in a: ActivityRow) throws(IHubError) -> String {
            var out: [String] = []
            for m in a.participants {
                switch m.subject {
                case .person(person): out.append(m.role.rawValue)
                case .mentorship(let id):
                    guard let ms = try mentorship(id), ms.level == "teacher" else { continue }
                    if ms.mentor == person { out.append("mentor (mentorship \(id))") }
                    if ms.mentee == person { out.append("mentee (mentorship \(id))") }
                default: continue
                }
            }
            return out.joined(separator: "; ")
        }

        mutating func school(_ school: Int64, in a: ActivityRow) throws(IHubError) -> String {
            var out: [String] = []
            var people: [(Int64, String)] = []
            for m in a.participants {
                switch m.subject {
                case .school(school): out.append("the school (\(m.role.rawValue))")
                case .person(let id): people.append((id, m.role.rawValue))
                case .mentorship(let id):
                    guard let ms = try mentorship(id) else { continue }
                    if ms.level == "school" {
                        if ms.mentor == school { out.append("mentor school (mentorship \(id))") }
                        if ms.mentee == school { out.append("mentee school (mentorship \(id))") }
                    } else {
                        people += [(ms.mentor, "mentor, mentorship \(id)"), (ms.mentee, "mentee, mentorship \(id)")]
                    }
                default: continue
                }
            }
            for (id, role) in people where try db.activities.schools(ofPerson: id, on: a.date).contains(school) {
                let code = try db.recordName(.person, id: id)?.code ?? String(id)
                out.append("\(code) (\(role))")
            }
            return out.joined(separator: "; ")
        }
    }
}
