import Testing
@testable import IHubCore

/// The CSV reader on its own: what it hands out, and where it says a file is broken.
@Suite struct ExchangeReaderTests {
    struct Read {
        var header: [String] = []
        var rows: [[String]] = []
        var lines: [Int] = []
        var delimiter = ""
    }

    func read(_ text: String, delimiter: UInt8? = nil, max: Int = 1 << 20) throws(CSVFailure) -> Read {
        try read(Array(text.utf8), delimiter: delimiter, max: max)
    }

    func read(_ bytes: [UInt8], delimiter: UInt8? = nil, max: Int = 1 << 20) throws(CSVFailure) -> Read {
        var out = Read()
        let reader = CSVReader(delimiter: delimiter, maxRecordBytes: max)
        try reader.read(.bytes(bytes), onHeader: { out.header = $0; return true }, onRow: { r in
            out.rows.append((0..<r.count).map(r.string))
            out.lines.append(r.line)
            return true
        })
        out.delimiter = String(UnicodeScalar(reader.delimiter))
        return out
    }

    func failureOf(_ text: String, max: Int = 1 << 20) -> CSVFailure? {
        failureOf(Array(text.utf8), max: max)
    }

    func failureOf(_ bytes: [UInt8], max: Int = 1 << 20) -> CSVFailure? {
        do throws(CSVFailure) {
            _ = try read(bytes, max: max)
            return nil
        } catch {
            return error
        }
    }

    @Test func headerRowsAndLines() throws {
        let r = try read("code,name,size\nS1,Tartu,400\n\nS2,\"Elva, \"\"Old\"\" School\",\r\nS3,\"two\nlines\",7")
        #expect(r.header == ["code", "name", "size"])
        #expect(r.rows == [["S1", "Tartu", "400"], ["S2", "Elva, \"Old\" School", ""], ["S3", "two\nlines", "7"]])
        #expect(r.lines == [2, 4, 5])
        #expect(r.delimiter == ",")
    }

    @Test func bomAndSemicolons() throws {
        let r = try read([0xEF, 0xBB, 0xBF] + Array("code;name;latitude\nS1;Tõravere;58,26\n".utf8))
        #expect(r.header == ["code", "name", "latitude"])
        #expect(r.rows == [["S1", "Tõravere", "58,26"]])
        #expect(r.delimiter == ";")
        // Told the delimiter, the reader does not guess.
        #expect(try read("a;b,c\n1;2,3\n", delimiter: UInt8(ascii: ",")).header == ["a;b", "c"])
    }

    @Test func lineEndsOfEveryKindInChunksOfEverySize() throws {
        let text = "code,name\r\nS1,\"two\r\nlines\"\r\nS2,b\rS3,c\nS4,\"d\"\r\n\r\nS5,e"
        var expected: [[String]] = [], expectedLines: [Int] = []
        for chunk in [1, 2, 3, 5, 7, 11, 64, 1 << 16] {
            var rows: [[String]] = [], lines: [Int] = []
            try CSVReader(chunkSize: chunk).read(.bytes(Array(text.utf8)), onHeader: { _ in true }) { r in
                rows.append((0..<r.count).map(r.string))
                lines.append(r.line)
                return true
            }
            if expected.isEmpty {
                expected = rows
                expectedLines = lines
            }
            #expect(rows == expected && lines == expectedLines, "chunks of \(chunk)")
        }
        #expect(expected == [["S1", "two\r\nlines"], ["S2", "b"], ["S3", "c"], ["S4", "d"], ["S5", "e"]])
        #expect(expectedLines == [2, 4, 5, 6, 8])
    }

    @Test func fieldLinesAfterQuotedLineBreaks() throws {
        var lines: [Int] = []
        try CSVReader().read(.bytes(Array("a,b,c\n1,\"x\ny\nz\",3\n".utf8)), onHeader: { _ in true }) { r in
            lines = (0..<r.count).map(r.line(of:))
            return true
        }
        #expect(lines == [2, 2, 4])
    }

    @Test func brokenQuotingSaysWhere() {
        let f = failureOf("code,name\nS1,ok\nS2,Tartu \"Old\" School\n")
        #expect(f?.line == 3 && f?.column == 2 && f?.field == "name")
        #expect(f?.message.hasPrefix("line 3, column 2 (name): broken quoting") == true)
        let g = failureOf("code,name\nS1,\"Tartu\"x\n")
        #expect(g?.line == 2 && g?.column == 2)
        let open = failureOf("code,name\nS1,ok\nS2,\"never closed\nS3,x\n")
        #expect(open?.message == "line 3, column 2 (name): a quoted field is not closed before the end of the file")
    }

    @Test func invalidUTF8SaysWhere() {
        let f = failureOf(Array("code,name\nS1,ok\nS2,".utf8) + [0x54, 0xE4, 0x72] + Array(",\n".utf8))
        #expect(f?.line == 3 && f?.column == 2 && f?.field == "name")
        #expect(f?.message.contains("invalid UTF-8") == true)
        #expect(failureOf(Array("code\n".utf8) + [0xED, 0xA0, 0x80]) != nil)   // a surrogate
        #expect(failureOf(Array("code\n".utf8) + [0xC0, 0xAF]) != nil)         // overlong
        #expect(failureOf([0xFF, 0xFE, 0x63, 0x00])?.message.contains("UTF-16") == true)
    }

    @Test func emptyFiles() throws {
        #expect(failureOf("")?.message == "line 1: empty file: expected a header line naming the columns")
        #expect(failureOf([0xEF, 0xBB, 0xBF])?.message.contains("empty file") == true)
        #expect(failureOf("\n\n")?.message.contains("empty file") == true)
        // A header alone is a file with no rows, not an error.
        #expect(try read("code,name\n").rows.isEmpty)
    }

    @Test func overLongRecordFailsEarly() {
        let long = "code,name\nS1," + String(repeating: "x", count: 5000) + "\n"
        let f = failureOf(long, max: 1000)
        #expect(f?.status == .limit && f?.line == 2 && f?.column == 2)
        #expect(f?.message == "line 2, column 2 (name): record longer than 1000 bytes")
        // An open quote swallowing the file is caught by the same limit.
        let open = "code,name\nS1,\"open\n" + String(repeating: "S2,x\n", count: 400)
        #expect(failureOf(open, max: 1000)?.message.contains("a quote left open here?") == true)
    }

    @Test func stopsWhenTold() throws {
        var seen = 0
        try CSVReader().read(.bytes(Array("a\n1\n2\n3\n".utf8)), onHeader: { _ in true }) { _ in
            seen += 1
            return seen < 2
        }
        #expect(seen == 2)
    }
}
