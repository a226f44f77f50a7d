/// A registry entity with a stable external code: hubs, schools, people,
/// rounds, stakeholders. One declaration gives its operations (add,
/// add_many, get, list, update), the upsert that CSV imports use, and the
/// flat records that exports write; RegistryStore says each in SQL once.
struct Entity: Sendable {
    /// How a column is stored.
    enum Storage: Sendable {
        case text, integer, real
        /// A list of strings, stored as a JSON array.
        case list
    }

    struct Column: Sendable {
        let field: Field
        /// The table's column that stores it.
        let column: String
        let storage: Storage
        /// Checks a present, well-typed value; returns the reason it is wrong.
        let check: (@Sendable (JSON) -> String?)?
        /// A value for the examples of add (and update), on the demo region.
        let example: JSON?

        init(_ field: Field, column: String? = nil, _ storage: Storage, check: (@Sendable (JSON) -> String?)? = nil,
             example: JSON? = nil) {
            self.field = field
            self.column = column ?? field.name
            self.storage = storage
            self.check = check
            self.example = example
        }

        /// As get and list return it: a list is always there (empty when
        /// none); an optional value may be null.
        var resultField: Field {
            Field(name: field.name, shape: field.shape, required: field.required || storage == .list, doc: field.doc)
        }
    }

    /// What an entity needs beyond its own columns (people: roles and
    /// memberships, which keep their history).
    struct Extension: Sendable {
        let fields: [Field]
        /// Writes the extension's fields of `record` for row `id`; a batch
        /// (add_many) takes a new record's rows, else `isNew` tells an
        /// insert from an update.
        let write: @Sendable (Database, Int64, JSON, Bool, RecordBatch?, inout Codes, () -> String) throws(IHubError) -> Void
        /// The extension's fields of row `id`, for reads and exports.
        let read: @Sendable (Database, Int64) throws(IHubError) -> [JSON.Member]
        /// What `read` returns, in the record's shape.
        let readFields: [Field]
        /// Values of `fields` for the example of add.
        let example: [JSON.Member]
        /// The failures its writes add to add, add_many and update.
        let errors: [Method.Failure]
    }

    let kind: RecordKind
    let plural: String      // "schools": the batch parameter and the CSV kind
    let summary: String
    /// Whether records belong to a hub (all but hubs themselves).
    let inHub: Bool
    let columns: [Column]
    var extensionFields: Extension? = nil
    /// Extra read-only values of get/list (e.g. a hub's number of schools).
    var computed: [Computed] = []

    /// A read-only value computed from the record and its hub.
    struct Computed: Sendable {
        /// Its name, shape and meaning in the record.
        let field: Field
        let value: RecordComputed
        var name: String { field.name }

        init(_ field: Field, _ value: RecordComputed) {
            self.field = field
            self.value = value
        }
    }
    /// Codes of the demo region (`ihub demo`) for the operations' examples.
    struct Examples: Sendable {
        /// The hub of the new record and of the list example.
        let hub: String?
        /// The code of a record the demo region has (get, update).
        let existing: String
        /// A code it has not: the new record of add.
        let new: String
        /// The change of the update example.
        let update: [JSON.Member]
    }
    let examples: Examples
    /// Filters of `list` besides `hub`: parameter → condition on the record.
    var filters: [(field: Field, filter: RecordFilter)] = []

    var name: String { kind.rawValue }      // "school"
    var table: String { kind.table }

    /// The fields of a record: hub, code, the columns, the extension.
    var fields: [Field] {
        (inHub ? [Field.required("hub", .string, "code of the \(name)'s hub")] : [])
            + [Field.required("code", .string, "stable external code of the \(name)")]
            + columns.map(\.field) + (extensionFields?.fields ?? [])
    }

    /// A record as add, get, list and update return it: id, code, hub,
    /// the columns, the computed values, the extension's.
    var recordShape: Shape {
        .object([Field.required("id", .integer, "the \(name)'s id")]
            + [Field.required("code", .string, "stable external code of the \(name)")]
            + (inHub ? [Field.required("hub", .string, "code of the \(name)'s hub")] : [])
            + columns.map(\.resultField) + computed.map(\.field) + (extensionFields?.readFields ?? []))
    }

    /// A new record with a value for every column that has an example.
    var exampleRecord: JSON {
        var members = [JSON.Member("code", .string(examples.new))]
        if inHub, let hub = examples.hub { members.insert(JSON.Member("hub", .string(hub)), at: 0) }
        for column in columns { if let example = column.example { members.append(JSON.Member(column.field.name, example)) } }
        return .object(members + (extensionFields?.example ?? []))
    }

    /// The failures of writing a record (add, add_many, update).
    private var writeErrors: [Method.Failure] {
        let checked = columns.filter { $0.check != nil }.map { "`\($0.field.name)`" }
        var errors: [Method.Failure] = []
        let required = ["`code`"] + columns.filter(\.field.required).map { "`\($0.field.name)`" }
        errors.append(.invalid("\(Entity.either(required)) is blank"
                               + (checked.isEmpty ? "" : "; \(Entity.either(checked)) is out of its range or form (the message says which)")))
        if columns.contains(where: { $0.field.name == "end" }) { errors.append(.constraint("`end` is before `start`")) }
        return errors + (extensionFields?.errors ?? [])
    }

    /// "`a`, `b` or `c`".
    private static func either(_ names: [String]) -> String {
        names.count < 2 ? names.joined() : names.dropLast().joined(separator: ", ") + " or " + names.last!
    }

    /// The fields an update may change (all but hub and code, none required).
    var updatableFields: [Field] {
        (columns.map(\.field) + (extensionFields?.fields ?? [])).map {
            Field(name: $0.name, shape: $0.shape, required: false, doc: $0.doc)
        }
    }

    // MARK: writing

    /// Ids by code, looked up once per batch: codes never change, and a
    /// batch of 100,000 people names the same hundred schools again and again.
    struct Codes {
        var hubs = LookupCache(.hub)
        /// School id and its hub's id, by school code.
        var schools: [String: (id: Int64, hub: Int64)] = [:]

        mutating func hub(_ db: Database, _ code: String, at path: @autoclosure () -> String) throws(IHubError) -> Int64 {
            try hubs.require(db, code: code, at: path())
        }

        mutating func school(_ db: Database, _ code: String, at path: @autoclosure () -> String) throws(IHubError) -> (id: Int64, hub: Int64) {
            if let school = schools[code] { return school }
            guard let school = try db.registry.school(code: code) else { throw RecordKind.school.notFound(code: code, at: path()) }
            schools[code] = school
            return school
        }
    }

    enum Outcome { case inserted, updated, unchanged }

    /// Inserts the record, or updates the row with its code: the upsert of
    /// imports. A record's hub cannot change. Errors name `path`.
    @discardableResult
    func upsert(_ db: Database, _ record: JSON, at path: @autoclosure () -> String,
                codes: inout Codes) throws(IHubError) -> (id: Int64, outcome: Outcome)
    {
        let code = record["code"]!.string!
        guard let existing = try db.recordID(kind, code: code) else {
            return (try insert(db, record, at: path(), codes: &codes), .inserted)
        }
        if inHub, let hub = record["hub"]?.string {
            let current = try db.registry.hubCode(table, id: existing)
            if current != hub { throw try usedCode(db, code, at: path(), status: .constraint) }
        }
        let before = try get(db, id: existing)
        try update(db, existing, record, at: path(), codes: &codes)
        return (existing, try get(db, id: existing) == before ? .unchanged : .updated)
    }

    /// Inserts one validated record; `codes` caches ids across a batch.
    func insert(_ db: Database, _ record: JSON, at path: @autoclosure () -> String,
                codes: inout Codes) throws(IHubError) -> Int64
    {
        let (names, values) = try row(db, record, at: path(), codes: &codes)
        // A code already taken inserts nothing (the transaction stays usable
        // on every engine) and is said with whose it is.
        guard let id = try db.registry.insertRecord(table, columns: names, values: values) else {
            throw try usedCode(db, record["code"]!.string!, at: path(), status: .conflict)
        }
        try extensionFields?.write(db, id, record, true, nil, &codes, path)
        return id
    }

    /// Inserts new records many at a time (add_many): their ids, in order.
    /// A code taken before or given twice fails the whole batch, naming the
    /// record that repeats it.
    func insertMany(_ db: Database, _ records: [JSON], at root: String) throws(IHubError) -> [Int64] {
        var codes = Codes()
        var first: [String: Int] = [:]  // the record of each code
        let entity = self
        let batch = try RecordBatch(db, table: table, count: records.count) { code throws(IHubError) in
            try entity.usedCode(db, code, at: "\(root)[\(first[code] ?? 0)]", status: .conflict)
        }
        var ids: [Int64] = []
        ids.reserveCapacity(records.count)
        for (i, record) in records.enumerated() {
            let (names, values) = try row(db, record, at: "\(root)[\(i)]", codes: &codes)
            let code = record["code"]!.string!
            if first[code] != nil {
                try batch.finish()  // the first is written: the message says whose the code is
                throw try usedCode(db, code, at: "\(root)[\(i)]", status: .conflict)
            }
            first[code] = i
            let id = batch.reserve()
            try batch.add(id: id, code: code, columns: names, values: values)
            try extensionFields?.write(db, id, record, true, batch, &codes, { "\(root)[\(i)]" })
            ids.append(id)
        }
        try batch.finish()
        return ids
    }

    /// A new record's checked columns and values (code, hub, its columns).
    private func row(_ db: Database, _ record: JSON, at path: @autoclosure () -> String,
                     codes: inout Codes) throws(IHubError) -> ([String], [SQLValue])
    {
        try checkColumns(record, at: path())
        try checkDates(db, nil, record, at: path())
        var names = ["code"], values: [SQLValue] = [.text(record["code"]!.string!)]
        if inHub {
            names.append("hub_id")
            values.append(.int(try codes.hub(db, record["hub"]!.string!, at: "\(path()).hub")))
        }
        for column in columns {
            guard let value = record[column.field.name], !value.isNull else { continue }
            names.append(column.column)
            values.append(column.sqlValue(value))
        }
        return (names, values)
    }

    /// Changes the columns present in `record` (null clears an optional one).
    func update(_ db: Database, _ id: Int64, _ record: JSON, at path: @autoclosure () -> String,
                codes: inout Codes) throws(IHubError) {
        try checkColumns(record, at: path())
        try checkDates(db, id, record, at: path())
        for column in columns {
            guard let value = record[column.field.name] else { continue }
            if value.isNull && column.field.required {
                throw IHubError.invalid("\(path()).\(column.field.name): a \(name) must keep its \(column.field.name)")
            }
            try db.registry.updateRecord(table, id: id, column: column.column,
                                         value: value.isNull ? column.emptyValue : column.sqlValue(value))
        }
        try extensionFields?.write(db, id, record, false, nil, &codes, path)
    }

    /// The one CHECK of the schema a validated record can still break, the
    /// order of its dates, checked first so it is said in the user's words:
    /// the record's dates, or the stored ones it leaves as they are (row `id`).
    private func checkDates(_ db: Database, _ id: Int64?, _ record: JSON, at path: @autoclosure () -> String) throws(IHubError) {
        guard columns.contains(where: { $0.field.name == "start" }), columns.contains(where: { $0.field.name == "end" }),
              record["start"] != nil || record["end"] != nil else { return }
        var start = record["start"], end = record["end"]
        if let id, start == nil || end == nil {
            let stored = try get(db, id: id)
            start = start ?? stored["start"]
            end = end ?? stored["end"]
        }
        if let start = start?.string, let end = end?.string, end < start {
            throw IHubError(.constraint, "\(path()).end: a \(name) cannot end before it starts")
        }
    }

    private func checkColumns(_ record: JSON, at path: @autoclosure () -> String) throws(IHubError) {
        if let code = record["code"]?.string, code.allSatisfy(\.isWhitespace) {
            throw IHubError.invalid("\(path()).code: must not be empty")
        }
        for column in columns where column.field.required {
            if let text = record[column.field.name]?.string, text.allSatisfy(\.isWhitespace) {
                throw IHubError.invalid("\(path()).\(column.field.name): must not be empty")
            }
        }
        for column in columns {
            guard let check = column.check, let value = record[column.field.name], !value.isNull else { continue }
            if let reason = check(value) { throw IHubError.invalid("\(path()).\(column.field.name): \(reason)") }
        }
    }

    /// A code already taken, said with whose it is: codes are unique in a
    /// database, across hubs.
    private func usedCode(_ db: Database, _ code: String, at path: String, status: Status) throws(IHubError) -> IHubError {
        let quoted = IHubError.quoted(code)
        guard let found = try db.registry.codeHolder(table, inHub: inHub, code: code) else {
            return IHubError(status, "\(path).code: a \(name) with code \(quoted) already exists")
        }
        let owner = found.hub.map { " of hub \(IHubError.quoted($0))" } ?? ""
        let holder = found.name.map { " \(IHubError.quoted($0))" } ?? ""
        return IHubError(status, "\(path).code: code \(quoted) is already used by \(name)\(holder)\(owner); codes are unique in a database")
    }

    // MARK: reading

    func get(_ db: Database, id: Int64) throws(IHubError) -> JSON {
        guard let row = try db.registry.record(self, id: id) else { throw kind.notFound(id: id, at: "id") }
        return try record(row, db)
    }

    /// Records ordered by id, filtered by hub code and the entity's filters.
    func list(_ db: Database, _ params: JSON) throws(IHubError) -> [JSON] {
        let page = try Page(params)
        var conditions: [(RecordFilter, SQLValue)] = []
        for filter in filters {
            guard let value = params[filter.field.name], !value.isNull else { continue }
            conditions.append((filter.filter, Column(filter.field, .text).sqlValue(value)))
        }
        let rows = try db.registry.records(self, hub: inHub ? params["hub"]?.string : nil, filters: conditions,
                                           limit: page.limit, offset: page.offset)
        var out: [JSON] = []
        out.reserveCapacity(rows.count)
        for row in rows { out.append(try record(row, db)) }
        return out
    }

    private func record(_ row: RegistryStore.RecordRow, _ db: Database) throws(IHubError) -> JSON {
        var members = [JSON.Member("id", .int(row.id)), JSON.Member("code", row.code)]
        // (RecordRow's hub of a hub is JSON's nil literal, .null: not a member.)
        if inHub, let hub = row.hub { members.append(JSON.Member("hub", hub)) }
        let names = columns.map(\.field.name) + computed.map(\.name)
        for (name, value) in zip(names, row.values) { members.append(JSON.Member(name, value)) }
        if let ext = extensionFields { members += try ext.read(db, row.id) }
        return .object(members)
    }

    // MARK: operations

    var methods: [Method] {
        let entity = self
        let listParams: [Field] = (inHub ? [.optional("hub", .string, "only this hub's \(plural) (hub code)")] : [])
            + filters.map(\.field) + Page.fields
        // Adds only insert new records: a code is taken by ON CONFLICT and
        // every reference is a foreign key, so writers adding side by side
        // need no more than read committed (serializable would abort them).
        let record = recordShape
        let key: JSON = ["code": .string(examples.existing)]
        let keyNotFound = Method.Failure.notFound("no \(name) has that id or code")
        let hubNotFound: [Method.Failure] = inHub ? [.notFound("no hub has the `hub` code")] : []
        let taken = Method.Failure.conflict("a \(name) has that code already (codes are unique in a database, across hubs)")
        var listExample: [JSON.Member] = []
        if inHub, let hub = examples.hub { listExample.append(JSON.Member("hub", .string(hub))) }
        listExample.append(JSON.Member("limit", 3))
        return [
            Method("\(name).add", "Add a \(name).", writes: true, isolation: .readCommitted, params: fields,
                   result: record, example: exampleRecord, errors: hubNotFound + [taken] + writeErrors) { engine, p throws(IHubError) in
                var codes = Codes()
                return try entity.get(engine.db, id: entity.insert(engine.db, p, at: "params", codes: &codes))
            },
            Method("\(name).add_many", "Add many \(plural) in one transaction: all of them or none.", writes: true,
                   isolation: .readCommitted, params: [.required(plural, .array(.object(fields)), "the \(plural) to add")],
                   result: .object([.required("added", .integer, "how many \(plural) were added"),
                                    .required("ids", .array(.integer), "their ids, in the order given")]),
                   example: .object([JSON.Member(plural, [exampleRecord])]),
                   errors: hubNotFound + [Method.Failure.conflict("a \(name) has one of the codes already, or two of the \(plural) give the same code (the message names the record)")]
                       + writeErrors) { engine, p throws(IHubError) in
                let ids = try entity.insertMany(engine.db, p[entity.plural]!.array!, at: "params.\(entity.plural)")
                return ["added": .int(Int64(ids.count)), "ids": .array(ids.map(JSON.int))]
            },
            Method("\(name).get", "One \(name), by id or code.", params: RecordKey.fields,
                   result: record, example: key, errors: [keyNotFound]) { engine, p throws(IHubError) in
                try entity.get(engine.db, id: RecordKey(p, entity: entity.name).resolve(engine.db, entity.kind))
            },
            Method("\(name).list", "\(plural.prefix(1).uppercased() + plural.dropFirst()), ordered by id.", params: listParams,
                   result: .array(record), example: .object(listExample)) { engine, p throws(IHubError) in
                .array(try entity.list(engine.db, p))
            },
            Method("\(name).update", "Change a \(name); fields left out stay as they are, null clears.", writes: true,
                   params: RecordKey.fields + updatableFields, result: record,
                   example: .object(key.members! + examples.update),
                   errors: [keyNotFound, .invalid("\(Entity.either(columns.filter(\.field.required).map { "`\($0.field.name)`" })), which a \(name) must keep, is set to null")]
                       + writeErrors) { engine, p throws(IHubError) in
                let id = try RecordKey(p, entity: entity.name).resolve(engine.db, entity.kind)
                var codes = Codes()
                try entity.update(engine.db, id, p, at: "params", codes: &codes)
                return try entity.get(engine.db, id: id)
            },
        ]
    }
}

extension Entity.Column {
    func sqlValue(_ value: JSON) -> SQLValue {
        switch (storage, value) {
        case (.list, _):
            if case .array(.language) = field.shape { return .text(Languages.normalized(list: value).serialized()) }
            return .text(value.serialized())
        case (.integer, _): return SQLValue(value.int)
        case (.real, _): return SQLValue(value.double)
        case (.text, .string(let s)): return .text(s)
        default: return .null
        }
    }

    /// What null stores: an empty list for lists, NULL otherwise.
    var emptyValue: SQLValue { storage == .list ? .text("[]") : .null }
}

/// Checks shared by several columns.
enum Checks {
    static func atLeast(_ minimum: Double) -> @Sendable (JSON) -> String? {
        { ($0.double ?? minimum) < minimum ? "must be \(minimum == 0 ? "0" : String(Int(minimum))) or more" : nil }
    }

    static func within(_ range: ClosedRange<Double>) -> @Sendable (JSON) -> String? {
        { range.contains($0.double ?? range.lowerBound) ? nil : "must be between \(Int(range.lowerBound)) and \(Int(range.upperBound))" }
    }
}
