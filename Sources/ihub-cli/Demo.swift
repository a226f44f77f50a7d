import ArgumentParser
import IHubCore

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build a realistic synthetic region and show what ihub made of it.",
        discussion: "Five hubs modelled on the original network (EE, FI, LT, GE, NO), their schools and people, made through the method table; then a hub script summarises them in the sandbox, and two rounds of selfie and digcompedu answers are classified and compared.")

    @Argument(help: "Keep the region in this database file (default: in memory only). The file must not hold a region already.")
    var path: String = ":memory:"

    @Option(name: .long, help: "Random seed: the same seed gives the same region.")
    var seed: Int64 = 1

    @Option(name: .long, help: "Multiplies the number of teachers (1: about 600).")
    var scale: Double = 1

    @Option(name: .long, help: "A methodology package (a folder, e.g. scripts/hubs/accelerator) loaded for --hub before its rounds are classified and paired.")
    var methodology: String?

    @Option(name: .long, help: "The hub the demo pairs and mentors: EE-ACC, FI-TRE, LT-CTA, GE-IMR or NO-TRD.")
    var hub: String = "LT-CTA"

    /// The methodology script of the demo: reads through the `ihub` table,
    /// returns a value; cannot write.
    static let summaryScript = EmbeddedLua.files["demo/summary.lua"]!  // scripts/methodology/demo/summary.lua

    /// A development team, a stakeholder and its first engagement, in one
    /// hub: the registry's other records, for the reader to look up.
    static func printPartners(_ engine: Engine) throws(IHubError) {
        let school = "EE-ACC-S01"
        _ = try engine.call("team.add", ["school": .string(school), "person": "EE-ACC-P0001", "position": "principal", "start": "2024-09-01"])
        let team = try engine.call("team.add", ["school": .string(school), "person": "EE-ACC-P0002", "position": "ict_support", "start": "2024-09-01"])
        let city = try engine.call("stakeholder.add", ["hub": "EE-ACC", "code": "EE-ACC-ST01", "name": "Tallinn Education Department",
                                                      "kind": "municipality", "contact": "Vabaduse väljak 7, Tallinn"])
        _ = try engine.call("engagement.add", ["stakeholder": "EE-ACC-ST01", "date": "2024-09-20", "kind": "agreement", "school": .string(school),
                                               "note": "The city funds substitute teachers for the hub's workshop days."])
        print("\nPartners (team.add, stakeholder.add, engagement.add): \(school)'s development team of \(team.array?.count ?? 0); "
              + "stakeholder \(city["code"]?.string ?? "") (\(city["name"]?.string ?? "")) with one agreement")
    }

    func run() throws {
        do {
            let engine = try Engine(path: path)
            let made = try engine.call("demo.populate", ["seed": .int(seed), "scale": .double(scale)])
            print("ihub demo — a synthetic region of \(made["hubs"]?.array?.count ?? 0) hubs, "
                  + "\(made["schools"]?.int ?? 0) schools and \(made["people"]?.int ?? 0) people (seed \(seed))\n")

            if let methodology {
                try Demo.loadMethodology(engine, hub: hub, path: methodology)
            }

            print("Hubs (hub.list):")
            for hub in try engine.call("hub.list").array ?? [] {
                print("  \(hub["code"]!.string!.padding(to: 8))\(hub["name"]!.string!.padding(to: 50))"
                      + "\(hub["country"]!.string!)  \(hub["schools"]!.int!) schools, \(hub["people"]!.int!) people")
            }

            print("\nA few schools (school.list):")
            for school in try engine.call("school.list", ["limit": 4]).array ?? [] {
                print("  \(school["code"]!.string!.padding(to: 12))\(school["name"]!.string!.padding(to: 30))"
                      + "\(school["level"]!.string!.padding(to: 16))\(school["size"]!.int!) students")
            }

            try Demo.printPartners(engine)

            print("\nRoles (person.list by role):")
            for role in ["teacher", "school_leader", "ict_teacher", "mentor", "coordinator"] {
                let n = try engine.call("person.list", ["role": .string(role)]).array?.count ?? 0
                print("  \(role.padding(to: 15))\(n)")
            }

            print("\nA hub script in the sandbox (script.eval, read-only):")
            let result = try engine.call("script.eval", ["source": .string(Demo.summaryScript), "name": "summary.lua"])
            for line in (result["values"]?.array?.first?.string ?? "").split(separator: "\n") { print("  \(line)") }

            try Demo.printAssessments(engine)
            try Demo.printPairing(engine, hub: hub, ownPolicy: methodology != nil)
            try Demo.printMentoring(engine, hub: hub)
            try Demo.leaveOpen(engine, hub: hub)
            try Demo.assessFollowUp(engine, hub: hub, seed: seed)
            try Demo.printReport(engine, databasePath: path)

            if path == ":memory:" {
                print("\nTo keep a region: ihub demo region.db; then explore it with ihub repl region.db")
            } else {
                print("\nSaved in \(path); explore it with: ihub repl \(path)")
            }
        } catch {
            throw error.exit()
        }
    }
}
