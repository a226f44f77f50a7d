import ArgumentParser
import IHubCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

struct Repl: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "A Lua prompt in the admin context, with the `ihub` table (reads a pipe too).",
        discussion: """
            Every operation is a function: ihub.school.list{hub="EE-ACC"}. An expression prints its value.
            .help lists the operations, .help NAME describes one, .quit leaves.
            Reading from a pipe, the exit status is 1 if any chunk failed.
            """)

    @Argument(help: "The database file (default: a throwaway in-memory one).")
    var db: String = ":memory:"

    @OptionGroup var database: OpenOptions

    func run() throws {
        let engine: Engine
        let context: ScriptContext
        do {
            engine = try database.open(db)
            context = try engine.admin()
        } catch {
            throw error.exit()
        }
        let interactive = isatty(0) != 0
        if interactive {
            print("ihub \(IHubInfo.version) — Lua 5.4 admin prompt on \(db). .help lists operations, .quit leaves.")
        }
        var failed = false
        var pending = ""
        while true {
            if interactive {
                print(pending.isEmpty ? "> " : ">> ", terminator: "")
                Console.flush()
            }
            guard let line = readLine() else { break }
            let command = line.trimmed
            if pending.isEmpty, command.hasPrefix(".") {
                if command == ".quit" || command == ".exit" { break }
                help(engine, command)
                continue
            }
            pending += pending.isEmpty ? line : "\n" + line
            do {
                switch try context.eval(pending, chunkname: "stdin", expressionFirst: true) {
                case .incomplete:
                    continue
                case .done(let values, let output):
                    print(output, terminator: "")
                    if !values.isEmpty { print(values.map(Repl.show).joined(separator: "\t")) }
                }
            } catch {
                Console.error("\(error.status.name): \(error.message)\n")
                failed = true
            }
            pending = ""
        }
        if !pending.isEmpty {
            // The input ended inside a chunk: report what is missing.
            do {
                if case .incomplete(let message) = try context.eval(pending, chunkname: "stdin") {
                    Console.error("IHUB_SCRIPT: \(message)\n")
                }
            } catch {
                Console.error("\(error.status.name): \(error.message)\n")
            }
            failed = true
        }
        if failed && !interactive { throw ExitCode(1) }
    }

    /// A value as a person reads it: strings bare, everything else as JSON.
    static func show(_ value: JSON) -> String {
        if case .string(let s) = value { return s }
        return value.serialized(pretty: value.array.map { !$0.isEmpty } ?? (value.members.map { !$0.isEmpty } ?? false))
    }

    private func help(_ engine: Engine, _ command: String) {
        let words = command.split(separator: " ")
        do {
            if words.count > 1 {
                let d = try engine.call("api.describe", ["method": .string(String(words[1]))])
                print(d.serialized(pretty: true))
            } else if words[0] == ".help" {
                for m in try engine.call("api.describe").array ?? [] {
                    let name = m["name"]?.string ?? "", summary = m["summary"]?.string ?? ""
                    print("ihub.\(name)".padding(to: 26) + summary)
                }
            } else {
                Console.error("unknown command \(words[0]) (.help, .help NAME, .quit)\n")
            }
        } catch {
            Console.error("\(error.status.name): \(error.message)\n")
        }
    }
}

extension String {
    var trimmed: String {
        let t = self.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }
        return String(t.reversed())
    }

    func padding(to width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
