import ArgumentParser
import IHubCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `ihub methodology …`: a hub's methodology packages (methodology.*
/// operations): load a folder, list the versions, show one, compare two;
/// --json prints the operation's document.
struct MethodologyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "methodology",
        abstract: "A hub's methodology: packages of Lua files layered over the default, their versions and what changed.",
        subcommands: [Load.self, List.self, Show.self, Diff.self, Default.self])

    typealias Common = CallOptions

    static func members(_ pairs: [(String, String?)]) -> [JSON.Member] {
        pairs.compactMap { k, v in v.map { .init(k, .string($0)) } }
    }

    static func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }

    /// Prints the text of the file named `name`; false (and a message) when there is none.
    static func printFile(_ files: [JSON], _ name: String) -> Bool {
        guard let f = files.first(where: { $0["name"]?.string == name }) else {
            Console.error("ihub: not_found: --file: no file \(IHubError.quoted(name)) in this version (\(files.compactMap { $0["name"]?.string }.joined(separator: ", ")))")
            return false
        }
        print(f["source"]?.string ?? "", terminator: "")
        return true
    }

    /// One line per file: name, hash, size.
    static func printFiles(_ files: [JSON]) {
        for f in files {
            print("  \((f["name"]?.string ?? "").padding(to: 28)) \(f["hash"]?.string ?? "")  \(f["size"]?.int ?? 0) bytes")
        }
    }

    struct Load: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load a package folder for a hub and put it in force (methodology.load).",
            discussion: "Example: ihub methodology load scripts/hubs/accelerator --hub EE-ACC --note \"first term\" --db region.db")
        @OptionGroup var common: Common
        @Argument(help: "The package folder (rules.lua, pairing.lua, …, instruments/, *_test.lua, fixtures/).") var dir: String
        @Option(name: .long, help: "The hub.") var hub: String
        @Option(name: .long, help: "Why this version, kept with it.") var note: String?

        func run() throws {
            try common.run("methodology.load", MethodologyCommand.members([("hub", hub), ("path", dir), ("note", note)])) { r in
                let files = r["files"]?.array ?? []
                print("\(r["hub"]?.string ?? hub): version \(r["version"]?.string ?? "") in force"
                      + (r["new"]?.bool == true ? " (new, \(MethodologyCommand.count(files.count, "file")))" : " (loaded before; nothing new stored)"))
                MethodologyCommand.printFiles(files)
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A hub's methodology versions, oldest first; * marks the one in force (methodology.list).",
            discussion: "Example: ihub methodology list --hub EE-ACC --db region.db")
        @OptionGroup var common: Common
        @Option(name: .long, help: "The hub.") var hub: String

        func run() throws {
            try common.run("methodology.list", MethodologyCommand.members([("hub", hub)])) { list in
                let versions = list.array ?? []
                if versions.isEmpty { print("\(hub): no methodology packages loaded (the default methodology)") }
                for v in versions {
                    let mark = v["in_force"]?.bool == true ? "*" : " "
                    print("\(mark) \(v["version"]?.string ?? "")  \(v["loaded_at"]?.string ?? "")  \(MethodologyCommand.count(Int(v["files"]?.int ?? 0), "file"))"
                          + (v["note"]?.string.map { "  \($0)" } ?? ""))
                }
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One version of a hub's methodology and its files (methodology.get).",
            discussion: "Example: ihub methodology show 3f2a --hub EE-ACC --file pairing.lua --db region.db")
        @OptionGroup var common: Common
        @Argument(help: "The version: its hash or a unique prefix (default: the one in force).") var version: String?
        @Option(name: .long, help: "The hub.") var hub: String
        @Option(name: .long, help: "Print only this file's text.") var file: String?

        func run() throws {
            var found = true
            try common.run("methodology.get", MethodologyCommand.members([("hub", hub), ("version", version)])) { v in
                let files = v["files"]?.array ?? []
                if let file { found = MethodologyCommand.printFile(files, file); return }
                print("\(v["hub"]?.string ?? hub) version \(v["version"]?.string ?? "")"
                      + (v["in_force"]?.bool == true ? " (in force)" : "") + ", loaded \(v["loaded_at"]?.string ?? "")"
                      + (v["note"]?.string.map { ": \($0)" } ?? ""))
                MethodologyCommand.printFiles(files)
            }
            if !found { throw ExitCode(Status.notFound.rawValue) }
        }
    }

    struct Diff: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "What changed between two versions of a hub's methodology, as unified diffs (methodology.diff).",
            discussion: """
                FROM and TO are version hashes, unique prefixes, or "default" (the default methodology); TO is the \
                version in force when left out. Coloured on a terminal, never with NO_COLOR.
                Example: ihub methodology diff default --hub EE-ACC --db region.db
                """)
        @OptionGroup var common: Common
        @Argument(help: "The older version.") var from: String
        @Argument(help: "The newer version (default: the one in force).") var to: String?
        @Option(name: .long, help: "The hub.") var hub: String

        func run() throws {
            try common.run("methodology.diff", MethodologyCommand.members([("hub", hub), ("from", from), ("to", to)])) { d in
                let files = d["files"]?.array ?? []
                if files.isEmpty { print("no changes from \(d["from"]?.string ?? "") to \(d["to"]?.string ?? "")") }
                for f in files {
                    DiffColour.emit("\(f["change"]?.string ?? "") \(f["name"]?.string ?? "")", bold: true)
                    for line in (f["diff"]?.string ?? "").split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
                        DiffColour.emit(String(line))
                    }
                }
                let same = d["unchanged"]?.array?.compactMap(\.string) ?? []
                if !same.isEmpty { print("unchanged: \(same.joined(separator: ", "))") }
            }
        }
    }

    struct Default: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The default methodology's files, which a hub's package is layered over (methodology.default).",
            discussion: "Example: ihub methodology default --file process.lua")
        @Option(name: .long, help: "Print only this file's text.") var file: String?
        @Flag(name: .long, help: "Print the operation's JSON document.") var json = false

        func run() throws {
            let r: JSON
            do throws(IHubError) {
                r = try Engine(path: ":memory:", options: Engine.Options(json: [:])).call("methodology.default", [:])
            } catch {
                throw error.exit()
            }
            if json { return print(r.serialized(pretty: true)) }
            let files = r["files"]?.array ?? []
            if let file {
                if !MethodologyCommand.printFile(files, file) { throw ExitCode(Status.notFound.rawValue) }
                return
            }
            print("default methodology, version \(r["version"]?.string ?? "")")
            MethodologyCommand.printFiles(files)
        }
    }
}

/// Colours of a diff: only on a terminal, never when NO_COLOR is set (no-color.org).
enum DiffColour {
    static let enabled: Bool = {
        guard Terminal.output else { return false }
        if let value = getenv("NO_COLOR"), value.pointee != 0 { return false }
        return true
    }()

    /// Prints one line of a diff, coloured by its kind when colours are on.
    /// The text is escaped first, so only our own escape codes reach the terminal.
    static func emit(_ text: String, bold: Bool = false) {
        guard enabled else { return print(text) }
        let code: String
        if bold || text.hasPrefix("+++") || text.hasPrefix("---") { code = "1" }
        else if text.hasPrefix("+") { code = "32" }
        else if text.hasPrefix("-") { code = "31" }
        else if text.hasPrefix("@@") { code = "36" }
        else { return print(text) }
        Swift.print("\u{1B}[\(code)m" + Terminal.safe(text) + "\u{1B}[0m")
    }
}
