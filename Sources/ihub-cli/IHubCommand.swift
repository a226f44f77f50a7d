import ArgumentParser
import IHubCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

@main
struct IHubCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ihub",
        abstract: "Run a Regional Innovation Hub: schools, people, mentoring and analytics, scriptable in Lua.",
        discussion: ExitStatus.help,
        version: IHubInfo.version,
        subcommands: [
            Demo.self,
            Call.self,
            Repl.self,
            Import.self,
            Export.self,
            Assess.self,
            Classify.self,
            Pair.self,
            ProcessCommand.self,
            Plan.self,
            Log.self,
            XAPI.self,
            Copy.self,
            Network.self,
            IndicatorCommand.self,
            Impact.self,
            Person.self,
            InsightCommand.self,
            ReportCommand.self,
            MethodologyCommand.self,
            Why.self,
            Check.self,
            TestCommand.self,
        ])
}

/// Standard error and flushing, without touching C's global FILE pointers
/// (which Swift 6 treats as shared mutable state).
enum Console {
    static func error(_ line: String) {
        var text = line.hasSuffix("\n") ? line : line + "\n"
        if Terminal.errors { text = Terminal.safe(text, styles: Style.errors) }
        text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    }

    static func flush() { fflush(nil) }
}

extension IHubError {
    /// Prints the error the way every command reports failures, and exits
    /// with the status code.
    func exit() -> ExitCode {
        Console.error("ihub: \(Style.red(status.name, errors: true)): \(message)\n")
        return ExitCode(status.rawValue)
    }
}

struct Call: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "call", 
        abstract: "Run one operation of the method table and print its JSON result.",
        discussion: "Example: ihub call school.list '{\"hub\":\"EE-ACC\"}' --db region.db\n`ihub call api.describe` lists every operation.")

    @Argument(help: "The operation, e.g. school.add.")
    var method: String

    @Argument(help: "Its parameters as a JSON object (default {}); - reads them from standard input.")
    var params: String?

    @Flag(name: .long, help: "Print compact JSON on one line.")
    var compact = false

    @OptionGroup var database: OptionalDatabaseOptions

    func run() throws {
        do throws(IHubError) {
            let engine = try database.open()
            var text = params ?? "{}"
            if text == "-" { text = readAll() }
            let parsed = try Engine.parse(text, at: "params")
            print(try engine.call(method, parsed).serialized(pretty: !compact))
        } catch {
            throw error.exit()
        }
    }

    private func readAll() -> String {
        var lines: [String] = []
        while let line = readLine(strippingNewline: false) { lines.append(line) }
        return lines.joined()
    }
}
