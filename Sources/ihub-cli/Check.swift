import ArgumentParser
import IHubCore

/// `ihub check DIR`: a methodology package checked before it is loaded
/// (methodology.check): one `DIR/file:line: severity: message` line per
/// finding; exit 1 when one is an error.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a methodology package: compile errors, unknown hooks, wrong return shapes, each hook run once.",
        discussion: """
            Without --db the hooks run on the demo region in memory (for --hub, default EE-ACC); with --db and --hub \
            they run on that database in a transaction rolled back at the end: nothing is written.
            Exit status: 0 no error (warnings may be printed), 1 an error was found, 2 invalid input, 3 folder or \
            file not found, 9 I/O, 64 usage.
            Example: ihub check scripts/hubs/accelerator
                     ihub check my-hub --db region.db --hub EE-ACC
            """)

    @Argument(help: "The package's folder.") var dir: String
    @Option(name: .long, help: "Run the hooks on this database (rolled back); needs --hub.") var db: String?
    @Option(name: .long, help: "The hub to run the hooks for.") var hub: String?
    @Flag(name: .long, help: "Print the operation's JSON document.") var json = false
    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        if db != nil && hub == nil { throw ValidationError("--db needs --hub: the hub whose data the hooks run on") }
    }

    func run() throws {
        var params: [JSON.Member] = [.init("path", .string(dir))]
        if let hub { params.append(.init("hub", .string(hub))) }
        if db == nil { params.append(.init("demo", .bool(true))) }
        let result: JSON
        do throws(IHubError) {
            let engine = try database.open(db ?? ":memory:")
            result = try engine.call("methodology.check", .object(params))
        } catch {
            throw error.exit()
        }
        if json {
            print(result.serialized(pretty: true))
        } else {
            let findings = result["findings"]?.array ?? []
            for f in findings {
                let place = dir + "/" + (f["file"]?.string ?? "") + (f["line"]?.int.map { ":\($0)" } ?? "")
                print("\(place): \(f["severity"]?.string ?? "error"): \(f["message"]?.string ?? "")")
            }
            let errors = findings.filter { $0["severity"]?.string == "error" }.count
            let warnings = findings.count - errors
            let on = result["dry_run"]?.string == "demo" ? "the demo region" : "the database (rolled back)"
            print("\(dir): \(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")"
                  + " (hooks run for \(result["hub"]?.string ?? "") on \(on))")
        }
        if result["ok"]?.bool != true { throw ExitCode(1) }
    }
}
