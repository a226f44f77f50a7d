/// A realistic synthetic region, modelled on the five hubs of the original
/// network (see DOMAIN.md): their countries, designs and proportions. Made
/// through the method table, as any client would, so the demo exercises the
/// same path as users. Deterministic for a given seed.
enum DemoMethods {
    static let all: [Method] = [
        Method("demo.populate", """
            Create a synthetic region: five hubs with their schools, teachers, leaders and mentors, and two rounds of \
            selfie and digcompedu answers per hub (Georgia's hub classifies with its own Lua script).
            """,
               writes: true,
               params: [.optional("seed", .integer, "random seed (default 1); the same seed gives the same region"),
                        .optional("scale", .number, "multiplies the number of teachers (default 1: about 600)"),
                        .optional("assessments", .boolean, "also make the rounds and their assessments (default true)")],
               result: .object([
                   .required("hubs", .array(.object([
                       .required("hub", .string, "code of the hub"),
                       .required("country", .string, "its country (ISO 3166-1 alpha-2)"),
                       .required("schools", .integer, "how many schools it was given"),
                       .required("people", .integer, "how many people it was given"),
                   ])), "the hubs made, in order"),
                   .required("schools", .integer, "schools made, in all hubs"),
                   .required("people", .integer, "people made, in all hubs"),
                   .required("rounds", .integer, "rounds made (0 without assessments)"),
                   .required("responses", .integer, "selfie and digcompedu responses submitted"),
               ]),
               example: ["seed": 1, "scale": 0.2],
               errors: [.invalid("`scale` is not above 0 and at most 200"),
                        .conflict("the database holds a hub, school or person with one of the demo's codes already (the demo region is made once per database)")]) { engine, p throws(IHubError) in
            let scale = p["scale"]?.double ?? 1
            guard scale > 0 && scale <= 200 else { throw IHubError.invalid("params.scale: must be above 0 and at most 200") }
            let seed = UInt64(bitPattern: p["seed"]?.int ?? 1)
            var region = SyntheticRegion(seed: seed, scale: scale)
            var assessments = p["assessments"]?.bool ?? true ? SyntheticAssessments(seed: seed) : nil
            return try region.populate(engine, assessments: &assessments)
        },
    ]
}

struct SyntheticRegion {
    struct HubDesign {
        let code, name, country, region, language: String
        let centre: (lat: Double, lon: Double)
        let schools: Int
        let teachersPerSchool: ClosedRange<Int>
        let mentors: Int
        let towns: [String]
        let given: [String]
        let family: [String]
    }

    static let designs: [HubDesign] = [
        HubDesign(code: "EE-ACC", name: "Estonian Digital Accelerator", country: "EE", region: "Harju and Tartu", language: "et",
                  centre: (59.437, 24.754), schools: 6, teachersPerSchool: 25...40, mentors: 10,
                  towns: ["Tallinn", "Tartu", "Keila", "Saue", "Elva"],
                  given: ["Kadri", "Mari", "Tiina", "Jaan", "Peeter", "Kristi", "Mart", "Liis", "Andres", "Piret"],
                  family: ["Tamm", "Saar", "Sepp", "Mägi", "Kask", "Kukk", "Rebane", "Ilves", "Pärn", "Koppel"]),
        HubDesign(code: "FI-TRE", name: "Tampere School Pairs", country: "FI", region: "Pirkanmaa", language: "fi",
                  centre: (61.498, 23.761), schools: 4, teachersPerSchool: 12...18, mentors: 3,
                  towns: ["Tampere"],
                  given: ["Aino", "Elina", "Mikko", "Juha", "Satu", "Timo", "Laura", "Ville", "Hanna", "Antti"],
                  family: ["Korhonen", "Virtanen", "Mäkinen", "Nieminen", "Laine", "Heikkinen", "Koskinen", "Järvinen"]),
        HubDesign(code: "LT-CTA", name: "Lithuanian Computational Thinking and AI Network", country: "LT", region: "Vilnius and Utena",
                  language: "lt", centre: (54.687, 25.280), schools: 12, teachersPerSchool: 12...20, mentors: 3,
                  towns: ["Vilnius", "Utena", "Molėtai", "Ignalina", "Anykščiai"],
                  given: ["Rūta", "Jonas", "Agnė", "Tomas", "Eglė", "Mindaugas", "Inga", "Darius", "Asta", "Paulius"],
                  family: ["Kazlauskas", "Jankauskas", "Petrauskas", "Stankevičius", "Vasiliauskas", "Žukauskas", "Butkus"]),
        HubDesign(code: "GE-IMR", name: "Imereti Regional Hub", country: "GE", region: "Imereti", language: "ka",
                  centre: (42.268, 42.695), schools: 5, teachersPerSchool: 16...24, mentors: 7,
                  towns: ["Kutaisi", "Zestaponi", "Samtredia", "Tkibuli", "Chiatura"],
                  given: ["Nino", "Giorgi", "Tamar", "Levan", "Ana", "David", "Mariam", "Irakli", "Eka", "Nika"],
                  family: ["Beridze", "Kapanadze", "Gelashvili", "Maisuradze", "Lomidze", "Tsiklauri", "Chkheidze"]),
        HubDesign(code: "NO-TRD", name: "Trøndelag Innovation Hub", country: "NO", region: "Trøndelag", language: "nb",
                  centre: (63.430, 10.395), schools: 6, teachersPerSchool: 14...22, mentors: 4,
                  towns: ["Trondheim", "Stjørdal", "Levanger", "Steinkjer", "Orkanger"],
                  given: ["Ingrid", "Ole", "Kari", "Lars", "Silje", "Morten", "Hilde", "Jon", "Marte", "Per"],
                  family: ["Hansen", "Johansen", "Olsen", "Larsen", "Berg", "Haugen", "Dahl", "Lund", "Moen"]),
    ]

    static let levels = ["primary", "primary", "lower_secondary", "lower_secondary", "upper_secondary", "vet"]

    var random: SeededRandom
    let scale: Double

    init(seed: UInt64, scale: Double) {
        random = SeededRandom(seed: seed)
        self.scale = scale
    }

    mutating func populate(_ engine: Engine, assessments: inout SyntheticAssessments?) throws(IHubError) -> JSON {
        var summary: [JSON] = []
        var totalSchools = 0, totalPeople = 0
        for design in Self.designs {
            _ = try engine.call("hub.add", [
                "code": .string(design.code), "name": .string(design.name), "country": .string(design.country),
                "region": .string(design.region), "languages": [.string(design.language), "en"],
            ])
            var schools: [JSON] = []
            var people: [JSON] = []
            var serial = 0
            func personCode() -> String {
                serial += 1
                return "\(design.code)-P\(String(serial + 10000).dropFirst())"
            }
            for i in 1...design.schools {
                let code = "\(design.code)-S\(String(i + 100).dropFirst())"
                let town = random.pick(design.towns)
                let level = random.pick(Self.levels)
                schools.append([
                    "hub": .string(design.code), "code": .string(code),
                    "name": .string("\(town) \(Self.schoolKind(level)) \(i)"),
                    "level": .string(level), "size": .int(Int64(random.int(150...1100))), "municipality": .string(town),
                    "latitude": .double(design.centre.lat + (random.unit() - 0.5) * 0.6),
                    "longitude": .double(design.centre.lon + (random.unit() - 0.5) * 1.0),
                    "languages": [.string(design.language)],
                ])
                let teachers = max(1, Int((Double(random.int(design.teachersPerSchool)) * scale).rounded()))
                let member: JSON = [["school": .string(code), "start": "2024-09-01"]]
                people.append(person(design, personCode(), roles: ["school_leader"], memberships: member))
                people.append(person(design, personCode(), roles: ["ict_teacher", "teacher"], memberships: member))
                for _ in 0..<teachers {
                    people.append(person(design, personCode(), roles: ["teacher"], memberships: member))
                }
            }
            for _ in 0..<design.mentors {
                people.append(person(design, personCode(), roles: ["mentor", "researcher"], memberships: []))
            }
            people.append(person(design, personCode(), roles: ["coordinator"], memberships: []))
            _ = try engine.call("school.add_many", ["schools": .array(schools)])
            _ = try engine.call("person.add_many", ["people": .array(people)])
            if assessments != nil {
                var teachers: [String: [String]] = [:]
                for p in people where p["roles"]?.array?.contains("teacher") == true {
                    for m in p["memberships"]?.array ?? [] { teachers[m["school"]!.string!, default: []].append(p["code"]!.string!) }
                }
                try assessments!.add(engine, hub: design.code, schools: schools.map { $0["code"]!.string! }, teachers: teachers)
                if design.code == "GE-IMR" {
                    _ = try engine.call("script.set", ["hub": "GE-IMR", "name": "classify", "source": .string(SyntheticAssessments.imeretiClassify)])
                }
            }
            summary.append(["hub": .string(design.code), "country": .string(design.country),
                            "schools": .int(Int64(schools.count)), "people": .int(Int64(people.count))])
            totalSchools += schools.count
            totalPeople += people.count
        }
        return ["hubs": .array(summary), "schools": .int(Int64(totalSchools)), "people": .int(Int64(totalPeople)),
                "rounds": .int(assessments == nil ? 0 : Int64(Self.designs.count * SyntheticAssessments.rounds.count)),
                "responses": .int(Int64(assessments?.responses ?? 0))]
    }

    private mutating func person(_ design: HubDesign, _ code: String, roles: [String], memberships: JSON) -> JSON {
        let given = random.pick(design.given), family = random.pick(design.family)
        return [
            "hub": .string(design.code), "code": .string(code), "name": .string("\(given) \(family)"),
            "email": .string("\(code.lowercased())@example.org"),
            "roles": .array(roles.map { .string($0) }), "memberships": memberships,
        ]
    }

    private static func schoolKind(_ level: String) -> String {
        switch level {
        case "primary": return "Primary School"
        case "vet": return "Vocational School"
        case "upper_secondary": return "Gymnasium"
        default: return "Basic School"
        }
    }
}
