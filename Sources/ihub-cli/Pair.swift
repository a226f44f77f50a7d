import ArgumentParser
import IHubCore

/// `ihub pair propose|explain|diff|confirm`: the pairing workflow
/// (pairing.* operations); --json prints the operation's document.
struct Pair: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "pair", 
        abstract: "Who mentors whom: propose a pairing run, explain a pair, compare runs, confirm one.",
        subcommands: [Propose.self, Explain.self, Diff.self, Confirm.self])

    typealias Common = CallOptions

    static func pairs(_ text: [String], _ option: String) throws -> JSON {
        .array(try text.map { t throws -> JSON in
            let parts = t.split(separator: ":").map(String.init)
            guard parts.count == 2 else { throw ValidationError("--\(option) \(t): expected MENTEE:MENTOR") }
            return ["mentee": .string(parts[0]), "mentor": .string(parts[1])]
        })
    }

    static func printRun(_ run: JSON) {
        print("run #\(run["run"]?.int ?? 0): \(run["hub"]?.string ?? "") \(run["round"]?.string ?? "") \(run["level"]?.string ?? "") level, "
              + "\(run["objective"]?.string ?? "") (\(run["mode"]?.string ?? "")), policy \(run["policy_hash"]?.string ?? ""), "
              + "\(run["candidates"]?.int ?? 0) candidates, total \(Decimal2.text(run["total"]?.double ?? 0))")
        for p in run["pairs"]?.array ?? [] {
            print("  \((p["mentee"]?.string ?? "").padding(to: 16)) <- \((p["mentor"]?.string ?? "").padding(to: 16)) "
                  + "\(Decimal2.text(p["score"]?.double ?? 0))\(p["pinned"]?.bool == true ? "  (pinned)" : "")")
        }
        for u in run["unmatched"]?.array ?? [] {
            print("  unmatched \((u["code"]?.string ?? "").padding(to: 16)) \((u["side"]?.string ?? "").padding(to: 7)) \(u["reason"]?.string ?? "")")
        }
    }

    /// The run of explain and confirm: `--run N` as in every other command,
    /// or the first argument (`ihub pair confirm 3`).
    struct RunID: ParsableArguments {
        @Option(name: .long, help: "The run.") var run: Int?

        func resolve(_ positional: Int?) throws -> Int {
            switch (run, positional) {
            case let (r?, nil), let (nil, r?): return r
            case let (r?, p?) where r == p: return r
            case (_?, _?): throw ValidationError("give the run once: --run \(run!) or \(positional!), not both")
            case (nil, nil): throw ValidationError("give the run: --run N")
            }
        }
    }

    static func printExplanation(_ e: JSON) {
        let score = e["score"]?.double.map { Decimal2.text($0) } ?? "excluded"
        let state = e["pinned"]?.bool == true ? "paired (pinned)" : e["paired"]?.bool == true ? "paired" : "not paired"
        print("\(e["mentee"]?.string ?? "") with \(e["mentor"]?.string ?? ""): \(state), score \(score)")
        for c in e["criteria"]?.array ?? [] {
            print("  \((c["criterion"]?.string ?? "").padding(to: 16)) \(Decimal2.text(c["value"]?.double ?? 0)) x \(Decimal2.text(c["weight"]?.double ?? 0)) = \(Decimal2.text(c["contribution"]?.double ?? 0))")
        }
        if let why = e["ruled_out_by"] { print("  ruled out by \(why["kind"]?.string ?? ""): \(why["reason"]?.string ?? "")") }
        for n in e["notes"]?.array ?? [] { print("  note: \(n.string ?? "")") }
    }

    struct Propose: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "propose", 
            abstract: "Propose a pairing run (stored; nobody's pairs change until it is confirmed).",
            discussion: "Example: ihub pair propose --hub LT-CTA --round LT-CTA-R2 --level school --db region.db")
        @OptionGroup var common: Common
        @Option(name: .long, help: "The hub.") var hub: String?
        @Option(name: .long, help: "The round.") var round: String?
        @Option(name: .long, help: "What is paired (default: the round's).") var level: Level?
        @Option(name: .long, help: "What the run optimises (default total_fit).") var objective: Objective?
        @Option(name: .long, help: "How it assigns (default optimal).") var mode: PairingMode?
        @Option(name: .long, help: "Re-run this run with its parameters plus the new pins and bans.") var rerun: Int?
        @Option(name: .long, help: "A pair that must be in the run, MENTEE:MENTOR (repeatable).") var pin: [String] = []
        @Option(name: .long, help: "A pair that must not be, MENTEE:MENTOR (repeatable).") var ban: [String] = []

        func run() throws {
            var p: [JSON.Member] = [("hub", hub), ("round", round), ("level", level?.rawValue), ("objective", objective?.rawValue),
                                    ("mode", mode?.rawValue)]
                .compactMap { k, v in v.map { .init(k, .string($0)) } }
            if let rerun { p.append(.init("rerun", .int(Int64(rerun)))) }
            if !pin.isEmpty { p.append(.init("pins", try Pair.pairs(pin, "pin"))) }
            if !ban.isEmpty { p.append(.init("bans", try Pair.pairs(ban, "ban"))) }
            try common.run("pairing.propose", .object(p), progress: "pairing", view: Pair.printRun)
        }
    }

    struct Explain: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "explain", 
            abstract: "Each criterion's contribution to a pair, or why a pair is not in the run.",
            discussion: "Example: ihub pair explain --run 3 LT-CTA-S04 LT-CTA-S01 --db region.db (or: explain 3 LT-CTA-S04 LT-CTA-S01)")
        @OptionGroup var common: Common
        @OptionGroup var runID: RunID
        @Argument(help: "[RUN] MENTEE MENTOR: the run (unless --run), the mentee's code, the mentor's code.") var codes: [String] = []

        func run() throws {
            guard codes.count == 2 || codes.count == 3 else { throw ValidationError("give the mentee and the mentor: explain --run N MENTEE MENTOR") }
            var positional: Int?
            if codes.count == 3 {
                guard let n = Int(codes[0]) else { throw ValidationError("\(codes[0]): expected the run's id (a whole number)") }
                positional = n
            }
            let id = try runID.resolve(positional)
            try common.run("pairing.explain", ["run": .int(Int64(id)), "mentee": .string(codes[codes.count - 2]),
                                               "mentor": .string(codes[codes.count - 1])], view: Pair.printExplanation)
        }
    }

    struct Diff: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "diff", abstract: "Compare two runs.")
        @OptionGroup var common: Common
        @Argument(help: "The earlier run.") var from: Int
        @Argument(help: "The later run.") var to: Int

        func run() throws {
            try common.run("pairing.diff", ["from": .int(Int64(from)), "to": .int(Int64(to))]) { d in
                print("run #\(from) -> #\(to): total \(Decimal2.text(d["total"]?["from"]?.double ?? 0)) -> \(Decimal2.text(d["total"]?["to"]?.double ?? 0))")
                for (key, sign, style) in [("added", "+", Style.green), ("removed", "-", Style.red)] {
                    for p in d[key]?.array ?? [] { print(style("  \(sign) \(p["mentee"]?.string ?? "") <- \(p["mentor"]?.string ?? "")")) }
                }
                for u in d["newly_unmatched"]?.array ?? [] { print("  unmatched now: \(u["code"]?.string ?? "") (\(u["reason"]?.string ?? ""))") }
            }
        }
    }

    struct Confirm: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "confirm", 
            abstract: "Apply a run: its pairs become mentorships, all or none.",
            discussion: "Example: ihub pair confirm --run 3 --db region.db (or: confirm 3)")
        @OptionGroup var common: Common
        @OptionGroup var runID: RunID
        @Argument(help: "The run (unless --run).") var positional: Int?

        func run() throws {
            let id = try runID.resolve(positional)
            try common.run("pairing.confirm", ["run": .int(Int64(id))]) { r in
                print("run #\(id) confirmed: \(r["added"]?.int ?? 0) pairs added, \(r["already_confirmed"]?.int ?? 0) already confirmed")
            }
        }
    }
}
