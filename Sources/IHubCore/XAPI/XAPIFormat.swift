/// The string formats of xAPI 1.0.3 (xAPI-Data.md 4.2–4.6), checked over
/// UTF-8 bytes in place: UUIDs, IRIs, mailto IRIs, SHA-1 and SHA-2 hex,
/// RFC 5646 language tags, ISO 8601 timestamps and durations.
enum XAPIFormat {
    @inline(__always)
    static func bytes<R>(_ s: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let r = s.utf8.withContiguousStorageIfAvailable(body) { return r }
        var copy = s
        return copy.withUTF8(body)
    }

    @inline(__always) static func isHex(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x66) || (b >= 0x41 && b <= 0x46)
    }
    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    @inline(__always) static func isAlpha(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A }
    @inline(__always) static func isAlnum(_ b: UInt8) -> Bool { isAlpha(b) || isDigit(b) }

    /// 8-4-4-4-12 hex digits, either case, any version and variant.
    static func isUUID(_ s: String) -> Bool {
        bytes(s) { b in
            guard b.count == 36 else { return false }
            for i in 0..<36 {
                if i == 8 || i == 13 || i == 18 || i == 23 {
                    if b[i] != UInt8(ascii: "-") { return false }
                } else if !isHex(b[i]) {
                    return false
                }
            }
            return true
        }
    }

    /// `count` hex digits exactly.
    static func isHex(_ s: String, count: Int) -> Bool {
        bytes(s) { b in b.count == count && b.allSatisfy(isHex) }
    }

    /// A SHA-2 digest in hex: 56, 64, 96 or 128 digits (SHA-224, -256, -384, -512), either case.
    static func isHexDigest(_ s: String) -> Bool {
        bytes(s) { b in (b.count == 56 || b.count == 64 || b.count == 96 || b.count == 128) && b.allSatisfy(isHex) }
    }

    /// Why `s` is not an absolute IRI (a short reason), or nil: RFC 3987's
    /// scheme, a `:`, then no character IRIs exclude (space, controls,
    /// `<>"{}|\^` and backquote) and `%` only before two hex digits. Best
    /// effort, as the specification allows: the scheme is checked strictly,
    /// the rest for characters that are never allowed.
    static func iriProblem(_ s: String) -> String? {
        bytes(s) { b -> String? in
            guard let first = b.first else { return "empty" }
            guard isAlpha(first) else { return "no scheme (such as http:)" }
            var i = 1
            while i < b.count, isAlnum(b[i]) || b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: ".") { i += 1 }
            guard i < b.count, b[i] == UInt8(ascii: ":") else { return "no scheme (such as http:)" }
            guard i + 1 < b.count else { return "only a scheme" }
            i += 1
            // The common case, a clean IRI, in one pass over two bit sets;
            // the first byte that needs a look goes to the slow path.
            while i < b.count {
                let c = b[i]
                if c < 64 {
                    if (iriStopLow >> UInt64(c)) & 1 != 0 { return iriTail(b, from: i) }
                } else if c < 128, (iriStopHigh >> UInt64(c - 64)) & 1 != 0 {
                    return iriTail(b, from: i)
                }
                i += 1
            }
            return nil
        }
    }

    /// Bytes 0–63 that end the fast scan: controls, space, `"`, `%`, `<`, `>`.
    private static let iriStopLow: UInt64 = 0x5000_0025_FFFF_FFFF
    /// Bytes 64–127 that end it: `\`, `^`, backquote, `{`, `|`, `}`, DEL.
    private static let iriStopHigh: UInt64 = 0xB800_0001_5000_0000

    /// The rest of an IRI from a byte the fast scan stopped at.
    private static func iriTail(_ b: UnsafeBufferPointer<UInt8>, from start: Int) -> String? {
        var i = start
        while i < b.count {
            let c = b[i]
            switch c {
            case UInt8(ascii: "%"):
                guard i + 2 < b.count, isHex(b[i + 1]), isHex(b[i + 2]) else { return "a % not followed by two hex digits" }
                i += 2
            case 0...0x20, 0x7F, UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "\""), UInt8(ascii: "{"),
                 UInt8(ascii: "}"), UInt8(ascii: "|"), UInt8(ascii: "\\"), UInt8(ascii: "^"), UInt8(ascii: "`"):
                return c == 0x20 ? "contains a space" : "contains a character IRIs exclude"
            default:
                break
            }
            i += 1
        }
        return nil
    }

    /// Why `s` is not a `mailto:` IRI of one address, or nil.
    static func mailtoProblem(_ s: String) -> String? {
        bytes(s) { b -> String? in
            guard b.count > 7, b[0] == 0x6D, b[1] == 0x61, b[2] == 0x69, b[3] == 0x6C, b[4] == 0x74, b[5] == 0x6F, b[6] == 0x3A
            else { return "must be a mailto: IRI (\"mailto:name@example.org\")" }
            var at = -1
            for i in 7..<b.count {
                let c = b[i]
                if c <= 0x20 || c == 0x7F || c == UInt8(ascii: "<") || c == UInt8(ascii: ">") || c == UInt8(ascii: ",") {
                    return "must be a mailto: IRI of one email address"
                }
                if c == UInt8(ascii: "@") {
                    if at >= 0 { return "must be a mailto: IRI of one email address" }
                    at = i
                }
            }
            guard at > 7, at < b.count - 1 else { return "must be a mailto: IRI of an email address (name@domain)" }
            return nil
        }
    }

    /// A version an LRS of 1.0.3 must accept: "1.0." and a patch number
    /// (1.0.0 … 1.0.3; what follows the number, such as "-rc1", is not checked).
    static func isVersion10(_ s: String) -> Bool {
        bytes(s) { b in
            b.count >= 5 && b[0] == 0x31 && b[1] == 0x2E && b[2] == 0x30 && b[3] == 0x2E && isDigit(b[4])
        }
    }
}

extension XAPIFormat {
    /// `type/subtype` with RFC 6838 name characters, parameters (`; charset=…`) allowed after.
    static func isMediaType(_ s: String) -> Bool {
        bytes(s) { b in
            func name(_ c: UInt8) -> Bool {
                isAlnum(c) || c == UInt8(ascii: "!") || c == UInt8(ascii: "#") || c == UInt8(ascii: "$") || c == UInt8(ascii: "&")
                    || c == UInt8(ascii: "-") || c == UInt8(ascii: "^") || c == UInt8(ascii: "_") || c == UInt8(ascii: ".") || c == UInt8(ascii: "+")
            }
            var i = 0
            while i < b.count, name(b[i]) { i += 1 }
            guard i > 0, i < b.count, b[i] == UInt8(ascii: "/") else { return false }
            i += 1
            let start = i
            while i < b.count, name(b[i]) { i += 1 }
            guard i > start else { return false }
            if i == b.count { return true }
            while i < b.count, b[i] == 0x20 { i += 1 }
            return i < b.count && b[i] == UInt8(ascii: ";")
        }
    }
}
