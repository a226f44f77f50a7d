import ArgumentParser
import IHubCore

/// `ihub network`: the mentoring network of a hub or the consortium
/// (network.graph) — a summary, the rounds, the edges and the nodes with
/// their generation in the cascade; --json prints the operation's document.
struct Network: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "network", 
        abstract: "The mentoring network: who mentors whom across rounds, components, density and the cascade of mentees who become mentors.",
        discussion: "Example: ihub network --hub EE-ACC --level teacher --window 2026/27 --db region.db")

    enum Level: String, ExpressibleByArgument, CaseIterable {
        case teacher, school
    }

    @OptionGroup var common: CallOptions
    @Option(name: .long, help: "The hub (default: every hub, the consortium).") var hub: String?
    @Option(name: .long, help: "teacher (default) or school.") var level: Level = .teacher
    @Option(name: .long, help: "The time window, e.g. 2026-11, 2026/27, 2026/27-T1, cumulative, 2026-09-01..2026-12-31 (default cumulative).")
    var window: String?

    func run() throws {
        var p: [JSON.Member] = [.init("level", .string(level.rawValue))]
        if let hub { p.append(.init("hub", .string(hub))) }
        if let window { p.append(.init("window", .string(window))) }
        try common.run("network.graph", p) { g in Network.show(g) }
    }

    static func text(_ v: JSON?) -> String { v?.string ?? "-" }
    static func int(_ v: JSON?) -> Int64 { v?.int ?? 0 }

    static func show(_ g: JSON) {
        let s = g["summary"] ?? .null
        let scope = g["scope"]?["hub"]?.string.map { "hub \($0)" } ?? "the consortium"
        let density = s["density"]?.double.map { String(Double(Int(($0 * 1000).rounded())) / 1000) } ?? "-"
        print("\(text(g["level"])) network of \(scope), window \(text(g["window"])): \(int(s["nodes"])) nodes, \(int(s["edges"])) edges "
              + "(\(int(s["mentorships"])) mentorships), \(int(s["components"])) components (largest \(int(s["largest"]))), "
              + "density \(density), cascade depth \(int(s["depth"])), \(int(s["multipliers"])) mentored then mentoring")
        for r in g["rounds"]?.array ?? [] {
            print("round \(int(r["order"])): \(text(r["code"])) \(text(r["name"])) from \(text(r["start"]))")
        }
        if let edges = g["edges"]?.array, !edges.isEmpty { print("mentorships (mentor → mentee):") }
        for e in g["edges"]?.array ?? [] {
            let end = e["end"]?.string ?? ""
            print("  \(text(e["round"]).padding(to: 10)) \(text(e["mentor"])) → \(text(e["mentee"]))  \(text(e["start"]))..\(end)  "
                  + "\(e["hours"]?.double ?? 0) h  (mentorship \(int(e["id"])))")
        }
        if let nodes = g["nodes"]?.array, !nodes.isEmpty { print("nodes:") }
        for n in g["nodes"]?.array ?? [] {
            let school = n["school"].map { "  school \(text($0))" } ?? ""
            print("  \(text(n["code"]).padding(to: 12)) \(text(n["name"]))\(school)  generation \(int(n["generation"]))  "
                  + "mentee from \(text(n["first_mentee_round"])), mentor from \(text(n["first_mentor_round"]))")
        }
    }
}
