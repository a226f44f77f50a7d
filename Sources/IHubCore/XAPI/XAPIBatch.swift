#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Batches of statements: a JSON array, or text or a file holding NDJSON
/// (one statement a line, streamed through LineReader: bounded memory for
/// any size) or one JSON array (read whole, up to Limits.document bytes).
/// Which it is: the first non-blank character, `[` for an array.
extension XAPIValidator {
    enum Input {
        case statements([JSON])
        case source(CSVSource)
    }

    /// Validates every statement of `input` in order and hands each report
    /// to `each` (which may stop the batch). A line that is not JSON is a
    /// report with one error at path "" saying why; a line over the
    /// reader's limit likewise. Throws for what is not a batch at all: a
    /// file that cannot be read, an array document that is not JSON.
    static func validate(_ input: Input, options: Options = Options(), maxLineBytes: Int = Limits.line,
                         each: (XAPIReport) throws(IHubError) -> LineReader.Next) throws(IHubError)
    {
        switch input {
        case .statements(let statements):
            try validateArray(statements, options: options, each: each)
        case .source(let source):
            let head = try firstByte(source)
            if head == UInt8(ascii: "[") {
                try validateArray(try wholeDocument(source), options: options, each: each)
            } else {
                try validateLines(source, options: options, maxLineBytes: maxLineBytes, each: each)
            }
        }
    }

    private static func validateArray(_ statements: [JSON], options: Options,
                                      each: (XAPIReport) throws(IHubError) -> LineReader.Next) throws(IHubError)
    {
        var checker = XAPIChecker(warnings: options.warnings)
        for (i, s) in statements.enumerated() {
            checker.problems.removeAll(keepingCapacity: true)
            checker.statement(s, sub: false)
            if try each(XAPIReport(index: i, line: nil, statement: s, problems: checker.problems)) == .stop { return }
        }
    }

    private static func validateLines(_ source: CSVSource, options: Options, maxLineBytes: Int,
                                      each: (XAPIReport) throws(IHubError) -> LineReader.Next) throws(IHubError)
    {
        var checker = XAPIChecker(warnings: options.warnings)
        var index = 0
        // A stream that cannot be read twice (a pipe) and turns out to hold
        // one JSON array: its lines, gathered to be parsed at the end.
        var array: [UInt8]? = nil
        let reader = LineReader(maxLineBytes: maxLineBytes)
        try reader.read(source, onLine: { (bytes, line) throws(IHubError) -> LineReader.Next in
            if array != nil || (index == 0 && bytes.first(where: { $0 != 0x20 && $0 != 0x09 }) == UInt8(ascii: "[")) {
                if array == nil { array = [] }
                if array!.count + bytes.count >= Limits.document {
                    throw IHubError(.limit, "\(paramName(source)): a JSON array document over \(Limits.document) bytes (use NDJSON for larger batches)")
                }
                array!.append(contentsOf: bytes)
                array!.append(0x0A)
                return .more
            }
            defer { index += 1 }
            let statement: JSON
            do throws(JSONParser.Failure) {
                statement = try JSONParser.parse(bytes)
            } catch {
                let problem = parseProblem(error)
                return try each(XAPIReport(index: index, line: line, statement: nil, problems: [problem]))
            }
            checker.problems.removeAll(keepingCapacity: true)
            checker.statement(statement, sub: false)
            return try each(XAPIReport(index: index, line: line, statement: statement, problems: checker.problems))
        }, onLong: { (line) throws(IHubError) -> LineReader.Next in
            if array != nil {
                throw IHubError(.limit, "\(paramName(source)): line \(line) of a JSON array is over \(maxLineBytes) bytes (use NDJSON, or give the array as a file)")
            }
            defer { index += 1 }
            let problem = XAPIProblem(.error, "", "the line is over the limit of \(maxLineBytes) bytes (skipped)")
            return try each(XAPIReport(index: index, line: line, statement: nil, problems: [problem]))
        })
        if let array {
            try validateArray(try parseArray(array, source), options: options, each: each)
        }
    }

    /// A parse failure of one NDJSON line as a problem: at the object
    /// that repeats a property for a duplicate key, else at "" with the column.
    static func parseProblem(_ f: JSONParser.Failure) -> XAPIProblem {
        if var path = f.path {
            if path.hasPrefix(".") { path.removeFirst() }
            return XAPIProblem(.error, path, "\(f.reason) (a property may appear only once)")
        }
        return XAPIProblem(.error, "", "not JSON: \(f.reason) (column \(f.column))")
    }

    private static func paramName(_ source: CSVSource) -> String {
        switch source {
        case .file: return "params.path"
        case .bytes: return "params.text"
        }
    }

    /// The first byte that is not blank (after a BOM), or nil for blank
    /// input; nil also for a file that is not a regular file (a pipe
    /// cannot be read twice: validateLines finds an array itself).
    private static func firstByte(_ source: CSVSource) throws(IHubError) -> UInt8? {
        func first(_ b: UnsafeBufferPointer<UInt8>) -> UInt8? {
            var i = b.count >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF ? 3 : 0
            while i < b.count, b[i] == 0x20 || b[i] == 0x09 || b[i] == 0x0A || b[i] == 0x0D { i += 1 }
            return i < b.count ? b[i] : nil
        }
        switch source {
        case .bytes(let bytes):
            return bytes.withUnsafeBufferPointer(first)
        case .file(let path):
            var info = stat()
            guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
            var found: UInt8?
            try readFile(path, limit: Int.max) { (chunk) throws(IHubError) -> Bool in
                found = first(chunk)
                return found == nil  // read on only while blank
            }
            return found
        }
    }

    /// A JSON array document, whole.
    private static func wholeDocument(_ source: CSVSource) throws(IHubError) -> [JSON] {
        switch source {
        case .bytes(let b):
            return try parseArray(b, source)
        case .file(let path):
            var bytes: [UInt8] = []
            try readFile(path, limit: Limits.document) { (chunk) throws(IHubError) -> Bool in
                bytes.append(contentsOf: chunk)
                return true
            }
            return try parseArray(bytes, source)
        }
    }

    private static func parseArray(_ bytes: [UInt8], _ source: CSVSource) throws(IHubError) -> [JSON] {
        let bom = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
        let document: JSON
        do throws(JSONParser.Failure) {
            document = try bytes.withUnsafeBufferPointer { (b) throws(JSONParser.Failure) -> JSON in
                try JSONParser.parse(UnsafeBufferPointer(rebasing: b[bom...]))
            }
        } catch {
            throw IHubError.invalid(error.message(at: paramName(source)))
        }
        guard case .array(let statements) = document else { throw IHubError.invalid("\(paramName(source)): expected an array of statements") }
        return statements
    }

    /// Reads `path` in chunks while `body` returns true; over `limit` bytes is IHUB_LIMIT.
    private static func readFile(_ path: String, limit: Int, _ body: (UnsafeBufferPointer<UInt8>) throws(IHubError) -> Bool) throws(IHubError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            throw IHubError(code == ENOENT ? .notFound : .io,
                            "params.path: cannot open \(IHubError.quoted(path, limit: Limits.path)): \(String(cString: strerror(code)))")
        }
        defer { close(fd) }
        let chunk = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: 1 << 20)
        defer { chunk.deallocate() }
        var total = 0
        while true {
            let n = Glibc.read(fd, chunk.baseAddress!, chunk.count)
            if n < 0 {
                if errno == EINTR { continue }
                let code = errno
                throw IHubError(.io, "params.path: cannot read \(IHubError.quoted(path, limit: Limits.path)): \(String(cString: strerror(code)))")
            }
            if n == 0 { return }
            total += n
            if total > limit { throw IHubError(.limit, "params.path: a JSON array document over \(limit) bytes (use NDJSON for larger batches)") }
            if try !body(UnsafeBufferPointer(rebasing: chunk[0..<n])) { return }
        }
    }
}
