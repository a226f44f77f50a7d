import Testing
@testable import IHubCore

/// SHA-256 and HMAC-SHA256 against the published vectors, and the
/// complementary suppression of consortium figures.
@Suite struct PrivacyTests {
    @Test func sha256MatchesFIPS180Vectors() {
        #expect(SHA256.hex(SHA256.digest(Array("".utf8))) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(SHA256.digest(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        // 448 bits: the padding spills into a second block.
        #expect(SHA256.hex(SHA256.digest(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hex(SHA256.digest([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func hmacMatchesRFC4231() {
        // Test case 1, 2 and 6 (a key longer than the block is hashed first).
        #expect(SHA256.hex(SHA256.hmac(key: [UInt8](repeating: 0x0b, count: 20), message: Array("Hi There".utf8)))
                == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        #expect(SHA256.hex(SHA256.hmac(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8)))
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(SHA256.hex(SHA256.hmac(key: [UInt8](repeating: 0xaa, count: 131),
                                       message: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)))
                == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    /// Three hubs (k = 5). Part "a": hub A has 3 people (withheld there), B and C 10 each: the consortium's 23
    /// minus B's and C's would give A's, so it is withheld. Part "b": A and B have 3 each: together 6 ≥ k, shown.
    /// Part "c": every hub shows its own; the consortium too.
    @Test func consortiumFiguresThatWouldRevealAWithheldHubAreWithheld() throws {
        let e = try freshEngine()
        var ids: [Int64] = []
        for code in ["A", "B", "C"] {
            ids.append(try e.call("hub.add", ["code": .string(code), "name": .string(code), "country": "EE"])["id"]!.int!)
        }
        let people: [String: [Int]] = ["a": [3, 10, 10], "b": [3, 3, 10], "c": [5, 6, 7]]
        let hubIDs = ids
        let d = IndicatorDefinition("test.mean", "a mean of people per part", level: .hub, type: .number) { ctx throws(IHubError) in
            ["a", "b", "c"].map { part in
                let n = ctx.hubID.map { people[part]![hubIDs.firstIndex(of: $0)!] } ?? people[part]!.reduce(0, +)
                return IndicatorRow(part: part, value: Double(n), n: n)
            }
        }
        let window = try Window.parse("cumulative", today: CalendarDate(Timestamp.today())!, at: "window")
        let all = try Indicators.compute(e, [d], scope: Indicators.Scope.resolve(e.db, hub: nil, at: "hub"), window: window)[0]
        #expect(all.rows.map(\.part) == ["a", "b", "c"])
        #expect(all.suppressed[0]?.contains("complementary suppression") == true)
        #expect(all.suppressed[1] == nil && all.suppressed[2] == nil)
        let a = try Indicators.compute(e, [d], scope: Indicators.Scope.resolve(e.db, hub: "A", at: "hub"), window: window)[0]
        #expect(a.suppressed[0] != nil && a.suppressed[1] != nil && a.suppressed[2] == nil)
        let b = try Indicators.compute(e, [d], scope: Indicators.Scope.resolve(e.db, hub: "B", at: "hub"), window: window)[0]
        #expect(b.suppressed.map { $0 == nil } == [true, false, true])
    }
}
