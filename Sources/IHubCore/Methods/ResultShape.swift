#if canImport(Glibc)
import Glibc
#endif

/// A method's result is declared with the same `Shape` as its parameters
/// (api.describe's "result", the reference manual, the bindings' types).
/// `conform` holds a result to its declaration: every field named, of its
/// type; an optional field may be absent or null. The test suites run with
/// IHUB_CHECK_RESULTS=1, so every result they produce is checked and a
/// declaration cannot drift from the code.
extension Shape {
    func conform(_ value: JSON, at path: @autoclosure () -> String) throws(IHubError) {
        func wrong(_ expected: String) -> IHubError {
            IHubError(.error, "\(path()): expected \(expected), got \(value.kindName)")
        }
        switch self {
        case .any:
            return
        case .string, .text, .language:
            guard value.string != nil else { throw wrong("a string") }
        case .integer:
            guard value.int != nil else { throw wrong("an integer") }
        case .number:
            guard value.double != nil else { throw wrong("a number") }
        case .boolean:
            guard value.bool != nil else { throw wrong("a boolean") }
        case .date:
            guard let s = value.string, Shape.isDate(s) else { throw wrong("a date") }
        case .timestamp:
            guard let s = value.string, Shape.isTimestamp(s) else { throw wrong("a timestamp") }
        case .oneOf(let choices):
            guard let s = value.string else { throw wrong("a string") }
            guard choices.contains(s) else {
                throw IHubError(.error, "\(path()): \(IHubError.quoted(s, "\"")) is not one of \(choices.joined(separator: ", "))")
            }
        case .array(let element):
            guard let elements = value.array else { throw wrong("an array") }
            for (i, e) in elements.enumerated() { try element.conform(e, at: "\(path())[\(i)]") }
        case .map(let element):
            guard let members = value.members else { throw wrong("an object") }
            for m in members { try element.conform(m.value, at: "\(path()).\(IHubError.excerpt(m.key))") }
        case .object(let fields):
            guard let members = value.members else { throw wrong("an object") }
            for m in members {
                guard let field = fields.first(where: { $0.name == m.key }) else {
                    throw IHubError(.error, "\(path()).\(IHubError.excerpt(m.key)): not declared in the result's shape")
                }
                if m.value.isNull {
                    if field.required { throw IHubError(.error, "\(path()).\(m.key): null, but declared required") }
                    continue
                }
                try field.shape.conform(m.value, at: "\(path()).\(m.key)")
            }
            for field in fields where field.required && value[field.name] == nil {
                throw IHubError(.error, "\(path()).\(field.name): missing, but declared required")
            }
        }
    }
}

enum ResultCheck {
    /// IHUB_CHECK_RESULTS=1 in the environment: Engine.call checks every
    /// result against its method's declared shape (read once).
    static let enabled: Bool = getenv("IHUB_CHECK_RESULTS").map { String(cString: $0) == "1" } ?? false
}
