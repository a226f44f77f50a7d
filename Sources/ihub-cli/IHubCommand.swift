import ArgumentParser
import IHubCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

@main
struct IHubCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ihub",
        abstract: "Run a Regional Innovation Hub: schools, people, mentoring and analytics, scriptable in Lua.",
        version: IHubInfo.version,
        subcommands: [
            Demo.self,
            Call.self,
            Repl.self,
            Import.self,
            Export.self,
            Assess.self,
            Classify.self,
            Pair.self,
            ProcessCommand.self,
            Plan.self,
            Log.self,
            XAPI.self,
            Copy.self,
            Network.self,
            IndicatorCommand.self,
            Impact.self,
            Person.self,
            InsightCommand.self,
            ReportCommand.self,
            MethodologyCommand.self,
            Why.self,
            Check.self,
            TestCommand.self,
        ])
}

/// Options shared by the commands that open a database.
struct DatabaseOptions: ParsableArguments {
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

/// Standard error and flushing, without touching C's global FILE pointers
/// (which Swift 6 treats as shared mutable state).
enum Console {
    static func error(_ line: String) {
        var text = line.hasSuffix("\n") ? line : line + "\n"
        if Terminal.errors { text = Terminal.safe(text) }
        text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    }

    static func flush() { fflush(nil) }
}

extension IHubError {
    /// Prints the error the way every command reports failures, and exits
    /// with the status code.
    func exit() -> ExitCode {
        Console.error("ihub: \(status.name): \(message)\n")
        return ExitCode(status.rawValue)
    }
}

struct Call: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run one operation of the method table and print its JSON result.",
        discussion: "Example: ihub call school.list '{\"hub\":\"EE-ACC\"}' --db region.db\n`ihub call api.describe` lists every operation.")

    @Argument(help: "The operation, e.g. school.add.")
    var method: String

    @Argument(help: "Its parameters as a JSON object (default {}); - reads them from standard input.")
    var params: String?

    @Option(name: .long, help: "The database file (\":memory:\" for a throwaway one).")
    var db: String = ":memory:"

    @Flag(name: .long, help: "Print compact JSON on one line.")
    var compact = false

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        do throws(IHubError) {
            let engine = try database.open(db)
            var text = params ?? "{}"
            if text == "-" { text = readAll() }
            let parsed = try Engine.parse(text, at: "params")
            print(try engine.call(method, parsed).serialized(pretty: !compact))
        } catch {
            throw error.exit()
        }
    }

    private func readAll() -> String {
        var lines: [String] = []
        while let line = readLine(strippingNewline: false) { lines.append(line) }
        return lines.joined()
    }
}
