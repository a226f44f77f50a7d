#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Operations on the database as a whole.
enum StoreMethods {
    static let all: [Method] = [
        Method("store.copy", """
            Copy this whole database into another one, between any two engines (an SQLite file, a PostgreSQL \
            database), all or nothing: every table with its ids, then the JSON export of the whole database and of \
            every hub is compared on both sides before the copy commits. The target must be new or empty.
            """, files: true, params: [
                .required("path", .string, "the target: an SQLite file path or a postgresql:// URI"),
                .optional("options", .object(Engine.Options.fields), "how to open the target (e.g. {\"schema\": \"hub2\"}), as ihub_open takes them"),
            ], result: .object([
                .required("path", .string, "where the copy is: a file path, or a PostgreSQL address without its password"),
                .required("engine", .oneOf(["sqlite", "postgresql"]), "the target's engine"),
                .required("rows", .integer, "rows copied, in all tables"),
                .required("tables", .map(.integer), "rows copied, by table name"),
            ]), example: ["path": "region-copy.db"],
               errors: [.conflict("the target database is not empty"),
                        Method.Failure(status: .version, when: "a table differs between the two databases (open the target with this ihub version first)"),
                        Method.Failure(status: .corrupt, when: "the copy's export differs from the original's (nothing is copied)")]) { engine, p throws(IHubError) in
            let location = p["path"]!.string!
            let options = try Engine.Options(json: p["options"] ?? .object([]), at: "params.options")
            return try copy(engine, to: location, options: options)
        },
    ]

    static func copy(_ source: Engine, to location: String, options: Engine.Options) throws(IHubError) -> JSON {
        // A new SQLite file that the copy does not fill is removed again.
        let newFile = !Database.isPostgres(location) && location != ":memory:" && access(location, F_OK) != 0
        let target = try Engine(path: location, options: options)
        do {
            let counts = try source.db.snapshot { () throws(IHubError) in
                try target.db.transaction { () throws(IHubError) in
                    let counts = try StoreCopy.run(from: source.db, to: target.db)
                    try verify(source.db, target.db)
                    return counts
                }
            }
            target.close()
            return ["path": .string(target.db.location), "engine": .string(target.db.engine.rawValue),
                    "rows": .int(counts.reduce(0) { $0 + $1.rows }),
                    "tables": .object(counts.map { JSON.Member($0.table, .int($0.rows)) })]
        } catch {
            target.close()
            if newFile { for suffix in ["", "-wal", "-shm"] { unlink(location + suffix) } }
            throw error
        }
    }

    /// The export of the whole database and of each hub, equal on both sides.
    private static func verify(_ source: Database, _ target: Database) throws(IHubError) {
        var hubs: [String?] = [nil]
        hubs += try StoreCopy.hubCodes(source).map { Optional($0) }
        for hub in hubs {
            let a = try JSONExport.run(source, hub: hub, output: nil).document
            let b = try JSONExport.run(target, hub: hub, output: nil).document
            if a != b {
                let what = hub.map { "hub \(IHubError.quoted($0))" } ?? "the whole database"
                throw IHubError(.corrupt, "store.copy: the copy's export of \(what) differs from the original's; nothing was copied")
            }
        }
    }
}
