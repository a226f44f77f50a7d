#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Times the store records, taken in Swift and bound as text (UTC, ISO
/// 8601) so both engines store the same thing: no SQL clock function.
enum Timestamp {
    /// "2026-12-01T18:35:07Z"
    static func now() -> String { format("%Y-%m-%dT%H:%M:%SZ") }

    /// "2026-12-01"
    static func today() -> String { format("%Y-%m-%d") }

    private static func format(_ pattern: String) -> String {
        var t = time(nil)
        var parts = tm()
        gmtime_r(&t, &parts)
        var buffer = [CChar](repeating: 0, count: 32)
        let n = strftime(&buffer, buffer.count, pattern, &parts)
        return String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
