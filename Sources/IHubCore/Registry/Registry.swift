/// The registry's coded entities, declared once (see Entity.swift).
enum Registry {
    static let levels = ["primary", "lower_secondary", "upper_secondary", "vet", "other"]
    static let stakeholderKinds = ["municipality", "school_board", "teacher_association", "university", "company", "ministry", "network"]

    static let hub = Entity(
        kind: .hub, plural: "hubs", summary: "A Regional Innovation Hub, in one country.", inHub: false,
        columns: [
            .init(.required("name", .string, "the hub's name"), .text),
            .init(.required("country", .string, "ISO 3166-1 alpha-2 country code, e.g. \"EE\""), .text, check: { v in
                let s = v.string ?? ""
                let ok = s.utf8.count == 2 && s.utf8.allSatisfy { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }
                return ok ? nil : "expected an ISO 3166-1 alpha-2 code such as \"EE\", got \(IHubError.quoted(s, "\""))"
            }),
            .init(.optional("region", .string, "the region it serves"), .text),
            .init(.optional("languages", .array(.language), "its working languages: language tags such as \"et\", \"ru\", \"pt-BR\" (case-insensitive, stored normalised)"), .list),
            .init(.optional("target_schools", .integer, "how many schools it aims to reach"), .integer, check: Checks.atLeast(0)),
            .init(.optional("target_teachers", .integer, "how many teachers it aims to reach"), .integer, check: Checks.atLeast(0)),
            .init(.optional("min_group_size", .integer, "k of small-group suppression: fewer respondents give no figure (default 5)"),
                  .integer, check: Checks.atLeast(1)),
            .init(.optional("home_page", .string, "the hub's home page (an absolute IRI such as \"https://hub.example.ee\"): xAPI statements name its people by accounts there, and their verb and activity IRIs start there"),
                  .text, check: XAPIIdentity.homePageCheck),
            .init(.optional("xapi_identity", .oneOf(XAPIIdentity.names), "how xAPI statements identify its people: \"account\" (default: the person's code on the home page) or \"mbox_sha1sum\" (the SHA-1 of the person's e-mail; people without one keep the account)"),
                  .text),
        ],
        computed: [.init(name: "schools", value: .countInHub("schools")),
                   .init(name: "people", value: .countInHub("people"))])

    static let school = Entity(
        kind: .school, plural: "schools", summary: "A school of a hub.", inHub: true,
        columns: [
            .init(.required("name", .string, "the school's name"), .text),
            .init(.optional("level", .oneOf(levels), "school level"), .text),
            .init(.optional("size", .integer, "number of students"), .integer, check: Checks.atLeast(0)),
            .init(.optional("municipality", .string, "municipality"), .text),
            .init(.optional("latitude", .number, "latitude in degrees (WGS 84)"), .real, check: Checks.within(-90...90)),
            .init(.optional("longitude", .number, "longitude in degrees (WGS 84)"), .real, check: Checks.within(-180...180)),
            .init(.optional("languages", .array(.language), "language tags of the languages of instruction; none: the hub's languages apply (effective_languages)"), .list),
        ],
        // A school without languages of its own teaches in its hub's.
        computed: [.init(name: "effective_languages", value: .effectiveLanguages)],
        filters: [(.optional("level", .oneOf(levels), "only schools of this level"), .column("level"))])

    static let person = Entity(
        kind: .person, plural: "people", summary: "A teacher, leader, mentor, coordinator or researcher.",
        inHub: true,
        columns: [
            .init(.required("name", .string, "the person's name"), .text),
            .init(.optional("email", .string, "e-mail address"), .text),
            .init(.optional("subjects", .array(.string), "subjects taught"), .list),
            .init(.optional("languages", .array(.language), "language tags of the languages spoken; none: the school's apply in pairing"), .list),
        ],
        extensionFields: People.extensionFields,
        // Set by person.erase: the row then holds no personal data.
        computed: [.init(name: "erased_at", value: .column("erased_at"))],
        filters: [
            (.optional("school", .string, "only current members of this school (school code)"), .currentMemberOf),
            (.optional("role", .oneOf(People.roles), "only people who have this role now"), .currentRole),
        ])

    static let round = Entity(
        kind: .round, plural: "rounds", summary: "A cohort or time point of a hub.", inHub: true,
        columns: [
            .init(.required("name", .string, "the round's name, e.g. \"2024/25 round 1\""), .text),
            .init(.optional("start", .date, "first day"), column: "start_date", .text),
            .init(.optional("end", .date, "last day"), column: "end_date", .text),
        ])

    static let stakeholder = Entity(
        kind: .stakeholder, plural: "stakeholders",
        summary: "A municipality, school board, association, university, company, ministry or network.", inHub: true,
        columns: [
            .init(.required("name", .string, "the stakeholder's name"), .text),
            .init(.required("kind", .oneOf(stakeholderKinds), "what kind of organisation it is"), .text),
            // A postal address takes several lines.
            .init(.optional("contact", .text(maxBytes: Limits.text), "contact person or address (may span lines)"), .text),
        ],
        filters: [(.optional("kind", .oneOf(stakeholderKinds), "only stakeholders of this kind"), .column("kind"))])

    /// In dependency order: an import or export of everything follows it.
    static let entities: [Entity] = [hub, school, person, round, stakeholder]

    static func entity(named plural: String) -> Entity? { entities.first { $0.plural == plural } }
}
