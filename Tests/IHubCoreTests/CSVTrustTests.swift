import Testing
@testable import IHubCore

/// The pieces of "spreadsheets as people make them" on their own: header
/// folding and near misses, dates, problem places and order, tabs, quoting.
@Suite struct CSVTrustTests {
    @Test func headerNamesFoldCaseAccentsAndSpaces() {
        #expect(CSVColumns.fold("Códe") == "code")
        #expect(CSVColumns.fold(" NAME ") == "name")
        #expect(CSVColumns.fold("Start-Date") == "start_date")
        #expect(CSVColumns.fold("Žemaitė Šiaulių") == "zemaite_siauliu")
        #expect(CSVColumns.fold("naмe") != "name")  // a Cyrillic м stays itself
    }

    @Test func nearMissesAreGuessedAndFarOnesAreNot() {
        let names = ["hub", "code", "name", "municipality", "latitude"]
        #expect(CSVColumns.nearest("nmae", among: names) == "name")          // a swap is one edit
        #expect(CSVColumns.nearest("muncipality", among: names) == "municipality")
        #expect(CSVColumns.nearest("latitdue", among: names) == "latitude")
        #expect(CSVColumns.nearest("colour", among: names) == nil)
        #expect(CSVColumns.distance(Array("kitten".unicodeScalars), Array("sitting".unicodeScalars)) == 3)
        #expect(CSVColumns.distance([], Array("abc".unicodeScalars)) == 3)
    }

    @Test func datesOfEachLayoutAndTheCalendar() {
        func date(_ text: String, _ format: Cells.DateFormat) -> String {
            switch Cells.date(text, format) {
            case .success(let iso): return iso
            case .failure(let reason): return "! " + reason.text
            }
        }
        #expect(date("2026-02-03", .iso) == "2026-02-03")
        #expect(date("2024-02-29", .iso) == "2024-02-29")
        #expect(date("2026-02-30", .iso) == "! no such date: \"2026-02-30\"")
        #expect(date("03.02.2026", .iso).hasPrefix("! bad date: expected YYYY-MM-DD, got \"03.02.2026\" (a day-first date?"))
        #expect(date("03.02.2026", .dayDotMonth) == "2026-02-03")
        #expect(date("3.2.2026", .dayDotMonth) == "2026-02-03")
        #expect(date("31.04.2026", .dayDotMonth) == "! no such date: \"31.04.2026\"")
        #expect(date("2026-02-03", .dayDotMonth) == "! bad date: expected DD.MM.YYYY, got \"2026-02-03\"")
        #expect(date("05/09/2026", .daySlashMonth) == "2026-09-05")
        #expect(date("05/09/26", .daySlashMonth).hasPrefix("! bad date"))
    }

    @Test func decimalCommasWhateverTheSeparator() {
        #expect(Cells.number("3,5") == 3.5)
        #expect(Cells.number("-0,25") == -0.25)
        #expect(Cells.number("1,2,3") == nil)
        #expect(Cells.number("3.5") == 3.5)
        #expect(Cells.number("nan") == nil)
        #expect(Cells.number(3.5, decimalComma: true) == "3,5")
        #expect(Cells.format([1.5, 2], decimalComma: true) == "1,5|2")
    }

    @Test func problemsAreSplitIntoTheirPlaceAndSorted() {
        let split = Problems.split("line 14, column 3 (size): expected a whole number")
        #expect(split.line == 14 && split.column == 3 && split.field == "size" && split.reason == "expected a whole number")
        let whole = Problems.split("line 1: missing column 'code'")
        #expect(whole.line == 1 && whole.column == nil && whole.field == nil && whole.reason == "missing column 'code'")
        #expect(Problems.split("cannot open 'x'").line == 0)
        var p = Problems()
        p.add(.notFound, "line 9, column 1 (hub): no hub with code 'XX'")
        p.add(.invalid, "line 3, column 4 (size): bad")
        p.add(.invalid, line: 3, column: 2, field: "code", "first on line 3")
        p.add(.invalid, line: 3, column: nil, field: nil, "the whole line")
        #expect(p.count == 4)
        #expect(p.list.map { "\($0.line):\($0.column ?? 0)" } == ["3:0", "3:2", "3:4", "9:1"])
        let error = p.error(source: "koolid.csv")
        #expect(error.status == .invalid && error.message.hasPrefix("koolid.csv: 4 problems: line 3: the whole line; line 3, column 2"))
        #expect(error.details?.array?.count == 4)
    }

    @Test func zeroHintsFindTheCodeOfAMessage() {
        #expect(ZeroHints.unknown("no school with code '42'") ?? ("", "") == ("school", "42"))
        #expect(ZeroHints.unknown("expected a number") == nil)
    }

    @Test func tabsAreFoundFromTheHeader() {
        func detect(_ s: String) -> UInt8 { Array(s.utf8).withUnsafeBufferPointer { CSVReader.detectDelimiter($0) } }
        #expect(detect("hub\tcode\tname\n") == 0x09)
        #expect(detect("hub;code;name\n") == UInt8(ascii: ";"))
        #expect(detect("hub,code,\"a\tb\"\n") == UInt8(ascii: ","))
        #expect(detect("name\n") == UInt8(ascii: ","))
    }

    @Test func excelStyleQuotesOnlyWhatItMust() {
        #expect(!CSVWriter.needsQuotes("58,26", delimiter: UInt8(ascii: ";")))
        #expect(CSVWriter.needsQuotes("58,26", delimiter: UInt8(ascii: ",")))
        #expect(CSVWriter.needsQuotes("Tõravere; Kool", delimiter: UInt8(ascii: ",")))
        #expect(CSVWriter.needsQuotes("a\tb", delimiter: 0x09))
    }
}
