import IHubCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Output for people. Data may hold control characters (a name imported
/// before they were refused, a note, a script's print()): on a terminal
/// they would be escape sequences that move the cursor, retitle the
/// window or hide text, so they are shown escaped (\u{1B}). Pipes and
/// files get the bytes unchanged.
enum Terminal {
    static let output = isatty(1) != 0
    static let errors = isatty(2) != 0

    /// `text` with control characters escaped, except tab, line feed and
    /// the carriage return of a CRLF line end.
    static func safe(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        func harmless(_ i: Int) -> Bool {
            switch scalars[i] {
            case "\t", "\n": return true
            case "\r": return i + 1 < scalars.count && scalars[i + 1] == "\n"
            default: return !IHubError.isControl(scalars[i])
            }
        }
        guard scalars.indices.contains(where: { !harmless($0) }) else { return text }
        var out = ""
        for i in scalars.indices {
            // The same spelling as messages use for control characters.
            if harmless(i) { out.unicodeScalars.append(scalars[i]) } else { out += IHubError.escaped(scalars[i]) }
        }
        return out
    }
}

/// Every line the CLI and the REPL print comes through here (it hides
/// Swift's print in this module), escaped for a terminal.
func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {
    let text = items.map { "\($0)" }.joined(separator: separator)
    Swift.print(Terminal.output ? Terminal.safe(text) : text, terminator: terminator)
}
