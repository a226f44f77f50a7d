/// Schools: the units a hub pairs and whose maturity it follows.
enum SchoolMethods {
    static let levels = ["primary", "lower_secondary", "upper_secondary", "vet", "other"]

    /// The fields a school has besides its hub and code (all updatable).
    static let attributes: [Field] = [
        .optional("level", .oneOf(levels), "school level"),
        .optional("size", .integer, "number of students"),
        .optional("municipality", .string, "municipality"),
        .optional("latitude", .number, "latitude in degrees (WGS 84)"),
        .optional("longitude", .number, "longitude in degrees (WGS 84)"),
        .optional("languages", .array(.string), "ISO 639-1 codes of the languages of instruction"),
    ]

    static let fields: [Field] = [
        .required("hub", .string, "code of the school's hub"),
        .required("code", .string, "stable external code, e.g. \"EE-0042\""),
        .required("name", .string, "the school's name"),
    ] + attributes

    static let all: [Method] = [
        Method("school.add", "Add a school to a hub.", writes: true, params: fields) { engine, p throws(IHubError) in
            var hubs: [String: Int64] = [:]
            let id = try insert(engine.db, p, at: "params", hubs: &hubs)
            return try get(engine.db, id: id)
        },
        Method("school.add_many", "Add many schools in one transaction: all of them or none.", writes: true,
               params: [.required("schools", .array(.object(fields)), "the schools to add")]) { engine, p throws(IHubError) in
            var hubs: [String: Int64] = [:]
            var ids: [JSON] = []
            for (i, school) in p["schools"]!.array!.enumerated() {
                ids.append(.int(try insert(engine.db, school, at: "params.schools[\(i)]", hubs: &hubs)))
            }
            return ["added": .int(Int64(ids.count)), "ids": .array(ids)]
        },
        Method("school.get", "One school, by id or code.", params: RecordKey.fields) { engine, p throws(IHubError) in
            try get(engine.db, id: RecordKey(p, entity: "school").resolve(engine.db, table: "schools", entity: "school"))
        },
        Method("school.list", "Schools, optionally of one hub or level, ordered by id.",
               params: [.optional("hub", .string, "only this hub's schools (hub code)"),
                        .optional("level", .oneOf(levels), "only schools of this level")] + Page.fields) { engine, p throws(IHubError) in
            let page = try Page(p)
            let s = try engine.db.statement(select + """
                 WHERE (?1 IS NULL OR h.code = ?1) AND (?2 IS NULL OR s.level = ?2)
                 ORDER BY s.id LIMIT ?3 OFFSET ?4
                """)
            try s.bind([SQLValue(p["hub"]?.string), SQLValue(p["level"]?.string), .int(page.limit), .int(page.offset)])
            var schools: [JSON] = []
            while try s.step() { schools.append(row(s)) }
            return .array(schools)
        },
        Method("school.update", "Change a school's name or attributes; fields left out stay as they are, null clears.",
               writes: true, params: RecordKey.fields + [.optional("name", .string, "the new name")] + attributes) { engine, p throws(IHubError) in
            let id = try RecordKey(p, entity: "school").resolve(engine.db, table: "schools", entity: "school")
            try validateCoordinates(p, at: "params")
            // Only the columns named in params change; their names come from
            // the declared fields, never from the caller's text.
            let columns = (["name"] + attributes.map(\.name)).filter { p[$0] != nil }
            if p["name"]?.isNull == true { throw IHubError.invalid("params.name: a school must keep a name") }
            for column in columns {
                let value: SQLValue = column == "languages"
                    ? .text((p[column]!.isNull ? JSON.array([]) : p[column]!).serialized())
                    : sqlValue(p[column]!)
                try engine.db.statement("UPDATE schools SET \(column) = ? WHERE id = ?").run([value, .int(id)])
            }
            return try get(engine.db, id: id)
        },
    ]

    /// Inserts one validated school record; errors name `path`. `hubs`
    /// caches hub ids by code across a batch.
    static func insert(_ db: Database, _ p: JSON, at path: @autoclosure () -> String, hubs: inout [String: Int64]) throws(IHubError) -> Int64 {
        let hubCode = p["hub"]!.string!
        let hubID: Int64
        if let cached = hubs[hubCode] {
            hubID = cached
        } else {
            hubID = try HubMethods.resolve(db, code: hubCode, at: "\(path()).hub")
            hubs[hubCode] = hubID
        }
        try validateCoordinates(p, at: path())
        if let size = p["size"]?.int, size < 0 { throw IHubError.invalid("\(path()).size: must be 0 or more") }
        let s = try db.statement("""
            INSERT INTO schools(hub_id, code, name, level, size, municipality, latitude, longitude, languages)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        do throws(IHubError) {
            try s.run([.int(hubID), .text(p["code"]!.string!), .text(p["name"]!.string!),
                       SQLValue(p["level"]?.string), SQLValue(p["size"]?.int), SQLValue(p["municipality"]?.string),
                       SQLValue(p["latitude"]?.double), SQLValue(p["longitude"]?.double),
                       .text((p["languages"] ?? .array([])).serialized())])
        } catch where error.status == .conflict {
            throw IHubError(.conflict, "\(path()).code: a school with code '\(p["code"]!.string!)' already exists")
        }
        return db.lastInsertRowID
    }

    private static func validateCoordinates(_ p: JSON, at path: @autoclosure () -> String) throws(IHubError) {
        if let lat = p["latitude"]?.double, !(-90...90).contains(lat) {
            throw IHubError.invalid("\(path()).latitude: must be between -90 and 90")
        }
        if let lon = p["longitude"]?.double, !(-180...180).contains(lon) {
            throw IHubError.invalid("\(path()).longitude: must be between -180 and 180")
        }
    }

    private static func sqlValue(_ v: JSON) -> SQLValue {
        switch v {
        case .int(let i): return .int(i)
        case .double(let d): return .double(d)
        case .string(let s): return .text(s)
        default: return .null
        }
    }

    private static let select = """
        SELECT s.id, s.code, h.code, s.name, s.level, s.size, s.municipality, s.latitude, s.longitude,
               s.languages, s.created_at
        FROM schools s JOIN hubs h ON h.id = s.hub_id
        """

    static func get(_ db: Database, id: Int64) throws(IHubError) -> JSON {
        let s = try db.statement(select + " WHERE s.id = ?")
        try s.bind([.int(id)])
        guard try s.step() else { throw IHubError.notFound("school #\(id) not found") }
        return row(s)
    }

    private static func row(_ s: Statement) -> JSON {
        [
            "id": s.json(0), "code": s.json(1), "hub": s.json(2), "name": s.json(3), "level": s.json(4),
            "size": s.json(5), "municipality": s.json(6), "latitude": s.json(7), "longitude": s.json(8),
            "languages": (try? JSONParser.parse(s.text(9) ?? "[]")) ?? .array([]), "created_at": s.json(10),
        ]
    }
}
