import ArgumentParser
import IHubCore

/// `ihub log add|list|void|hours|statement|import`: the activity log
/// (activity.* operations); --json prints the operation's document.
struct Log: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "log", 
        abstract: "The activity log: record mentoring activities, list them, count hours, issue statements of hours, import in bulk.",
        subcommands: [Add.self, List.self, VoidActivity.self, Hours.self, Statement.self, Import.self])

    typealias Common = CallOptions

    /// Options that become string parameters when given.
    static func strings(_ pairs: [(String, String?)]) -> [JSON.Member] {
        pairs.compactMap { k, v in v.map { .init(k, .string($0)) } }
    }

    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case session, workshop, observation, co_planning, reflection
    }

    enum Subject: String, ExpressibleByArgument, CaseIterable {
        case person, school, mentorship
    }

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case csv, html
    }

    enum ImportFormat: String, ExpressibleByArgument, CaseIterable {
        case csv, ndjson
    }

    /// CODE or CODE:ROLE of a --person/--school, ID or ID:ROLE of a --mentorship.
    static func participants(_ values: [String], _ key: String) throws -> [JSON] {
        try values.map { v throws -> JSON in
            let parts = v.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard (1...2).contains(parts.count), !parts[0].isEmpty else { throw ValidationError("--\(key) \(v): expected \(key == "mentorship" ? "ID" : "CODE")[:ROLE]") }
            var m: [JSON.Member]
            if key == "mentorship" {
                guard let id = Int64(parts[0]) else { throw ValidationError("--mentorship \(v): expected the mentorship's id") }
                m = [.init(key, .int(id))]
            } else {
                m = [.init(key, .string(parts[0]))]
            }
            if parts.count == 2 { m.append(.init("role", .string(parts[1]))) }
            return .object(m)
        }
    }

    static func printActivity(_ a: JSON) {
        let who = (a["participants"]?.array ?? []).map { p -> String in
            let ref = p["person"]?.string ?? p["school"]?.string ?? p["mentorship"]?.int.map { "mentorship \($0)" } ?? ""
            return "\(ref):\(p["role"]?.string ?? "")"
        }.joined(separator: " ")
        let method = a["method"]?.string.map { " [\($0)]" } ?? ""
        let void = a["voided_at"]?.string.map { " (voided \($0))" } ?? ""
        print("#\(a["id"]?.int ?? 0) \(a["date"]?.string ?? "") \((a["kind"]?.string ?? "").padding(to: 11)) "
              + "\(String(a["minutes"]?.int ?? 0).padding(to: 4)) min\(method) \(who)\(void)")
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", 
            abstract: "Record an activity.",
            discussion: "Example: ihub log add --hub H --kind session --date 2026-03-02 --minutes 90 --person T1:mentor --person T2:mentee --method collegial --db region.db")
        @OptionGroup var common: Common
        @Option(name: .long, help: "The hub.") var hub: String
        @Option(name: .long, help: "session, workshop, observation, co_planning or reflection.") var kind: Kind
        @Option(name: .long, help: "The day, YYYY-MM-DD.") var date: String
        @Option(name: .long, help: "Duration in minutes.") var minutes: Int
        @Option(name: .long, help: "A person who took part, CODE[:ROLE] (repeatable; roles: participant, mentor, mentee, facilitator).") var person: [String] = []
        @Option(name: .long, help: "A school that took part, CODE[:ROLE] (repeatable).") var school: [String] = []
        @Option(name: .long, help: "A mentorship that took part, ID[:ROLE] (repeatable).") var mentorship: [String] = []
        @Option(name: .long, help: "Toolbox method code.") var method: String?
        @Option(name: .long, help: "Process instance id.") var instance: Int?
        @Option(name: .long, help: "Process step.") var step: String?
        @Option(name: .long, help: "Notes.") var notes: String?
        @Option(name: .long, help: "Outcome.") var outcome: String?
        @Option(name: .long, help: "Code of the person recording it.") var by: String?
        @Option(name: .long, help: "The activity's uuid (default: a new one).") var uuid: String?

        func run() throws {
            let list = try Log.participants(person, "person") + Log.participants(school, "school") + Log.participants(mentorship, "mentorship")
            var p = Log.strings([("hub", hub), ("kind", kind.rawValue), ("date", date), ("method", method), ("step", step),
                                 ("notes", notes), ("outcome", outcome), ("by", by), ("uuid", uuid)])
            p.append(.init("minutes", .int(Int64(minutes))))
            if let instance { p.append(.init("instance", .int(Int64(instance)))) }
            p.append(.init("participants", .array(list)))
            try common.run("activity.log", p) { a in
                Log.printActivity(a)
                print("uuid \(a["uuid"]?.string ?? "")")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", 
            abstract: "A hub's activities by date.",
            discussion: "Example: ihub log list --hub H --from 2026-01-01 --to 2026-06-30 --person T1 --db region.db")
        @OptionGroup var common: Common
        @Option(name: .long, help: "The hub.") var hub: String
        @Option(name: .long, help: "First day (inclusive).") var from: String?
        @Option(name: .long, help: "Last day (inclusive).") var to: String?
        @Option(name: .long, help: "Only activities this person took part in.") var person: String?
        @Option(name: .long, help: "Only activities this school took part in.") var school: String?
        @Option(name: .long, help: "Only this kind.") var kind: Kind?
        @Flag(name: .long, help: "Include voided activities.") var voided = false

        func run() throws {
            var p = Log.strings([("hub", hub), ("from", from), ("to", to), ("person", person), ("school", school), ("kind", kind?.rawValue)])
            if voided { p.append(.init("voided", .bool(true))) }
            try common.run("activity.list", p) { r in
                for a in r.array ?? [] { Log.printActivity(a) }
            }
        }
    }

    struct VoidActivity: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "void", abstract: "Void an activity (kept, never counted).")
        @OptionGroup var common: Common
        @Argument(help: "The activity's id or uuid.") var activity: String
        @Option(name: .long, help: "Why.") var reason: String?

        func run() throws {
            var p: [JSON.Member] = Int64(activity).map { [.init("id", .int($0))] } ?? [.init("uuid", .string(activity))]
            if let reason { p.append(.init("reason", .string(reason))) }
            try common.run("activity.void", p, view: Log.printActivity)
        }
    }

    struct Hours: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "hours", 
            abstract: "Mentoring hours per person, school or mentorship.",
            discussion: "Example: ihub log hours --hub H --by school --from 2026-01-01 --to 2026-06-30 --db region.db")
        @OptionGroup var common: Common
        @Option(name: .long, help: "The hub.") var hub: String
        @Option(name: .long, help: "person, school or mentorship.") var by: Subject
        @Option(name: .long, help: "First day (inclusive).") var from: String?
        @Option(name: .long, help: "Last day (inclusive).") var to: String?
        @Option(name: .long, help: "Only this kind.") var kind: Kind?

        func run() throws {
            try common.run("activity.hours", Log.strings([("hub", hub), ("by", by.rawValue), ("from", from), ("to", to), ("kind", kind?.rawValue)])) { r in
                for row in r["rows"]?.array ?? [] {
                    let key = row["code"]?.string ?? row["id"]?.int.map { "#\($0)" } ?? ""
                    print("\(key.padding(to: 16)) \((row["name"]?.string ?? "").padding(to: 32)) "
                          + "\(Decimal2.text(row["hours"]?.double ?? 0).padding(to: 8)) h  \(row["activities"]?.int ?? 0) activities")
                }
                let t = r["totals"]
                print("total: \(Decimal2.text(t?["hours"]?.double ?? 0)) h over \(t?["activities"]?.int ?? 0) activities")
            }
        }
    }

    struct Statement: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "statement", 
            abstract: "A statement of a person's or school's mentoring hours, as CSV or printable HTML.",
            discussion: "Example: ihub log statement --hub H --person T1 --from 2026-01-01 --to 2026-06-30 --format html --out hours.html --db region.db")
        @OptionGroup var common: Common
        @Option(name: .long, help: "The hub.") var hub: String
        @Option(name: .long, help: "The person (or --school).") var person: String?
        @Option(name: .long, help: "The school (or --person).") var school: String?
        @Option(name: .long, help: "First day (inclusive).") var from: String
        @Option(name: .long, help: "Last day (inclusive).") var to: String
        @Option(name: .long, help: "csv or html.") var format: Format = .html
        @Option(name: .long, help: "Write the statement to this file (default: print it).") var out: String?
        @Flag(name: .long, help: "Replace --out if it exists.") var force = false

        func run() throws {
            var p = Log.strings([("hub", hub), ("person", person), ("school", school), ("from", from), ("to", to),
                                 ("format", format.rawValue), ("path", out)])
            if force { p.append(.init("overwrite", .bool(true))) }
            try common.run("activity.statement", p) { r in
                if let text = r[format.rawValue]?.string {
                    print(text, terminator: "")
                } else {
                    print("\(out ?? ""): \(Decimal2.text(r["hours"]?.double ?? 0)) h over \(r["activities"]?.int ?? 0) activities")
                }
            }
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "import", 
            abstract: "Import activities from an NDJSON or CSV file: all of them or none.",
            discussion: "Example: ihub log import activities.csv --hub H --db region.db")
        @OptionGroup var common: Common
        @Argument(help: "The file (.ndjson/.jsonl or .csv).") var file: String
        @Option(name: .long, help: "The hub.") var hub: String
        @Option(name: .long, help: "csv or ndjson (default: by extension or content).") var format: ImportFormat?
        @Option(name: .long, help: "Write every problem of a rejected file here as CSV.") var problemsOut: String?

        func run() throws {
            let p = Log.strings([("hub", hub), ("path", file), ("format", format?.rawValue), ("problems_out", problemsOut)])
            try common.run("activity.import", p) { r in
                print("\(file): \(r["records"]?.int ?? 0) records, \(r["inserted"]?.int ?? 0) imported, \(r["unchanged"]?.int ?? 0) unchanged")
            }
        }
    }
}
