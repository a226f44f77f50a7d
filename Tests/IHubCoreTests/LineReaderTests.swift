import Testing
@testable import IHubCore

@Suite struct LineReaderTests {
    /// The lines (or "LONG") a reader with small chunks sees in `text`.
    private func lines(_ text: String, max: Int = 8, chunk: Int = 3) throws -> [String] {
        var seen: [String] = []
        try LineReader(maxLineBytes: max, chunkSize: chunk).read(.bytes(Array(text.utf8)), onLine: { bytes, n in
            seen.append("\(n):" + String(decoding: bytes, as: UTF8.self))
            return .more
        }, onLong: { n in
            seen.append("\(n):LONG")
            return .more
        })
        return seen
    }

    @Test func linesAcrossChunks() throws {
        #expect(try lines("ab\ncdef\r\n\n  \ngh") == ["1:ab", "2:cdef", "5:gh"])
        #expect(try lines("\u{FEFF}x\n", chunk: 100) == ["1:x"])
        #expect(try lines("") == [])
    }

    @Test func longLinesAreSkippedNotBuffered() throws {
        let long = String(repeating: "z", count: 100)
        #expect(try lines("a\n\(long)\nb\n") == ["1:a", "2:LONG", "3:b"])
        #expect(try lines("a\n\(long)\nb\n", chunk: 1000) == ["1:a", "2:LONG", "3:b"])
        #expect(try lines("123456789\n12345678\n") == ["1:LONG", "2:12345678"])
        #expect(try lines("a\n\(long)") == ["1:a", "2:LONG"])
    }

    @Test func stopEndsTheRead() throws {
        var seen = 0
        try LineReader().read(.bytes(Array("1\n2\n3\n".utf8)), onLine: { _, n in
            seen = n
            return n == 2 ? .stop : .more
        }, onLong: { _ in .more })
        #expect(seen == 2)
    }

    @Test func missingFileIsNotFound() {
        #expect(throws: IHubError.self) {
            try LineReader().read(.file("/nonexistent/ihub-lines.ndjson"), onLine: { _, _ in .more }, onLong: { _ in .more })
        }
    }
}
