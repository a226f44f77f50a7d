import ArgumentParser
import IHubCore

/// The exit statuses of every command, as `ihub --help` lists them: a
/// failed operation exits with its status code (the IHUB_* codes of
/// include/ihub.h), so a script can tell a missing record from a locked
/// database without reading the message.
enum ExitStatus {
    /// A command-line mistake: an unknown option, a missing argument, a
    /// value not among the choices (ArgumentParser's EX_USAGE).
    static let usage: Int32 = 64

    static let meanings: [Status: String] = [
        .error: "no other code fits, or a check found problems",
        .invalid: "a parameter or an input file is malformed",
        .notFound: "a database, record, file or operation does not exist",
        .conflict: "the record already exists",
        .constraint: "a rule of the data model would be broken",
        .script: "a Lua script raised an error",
        .limit: "past a script's time or memory budget, or a size limit",
        .noMemory: "out of memory",
        .io: "a file or the database cannot be read or written",
        .corrupt: "the file is not an ihub database, or is damaged",
        .busy: "the database stayed locked past the busy timeout",
        .misuse: "the interface was used wrongly",
        .version: "the database was written by a newer ihub",
    ]

    static var help: String {
        var lines = ["Exit status:", "  0    success"]
        for status in Status.allCases where status != .ok {
            let code = String(status.rawValue).padding(to: 4)
            lines.append("  \(code) \(status.name): \(meanings[status] ?? "")")
        }
        lines.append("  \(usage)   usage: an unknown option, a missing argument, a bad choice")
        lines.append("  130  interrupted (Ctrl-C)")
        lines.append("")
        lines.append("--json prints the operation's JSON document, for scripts. Progress lines and "
                     + "colours appear on a terminal only; colours never when NO_COLOR is set.")
        return lines.joined(separator: "\n")
    }
}
