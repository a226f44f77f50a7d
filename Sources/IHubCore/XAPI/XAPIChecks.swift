/// The one door to the xAPI validator for imports: the MUST-rule
/// problems of one statement (SHOULD-rule warnings do not reject).
enum XAPIChecks {
    struct Found {
        let path: String
        let message: String
    }

    static func problems(_ statement: JSON) -> [Found] {
        // Until the validator lands: the properties every statement needs.
        guard case .object = statement else { return [Found(path: "", message: "expected a statement object")] }
        var out: [Found] = []
        for key in ["actor", "verb", "object"] where statement[key] == nil {
            out.append(Found(path: key, message: "missing (required)"))
        }
        return out
    }
}
