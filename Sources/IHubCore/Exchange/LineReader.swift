#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A streaming reader of NDJSON (one JSON document per line): reads a file
/// or bytes in chunks and hands each non-blank line, with its number, to a
/// callback, so a batch of any size costs one chunk of memory. A line over
/// `maxLineBytes` is reported (`onLong`) after that many bytes and skipped
/// to its end, never buffered: a 1 GB line costs ~1 MiB. Reads `\n` and
/// `\r\n` endings and drops a UTF-8 BOM.
final class LineReader {
    /// The longest line accepted, in bytes.
    let maxLineBytes: Int
    private let chunkSize: Int

    init(maxLineBytes: Int = Limits.line, chunkSize: Int = 1 << 20) {
        self.maxLineBytes = maxLineBytes
        self.chunkSize = chunkSize
    }

    /// What to do after a line.
    enum Next { case more, stop }

    /// Reads `source` to its end or until a callback says stop. `onLine`
    /// gets each non-blank line (without its ending; valid only inside the
    /// call) and its 1-based number; `onLong` the number of a line over the
    /// limit. Open and read failures are IHUB_NOTFOUND / IHUB_IO naming the file.
    func read(_ source: CSVSource, onLine: (UnsafeBufferPointer<UInt8>, Int) throws(IHubError) -> Next,
              onLong: (Int) throws(IHubError) -> Next) throws(IHubError)
    {
        var scanner = Scanner(maxLineBytes: maxLineBytes)
        switch source {
        case .bytes(let bytes):
            var failure: IHubError?
            bytes.withUnsafeBufferPointer { all in
                do throws(IHubError) {
                    if try scanner.feed(all, onLine, onLong) == .more { try scanner.finish(onLine) }
                } catch { failure = error }
            }
            if let failure { throw failure }
        case .file(let path):
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else {
                let code = errno
                throw IHubError(code == ENOENT ? .notFound : .io,
                                "params.path: cannot open \(IHubError.quoted(path, limit: Limits.path)): \(String(cString: strerror(code)))")
            }
            defer { close(fd) }
            let chunk = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: chunkSize)
            defer { chunk.deallocate() }
            while true {
                let n = readChunk(fd, chunk.baseAddress!, chunk.count)
                if n < 0 {
                    if errno == EINTR { continue }
                    let code = errno
                    throw IHubError(.io, "params.path: cannot read \(IHubError.quoted(path, limit: Limits.path)): \(String(cString: strerror(code)))")
                }
                if n == 0 { break }
                if try scanner.feed(UnsafeBufferPointer(rebasing: chunk[0..<n]), onLine, onLong) == .stop { return }
            }
            try scanner.finish(onLine)
        }
    }

    /// The state between chunks: the start of a line that a chunk cut, or
    /// that the line is being skipped as too long.
    private struct Scanner {
        let maxLineBytes: Int
        var carry: [UInt8] = []
        var line = 0
        var skipping = false
        var atStart = true

        init(maxLineBytes: Int) { self.maxLineBytes = maxLineBytes }

        mutating func feed(_ chunk: UnsafeBufferPointer<UInt8>, _ onLine: (UnsafeBufferPointer<UInt8>, Int) throws(IHubError) -> Next,
                           _ onLong: (Int) throws(IHubError) -> Next) throws(IHubError) -> Next
        {
            var start = 0
            if atStart {
                atStart = chunk.isEmpty
                if chunk.count >= 3 && chunk[0] == 0xEF && chunk[1] == 0xBB && chunk[2] == 0xBF { start = 3 }
            }
            let n = chunk.count
            while start < n {
                guard let end = Scanner.newline(chunk, from: start) else {
                    // The line goes on in the next chunk.
                    if !skipping {
                        if carry.count + (n - start) > maxLineBytes {
                            line += 1
                            skipping = true
                            carry.removeAll(keepingCapacity: false)
                            if try onLong(line) == .stop { return .stop }
                        } else {
                            carry.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[start..<n]))
                        }
                    }
                    return .more
                }
                if skipping {
                    skipping = false
                } else if carry.isEmpty {
                    line += 1
                    if try emit(UnsafeBufferPointer(rebasing: chunk[start..<end]), onLine, onLong) == .stop { return .stop }
                } else {
                    line += 1
                    carry.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[start..<end]))
                    let whole = carry
                    carry.removeAll(keepingCapacity: true)
                    let next = try whole.withUnsafeBufferPointer { (b) throws(IHubError) -> Next in try emit(b, onLine, onLong) }
                    if next == .stop { return .stop }
                }
                start = end + 1
            }
            return .more
        }

        /// The last line, when the input does not end with a line break.
        mutating func finish(_ onLine: (UnsafeBufferPointer<UInt8>, Int) throws(IHubError) -> Next) throws(IHubError) {
            guard !skipping, !carry.isEmpty else { return }
            line += 1
            let whole = carry
            carry = []
            _ = try whole.withUnsafeBufferPointer { (b) throws(IHubError) -> Next in try emit(b, onLine, { _ in .more }) }
        }

        private func emit(_ bytes: UnsafeBufferPointer<UInt8>, _ onLine: (UnsafeBufferPointer<UInt8>, Int) throws(IHubError) -> Next,
                          _ onLong: (Int) throws(IHubError) -> Next) throws(IHubError) -> Next
        {
            var bytes = bytes
            if let last = bytes.last, last == UInt8(ascii: "\r") { bytes = UnsafeBufferPointer(rebasing: bytes.dropLast()) }
            if bytes.count > maxLineBytes { return try onLong(line) }
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return .more }
            return try onLine(bytes, line)
        }

        private static func newline(_ chunk: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
            guard let base = chunk.baseAddress, start < chunk.count,
                  let hit = memchr(base + start, 0x0A, chunk.count - start) else { return nil }
            return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
        }
    }
}

/// read(2), named apart from LineReader.read.
private func readChunk(_ fd: Int32, _ p: UnsafeMutablePointer<UInt8>, _ n: Int) -> Int { read(fd, p, n) }
