/// Instruments: the built-in selfie and digcompedu, and those hubs declare
/// in Lua (rubrics, short self-tests).
enum InstrumentMethods {
    static let all: [Method] = [
        Method("instrument.list", "Instruments (built in and hub-defined), optionally those a hub may use or of one subject.",
               params: [.optional("hub", .string, "only instruments this hub may use (built-ins, shared ones and its own)"),
                        .optional("subject", .oneOf(["school", "teacher"]), "only instruments assessing this subject")]) { engine, p throws(IHubError) in
            var hubID: Int64?
            if let hub = p["hub"]?.string { hubID = try Entity.hubID(engine.db, code: hub, at: "params.hub") }
            let s = try engine.db.statement(select + """
                 WHERE (?1 IS NULL OR i.hub_id IS NULL OR i.hub_id = ?1) AND (?2 IS NULL OR i.subject = ?2) ORDER BY i.id
                """)
            try s.bind([SQLValue(hubID), SQLValue(p["subject"]?.string)])
            var rows: [(JSON, String)] = []
            while try s.step() { rows.append((row(s), s.text(5) ?? "{}")) }
            return .array(try rows.map { (row, text) throws(IHubError) in try summary(row, definitionText: text) })
        },
        Method("instrument.get", "One instrument with its definition (areas, items, scale, levels) and, if hub-defined, its Lua source.",
               params: [.required("code", .string, "the instrument's code, e.g. \"selfie\"")]) { engine, p throws(IHubError) in
            let code = p["code"]!.string!
            let s = try engine.db.statement(select + " WHERE i.code = ?")
            try s.bind([.text(code)])
            guard try s.step() else { throw IHubError.notFound("params.code: no instrument with code \(IHubError.quoted(code))") }
            return full(s)
        },
        Method("instrument.define", """
            Declare (or redeclare) a hub-defined instrument in Lua: the source returns { code, name, subject, scale = {min, max, labels}, \
            levels?, groups?, areas = { {code, name, items = { {code, text}, ... }}, ... }, score = function(answers, areas) ... end? }. \
            It runs in the methodology context (sandboxed, budgeted). The score function returns a number or nil per \
            response, between the lowest and the highest mean or sum of the answers on the scale (e.g. 0..9 for nine \
            0..1 items); anything else is a script error naming the response.
            """,
               writes: true,
               params: [.required("source", .longText, "the Lua declaration"),
                        .optional("hub", .string, "the hub that owns it (default: shared by every hub)")]) { engine, p throws(IHubError) in
            try define(engine, source: p["source"]!.string!, hub: p["hub"]?.string)
        },
    ]

    private static let select = """
        SELECT i.id, i.code, i.name, i.subject, h.code, i.definition, i.source, i.source_hash, i.created_at
        FROM instruments i LEFT JOIN hubs h ON h.id = i.hub_id
        """

    private static func row(_ s: Statement) -> JSON {
        let code = s.text(1) ?? ""
        return ["code": .string(code), "name": s.json(2), "subject": s.json(3), "hub": s.json(4),
                "builtin": .bool(BuiltinInstruments.codes.contains(code) && s.isNull(6)), "source_hash": s.json(7),
                "created_at": s.json(8)]
    }

    private static func summary(_ row: JSON, definitionText: String) throws(IHubError) -> JSON {
        guard case .object(var members) = row else { return row }
        let instrument = try Instrument(definition: (try? JSONParser.parse(definitionText)) ?? .null, at: "instrument \(row["code"]?.string ?? "")")
        members.insert(JSON.Member("areas", .int(Int64(instrument.areas.count))), at: 4)
        members.insert(JSON.Member("items", .int(Int64(instrument.itemCount))), at: 5)
        members.insert(JSON.Member("levels", .array(instrument.levels.map { .string($0.code) })), at: 6)
        members.insert(JSON.Member("score_function", .bool(instrument.scoreFunction)), at: 7)
        return .object(members)
    }

    private static func full(_ s: Statement) -> JSON {
        guard case .object(var members) = row(s) else { return .null }
        members.insert(JSON.Member("definition", (try? JSONParser.parse(s.text(5) ?? "")) ?? .null), at: 5)
        members.insert(JSON.Member("source", s.json(6)), at: 6)
        return .object(members)
    }

    static func define(_ engine: Engine, source: String, hub: String?) throws(IHubError) -> JSON {
        let db = engine.db
        let hubID = try hub.map { (code: String) throws(IHubError) in try Entity.hubID(db, code: code, at: "params.hub") }
        let (data, scoreFunction) = try InstrumentScript.declare(engine, source: source)
        var definition = data
        if scoreFunction, case .object(var members) = data {
            members.append(JSON.Member("score_function", true))
            definition = .object(members)
        } else if data["score_function"] != nil {
            throw IHubError.invalid("instrument.score_function: set by the engine; declare a score function instead")
        }
        let instrument = try Instrument(definition: definition, hubID: hubID, source: source)
        if BuiltinInstruments.codes.contains(instrument.code) {
            throw IHubError(.conflict, "instrument.code: \(IHubError.quoted(instrument.code)) is a built-in instrument; choose another code")
        }

        let existing = try db.statement("SELECT id, hub_id, subject FROM instruments WHERE code = ?")
        try existing.bind([.text(instrument.code)])
        if try existing.step() {
            let id = existing.int(0), owner: Int64? = existing.isNull(1) ? nil : existing.int(1), subject = existing.text(2)
            guard owner == hubID else {
                throw IHubError(.conflict, "instrument.code: \(IHubError.quoted(instrument.code)) is declared by another hub (or shared); choose another code")
            }
            try checkRedeclaration(db, id: id, instrument, oldSubject: subject ?? "")
            try db.statement("""
                UPDATE instruments SET name = ?, subject = ?, definition = ?, source = ?, source_hash = ? WHERE id = ?
                """).run([.text(instrument.name), .text(instrument.subject.rawValue), .text(instrument.definition.serialized()),
                          .text(source), .text(FNV1a.hex(source)), .int(id)])
        } else {
            try db.statement("""
                INSERT INTO instruments(code, name, subject, definition, source, source_hash, hub_id) VALUES (?, ?, ?, ?, ?, ?, ?)
                """).run([.text(instrument.code), .text(instrument.name), .text(instrument.subject.rawValue),
                          .text(instrument.definition.serialized()), .text(source), .text(FNV1a.hex(source)), SQLValue(hubID)])
        }
        let s = try db.statement(select + " WHERE i.code = ?")
        try s.bind([.text(instrument.code)])
        _ = try s.step()
        return full(s)
    }

    /// A redeclaration must keep what stored answers and reports refer to.
    private static func checkRedeclaration(_ db: Database, id: Int64, _ instrument: Instrument, oldSubject: String) throws(IHubError) {
        let used = try db.statement("SELECT count(*) FROM responses WHERE instrument_id = ?")
        try used.bind([.int(id)])
        let responses = try used.step() ? used.int(0) : 0
        if responses > 0 && oldSubject != instrument.subject.rawValue {
            throw IHubError(.conflict, "instrument.subject: \(IHubError.quoted(instrument.code)) has \(responses) stored responses about a \(oldSubject); keep the subject")
        }
        let items = try db.statement("SELECT DISTINCT a.item FROM answers a JOIN responses r ON r.id = a.response_id WHERE r.instrument_id = ?")
        try items.bind([.int(id)])
        while try items.step() {
            let item = items.text(0) ?? ""
            if instrument.itemIndex[item] == nil {
                throw IHubError(.conflict, "instrument.areas: item \(IHubError.quoted(item)) has stored answers; keep it in the declaration")
            }
        }
        let areas = try db.statement("SELECT DISTINCT area FROM area_results WHERE instrument_id = ?")
        try areas.bind([.int(id)])
        while try areas.step() {
            let area = areas.text(0) ?? ""
            if instrument.areaIndex[area] == nil {
                throw IHubError(.conflict, "instrument.areas: area \(IHubError.quoted(area)) has stored reports; keep it in the declaration")
            }
        }
    }
}

/// Registers the built-in instruments when a database is opened: inserted
/// when missing, brought up to date when this version of ihub changed them.
enum InstrumentStore {
    static func installBuiltins(_ db: Database) throws(IHubError) {
        defer { db.finishStatements() }
        var stale: [JSON] = []
        for definition in BuiltinInstruments.all {
            let text = definition.serialized()
            let stored = try db.scalarText("SELECT definition FROM instruments WHERE code = ? AND source IS NULL",
                                           [.text(definition["code"]!.string!)])
            if stored != text { stale.append(definition) }
        }
        guard !stale.isEmpty else { return }
        try db.transaction { () throws(IHubError) in
            for definition in stale {
                let instrument = try Instrument(definition: definition, at: "builtin")
                try db.statement("""
                    INSERT INTO instruments(code, name, subject, definition, created_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT(code) DO UPDATE SET name = excluded.name, subject = excluded.subject, definition = excluded.definition
                    """).run([.text(instrument.code), .text(instrument.name), .text(instrument.subject.rawValue),
                              .text(definition.serialized()), .text(Timestamp.now())])
            }
        }
    }
}
