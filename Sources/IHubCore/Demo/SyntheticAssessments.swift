#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Two rounds of assessments for a synthetic hub: selfie answers per school
/// (leaders, teachers and students, with some "na" and "pnts") and a
/// digcompedu self-reflection per teacher. Each school has a latent maturity;
/// round 2 improves on round 1, more for the less advanced schools, as
/// mentoring by advanced ones would give. Stored through the method table.
/// Uses its own random stream, so the registry of a seed is the same with or
/// without assessments.
struct SyntheticAssessments {
    var random: SeededRandom
    private(set) var responses = 0

    init(seed: UInt64) {
        random = SeededRandom(seed: seed ^ 0x5E1F_1E00_D1C0_ED00)
    }

    /// Starting maturity per hub on the selfie scale, and its spread: the
    /// Estonian accelerator works with less motivated schools, Georgia pairs
    /// schools of different achievement levels on purpose (DOMAIN.md).
    static func start(_ hub: String) -> (mean: Double, spread: Double) {
        switch hub {
        case "EE-ACC": return (2.7, 0.35)
        case "FI-TRE": return (3.3, 0.35)
        case "LT-CTA": return (3.0, 0.4)
        case "GE-IMR": return (2.9, 0.6)
        case "NO-TRD": return (3.5, 0.35)
        default: return (3.0, 0.4)
        }
    }

    /// Area patterns: schools rate infrastructure highest and assessment
    /// practices lowest; teachers are most at ease with professional
    /// engagement and least with facilitating learners' digital competence.
    static let selfieAreas: [String: Double] = ["A": 0.1, "B": -0.1, "C": 0.3, "D": -0.2, "E": 0.1, "F": 0, "G": -0.35, "H": -0.15]
    static let digcompeduAreas: [String: Double] = ["1": 0.3, "2": 0.2, "3": 0, "4": -0.25, "5": -0.1, "6": -0.3]
    static let groupShift: [RespondentGroup: Double] = [.leaders: 0.3, .teachers: 0, .students: -0.15]

    static let rounds = [("R1", "2024/25 round 1", "2024-09-01", "2025-06-15"), ("R2", "2025/26 round 2", "2025-09-01", "2026-06-15")]

    /// The rounds of `hub` and their responses. `teachers` maps each school
    /// code to its teachers' person codes.
    mutating func add(_ engine: Engine, hub: String, schools: [String], teachers: [String: [String]]) throws(IHubError) {
        for (suffix, name, start, end) in Self.rounds {
            _ = try engine.call("round.add", ["hub": .string(hub), "code": .string("\(hub)-\(suffix)"), "name": .string(name),
                                             "start": .string(start), "end": .string(end)])
        }
        let selfie = try Instrument.load(engine.db, code: "selfie", at: "demo")
        let digcompedu = try Instrument.load(engine.db, code: "digcompedu", at: "demo")
        let (mean, spread) = Self.start(hub)
        for school in schools {
            let maturity = min(4.4, max(1.6, mean + spread * normal()))
            // Less advanced schools gain more between the rounds.
            let gain = max(0.05, 0.1 + 0.5 * (4.4 - maturity) / 2.8 + 0.08 * normal())
            var areas: [String: Double] = [:]
            // Sorted: a dictionary's order changes between runs, the region must not.
            for area in Self.selfieAreas.keys.sorted() { areas[area] = Self.selfieAreas[area]! + 0.2 * normal() }
            let staff = teachers[school] ?? []
            var level: [String: (start: Double, gain: Double)] = [:]
            for person in staff {
                let t = min(6, max(1, 1.4 + (maturity - 1) * 0.75 + 0.7 * normal()))
                level[person] = (t, max(0, 0.15 + 0.3 * (5 - t) / 4 + 0.25 * gain + 0.1 * normal()))
            }
            for (r, (suffix, _, _, _)) in Self.rounds.enumerated() {
                let round = "\(hub)-\(suffix)", lift = r == 0 ? 0 : gain
                var answers: [JSON] = []
                for i in 1...3 {
                    answers.append(selfieResponse(selfie, "\(school)-L\(i)", school, .leaders, maturity + lift, areas))
                }
                for (i, _) in staff.enumerated() where random.unit() < 0.8 {
                    answers.append(selfieResponse(selfie, "\(school)-T\(String(i + 1001).dropFirst())", school, .teachers, maturity + lift, areas))
                }
                for i in 1...random.int(25...55) {
                    answers.append(selfieResponse(selfie, "\(school)-St\(String(i + 1001).dropFirst())", school, .students, maturity + lift, areas))
                }
                _ = try engine.call("assessment.submit", ["round": .string(round), "instrument": "selfie", "responses": .array(answers)])
                var reflections: [JSON] = []
                for person in staff where random.unit() < 0.85 {
                    let l = level[person]!
                    reflections.append(digcompeduResponse(digcompedu, person, school, l.start + (r == 0 ? 0 : l.gain)))
                }
                _ = try engine.call("assessment.submit", ["round": .string(round), "instrument": "digcompedu", "responses": .array(reflections)])
                responses += answers.count + reflections.count
            }
        }
    }

    private mutating func selfieResponse(_ selfie: Instrument, _ respondent: String, _ school: String, _ group: RespondentGroup,
                                         _ maturity: Double, _ areas: [String: Double]) -> JSON
    {
        let personal = 0.45 * normal() + (Self.groupShift[group] ?? 0)
        var answers: [JSON.Member] = []
        for area in selfie.areas where area.groups & group.bit != 0 {
            for item in area.items where item.groups & group.bit != 0 {
                let draw = random.unit()
                let value: JSON
                if draw < (group == .students ? 0.05 : 0.03) {
                    value = "na"
                } else if draw > 0.985 {
                    value = "pnts"
                } else {
                    value = .int(Int64(min(5, max(1, (maturity + (areas[area.code] ?? 0) + personal + 0.6 * normal()).rounded()))))
                }
                answers.append(JSON.Member(item.code, value))
            }
        }
        return ["respondent": .string(respondent), "school": .string(school), "group": .string(group.rawValue), "answers": .object(answers)]
    }

    private mutating func digcompeduResponse(_ digcompedu: Instrument, _ person: String, _ school: String, _ level: Double) -> JSON {
        var answers: [JSON.Member] = []
        for area in digcompedu.areas {
            let shift = Self.digcompeduAreas[area.code] ?? 0
            for item in area.items {
                let value: JSON = random.unit() < 0.02 ? "na"
                    : .int(Int64(min(6, max(1, (level + shift + 0.55 * normal()).rounded()))))
                answers.append(JSON.Member(item.code, value))
            }
        }
        return ["respondent": .string(person), "school": .string(school), "person": .string(person), "group": "teachers",
                "answers": .object(answers)]
    }

    /// A standard normal draw (Box-Muller).
    private mutating func normal() -> Double {
        let u = max(random.unit(), 1e-12), v = random.unit()
        return sqrt(-2 * log(u)) * cos(2 * Double.pi * v)
    }

    /// Georgia's hub adapts the classification in Lua: schools of different
    /// achievement levels are paired on purpose, so a school counts as
    /// advanced only when its staff and its students both see it so.
    static let imeretiClassify = EmbeddedLua.files["demo/imereti/rules.lua"]!  // scripts/methodology/demo/imereti/rules.lua
}
