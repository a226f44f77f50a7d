import ArgumentParser
import IHubCore

/// The options of a command that runs operations of the method table on a
/// database (`ihub pair|process|plan|log …`): `--db` and the open options,
/// `--json`; and the running itself, errors becoming the exit status and
/// message. Long work shows a progress line on a terminal (`progress:`).
struct CallOptions: ParsableArguments {
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions

    var db: String { database.db }
    var json: Bool { output.json }

    /// Runs the operations in order on one engine; the last result is
    /// printed (--json) or shown by `view` with all results.
    func run(_ calls: [(String, JSON)], progress: String? = nil, view: ([JSON]) -> Void) throws {
        do throws(IHubError) {
            let engine = try database.open()
            var results: [JSON] = []
            try Progress.during(progress) { () throws(IHubError) in
                for (method, params) in calls { results.append(try engine.call(method, params)) }
            }
            if json { print((results.last ?? .null).serialized(pretty: true)) } else { view(results) }
        } catch {
            throw error.exit()
        }
    }

    /// Runs one operation; its result is printed (--json) or shown by `view`.
    func run(_ method: String, _ params: JSON, progress: String? = nil, view: (JSON) -> Void) throws {
        try run([(method, params)], progress: progress) { results in view(results[0]) }
    }

    func run(_ method: String, _ params: [JSON.Member], progress: String? = nil, view: (JSON) -> Void) throws {
        try run(method, .object(params), progress: progress, view: view)
    }
}
