#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The statements of an import, one at a time: from a JSON array given in
/// the call, or from text or a file that is NDJSON (one statement a line,
/// streamed by LineReader: any size, bounded memory; a line over the
/// limit is a problem of that line) or a JSON array (an LRS export, held
/// whole: up to Limits.document bytes).
enum XAPIInput {
    case statements([JSON])
    case text([UInt8])
    case file(String)

    /// The name messages give the input.
    var name: String {
        switch self {
        case .statements: return "params.statements"
        case .text: return "params.text"
        case .file(let path): return IHubError.quoted(path, limit: Limits.path)
        }
    }
}

/// Where a statement is: its index in the batch (0-based) and its line (NDJSON).
struct XAPIPlace {
    let index: Int
    let line: Int?
}

enum XAPIReader {
    /// The longest statement line read.
    static let maxLineBytes = Limits.longText

    /// Hands every statement to `onStatement`, and every line that is no
    /// statement (not JSON, too long) to `onProblem` with its reason.
    static func read(_ input: XAPIInput, maxLineBytes: Int = maxLineBytes,
                     onStatement: (JSON, XAPIPlace) throws(IHubError) -> Void,
                     onProblem: (XAPIPlace, Status, String) throws(IHubError) -> Void) throws(IHubError)
    {
        switch input {
        case .statements(let all):
            for (i, s) in all.enumerated() { try onStatement(s, XAPIPlace(index: i, line: nil)) }
        case .text(let bytes):
            if firstByte(bytes) == UInt8(ascii: "[") {
                try array(bytes, onStatement: onStatement, onProblem: onProblem)
            } else {
                try lines(.bytes(bytes), maxLineBytes, onStatement, onProblem)
            }
        case .file(let path):
            if try fileStartsArray(path) {
                try array(try wholeFile(path), onStatement: onStatement, onProblem: onProblem)
            } else {
                try lines(.file(path), maxLineBytes, onStatement, onProblem)
            }
        }
    }

    private static func lines(_ source: CSVSource, _ maxLineBytes: Int, _ onStatement: (JSON, XAPIPlace) throws(IHubError) -> Void,
                              _ onProblem: (XAPIPlace, Status, String) throws(IHubError) -> Void) throws(IHubError)
    {
        var index = 0
        try LineReader(maxLineBytes: maxLineBytes).read(source, onLine: { bytes, line throws(IHubError) in
            defer { index += 1 }
            let place = XAPIPlace(index: index, line: line)
            let value: JSON
            do throws(JSONParser.Failure) {
                value = try JSONParser.parse(bytes)
            } catch {
                try onProblem(place, .invalid, "not JSON: \(error.reason) (column \(error.column))")
                return .more
            }
            try onStatement(value, place)
            return .more
        }, onLong: { line throws(IHubError) in
            defer { index += 1 }
            try onProblem(XAPIPlace(index: index, line: line), .limit, "the line is longer than \(maxLineBytes) bytes (skipped unread)")
            return .more
        })
    }

    private static func array(_ bytes: [UInt8], onStatement: (JSON, XAPIPlace) throws(IHubError) -> Void,
                              onProblem: (XAPIPlace, Status, String) throws(IHubError) -> Void) throws(IHubError)
    {
        var parsed: Result<JSON, JSONParser.Failure> = .success(.null)
        bytes.withUnsafeBufferPointer { b in parsed = Result { () throws(JSONParser.Failure) in try JSONParser.parse(b) } }
        switch parsed {
        case .failure(let f):
            throw IHubError.invalid("not a JSON array of statements: \(f.message)")
        case .success(let value):
            guard case .array(let all) = value else { throw IHubError.invalid("expected a JSON array of statements") }
            for (i, s) in all.enumerated() { try onStatement(s, XAPIPlace(index: i, line: nil)) }
        }
    }

    private static func firstByte(_ bytes: [UInt8]) -> UInt8? {
        var i = 0
        if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { i = 3 }
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0A || bytes[i] == 0x0D { i += 1 }
        return i < bytes.count ? bytes[i] : nil
    }

    /// Whether the file's first non-blank byte (in its first 64 KiB) opens an array.
    private static func fileStartsArray(_ path: String) throws(IHubError) -> Bool {
        let fd = try openFile(path)
        defer { close(fd) }
        var head = [UInt8](repeating: 0, count: 1 << 16)
        let n = head.withUnsafeMutableBytes { readBytes(fd, $0.baseAddress!, $0.count) }
        guard n >= 0 else { throw failure(path, "cannot read") }
        return firstByte(Array(head[0..<n])) == UInt8(ascii: "[")
    }

    private static func wholeFile(_ path: String) throws(IHubError) -> [UInt8] {
        let fd = try openFile(path)
        defer { close(fd) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = chunk.withUnsafeMutableBytes { readBytes(fd, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw failure(path, "cannot read")
            }
            if n == 0 { return out }
            out += chunk[0..<n]
            if out.count > Limits.document {
                throw IHubError(.limit, "params.path: a JSON array file over \(Limits.document) bytes: give it as NDJSON (one statement a line), which is streamed")
            }
        }
    }

    private static func openFile(_ path: String) throws(IHubError) -> Int32 {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw failure(path, "cannot open", status: errno == ENOENT ? .notFound : .io) }
        return fd
    }

    private static func failure(_ path: String, _ what: String, status: Status = .io) -> IHubError {
        IHubError(status, "params.path: \(what) \(IHubError.quoted(path, limit: Limits.path)): \(String(cString: strerror(errno)))")
    }
}

/// read(2), named apart from XAPIReader.read.
private func readBytes(_ fd: Int32, _ p: UnsafeMutableRawPointer, _ n: Int) -> Int { read(fd, p, n) }
