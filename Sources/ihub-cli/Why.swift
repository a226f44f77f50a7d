import ArgumentParser
import IHubCore

/// `ihub why …`: the decision log read as answers (decision.why), and the
/// log itself (decision.list); --json prints the operation's document.
struct Why: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Why the engine decided what it did: a school's class, a pair, a person, a decision; and the decision log.",
        discussion: """
            Every pairing run, classification, refused process move and insight is recorded with the inputs' hash, \
            the methodology version and the reason in words.
            Examples:
              ihub why school EE-ACC-S03 --db region.db        why is this school beginning?
              ihub why pair EE-ACC-S03 EE-ACC-S01 --db region.db
              ihub why person EE-ACC-T012 --round EE-ACC-2025 --db region.db
              ihub why decision 42 --db region.db
              ihub why log --hub EE-ACC --kind pairing --db region.db
            """,
        subcommands: [School.self, Pair.self, PersonWhy.self, Decision.self, LogList.self])

    typealias Common = CallOptions

    /// The answer's lines, as decision.why wrote them.
    static func printAnswer(_ r: JSON) {
        print(r["question"]?.string ?? "")
        for line in r["answer"]?.array ?? [] { print("  " + (line.string ?? "")) }
    }

    struct School: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Why a school is in its class: its latest classification, pairing, refused moves and insights.")
        @OptionGroup var common: Common
        @Argument(help: "The school's code.") var code: String
        @Option(name: .long, help: "The classification of this round (default: the latest).") var round: String?

        func run() throws {
            try common.run("decision.why", InsightCommand.members([("school", code), ("round", round)])) { Why.printAnswer($0) }
        }
    }

    struct Pair: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Why a mentee is paired with a mentor: the run, the score's parts and the policy's reasons (or why not).")
        @OptionGroup var common: Common
        @Argument(help: "The mentee's code (a school or a teacher).") var mentee: String
        @Argument(help: "The mentor's code.") var mentor: String
        @Option(name: .customLong("run"), help: "This pairing run (default: the latest that pairs them).") var runID: Int?

        func run() throws {
            var p = InsightCommand.members([("mentee", mentee), ("mentor", mentor)])
            if let runID { p.append(.init("run", .int(Int64(runID)))) }
            try common.run("decision.why", p) { Why.printAnswer($0) }
        }
    }

    struct PersonWhy: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "person",
            abstract: "Why a teacher is in their class and paired as they are: classification, pairing, refused moves, insights.")
        @OptionGroup var common: Common
        @Argument(help: "The person's code.") var code: String
        @Option(name: .long, help: "The classification of this round (default: the latest).") var round: String?

        func run() throws {
            try common.run("decision.why", InsightCommand.members([("person", code), ("round", round)])) { Why.printAnswer($0) }
        }
    }

    struct Decision: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One decision: its reason, methodology version and files (decision.get).")
        @OptionGroup var common: Common
        @Argument(help: "The decision's id.") var id: Int

        func run() throws {
            try common.run("decision.why", [.init("decision", .int(Int64(id)))]) { r in
                Why.printAnswer(r)
                // A run's detail holds every pair: shown whole with --json only.
                if let detail = r["decisions"]?.array?.first?["detail"] {
                    let text = detail.serialized()
                    print("  detail: " + (text.utf8.count <= 600 ? text : "\(text.utf8.count) bytes (--json shows it)"))
                }
            }
        }
    }

    struct LogList: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "log",
            abstract: "A hub's decision log, newest first (decision.list).",
            discussion: "Example: ihub why log --hub EE-ACC --kind classification --limit 20 --db region.db")
        @OptionGroup var common: Common
        @Option(name: .long, help: "The hub.") var hub: String
        @Option(name: .long, help: "Only this kind: pairing, classification, transition_refused or insight.") var kind: String?
        @Option(name: .long, help: "Only decisions about this school (code).") var school: String?
        @Option(name: .long, help: "Only decisions about this person (code).") var person: String?
        @Option(name: .long, help: "Only decisions taken at or after this date or time.") var since: String?
        @Option(name: .long, help: "At most this many decisions.") var limit: Int?
        @Option(name: .long, help: "Only decisions older than this id (the next page).") var after: Int?

        func run() throws {
            var p = InsightCommand.members([("hub", hub), ("kind", kind), ("since", since)])
            let subject = InsightCommand.members([("school", school), ("person", person)])
            if !subject.isEmpty { p.append(.init("subject", .object(subject))) }
            if let limit { p.append(.init("limit", .int(Int64(limit)))) }
            if let after { p.append(.init("after", .int(Int64(after)))) }
            try common.run("decision.list", p) { list in
                if list.array?.isEmpty ?? true { print("no decisions") }
                for d in list.array ?? [] {
                    let s = d["subject"]
                    let about = s?["code"]?.string ?? s?["id"]?.int.map { "#\($0)" } ?? ""
                    print("#\(String(d["id"]?.int ?? 0).padding(to: 6)) \((d["created_at"]?.string ?? "").padding(to: 21))"
                          + "\((d["kind"]?.string ?? "").padding(to: 19)) \((s?["kind"]?.string ?? "") + " " + about)")
                    print("        \(d["reason"]?.string ?? "")")
                }
            }
        }
    }
}
