/// A strict RFC 8259 parser over UTF-8 bytes. Hand-written because it sits on
/// the bulk path (one call may carry 100,000 records) and because its errors
/// must name the line and column, including for invalid UTF-8.
package struct JSONParser {
    package struct Failure: Error, Equatable {
        package let line: Int
        package let column: Int
        package let reason: String
        /// Where in the document, for problems of a value rather than of
        /// the text (a duplicate key): ".schools[0]"; nil otherwise.
        package var path: String? = nil
        package var message: String { "JSON at line \(line) column \(column): \(reason)" }

        /// The message for a document called `root` ("params"): names the
        /// field path when there is one, the line and column always.
        package func message(at root: String) -> String {
            guard let path else { return "\(root): \(message)" }
            return "\(root)\(path): \(reason) (JSON at line \(line) column \(column))"
        }
    }

    /// Nesting deeper than this is refused rather than risking the stack.
    static let maxDepth = Limits.depth

    /// The member names and element indices leading to the value being
    /// parsed: spelled out only when a problem names them. A name is kept
    /// as the offset of its opening quote, read again only for a message
    /// (no string is retained per member on the hot path).
    private enum Step {
        case key(at: Int)
        case index(Int)
    }
    private var steps: [Step] = []

    private var pathText: String {
        steps.map { step in
            switch step {
            case .key(let offset):
                var p = JSONParser(bytes: bytes)
                p.pos = offset
                return "." + IHubError.excerpt((try? p.parseString()) ?? "")  // a name parsed once already
            case .index(let i): return "[\(i)]"
            }
        }.joined()
    }

    package static func parse(_ text: String) throws(Failure) -> JSON {
        var copy = text
        var result: Result<JSON, Failure> = .success(.null)
        copy.withUTF8 { bytes in result = Result { () throws(Failure) in try parse(bytes) } }
        return try result.get()
    }

    package static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(Failure) -> JSON {
        var p = JSONParser(bytes: bytes)
        p.skipSpace()
        let value = try p.parseValue(depth: 0)
        p.skipSpace()
        if p.pos < bytes.count { throw p.fail("unexpected text after the document") }
        return value
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private var pos = 0

    private init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    private func fail(_ reason: String, at offset: Int? = nil) -> Failure {
        let end = min(offset ?? pos, bytes.count)
        var line = 1, column = 1
        var i = 0
        while i < end {
            let b = bytes[i]
            if b == 0x0A {
                line += 1
                column = 1
            } else if b & 0xC0 != 0x80 {
                column += 1  // count characters, not continuation bytes
            }
            i += 1
        }
        return Failure(line: line, column: column, reason: reason)
    }

    private mutating func skipSpace() {
        while pos < bytes.count {
            switch bytes[pos] {
            case 0x20, 0x09, 0x0A, 0x0D: pos += 1
            default: return
            }
        }
    }

    private mutating func parseValue(depth: Int) throws(Failure) -> JSON {
        guard pos < bytes.count else { throw fail("unexpected end of input") }
        switch bytes[pos] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectWord("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectWord("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectWord("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw fail("unexpected character \(describe(bytes[pos]))")
        }
    }

    private func describe(_ b: UInt8) -> String {
        b >= 0x20 && b < 0x7F ? "'\(Character(Unicode.Scalar(b)))'" : "byte 0x\(String(b, radix: 16))"
    }

    private mutating func expectWord(_ word: StaticString) throws(Failure) {
        let start = pos
        for i in 0..<word.utf8CodeUnitCount {
            guard pos < bytes.count, bytes[pos] == word.utf8Start[i] else {
                throw fail("invalid literal (expected \(word))", at: start)
            }
            pos += 1
        }
    }

    private mutating func parseObject(depth: Int) throws(Failure) -> JSON {
        if depth > Self.maxDepth { throw fail("nested more than \(Self.maxDepth) levels deep") }
        pos += 1
        var members: [JSON.Member] = []
        members.reserveCapacity(8)  // most objects are small: one allocation, no regrowth
        var seen: Set<String>? = nil
        skipSpace()
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "}") {
            pos += 1
            return .object(members)
        }
        while true {
            skipSpace()
            guard pos < bytes.count else { throw fail("unexpected end of input in an object") }
            guard bytes[pos] == UInt8(ascii: "\"") else { throw fail("expected a member name in double quotes") }
            let keyStart = pos
            let key = try parseString()
            if members.count < 8 ? members.contains(where: { $0.key == key }) : !seenKeys(&seen, members, key) {
                var failure = fail("duplicate key \(IHubError.quoted(key))", at: keyStart)
                failure.path = pathText
                throw failure
            }
            skipSpace()
            guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else { throw fail("expected ':' after a member name") }
            pos += 1
            skipSpace()
            steps.append(.key(at: keyStart))
            members.append(JSON.Member(key, try parseValue(depth: depth)))
            steps.removeLast()
            skipSpace()
            guard pos < bytes.count else { throw fail("unexpected end of input in an object") }
            if bytes[pos] == UInt8(ascii: ",") {
                pos += 1
            } else if bytes[pos] == UInt8(ascii: "}") {
                pos += 1
                return .object(members)
            } else {
                throw fail("expected ',' or '}' in an object")
            }
        }
    }

    private mutating func parseArray(depth: Int) throws(Failure) -> JSON {
        if depth > Self.maxDepth { throw fail("nested more than \(Self.maxDepth) levels deep") }
        pos += 1
        var elements: [JSON] = []
        skipSpace()
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "]") {
            pos += 1
            return .array(elements)
        }
        steps.append(.index(0))
        defer { steps.removeLast() }
        while true {
            skipSpace()
            steps[steps.count - 1] = .index(elements.count)
            elements.append(try parseValue(depth: depth))
            skipSpace()
            guard pos < bytes.count else { throw fail("unexpected end of input in an array") }
            if bytes[pos] == UInt8(ascii: ",") {
                pos += 1
            } else if bytes[pos] == UInt8(ascii: "]") {
                pos += 1
                return .array(elements)
            } else {
                throw fail("expected ',' or ']' in an array")
            }
        }
    }

    private mutating func parseNumber() throws(Failure) -> JSON {
        let start = pos
        var isInteger = true
        if bytes[pos] == UInt8(ascii: "-") { pos += 1 }
        guard pos < bytes.count, isDigit(bytes[pos]) else { throw fail("invalid number", at: start) }
        if bytes[pos] == UInt8(ascii: "0") {
            pos += 1
            if pos < bytes.count, isDigit(bytes[pos]) { throw fail("invalid number (leading zero)", at: start) }
        } else {
            while pos < bytes.count, isDigit(bytes[pos]) { pos += 1 }
        }
        if pos < bytes.count, bytes[pos] == UInt8(ascii: ".") {
            isInteger = false
            pos += 1
            guard pos < bytes.count, isDigit(bytes[pos]) else { throw fail("invalid number (digit expected after '.')") }
            while pos < bytes.count, isDigit(bytes[pos]) { pos += 1 }
        }
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "e") || bytes[pos] == UInt8(ascii: "E") {
            isInteger = false
            pos += 1
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "+") || bytes[pos] == UInt8(ascii: "-") { pos += 1 }
            guard pos < bytes.count, isDigit(bytes[pos]) else { throw fail("invalid number (digit expected in exponent)") }
            while pos < bytes.count, isDigit(bytes[pos]) { pos += 1 }
        }
        // Integers of up to 18 digits, the common case, without a string.
        if isInteger, pos - start <= 18 {
            var value: Int64 = 0
            var i = bytes[start] == UInt8(ascii: "-") ? start + 1 : start
            while i < pos {
                value = value * 10 + Int64(bytes[i] - 0x30)
                i += 1
            }
            return .int(bytes[start] == UInt8(ascii: "-") ? -value : value)
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<pos]), as: UTF8.self)
        if isInteger, let i = Int64(text) { return .int(i) }
        guard let d = Double(text), d.isFinite else { throw fail("number out of range", at: start) }
        // Past 2^53 a double no longer holds every integer: 1.5e18 or
        // 9007199254740993.0 stay exact as integers when they are ones.
        if !isInteger, d.rounded() == d, abs(d) >= 0x1p53, abs(d) <= 0x1p63, let i = JSONParser.exactInteger(text) { return .int(i) }
        return .double(d)
    }

    /// The integer a number written with a fraction or an exponent stands
    /// for, when it is one and fits Int64.
    static func exactInteger(_ text: String) -> Int64? {
        var digits: [UInt8] = [], fractionDigits = 0, exponent = 0, negative = false, inFraction = false
        var utf8 = text.utf8.makeIterator()
        while let b = utf8.next() {
            switch b {
            case UInt8(ascii: "-"): negative = true
            case UInt8(ascii: "."): inFraction = true
            case UInt8(ascii: "e"), UInt8(ascii: "E"):
                var sign = 1, value = 0
                while let e = utf8.next() {
                    if e == UInt8(ascii: "-") { sign = -1 } else if e >= 0x30 && e <= 0x39 { value = min(value * 10 + Int(e - 0x30), 10_000) }
                }
                exponent = sign * value
            default:
                digits.append(b - 0x30)
                if inFraction { fractionDigits += 1 }
            }
        }
        exponent -= fractionDigits
        while let last = digits.last, last == 0, exponent < 0 {
            digits.removeLast()
            exponent += 1
        }
        guard exponent >= 0, exponent <= 19 else { return nil }
        var magnitude: UInt64 = 0
        for d in digits + Array(repeating: 0, count: exponent) {
            let (m, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(d))
            guard !o1, !o2 else { return nil }
            magnitude = a
        }
        if negative { return magnitude <= UInt64(Int64.max) + 1 ? Int64(truncatingIfNeeded: 0 &- magnitude) : nil }
        return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
    }

    /// Records `key` in the set of an object with many members (built on
    /// the first use); false when it was there already.
    private func seenKeys(_ seen: inout Set<String>?, _ members: [JSON.Member], _ key: String) -> Bool {
        if seen == nil { seen = Set(members.map(\.key)) }
        return seen!.insert(key).inserted
    }

    private func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    private mutating func parseString() throws(Failure) -> String {
        pos += 1  // opening quote
        let start = pos
        // Fast path: plain ASCII without escapes, the common case.
        while pos < bytes.count {
            let b = bytes[pos]
            if b == UInt8(ascii: "\"") {
                let s = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<pos]), as: UTF8.self)
                pos += 1
                return s
            }
            if b == UInt8(ascii: "\\") || b >= 0x80 || b < 0x20 { break }
            pos += 1
        }
        var out: [UInt8] = Array(bytes[start..<pos])
        while true {
            guard pos < bytes.count else { throw fail("unterminated string", at: start - 1) }
            let b = bytes[pos]
            if b == UInt8(ascii: "\"") {
                pos += 1
                return String(decoding: out, as: UTF8.self)
            } else if b == UInt8(ascii: "\\") {
                try parseEscape(into: &out)
            } else if b < 0x20 {
                throw fail("control character in a string (escape it)")
            } else if b < 0x80 {
                out.append(b)
                pos += 1
            } else {
                let n = try utf8SequenceLength()
                out.append(contentsOf: bytes[pos..<pos + n])
                pos += n
            }
        }
    }

    /// Validates the multi-byte UTF-8 sequence at `pos` and returns its length.
    private func utf8SequenceLength() throws(Failure) -> Int {
        let b0 = bytes[pos]
        let length: Int
        var lower: UInt8 = 0x80, upper: UInt8 = 0xBF
        switch b0 {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; lower = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; upper = 0x9F  // no UTF-16 surrogates
        case 0xF0: length = 4; lower = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; upper = 0x8F
        default: throw fail("invalid UTF-8 (byte 0x\(String(b0, radix: 16)))")
        }
        guard pos + length <= bytes.count else { throw fail("invalid UTF-8 (truncated sequence)") }
        for i in 1..<length {
            let b = bytes[pos + i]
            let (lo, hi) = i == 1 ? (lower, upper) : (UInt8(0x80), UInt8(0xBF))
            guard b >= lo && b <= hi else { throw fail("invalid UTF-8 (byte 0x\(String(b, radix: 16)))") }
        }
        return length
    }

    private mutating func parseEscape(into out: inout [UInt8]) throws(Failure) {
        let escapeStart = pos
        pos += 1
        guard pos < bytes.count else { throw fail("unterminated string") }
        let c = bytes[pos]
        pos += 1
        switch c {
        case UInt8(ascii: "\""): out.append(0x22)
        case UInt8(ascii: "\\"): out.append(0x5C)
        case UInt8(ascii: "/"): out.append(0x2F)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try hex4()
            if scalar >= 0xD800 && scalar < 0xDC00 {
                guard pos + 1 < bytes.count, bytes[pos] == UInt8(ascii: "\\"), bytes[pos + 1] == UInt8(ascii: "u") else {
                    throw fail("unpaired UTF-16 surrogate in \\u escape", at: escapeStart)
                }
                pos += 2
                let low = try hex4()
                guard low >= 0xDC00 && low < 0xE000 else { throw fail("unpaired UTF-16 surrogate in \\u escape", at: escapeStart) }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if scalar >= 0xDC00 && scalar < 0xE000 {
                throw fail("unpaired UTF-16 surrogate in \\u escape", at: escapeStart)
            }
            out.append(contentsOf: Array(String(Character(Unicode.Scalar(scalar)!)).utf8))
        default:
            // describe: a control character or a UTF-8 lead byte after the
            // backslash never goes raw into the one-line message.
            throw fail("invalid escape: backslash then \(describe(c))", at: escapeStart)
        }
    }

    private mutating func hex4() throws(Failure) -> UInt32 {
        guard pos + 4 <= bytes.count else { throw fail("invalid \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[pos]
            let d: UInt32
            switch b {
            case 0x30...0x39: d = UInt32(b - 0x30)
            case 0x41...0x46: d = UInt32(b - 0x41 + 10)
            case 0x61...0x66: d = UInt32(b - 0x61 + 10)
            default: throw fail("invalid \\u escape")
            }
            v = v << 4 | d
            pos += 1
        }
        return v
    }
}
