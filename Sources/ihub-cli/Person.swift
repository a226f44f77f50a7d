import ArgumentParser
import IHubCore

/// `ihub person erase`: a person's personal data out of the database
/// (person.erase), the anonymous aggregates kept.
struct Person: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "person", 
        abstract: "People's personal data: erase a person, keeping the anonymous aggregates they are part of.",
        subcommands: [Erase.self])

    struct Erase: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "erase", 
            abstract: "Erase a person's personal data (name, e-mail, subjects, languages, mentions in free text, xAPI identity).",
            discussion: """
                The person's row stays, under an `erased-…` code, so counts, hours, assessment figures and indicator \
                values stay what they were. Erasing again (by the old or the erased code) changes nothing.
                Example: ihub person erase T-0042 --reason "request 2026-117" --db region.db
                """)
        @OptionGroup var common: CallOptions
        @Argument(help: "The person's code.") var code: String
        @Option(name: .long, help: "Why (e.g. the request's reference; no personal data).") var reason: String?

        func run() throws {
            var p: [JSON.Member] = [.init("code", .string(code))]
            if let reason { p.append(.init("reason", .string(reason))) }
            try common.run("person.erase", p) { r in
                let code = r["code"]?.string ?? ""
                if r["already_erased"]?.bool == true {
                    print("already erased: \(code) (\(r["erased_at"]?.string ?? ""))")
                    return
                }
                let changed = (r["changed"]?.members ?? []).map { "\($0.value.int ?? 0) \($0.key)" }.joined(separator: ", ")
                print("erased: now \(code) (\(changed) rewritten)")
            }
        }
    }
}
