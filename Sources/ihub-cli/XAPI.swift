import ArgumentParser
import IHubCore

/// `ihub xapi validate|…`: xAPI 1.0.3 statements (the xapi.* operations).
struct XAPI: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "xapi",
        abstract: "xAPI 1.0.3 statements: check them, import them (activities and events), export activities as statements.",
        subcommands: [Validate.self, Import.self, Export.self])

    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "validate", 
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

        @OptionGroup var output: OutputOptions
        @OptionGroup var database: OptionalDatabaseOptions

        func run() throws {
            let result: JSON
            do throws(IHubError) {
                let path = file == "-" ? "/dev/stdin" : file
                var params: [JSON.Member] = [.init("path", .string(path)), .init("limit", .int(Int64(max(0, limit))))]
                if noWarnings { params.append(.init("warnings", .bool(false))) }
                let engine = try database.open()
                result = try Progress.during("checking \(file)") { () throws(IHubError) in try engine.call("xapi.validate", .object(params)) }
            } catch {
                throw error.exit()
            }
            output.show(result, view: Validate.printReport)
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

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "import", 
            abstract: "Import xAPI statements into a hub: NDJSON (streamed, any size) or a JSON array; all or none.",
            discussion: """
                Every statement is validated first: with any invalid one nothing is imported, and each problem is \
                printed as `line 7 (actor.mbox): …` (`statements[3].actor.mbox: …` in a JSON array). Importing the \
                same file twice changes nothing; statements written by `ihub xapi export` become activities, the \
                others are kept as events; voiding statements void their target.
                Example: ihub xapi import lrs-export.ndjson --hub EE-ACC --db region.db
                """)

        @Argument(help: "The file of statements.")
        var file: String

        @Option(name: .long, help: "The hub the statements belong to (code).")
        var hub: String

        @Option(name: .long, help: "The IRI base of ihub's verbs and extensions, as exported (default: the hub's home page + /xapi).")
        var base: String?

        @Flag(name: .long, help: "Check and count; store nothing.")
        var dryRun = false

        @Option(name: .long, help: "Write every problem to this CSV file (index, line, path, message).")
        var problems: String?

        @Flag(name: .long, help: "Replace the --problems file if it exists.")
        var force = false

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            var rejected = false
            do throws(IHubError) {
                var params: [JSON.Member] = [.init("hub", .string(hub)), .init("path", .string(file)), .init("dry_run", .bool(dryRun))]
                if let base { params.append(.init("base", .string(base))) }
                if let problems { params += [.init("problems_out", .string(problems)), .init("overwrite", .bool(force))] }
                let engine = try database.open()
                let r = try Progress.during("importing \(file)") { () throws(IHubError) in try engine.call("xapi.import", .object(params)) }
                if r["valid"] == false, !output.json {
                    let count = r["problem_count"]?.int ?? 0
                    var error = IHubError(.invalid, "\(file): \(count == 1 ? "1 problem" : "\(count) problems") (dry run: nothing was changed)")
                    error.details = r["problems"]
                    throw error
                }
                let n = { (k: String) in r[k]?.int ?? 0 }
                var text = "\(file): \(n("statements")) statements: \(n("activities")) activities, \(n("events")) events, \(n("unchanged")) unchanged, \(n("voided")) voided"
                if n("unknown_voids") > 0 { text += ", \(n("unknown_voids")) voiding an unknown statement" }
                if dryRun { text += " (dry run: nothing was changed)" }
                output.say(r, text)
                rejected = r["valid"] == false
            } catch {
                let code = error.exit()
                for p in error.details?.array ?? [] {
                    let place = p["line"]?.int.map { "line \($0)" } ?? "statements[\(p["index"]?.int ?? 0)]"
                    let path = p["path"]?.string ?? ""
                    Console.error("  \(place)\(path.isEmpty ? "" : " (\(path))"): \(p["message"]?.string ?? "")")
                }
                throw code
            }
            if rejected { throw ExitCode(Status.invalid.rawValue) }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "export", 
            abstract: "Write a hub's activities as xAPI statements: NDJSON (default) or a JSON array.",
            discussion: """
                One statement per activity, its id the activity's uuid; actors are accounts on the hub's home page \
                (or mbox_sha1sum when the hub's xapi_identity says so). `ihub xapi import` reads it back.
                Example: ihub xapi export --hub EE-ACC --from 2026-01-01 --out activities.ndjson --db region.db
                """)

        @Option(name: .long, help: "The hub (code).")
        var hub: String

        @Option(name: .long, help: "Only the activities of this school (code).")
        var school: String?

        @Option(name: .long, help: "Only activities on or after this date (YYYY-MM-DD).")
        var from: String?

        @Option(name: .long, help: "Only activities on or before this date (YYYY-MM-DD).")
        var to: String?

        @Flag(name: .long, help: "A JSON array instead of NDJSON.")
        var array = false

        @Option(name: .long, help: "The IRI base of verbs, activity types and extensions (default: the hub's home page + /xapi).")
        var base: String?

        @Option(name: .long, help: "Write to this file (default: standard output).")
        var out: String?

        @Flag(name: .long, help: "Replace the --out file if it exists.")
        var force = false

        @Flag(name: .long, help: "People by pseudonym only (stable in this database), no notes or outcomes.")
        var pseudonymous = false

        @OptionGroup var database: DatabaseOptions

        func run() throws {
            do throws(IHubError) {
                var params: [JSON.Member] = [.init("hub", .string(hub)), .init("format", .string(array ? "json" : "ndjson"))]
                if pseudonymous { params.append(.init("pseudonymous", .bool(true))) }
                if let school { params.append(.init("school", .string(school))) }
                if let from { params.append(.init("from", .string(from))) }
                if let to { params.append(.init("to", .string(to))) }
                if let base { params.append(.init("base", .string(base))) }
                if let out { params += [.init("path", .string(out)), .init("overwrite", .bool(force))] }
                let engine = try database.open()
                let r = try Progress.during(out.map { "writing \($0)" }) { () throws(IHubError) in try engine.call("xapi.export", .object(params)) }
                if let out {
                    Console.error("ihub: wrote \(r["statements"]?.int ?? 0) statements to \(out) (\(r["bytes"]?.int ?? 0) bytes)")
                } else {
                    print(r["text"]?.string ?? "", terminator: "")
                }
            } catch {
                throw error.exit()
            }
        }
    }
}
