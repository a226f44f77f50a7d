import CCSV

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Where CSV bytes come from: a file, read in chunks, or bytes in memory.
enum CSVSource {
    case file(String)
    case bytes([UInt8])

    /// How messages name the source.
    var name: String {
        switch self {
        case .file(let path): return path
        case .bytes: return "text"
        }
    }
}

/// Why a file cannot be read on: the place and the reason. `column` is the
/// 1-based field number, `field` the header's name for it.
struct CSVFailure: Error {
    let status: Status
    let line: Int
    let column: Int?
    let field: String?
    let reason: String

    /// Line 0: the file as a whole (it cannot be opened or read).
    var message: String { line == 0 ? reason : CSVFailure.place(line: line, column: column, field: field) + ": " + reason }

    /// "line 14, column 3 (size)", the place every import problem starts with.
    static func place(line: Int, column: Int?, field: String?) -> String {
        var s = "line \(line)"
        if let column { s += ", column \(column)" }
        if let field { s += " (\(IHubError.excerpt(field)))" }
        return s
    }
}

/// One record of the file, valid only inside the callback that receives it:
/// its fields point into the reader's buffer (no copies, no reference
/// counting on the hot path).
struct CSVRecord {
    fileprivate let base: UnsafePointer<UInt8>
    fileprivate let spans: UnsafePointer<CSVReader.Span>
    let count: Int
    /// The line the record starts on.
    let line: Int

    func bytes(_ i: Int) -> UnsafeBufferPointer<UInt8> {
        let s = spans[i]
        return UnsafeBufferPointer(start: base + s.start, count: s.end - s.start)
    }

    func string(_ i: Int) -> String { String(decoding: bytes(i), as: UTF8.self) }

    /// The line field `i` starts on (later than `line` after a quoted line break).
    func line(of i: Int) -> Int { spans[i].line }

    var isBlank: Bool { (0..<count).allSatisfy { spans[$0].start == spans[$0].end } }
}

/// A streaming, header-based CSV reader over libcsv in strict mode. It feeds
/// the parser one line at a time, so it knows the line of every field and
/// can refuse an over-long record after reading a bounded amount of it: a
/// 1 GB line fails after ~1 MiB, not after 1 GB. Accepts UTF-8 with or
/// without a BOM; finds `,`, `;` or tab from the header line unless told.
final class CSVReader {
    struct Span {
        var start: Int
        var end: Int
        var line: Int
    }

    /// The longest record accepted, in bytes.
    let maxRecordBytes: Int
    /// The delimiter: given, or found on the header line.
    private(set) var delimiter: UInt8
    private let detect: Bool
    /// The header's names, once read.
    private(set) var header: [String] = []

    private var parser = csv_parser()
    private var sawHeader = false
    private var recordBytes = 0
    private var atLineStart = true
    /// The last chunk ended with a carriage return: a line feed first in
    /// the next one completes that line end, it is not another.
    private var endedWithCR = false
    /// What the parser's callbacks write: a struct behind a pointer, so the
    /// per-field path pays no reference counting or exclusivity checks.
    private let state: UnsafeMutablePointer<State>

    struct State {
        // Fields of records not yet handed out; `recordFirst` is the first
        // field of the record being parsed.
        var buffer: [UInt8] = []
        var spans: [Span] = []
        var completed: [(end: Int, line: Int)] = []
        var recordFirst = 0
        var recordLine = 1
        var lastFieldEndLine = 1
        var line = 1

        mutating func field(_ data: UnsafeMutableRawPointer?, _ length: Int) {
            let start = buffer.count
            if let data, length > 0 {
                buffer.append(contentsOf: UnsafeRawBufferPointer(start: data, count: length))
            }
            let startLine = spans.count == recordFirst ? recordLine : lastFieldEndLine
            spans.append(Span(start: start, end: buffer.count, line: startLine))
            lastFieldEndLine = line
        }

        mutating func recordEnd() {
            completed.append((spans.count, recordLine))
            recordFirst = spans.count
            // A record ended by a carriage return mid-line: the next starts here.
            recordLine = line
        }

        /// Fields parsed so far in the record being parsed.
        var fieldsInRecord: Int { spans.count - recordFirst }
    }

    /// Bytes read at a time (smaller in tests, to cross every boundary).
    let chunkSize: Int

    init(delimiter: UInt8? = nil, maxRecordBytes: Int = Limits.csvRecord, chunkSize: Int = 1 << 16) {
        self.chunkSize = chunkSize
        self.delimiter = delimiter ?? UInt8(ascii: ",")
        self.detect = delimiter == nil
        self.maxRecordBytes = maxRecordBytes
        state = .allocate(capacity: 1)
        state.initialize(to: State())
    }

    deinit {
        state.deinitialize(count: 1)
        state.deallocate()
    }

    /// Reads `source` to its end: `onHeader` gets the header's names, then
    /// `onRow` every non-blank record after it, until it returns false.
    func read(_ source: CSVSource, onHeader: ([String]) -> Bool, onRow: (CSVRecord) -> Bool) throws(CSVFailure) {
        guard csv_init(&parser, UInt8(CSV_STRICT | CSV_STRICT_FINI)) == 0 else {
            throw CSVFailure(status: .noMemory, line: 0, column: nil, field: nil, reason: "cannot start the CSV parser")
        }
        defer { csv_free(&parser) }
        var first = true
        var go = true
        switch source {
        case .bytes(let bytes):
            var failure: CSVFailure?
            bytes.withUnsafeBufferPointer { all in
                var offset = 0
                repeat {
                    let n = min(chunkSize, all.count - offset)
                    do throws(CSVFailure) {
                        go = try consume(UnsafeBufferPointer(rebasing: all[offset..<offset + n]), &first, onHeader, onRow)
                    } catch {
                        failure = error
                        return
                    }
                    offset += n
                } while go && offset < all.count
            }
            if let failure { throw failure }
        case .file(let path):
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else {
                let reason = String(cString: strerror(errno))
                throw CSVFailure(status: errno == ENOENT ? .notFound : .io, line: 0, column: nil, field: nil,
                                 reason: "cannot open '\(path)': \(reason)")
            }
            defer { close(fd) }
            let chunk = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: chunkSize)
            defer { chunk.deallocate() }
            while go {
                let n = try CSVReader.readFully(fd, chunk, path: path)
                if n == 0 { break }
                go = try consume(UnsafeBufferPointer(rebasing: chunk[0..<n]), &first, onHeader, onRow)
            }
        }
        if first { _ = try start(UnsafeBufferPointer(start: nil, count: 0)) }
        guard go else { return }
        try finish(onHeader, onRow)
    }

    // MARK: feeding

    private func consume(_ chunk: UnsafeBufferPointer<UInt8>, _ first: inout Bool, _ onHeader: ([String]) -> Bool,
                         _ onRow: (CSVRecord) -> Bool) throws(CSVFailure) -> Bool
    {
        var chunk = chunk
        if first {
            first = false
            chunk = try start(chunk)
        }
        return try feed(chunk, onHeader, onRow)
    }

    /// The first chunk: drops a UTF-8 BOM, refuses UTF-16, finds the delimiter.
    private func start(_ chunk: UnsafeBufferPointer<UInt8>) throws(CSVFailure) -> UnsafeBufferPointer<UInt8> {
        var chunk = chunk
        if chunk.count >= 3 && chunk[0] == 0xEF && chunk[1] == 0xBB && chunk[2] == 0xBF {
            chunk = UnsafeBufferPointer(rebasing: chunk[3...])
        } else if chunk.count >= 2 && ((chunk[0] == 0xFF && chunk[1] == 0xFE) || (chunk[0] == 0xFE && chunk[1] == 0xFF)) {
            throw CSVFailure(status: .invalid, line: 1, column: nil, field: nil,
                             reason: "the file is UTF-16: save it as UTF-8 (with or without a BOM)")
        }
        if detect { delimiter = CSVReader.detectDelimiter(chunk) }
        csv_set_delim(&parser, delimiter)
        // libcsv trims spaces and tabs around unquoted fields: in a
        // tab-separated file only spaces, or empty cells would vanish.
        if delimiter == 0x09 { csv_set_space_func(&parser, { $0 == 0x20 ? 1 : 0 }) }
        return chunk
    }

    /// `,`, `;` or tab, whichever the header line (outside quotes) has
    /// most of; `,` when none.
    static func detectDelimiter(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt8 {
        var commas = 0, semicolons = 0, tabs = 0, quoted = false
        for b in bytes {
            if b == UInt8(ascii: "\"") { quoted.toggle() }
            if quoted { continue }
            if b == 0x0A || b == 0x0D { break }
            if b == UInt8(ascii: ",") { commas += 1 }
            if b == UInt8(ascii: ";") { semicolons += 1 }
            if b == 0x09 { tabs += 1 }
        }
        if tabs > commas && tabs > semicolons { return 0x09 }
        return semicolons > commas ? UInt8(ascii: ";") : UInt8(ascii: ",")
    }

    /// Feeds the parser line by line; hands out the records each line ends.
    private func feed(_ chunk: UnsafeBufferPointer<UInt8>, _ onHeader: ([String]) -> Bool,
                      _ onRow: (CSVRecord) -> Bool) throws(CSVFailure) -> Bool
    {
        guard let base = chunk.baseAddress else { return true }
        let context = UnsafeMutableRawPointer(state)
        var p = 0
        while p < chunk.count {
            if atLineStart {
                // A record can only begin at a line start, and only when
                // the parser is between records (not inside a quoted field).
                if parser.pstate == 0 {
                    state.pointee.recordLine = state.pointee.line
                    recordBytes = 0
                }
                atLineStart = false
            }
            // The line ends at LF, CRLF, or a lone CR (old Mac files).
            var end = chunk.count
            var lineEnds = false
            if endedWithCR && p == 0 && base[0] == 0x0A {
                end = 1
            } else {
                if let lf = memchr(base + p, 0x0A, chunk.count - p) {
                    end = UnsafeRawPointer(lf) - UnsafeRawPointer(base) + 1
                    lineEnds = true
                }
                if let cr = memchr(base + p, 0x0D, end - p) {
                    let c = UnsafeRawPointer(cr) - UnsafeRawPointer(base)
                    if c + 1 == chunk.count || base[c + 1] != 0x0A {
                        end = c + 1
                        lineEnds = true
                    }
                }
            }
            endedWithCR = end == chunk.count && base[end - 1] == 0x0D
            let length = end - p
            if recordBytes + length > maxRecordBytes {
                // Parse up to the limit, so the message names the field it falls in.
                let room = maxRecordBytes - recordBytes
                if csv_parse(&parser, base + p, room, fieldEnded, recordEnded, context) != room {
                    throw parseFailure(at: state.pointee.line)
                }
                let size = maxRecordBytes >= 1 << 20 ? "\(maxRecordBytes >> 20) MiB" : "\(maxRecordBytes) bytes"
                let hint = state.pointee.line > state.pointee.recordLine ? " (a quote left open here?)" : ""
                throw failure(.limit, line: state.pointee.recordLine, column: state.pointee.fieldsInRecord + 1,
                              "record longer than \(size)\(hint)")
            }
            recordBytes += length
            if csv_parse(&parser, base + p, length, fieldEnded, recordEnded, context) != length {
                throw parseFailure(at: state.pointee.line)
            }
            if lineEnds {
                state.pointee.line += 1
                atLineStart = true
            }
            if !state.pointee.completed.isEmpty {
                guard try drain(onHeader, onRow) else { return false }
            }
            p = end
        }
        return true
    }

    private func finish(_ onHeader: ([String]) -> Bool, _ onRow: (CSVRecord) -> Bool) throws(CSVFailure) {
        if csv_fini(&parser, fieldEnded, recordEnded, UnsafeMutableRawPointer(state)) != 0 {
            throw failure(.invalid, line: state.pointee.recordLine, column: state.pointee.fieldsInRecord + 1,
                          "a quoted field is not closed before the end of the file")
        }
        if !state.pointee.completed.isEmpty { _ = try drain(onHeader, onRow) }
        if !sawHeader {
            throw CSVFailure(status: .invalid, line: 1, column: nil, field: nil,
                             reason: "empty file: expected a header line naming the columns")
        }
    }

    private func parseFailure(at line: Int) -> CSVFailure {
        let column = state.pointee.fieldsInRecord + 1
        switch Int32(csv_error(&parser)) {
        case CSV_EPARSE:
            return failure(.invalid, line: line, column: column,
                           "broken quoting: a quote inside an unquoted field or text after a closing quote"
                           + " (quote the whole field and double the quotes inside it)")
        case CSV_ENOMEM:
            return failure(.noMemory, line: line, column: column, "out of memory")
        default:
            return failure(.invalid, line: line, column: column, String(cString: csv_strerror(csv_error(&parser))))
        }
    }

    /// Hands out the completed records, checking their text; keeps the
    /// fields of the record still being parsed.
    private func drain(_ onHeader: ([String]) -> Bool, _ onRow: (CSVRecord) -> Bool) throws(CSVFailure) -> Bool {
        var go = true
        var failure: CSVFailure?
        let completed = state.pointee.completed
        state.pointee.buffer.withUnsafeBufferPointer { all in
            state.pointee.spans.withUnsafeBufferPointer { spans in
                let base = all.baseAddress ?? UnsafePointer(bitPattern: 1)!
                var first = 0
                for record in completed {
                    let view = CSVRecord(base: base, spans: spans.baseAddress! + first, count: record.end - first, line: record.line)
                    first = record.end
                    if let problem = check(view) {
                        failure = problem
                        return
                    }
                    if !sawHeader {
                        sawHeader = true
                        header = (0..<view.count).map(view.string)
                        go = onHeader(header)
                    } else if !view.isBlank {
                        go = onRow(view)
                    }
                    if !go { return }
                }
            }
        }
        if let failure { throw failure }
        state.pointee.completed.removeAll(keepingCapacity: true)
        // Keep the record in progress, moved to the front.
        let recordFirst = state.pointee.recordFirst
        if recordFirst == state.pointee.spans.count {
            state.pointee.buffer.removeAll(keepingCapacity: true)
            state.pointee.spans.removeAll(keepingCapacity: true)
        } else {
            let shift = state.pointee.spans[recordFirst].start
            state.pointee.buffer.removeSubrange(0..<shift)
            state.pointee.spans.removeSubrange(0..<recordFirst)
            for i in state.pointee.spans.indices {
                state.pointee.spans[i].start -= shift
                state.pointee.spans[i].end -= shift
            }
        }
        state.pointee.recordFirst = 0
        return go
    }

    /// Every field must be UTF-8 without NUL bytes.
    private func check(_ record: CSVRecord) -> CSVFailure? {
        for i in 0..<record.count {
            if let problem = UTF8Check.problem(record.bytes(i)) {
                let name = i < header.count ? header[i] : nil
                return CSVFailure(status: .invalid, line: record.line(of: i), column: i + 1, field: name, reason: problem)
            }
        }
        return nil
    }

    private func failure(_ status: Status, line: Int, column: Int, _ reason: String) -> CSVFailure {
        CSVFailure(status: status, line: line, column: column,
                   field: column - 1 < header.count ? header[column - 1] : nil, reason: reason)
    }

    // MARK: files

    /// Fills `buffer` unless the file ends first; returns the bytes read.
    private static func readFully(_ fd: Int32, _ buffer: UnsafeMutableBufferPointer<UInt8>, path: String) throws(CSVFailure) -> Int {
        var total = 0
        while total < buffer.count {
            let n = readBytes(fd, buffer.baseAddress! + total, buffer.count - total)
            if n < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                throw CSVFailure(status: .io, line: 0, column: nil, field: nil, reason: "cannot read '\(path)': \(reason)")
            }
            if n == 0 { break }
            total += n
        }
        return total
    }
}

/// read(2), named apart from CSVReader.read.
private func readBytes(_ fd: Int32, _ p: UnsafeMutablePointer<UInt8>, _ n: Int) -> Int { read(fd, p, n) }

private func fieldEnded(_ data: UnsafeMutableRawPointer?, _ length: Int, _ context: UnsafeMutableRawPointer?) {
    context!.assumingMemoryBound(to: CSVReader.State.self).pointee.field(data, length)
}

private func recordEnded(_ terminator: Int32, _ context: UnsafeMutableRawPointer?) {
    context!.assumingMemoryBound(to: CSVReader.State.self).pointee.recordEnd()
}

/// UTF-8 validation without building strings: most cells are ASCII, which
/// costs one pass of comparisons.
enum UTF8Check {
    /// Why `bytes` is not acceptable text, or nil.
    static func problem(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b < 0x80 {
                if b == 0 { return "contains a NUL byte" }
                i += 1
                continue
            }
            let length: Int, lowest: UInt32
            var scalar: UInt32
            switch b {
            case 0xC2...0xDF: length = 2; lowest = 0x80; scalar = UInt32(b & 0x1F)
            case 0xE0...0xEF: length = 3; lowest = 0x800; scalar = UInt32(b & 0x0F)
            case 0xF0...0xF4: length = 4; lowest = 0x10000; scalar = UInt32(b & 0x07)
            default: return invalid(bytes, at: i)
            }
            guard i + length <= n else { return invalid(bytes, at: i) }
            for k in 1..<length {
                let c = bytes[i + k]
                guard c & 0xC0 == 0x80 else { return invalid(bytes, at: i) }
                scalar = scalar << 6 | UInt32(c & 0x3F)
            }
            guard scalar >= lowest, scalar <= 0x10FFFF, !(0xD800...0xDFFF).contains(scalar) else { return invalid(bytes, at: i) }
            i += length
        }
        return nil
    }

    private static func invalid(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> String {
        let shown = bytes[i..<min(i + 4, bytes.count)].map { "\\x" + String($0, radix: 16, uppercase: true) }.joined()
        return "invalid UTF-8 (byte \(i + 1) of the field, \(shown)): save the file as UTF-8"
    }
}
