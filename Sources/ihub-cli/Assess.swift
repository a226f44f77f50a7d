import ArgumentParser
import IHubCore

/// `ihub assess scores|aggregate|compare`: readable views of the
/// assessment.* operations (--json prints the operation's document).
struct Assess: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "assess", 
        abstract: "Assessment results: each response's scores, aggregates per area and group, round comparisons.",
        subcommands: [Scores.self, Aggregate.self, Compare.self])

    /// Options every assess view takes.
    struct Common: ParsableArguments {
        @Option(name: .long, help: "The instrument: selfie, digcompedu or a hub's own.")
        var instrument = "selfie"

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: OutputOptions

        /// Runs the operation and prints its document, or hands it to `table`.
        func run(_ method: String, _ params: [JSON.Member], table: (JSON) -> Void) throws {
            do throws(IHubError) {
                let engine = try database.open()
                let result = try engine.call(method, .object([.init("instrument", .string(instrument))] + params))
                output.show(result, view: table)
            } catch {
                throw error.exit()
            }
        }
    }

    struct Scope: ParsableArguments {
        @Option(name: .long, help: "Only this hub (the round's; the default).")
        var hub: String?

        @Option(name: .long, help: "Only this school.")
        var school: String?

        @Option(name: .long, help: "Only this respondent group.")
        var group: RespondentGroup?

        var params: [JSON.Member] {
            [("hub", hub), ("school", school), ("group", group?.rawValue)].compactMap { key, value in value.map { .init(key, .string($0)) } }
        }
    }

    struct Scores: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "scores", 
            abstract: "Each response's area means and overall score in a round (assessment.scores).",
            discussion: "Example: ihub assess scores --round EE-ACC-R1 --school EE-ACC-S01 --db region.db")

        @OptionGroup var common: Common
        @Option(name: .long, help: "The round.") var round: String
        @Option(name: .long, help: "Only responses about this school.") var school: String?
        @Option(name: .long, help: "Only responses assessing this teacher.") var person: String?

        func run() throws {
            var params: [JSON.Member] = [.init("round", .string(round))]
            if let school { params.append(.init("school", .string(school))) }
            if let person { params.append(.init("person", .string(person))) }
            try common.run("assessment.scores", params) { result in
                let responses = result["responses"]?.array ?? []
                print("\(common.instrument), round \(round): \(responses.count) responses (overall: \(result["overall"]?.string ?? ""))")
                guard let first = responses.first else { return }
                let areas = first["areas"]?.members?.map(\.key) ?? []
                let levels = first["level"] != nil
                print("respondent".padding(to: 22) + "school".padding(to: 14) + "group".padding(to: 10) + "overall".padding(to: 9)
                      + (levels ? "level " : "") + areas.map { $0.padding(to: 6) }.joined())
                for r in responses {
                    var line = (r["respondent"]?.string ?? "").padding(to: 22) + (r["school"]?.string ?? "").padding(to: 14)
                        + (r["group"]?.string ?? "").padding(to: 10) + number(r["overall"]).padding(to: 9)
                    if levels { line += (r["level"]?.string ?? "-").padding(to: 6) }
                    line += areas.map { number(r["areas"]?[$0]?["mean"]).padding(to: 6) }.joined()
                    print(line)
                }
            }
        }
    }

    struct Aggregate: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "aggregate", 
            abstract: "Mean, sd and n per area and respondent group of a round, small groups suppressed (assessment.aggregate).",
            discussion: "Example: ihub assess aggregate --round EE-ACC-R1 --group teachers --db region.db")

        @OptionGroup var common: Common
        @Option(name: .long, help: "The round.") var round: String
        @OptionGroup var scope: Scope

        func run() throws {
            try common.run("assessment.aggregate", [.init("round", .string(round))] + scope.params) { result in
                print("\(common.instrument), round \(round), \(Assess.describe(result["scope"])) (k = \(result["k"]?.int ?? 0))")
                Assess.byGroup(result) { r in
                    let head = Assess.label(r).padding(to: 48) + "n \(r["n"]?.int ?? 0)".padding(to: 8)
                    if r["suppressed"] == true { return head + "suppressed: \(r["reason"]?.string ?? "")" }
                    let level = r["level"]?.string.map { "  level \($0)" } ?? ""
                    return head + "mean \(number(r["mean"]))  sd \(number(r["sd"]))" + level
                }
            }
        }
    }

    struct Compare: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "compare", 
            abstract: "The change between two rounds per area and group, with Hedges' g and its 95% CI (assessment.compare).",
            discussion: "Example: ihub assess compare --from EE-ACC-R1 --to EE-ACC-R2 --group teachers --db region.db")

        @OptionGroup var common: Common
        @Option(name: .long, help: "The earlier round.") var from: String
        @Option(name: .long, help: "The later round.") var to: String
        @OptionGroup var scope: Scope

        func run() throws {
            try common.run("assessment.compare", [.init("from", .string(from)), .init("to", .string(to))] + scope.params) { result in
                print("\(common.instrument), \(from) → \(to), \(Assess.describe(result["scope"])) (k = \(result["k"]?.int ?? 0)); "
                      + "effect: Hedges' g [95% CI]")
                Assess.byGroup(result) { Assess.comparison($0) }
            }
        }
    }

    /// "hub EE-ACC" or "school EE-ACC-S01".
    static func describe(_ scope: JSON?) -> String {
        if let school = scope?["school"]?.string { return "school \(school)" }
        return "hub \(scope?["hub"]?.string ?? "?")"
    }

    /// Prints the rows of an aggregate or comparison under their group.
    static func byGroup(_ result: JSON, _ line: (JSON) -> String) {
        var group = ""
        for r in result["results"]?.array ?? [] {
            if r["group"]?.string != group {
                group = r["group"]?.string ?? ""
                print(group)
            }
            print("  " + line(r))
        }
    }

    /// "A Leadership", or "overall".
    static func label(_ r: JSON) -> String {
        r["area"] == "overall" ? "overall" : "\(r["area"]?.string ?? "") \(r["name"]?.string ?? "")"
    }

    /// "A Leadership   3.12 (n 120) → 3.45 (n 118)  +0.33  g 0.45 [0.19, 0.71]"; the label is left
    /// out when `labelWidth` is 0.
    static func comparison(_ r: JSON, labelWidth: Int = 46) -> String {
        let head = labelWidth > 0 ? label(r).padding(to: labelWidth) : ""
        let from = r["from"], to = r["to"]
        if r["suppressed"] == true {
            return head + "n \(from?["n"]?.int ?? 0) → \(to?["n"]?.int ?? 0)  suppressed: \(r["reason"]?.string ?? "")"
        }
        let change = r["change"]?.double ?? 0
        var text = head + "\(number(from?["mean"])) (n \(from?["n"]?.int ?? 0)) → \(number(to?["mean"])) (n \(to?["n"]?.int ?? 0))".padding(to: 30)
            + (change >= 0 ? "+" : "") + Decimal2.text(change) + "  "
        if let g = r["hedges_g"]?.double, let ci = r["ci"]?.array, ci.count == 2 {
            text += "g \(Decimal2.text(g)) [\(number(ci[0])), \(number(ci[1]))]"
        } else {
            text += r["note"]?.string ?? ""
        }
        return text
    }
}

/// `ihub classify`: run the maturity classification of a round and show it.
struct Classify: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "classify", 
        abstract: "Classify a hub's schools or teachers in a round (classification.run) and list the classes with their first reason.",
        discussion: "The hub's \"classify\" script replaces the default rule when it has one (ihub call script.set ...).\n"
            + "Example: ihub classify --hub EE-ACC --round EE-ACC-R1 --subject school --db region.db")

    @Option(name: .long, help: "The hub.") var hub: String
    @Option(name: .long, help: "The round.") var round: String
    @Option(name: .long, help: "What to classify.") var subject: Level
    @OptionGroup var database: DatabaseOptions
    @Flag(name: .long, help: "Print the run's summary document and the classes (classification.list) as one JSON document.") var json = false

    func run() throws {
        do throws(IHubError) {
            let engine = try database.open()
            let subject = self.subject.rawValue
            let run = try Progress.during("classifying") { () throws(IHubError) in
                try engine.call("classification.run", ["hub": .string(hub), "round": .string(round), "subject": .string(subject)])
            }
            let classes = try engine.call("classification.list", ["round": .string(round), "subject": .string(subject)])
            if json {
                print(JSON.object([.init("run", run), .init("classes", classes)]).serialized(pretty: true))
                return
            }
            print("\(round), \(subject == "school" ? "schools" : "teachers") (rule: \(run["rule"]?.string ?? "")): \(Classify.counts(run))")
            for c in classes.array ?? [] {
                print("  " + (c["code"]?.string ?? "").padding(to: 14) + (c["name"]?.string ?? "").padding(to: 30)
                      + (c["class"]?.string ?? "").padding(to: 12) + (c["reasons"]?.array?.first?.string ?? ""))
            }
            let skipped = run["skipped"]?.array ?? []
            if !skipped.isEmpty { print("not classified:") }
            for s in skipped {
                print("  " + (s["code"]?.string ?? "").padding(to: 14) + (s["reasons"]?.array?.first?.string ?? ""))
            }
        } catch {
            throw error.exit()
        }
    }

    /// "2 advanced, 3 developing, 1 beginning; 1 not classified".
    static func counts(_ run: JSON) -> String {
        let classes = (run["classes"]?.members ?? []).map { "\($0.value.int ?? 0) \($0.key)" }.joined(separator: ", ")
        let skipped = run["skipped"]?.array?.count ?? 0
        return (classes.isEmpty ? "none classified" : classes) + (skipped > 0 ? "; \(skipped) not classified" : "")
    }
}

/// A number with two decimals, "-" for null.
func number(_ value: JSON?) -> String {
    value?.double.map { Decimal2.text($0) } ?? "-"
}
