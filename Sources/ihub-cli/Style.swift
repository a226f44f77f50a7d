#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Colours and weight for people at a terminal: only when the stream is a
/// terminal, never when NO_COLOR is set (https://no-color.org) or TERM is
/// `dumb`. Pipes, files and scripts get plain text. Terminal.safe lets
/// these sequences through (and only these), so data cannot add others.
enum Style {
    case bold, dim, red, green, yellow, cyan

    /// Whether colours may be used on standard output / standard error.
    static let output = Terminal.output && allowed
    static let errors = Terminal.errors && allowed

    private static var allowed: Bool {
        if let v = getenv("NO_COLOR"), v.pointee != 0 { return false }
        if let t = getenv("TERM"), String(cString: t) == "dumb" { return false }
        return true
    }

    var code: String {
        switch self {
        case .bold: return "1"
        case .dim: return "2"
        case .red: return "31"
        case .green: return "32"
        case .yellow: return "33"
        case .cyan: return "36"
        }
    }

    /// The sequences Style writes, which Terminal.safe keeps.
    static let sequences: Set<String> = Set(["0", "1", "2", "31", "32", "33", "36"].map { "\u{1B}[\($0)m" })

    /// `text` in this style, for standard output (`errors`: standard error).
    func callAsFunction(_ text: String, errors: Bool = false) -> String {
        guard errors ? Style.errors : Style.output, !text.isEmpty else { return text }
        return "\u{1B}[\(code)m\(text)\u{1B}[0m"
    }
}
