import ArgumentParser
import IHubCore

/// The options of opening a database, without naming it: for commands
/// that take the database as an argument (`ihub repl [DB]`, `ihub copy FROM TO`).
/// Commands that take `--db` use `DatabaseOptions`, which holds these.
struct OpenOptions: ParsableArguments {
    @Option(name: .long, help: "Time budget of one admin Lua evaluation, in milliseconds.")
    var adminTimeMs: Int?

    @Flag(name: .long, help: "Create the database file if it does not exist (demo and import always may).")
    var create = false

    @Option(name: .long, help: "PostgreSQL (--db postgresql://…): the schema that holds the deployment's tables.")
    var schema: String?

    /// Opens `path`; a missing file is IHUB_NOTFOUND unless the command
    /// makes databases (`creates`: demo, import) or --create is given, so
    /// a mistyped --db never leaves an empty database behind.
    func open(_ path: String, creates: Bool = false) throws(IHubError) -> Engine {
        var json: [JSON.Member] = [.init("create", .bool(creates || create))]
        if let adminTimeMs { json.append(.init("admin_time_ms", .int(Int64(adminTimeMs)))) }
        if let schema { json.append(.init("schema", .string(schema))) }
        let options = try Engine.Options(json: .object(json))
        do {
            return try Engine(path: path, options: options)
        } catch where error.status == .notFound {
            throw IHubError(.notFound, "\(error.message); `ihub demo FILE`, `ihub import` or --create make one")
        }
    }
}

/// `--db` and the open options, declared once for every command that
/// works on a database: `@OptionGroup var database: DatabaseOptions`, then
/// `try database.open()`.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "The database: a SQLite file or a postgresql:// URI.")
    var db: String

    @OptionGroup var options: OpenOptions

    func open(creates: Bool = false) throws(IHubError) -> Engine {
        try options.open(db, creates: creates)
    }
}

/// `--db` for commands that can do without one (`ihub call`, `ihub xapi
/// validate`): an in-memory database when it is not given.
struct OptionalDatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "The database: a SQLite file or a postgresql:// URI (default: a throwaway one in memory).")
    var db: String?

    @OptionGroup var options: OpenOptions

    func open(creates: Bool = false) throws(IHubError) -> Engine {
        try options.open(db ?? ":memory:", creates: creates)
    }
}
