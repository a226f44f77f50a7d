#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Colours and weight for people at a terminal: only when the stream is a
/// terminal, never when NO_COLOR is set (https://no-color.org) or TERM is
/// `dumb`. Pipes, files and scripts get plain text.
///
/// A styled text carries marks, not escape sequences: Terminal.safe, which
/// escapes every control character of the data, turns the marks into
/// colours as it writes. A mark holds a key drawn at start-up, so text from
/// the database cannot make one.
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

    /// A mark: open, the key, the SGR code's digits, close (noncharacters,
    /// which Terminal.safe escapes wherever they are not a mark).
    static let open = Unicode.Scalar(UInt32(0xFDD0))!
    static let close = Unicode.Scalar(UInt32(0xFDD1))!
    private static let key = Array(String(UInt64.random(in: 1...UInt64.max), radix: 36).unicodeScalars)

    private static func mark(_ code: String) -> String {
        var s = String(open)
        s.unicodeScalars.append(contentsOf: key)
        return s + code + String(close)
    }

    /// The SGR code of the mark at `i` and the index after it, if one starts there.
    static func mark(in scalars: [Unicode.Scalar], at i: Int) -> (String, Int)? {
        var j = i + 1
        guard j + key.count <= scalars.count, Array(scalars[j..<j + key.count]) == key else { return nil }
        j += key.count
        var code = ""
        while j < scalars.count, ("0"..."9").contains(scalars[j]) { code.unicodeScalars.append(scalars[j]); j += 1 }
        guard !code.isEmpty, j < scalars.count, scalars[j] == close else { return nil }
        return (code, j + 1)
    }

    /// `text` in this style, for standard output (`errors`: standard error).
    func callAsFunction(_ text: String, errors: Bool = false) -> String {
        guard errors ? Style.errors : Style.output, !text.isEmpty else { return text }
        return Style.mark(code) + text + Style.mark("0")
    }
}
