/// A JSON document as the engine sees it: the one currency of the method
/// table. Objects keep their members in order, so output is stable and reads
/// the way it was written. Integers stay exact (`int`) beside `double`.
package enum JSON: Equatable, Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSON])
    case object([Member])

    package struct Member: Equatable, Sendable {
        package var key: String
        package var value: JSON
        package init(_ key: String, _ value: JSON) {
            self.key = key
            self.value = value
        }
    }

    /// The member `key` of an object (the first, if repeated); nil otherwise.
    package subscript(key: String) -> JSON? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    package var string: String? { if case .string(let s) = self { return s } else { return nil } }
    package var bool: Bool? { if case .bool(let b) = self { return b } else { return nil } }
    package var array: [JSON]? { if case .array(let a) = self { return a } else { return nil } }
    package var members: [Member]? { if case .object(let m) = self { return m } else { return nil } }
    package var isNull: Bool { self == .null }

    /// An integer, also from a double with an integral value in the Int64
    /// range: JSON writes 3, 3.0 and 3e0 for one number, and Lua and
    /// JavaScript callers do not always tell them apart (1e18 is a float
    /// in Lua). The parser keeps integers past 2^53 exact (see JSONParser).
    package var int: Int64? {
        switch self {
        case .int(let i): return i
        case .double(let d) where d.rounded() == d && d >= -0x1p63 && d < 0x1p63: return Int64(d)
        default: return nil
        }
    }

    package var double: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }

    /// What a message calls this value's type: "a string", "an array"...
    package var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int: return "an integer"
        case .double: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

extension JSON: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByFloatLiteral, ExpressibleByNilLiteral
{
    package init(stringLiteral value: String) { self = .string(value) }
    package init(integerLiteral value: Int64) { self = .int(value) }
    package init(booleanLiteral value: Bool) { self = .bool(value) }
    package init(floatLiteral value: Double) { self = .double(value) }
    package init(nilLiteral: ()) { self = .null }
    package init(arrayLiteral elements: JSON...) { self = .array(elements) }
    package init(dictionaryLiteral elements: (String, JSON)...) {
        self = .object(elements.map { Member($0.0, $0.1) })
    }
}

extension JSON {
    /// Optional values become null, so records can be written field by field.
    package init(_ value: String?) { self = value.map { .string($0) } ?? .null }
    package init(_ value: Int64?) { self = value.map { .int($0) } ?? .null }
    package init(_ value: Double?) { self = value.map { .double($0) } ?? .null }
}
