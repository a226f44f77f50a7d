import ArgumentParser
import IHubCore

/// `ihub copy`: a whole database into another one, between engines.
struct Copy: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "copy", 
        abstract: "Copy a whole database into a new or empty one: SQLite file ↔ PostgreSQL, all or nothing, verified.",
        discussion: """
            Every table is copied with its ids in one transaction on the target; before it commits, the JSON \
            export of the whole database and of every hub is compared on both sides. A PostgreSQL database is \
            named by a libpq URI, e.g. postgresql://ihub@db.example.org/ihub (password from ~/.pgpass or \
            PGPASSWORD), with --to-schema/--from-schema for a deployment's own schema.
            Example: ihub copy region.db 'postgresql:///ihub?host=/run/postgresql' --to-schema region
            """)

    @Argument(help: "The database to copy: a file or a postgresql:// URI.")
    var from: String

    @Argument(help: "The new or empty database to copy into: a file or a postgresql:// URI.")
    var to: String

    @Option(name: .long, help: "PostgreSQL source: its schema.")
    var fromSchema: String?

    @Option(name: .long, help: "PostgreSQL target: its schema (created if missing).")
    var toSchema: String?

    @OptionGroup var database: OpenOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        do throws(IHubError) {
            var source = database
            if let fromSchema { source.schema = fromSchema }
            let engine = try source.open(from)
            defer { engine.close() }
            var params: [JSON.Member] = [.init("path", .string(to))]
            if let toSchema { params.append(.init("options", .object([.init("schema", .string(toSchema))]))) }
            let result = try Progress.during("copying to \(to)") { () throws(IHubError) in try engine.call("store.copy", .object(params)) }
            let rows = result["rows"]?.int ?? 0
            let tables = result["tables"]?.members?.count ?? 0
            output.say(result, "copied \(rows) rows in \(tables) tables to \(result["path"]?.string ?? to) (\(result["engine"]?.string ?? "")); the exports of both are equal")
        } catch {
            throw error.exit()
        }
    }
}
