/// One kind of CSV file that ihub reads and writes: its columns (the
/// fields' names, in file order), how its rows are imported, and how they
/// are exported in the same columns — so that export → import → export
/// gives the same file.
struct ExchangeKind: Sendable {
    let name: String
    let summary: String
    let columns: [Field]
    /// Starts an import; the importer then takes the rows one by one.
    let importer: @Sendable (Database, CSVColumns, CSVImport.Options) throws(IHubError) -> RowImporter
    /// Writes the rows of one hub (or of all) in `columns` order.
    let export: @Sendable (Database, String?, inout CSVWriter) throws(IHubError) -> Void
    /// Files may hold only some columns: rows update what they give.
    var partial = false
    /// Columns beyond `columns` are the importer's to judge (item codes).
    var open = false
    /// The header of an export, when it depends on the data (open kinds).
    var exportHeader: (@Sendable (Database, String?) throws(IHubError) -> [String])? = nil

    /// Every kind, in the order a whole region is loaded.
    static let all: [ExchangeKind] = Registry.entities.map(ExchangeKind.init(entity:))
        + [TeamExchange.teamMembers, TeamExchange.engagements, ResponseExchange.responses, WideResponses.kind,
           ResponseExchange.areaResults]

    static let names = all.map(\.name)

    static func named(_ name: String, at path: String) throws(IHubError) -> ExchangeKind {
        guard let kind = all.first(where: { $0.name == name }) else {
            throw IHubError.invalid("\(path): unknown kind \(IHubError.quoted(name)) (known: \(names.joined(separator: ", ")))")
        }
        return kind
    }

    /// The header line of the kind.
    var header: [String] { columns.map(\.name) }
}

/// The kinds' names, for the CLI's help.
package enum ExchangeKinds {
    package static var names: [String] { ExchangeKind.names }
}

extension Database {
    /// The id of a hub code given as a filter; nil for no filter.
    func hubFilter(_ code: String?, at path: String) throws(IHubError) -> Int64? {
        guard let code else { return nil }
        return try requireID(.hub, code: code, at: path)
    }
}
