/// An offline validator of xAPI 1.0.3 statements (the specification's
/// xAPI-Data.md, Part Two): pure functions over `JSON`, no database.
/// MUST rules give errors, SHOULD rules warnings; each problem names its
/// property by a dotted path with `[k]` for array items.
///
///     let problems = XAPIValidator.validate(statement)
///     let ok = !problems.contains { $0.severity == .error }
///
/// Batches (NDJSON or a JSON array, streamed): see XAPIBatch.swift.
enum XAPIValidator {
    struct Options: Sendable {
        /// Report SHOULD rules as warnings (false: errors only, a little faster).
        var warnings = true
        init(warnings: Bool = true) { self.warnings = warnings }
    }

    /// Every problem of one statement, errors and warnings, in document order.
    static func validate(_ statement: JSON, options: Options = Options()) -> [XAPIProblem] {
        var checker = XAPIChecker(warnings: options.warnings)
        checker.statement(statement, sub: false)
        return checker.problems
    }

    /// Whether a statement has no error (warnings allowed).
    static func isValid(_ statement: JSON) -> Bool {
        var checker = XAPIChecker(warnings: false)
        checker.statement(statement, sub: false)
        return checker.problems.isEmpty
    }
}

/// The walk over one statement: the path to the value being checked, kept
/// as steps and spelled out only when a problem is reported, and the
/// problems found so far.
struct XAPIChecker {
    /// A property the validator names (a literal: no reference count to
    /// keep on the way down), a key from the document, or an array item.
    enum Step {
        case name(StaticString)
        case key(String)
        case index(Int)
    }

    var steps: [Step] = []
    var problems: [XAPIProblem] = []
    let warnings: Bool

    init(warnings: Bool) {
        self.warnings = warnings
        steps.reserveCapacity(12)
    }

    var path: String {
        var text = ""
        for step in steps {
            switch step {
            case .name(let n):
                if !text.isEmpty { text += "." }
                text += n.withUTF8Buffer { String(decoding: $0, as: UTF8.self) }
            case .key(let k):
                if !text.isEmpty { text += "." }
                text += IHubError.excerpt(k)
            case .index(let i):
                text += "[\(i)]"
            }
        }
        return text
    }

    mutating func error(_ message: String) { problems.append(XAPIProblem(.error, path, message)) }

    mutating func warning(_ message: @autoclosure () -> String) {
        if warnings { problems.append(XAPIProblem(.warning, path, message())) }
    }

    /// Runs `body` with the property `name` pushed on the path.
    @inline(__always)
    mutating func at(_ name: StaticString, _ body: (inout XAPIChecker) -> Void) {
        steps.append(.name(name))
        body(&self)
        steps.removeLast()
    }

    /// Runs `body` with a key of the document pushed on the path.
    @inline(__always)
    mutating func at(key: String, _ body: (inout XAPIChecker) -> Void) {
        steps.append(.key(key))
        body(&self)
        steps.removeLast()
    }

    @inline(__always)
    mutating func at(_ index: Int, _ body: (inout XAPIChecker) -> Void) {
        steps.append(.index(index))
        body(&self)
        steps.removeLast()
    }

    /// An error at `key` under the current path.
    mutating func error(at key: String, _ message: String) { at(key: key) { $0.error(message) } }

    /// The members of an object; otherwise an error naming what was expected.
    mutating func object(_ value: JSON, _ what: String) -> [JSON.Member]? {
        if case .object(let members) = value { return members }
        error("expected \(what) (an object), got \(value.kindName)")
        return nil
    }

    /// A string; otherwise an error.
    mutating func string(_ value: JSON, _ what: String = "a string") -> String? {
        if case .string(let s) = value { return s }
        error("expected \(what), got \(value.kindName)")
        return nil
    }

    mutating func boolean(_ value: JSON) {
        if case .bool = value { return }
        error("expected a boolean, got \(value.kindName)")
    }

    /// Null is refused everywhere outside extensions.
    @inline(__always)
    mutating func notNull(_ m: JSON.Member) -> Bool {
        if case .null = m.value {
            error(at: m.key, "must not be null")
            return false
        }
        return true
    }

    mutating func unknown(_ key: String, allowed: String) {
        error(at: key, "unknown property (allowed: \(allowed))")
    }
}
