/// export.json: everything a hub holds, as one JSON document, read from the
/// tables as they exist in this database: a table added by a later
/// migration appears without a change here. Each table is a section of
/// rows; a reference to a coded record (hub, school, person, round,
/// instrument, stakeholder) also gives that record's code beside its id, and
/// the rows of one hub are found by following references to a table with
/// a hub_id. Roles and memberships are their own sections, with their whole
/// history.
enum JSONExport {
    /// Sections in the order a reader meets the records they refer to;
    /// other tables follow in name order.
    static let order = ["hubs", "schools", "people", "person_roles", "memberships", "team_members", "stakeholders",
                        "engagements", "rounds", "instruments", "responses", "answers", "area_results", "hub_scripts",
                        "classifications"]
    /// Columns that hold JSON text: exported as JSON, not as strings.
    static let jsonColumns: Set<String> = ["languages", "subjects", "definition", "reasons"]
    /// Bookkeeping, not data; and the database's secrets (the pseudonym key), which never leave it.
    static let skipped: Set<String> = ["ihub_migrations", "ihub_secrets"]

    /// The document (nil when written to `output`) and the rows per table.
    /// `pseudonyms`: people by pseudonym, without names, e-mails or free text (Pseudonyms.jsonRecord).
    static func run(_ db: Database, hub: String?, output: Output?, pseudonyms: Pseudonyms? = nil) throws(IHubError) -> (document: JSON?, counts: JSON) {
        let hubID = try db.hubFilter(hub, at: "params.hub")
        let tables = try schema(db)
        let codes = pseudonyms == nil ? [] : Set(try db.privacy.personCodes(hubID: hubID))
        let writer = SectionWriter(output)
        writer.member("format", "ihub-export")
        writer.member("schema", .int(Migrations.latest))
        writer.member("library", .string(IHubInfo.version))
        writer.member("hub", JSON(hub))
        if pseudonyms != nil { writer.member("pseudonymous", true) }
        var counts: [JSON.Member] = []
        for table in tables {
            writer.beginSection(table.name)
            var n: Int64 = 0
            let personColumns = Set(table.coded.filter { table.references[$0] == "people" }.map { String($0.dropLast($0.hasSuffix("_id") ? 3 : 0)) })
            try db.exchange.eachRow(of: table, tables: tables, hubID: hubID) { values throws(IHubError) in
                var record = try row(db, values, table)
                if let pseudonyms, let members = record.members {
                    record = .object(pseudonyms.jsonRecord(table: table.name, members, personColumns: personColumns, codes: codes))
                }
                try writer.element(record)
                n += 1
            }
            writer.endSection()
            counts.append(.init(table.name, .int(n)))
        }
        writer.member("counts", .object(counts))
        let document = try writer.finish()
        return (output == nil ? document : JSON?.none, .object(counts))
    }

    /// The data tables in section order, each reference to a coded table marked.
    static func schema(_ db: Database) throws(IHubError) -> [ExchangeStore.Table] {
        var tables = try db.tables().filter { !skipped.contains($0.name) }.map { info in
            ExchangeStore.Table(name: info.name, columns: info.columns, references: info.references, primaryKey: info.primaryKey)
        }
        tables.sort { (order.firstIndex(of: $0.name) ?? order.count, $0.name) < (order.firstIndex(of: $1.name) ?? order.count, $1.name) }
        let codedTables = Set(tables.filter(\.hasCode).map(\.name))
        for i in tables.indices {
            tables[i].coded = Set(tables[i].references.filter { codedTables.contains($0.value) }.keys)
        }
        return tables
    }

    /// A row's values as a record: JSON columns parsed, each coded
    /// reference followed by its record's code.
    private static func row(_ db: Database, _ values: [JSON], _ t: ExchangeStore.Table) throws(IHubError) -> JSON {
        var members: [JSON.Member] = []
        members.reserveCapacity(values.count)
        var i = 0
        for c in t.columns {
            var value = values[i]
            if jsonColumns.contains(c), case .string(let text) = value { value = try db.storedJSON(text, at: "\(t.name).\(c)") }
            members.append(.init(c, value))
            i += 1
            if t.coded.contains(c) {
                members.append(.init(String(c.dropLast(c.hasSuffix("_id") ? 3 : 0)), values[i]))
                i += 1
            }
        }
        return .object(members)
    }
}

/// Builds the document in memory, or writes it out section by section when
/// it goes to a file (a million answers need not be held at once).
final class SectionWriter {
    private let output: Output?
    private var members: [JSON.Member] = []
    private var elements: [JSON] = []
    private var first = true
    private var firstElement = true

    init(_ output: Output?) {
        self.output = output
        output?.append(UInt8(ascii: "{"))
    }

    func member(_ key: String, _ value: JSON) {
        guard let output else { return members.append(.init(key, value)) }
        writeKey(key, output)
        var bytes: [UInt8] = []
        value.write(to: &bytes, indent: nil)
        output.append(contentsOf: bytes)
    }

    func beginSection(_ name: String) {
        sectionName = name
        elements = []
        firstElement = true
        guard let output else { return }
        writeKey(name, output)
        output.append(UInt8(ascii: "["))
    }

    func element(_ value: JSON) throws(IHubError) {
        guard let output else { return elements.append(value) }
        if !firstElement { output.append(UInt8(ascii: ",")) }
        firstElement = false
        output.append(0x0A)
        var bytes: [UInt8] = []
        value.write(to: &bytes, indent: nil)
        output.append(contentsOf: bytes)
        try output.flushIfLarge()
    }

    func endSection() {
        guard let output else { return members.append(.init(sectionName, .array(elements))) }
        output.append(UInt8(ascii: "]"))
    }

    private var sectionName: String = ""

    private func writeKey(_ name: String, _ output: Output) {
        if !first { output.append(UInt8(ascii: ",")) }
        first = false
        output.append(0x0A)
        var bytes: [UInt8] = []
        JSON.writeString(name, to: &bytes)
        output.append(contentsOf: bytes)
        output.append(UInt8(ascii: ":"))
    }

    /// The document (in memory), or a summary of the written file.
    func finish() throws(IHubError) -> JSON {
        guard let output else { return .object(members) }
        output.append(contentsOf: "\n}\n".utf8)
        _ = try output.finish()
        return .object(members)
    }
}
