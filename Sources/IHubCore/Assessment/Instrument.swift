/// Who answers a school instrument. The database checks the same three.
enum RespondentGroup: String, CaseIterable, Sendable {
    case leaders, teachers, students

    var bit: UInt8 {
        switch self {
        case .leaders: return 1
        case .teachers: return 2
        case .students: return 4
        }
    }

    static let names = allCases.map(\.rawValue)

    /// The groups of a bit set, in catalogue order.
    static func of(_ mask: UInt8) -> [RespondentGroup] { allCases.filter { mask & $0.bit != 0 } }
}

/// One answer: a score on the scale, or one of the two non-answers, which
/// are kept apart and never count as scores.
enum Answer: Equatable, Sendable {
    case score(Double)
    case notApplicable      // "na"
    case preferNotToSay     // "pnts"

    var json: JSON {
        switch self {
        case .score(let s): return .double(s)
        case .notApplicable: return "na"
        case .preferNotToSay: return "pnts"
        }
    }
}

/// An instrument as the engine uses it: areas of items on one answer scale,
/// optionally with levels (cut-offs from scores to named levels). Built from
/// its `definition` JSON, which is also what instrument.get returns.
struct Instrument {
    enum Subject: String { case school, teacher }

    struct Scale {
        let min: Int
        let max: Int
        let labels: [String]
        var text: String { "\(min)..\(max)" }
    }

    /// A named level reached from `min` upwards (the data cut-off).
    struct Level {
        let code: String
        let name: String
        let statement: String?
        let min: Double
    }

    struct Item {
        let code: String
        let text: String
        let groups: UInt8
    }

    struct Area {
        let code: String
        let name: String
        let groups: UInt8
        let items: [Item]
    }

    let id: Int64
    let code: String
    let name: String
    let subject: Subject
    let hubID: Int64?
    let scale: Scale
    let groups: UInt8
    let levels: [Level]
    let areas: [Area]
    /// Item code → (area index, item index).
    let itemIndex: [String: (area: Int, item: Int)]
    let areaIndex: [String: Int]
    /// The Lua declaration of a hub-defined instrument (nil for built-ins).
    let source: String?
    /// The declaration has a `score` function for the overall score.
    let scoreFunction: Bool
    let definition: JSON

    var itemCount: Int { areas.reduce(0) { $0 + $1.items.count } }

    /// The level a score reaches: the last one whose cut-off it meets.
    func level(of score: Double) -> Level? {
        var found: Level?
        for level in levels where score >= level.min { found = level }
        return found
    }

    func levelIndex(code: String) -> Int? { levels.firstIndex { $0.code == code } }

    /// "A1, A2, … H4" or the first few of them: for messages.
    var itemList: String {
        let codes = areas.flatMap { $0.items.map(\.code) }
        return codes.count <= 12 ? codes.joined(separator: ", ")
            : codes.prefix(6).joined(separator: ", ") + ", …, " + codes.suffix(2).joined(separator: ", ")
    }
}

// MARK: reading and checking a definition

extension Instrument {
    /// The declared shape of a definition: structure errors name the path.
    static let definitionShape: Shape = .object([
        .required("code", .string, "stable code, e.g. \"ee-selftest\""),
        .required("name", .string, "the instrument's name"),
        .required("subject", .oneOf(["school", "teacher"]), "what is assessed: a school or a teacher"),
        .required("scale", .object([
            .required("min", .integer, "the lowest score"),
            .required("max", .integer, "the highest score"),
            .optional("labels", .array(.string), "one label per score, lowest first"),
        ]), "the answer scale (whole numbers min..max)"),
        .optional("groups", .array(.oneOf(RespondentGroup.names)), "respondent groups (default: leaders, teachers, students for schools; teachers for teachers)"),
        .optional("levels", .array(.object([
            .required("code", .string, "the level's code, e.g. \"B1\""),
            .required("name", .string, "the level's name"),
            .optional("statement", .string, "the statement tied to the level"),
            .required("min", .number, "the lowest score that reaches this level (the cut-off)"),
        ])), "named levels with their cut-offs, lowest first"),
        .required("areas", .array(.object([
            .required("code", .string, "the area's code"),
            .required("name", .string, "the area's name"),
            .optional("groups", .array(.oneOf(RespondentGroup.names)), "groups asked this area's items (default: the instrument's)"),
            .required("items", .array(.object([
                .required("code", .string, "the item's code, unique in the instrument"),
                .required("text", .string, "the statement"),
                .optional("groups", .array(.oneOf(RespondentGroup.names)), "groups asked this item (default: the area's)"),
            ])), "the area's items"),
        ])), "the areas with their items"),
        .optional("score_function", .boolean, "set by the engine: the Lua declaration has a score function"),
    ])

    /// Reads and checks a definition; errors name the path under `at`, e.g.
    /// "instrument.areas[2].items[0].code: expected a string".
    init(definition raw: JSON, id: Int64 = 0, hubID: Int64? = nil, source: String? = nil,
         at root: String = "instrument") throws(IHubError)
    {
        let d = Instrument.emptyTablesAsArrays(raw)
        try Instrument.definitionShape.validate(d, at: root)
        func fail(_ path: String, _ message: String) -> IHubError { IHubError.invalid("\(root)\(path): \(message)") }
        let code = d["code"]!.string!, name = d["name"]!.string!
        guard !code.isEmpty else { throw fail(".code", "must not be empty") }
        guard !name.isEmpty else { throw fail(".name", "must not be empty") }
        let subject = Subject(rawValue: d["subject"]!.string!)!

        let s = d["scale"]!
        let min = s["min"]!.int!, max = s["max"]!.int!
        guard min < max else { throw fail(".scale.max", "must be above min (\(min))") }
        guard min >= -1000 && max <= 1000 else { throw fail(".scale", "min and max must lie within -1000..1000") }
        let labels = s["labels"]?.array?.compactMap(\.string) ?? []
        if !labels.isEmpty && labels.count != Int(max - min + 1) {
            throw fail(".scale.labels", "\(labels.count) labels for \(max - min + 1) scores (\(min)..\(max))")
        }

        let allGroups: UInt8 = subject == .school ? 7 : RespondentGroup.teachers.bit
        let groups = try Instrument.mask(d["groups"], default: allGroups, within: 7, root + ".groups")

        var levels: [Level] = []
        for (i, l) in (d["levels"]?.array ?? []).enumerated() {
            let level = Level(code: l["code"]!.string!, name: l["name"]!.string!, statement: l["statement"]?.string,
                              min: l["min"]!.double!)
            if let previous = levels.last, level.min <= previous.min {
                throw fail(".levels[\(i)].min", "cut-offs must rise: \(level.min) is not above \(previous.min) of \(previous.code)")
            }
            if levels.contains(where: { $0.code == level.code }) { throw fail(".levels[\(i)].code", "\(IHubError.quoted(level.code)) is used twice") }
            levels.append(level)
        }

        var areas: [Area] = []
        var itemIndex: [String: (area: Int, item: Int)] = [:]
        var areaIndex: [String: Int] = [:]
        for (a, area) in d["areas"]!.array!.enumerated() {
            let at = ".areas[\(a)]"
            let areaCode = area["code"]!.string!
            guard !areaCode.isEmpty else { throw fail(at + ".code", "must not be empty") }
            guard areaCode != "overall" else { throw fail(at + ".code", "'overall' is reserved for the overall score") }
            guard areaIndex[areaCode] == nil else { throw fail(at + ".code", "area \(IHubError.quoted(areaCode)) is declared twice") }
            let areaGroups = try Instrument.mask(area["groups"], default: groups, within: groups, root + at + ".groups")
            var items: [Item] = []
            let declared = area["items"]!.array!
            guard !declared.isEmpty else { throw fail(at + ".items", "an area needs at least one item") }
            for (i, item) in declared.enumerated() {
                let itemCode = item["code"]!.string!
                guard !itemCode.isEmpty else { throw fail(at + ".items[\(i)].code", "must not be empty") }
                guard itemIndex[itemCode] == nil else {
                    throw fail(at + ".items[\(i)].code", "item \(IHubError.quoted(itemCode)) is declared twice (item codes are unique in an instrument)")
                }
                let itemGroups = try Instrument.mask(item["groups"], default: areaGroups, within: areaGroups,
                                                     root + at + ".items[\(i)].groups")
                itemIndex[itemCode] = (a, i)
                items.append(Item(code: itemCode, text: item["text"]!.string!, groups: itemGroups))
            }
            areaIndex[areaCode] = a
            areas.append(Area(code: areaCode, name: area["name"]!.string!, groups: areaGroups, items: items))
        }
        guard !areas.isEmpty else { throw fail(".areas", "an instrument needs at least one area") }

        self.id = id
        self.code = code
        self.name = name
        self.subject = subject
        self.hubID = hubID
        self.scale = Scale(min: Int(min), max: Int(max), labels: labels)
        self.groups = groups
        self.levels = levels
        self.areas = areas
        self.itemIndex = itemIndex
        self.areaIndex = areaIndex
        self.source = source
        self.scoreFunction = d["score_function"]?.bool ?? false
        self.definition = d
    }

    /// A group list as a bit set, which must lie within `within`.
    private static func mask(_ value: JSON?, default fallback: UInt8, within: UInt8, _ path: String) throws(IHubError) -> UInt8 {
        guard let list = value?.array else { return fallback }
        guard !list.isEmpty else { throw IHubError.invalid("\(path): name at least one group") }
        var mask: UInt8 = 0
        for (i, g) in list.enumerated() {
            let group = RespondentGroup(rawValue: g.string!)!
            guard within & group.bit != 0 else {
                let allowed = RespondentGroup.of(within).map(\.rawValue).joined(separator: ", ")
                throw IHubError.invalid("\(path)[\(i)]: \(IHubError.quoted(group.rawValue)) is not among the enclosing groups (\(allowed))")
            }
            mask |= group.bit
        }
        return mask
    }

    /// Lua has one table type: an empty Lua table arrives as `{}`. Where the
    /// shape wants a list, read an empty object as an empty list.
    private static func emptyTablesAsArrays(_ d: JSON) -> JSON {
        guard var members = d.members else { return d }
        func fix(_ v: JSON?) -> JSON? { v == .object([]) ? .array([]) : v }
        for i in members.indices {
            switch members[i].key {
            case "groups", "levels": members[i].value = fix(members[i].value)!
            case "areas":
                members[i].value = fix(members[i].value)!
                if case .array(let areas) = members[i].value {
                    members[i].value = .array(areas.map { area in
                        guard var am = area.members else { return area }
                        for j in am.indices where am[j].key == "items" || am[j].key == "groups" { am[j].value = fix(am[j].value)! }
                        return .object(am)
                    })
                }
            case "scale":
                if var sm = members[i].value.members {
                    for j in sm.indices where sm[j].key == "labels" { sm[j].value = fix(sm[j].value)! }
                    members[i].value = .object(sm)
                }
            default: break
            }
        }
        return .object(members)
    }
}

// MARK: loading

extension Instrument {
    /// The instrument with this code; the error names the field.
    static func load(_ db: Database, code: String, at path: @autoclosure () -> String) throws(IHubError) -> Instrument {
        guard let row = try db.assessment.instrument(code: code) else { throw RecordKind.instrument.notFound(code: code, at: path()) }
        return try stored(row)
    }

    static func load(_ db: Database, id: Int64, at path: @autoclosure () -> String = "instrument") throws(IHubError) -> Instrument {
        guard let row = try db.assessment.instrument(id: id) else { throw RecordKind.instrument.notFound(id: id, at: path()) }
        return try stored(row)
    }

    private static func stored(_ row: InstrumentRow) throws(IHubError) -> Instrument {
        try Instrument(definition: row.definition, id: row.id, hubID: row.hubID, source: row.source, at: "instrument #\(row.id)")
    }

    /// Instruments of a hub may only be used in that hub's rounds.
    func check(usableIn round: RoundRef, at path: @autoclosure () -> String) throws(IHubError) {
        guard let hubID, hubID != round.hubID else { return }
        throw IHubError.invalid("\(path()): instrument \(IHubError.quoted(code)) belongs to another hub than \(round.hubCode) of round \(IHubError.quoted(round.code))")
    }

    /// The respondent group parameter, which the instrument must ask.
    func group(_ p: JSON, at path: String) throws(IHubError) -> UInt8 {
        guard let name = p["group"]?.string else { return groups }
        let group = RespondentGroup(rawValue: name)!
        guard groups & group.bit != 0 else {
            throw IHubError.invalid("\(path): \(code) is not answered by \(name) (only \(RespondentGroup.of(groups).map(\.rawValue).joined(separator: ", ")))")
        }
        return group.bit
    }
}
