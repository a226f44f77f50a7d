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
    /// the carriage return of a CRLF line end. Style's marks become its
    /// colours (`styles`) or nothing; data cannot forge them (Style.mark).
    static func safe(_ text: String, styles: Bool = false) -> String {
        let scalars = Array(text.unicodeScalars)
        func harmless(_ i: Int) -> Bool {
            switch scalars[i] {
            case "\t", "\n": return true
            case "\r": return i + 1 < scalars.count && scalars[i + 1] == "\n"
            case Style.open, Style.close: return false
            default: return !IHubError.isControl(scalars[i])
            }
        }
        guard scalars.indices.contains(where: { !harmless($0) }) else { return text }
        var out = ""
        var i = 0
        while i < scalars.count {
            if scalars[i] == Style.open, let (code, end) = Style.mark(in: scalars, at: i) {
                if styles { out += "\u{1B}[\(code)m" }
                i = end
                continue
            }
            // The same spelling as messages use for control characters.
            if harmless(i) { out.unicodeScalars.append(scalars[i]) } else { out += IHubError.escaped(scalars[i]) }
            i += 1
        }
        return out
    }
}

/// Every line the CLI and the REPL print comes through here (it hides
/// Swift's print in this module), escaped for a terminal.
func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {
    let text = items.map { "\($0)" }.joined(separator: separator)
    Swift.print(Terminal.output ? Terminal.safe(text, styles: Style.output) : text, terminator: terminator)
}
