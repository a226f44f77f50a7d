import IHubCore

/// What Tab offers: the dot-commands at the start of a line, operation names
/// after .help, and otherwise the keys of Lua tables along the word's path
/// (`ihub.sch` → `ihub.school.`, `ihub.school.a` → `ihub.school.add`),
/// globals and keywords for a bare word.
struct ReplCompletion {
    let session: ReplSession

    static let keywords = ["and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto",
                           "if", "in", "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while"]

    func complete(_ word: String, before: String) -> [String] {
        let start = before.trimmed
        if start.isEmpty && word.hasPrefix(".") {
            return ReplCommands.all.map(\.name).filter { $0.hasPrefix(word) }
        }
        if start == ".help" {
            let names = ReplCommands.all.map(\.name) + operations()
            return names.filter { $0.hasPrefix(word) }
        }
        if start.hasPrefix(".") { return [] }  // file names and modes: type them
        let cut = word.lastIndex(where: { $0 == "." || $0 == ":" })
        let path = cut.map { String(word[..<$0]) } ?? ""
        let head = cut.map { String(word[...$0]) } ?? ""
        let partial = cut.map { String(word[word.index(after: $0)...]) } ?? word
        var names = keys(path).map { head + $0 }
        if cut == nil { names += ReplCompletion.keywords }
        return names.filter { $0.hasPrefix(head + partial) }.sorted()
    }

    private func keys(_ path: String) -> [String] { session.context.keys(at: path) }

    private func operations() -> [String] {
        do {
            return try session.engine.call("api.describe").array?.compactMap { $0["name"]?.string } ?? []
        } catch {
            return []
        }
    }
}
