import ArgumentParser
import IHubCore

/// `ihub xapi validate|…`: xAPI 1.0.3 statements (the xapi.* operations).
struct XAPI: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "xapi",
        abstract: "xAPI 1.0.3 statements: check them against the specification.",
        subcommands: [Validate.self])

    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check xAPI 1.0.3 statements offline: NDJSON (one a line, streamed) or a JSON array.",
            discussion: """
                Prints a summary, then each problem as `line 7: actor.mbox: …` (`statement 3:` in a JSON array), \
                warnings (SHOULD rules) marked as such. Exits with status 1 when any statement is invalid \
                (IHUB_INVALID), 0 otherwise (warnings allowed).
                Example: ihub xapi validate statements.ndjson
                """)

        @Argument(help: "The file of statements; - reads standard input.")
        var file: String

        @Flag(name: .long, help: "Print errors only, not warnings.")
        var noWarnings = false

        @Option(name: .long, help: "Print the problems of at most this many statements (default 1000).")
        var limit: Int = 1000

        @Flag(name: .long, help: "Print the operation's JSON document instead.")
        var json = false

        @Option(name: .long, help: "The database the operation runs in (default \":memory:\"; validation reads none).")
        var db: String = ":memory:"

        @OptionGroup var database: DatabaseOptions

        func run() throws {
            let result: JSON
            do throws(IHubError) {
                let path = file == "-" ? "/dev/stdin" : file
                var params: [JSON.Member] = [.init("path", .string(path)), .init("limit", .int(Int64(max(0, limit))))]
                if noWarnings { params.append(.init("warnings", .bool(false))) }
                result = try database.open(db).call("xapi.validate", .object(params))
            } catch {
                throw error.exit()
            }
            if json {
                print(result.serialized(pretty: true))
            } else {
                Validate.printReport(result)
            }
            if (result["invalid"]?.int ?? 0) > 0 { throw ExitCode(1) }
        }

        static func printReport(_ r: JSON) {
            let valid = r["valid"]?.int ?? 0, invalid = r["invalid"]?.int ?? 0
            let warned = r["with_warnings"]?.int ?? 0
            var summary = "\(valid + invalid) statement\(valid + invalid == 1 ? "" : "s"): \(valid) valid, \(invalid) invalid"
            if warned > 0 { summary += " (\(warned) valid with warnings)" }
            print(summary)
            for result in r["results"]?.array ?? [] {
                let place = result["line"]?.int.map { "line \($0)" } ?? "statement \(result["index"]?.int ?? 0)"
                for e in result["errors"]?.array ?? [] { print("\(place): \(problemText(e))") }
                for w in result["warnings"]?.array ?? [] { print("\(place): warning: \(problemText(w))") }
            }
            if r["truncated"]?.bool == true { print("… more statements with problems were left out (--limit)") }
        }

        static func problemText(_ p: JSON) -> String {
            let path = p["path"]?.string ?? ""
            let message = p["message"]?.string ?? ""
            return path.isEmpty ? message : "\(path): \(message)"
        }
    }
}
