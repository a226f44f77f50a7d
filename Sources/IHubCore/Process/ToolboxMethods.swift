/// The methods toolbox in the method table: the built-in methods and each
/// hub's own, with level, typical duration and the steps they suit.
enum ToolboxMethods {
    /// A method as `json` writes it.
    static let method: Shape = .object([
        .required("code", .string, "the method's code"),
        .required("name", .string, "its name"),
        .required("description", .longText, "what the method is and how it runs"),
        .required("level", .oneOf(BuiltinToolbox.levels), "intra_school, inter_school or whole_school"),
        .optional("typical_minutes", .integer, "its typical duration in minutes"),
        .required("steps", .array(.string), "codes of the process steps it suits"),
        .optional("hub", .string, "code of the hub whose own method it is (null: built in)"),
        .required("builtin", .boolean, "built into ihub (not a hub's own)"),
    ])

    static let all: [Method] = [
        Method("toolbox.list", "The methods of the toolbox: the built-in ones, then (with hub) the hub's own, each by code.",
               params: [.optional("hub", .string, "code of the hub whose own methods are listed too"),
                        .optional("step", .string, "only methods that suit this step code"),
                        .optional("level", .oneOf(BuiltinToolbox.levels), "only methods of this level")],
               result: .array(method), example: ["hub": "LT-CTA", "step": "mapping_needs"],
               errors: [.notFound("no hub has that code")]) { engine, p throws(IHubError) in
            let hubID = try p["hub"]?.string.map { code throws(IHubError) in try engine.db.requireID(.hub, code: code, at: "params.hub") }
            let step = p["step"]?.string, level = p["level"]?.string
            return .array(try engine.db.toolbox.methods(hubID: hubID)
                .filter { (step == nil || $0.steps.contains(step!)) && (level == nil || $0.level == level) }.map(json))
        },
        Method("toolbox.get", "One method of the toolbox by code: the hub's own if it has one of that code, else the built-in one.",
               params: [.required("code", .string, "the method's code, e.g. \"needs_mapping\""),
                        .optional("hub", .string, "code of the hub whose own methods are looked at first")],
               result: method, example: ["code": "needs_mapping"],
               errors: [.notFound("no toolbox method (the hub's own or built in) has that code, or no hub has the `hub` code")]) { engine, p throws(IHubError) in
            let hubID = try p["hub"]?.string.map { code throws(IHubError) in try engine.db.requireID(.hub, code: code, at: "params.hub") }
            return json(try find(engine.db, code: p["code"]!.string!, hubID: hubID, at: "params.code"))
        },
        Method("toolbox.add", """
            Add a hub's own method to the toolbox. Its code may not be a built-in method's; the steps it suits must be \
            steps of the hub's process model (the default, or its "process" script).
            """,
               writes: true,
               params: [.required("hub", .string, "code of the hub"),
                        .required("code", .string, "the method's code: a-z, 0-9 and _, starting with a letter, at most 64"),
                        .required("name", .string, "the method's name"),
                        .required("description", .longText, "what the method is and how it runs"),
                        .required("level", .oneOf(BuiltinToolbox.levels), "intra_school, inter_school or whole_school"),
                        .optional("typical_minutes", .integer, "its typical duration in minutes"),
                        .optional("steps", .array(.string), "the step codes it suits")],
               result: method,
               example: ["hub": "LT-CTA", "code": "school_visits", "name": "Visits to advanced schools",
                         "description": "Teachers and leaders spend a day at a school further on, sit in lessons and talk with its development team.",
                         "level": "inter_school", "typical_minutes": 360, "steps": ["new_perspectives"]],
               errors: [.notFound("no hub has that code"),
                        .invalid("the code is not a method code; typical_minutes is not from 1 to 1000000; a step is not a step of the hub's model"),
                        .conflict("the code is a built-in method's, or the hub has a method of that code already"),
                        .script("the hub's process script fails (read for the steps)")]) { engine, p throws(IHubError) in
            let hub = p["hub"]!.string!
            let hubID = try engine.db.requireID(.hub, code: hub, at: "params.hub")
            let code = p["code"]!.string!
            guard isCode(code) else {
                throw IHubError.invalid("params.code: \(IHubError.quoted(code)) is not a method code (a-z, 0-9 and _, starting with a letter, at most 64)")
            }
            if try engine.db.toolbox.isBuiltin(code: code) {
                throw IHubError(.conflict, "params.code: \(IHubError.quoted(code)) is a built-in method; give the hub's own method another code")
            }
            if try engine.db.toolbox.hubMethodID(hubID: hubID, code: code) != nil {
                throw IHubError(.conflict, "params.code: hub \(IHubError.quoted(hub)) has a method \(IHubError.quoted(code)) already (toolbox.update changes it)")
            }
            let fields = ToolboxMethodFields(name: p["name"]!.string!, description: p["description"]!.string!, level: p["level"]!.string!,
                                             typicalMinutes: try minutes(p), steps: try steps(engine, hubID: hubID, hub: hub, p))
            _ = try engine.db.toolbox.add(hubID: hubID, code: code, fields)
            return json(try find(engine.db, code: code, hubID: hubID, at: "params.code"))
        },
        Method("toolbox.update", "Change a hub's own method (built-in methods are not changed); fields left out keep their value, typical_minutes null clears it.",
               writes: true,
               params: [.required("hub", .string, "code of the hub"),
                        .required("code", .string, "the method's code"),
                        .optional("name", .string, "a new name"),
                        .optional("description", .longText, "a new description"),
                        .optional("level", .oneOf(BuiltinToolbox.levels), "a new level"),
                        .optional("typical_minutes", .integer, "a new typical duration in minutes (null: none)"),
                        .optional("steps", .array(.string), "the step codes it suits (replaces the list)")],
               result: method,
               example: ["hub": "LT-CTA", "code": "lesson_study", "typical_minutes": 240],
               errors: [.notFound("no hub has that code, or no toolbox method has that code"),
                        .conflict("the code is a built-in method's, which hubs do not change"),
                        .invalid("typical_minutes is not from 1 to 1000000; a step is not a step of the hub's model"),
                        .script("the hub's process script fails (read for the steps)")]) { engine, p throws(IHubError) in
            let hub = p["hub"]!.string!
            let hubID = try engine.db.requireID(.hub, code: hub, at: "params.hub")
            let code = p["code"]!.string!
            let row = try find(engine.db, code: code, hubID: hubID, at: "params.code")
            guard row.hub != nil else {
                throw IHubError(.conflict, "params.code: \(IHubError.quoted(code)) is a built-in method, which hubs do not change; add one of the hub's own (toolbox.add)")
            }
            var f = ToolboxMethodFields(name: row.name, description: row.description, level: row.level,
                                        typicalMinutes: row.typicalMinutes, steps: row.steps)
            if let v = p["name"]?.string { f.name = v }
            if let v = p["description"]?.string { f.description = v }
            if let v = p["level"]?.string { f.level = v }
            if p["typical_minutes"] != nil { f.typicalMinutes = try minutes(p) }
            if p["steps"]?.array != nil { f.steps = try steps(engine, hubID: hubID, hub: hub, p) }
            try engine.db.toolbox.update(id: row.id, f)
            return json(try find(engine.db, code: code, hubID: hubID, at: "params.code"))
        },
    ]

    /// The method `code` (the hub's own first); not found names `path`.
    static func find(_ db: Database, code: String, hubID: Int64?, at path: String) throws(IHubError) -> ToolboxMethodRow {
        guard let row = try db.toolbox.method(code: code, hubID: hubID) else {
            throw IHubError.notFound("\(path): no toolbox method with code \(IHubError.quoted(code)) (toolbox.list lists them)")
        }
        return row
    }

    static func json(_ m: ToolboxMethodRow) -> JSON {
        ["code": .string(m.code), "name": .string(m.name), "description": .string(m.description), "level": .string(m.level),
         "typical_minutes": JSON(m.typicalMinutes), "steps": .array(m.steps.map(JSON.string)), "hub": JSON(m.hub),
         "builtin": .bool(m.hub == nil)]
    }

    static func isCode(_ code: String) -> Bool {
        let b = Array(code.utf8)
        return !b.isEmpty && b.count <= 64 && b[0] >= 0x61 && b[0] <= 0x7A
            && b.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F }
    }

    private static func minutes(_ p: JSON) throws(IHubError) -> Int64? {
        guard let m = p["typical_minutes"]?.int else { return nil }
        guard m > 0 && m <= 1_000_000 else { throw IHubError.invalid("params.typical_minutes: must be from 1 to 1000000, got \(m)") }
        return m
    }

    /// The steps given, each a step of the hub's effective model, without repeats.
    private static func steps(_ engine: Engine, hubID: Int64, hub: String, _ p: JSON) throws(IHubError) -> [String] {
        let given = (p["steps"]?.array ?? []).compactMap(\.string)
        guard !given.isEmpty else { return [] }
        let model = try ProcessScript(engine: engine, hubID: hubID, hubCode: hub)
        let known = try model.steps()
        var out: [String] = []
        for (i, code) in given.enumerated() {
            guard known.contains(where: { $0.code == code }) else { throw model.unknownStep(code, known, at: "params.steps[\(i)]") }
            if !out.contains(code) { out.append(code) }
        }
        return out
    }
}
