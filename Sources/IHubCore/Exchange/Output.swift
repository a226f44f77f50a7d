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
    /// The parameter that named the file, for messages.
    private let field: String
    private var fd: Int32 = -1

    /// Bytes held in memory before a file output writes them out.
    private static let flushAt = 1 << 20

    init(path: String?, overwrite: Bool = false, at field: String = "params.path") throws(IHubError) {
        self.path = path
        self.overwrite = overwrite
        self.field = field
        guard let path else {
            partial = nil
            return
        }
        guard !path.isEmpty, !path.utf8.contains(0) else { throw IHubError.invalid("\(field): expected a file name") }
        guard path.utf8.count <= Limits.path else { throw IHubError(.limit, "\(field): \(path.utf8.count) bytes is over the limit of \(Limits.path) bytes") }
        if !overwrite && Output.exists(path) { throw Output.exists(path: path, field) }
        let partial = path + ".partial"
        self.partial = partial
        fd = open(partial, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Output.failure(field, "cannot create \(Output.quoted(partial))") }
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
                throw Output.failure(field, "cannot write \(Output.quoted(partial ?? ""))")
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
            let e = Output.failure(field, "cannot write \(Output.quoted(partial))")
            unlink(partial)
            throw e
        }
        fd = -1
        // Without overwrite, link() puts the file in place only if the name
        // is still free (a file may have appeared meanwhile); rename() replaces.
        if overwrite ? rename(partial, path) != 0 : link(partial, path) != 0 {
            let e = errno == EEXIST ? Output.exists(path: path, field) : Output.failure(field, "cannot move the file into place at \(Output.quoted(path))")
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

    private static func exists(path: String, _ field: String) -> IHubError {
        IHubError(.conflict, "\(field): \(quoted(path)) exists already; give overwrite: true (CLI: --force) to replace it")
    }

    private static func quoted(_ path: String) -> String { IHubError.quoted(path, limit: Limits.path) }

    private static func failure(_ field: String, _ what: String) -> IHubError {
        IHubError(.io, "\(field): \(what): \(String(cString: strerror(errno)))")
    }
}

/// How a CSV file is written: RFC 4180 by default (`,`, no BOM, decimal
/// point), or as a spreadsheet set to Estonian, Lithuanian or Georgian
/// reads it (`excel`: a BOM, so Excel takes the file as UTF-8; `;`, the
/// list separator of those locales; decimal commas, their decimal sign —
/// "3.5" would become a date there). CRLF after each record in both.
struct CSVStyle {
    var delimiter = UInt8(ascii: ",")
    var bom = false
    var decimalComma = false

    static let excel = CSVStyle(delimiter: UInt8(ascii: ";"), bom: true, decimalComma: true)
}

/// CSV: the style's delimiter between fields, CRLF after each record,
/// UTF-8. A field is quoted when it holds a delimiter, a quote, a line
/// break, or spaces at an end (which readers such as libcsv trim from
/// unquoted fields).
struct CSVWriter {
    let output: Output
    let style: CSVStyle
    private(set) var records = 0
    /// Applied to each record after the header (a pseudonymous export's rules).
    var transform: ((([String]) -> [String]))?

    init(_ output: Output, style: CSVStyle = CSVStyle()) {
        self.output = output
        self.style = style
        if style.bom { output.append(contentsOf: [0xEF, 0xBB, 0xBF]) }
    }

    /// The cell of a value in this style.
    func cell(_ value: JSON) -> String { Cells.format(value, decimalComma: style.decimalComma) }

    /// The cell of a number in this style.
    func cell(_ number: Double) -> String { Cells.number(number, decimalComma: style.decimalComma) }

    mutating func record(_ fields: [String]) throws(IHubError) {
        let fields = records > 0 ? transform?(fields) ?? fields : fields
        for (i, field) in fields.enumerated() {
            if i > 0 { output.append(style.delimiter) }
            CSVWriter.write(field, to: output, delimiter: style.delimiter)
        }
        output.append(0x0D)
        output.append(0x0A)
        records += 1
        try output.flushIfLarge()
    }

    /// Quoted: a field with the delimiter, a quote, a line break, a tab or
    /// a `;` (whatever the delimiter, so that a reader finding the delimiter
    /// from the header is never misled), or spaces at an end. A comma in a
    /// file of another delimiter (a decimal comma) needs no quotes.
    static func needsQuotes(_ field: String, delimiter: UInt8 = UInt8(ascii: ",")) -> Bool {
        let u = field.utf8
        guard let first = u.first, let last = u.last else { return false }
        if first == 0x20 || first == 0x09 || last == 0x20 || last == 0x09 { return true }
        return u.contains {
            $0 == delimiter || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D || $0 == UInt8(ascii: ";") || $0 == 0x09
        }
    }

    private static func write(_ field: String, to output: Output, delimiter: UInt8) {
        guard needsQuotes(field, delimiter: delimiter) else {
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
