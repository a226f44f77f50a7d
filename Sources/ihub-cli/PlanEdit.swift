import ArgumentParser
import IHubCore

/// The writing subcommands of `ihub plan`: focus areas, goals, tasks,
/// statuses, and the history of statuses.
extension Plan {
    struct Focus: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "focus", 
            abstract: "Confirm, add or remove a plan's focus area.",
            discussion: """
                Examples: ihub plan focus confirm 1 --area C --by EE-ACC-P0001 --db region.db
                          ihub plan focus add 1 --instrument selfie --area G --by EE-ACC-P0001 --db region.db
                          ihub plan focus remove 1 --area B --db region.db
                """)
        @OptionGroup var common: Common
        enum Action: String, ExpressibleByArgument, CaseIterable { case confirm, add, remove }

        @Argument(help: "What to do with the area.") var action: Action
        @Argument(help: "The plan's id.") var plan: Int
        @Option(name: .long, help: "The instrument area.") var area: String
        @Option(name: .long, help: "The instrument (required by add).") var instrument: String?
        @Option(name: .long, help: "The person who confirms (required by confirm) or chose it.") var by: String?

        func run() throws {
            let method: String
            switch action {
            case .confirm: method = "plan.confirm_focus"
            case .add: method = "plan.add_focus"
            case .remove: method = "plan.remove_focus"
            }
            var p: [JSON.Member] = [.init("plan", .int(Int64(plan)))]
            p += Plan.members([("area", area), ("instrument", instrument), ("by", action == .remove ? nil : by)])
            try common.run(method, p) { f in
                if f["removed"]?.bool == true {
                    print("plan #\(plan): focus area \(f["instrument"]?.string ?? "") \(f["area"]?.string ?? "") removed")
                } else {
                    let state = f["confirmed"]?.bool == true ? "confirmed by \(f["confirmed_by"]?.string ?? "-") at \(f["confirmed_at"]?.string ?? "")" : "not confirmed"
                    print("plan #\(plan): focus area \(f["instrument"]?.string ?? "") \(f["area"]?.string ?? "") \(f["name"]?.string ?? ""), \(state)")
                }
            }
        }
    }

    struct Goal: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "goal", 
            abstract: "Add a goal on an instrument area, with a target level and date.",
            discussion: "Example: ihub plan goal 1 --instrument selfie --area C --description \"Devices for every class\" --target 3.5 --by 2026-06-30 --db region.db")
        @OptionGroup var common: Common
        @Argument(help: "The plan's id.") var plan: Int
        @Option(name: .long, help: "The instrument.") var instrument: String
        @Option(name: .long, help: "The instrument area.") var area: String
        @Option(name: .long, help: "What the goal is.") var description: String
        @Option(name: .long, help: "The target: a number on the instrument's scale, or a level code such as B1.") var target: String
        @Option(name: .long, help: "The target date (YYYY-MM-DD).") var by: String
        @Option(name: .long, help: "The baseline (default: the area's latest figure).") var baseline: Double?

        func run() throws {
            var p: [JSON.Member] = [.init("plan", .int(Int64(plan)))]
            p += Plan.members([("instrument", instrument), ("area", area), ("description", description), ("by", by)])
            p.append(.init("target", Double(target).map(JSON.double) ?? .string(target)))
            if let baseline { p.append(.init("baseline", .double(baseline))) }
            try common.run("plan.add_goal", p) { g in
                print("goal #\(g["id"]?.int ?? 0) of plan #\(plan): \(g["instrument"]?.string ?? "") \(g["area"]?.string ?? "") from "
                      + "\(Plan.number(g["baseline"])) to \(g["target_level"]?.string ?? Plan.number(g["target"])) by \(g["by"]?.string ?? "")")
            }
        }
    }

    struct Task: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "task", 
            abstract: "Add a task to a goal, with an owner and a due date.",
            discussion: "Example: ihub plan task 1 --title \"Survey the devices\" --owner EE-ACC-P0001 --due 2026-02-01 --db region.db")
        @OptionGroup var common: Common
        @Argument(help: "The goal's id.") var goal: Int
        @Option(name: .long, help: "What is to be done.") var title: String
        @Option(name: .long, help: "The person who owns it.") var owner: String?
        @Option(name: .long, help: "The due date (YYYY-MM-DD).") var due: String?

        func run() throws {
            let p: [JSON.Member] = [.init("goal", .int(Int64(goal)))] + Plan.members([("title", title), ("owner", owner), ("due", due)])
            try common.run("plan.add_task", p) { t in
                print("task #\(t["id"]?.int ?? 0) of goal #\(goal): \(t["title"]?.string ?? ""), \(t["owner"]?.string ?? "no owner"), due \(t["due"]?.string ?? "-")")
            }
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "status", 
            abstract: "Set the status of a plan, goal or task (recorded in the plan's history).",
            discussion: "Examples: ihub plan status --plan 1 active --by EE-ACC-P0001 --db region.db; ihub plan status --task 3 done --db region.db")
        @OptionGroup var common: Common
        @Option(name: .long, help: "The plan.") var plan: Int?
        @Option(name: .long, help: "The goal.") var goal: Int?
        @Option(name: .long, help: "The task.") var task: Int?
        @Argument(help: "The new status (plan: draft, active, done, dropped; goal: open, achieved, missed, dropped; task: open, in_progress, done, dropped).")
        var status: String
        @Option(name: .long, help: "The person who changes it.") var by: String?
        @Option(name: .long, help: "Why.") var note: String?

        func run() throws {
            var p: [JSON.Member] = [("plan", plan), ("goal", goal), ("task", task)].compactMap { k, v in v.map { .init(k, .int(Int64($0))) } }
            p += Plan.members([("status", status), ("by", by), ("note", note)])
            try common.run("plan.set_status", p) { r in
                let item = ["plan", "goal", "task"].first { r[$0] != nil } ?? "plan"
                let what = "\(item) #\(r[item]?.int ?? 0)"
                print(r["changed"]?.bool == true ? "\(what): \(r["previous"]?.string ?? "") -> \(r["status"]?.string ?? "")"
                                                 : "\(what) is already \(r["status"]?.string ?? "")")
            }
        }
    }

    struct History: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "history", abstract: "Every status of a plan, its goals and tasks, in order.")
        @OptionGroup var common: Common
        @Argument(help: "The plan's id.") var plan: Int

        func run() throws {
            try common.run("plan.history", [.init("plan", .int(Int64(plan)))]) { h in
                for c in h["changes"]?.array ?? [] {
                    print("\(c["at"]?.string ?? "")  \("\(c["item"]?.string ?? "") #\(c["item_id"]?.int ?? 0)".padding(to: 10)) "
                          + "\((c["status"]?.string ?? "").padding(to: 12)) \(c["by"]?.string ?? "-")\(c["note"]?.string.map { "  \($0)" } ?? "")")
                }
            }
        }
    }
}
