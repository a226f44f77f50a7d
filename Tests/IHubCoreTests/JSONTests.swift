import Testing
@testable import IHubCore

@Suite struct JSONTests {
    @Test func roundTripKeepsTypesAndOrder() throws {
        let text = #"{"b":1,"a":[true,false,null,-2.5,"x\"\\\n\u00e9"],"c":{"d":9223372036854775807}}"#
        let value = try JSONParser.parse(text)
        #expect(value["a"]?.array?.count == 5)
        #expect(value["c"]?["d"] == .int(Int64.max))
        #expect(value.members?.map(\.key) == ["b", "a", "c"])
        #expect(try JSONParser.parse(value.serialized()) == value)
        #expect(try JSONParser.parse(value.serialized(pretty: true)) == value)
    }

    @Test func unicodeEscapesAndSurrogatePairs() throws {
        #expect(try JSONParser.parse(#""\ud83d\ude00 \u00fc""#) == .string("😀 ü"))
        #expect(try JSONParser.parse("\"Trøndelag\"") == .string("Trøndelag"))
        #expect(JSON.string("\u{01}\t").serialized() == #""\u0001\t""#)
    }

    @Test(arguments: [
        ("{\"a\":1,}", 1, 8, "expected a member name"),
        ("[1,\n  2 3]", 2, 5, "expected ',' or ']'"),
        ("{\"a\" 1}", 1, 6, "expected ':'"),
        ("[01]", 1, 2, "leading zero"),
        ("\"abc", 1, 1, "unterminated string"),
        ("nul", 1, 1, "invalid literal"),
        ("[1] x", 1, 5, "unexpected text after"),
        ("\"\\ud800\"", 1, 2, "unpaired UTF-16 surrogate"),
        ("\"a\u{01}\"", 1, 3, "control character"),
        ("", 1, 1, "unexpected end of input"),
        ("1e999", 1, 1, "out of range"),
    ])
    func malformedInputNamesLineAndColumn(text: String, line: Int, column: Int, reason: String) {
        do {
            _ = try JSONParser.parse(text)
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.line == line && error.column == column, "\(error.message)")
            #expect(error.reason.contains(reason), "\(error.message)")
        }
    }

    @Test func invalidUTF8IsRefusedAtItsByte() {
        let bytes: [UInt8] = Array("{\"name\":\"ab".utf8) + [0xC3, 0x28] + Array("\"}".utf8)
        do {
            _ = try bytes.withUnsafeBufferPointer { b throws(JSONParser.Failure) in try JSONParser.parse(b) }
            Issue.record("accepted invalid UTF-8")
        } catch {
            #expect(error.reason.contains("invalid UTF-8"))
            #expect(error.column == 12)
        }
    }

    /// Found by fuzzing: the byte after a backslash went raw into the message,
    /// so a tab or a line feed there broke the one-line message.
    @Test(arguments: [("\"\\q\"", "invalid escape: backslash then 'q'"), ("\"\\\t\"", "invalid escape: backslash then byte 0x9"),
                      ("\"\\\n\"", "invalid escape: backslash then byte 0xa"), ("\"\\é\"", "invalid escape: backslash then byte 0xc3")])
    func invalidEscapeIsShownOnOneLine(text: String, reason: String) {
        do {
            _ = try JSONParser.parse(text)
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.reason == reason, "\(error.message)")
            #expect(!error.message.unicodeScalars.contains(where: IHubError.isControl), "\(error.message)")
        }
    }

    @Test func deepNestingIsRefusedNotOverflowed() {
        let text = String(repeating: "[", count: 100_000)
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(text) }
    }
}
