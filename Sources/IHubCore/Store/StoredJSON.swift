extension Database {
    /// JSON text the store wrote (a list column, a definition, reasons),
    /// parsed. Text that does not parse is damage, not absence: IHUB_CORRUPT
    /// naming where it was ("people.subjects"). NULL reads as `ifNull`.
    func storedJSON(_ text: String?, at column: String, ifNull: JSON = .null) throws(IHubError) -> JSON {
        guard let text else { return ifNull }
        do throws(JSONParser.Failure) {
            return try JSONParser.parse(text)
        } catch {
            throw IHubError(.corrupt, "\(column): the stored JSON does not parse (\(error.message))")
        }
    }
}
