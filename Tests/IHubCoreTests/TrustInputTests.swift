import Testing
@testable import IHubCore

/// Issue 7 (defects 2, 4, 5, 7) at the engine's level: the parser's exact
/// integers and duplicate keys, the one quoting helper, language tags.
@Suite struct TrustInputTests {
    func failure(_ text: String) -> JSONParser.Failure? {
        do {
            _ = try JSONParser.parse(text)
            return nil
        } catch {
            return error
        }
    }

    @Test func integersPast2To53StayExact() throws {
        #expect(try JSONParser.parse("9007199254740993.0") == .int(9_007_199_254_740_993))
        #expect(try JSONParser.parse("1.5e18") == .int(1_500_000_000_000_000_000))
        #expect(try JSONParser.parse("-9.223372036854775808e18") == .int(Int64.min))
        #expect(try JSONParser.parse("1e19").int == nil)
        #expect(try JSONParser.parse("2.5").int == nil)
        #expect(try JSONParser.parse("3.0").int == 3)
        #expect(JSON.double(1e18).int == 1_000_000_000_000_000_000)
        #expect(JSON.double(0x1p63).int == nil)
    }

    @Test func duplicateKeysNameTheirPathInSmallAndLargeObjects() {
        #expect(failure(#"{"a":[1,{"b":1,"b":2}]}"#).map { $0.message(at: "params") }
                == "params.a[1]: duplicate key 'b' (JSON at line 1 column 16)")
        // A name is read again for the path, escapes and all.
        #expect(failure(#"{"s\u00e9":{"x":[{"y":1,"y":2}]}}"#)?.path == ".sé.x[0]")
        let large = "{" + (0..<20).map { "\"k\($0)\":0" }.joined(separator: ",") + ",\"k3\":1}"
        #expect(failure(large)?.path == "")
        #expect(failure(#"{"a":1,"A":2}"#) == nil)
    }

    @Test func quotingCutsAndEscapes() {
        #expect(IHubError.quoted("a\u{1B}[2J\n") == "'a\\u{1B}[2J\\n'")
        #expect(IHubError.quoted(String(repeating: "é", count: 200)) == "'" + String(repeating: "é", count: 80) + "…'")
        let long = IHubError(.invalid, String(repeating: "x", count: 100_000) + "\u{9B}")
        #expect(long.message.utf8.count <= Limits.message + 4 && long.message.hasSuffix("…"))
        #expect(IHubError(.invalid, "bell\u{7}").message == "bell\\u{7}")
    }

    @Test(arguments: [("ET", "et"), ("est", "et"), ("ger", "de"), ("pt_br", "pt-BR"), ("zh-hant-tw", "zh-Hant-TW"),
                      ("es-419", "es-419"), ("vro", "vro")])
    func languageTagsAreNormalised(_ tag: String, _ expected: String) {
        #expect(Languages.normalized(tag) == expected)
    }

    @Test(arguments: ["", "x", "xx", "english", "et-XX", "et-EE-x", "et--EE", "e1", "et-Latn-EE-1996"])
    func languageTagsAreRefused(_ tag: String) {
        #expect(Languages.normalized(tag) == nil)
    }

    @Test func textRules() {
        #expect(Shape.textProblem("tab\tin", multiline: false, maxBytes: 100)?.reason == "contains the control character U+0009 (a one-line field)")
        #expect(Shape.textProblem("tab\tand\r\nbreaks", multiline: true, maxBytes: 100) == nil)
        #expect(Shape.textProblem("c1 \u{85}", multiline: true, maxBytes: 100)?.reason.contains("U+0085") == true)
        #expect(Shape.textProblem("Tõravere Kool, ვაკე", multiline: false, maxBytes: 100) == nil)
        #expect(Shape.textProblem("abc", multiline: false, maxBytes: 2)?.status == .limit)
        // U+00A0 (0xC2 0xA0) and U+00C0 (0xC3 0x80) are not C1 controls; U+009F (0xC2 0x9F) and DEL are.
        #expect(Shape.textProblem("no\u{A0}break \u{C0}", multiline: false, maxBytes: 100) == nil)
        #expect(Shape.textProblem("c1 \u{9F}", multiline: false, maxBytes: 100)?.reason.contains("U+009F") == true)
        #expect(Shape.textProblem("del\u{7F}", multiline: true, maxBytes: 100)?.reason.contains("U+007F") == true)
    }
}
