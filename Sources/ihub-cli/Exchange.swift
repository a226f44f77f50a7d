import ArgumentParser
import IHubCore

/// `ihub import`: one CSV file of one kind, all of it or none of it.
struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Load a CSV file of one kind (schools, people, responses, …): all rows or none.",
        discussion: """
            The header names the columns (`ihub export --kind KIND` writes one); UTF-8 with or without BOM; \
            `,` or `;` separated (found from the header); lists `|`-separated in a cell; an empty cell is absent. \
            Records are matched by their code, so importing a file twice changes nothing the second time. \
            A rejected file changes nothing and its first problems are printed by line, column and field.
            Example: ihub import schools.csv --kind schools --db region.db
            """)

    @Argument(help: "The CSV file.")
    var file: String

    @Option(name: .long, help: "What the file holds: \(ExchangeKinds.names.joined(separator: ", ")).")
    var kind: String

    @Flag(name: .long, help: "Check the file and count what would change; change nothing.")
    var dryRun = false

    @Option(name: .long, help: "The separator, `,` or `;` (default: found from the header line).")
    var delimiter: String?

    @Option(name: .long, help: "The database file.")
    var db: String

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        do throws(IHubError) {
            let engine = try database.open(db, creates: true)
            var params: [JSON.Member] = [.init("kind", .string(kind)), .init("path", .string(file)),
                                         .init("dry_run", .bool(dryRun))]
            if let delimiter { params.append(.init("delimiter", .string(delimiter))) }
            let report = try engine.call("import.csv", .object(params))
            print("\(file): \(Import.describe(report))")
        } catch {
            throw error.exit()
        }
    }

    /// "725 rows: 700 inserted, 20 updated, 5 unchanged" and the like.
    static func describe(_ report: JSON) -> String {
        let rows = report["rows"]?.int ?? 0
        var parts: [String] = []
        for m in report.members ?? [] where !["kind", "rows", "dry_run", "delimiter"].contains(m.key) {
            parts.append("\(m.value.int.map(String.init) ?? m.value.serialized()) \(m.key.replacing("_", with: " "))")
        }
        let kind = report["kind"]?.string ?? ""
        var text = "\(rows) row\(rows == 1 ? "" : "s") of \(kind)" + (parts.isEmpty ? "" : ": " + parts.joined(separator: ", "))
        if report["dry_run"] == true { text += " (dry run: nothing was changed)" }
        return text
    }
}

/// `ihub export`: CSV of one kind, or the JSON document of a hub.
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the records of one kind as CSV, or everything a hub holds as JSON.",
        discussion: """
            CSV (RFC 4180, UTF-8, `,`) in the columns `ihub import` reads, so an export imports back unchanged.
            Examples: ihub export --kind people --hub EE-ACC --out people.csv --db region.db
                      ihub export --json --hub EE-ACC --out ee-acc.json --db region.db
            """)

    @Option(name: .long, help: "What to export as CSV: \(ExchangeKinds.names.joined(separator: ", ")).")
    var kind: String?

    @Flag(name: .long, help: "Export everything (of the hub) as one JSON document instead.")
    var json = false

    @Option(name: .long, help: "Only this hub's records (hub code).")
    var hub: String?

    @Option(name: .long, help: "Write to this file (default: standard output).")
    var out: String?

    @Flag(name: .long, help: "Replace the --out file if it exists.")
    var force = false

    @Option(name: .long, help: "The database file.")
    var db: String

    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        if json == (kind != nil) { throw ValidationError("give --kind KIND for CSV or --json for JSON (one of them)") }
    }

    func run() throws {
        do throws(IHubError) {
            let engine = try database.open(db)
            var params: [JSON.Member] = []
            if let kind { params.append(.init("kind", .string(kind))) }
            if let hub { params.append(.init("hub", .string(hub))) }
            if let out { params += [.init("path", .string(out)), .init("overwrite", .bool(force))] }
            let result = try engine.call(json ? "export.json" : "export.csv", .object(params))
            if let out {
                let what = json ? "\(result["counts"]?.members?.reduce(0) { $0 + ($1.value.int ?? 0) } ?? 0) records"
                    : "\(result["rows"]?.int ?? 0) rows of \(kind ?? "")"
                Console.error("ihub: wrote \(what) to \(out) (\(result["bytes"]?.int ?? 0) bytes)")
            } else if json {
                print(result.serialized(pretty: true))
            } else {
                print(result["csv"]?.string ?? "", terminator: "")
            }
        } catch {
            throw error.exit()
        }
    }
}
