import ArgumentParser
import IHubCore

/// `ihub plan …`: action plans (plan.* operations); --json prints the
/// operation's document.
struct Plan: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "plan", 
        abstract: "Action plans: focus areas suggested from assessments, goals, tasks and their status over time.",
        subcommands: [Suggest.self, Create.self, Show.self, List.self, Focus.self, Goal.self, Task.self, Status.self, History.self])

    typealias Common = CallOptions

    struct Subject: ParsableArguments {
        @Option(name: .long, help: "The school (a school's plan).") var school: String?
        @Option(name: .long, help: "The teacher (a teacher's plan).") var person: String?
    }

    struct Source: ParsableArguments {
        @Option(name: .long, help: "The instrument to read (default: one with data in the round).") var instrument: String?
        @Option(name: .long, help: "The round to read (default: the latest with data).") var round: String?
        @Option(name: .long, help: "How many areas to suggest (default 3).") var count: Int?
    }

    static func members(_ pairs: [(String, String?)]) -> [JSON.Member] {
        pairs.compactMap { k, v in v.map { .init(k, .string($0)) } }
    }

    static func number(_ v: JSON?) -> String { v?.double.map { Decimal2.text($0) } ?? "-" }

    static func printSuggestions(_ s: JSON) {
        guard let round = s["round"]?.string else {
            print(s["note"]?.string ?? "nothing to suggest")
            return
        }
        print("weakest areas of \(s["school"]?.string ?? s["person"]?.string ?? ""), \(s["instrument"]?.string ?? "") in \(round) (k = \(s["k"]?.int ?? 0)):")
        for x in s["suggestions"]?.array ?? [] {
            let groups = (x["groups"]?.array ?? []).filter { ($0["n"]?.int ?? 0) > 0 }.map { g in
                "\(g["group"]?.string ?? "") \(g["suppressed"]?.bool == true ? "suppressed" : number(g["mean"])) (n \(g["n"]?.int ?? 0))"
            }
            print("  \(x["rank"]?.int ?? 0). \((x["area"]?.string ?? "").padding(to: 4)) \((x["name"]?.string ?? "").padding(to: 44)) "
                  + "mean \(number(x["mean"])) (n \(x["n"]?.int ?? 0)), hub \(number(x["hub"]?["mean"])), gap \(number(x["gap"]))"
                  + (groups.isEmpty ? "" : "; " + groups.joined(separator: ", ")))
        }
        if let note = s["note"]?.string { print("  note: \(note)") }
    }

    static func printPlan(_ p: JSON) {
        let who = p["school"]?.string.map { "school \($0)" } ?? "teacher \(p["person"]?.string ?? "")"
        print("plan #\(p["id"]?.int ?? 0) \(p["title"]?.string ?? "") — \(who), \(p["status"]?.string ?? "")"
              + (p["instance"]?.int.map { ", process instance \($0)" } ?? "") + (p["round"]?.string.map { ", round \($0)" } ?? ""))
        for f in p["focus_areas"]?.array ?? [] {
            let state = f["confirmed"]?.bool == true ? "confirmed by \(f["confirmed_by"]?.string ?? "-")"
                : f["suggested"]?.bool == true ? "suggested, awaiting confirmation" : "chosen"
            print("  focus \(f["instrument"]?.string ?? "") \((f["area"]?.string ?? "").padding(to: 4)) \((f["name"]?.string ?? "").padding(to: 44)) "
                  + "mean \(number(f["evidence"]?["mean"])) — \(state)")
        }
        for g in p["goals"]?.array ?? [] {
            let target = g["target_level"]?.string ?? number(g["target"])
            var line = "  goal #\(g["id"]?.int ?? 0) \(g["instrument"]?.string ?? "") \(g["area"]?.string ?? ""): \(g["description"]?.string ?? "") — "
                + "from \(number(g["baseline"])) to \(target) by \(g["by"]?.string ?? ""), \(g["status"]?.string ?? "")"
            if let now = g["progress"]?["mean"]?.double { line += "; now \(Decimal2.text(now)) (\(g["progress"]?["round"]?.string ?? ""))" }
            print(line)
            for t in g["tasks"]?.array ?? [] {
                print("    task #\(t["id"]?.int ?? 0) \(t["title"]?.string ?? "") — \(t["owner"]?.string ?? "no owner"), due \(t["due"]?.string ?? "-"), \(t["status"]?.string ?? "")")
            }
        }
        if let note = p["note"]?.string { print("  note: \(note)") }
    }

    struct Suggest: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "suggest", 
            abstract: "The weakest areas of the latest assessment, with their figures (plan.suggest).",
            discussion: "Example: ihub plan suggest --school EE-ACC-S01 --db region.db")
        @OptionGroup var common: Common
        @OptionGroup var subject: Subject
        @OptionGroup var source: Source

        func run() throws {
            var p = Plan.members([("school", subject.school), ("person", subject.person), ("instrument", source.instrument), ("round", source.round)])
            if let count = source.count { p.append(.init("count", .int(Int64(count)))) }
            try common.run("plan.suggest", p, view: Plan.printSuggestions)
        }
    }

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "create", 
            abstract: "A new plan (draft); --suggest adds the suggested focus areas, to be confirmed.",
            discussion: "Example: ihub plan create --school EE-ACC-S01 --title \"Digital plan 2026\" --suggest --db region.db")
        @OptionGroup var common: Common
        @OptionGroup var subject: Subject
        @Option(name: .long, help: "The plan's title.") var title: String
        @Option(name: .long, help: "The process instance it belongs to.") var instance: Int?
        @Option(name: .long, help: "The person who makes it.") var by: String?
        @Flag(name: .long, help: "Add the suggested focus areas.") var suggest = false
        @OptionGroup var source: Source

        func run() throws {
            var p = Plan.members([("school", subject.school), ("person", subject.person), ("title", title), ("by", by),
                                  ("instrument", source.instrument), ("round", source.round)])
            if let instance { p.append(.init("instance", .int(Int64(instance)))) }
            if let count = source.count { p.append(.init("count", .int(Int64(count)))) }
            if suggest { p.append(.init("suggest", true)) }
            try common.run("plan.create", p, view: Plan.printPlan)
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "A plan with its focus areas, goals, tasks and progress.")
        @OptionGroup var common: Common
        @Argument(help: "The plan's id.") var id: Int

        func run() throws { try common.run("plan.get", [.init("id", .int(Int64(id)))], view: Plan.printPlan) }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Plans with the counts of their goals and tasks.",
                                                        discussion: "Example: ihub plan list --hub EE-ACC --db region.db")
        @OptionGroup var common: Common
        @Option(name: .long, help: "Only this hub.") var hub: String?
        @OptionGroup var subject: Subject
        @Option(name: .long, help: "Only this process instance.") var instance: Int?
        @Option(name: .long, help: "Only plans with this status.") var status: PlanStatus?

        func run() throws {
            var p = Plan.members([("hub", hub), ("school", subject.school), ("person", subject.person), ("status", status?.rawValue)])
            if let instance { p.append(.init("instance", .int(Int64(instance)))) }
            try common.run("plan.list", p) { list in
                for x in list.array ?? [] {
                    print("#\(String(x["id"]?.int ?? 0).padding(to: 5)) \((x["school"]?.string ?? x["person"]?.string ?? "").padding(to: 14)) "
                          + "\((x["status"]?.string ?? "").padding(to: 8)) \(x["goals"]?.int ?? 0) goals, \(x["tasks"]?.int ?? 0) tasks, "
                          + "\(x["unconfirmed"]?.int ?? 0) unconfirmed  \(x["title"]?.string ?? "")")
                }
            }
        }
    }
}
