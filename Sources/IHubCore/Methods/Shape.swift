/// The declared shape of a method's parameters. One declaration serves
/// validation (errors name the field path), `api.describe`, and the help of
/// the CLI and the REPL.
indirect enum Shape: Sendable {
    /// One line of text: no control characters, at most `Limits.text` bytes.
    case string
    /// Text that may span lines (notes, script source): tab, line feed and
    /// carriage return allowed besides, up to `maxBytes` UTF-8 bytes.
    /// `perCell`: a CSV document, whose cells are checked as they are read
    /// (so a problem is named by line and column), not here.
    case text(maxBytes: Int, perCell: Bool = false)
    /// A language tag (BCP 47 language[-Script][-REGION]), stored normalised.
    case language
    case integer
    case number
    case boolean
    case date                 // "YYYY-MM-DD"
    /// A moment in UTC, "YYYY-MM-DDTHH:MM:SSZ": how the store writes
    /// `created_at` and the like (Timestamp.now).
    case timestamp
    case oneOf([String])      // a string from a fixed set
    case array(Shape)
    case object([Field])      // known fields only
    /// An object whose keys are data (an area code, a level), each value of
    /// one shape.
    case map(Shape)
    case any

    var typeName: String {
        switch self {
        case .string: return "string"
        case .text: return "text"
        case .language: return "language"
        case .integer: return "integer"
        case .number: return "number"
        case .boolean: return "boolean"
        case .date: return "date"
        case .timestamp: return "timestamp"
        case .oneOf: return "enum"
        case .array: return "array"
        case .object: return "object"
        case .map: return "map"
        case .any: return "any"
        }
    }
}

struct Field: Sendable {
    let name: String
    let shape: Shape
    let required: Bool
    let doc: String

    static func required(_ name: String, _ shape: Shape, _ doc: String) -> Field {
        Field(name: name, shape: shape, required: true, doc: doc)
    }

    static func optional(_ name: String, _ shape: Shape, _ doc: String) -> Field {
        Field(name: name, shape: shape, required: false, doc: doc)
    }
}

extension Shape {
    /// Multi-line text up to `Limits.longText` bytes: notes, script source.
    static let longText = Shape.text(maxBytes: Limits.longText)
    /// A whole document given as text (a CSV file): any size the JSON
    /// document limit allows; its cells are checked as they are read.
    static let document = Shape.text(maxBytes: Limits.document, perCell: true)

    /// Checks `value` against the shape; the error names `path`. The path is
    /// only spelled out when something is wrong: a batch of 100,000 records
    /// should not build 600,000 strings to say nothing.
    func validate(_ value: JSON, at path: @autoclosure () -> String) throws(IHubError) {
        switch self {
        case .any:
            return
        case .string:
            guard let s = value.string else { throw mismatch(value, "a string", path()) }
            if let problem = Shape.textProblem(s, multiline: false, maxBytes: Limits.text) { throw problem.error(path()) }
        case .text(let maxBytes, let perCell):
            guard let s = value.string else { throw mismatch(value, "a string", path()) }
            if perCell {
                if s.utf8.count > maxBytes { throw IHubError(.limit, "\(path()): \(s.utf8.count) bytes is over the limit of \(maxBytes) bytes") }
            } else if let problem = Shape.textProblem(s, multiline: true, maxBytes: maxBytes) {
                throw problem.error(path())
            }
        case .language:
            guard let s = value.string else { throw mismatch(value, "a language code such as \"et\"", path()) }
            if Languages.normalized(s) == nil { throw IHubError.invalid("\(path()): \(Languages.problem(s))") }
        case .integer:
            guard value.int != nil else {
                if let d = value.double {
                    let why = d.rounded() == d ? "outside the 64-bit integer range" : "not a whole number"
                    throw IHubError.invalid("\(path()): expected an integer, got \(d) (\(why))")
                }
                throw mismatch(value, "an integer", path())
            }
        case .number:
            guard value.double != nil else { throw mismatch(value, "a number", path()) }
        case .boolean:
            guard value.bool != nil else { throw mismatch(value, "a boolean", path()) }
        case .date:
            guard let s = value.string else { throw mismatch(value, "a date (YYYY-MM-DD)", path()) }
            guard Shape.isDate(s) else { throw IHubError.invalid("\(path()): expected a date (YYYY-MM-DD), got \(IHubError.quoted(s, "\""))") }
        case .timestamp:
            guard let s = value.string else { throw mismatch(value, "a timestamp (YYYY-MM-DDTHH:MM:SSZ)", path()) }
            guard Shape.isTimestamp(s) else {
                throw IHubError.invalid("\(path()): expected a timestamp (YYYY-MM-DDTHH:MM:SSZ), got \(IHubError.quoted(s, "\""))")
            }
        case .map(let element):
            guard let members = value.members else { throw mismatch(value, "an object", path()) }
            for m in members { try element.validate(m.value, at: "\(path()).\(IHubError.excerpt(m.key))") }
        case .oneOf(let choices):
            guard let s = value.string else { throw mismatch(value, "one of \(choices.joined(separator: ", "))", path()) }
            guard choices.contains(s) else {
                throw IHubError.invalid("\(path()): \(IHubError.quoted(s, "\"")) is not one of \(choices.joined(separator: ", "))")
            }
        case .array(let element):
            guard let elements = value.array else { throw mismatch(value, "an array", path()) }
            for (i, e) in elements.enumerated() { try element.validate(e, at: "\(path())[\(i)]") }
        case .object(let fields):
            guard let members = value.members else { throw mismatch(value, "an object", path()) }
            for m in members {
                guard let field = fields.first(where: { $0.name == m.key }) else {
                    let known = fields.map(\.name).joined(separator: ", ")
                    throw IHubError.invalid("\(path()).\(IHubError.excerpt(m.key)): unknown field (known: \(known.isEmpty ? "none" : known))")
                }
                if m.value.isNull && !field.required { continue }
                try field.shape.validate(m.value, at: "\(path()).\(m.key)")
            }
            for field in fields where field.required && (value[field.name] ?? .null).isNull {
                throw IHubError.invalid("\(path()).\(field.name): missing (\(field.doc))")
            }
        }
    }

    /// Why a text value is refused, or nil: the one check of every text
    /// field, whether it came as JSON, from Lua or from a CSV cell.
    /// Control characters would reach terminals and other programs
    /// (escape sequences, a NUL that C hosts and SQLite cut text at).
    static func textProblem(_ s: String, multiline: Bool, maxBytes: Int) -> TextProblem? {
        let bytes = s.utf8.count
        if bytes > maxBytes { return TextProblem(status: .limit, reason: "\(bytes) bytes is over the limit of \(maxBytes) bytes") }
        // The common case, text without a control character, over the
        // bytes in place (every cell of an import comes here); the loop
        // below, which says what is wrong, only runs when something is.
        if s.utf8.withContiguousStorageIfAvailable({ Shape.isClean($0, multiline: multiline) }) == true { return nil }
        var previous: UInt8 = 0
        // C0 and DEL are single bytes; C1 (U+0080–U+009F) is 0xC2 0x80–0x9F.
        for b in s.utf8 {
            let control = b < 0x20 || b == 0x7F || (previous == 0xC2 && b >= 0x80 && b <= 0x9F)
            previous = b
            guard control else { continue }
            if multiline && (b == 0x09 || b == 0x0A || b == 0x0D) { continue }
            let scalar = s.unicodeScalars.first { IHubError.isControl($0) && !(multiline && ($0 == "\t" || $0 == "\n" || $0 == "\r")) }
            let hex = scalar.map { String($0.value, radix: 16, uppercase: true) } ?? "?"
            let name = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            let note = multiline ? " (only tab and line breaks are allowed)" : (b == 0x0A || b == 0x0D || b == 0x09 ? " (a one-line field)" : "")
            return TextProblem(status: .invalid, reason: "contains the control character \(name)\(note)")
        }
        return nil
    }

    /// Whether `bytes` hold no control character that `textProblem`
    /// refuses: the same test as its loop.
    private static func isClean(_ bytes: UnsafeBufferPointer<UInt8>, multiline: Bool) -> Bool {
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            i += 1
            if b >= 0x20 && b < 0x7F { continue }
            if b < 0x20 {
                if !(multiline && (b == 0x09 || b == 0x0A || b == 0x0D)) { return false }
            } else if b == 0x7F {
                return false
            } else if b == 0xC2, i < bytes.count, bytes[i] >= 0x80 && bytes[i] <= 0x9F {
                return false
            }
        }
        return true
    }

    /// Why a CSV cell's text does not fit a text shape, or nil.
    func cellProblem(_ text: String) -> String? {
        switch self {
        case .string: return Shape.textProblem(text, multiline: false, maxBytes: Limits.text)?.reason
        case .text(let maxBytes, _): return Shape.textProblem(text, multiline: true, maxBytes: maxBytes)?.reason
        default: return nil
        }
    }

    struct TextProblem {
        let status: Status
        let reason: String
        func error(_ path: String) -> IHubError { IHubError(status, "\(path): \(reason)") }
    }

    private func mismatch(_ value: JSON, _ expected: String, _ path: String) -> IHubError {
        IHubError.invalid("\(path): expected \(expected), got \(value.kindName)")
    }

    static func isDate(_ s: String) -> Bool { CalendarDate(s) != nil }

    /// "YYYY-MM-DDTHH:MM:SSZ" with a real date and time of day.
    static func isTimestamp(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard u.count == 20, u[10] == UInt8(ascii: "T"), u[13] == UInt8(ascii: ":"), u[16] == UInt8(ascii: ":"),
              u[19] == UInt8(ascii: "Z"), isDate(String(s.prefix(10))) else { return false }
        func number(_ at: Int) -> Int? {
            let d = u[at..<at + 2]
            guard d.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
            return Int(d[at] - 48) * 10 + Int(d[at + 1] - 48)
        }
        guard let h = number(11), let m = number(14), let sec = number(17) else { return false }
        return h < 24 && m < 60 && sec < 60
    }

    /// The shape as a JSON description, for api.describe.
    var described: JSON {
        switch self {
        case .oneOf(let choices): return ["type": "enum", "values": .array(choices.map { .string($0) })]
        case .string: return ["type": "string", "max_bytes": .int(Int64(Limits.text))]
        case .text(let maxBytes, _): return ["type": "text", "max_bytes": .int(Int64(maxBytes))]
        case .array(let element): return ["type": "array", "items": element.described]
        case .object(let fields): return ["type": "object", "fields": .array(fields.map(\.described))]
        case .map(let element): return ["type": "map", "values": element.described]
        default: return ["type": .string(typeName)]
        }
    }
}

extension Field {
    var described: JSON {
        var d = shape.described.members ?? []
        d.insert(JSON.Member("name", .string(name)), at: 0)
        d.append(JSON.Member("required", .bool(required)))
        d.append(JSON.Member("doc", .string(doc)))
        return .object(d)
    }
}
