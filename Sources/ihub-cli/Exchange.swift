import ArgumentParser
import IHubCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `ihub import`: one CSV file of one kind, all of it or none of it.
struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Load a CSV file of one kind (schools, people, responses, …): all rows or none.",
        discussion: """
            The header names the columns (`ihub export --kind KIND` writes one), whatever their case and accents; \
            UTF-8 with or without BOM; `,`, `;` or tab separated (found from the header); lists `|`-separated in a \
            cell; decimal point or comma. Records are matched by their code, so importing a file twice changes \
            nothing the second time. A registry file may hold `code` and only the columns to change: a blank cell \
            keeps the stored value, a cell `-` empties it. A rejected file changes nothing; every problem is printed, \
            one per line, by line, column and field.
            Example: ihub import schools.csv --kind schools --db region.db
            """)

    @Argument(help: "The CSV file.")
    var file: String

    @Option(name: .long, help: "What the file holds.")
    var kind: ExchangeKind

    @Flag(name: .long, help: "Check the file and count what would change; change nothing.")
    var dryRun = false

    @Option(name: .long, help: "The separator (default: found from the header line).")
    var delimiter: Delimiter?

    @Option(name: .long, help: "How the file writes dates (default YYYY-MM-DD).")
    var dateFormat: DateFormat?

    @Flag(name: .long, help: "Leave columns the kind does not know out instead of refusing the file.")
    var ignoreColumns = false

    @Option(name: .long, help: "Write every problem of a rejected file to this CSV file (line, column, field, message).")
    var problems: String?

    @Flag(name: .long, help: "Replace the --problems file if it exists.")
    var force = false

    @Option(name: .long, help: "responses_wide: the instrument of every row, when the file has no instrument column.")
    var instrument: String?

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        var rejected: Status?
        do throws(IHubError) {
            // An import creates its database, but neither a dry run nor a file
            // that cannot be read leaves a new one behind: the engine then names
            // the file's problem from a database in memory.
            let engine = try database.options.open(access(file, R_OK) == 0 ? database.db : ":memory:", creates: !dryRun)
            var params: [JSON.Member] = [.init("kind", .string(kind.name)), .init("path", .string(file)),
                                         .init("dry_run", .bool(dryRun))]
            if let delimiter { params.append(.init("delimiter", .string(delimiter.character))) }
            if let dateFormat { params.append(.init("date_format", .string(dateFormat.rawValue))) }
            if ignoreColumns { params.append(.init("ignore_unknown_columns", .bool(true))) }
            if let problems { params += [.init("problems_out", .string(problems)), .init("overwrite", .bool(force))] }
            if let instrument { params.append(.init("instrument", .string(instrument))) }
            let report = try Progress.during("importing \(file)") { () throws(IHubError) in
                try engine.call("import.csv", .object(params))
            }
            if report["valid"] == false, !output.json {
                // A dry run of a rejected file: the same report as an import.
                let list = report["problems"]?.array ?? []
                let count = report["problem_count"]?.int ?? 0
                var error = IHubError(Status(name: list.first?["status"]?.string) ?? .invalid,
                                      "\(file): \(count == 1 ? "1 problem" : "\(count) problems") (dry run: nothing was changed)")
                error.details = report["problems"]
                throw error
            }
            output.say(report, "\(file): \(Import.describe(report))")
            // --json of a rejected dry run: the report, and the status as without --json.
            if report["valid"] == false { rejected = Status(name: report["problems"]?.array?.first?["status"]?.string) ?? .invalid }
        } catch {
            throw error.exitListingProblems()
        }
        if let rejected { throw ExitCode(rejected.rawValue) }
    }

    /// "725 rows: 700 inserted, 20 updated, 5 unchanged" and the like.
    static func describe(_ report: JSON) -> String {
        let rows = report["rows"]?.int ?? 0
        var parts: [String] = []
        for m in report.members ?? [] where !["kind", "rows", "dry_run", "delimiter", "valid", "problem_count", "problems", "ignored_columns"].contains(m.key) {
            parts.append("\(m.value.int.map(String.init) ?? m.value.serialized()) \(m.key.replacing("_", with: " "))")
        }
        let kind = report["kind"]?.string ?? ""
        var text = "\(rows) row\(rows == 1 ? "" : "s") of \(kind)" + (parts.isEmpty ? "" : ": " + parts.joined(separator: ", "))
        if let ignored = report["ignored_columns"]?.array, !ignored.isEmpty {
            text += " (columns left out: \(ignored.compactMap(\.string).joined(separator: ", ")))"
        }
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
            CSV (RFC 4180, UTF-8, `,`) in the columns `ihub import` reads, so an export imports back unchanged; \
            --excel writes a BOM, `;` and decimal commas, which Excel opens as columns and numbers in Estonian, \
            Lithuanian or Georgian settings (and `ihub import` reads back).
            Examples: ihub export --kind people --hub EE-ACC --out people.csv --db region.db
                      ihub export --json --hub EE-ACC --out ee-acc.json --db region.db
            """)

    @Option(name: .long, help: "What to export as CSV.")
    var kind: ExchangeKind?

    @Flag(name: .long, help: "Export everything (of the hub) as one JSON document instead.")
    var json = false

    @Option(name: .long, help: "Only this hub's records (hub code).")
    var hub: String?

    @Option(name: .long, help: "Write to this file (default: standard output).")
    var out: String?

    @Flag(name: .long, help: "CSV for Excel in Estonian, Lithuanian, Georgian (decimal-comma) settings: BOM, `;`, decimal commas.")
    var excel = false

    @Option(name: .long, help: "The CSV separator (default `,`; `;` with --excel).")
    var delimiter: Delimiter?

    @Flag(name: .long, help: "Replace the --out file if it exists.")
    var force = false

    @Flag(name: .long, help: "People by pseudonym only (stable in this database), without names, e-mails or free text.")
    var pseudonymous = false

    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        if json == (kind != nil) { throw ValidationError("give --kind KIND for CSV or --json for JSON (one of them)") }
    }

    func run() throws {
        do throws(IHubError) {
            let engine = try database.open()
            var params: [JSON.Member] = []
            if let kind { params.append(.init("kind", .string(kind.name))) }
            if let hub { params.append(.init("hub", .string(hub))) }
            if let out { params += [.init("path", .string(out)), .init("overwrite", .bool(force))] }
            if excel { params.append(.init("excel", .bool(true))) }
            if pseudonymous { params.append(.init("pseudonymous", .bool(true))) }
            if let delimiter { params.append(.init("delimiter", .string(delimiter.character))) }
            let result = try Progress.during(out.map { "writing \($0)" }) { () throws(IHubError) in
                try engine.call(json ? "export.json" : "export.csv", .object(params))
            }
            if let out {
                let what = json ? "\(result["counts"]?.members?.reduce(0) { $0 + ($1.value.int ?? 0) } ?? 0) records"
                    : "\(result["rows"]?.int ?? 0) rows of \(kind?.name ?? "")"
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

extension IHubError {
    /// Like exit(), then every problem of a rejected file on a line of its own.
    func exitListingProblems() -> ExitCode {
        let code = exit()
        for p in details?.array ?? [] {
            let line = p["line"]?.int ?? 0
            var place = line == 0 ? "" : "line \(line)"
            if let column = p["column"]?.int { place += ", column \(column)" }
            if let field = p["field"]?.string { place += " (\(field))" }
            Console.error("  " + (place.isEmpty ? "" : place + ": ") + (p["message"]?.string ?? ""))
        }
        return code
    }
}

extension Status {
    init?(name: String?) {
        guard let found = Status.allCases.first(where: { $0.name == name }) else { return nil }
        self = found
    }
}
