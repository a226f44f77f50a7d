import CEdit
import IHubCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Where the REPL's lines come from: libedit on a terminal (editing, history,
/// completion), plain reads from a pipe or file.
final class ReplLineEditor {
    enum Read: Equatable {
        case line(String)
        /// Ctrl-C at the prompt: the line (and any chunk being typed) is dropped.
        case interrupted
        case end
    }

    let interactive: Bool
    private let historyFile: String?

    /// `complete` gives the completions of a word, given the line before it.
    init(interactive: Bool, complete: @escaping (_ word: String, _ before: String) -> [String]) {
        self.interactive = interactive
        guard interactive else { historyFile = nil; return }
        historyFile = ReplLineEditor.historyPath()
        ReplLineEditor.completer = complete
        // SIGINT is ours (ScriptContext.catchInterrupts). Words for completion
        // run across dots and colons: "ihub.school.a". (Kept for the process.)
        ihub_edit_setup(strdup("ihub"), strdup(" \t\n\"'`@$><=;|&{}()[],+-*/%^~#"), replComplete)
        using_history()
        if let historyFile { _ = read_history(historyFile) }
    }

    /// $IHUB_HISTORY, else ~/.ihub_history; none without a home.
    static func historyPath() -> String? {
        if let path = getenv("IHUB_HISTORY").map({ String(cString: $0) }) { return path.isEmpty ? nil : path }
        guard let home = getenv("HOME").map({ String(cString: $0) }), !home.isEmpty else { return nil }
        return home + "/.ihub_history"
    }

    func read(prompt: String) -> Read {
        guard interactive else {
            guard let line = Swift.readLine(strippingNewline: true) else { return .end }
            return .line(line)
        }
        _ = ScriptContext.interruptSeen()
        Console.flush()
        guard let raw = readline(prompt) else {
            if ScriptContext.interruptSeen() {
                Swift.print("")  // off the ^C line
                return .interrupted
            }
            return .end
        }
        defer { free(raw) }
        let line = String(cString: raw)
        if !line.trimmed.isEmpty && line.trimmed != ".quit" && line.trimmed != ".exit" {  // Up then Enter must not leave
            add_history(raw)
            if let historyFile { _ = write_history(historyFile) }
        }
        return .line(line)
    }

    // libedit calls a C function: the completion source lives here, set once.
    nonisolated(unsafe) static var completer: ((String, String) -> [String])?
}

/// libedit's completion callback: matches[0] is what replaces the word (the
/// longest common prefix), then the matches, NULL-terminated, malloc'd.
private func replComplete(_ text: UnsafePointer<CChar>?, _ start: Int32, _ end: Int32)
    -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
{
    ihub_edit_matches_only()
    guard let text, let complete = ReplLineEditor.completer else { return nil }
    let word = String(cString: text)
    let line = ihub_edit_line().map { String(cString: $0) } ?? ""
    let before = String(decoding: Array(line.utf8).prefix(Int(max(start, 0))), as: UTF8.self)
    let matches = complete(word, before)
    guard !matches.isEmpty else { return nil }
    var common = Array(matches[0].utf8)
    for m in matches.dropFirst() {
        let b = Array(m.utf8)
        var n = 0
        while n < common.count && n < b.count && common[n] == b[n] { n += 1 }
        common = Array(common.prefix(n))
    }
    let listed = matches.count == 1 ? [] : matches
    guard let array = malloc(MemoryLayout<UnsafeMutablePointer<CChar>?>.stride * (listed.count + 2))?
        .assumingMemoryBound(to: UnsafeMutablePointer<CChar>?.self) else { return nil }
    array[0] = strdup(String(decoding: common, as: UTF8.self))
    for (i, m) in listed.enumerated() { array[i + 1] = strdup(m) }
    array[listed.count + 1] = nil
    return array
}
