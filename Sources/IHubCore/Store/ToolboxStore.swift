/// The methods toolbox's queries: built-in methods (hub_id NULL) and each
/// hub's own. Domain code (Process/Toolbox*.swift) holds no SQL.
struct ToolboxStore {
    let db: Database
}

extension Database {
    var toolbox: ToolboxStore { ToolboxStore(db: self) }
}

/// A method of the toolbox.
struct ToolboxMethodRow: Equatable {
    let id: Int64
    let hub: String?             // nil: built in
    let code: String
    let name: String
    let description: String
    let level: String
    let typicalMinutes: Int64?
    let steps: [String]
}

/// A method's fields as they are written.
struct ToolboxMethodFields: Equatable {
    var name: String
    var description: String
    var level: String
    var typicalMinutes: Int64?
    var steps: [String]

    var stepsText: String { JSON.array(steps.map(JSON.string)).serialized() }
}

extension ToolboxStore {
    private static let select = """
        SELECT m.id, h.code, m.code, m.name, m.description, m.level, m.typical_minutes, m.steps
        FROM toolbox_methods m LEFT JOIN hubs h ON h.id = m.hub_id
        """

    private func row(_ s: any Statement) throws(IHubError) -> ToolboxMethodRow {
        ToolboxMethodRow(id: s.int(0), hub: s.isNull(1) ? nil : s.text(1), code: s.text(2) ?? "", name: s.text(3) ?? "",
                         description: s.text(4) ?? "", level: s.text(5) ?? "", typicalMinutes: s.isNull(6) ? nil : s.int(6),
                         steps: try db.storedStrings(s.text(7), at: "toolbox_methods.steps"))
    }

    /// The built-in methods, by code.
    func builtins() throws(IHubError) -> [ToolboxMethodRow] {
        try db.statement(ToolboxStore.select + " WHERE m.hub_id IS NULL ORDER BY m.code, m.id").rows([], row)
    }

    /// The built-in methods, then (with `hubID`) the hub's own, each by code.
    func methods(hubID: Int64?) throws(IHubError) -> [ToolboxMethodRow] {
        try db.statement(ToolboxStore.select + """
             WHERE m.hub_id IS NULL OR m.hub_id = ?
            ORDER BY CASE WHEN m.hub_id IS NULL THEN 0 ELSE 1 END, m.code, m.id
            """).rows([SQLValue(hubID)], row)
    }

    /// The method `code`: the hub's own if it has one of that code, else
    /// the built-in one; nil when neither exists.
    func method(code: String, hubID: Int64?) throws(IHubError) -> ToolboxMethodRow? {
        try db.statement(ToolboxStore.select + """
             WHERE m.code = ? AND (m.hub_id IS NULL OR m.hub_id = ?)
            ORDER BY CASE WHEN m.hub_id IS NULL THEN 1 ELSE 0 END, m.id
            """).rows([.text(code), SQLValue(hubID)], row).first
    }

    /// Whether a built-in method has this code.
    func isBuiltin(code: String) throws(IHubError) -> Bool {
        try db.scalarInt("SELECT 1 FROM toolbox_methods WHERE hub_id IS NULL AND code = ?", [.text(code)]) != nil
    }

    /// The row id of the hub's own method `code`, or nil.
    func hubMethodID(hubID: Int64, code: String) throws(IHubError) -> Int64? {
        try db.scalarInt("SELECT id FROM toolbox_methods WHERE hub_id = ? AND code = ?", [.int(hubID), .text(code)])
    }

    /// Adds a method (`hubID` nil: a built-in one); its row id.
    func add(hubID: Int64?, code: String, _ f: ToolboxMethodFields) throws(IHubError) -> Int64 {
        let s = try db.statement("""
            INSERT INTO toolbox_methods(hub_id, code, name, description, level, typical_minutes, steps, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
            """)
        try s.bind([SQLValue(hubID), .text(code), .text(f.name), .text(f.description), .text(f.level), SQLValue(f.typicalMinutes),
                    .text(f.stepsText), .text(Timestamp.now())])
        guard try s.step() else { throw IHubError(.error, "toolbox_methods: the insert returned no id") }
        defer { s.reset() }
        return s.int(0)
    }

    /// Replaces the fields of method `id`.
    func update(id: Int64, _ f: ToolboxMethodFields) throws(IHubError) {
        try db.statement("""
            UPDATE toolbox_methods SET name = ?, description = ?, level = ?, typical_minutes = ?, steps = ? WHERE id = ?
            """).run([.text(f.name), .text(f.description), .text(f.level), SQLValue(f.typicalMinutes), .text(f.stepsText), .int(id)])
    }
}
