import ArgumentParser
import IHubCore

/// `ihub impact`: did mentoring change maturity (impact.estimate)? --json
/// prints the operation's document.
struct Impact: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "impact", 
        abstract: "The impact of mentoring on maturity: mentored against matched unmentored, difference in differences with a bootstrap CI, and the dose–response on hours.",
        discussion: "Example: ihub impact --hub H --instrument digcompedu --from R1 --to R2 --match nearest --db region.db")

    enum Match: String, ExpressibleByArgument, CaseIterable { case `class`, nearest }

    @OptionGroup var common: CallOptions
    @Option(name: .long, help: "The hub (default: every hub of the rounds, the consortium).") var hub: String?
    @Option(name: .long, help: "The instrument; its subject (school or teacher) is the level (default: as maturity.change chooses).") var instrument: String?
    @Option(name: .long, help: "The earlier round (repeat it, with --to, for one pair of rounds per hub; default: as maturity.change chooses).") var from: [String] = []
    @Option(name: .long, help: "The later round.") var to: [String] = []
    @Option(name: .long, help: "The level (default: the instrument's subject).") var level: Level?
    @Option(name: .long, help: "An area's code: its mean is the outcome (default: the overall score).") var area: String?
    @Option(name: .long, help: "class (the earlier round's class, default) or nearest (starting score).") var match: Match?
    @Option(name: .long, help: "Bootstrap replicates (default 2000).") var bootstrap: Int?
    @Option(name: .long, help: "Seed of the bootstrap (default 1).") var seed: Int?

    func run() throws {
        var p: [JSON.Member] = []
        for (k, c) in [("from", from), ("to", to)] where !c.isEmpty { p.append(.init(k, c.count == 1 ? .string(c[0]) : .array(c.map { .string($0) }))) }
        for (k, v) in [("hub", hub), ("instrument", instrument), ("level", level?.rawValue), ("area", area), ("match", match?.rawValue)] {
            if let v { p.append(.init(k, .string(v))) }
        }
        for (k, v) in [("bootstrap", bootstrap), ("seed", seed)] { if let v { p.append(.init(k, .int(Int64(v)))) } }
        try common.run("impact.estimate", p, progress: "estimating the impact") { r in
            let e = r["estimate"], m = r["mentored"], c = r["comparison"], d = r["dose_response"]
            func num(_ v: JSON?) -> String { v?.double.map { Decimal2.text($0) } ?? "–" }
            let ci = e?["ci"]?.array ?? []
            print("\(r["instrument"]?.string ?? "") \(r["level"]?.string ?? "") level, \(r["area"]?.string ?? ""), match \(r["matching"]?["method"]?.string ?? ""), k = \(r["k"]?.int ?? 0)")
            print("difference in differences: \(num(e?["did"])) (95% CI \(num(ci.first)) to \(num(ci.last)), \(e?["bootstrap"]?.int ?? 0) replicates, seed \(e?["seed"]?.int ?? 0))")
            print("mentored:   \(m?["matched"]?.int ?? 0) matched of \(m?["assessed"]?.int ?? 0), \(num(m?["from_mean"])) → \(num(m?["to_mean"])) (change \(num(m?["change"])))")
            print("comparison: \(c?["used"]?.int ?? 0) used of \(c?["available"]?.int ?? 0), \(num(c?["from_mean"])) → \(num(c?["to_mean"])) (change \(num(c?["change"])))")
            let dci = d?["ci"]?.array ?? []
            print("dose–response: \(num(d?["slope"])) per hour (se \(num(d?["se"])), 95% CI \(num(dci.first)) to \(num(dci.last)), n = \(d?["n"]?.int ?? 0))")
            print("assumptions:")
            for a in r["assumptions"]?.array ?? [] { print("  - \(a.string ?? "")") }
        }
    }
}
