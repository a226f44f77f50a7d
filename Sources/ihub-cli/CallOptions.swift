import ArgumentParser
import IHubCore

/// The options of a command that runs operations of the method table on a
/// database file (`ihub pair|process|plan|log …`): the file, --json, and
/// the engine's options; and the running itself, errors becoming the exit
/// status and message.
struct CallOptions: ParsableArguments {
    @Option(name: .long, help: "The database file.") var db: String
    @Flag(name: .long, help: "Print the operation's JSON document.") var json = false
    @OptionGroup var database: DatabaseOptions

    /// Runs the operations in order on one engine; the last result is
    /// printed (--json) or shown by `view` with all results.
    func run(_ calls: [(String, JSON)], view: ([JSON]) -> Void) throws {
        do throws(IHubError) {
            let engine = try database.open(db)
            var results: [JSON] = []
            for (method, params) in calls { results.append(try engine.call(method, params)) }
            if json { print((results.last ?? .null).serialized(pretty: true)) } else { view(results) }
        } catch {
            throw error.exit()
        }
    }

    /// Runs one operation; its result is printed (--json) or shown by `view`.
    func run(_ method: String, _ params: JSON, view: (JSON) -> Void) throws {
        try run([(method, params)]) { results in view(results[0]) }
    }

    func run(_ method: String, _ params: [JSON.Member], view: (JSON) -> Void) throws {
        try run(method, .object(params), view: view)
    }
}
