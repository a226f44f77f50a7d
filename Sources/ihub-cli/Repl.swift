import ArgumentParser
import IHubCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

struct Repl: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "A Lua prompt in the admin context, with the `ihub` table (runs a script or a pipe too).",
        discussion: """
            Every operation is a function: ihub.school.list{hub="EE-ACC"}. An expression shows its value; \
            lists of records show as aligned tables (.mode table|json|csv|line). On a terminal: line editing, \
            history (~/.ihub_history, or $IHUB_HISTORY), Tab completion of the API and of globals; Ctrl-C stops \
            a running chunk and keeps the globals. ihub.transaction(function() ... end) undoes every write of \
            the function when it fails. .help lists the commands, .help NAME describes an operation, .quit leaves.

            With a script or -e, they run and the REPL leaves (-i: stays at the prompt after). Errors name the \
            file, or stdin and its line. Exit status: 0, or 1 when a chunk of a script or pipe failed, 130 when \
            Ctrl-C stopped one.
            """)

    @Argument(help: "The database file (default: a throwaway in-memory one); a name ending in .lua is the script.")
    var db: String?

    @Argument(help: "A Lua script to run (one chunk; its errors name its lines).")
    var script: String?

    @Option(name: .customShort("e"), help: ArgumentHelp("A Lua chunk to run first (repeatable).", valueName: "chunk"))
    var chunks: [String] = []

    @Flag(name: .customShort("i"), help: "Stay at the prompt after the script and -e chunks.")
    var interactiveAfter = false

    @OptionGroup var database: OpenOptions

    /// `ihub repl x.lua` is a script on a throwaway database; `ihub repl x.db` a database.
    var locations: (db: String, script: String?) {
        if let db, script == nil, db.hasSuffix(".lua") { return (":memory:", db) }
        return (db ?? ":memory:", script)
    }

    func run() throws {
        let (db, script) = locations
        let session: ReplSession
        do {
            let engine = try database.open(db)
            session = ReplSession(engine: engine, context: try engine.admin())
        } catch {
            throw error.exit()
        }
        session.context.catchInterrupts()
        defer { session.context.catchInterrupts(false) }
        for chunk in chunks where !session.interrupted { session.run(chunk, chunkname: "-e", complete: true) }
        if let script, !session.interrupted {
            do {
                session.run(try ReplSession.readFile(script, at: "script"), chunkname: script, complete: true)
            } catch {
                session.report(error)
            }
        }
        if session.interrupted { throw ExitCode(130) }
        if (script != nil || !chunks.isEmpty) && !interactiveAfter { throw ExitCode(session.failed ? 1 : 0) }
        let interactive = isatty(0) != 0
        session.failed = false
        if interactive {
            print("ihub \(IHubInfo.version) — Lua 5.4 admin prompt on \(db). .help for help, Tab completes, .quit or Ctrl-D leaves.")
        }
        let status = loop(session, interactive: interactive)
        if status != 0 { throw ExitCode(status) }
    }

    /// Reads chunks until the end of input or .quit; returns the exit status.
    private func loop(_ session: ReplSession, interactive: Bool) -> Int32 {
        let completion = ReplCompletion(session: session)
        let editor = ReplLineEditor(interactive: interactive) { word, before in completion.complete(word, before: before) }
        let commands = ReplCommands(session: session)
        var pending = "", firstLine = 1, lineNumber = 0
        reading: while true {
            switch editor.read(prompt: pending.isEmpty ? "> " : ">> ") {
            case .end:
                if !interactive && ScriptContext.interruptSeen() { return 130 }  // Ctrl-C while reading
                break reading
            case .interrupted:
                pending = ""
            case .line(let typed):
                lineNumber += 1
                let line = interactive ? Repl.withoutControls(typed) : typed
                if pending.isEmpty {
                    if line.trimmed.hasPrefix(".") {
                        if commands.run(line.trimmed) == .quit { break reading }
                        continue
                    }
                    if line.trimmed.isEmpty { continue }
                    firstLine = lineNumber
                }
                pending += pending.isEmpty ? line : "\n" + line
                // Typed chunks count their own lines; a pipe's, those of the input.
                let result = session.run(pending, chunkname: "stdin", firstLine: interactive ? 1 : firstLine)
                if case .incomplete = result { continue }
                pending = ""
                if session.interrupted && !interactive { return 130 }
                session.interrupted = false
            }
        }
        if !pending.isEmpty {
            // The input ended inside a chunk: say what is missing.
            session.run(pending, chunkname: "stdin", firstLine: interactive ? 1 : firstLine, complete: true)
        }
        return session.failed && !interactive ? 1 : 0
    }

    /// A typed line without control characters (tab aside): a key the editor
    /// does not bind must not put escape bytes into a name in the database.
    static func withoutControls(_ line: String) -> String {
        let kept = line.unicodeScalars.filter { $0 == "\t" || !IHubError.isControl($0) }
        guard kept.count != line.unicodeScalars.count else { return line }
        Console.error("(removed \(line.unicodeScalars.count - kept.count) control character(s) from the line)\n")
        var out = ""
        out.unicodeScalars.append(contentsOf: kept)
        return out
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
