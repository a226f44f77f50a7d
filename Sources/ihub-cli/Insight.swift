import ArgumentParser
import IHubCore

/// `ihub insight …`: insights raised by the rules from a hub's indicators,
/// and what people say of them (insight.* operations); --json prints the
/// operation's document.
struct InsightCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "insight",
        abstract: "Insights: the rules' reading of a hub's indicators, for a role, with the reason and a suggested action.",
        subcommands: [Generate.self, List.self, Show.self, Ack.self, Dismiss.self, Reopen.self, Rules.self])

    typealias Common = CallOptions

    static func members(_ pairs: [(String, String?)]) -> [JSON.Member] {
        pairs.compactMap { k, v in v.map { .init(k, .string($0)) } }
    }

    /// One line per insight: id, severity, status, role, title; then the reason and the action.
    static func printInsight(_ x: JSON, full: Bool) {
        let subject = x["subject"].map { $0.string ?? $0.int.map { "#\($0)" } ?? "" } ?? ""
        let severity = x["severity"]?.string ?? ""
        let colour = Severity(rawValue: severity)?.style ?? .bold
        print("#\(String(x["id"]?.int ?? 0).padding(to: 5)) \(colour(severity.padding(to: 8))) "
              + "\((x["status"]?.string ?? "").padding(to: 13)) \((x["role"]?.string ?? "").padding(to: 14)) "
              + "\(x["title"]?.string ?? "")" + (subject.isEmpty || x["level"]?.string == "hub" ? "" : " [\(x["level"]?.string ?? "") \(subject)]"))
        print("       \(x["reason"]?.string ?? "")")
        print("       → \(x["action"]?.string ?? "")")
        guard full else { return }
        print("       rule \(x["rule"]?.string ?? "") (\(x["source"]?.string ?? "")), window \(x["window"]?.string ?? ""), raised \(x["created_at"]?.string ?? "")")
        for f in x["feedback"]?.array ?? [] {
            print("       \(f["at"]?.string ?? "") \(f["action"]?.string ?? "")" + (f["by"]?.string.map { " by \($0)" } ?? "")
                  + (f["note"]?.string.map { ": \($0)" } ?? ""))
        }
    }

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "generate", 
            abstract: "Apply the rules to a hub's indicators and store the insights (insight.generate).",
            discussion: "Example: ihub insight generate --hub EE-ACC --window 2026/27 --db region.db")
        @OptionGroup var common: Common
        @Option(name: .long, help: "The hub.") var hub: String
        @Option(name: .long, help: "The window (default: the school year of today).") var window: String?

        func run() throws {
            try common.run("insight.generate", InsightCommand.members([("hub", hub), ("window", window)]), progress: "generating insights") { r in
                print("\(r["insights"]?.array?.count ?? 0) insights over \(r["window"]?.string ?? "") (as of \(r["as_of"]?.string ?? "")): "
                      + "\(r["created"]?.int ?? 0) new, \(r["kept"]?.int ?? 0) kept")
                for x in r["insights"]?.array ?? [] { InsightCommand.printInsight(x, full: false) }
                for s in r["skipped"]?.array ?? [] { print("skipped \(s["rule"]?.string ?? ""): \(s["reason"]?.string ?? "")") }
                for e in r["errors"]?.array ?? [] {
                    print("failed \(e["rule"]?.string ?? "the insights script"): \(e["status"]?.string ?? ""): \(e["message"]?.string ?? "")")
                }
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", 
            abstract: "A hub's stored insights, most severe first (insight.list).",
            discussion: "Example: ihub insight list --hub EE-ACC --role mentor --status open --db region.db")
        @OptionGroup var common: Common
        @Option(name: .long, help: "The hub.") var hub: String
        @Option(name: .long, help: "Only for this role.") var role: InsightRole?
        @Option(name: .long, help: "Only with this status.") var status: InsightStatus?
        @Option(name: .long, help: "Only this severity.") var severity: Severity?
        @Option(name: .long, help: "Only raised over this window.") var window: String?

        func run() throws {
            let p = InsightCommand.members([("hub", hub), ("role", role?.rawValue), ("status", status?.rawValue), ("severity", severity?.rawValue), ("window", window)])
            try common.run("insight.list", p) { list in
                if list.array?.isEmpty ?? true { print("no insights") }
                for x in list.array ?? [] { InsightCommand.printInsight(x, full: false) }
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "One insight with its feedback (insight.get).")
        @OptionGroup var common: Common
        @Argument(help: "The insight's id.") var id: Int

        func run() throws {
            try common.run("insight.get", [.init("id", .int(Int64(id)))]) { InsightCommand.printInsight($0, full: true) }
        }
    }

    /// ack, dismiss and reopen: the id, who says it, and a note (the reason of a dismissal).
    struct Feedback: ParsableArguments {
        @Argument(help: "The insight's id.") var id: Int
        @Option(name: .long, help: "The person (code) who says so.") var by: String?

        func params(_ note: (String, String?)) -> [JSON.Member] {
            [.init("id", .int(Int64(id)))] + InsightCommand.members([("by", by), note])
        }
    }

    struct Ack: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "ack", abstract: "Acknowledge an open insight (insight.ack).",
                                                        discussion: "Example: ihub insight ack 3 --by P-001 --note \"call planned\" --db region.db")
        @OptionGroup var common: Common
        @OptionGroup var feedback: Feedback
        @Option(name: .long, help: "What is being done.") var note: String?

        func run() throws {
            try common.run("insight.ack", feedback.params(("note", note))) { InsightCommand.printInsight($0, full: true) }
        }
    }

    struct Dismiss: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "dismiss", abstract: "Dismiss an insight, with the reason (insight.dismiss).",
                                                        discussion: "Example: ihub insight dismiss 3 --reason \"the pair meets offline\" --db region.db")
        @OptionGroup var common: Common
        @OptionGroup var feedback: Feedback
        @Option(name: .long, help: "Why it does not call for action.") var reason: String

        func run() throws {
            try common.run("insight.dismiss", feedback.params(("reason", reason))) { InsightCommand.printInsight($0, full: true) }
        }
    }

    struct Reopen: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "reopen", abstract: "Reopen an acknowledged or dismissed insight (insight.reopen).")
        @OptionGroup var common: Common
        @OptionGroup var feedback: Feedback
        @Option(name: .long, help: "Why it is open again.") var note: String?

        func run() throws {
            try common.run("insight.reopen", feedback.params(("note", note))) { InsightCommand.printInsight($0, full: true) }
        }
    }

    struct Rules: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "rules", abstract: "The insight rules of a hub: the default set, then its own (insight.rules).")
        @OptionGroup var common: Common
        @Option(name: .long, help: "The hub.") var hub: String

        func run() throws {
            try common.run("insight.rules", InsightCommand.members([("hub", hub)])) { list in
                for r in list.array ?? [] {
                    print("\((r["name"]?.string ?? "").padding(to: 26)) \((r["source"]?.string ?? "").padding(to: 16)) \(r["description"]?.string ?? "")")
                }
            }
        }
    }
}
