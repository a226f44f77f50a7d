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
    /// Bookkeeping, not data.
    static let skipped: Set<String> = ["ihub_migrations"]

    struct Table {
        let name: String
        var columns: [String] = []
        /// Column → referenced table.
        var references: [String: String] = [:]
        /// Columns referring to a coded table: their code is exported too.
        var coded: Set<String> = []
        /// The primary key's columns, in key order.
        var primaryKey: [String] = []
        var hasCode = false
    }

    /// The document (nil when written to `output`) and the rows per table.
    static func run(_ db: Database, hub: String?, output: Output?) throws(IHubError) -> (document: JSON?, counts: JSON) {
        let hubID = try db.hubFilter(hub, at: "params.hub")
        let tables = try schema(db)
        let writer = SectionWriter(output)
        writer.member("format", "ihub-export")
        writer.member("schema", .int(Migrations.latest))
        writer.member("library", .string(IHubInfo.version))
        writer.member("hub", JSON(hub))
        var counts: [JSON.Member] = []
        for table in tables {
            let (sql, binds) = query(table, tables: tables, hubID: hubID)
            let s = try db.statement(sql)
            try s.bind(binds)
            writer.beginSection(table.name)
            var n: Int64 = 0
            while try s.step() {
                try writer.element(row(s, table))
                n += 1
            }
            writer.endSection()
            counts.append(.init(table.name, .int(n)))
        }
        writer.member("counts", .object(counts))
        let document = try writer.finish()
        return (output == nil ? document : JSON?.none, .object(counts))
    }

    /// The data tables with their columns and references.
    static func schema(_ db: Database) throws(IHubError) -> [Table] {
        var tables = try db.tables().filter { !skipped.contains($0.name) }.map { info in
            Table(name: info.name, columns: info.columns, references: info.references,
                  primaryKey: info.primaryKey, hasCode: info.columns.contains("code"))
        }
        tables.sort { (order.firstIndex(of: $0.name) ?? order.count, $0.name) < (order.firstIndex(of: $1.name) ?? order.count, $1.name) }
        let codedTables = Set(tables.filter(\.hasCode).map(\.name))
        for i in tables.indices {
            tables[i].coded = Set(tables[i].references.filter { codedTables.contains($0.value) }.keys)
        }
        return tables
    }

    /// SELECT of a table's rows, with the codes of what they refer to, and
    /// a hub condition when one is asked for.
    static func query(_ t: Table, tables: [Table], hubID: Int64?) -> (String, [SQLValue]) {
        var select: [String] = [], joins: [String] = []
        for (i, c) in t.columns.enumerated() {
            select.append("t.\"\(c)\"")
            if t.coded.contains(c), let target = t.references[c] {
                joins.append("LEFT JOIN \"\(target)\" j\(i) ON j\(i).id = t.\"\(c)\"")
                select.append("j\(i).code")
            }
        }
        var sql = "SELECT \(select.joined(separator: ", ")) FROM \"\(t.name)\" t \(joins.joined(separator: " "))"
        var binds: [SQLValue] = []
        if let hubID {
            if let condition = hubCondition(t, alias: "t", tables: tables, depth: 0) {
                sql += " WHERE \(condition)"
                binds = Array(repeating: .int(hubID), count: condition.count { $0 == "?" })
            } else {
                sql += " WHERE 1 = 0"   // nothing ties the table to a hub: not a hub's data
            }
        }
        // Stable order: by id, else by primary key (WITHOUT ROWID tables).
        let order = t.columns.contains("id") ? ["t.id"] : t.primaryKey.map { "t.\"\($0)\"" }
        return (sql + " ORDER BY " + order.joined(separator: ", "), binds)
    }

    /// How rows of `t` belong to one hub: its own hub_id (instruments also
    /// when shared by all hubs), or a reference to a table that belongs.
    static func hubCondition(_ t: Table, alias: String, tables: [Table], depth: Int) -> String? {
        if t.name == "hubs" { return "\(alias).id = ?" }
        if t.columns.contains("hub_id") {
            return t.name == "instruments" ? "(\(alias).hub_id = ? OR \(alias).hub_id IS NULL)" : "\(alias).hub_id = ?"
        }
        guard depth < 4 else { return nil }
        for column in t.columns {
            guard let target = t.references[column], target != t.name,
                  let next = tables.first(where: { $0.name == target }),
                  let inner = hubCondition(next, alias: "x\(depth)", tables: tables, depth: depth + 1)
            else { continue }
            return "\(alias).\"\(column)\" IN (SELECT x\(depth).id FROM \"\(target)\" x\(depth) WHERE \(inner))"
        }
        return nil
    }

    private static func row(_ s: Statement, _ t: Table) -> JSON {
        var members: [JSON.Member] = []
        members.reserveCapacity(t.columns.count + t.references.count)
        var i: Int32 = 0
        for c in t.columns {
            var value = s.json(i)
            if jsonColumns.contains(c), case .string(let text) = value, let parsed = try? JSONParser.parse(text) { value = parsed }
            members.append(.init(c, value))
            i += 1
            if t.coded.contains(c) {
                members.append(.init(String(c.dropLast(c.hasSuffix("_id") ? 3 : 0)), s.json(i)))
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
