extension Database {
    /// JSON text the store wrote (a list column, a definition, reasons),
    /// parsed. Text that does not parse is damage, not absence: IHUB_CORRUPT
    /// naming where it was ("people.subjects"). NULL reads as `ifNull`, and
    /// is damage too where the column always holds JSON (no `ifNull`).
    func storedJSON(_ text: String?, at column: @autoclosure () -> String, ifNull: JSON? = nil) throws(IHubError) -> JSON {
        guard let text else {
            if let ifNull { return ifNull }
            throw IHubError(.corrupt, "\(column()): NULL where JSON is stored")
        }
        do throws(JSONParser.Failure) {
            return try JSONParser.parse(text)
        } catch {
            throw IHubError(.corrupt, "\(column()): the stored JSON does not parse (\(error.message))")
        }
    }

    /// A stored JSON list of strings (other elements are skipped).
    func storedStrings(_ text: String?, at column: @autoclosure () -> String) throws(IHubError) -> [String] {
        guard let list = try storedJSON(text, at: column(), ifNull: .array([])).array else {
            throw IHubError(.corrupt, "\(column()): not a JSON list")
        }
        return list.compactMap(\.string)
    }
}
