#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Pseudonyms of people for exports: "p-" + the first 16 hex digits of
/// HMAC-SHA256(key, code), under a key of this database (32 random bytes,
/// made at first use and kept in ihub_secrets, never exported). Stable per
/// database, so exports made on different days join; not reversible, nor
/// guessable from a list of codes, without the key.
struct Pseudonyms {
    static let secretName = "pseudonym_key"

    /// The option of every export that can name people by pseudonym.
    static let field = Field.optional("pseudonymous", .boolean, """
        name people by pseudonym only: "p-" + 16 hex digits of HMAC-SHA256 under this database's key (stable in \
        this database, not reversible without its key, which is never exported); names, e-mails and free text \
        that may name people left out (default false)
        """)

    private let key: [UInt8]

    init(key: [UInt8]) { self.key = key }

    /// The database's key, made (in a transaction of its own) when it has
    /// none. Call it before a read snapshot opens: a read-only transaction
    /// (a hub script's, on PostgreSQL) cannot store the first key.
    static func load(_ db: Database) throws(IHubError) -> Pseudonyms {
        if let hex = try db.privacy.secret(secretName) { return Pseudonyms(key: try bytes(hex)) }
        let fresh = SHA256.hex(try randomBytes(32))
        try db.transaction(.readCommitted) { () throws(IHubError) in
            try db.privacy.addSecret(secretName, value: fresh)  // another writer's key may have come first: kept
        }
        guard let hex = try db.privacy.secret(secretName) else {
            throw IHubError(.io, "ihub_secrets: the pseudonym key could not be stored")
        }
        return Pseudonyms(key: try bytes(hex))
    }

    /// The pseudonym of a person's code.
    func of(_ code: String) -> String {
        "p-" + SHA256.hex(SHA256.hmac(key: key, message: Array(code.utf8))).prefix(16)
    }

    /// A detail or record with each string under a key ending in `person`
    /// (person, mentor_person, …) replaced by its pseudonym: the one rule
    /// of the pipeline's rows (see the shared conventions of indicators).
    /// Free text (a plan's title, an end reason, notes) may name people: it
    /// is left out.
    func members(_ members: [JSON.Member]) -> [JSON.Member] {
        members.compactMap { m in
            if Pseudonyms.freeTextKeys.contains(m.key) { return nil }
            guard m.key.hasSuffix("person"), case .string(let code) = m.value else { return m }
            return JSON.Member(m.key, .string(of(code)))
        }
    }

    static let freeTextKeys: Set<String> = ["title", "reason", "note", "notes", "outcome", "description"]

    /// `n` bytes from the kernel's random source.
    static func randomBytes(_ n: Int) throws(IHubError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: n)
        let fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw IHubError(.io, "/dev/urandom: cannot open: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var got = 0
        while got < n {
            let r = out.withUnsafeMutableBytes { read(fd, $0.baseAddress! + got, n - got) }
            guard r > 0 else { throw IHubError(.io, "/dev/urandom: cannot read \(n) bytes") }
            got += r
        }
        return out
    }

    private static func bytes(_ hex: String) throws(IHubError) -> [UInt8] {
        let digits = Array(hex.utf8)
        func value(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: c - 48
            case 97...102: c - 87
            case 65...70: c - 55
            default: nil
            }
        }
        guard digits.count == 64 else { throw IHubError(.corrupt, "ihub_secrets.\(secretName): expected 64 hex digits") }
        var out: [UInt8] = []
        for i in stride(from: 0, to: 64, by: 2) {
            guard let hi = value(digits[i]), let lo = value(digits[i + 1]) else {
                throw IHubError(.corrupt, "ihub_secrets.\(secretName): expected 64 hex digits")
            }
            out.append(hi << 4 | lo)
        }
        return out
    }
}
