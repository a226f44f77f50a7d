/// Hubs: one Regional Innovation Hub each, in one country.
enum HubMethods {
    static let fields: [Field] = [
        .required("code", .string, "stable external code, e.g. \"EE-TLN\""),
        .required("name", .string, "the hub's name"),
        .required("country", .string, "ISO 3166-1 alpha-2 country code, e.g. \"EE\""),
        .optional("region", .string, "the region it serves"),
        .optional("languages", .array(.string), "ISO 639-1 codes of its working languages"),
    ]

    static let all: [Method] = [
        Method("hub.add", "Add a hub.", writes: true, params: fields) { engine, p throws(IHubError) in
            try validateCountry(p["country"]!.string!)
            let insert = try engine.db.statement(
                "INSERT INTO hubs(code, name, country, region, languages) VALUES (?, ?, ?, ?, ?)")
            do throws(IHubError) {
                try insert.run([.text(p["code"]!.string!), .text(p["name"]!.string!), .text(p["country"]!.string!),
                                SQLValue(p["region"]?.string), .text((p["languages"] ?? .array([])).serialized())])
            } catch where error.status == .conflict {
                throw IHubError(.conflict, "params.code: a hub with code '\(p["code"]!.string!)' already exists")
            }
            return try get(engine.db, id: engine.db.lastInsertRowID)
        },
        Method("hub.get", "One hub, by id or code.", params: RecordKey.fields) { engine, p throws(IHubError) in
            let id = try RecordKey(p, entity: "hub").resolve(engine.db, table: "hubs", entity: "hub")
            return try get(engine.db, id: id)
        },
        Method("hub.list", "All hubs, with their numbers of schools and people.", params: Page.fields) { engine, p throws(IHubError) in
            let page = try Page(p)
            let s = try engine.db.statement(select + " ORDER BY h.id LIMIT ? OFFSET ?")
            try s.bind([.int(page.limit), .int(page.offset)])
            var hubs: [JSON] = []
            while try s.step() { hubs.append(row(s)) }
            return .array(hubs)
        },
    ]

    static func validateCountry(_ country: String) throws(IHubError) {
        let ok = country.utf8.count == 2 && country.utf8.allSatisfy { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }
        if !ok { throw IHubError.invalid("params.country: expected an ISO 3166-1 alpha-2 code such as \"EE\", got \"\(country)\"") }
    }

    private static let select = """
        SELECT h.id, h.code, h.name, h.country, h.region, h.languages, h.created_at,
               (SELECT count(*) FROM schools WHERE hub_id = h.id),
               (SELECT count(*) FROM people WHERE hub_id = h.id)
        FROM hubs h
        """

    static func get(_ db: Database, id: Int64) throws(IHubError) -> JSON {
        let s = try db.statement(select + " WHERE h.id = ?")
        try s.bind([.int(id)])
        guard try s.step() else { throw IHubError.notFound("hub #\(id) not found") }
        return row(s)
    }

    private static func row(_ s: Statement) -> JSON {
        [
            "id": s.json(0), "code": s.json(1), "name": s.json(2), "country": s.json(3), "region": s.json(4),
            "languages": (try? JSONParser.parse(s.text(5) ?? "[]")) ?? .array([]),
            "created_at": s.json(6), "schools": s.json(7), "people": s.json(8),
        ]
    }

    /// The id of the hub with this code; the error names the field.
    static func resolve(_ db: Database, code: String, at path: @autoclosure () -> String) throws(IHubError) -> Int64 {
        guard let id = try db.scalarInt("SELECT id FROM hubs WHERE code = ?", [.text(code)]) else {
            throw IHubError.notFound("\(path()): no hub with code '\(code)'")
        }
        return id
    }
}
