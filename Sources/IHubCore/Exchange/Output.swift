#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Where an export goes: into memory (returned in the result) or into a
/// file. A file is written beside its final name and renamed into place
/// when complete, so a failed export never leaves half a file behind. An
/// existing file is replaced only when the caller says so (`overwrite`):
/// a typo in a path must not destroy yesterday's export or a database.
final class Output {
    /// The parameter of every operation that writes a file.
    static let overwriteField = Field.optional("overwrite", .boolean, "replace the file at `path` if it exists (default false: refused with IHUB_CONFLICT)")

    private(set) var bytes: [UInt8] = []
    private(set) var written = 0
    private let path: String?
    private let partial: String?
    private let overwrite: Bool
    private var fd: Int32 = -1

    /// Bytes held in memory before a file output writes them out.
    private static let flushAt = 1 << 20

    init(path: String?, overwrite: Bool = false) throws(IHubError) {
        self.path = path
        self.overwrite = overwrite
        guard let path else {
            partial = nil
            return
        }
        guard !path.isEmpty, !path.utf8.contains(0) else { throw IHubError.invalid("params.path: expected a file name") }
        guard path.utf8.count <= Limits.path else { throw IHubError(.limit, "params.path: \(path.utf8.count) bytes is over the limit of \(Limits.path) bytes") }
        if !overwrite && Output.exists(path) { throw Output.exists(path: path) }
        let partial = path + ".partial"
        self.partial = partial
        fd = open(partial, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Output.failure("cannot create \(Output.quoted(partial))") }
        bytes.reserveCapacity(Output.flushAt + (1 << 16))
    }

    deinit {
        // Not finished: an error came first. Leave no partial file.
        if fd >= 0 {
            close(fd)
            if let partial { unlink(partial) }
        }
    }

    func append(_ byte: UInt8) { bytes.append(byte) }

    func append<S: Sequence>(contentsOf s: S) where S.Element == UInt8 { bytes.append(contentsOf: s) }

    /// Writes out what is held, for file outputs past the threshold.
    func flushIfLarge() throws(IHubError) {
        if fd >= 0 && bytes.count >= Output.flushAt { try flush() }
    }

    private func flush() throws(IHubError) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw Output.failure("cannot write \(Output.quoted(partial ?? ""))")
            }
            offset += n
        }
        written += bytes.count
        bytes.removeAll(keepingCapacity: true)
    }

    /// Completes the output: the file is renamed into place. Returns the
    /// text for an in-memory output, nil for a file.
    func finish() throws(IHubError) -> String? {
        guard let path, let partial else {
            written = bytes.count
            return String(decoding: bytes, as: UTF8.self)
        }
        try flush()
        guard close(fd) == 0 else {
            fd = -1
            let e = Output.failure("cannot write \(Output.quoted(partial))")
            unlink(partial)
            throw e
        }
        fd = -1
        // Without overwrite, link() puts the file in place only if the name
        // is still free (a file may have appeared meanwhile); rename() replaces.
        if overwrite ? rename(partial, path) != 0 : link(partial, path) != 0 {
            let e = errno == EEXIST ? Output.exists(path: path) : Output.failure("cannot move the file into place at \(Output.quoted(path))")
            unlink(partial)
            throw e
        }
        if !overwrite { unlink(partial) }
        return nil
    }

    private static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    private static func exists(path: String) -> IHubError {
        IHubError(.conflict, "params.path: \(quoted(path)) exists already; give overwrite: true (CLI: --force) to replace it")
    }

    private static func quoted(_ path: String) -> String { IHubError.quoted(path, limit: Limits.path) }

    private static func failure(_ what: String) -> IHubError {
        IHubError(.io, "params.path: \(what): \(String(cString: strerror(errno)))")
    }
}

/// RFC 4180 CSV: `,` between fields, CRLF after each record, UTF-8. A field
/// is quoted when it holds a comma, a quote, a line break, or spaces at an
/// end (which readers such as libcsv trim from unquoted fields).
struct CSVWriter {
    let output: Output
    private(set) var records = 0

    init(_ output: Output) { self.output = output }

    mutating func record(_ fields: [String]) throws(IHubError) {
        for (i, field) in fields.enumerated() {
            if i > 0 { output.append(UInt8(ascii: ",")) }
            CSVWriter.write(field, to: output)
        }
        output.append(0x0D)
        output.append(0x0A)
        records += 1
        try output.flushIfLarge()
    }

    static func needsQuotes(_ field: String) -> Bool {
        let u = field.utf8
        guard let first = u.first, let last = u.last else { return false }
        if first == 0x20 || first == 0x09 || last == 0x20 || last == 0x09 { return true }
        return u.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D || $0 == UInt8(ascii: ";") }
    }

    private static func write(_ field: String, to output: Output) {
        guard needsQuotes(field) else {
            output.append(contentsOf: field.utf8)
            return
        }
        output.append(UInt8(ascii: "\""))
        for b in field.utf8 {
            if b == UInt8(ascii: "\"") { output.append(b) }
            output.append(b)
        }
        output.append(UInt8(ascii: "\""))
    }
}
