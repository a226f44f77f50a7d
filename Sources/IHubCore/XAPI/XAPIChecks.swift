/// The one door to the xAPI validator for imports: the MUST-rule
/// problems of one statement (SHOULD-rule warnings do not reject).
enum XAPIChecks {
    static let options = XAPIValidator.Options(warnings: false)

    static func problems(_ statement: JSON) -> [XAPIProblem] {
        XAPIValidator.validate(statement, options: options).filter { $0.severity == .error }
    }
}
