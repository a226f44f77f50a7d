import ArgumentParser
import IHubCore

/// `ihub process model|start|move|show|list|next|close|choose|toolbox`: the
/// mentoring process (process.* and toolbox.* operations); --json prints the
/// operation's document.
struct ProcessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "process",
        abstract: "The mentoring process: a hub's model, instances moved from step to step, their history and methods.",
        subcommands: [Model.self, Start.self, Move.self, Show.self, List.self, Next.self, Close.self, Choose.self, Toolbox.self])

    typealias Common = CallOptions

    static func text(_ v: JSON?) -> String { v?.string ?? "-" }

    static func printInstance(_ x: JSON) {
        let subject = x["subject"]?.string == "mentorship" ? "mentorship #\(x["mentorship"]?.int ?? 0)"
            : "\(x["subject"]?.string ?? "") \(text(x["school"]))"
        let state = x["open"]?.bool == true ? "open" : "closed \(text(x["closed_at"])) (\(text(x["close_reason"])))"
        let moves = x["transitions"]?.int ?? 0
        print("process #\(x["id"]?.int ?? 0) of \(subject) (\(text(x["hub"]))): step \(text(x["step"])), cycle \(x["cycle"]?.int ?? 0), "
              + "\(moves) move\(moves == 1 ? "" : "s"), \(state)")
        for m in x["methods"]?.array ?? [] {
            print("  method \(text(m["code"])) (\(text(m["name"])))\(m["step"]?.string.map { " for \($0)" } ?? "")")
        }
    }

    static func printHistory(_ moves: JSON) {
        for t in moves.array ?? [] {
            let by = t["by"]?.string.map { " by \($0)" } ?? ""
            let note = t["note"]?.string.map { ": \($0)" } ?? ""
            print("  \(text(t["at"]))  cycle \(t["cycle"]?.int ?? 0)  \(text(t["from"])) -> \(text(t["to"]))\(by)  [model \(text(t["model_hash"]))]\(note)")
        }
    }

    struct Model: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "model", 
            abstract: "The steps of a hub's process model (the default, or as its process script changes it).",
            discussion: "Example: ihub process model --hub EE-ACC --db region.db")
        @OptionGroup var common: Common
        @Option(name: .long, help: "The hub.") var hub: String

        func run() throws {
            try common.run([("process.model", ["hub": .string(hub)])]) { r in
                let m = r[0]
                print("\(hub): \(m["hub_script"]?.bool == true ? "the hub's process script" : "the default model"), hash \(text(m["hash"]))")
                for (i, s) in (m["steps"]?.array ?? []).enumerated() {
                    print("  \(i + 1). \(text(s["code"]).padding(to: 20)) \(text(s["name"]))\(s["ends_cycle"]?.bool == true ? "  (ends a cycle)" : "")")
                }
            }
        }
    }

    struct Start: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "start", 
            abstract: "Start a process for a school, a school's development team or a mentorship.",
            discussion: "Example: ihub process start --school EE-ACC-S01 --at initiative --db region.db")
        @OptionGroup var common: Common
        @Option(name: .long, help: "The school whose process it is.") var school: String?
        @Option(name: .long, help: "The school whose development team's process it is.") var team: String?
        @Option(name: .long, help: "The mentorship (its id).") var mentorship: Int?
        @Option(name: .long, help: "The first step.") var at: String?
        @Option(name: .long, help: "Who made the first move (a person's code).") var by: String?

        func run() throws {
            var p: [JSON.Member] = [("school", school), ("team", team), ("at", at), ("by", by)].compactMap { k, v in v.map { .init(k, .string($0)) } }
            if let mentorship { p.append(.init("mentorship", .int(Int64(mentorship)))) }
            try common.run([("process.start", .object(p))]) { r in ProcessCommand.printInstance(r[0]) }
        }
    }

    struct Move: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "move", 
            abstract: "Move a process to a step (the model's rules may refuse, with their reason).",
            discussion: "Example: ihub process move 3 mapping_needs --by EE-ACC-P0001 --note \"workshop held\" --db region.db")
        @OptionGroup var common: Common
        @Argument(help: "The process.") var id: Int
        @Argument(help: "The step's code.") var step: String
        @Option(name: .long, help: "Who moves it (a person's code).") var by: String?
        @Option(name: .long, help: "A note kept with the move.") var note: String?

        func run() throws {
            var p: [JSON.Member] = [.init("id", .int(Int64(id))), .init("to", .string(step))]
            if let by { p.append(.init("by", .string(by))) }
            if let note { p.append(.init("note", .string(note))) }
            try common.run([("process.move", .object(p))]) { r in
                let m = r[0]["move"]
                print("process #\(id): \(text(m?["from"])) -> \(text(m?["to"])), cycle \(m?["cycle"]?.int ?? 0)\(m?["new_cycle"]?.bool == true ? " (a new cycle)" : "")")
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "A process with its methods and its history of moves.",
                                                        discussion: "Example: ihub process show 3 --db region.db")
        @OptionGroup var common: Common
        @Argument(help: "The process.") var id: Int

        func run() throws {
            let p: JSON = ["id": .int(Int64(id))]
            try common.run([("process.get", p), ("process.history", p)]) { r in
                ProcessCommand.printInstance(r[0])
                ProcessCommand.printHistory(r[1])
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "A hub's processes.",
                                                        discussion: "Example: ihub process list --hub EE-ACC --open --db region.db")
        @OptionGroup var common: Common
        @Option(name: .long, help: "The hub.") var hub: String
        @Option(name: .long, help: "Only this school's processes (as school or team).") var school: String?
        @Option(name: .long, help: "Only the processes of this subject.") var subject: ProcessSubject?
        @Flag(name: .long, help: "Only open processes.") var open = false

        func run() throws {
            var p: [JSON.Member] = [.init("hub", .string(hub))]
            if let school { p.append(.init("school", .string(school))) }
            if let subject { p.append(.init("subject", .string(subject.rawValue))) }
            if open { p.append(.init("open", .bool(true))) }
            try common.run([("process.list", .object(p))]) { r in
                let list = r[0].array ?? []
                if list.isEmpty { print("no processes") }
                list.forEach(ProcessCommand.printInstance)
            }
        }
    }

    struct Next: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "next", abstract: "Where a process may move now, and why not elsewhere.",
                                                        discussion: "Example: ihub process next 3 --db region.db")
        @OptionGroup var common: Common
        @Argument(help: "The process.") var id: Int

        func run() throws {
            try common.run([("process.next", ["id": .int(Int64(id))])]) { r in
                print("process #\(id): step \(text(r[0]["step"])), cycle \(r[0]["cycle"]?.int ?? 0)")
                for s in r[0]["steps"]?.array ?? [] {
                    let mark = s["allowed"]?.bool == true ? "yes" : "no "
                    let why = s["reason"]?.string.map { "  (\($0))" } ?? (s["new_cycle"]?.bool == true ? "  (a new cycle)" : "")
                    print("  \(mark) \(text(s["code"]).padding(to: 20)) \(text(s["name"]))\(why)")
                }
            }
        }
    }

    struct Close: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "close", abstract: "Close a process with a reason.",
                                                        discussion: "Example: ihub process close 3 --reason \"goals reached\" --db region.db")
        @OptionGroup var common: Common
        @Argument(help: "The process.") var id: Int
        @Option(name: .long, help: "Why it closes.") var reason: String

        func run() throws {
            try common.run([("process.close", ["id": .int(Int64(id)), "reason": .string(reason)])]) { r in ProcessCommand.printInstance(r[0]) }
        }
    }

    struct Choose: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "choose", abstract: "Choose a toolbox method for a process (or remove it with --remove).",
                                                        discussion: "Example: ihub process choose 3 needs_mapping --step mapping_needs --db region.db")
        @OptionGroup var common: Common
        @Argument(help: "The process.") var id: Int
        @Argument(help: "The method's code (ihub process toolbox lists them).") var method: String
        @Option(name: .long, help: "The step it is chosen for (default: the whole process).") var step: String?
        @Option(name: .long, help: "Who chose it (a person's code).") var by: String?
        @Flag(name: .long, help: "Remove the choice instead.") var remove = false

        func run() throws {
            var p: [JSON.Member] = [.init("id", .int(Int64(id))), .init("method", .string(method))]
            if let step { p.append(.init("step", .string(step))) }
            if let by, !remove { p.append(.init("by", .string(by))) }
            try common.run([(remove ? "process.remove_method" : "process.choose_method", .object(p))]) { r in ProcessCommand.printInstance(r[0]) }
        }
    }

    struct Toolbox: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "toolbox", abstract: "The methods toolbox: built-in methods and the hub's own.",
                                                        discussion: "Example: ihub process toolbox --hub EE-ACC --step mapping_needs --db region.db")
        @OptionGroup var common: Common
        @Option(name: .long, help: "The hub whose own methods are listed too.") var hub: String?
        @Option(name: .long, help: "Only methods that suit this step.") var step: String?
        @Option(name: .long, help: "Only methods at this level.") var level: MethodLevel?

        func run() throws {
            let p: [JSON.Member] = [("hub", hub), ("step", step), ("level", level?.rawValue)].compactMap { k, v in v.map { .init(k, .string($0)) } }
            try common.run([("toolbox.list", .object(p))]) { r in
                for m in r[0].array ?? [] {
                    let minutes = m["typical_minutes"]?.int.map { "\($0) min" } ?? "-"
                    let steps = (m["steps"]?.array ?? []).compactMap(\.string).joined(separator: ", ")
                    print("\(text(m["code"]).padding(to: 20)) \(text(m["name"])) [\(text(m["level"])), \(minutes)\(m["hub"]?.string.map { ", \($0)" } ?? "")]")
                    if !steps.isEmpty { print("  steps: \(steps)") }
                }
            }
        }
    }
}
