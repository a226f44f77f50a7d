/// The registry's coded entities, declared once (see Entity.swift).
enum Registry {
    static let levels = ["primary", "lower_secondary", "upper_secondary", "vet", "other"]
    static let stakeholderKinds = ["municipality", "school_board", "teacher_association", "university", "company", "ministry", "network"]

    static let hub = Entity(
        kind: .hub, plural: "hubs", summary: "A Regional Innovation Hub, in one country.", inHub: false,
        columns: [
            .init(.required("name", .string, "the hub's name"), .text, example: "Latvian School Innovation Hub"),
            .init(.required("country", .string, "ISO 3166-1 alpha-2 country code, e.g. \"EE\""), .text, check: { v in
                let s = v.string ?? ""
                let ok = s.utf8.count == 2 && s.utf8.allSatisfy { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }
                return ok ? nil : "expected an ISO 3166-1 alpha-2 code such as \"EE\", got \(IHubError.quoted(s, "\""))"
            }, example: "LV"),
            .init(.optional("region", .string, "the region it serves"), .text, example: "Riga"),
            .init(.optional("languages", .array(.language), "its working languages: language tags such as \"et\", \"ru\", \"pt-BR\" (case-insensitive, stored normalised)"), .list, example: ["lv", "en"]),
            .init(.optional("target_schools", .integer, "how many schools it aims to reach"), .integer, check: Checks.atLeast(0), example: 12),
            .init(.optional("target_teachers", .integer, "how many teachers it aims to reach"), .integer, check: Checks.atLeast(0), example: 300),
            .init(.optional("min_group_size", .integer, "k of small-group suppression: fewer respondents give no figure (default 5)"),
                  .integer, check: Checks.atLeast(1)),
            .init(.optional("home_page", .string, "the hub's home page (an absolute IRI such as \"https://hub.example.ee\"): xAPI statements name its people by accounts there, and their verb and activity IRIs start there"),
                  .text, check: XAPIIdentity.homePageCheck),
            .init(.optional("xapi_identity", .oneOf(XAPIIdentity.names), "how xAPI statements identify its people: \"account\" (default: the person's code on the home page) or \"mbox_sha1sum\" (the SHA-1 of the person's e-mail; people without one keep the account)"),
                  .text),
        ],
        computed: [.init(.required("schools", .integer, "how many schools the hub has"), .countInHub("schools")),
                   .init(.required("people", .integer, "how many people the hub has"), .countInHub("people"))],
        examples: .init(hub: nil, existing: "EE-ACC", new: "LV-RIX", update: [.init("target_schools", 8)]))

    static let school = Entity(
        kind: .school, plural: "schools", summary: "A school of a hub.", inHub: true,
        columns: [
            .init(.required("name", .string, "the school's name"), .text, example: "Tartu Science Gymnasium 7"),
            .init(.optional("level", .oneOf(levels), "school level"), .text, example: "upper_secondary"),
            .init(.optional("size", .integer, "number of students"), .integer, check: Checks.atLeast(0), example: 640),
            .init(.optional("municipality", .string, "municipality"), .text, example: "Tartu"),
            .init(.optional("latitude", .number, "latitude in degrees (WGS 84)"), .real, check: Checks.within(-90...90), example: 58.378),
            .init(.optional("longitude", .number, "longitude in degrees (WGS 84)"), .real, check: Checks.within(-180...180), example: 26.729),
            .init(.optional("languages", .array(.language), "language tags of the languages of instruction; none: the hub's languages apply (effective_languages)"), .list,
                  example: ["et", "en"]),
        ],
        // A school without languages of its own teaches in its hub's.
        computed: [.init(.required("effective_languages", .array(.language), "the languages of instruction: its own, or its hub's when it lists none"),
                         .effectiveLanguages)],
        examples: .init(hub: "EE-ACC", existing: "EE-ACC-S01", new: "EE-ACC-S07", update: [.init("size", 640)]),
        filters: [(.optional("level", .oneOf(levels), "only schools of this level"), .column("level"))])

    static let person = Entity(
        kind: .person, plural: "people", summary: "A teacher, leader, mentor, coordinator or researcher.",
        inHub: true,
        columns: [
            .init(.required("name", .string, "the person's name"), .text, example: "Kadri Kask"),
            .init(.optional("email", .string, "e-mail address"), .text, example: "kadri.kask@example.org"),
            .init(.optional("subjects", .array(.string), "subjects taught"), .list, example: ["mathematics", "informatics"]),
            .init(.optional("languages", .array(.language), "language tags of the languages spoken; none: the school's apply in pairing"), .list,
                  example: ["et", "en"]),
        ],
        extensionFields: People.extensionFields,
        // Set by person.erase: the row then holds no personal data.
        computed: [.init(.optional("erased_at", .timestamp, "when person.erase removed the person's data (null: not erased)"), .column("erased_at"))],
        examples: .init(hub: "EE-ACC", existing: "EE-ACC-P0003", new: "EE-ACC-P9001", update: [.init("subjects", ["mathematics"])]),
        filters: [
            (.optional("school", .string, "only current members of this school (school code)"), .currentMemberOf),
            (.optional("role", .oneOf(People.roles), "only people who have this role now"), .currentRole),
        ])

    static let round = Entity(
        kind: .round, plural: "rounds", summary: "A cohort or time point of a hub.", inHub: true,
        columns: [
            .init(.required("name", .string, "the round's name, e.g. \"2024/25 round 1\""), .text, example: "2026/27 round 3"),
            .init(.optional("start", .date, "first day"), column: "start_date", .text, example: "2026-09-01"),
            .init(.optional("end", .date, "last day"), column: "end_date", .text, example: "2027-06-15"),
        ],
        examples: .init(hub: "EE-ACC", existing: "EE-ACC-R2", new: "EE-ACC-R3", update: [.init("end", "2026-06-30")]))

    static let stakeholder = Entity(
        kind: .stakeholder, plural: "stakeholders",
        summary: "A municipality, school board, association, university, company, ministry or network.", inHub: true,
        columns: [
            .init(.required("name", .string, "the stakeholder's name"), .text, example: "Tartu City Government"),
            .init(.required("kind", .oneOf(stakeholderKinds), "what kind of organisation it is"), .text, example: "municipality"),
            // A postal address takes several lines.
            .init(.optional("contact", .text(maxBytes: Limits.text), "contact person or address (may span lines)"), .text,
                  example: "Education department\nRaekoja plats 1, Tartu"),
        ],
        examples: .init(hub: "EE-ACC", existing: "EE-ACC-ST01", new: "EE-ACC-ST02", update: [.init("contact", "Education department, Tallinn")]),
        filters: [(.optional("kind", .oneOf(stakeholderKinds), "only stakeholders of this kind"), .column("kind"))])

    /// In dependency order: an import or export of everything follows it.
    static let entities: [Entity] = [hub, school, person, round, stakeholder]

    static func entity(named plural: String) -> Entity? { entities.first { $0.plural == plural } }
}
