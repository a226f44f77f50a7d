/// The registry's coded entities, declared once (see Entity.swift).
enum Registry {
    static let levels = ["primary", "lower_secondary", "upper_secondary", "vet", "other"]
    static let stakeholderKinds = ["municipality", "school_board", "teacher_association", "university", "company", "ministry", "network"]

    static let hub = Entity(
        name: "hub", plural: "hubs", table: "hubs", summary: "A Regional Innovation Hub, in one country.", inHub: false,
        columns: [
            .init(.required("name", .string, "the hub's name"), .text),
            .init(.required("country", .string, "ISO 3166-1 alpha-2 country code, e.g. \"EE\""), .text, check: { v in
                let s = v.string ?? ""
                let ok = s.utf8.count == 2 && s.utf8.allSatisfy { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }
                return ok ? nil : "expected an ISO 3166-1 alpha-2 code such as \"EE\", got \"\(s)\""
            }),
            .init(.optional("region", .string, "the region it serves"), .text),
            .init(.optional("languages", .array(.string), "ISO 639-1 codes of its working languages"), .list),
            .init(.optional("target_schools", .integer, "how many schools it aims to reach"), .integer, check: Checks.atLeast(0)),
            .init(.optional("target_teachers", .integer, "how many teachers it aims to reach"), .integer, check: Checks.atLeast(0)),
            .init(.optional("min_group_size", .integer, "k of small-group suppression: fewer respondents give no figure (default 5)"),
                  .integer, check: Checks.atLeast(1)),
        ],
        computed: [("schools", "SELECT count(*) FROM schools WHERE hub_id = t.id"),
                   ("people", "SELECT count(*) FROM people WHERE hub_id = t.id")])

    static let school = Entity(
        name: "school", plural: "schools", table: "schools", summary: "A school of a hub.", inHub: true,
        columns: [
            .init(.required("name", .string, "the school's name"), .text),
            .init(.optional("level", .oneOf(levels), "school level"), .text),
            .init(.optional("size", .integer, "number of students"), .integer, check: Checks.atLeast(0)),
            .init(.optional("municipality", .string, "municipality"), .text),
            .init(.optional("latitude", .number, "latitude in degrees (WGS 84)"), .real, check: Checks.within(-90...90)),
            .init(.optional("longitude", .number, "longitude in degrees (WGS 84)"), .real, check: Checks.within(-180...180)),
            .init(.optional("languages", .array(.string), "ISO 639-1 codes of the languages of instruction"), .list),
        ],
        filters: [(.optional("level", .oneOf(levels), "only schools of this level"), "t.level = ?")])

    static let person = Entity(
        name: "person", plural: "people", table: "people", summary: "A teacher, leader, mentor, coordinator or researcher.",
        inHub: true,
        columns: [
            .init(.required("name", .string, "the person's name"), .text),
            .init(.optional("email", .string, "e-mail address"), .text),
            .init(.optional("subjects", .array(.string), "subjects taught"), .list),
            .init(.optional("languages", .array(.string), "ISO 639-1 codes of the languages spoken"), .list),
        ],
        extensionFields: People.extensionFields,
        filters: [
            (.optional("school", .string, "only current members of this school (school code)"),
             "EXISTS (SELECT 1 FROM memberships m JOIN schools s ON s.id = m.school_id WHERE m.person_id = t.id AND m.end_date IS NULL AND s.code = ?)"),
            (.optional("role", .oneOf(People.roles), "only people who have this role now"),
             "EXISTS (SELECT 1 FROM person_roles r WHERE r.person_id = t.id AND r.end_date IS NULL AND r.role = ?)"),
        ])

    static let round = Entity(
        name: "round", plural: "rounds", table: "rounds", summary: "A cohort or time point of a hub.", inHub: true,
        columns: [
            .init(.required("name", .string, "the round's name, e.g. \"2024/25 round 1\""), .text),
            .init(.optional("start", .date, "first day"), sql: "start_date", .text),
            .init(.optional("end", .date, "last day"), sql: "end_date", .text),
        ])

    static let stakeholder = Entity(
        name: "stakeholder", plural: "stakeholders", table: "stakeholders",
        summary: "A municipality, school board, association, university, company, ministry or network.", inHub: true,
        columns: [
            .init(.required("name", .string, "the stakeholder's name"), .text),
            .init(.required("kind", .oneOf(stakeholderKinds), "what kind of organisation it is"), .text),
            .init(.optional("contact", .string, "contact person or address"), .text),
        ],
        filters: [(.optional("kind", .oneOf(stakeholderKinds), "only stakeholders of this kind"), "t.kind = ?")])

    /// In dependency order: an import or export of everything follows it.
    static let entities: [Entity] = [hub, school, person, round, stakeholder]

    static func entity(named plural: String) -> Entity? { entities.first { $0.plural == plural } }
}
