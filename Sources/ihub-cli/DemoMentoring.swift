import IHubCore

/// The mentoring part of `ihub demo`: the school pairs just confirmed go
/// through a few steps of the process, with an action plan from their
/// assessment, logged activities and the hours they add up to — through
/// the method table, as a coordinator's tools would.
extension Demo {
    /// The steps each pair takes, with the activity that marks each one.
    private static let journey: [(step: String, kind: String, minutes: Int64, method: String?, week: Int)] = [
        ("initiative", "session", 60, nil, 0),
        ("anchoring", "session", 90, nil, 2),
        ("mapping_needs", "workshop", 180, "needs_mapping", 5),
        ("development_actions", "co_planning", 120, "collegial", 9),
        ("reflection", "reflection", 60, nil, 16),
        ("initiative", "session", 45, nil, 20),  // reflection started a new cycle
    ]

    static func printMentoring(_ engine: Engine, hub: String) throws(IHubError) {
        let pairs = try engine.call("pairing.mentorships", ["hub": .string(hub), "level": "school"]).array ?? []
        guard !pairs.isEmpty else { return }
        print("\nThe mentoring process of \(hub)'s school pairs (process.*, plan.*, activity.*):")
        for (n, pair) in pairs.prefix(3).enumerated() {
            // The first pair goes all the way round, the others are under way.
            let steps = journey.prefix(n == 0 ? journey.count : 3 + n % 2)
            try mentor(engine, hub: hub, pair: pair, steps: Array(steps))
        }

        print("\nMentoring hours of \(hub), 2025/26 (activity.hours):")
        let range: [JSON.Member] = [.init("hub", .string(hub)), .init("from", "2025-09-01"), .init("to", "2026-06-30")]
        for by in ["school", "person"] {
            let hours = try engine.call("activity.hours", .object(range + [.init("by", .string(by))]))
            let rows = (hours["rows"]?.array ?? []).prefix(3).map {
                "\($0["code"]?.string ?? $0["id"]?.int.map { "#\($0)" } ?? "") \(Decimal2.text($0["hours"]?.double ?? 0)) h"
            }
            print("  by \(by.padding(to: 7))\(rows.joined(separator: ", "))")
        }
        let school = pairs[0]["mentee"]?.string ?? "CODE"
        print("  A statement of hours for the incentive scheme: ihub log statement --hub \(hub) --school \(school) --from 2025-09-01 --to 2026-06-30 --format html --out hours.html")
    }

    /// One pair: a process of the mentorship, moved step by step with an
    /// activity per step; at mapping_needs, a plan from the mentee's
    /// weakest areas, confirmed by the mentor school's leader.
    private static func mentor(_ engine: Engine, hub: String, pair: JSON, steps: [(step: String, kind: String, minutes: Int64, method: String?, week: Int)]) throws(IHubError) {
        guard let id = pair["id"], let mentee = pair["mentee"]?.string, let mentor = pair["mentor"]?.string else { return }
        let teachers = try people(engine, school: mentee, role: "teacher", 2) + people(engine, school: mentor, role: "teacher", 1)
        let leader = try people(engine, school: mentor, role: "school_leader", 1).first ?? teachers.first
        var process = JSON.null
        var plan: JSON = .null
        for (i, s) in steps.enumerated() {
            if i == 0 {
                process = try engine.call("process.start", ["mentorship": id, "at": .string(s.step)])
            } else {
                if let method = s.method {
                    _ = try engine.call("process.choose_method", ["id": process["id"]!, "method": .string(method), "step": .string(s.step)])
                }
                process = try engine.call("process.move", ["id": process["id"]!, "to": .string(s.step)])
            }
            if s.step == "mapping_needs" && plan.isNull { plan = try makePlan(engine, school: mentee, process: process["id"]!, by: leader) }
            var participants: [JSON] = [["mentorship": id]]
            participants += teachers.enumerated().map { k, code in ["person": .string(code), "role": k < 2 ? "mentee" : "mentor"] }
            _ = try engine.call("activity.log", ["hub": .string(hub), "kind": .string(s.kind), "date": .string(date(week: s.week)),
                                                 "minutes": .int(s.minutes), "method": s.method.map { .string($0) } ?? .null,
                                                 "instance": process["id"]!, "step": .string(s.step),
                                                 "participants": .array(participants)])
        }
        let path = steps.map(\.step).joined(separator: " → ")
        print("  \(mentee.padding(to: 12)) mentored by \(mentor.padding(to: 12)) \(path) (cycle \(process["cycle"]?.int ?? 1))")
        if let focus = plan["focus_areas"]?.array?.first {
            let figures = focus["evidence"] ?? .null
            print("    plan #\(plan["id"]?.int ?? 0): focus \(focus["area"]?.string ?? "") \(focus["name"]?.string ?? "") "
                  + "(mean \(figures["mean"]?.double.map { Decimal2.text($0) } ?? "-"), hub \(figures["hub"]?["mean"]?.double.map { Decimal2.text($0) } ?? "-")), "
                  + "confirmed by \(focus["confirmed_by"]?.string ?? "-"); \(plan["counts"]?["goals"]?.int ?? 0) goal, "
                  + "\(plan["counts"]?["tasks"]?.int ?? 0) task, \(plan["status"]?.string ?? "")")
        }
    }

    /// A plan of the mentee school with its weakest area as focus (confirmed
    /// by `by`), a goal half a point above today's figure and one task.
    private static func makePlan(_ engine: Engine, school: String, process: JSON, by: String?) throws(IHubError) -> JSON {
        let created = try engine.call("plan.create", ["school": .string(school), "title": "Digital development plan 2025/26",
                                                      "instance": process, "suggest": true, "count": 1])
        guard let plan = created["id"], let focus = created["focus_areas"]?.array?.first, let by,
              let area = focus["area"], let instrument = focus["instrument"] else { return created }
        _ = try engine.call("plan.confirm_focus", ["plan": plan, "area": area, "by": .string(by)])
        let mean = focus["evidence"]?["mean"]?.double ?? 3
        let description = "Raise \(focus["name"]?.string ?? "the area") by half a point"
        let goal = try engine.call("plan.add_goal", ["plan": plan, "instrument": instrument, "area": area,
                                                     "description": .string(description),
                                                     "target": .double(min(5, (mean * 2).rounded(.down) / 2 + 0.5)), "by": "2026-06-15"])
        _ = try engine.call("plan.add_task", ["goal": goal["id"]!, "title": "Monthly co-planning with the mentor school",
                                              "owner": .string(by), "due": "2026-01-31"])
        _ = try engine.call("plan.set_status", ["plan": plan, "status": "active", "by": .string(by)])
        return try engine.call("plan.get", ["id": plan])
    }

    /// What the demo leaves for its reader to take up: another hub's school
    /// pairs proposed, not confirmed (pairing.confirm), and one of the hub's
    /// own toolbox methods (toolbox.update).
    static func leaveOpen(_ engine: Engine, hub: String) throws(IHubError) {
        let other = "NO-TRD"
        let run = try engine.call("pairing.propose", ["hub": .string(other), "round": .string("\(other)-R2"), "level": "school"])
        let method = try engine.call("toolbox.add", [
            "hub": .string(hub), "code": "lesson_study", "name": "Lesson study", "level": "inter_school", "typical_minutes": 180,
            "description": "Teachers of the paired schools plan a lesson together, one teaches it while the others observe, and they revise it.",
            "steps": ["development_actions", "reflection"],
        ])
        // LT-CTA's pairing script, put in force as a methodology package (methodology.get).
        let package = try engine.call("methodology.load", [
            "hub": "LT-CTA", "files": ["pairing.lua": .string(EmbeddedLua.files["demo/lt-cta/pairing.lua"]!)],
            "note": "the demo's pairing policy, as a package"])
        print("\nLT-CTA's pairing policy is in force as methodology version \(package["version"]?.string?.prefix(12) ?? "")")
        print("Left to take up: \(other)'s school pairs proposed as run #\(run["run"]?.int ?? 0) (\(run["pairs"]?.array?.count ?? 0) pairs), "
              + "not confirmed (pairing.confirm); \(hub)'s own toolbox method \(method["code"]?.string ?? "") (toolbox.update)")
    }

    private static func people(_ engine: Engine, school: String, role: String, _ n: Int) throws(IHubError) -> [String] {
        (try engine.call("person.list", ["school": .string(school), "role": .string(role), "limit": .int(Int64(n))]).array ?? [])
            .compactMap { $0["code"]?.string }
    }

    /// A day of the 2025/26 round, `week` weeks after its start (2025-09-01, a Monday).
    private static func date(week: Int) -> String {
        let days = [30, 31, 30, 31, 31, 28, 31, 30, 31, 30]  // September 2025 … June 2026
        var day = 1 + week * 7, month = 0
        while day > days[month] { day -= days[month]; month += 1 }
        let m = (8 + month) % 12 + 1, y = month < 4 ? 2025 : 2026
        return "\(y)-\(m < 10 ? "0" : "")\(m)-\(day < 10 ? "0" : "")\(day)"
    }
}
