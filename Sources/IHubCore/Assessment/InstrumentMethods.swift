/// Instruments: the built-in selfie and digcompedu, and those hubs declare
/// in Lua (rubrics, short self-tests).
enum InstrumentMethods {
    /// The fields `members` writes.
    private static let common: [Field] = [
        .required("code", .string, "the instrument's code, e.g. \"selfie\""),
        .required("name", .string, "its name"),
        .required("subject", .oneOf(["school", "teacher"]), "what it assesses"),
        .optional("hub", .string, "code of the hub that declared it (null: built in or shared)"),
        .required("builtin", .boolean, "built into ihub"),
        .optional("source_hash", .string, "FNV-1a hash of its Lua declaration (null: built in)"),
        .required("created_at", .timestamp, "when it was first stored"),
    ]

    /// An instrument as instrument.list gives it (`summary`).
    static let summaryShape: Shape = .object(common + [
        .required("areas", .integer, "how many areas it has"),
        .required("items", .integer, "how many items it has"),
        .required("levels", .array(.string), "codes of its levels, lowest first (none: no levels)"),
        .required("score_function", .boolean, "its overall score comes from a Lua score function"),
    ])

    /// An instrument with its definition (`full`): instrument.get and define.
    static let fullShape: Shape = .object(common + [
        .required("definition", Instrument.definitionShape, "areas, items, scale, levels and groups"),
        .optional("source", .longText, "its Lua declaration (null: built in)"),
    ])

    /// A short instrument a hub could declare, for the example of define.
    static let exampleSource = """
        return {
          code = "ee-ai-selftest", name = "AI in teaching: a short self-test", subject = "teacher",
          scale = {min = 0, max = 1, labels = {"no", "yes"}},
          areas = {
            {code = "use", name = "Using AI tools", items = {
              {code = "use1", text = "I have used an AI tool to prepare a lesson."},
              {code = "use2", text = "I can tell my students when an AI tool's answer is wrong."}}},
            {code = "ethics", name = "Ethics and privacy", items = {
              {code = "eth1", text = "I know which student data must not go into an AI tool."}}},
          },
        }
        """

    static let all: [Method] = [
        Method("instrument.list", "Instruments (built in and hub-defined), optionally those a hub may use or of one subject.",
               params: [.optional("hub", .string, "only instruments this hub may use (built-ins, shared ones and its own)"),
                        .optional("subject", .oneOf(["school", "teacher"]), "only instruments assessing this subject")],
               result: .array(summaryShape), example: ["hub": "EE-ACC"],
               errors: [.notFound("no hub has the `hub` code")]) { engine, p throws(IHubError) in
            var hubID: Int64?
            if let hub = p["hub"]?.string { hubID = try engine.db.requireID(.hub, code: hub, at: "params.hub") }
            let rows = try engine.db.assessment.instrumentListings(hubID: hubID, subject: p["subject"]?.string)
            return .array(try rows.map { (row: InstrumentListing) throws(IHubError) in try summary(row) })
        },
        Method("instrument.get", "One instrument with its definition (areas, items, scale, levels) and, if hub-defined, its Lua source.",
               params: [.required("code", .string, "the instrument's code, e.g. \"selfie\"")],
               result: fullShape, example: ["code": "digcompedu"],
               errors: [.notFound("no instrument has that code")]) { engine, p throws(IHubError) in
            let code = p["code"]!.string!
            guard let row = try engine.db.assessment.instrumentListing(code: code) else {
                throw RecordKind.instrument.notFound(code: code, at: "params.code")
            }
            return full(row)
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
                        .optional("hub", .string, "the hub that owns it (default: shared by every hub)")],
               result: fullShape, example: ["hub": "EE-ACC", "source": .string(exampleSource)],
               errors: [.notFound("no hub has the `hub` code"),
                        .script("the declaration does not compile, fails, or returns no table"),
                        .limit("the declaration runs out of its time or memory budget"),
                        .invalid("the declaration does not fit an instrument's shape (the message names the path, e.g. instrument.areas[2].items[0].code)"),
                        .conflict("the code is a built-in instrument's or another hub's; or a redeclaration drops an item or area that has stored answers or reports, or changes the subject of stored responses")]) { engine, p throws(IHubError) in
            try define(engine, source: p["source"]!.string!, hub: p["hub"]?.string)
        },
    ]

    /// code, name, subject, hub, builtin, source_hash, created_at; the
    /// summary and the full document insert their members among them.
    private static func members(_ row: InstrumentListing) -> [JSON.Member] {
        [.init("code", .string(row.code)), .init("name", .string(row.name)), .init("subject", .string(row.subject)),
         .init("hub", JSON(row.hubCode)), .init("builtin", .bool(BuiltinInstruments.codes.contains(row.code) && row.source == nil)),
         .init("source_hash", JSON(row.sourceHash)), .init("created_at", .string(row.createdAt))]
    }

    private static func summary(_ row: InstrumentListing) throws(IHubError) -> JSON {
        var members = members(row)
        let instrument = try Instrument(definition: row.definition, at: "instrument \(row.code)")
        members.insert(JSON.Member("areas", .int(Int64(instrument.areas.count))), at: 4)
        members.insert(JSON.Member("items", .int(Int64(instrument.itemCount))), at: 5)
        members.insert(JSON.Member("levels", .array(instrument.levels.map { .string($0.code) })), at: 6)
        members.insert(JSON.Member("score_function", .bool(instrument.scoreFunction)), at: 7)
        return .object(members)
    }

    private static func full(_ row: InstrumentListing) -> JSON {
        var members = members(row)
        members.insert(JSON.Member("definition", row.definition), at: 5)
        members.insert(JSON.Member("source", JSON(row.source)), at: 6)
        return .object(members)
    }

    static func define(_ engine: Engine, source: String, hub: String?) throws(IHubError) -> JSON {
        let db = engine.db
        let hubID = try hub.map { (code: String) throws(IHubError) in try db.requireID(.hub, code: code, at: "params.hub") }
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

        let store = db.assessment
        if let existing = try store.instrumentOwner(code: instrument.code) {
            guard existing.hubID == hubID else {
                throw IHubError(.conflict, "instrument.code: \(IHubError.quoted(instrument.code)) is declared by another hub (or shared); choose another code")
            }
            try checkRedeclaration(db, id: existing.id, instrument, oldSubject: existing.subject)
            try store.updateInstrument(id: existing.id, name: instrument.name, subject: instrument.subject.rawValue,
                                       definition: instrument.definition.serialized(), source: source, sourceHash: FNV1a.hex(source))
        } else {
            try store.insertInstrument(code: instrument.code, name: instrument.name, subject: instrument.subject.rawValue,
                                       definition: instrument.definition.serialized(), source: source, sourceHash: FNV1a.hex(source),
                                       hubID: hubID)
        }
        guard let row = try store.instrumentListing(code: instrument.code) else {
            throw IHubError(.error, "instrument.code: \(IHubError.quoted(instrument.code)) was stored but cannot be read back")
        }
        return full(row)
    }

    /// A redeclaration must keep what stored answers and reports refer to.
    private static func checkRedeclaration(_ db: Database, id: Int64, _ instrument: Instrument, oldSubject: String) throws(IHubError) {
        let responses = try db.assessment.responseCount(instrumentID: id)
        if responses > 0 && oldSubject != instrument.subject.rawValue {
            throw IHubError(.conflict, "instrument.subject: \(IHubError.quoted(instrument.code)) has \(responses) stored responses about a \(oldSubject); keep the subject")
        }
        for item in try db.assessment.answeredItems(instrumentID: id) {
            if instrument.itemIndex[item] == nil {
                throw IHubError(.conflict, "instrument.areas: item \(IHubError.quoted(item)) has stored answers; keep it in the declaration")
            }
        }
        for area in try db.assessment.reportedAreas(instrumentID: id) {
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
            let stored = try db.assessment.builtinDefinition(code: definition["code"]!.string!)
            if stored != text { stale.append(definition) }
        }
        guard !stale.isEmpty else { return }
        try db.transaction { () throws(IHubError) in
            for definition in stale {
                let instrument = try Instrument(definition: definition, at: "builtin")
                try db.assessment.upsertBuiltin(code: instrument.code, name: instrument.name, subject: instrument.subject.rawValue,
                                                definition: definition.serialized())
            }
        }
    }
}
