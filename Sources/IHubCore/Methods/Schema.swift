/// The declared shape of a method's parameters. One declaration serves
/// validation (errors name the field path), `api.describe`, and the help of
/// the CLI and the REPL.
indirect enum Shape: Sendable {
    case string
    case integer
    case number
    case boolean
    case date                 // "YYYY-MM-DD"
    case oneOf([String])      // a string from a fixed set
    case array(Shape)
    case object([Field])      // known fields only
    case any

    var typeName: String {
        switch self {
        case .string: return "string"
        case .integer: return "integer"
        case .number: return "number"
        case .boolean: return "boolean"
        case .date: return "date"
        case .oneOf: return "enum"
        case .array: return "array"
        case .object: return "object"
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
    /// Checks `value` against the shape; the error names `path`. The path is
    /// only spelled out when something is wrong: a batch of 100,000 records
    /// should not build 600,000 strings to say nothing.
    func validate(_ value: JSON, at path: @autoclosure () -> String) throws(IHubError) {
        switch self {
        case .any:
            return
        case .string:
            guard let s = value.string else { throw mismatch(value, "a string", path()) }
            // C hosts and SQLite's text functions would cut the string there.
            if s.utf8.contains(0) { throw IHubError.invalid("\(path()): contains a NUL character") }
        case .integer:
            guard value.int != nil else { throw mismatch(value, "an integer", path()) }
        case .number:
            guard value.double != nil else { throw mismatch(value, "a number", path()) }
        case .boolean:
            guard value.bool != nil else { throw mismatch(value, "a boolean", path()) }
        case .date:
            guard let s = value.string else { throw mismatch(value, "a date (YYYY-MM-DD)", path()) }
            guard Shape.isDate(s) else { throw IHubError.invalid("\(path()): expected a date (YYYY-MM-DD), got \"\(s)\"") }
        case .oneOf(let choices):
            guard let s = value.string else { throw mismatch(value, "one of \(choices.joined(separator: ", "))", path()) }
            guard choices.contains(s) else {
                throw IHubError.invalid("\(path()): \"\(s)\" is not one of \(choices.joined(separator: ", "))")
            }
        case .array(let element):
            guard let elements = value.array else { throw mismatch(value, "an array", path()) }
            for (i, e) in elements.enumerated() { try element.validate(e, at: "\(path())[\(i)]") }
        case .object(let fields):
            guard let members = value.members else { throw mismatch(value, "an object", path()) }
            for m in members {
                guard let field = fields.first(where: { $0.name == m.key }) else {
                    let known = fields.map(\.name).joined(separator: ", ")
                    throw IHubError.invalid("\(path()).\(m.key): unknown field (known: \(known.isEmpty ? "none" : known))")
                }
                if m.value.isNull && !field.required { continue }
                try field.shape.validate(m.value, at: "\(path()).\(m.key)")
            }
            for field in fields where field.required && (value[field.name] ?? .null).isNull {
                throw IHubError.invalid("\(path()).\(field.name): missing (\(field.doc))")
            }
        }
    }

    private func mismatch(_ value: JSON, _ expected: String, _ path: String) -> IHubError {
        IHubError.invalid("\(path): expected \(expected), got \(value.kindName)")
    }

    static func isDate(_ s: String) -> Bool {
        var y = 0, m = 0, d = 0, i = 0
        for b in s.utf8 {
            if i == 4 || i == 7 {
                guard b == UInt8(ascii: "-") else { return false }
            } else {
                guard i < 10, b >= 0x30 && b <= 0x39 else { return false }
                let digit = Int(b - 0x30)
                if i < 4 { y = y * 10 + digit } else if i < 7 { m = m * 10 + digit } else { d = d * 10 + digit }
            }
            i += 1
        }
        guard i == 10, (1...12).contains(m), d >= 1 else { return false }
        let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
        switch m {
        case 2: return d <= (leap ? 29 : 28)
        case 4, 6, 9, 11: return d <= 30
        default: return d <= 31
        }
    }

    /// The shape as a JSON description, for api.describe.
    var described: JSON {
        switch self {
        case .oneOf(let choices): return ["type": "enum", "values": .array(choices.map { .string($0) })]
        case .array(let element): return ["type": "array", "items": element.described]
        case .object(let fields): return ["type": "object", "fields": .array(fields.map(\.described))]
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
