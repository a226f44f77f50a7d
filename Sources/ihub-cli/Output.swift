import ArgumentParser
import IHubCore

/// `--json`, declared once: a command that shows data prints the
/// operation's JSON document instead of its view for people. Scripts read
/// standard output; messages and progress go to standard error.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print the operation's JSON document (for scripts) instead of the view for people.")
    var json = false

    /// Prints `result` as JSON (--json) or hands it to `view`.
    func show(_ result: JSON, view: (JSON) -> Void) {
        if json { print(result.serialized(pretty: true)) } else { view(result) }
    }

    /// Prints a one-line summary, or with --json the document it sums up.
    func say(_ result: JSON, _ line: String) {
        show(result) { _ in print(line) }
    }
}
