import Testing
@testable import IHubCore

/// The default insight rules on hand-made indicator results: what each
/// raises, for whom, how severe, and the reason it gives.
private func result(_ name: String, level: IndicatorLevel = .hub, _ rows: [IndicatorRow], suppressed: [String?]? = nil) -> Indicators.Result {
    let d = IndicatorDefinition(name, "test", level: level, type: .number) { _ throws(IHubError) in [] }
    var r = Indicators.Result(definition: d, level: level)
    r.rows = rows
    r.suppressed = suppressed ?? rows.map { _ in nil }
    return r
}

private func input(_ results: [Indicators.Result], asOf: String = "2026-11-30") throws -> InsightInput {
    let w = try Window.parse("2026/27", today: CalendarDate("2026-11-30")!, at: "window")
    return InsightInput(hub: "H", window: w, asOf: CalendarDate(asOf)!,
                        results: Dictionary(uniqueKeysWithValues: results.map { ($0.definition.name, $0) }))
}

@Test func reachBehindTheProRataTarget() throws {
    // 2026-09-01 .. 2026-11-30: 91 of the school year's 365 days.
    let schools = result("reach.schools", [IndicatorRow(value: 12, detail: [.init("target", 75), .init("share_of_target", 0.16)])])
    let teachers = result("reach.teachers", [IndicatorRow(value: 60, detail: [.init("target", 600)])])
    let found = InsightRules.reach.apply(try input([schools, teachers]))
    #expect(found.map(\.severity) == [.warning, .alert])  // 12 < 18.70; 60 < 149.59 / 2
    #expect(found.map(\.part) == ["schools", "teachers"])
    #expect(found[0].reason == "12 of the target 75 schools engaged from 2026-09-01 to 2026-11-30; pro rata for 91 of the school year's 365 days the hub would be at 18.70.")
    #expect(found[1].reason.hasSuffix("the hub would be at 149.59."))
    #expect(found.allSatisfy { $0.role == .coordinator && $0.level == "hub" && $0.subjectID == nil })
    // On target, or without one: nothing.
    let ahead = result("reach.schools", [IndicatorRow(value: 19, detail: [.init("target", 75)])])
    let none = result("reach.teachers", [IndicatorRow(value: 0, detail: [.init("target", .null)])])
    #expect(InsightRules.reach.apply(try input([ahead, none])).isEmpty)
    // Its indicators are read over the school year up to the day.
    let w = InsightRules.reach.window!(try Window.parse("2026-11", today: CalendarDate("2026-12-02")!, at: "w"), CalendarDate("2026-11-30")!)
    #expect((w.fromText, w.toText) == ("2026-09-01", "2026-11-30"))
}

@Test func inactiveMentorshipsForTheMentor() throws {
    let r = result("risk.inactive_mentorships", level: .mentorship, [
        IndicatorRow(subjectID: 5, value: 45, detail: [.init("last_activity", "2026-10-16"), .init("level", "teacher")]),
        IndicatorRow(subjectID: 6, value: 70, detail: [.init("last_activity", .null), .init("level", "school")]),
    ])
    let found = InsightRules.inactiveMentorships.apply(try input([r]))
    #expect(found.map(\.subjectID) == [5, 6])
    #expect(found.map(\.severity) == [.warning, .alert])
    #expect(found.allSatisfy { $0.role == .mentor && $0.level == "mentorship" })
    #expect(found[0].title == "Mentorship 5 inactive for 45 days")
    #expect(found[0].reason == "Mentorship 5 (teacher level) has had 45 days without an activity by 2026-11-30, since its last activity on 2026-10-16.")
    #expect(found[1].reason.hasSuffix("since it started, with no activity yet."))
}

@Test func stalledInstancesAndOverduePlans() throws {
    let stalled = result("risk.stalled_instances", [
        IndicatorRow(part: "instance:7", value: 75, detail: [.init("instance", 7), .init("subject_kind", "school"), .init("school", "S1"), .init("step", "anchoring")]),
        IndicatorRow(part: "instance:8", value: 130, detail: [.init("instance", 8), .init("subject_kind", "mentorship"), .init("mentorship", 2), .init("step", .null)]),
    ])
    let s = InsightRules.stalledInstances.apply(try input([stalled]))
    #expect(s.map(\.subjectID) == [7, 8] && s.map(\.level) == ["instance", "instance"])
    #expect(s.map(\.role) == [.schoolLeader, .coordinator] && s.map(\.severity) == [.warning, .alert])
    #expect(s[0].title == "Process of school S1 stalled in step anchoring")
    #expect(s[1].reason == "Process instance 8 of mentorship 2 has had no move for 130 days by 2026-11-30 (never moved).")
    let plans = result("risk.overdue_plans", [
        IndicatorRow(part: "plan:3", value: 40, detail: [.init("plan", 3), .init("title", "Digital plan"), .init("school", "S1"),
                                                         .init("goals_overdue", 1), .init("tasks_overdue", 2)]),
        IndicatorRow(part: "plan:4", value: 5, detail: [.init("plan", 4), .init("person", "T1"), .init("goals_overdue", 0), .init("tasks_overdue", 1)]),
    ])
    let p = InsightRules.overduePlans.apply(try input([plans]))
    #expect(p.map(\.role) == [.schoolLeader, .mentor] && p.map(\.severity) == [.alert, .warning])
    #expect(p[0].reason == "Plan 3 of school S1 has 1 goal(s) and 2 task(s) past their date by 2026-11-30; the oldest by 40 days.")
    // A teacher's code stays out of the stored text.
    #expect(!p[1].reason.contains("T1") && !p[1].title.contains("T1"))
}

@Test func dropoutsDeclinesAndMultiplication() throws {
    let drop = result("risk.dropouts", level: .person, [
        IndicatorRow(subjectID: 11, value: nil, detail: [.init("reason", "moved"), .init("date", "2026-11-03")]),
        IndicatorRow(subjectID: 12, value: 9, detail: [.init("reason", "left school"), .init("date", "2026-11-20")]),
    ])
    let d = InsightRules.dropouts.apply(try input([drop]))
    #expect(d.map(\.subjectID) == [11, 12] && d.allSatisfy { $0.level == "person" && $0.role == .coordinator })
    #expect(d[0].reason == "Dropped out on 2026-11-03 (moved); no activity recorded.")
    #expect(d[1].reason == "Dropped out on 2026-11-20 (left school); last activity 9 days before 2026-11-30.")
    let change = result("maturity.change", [
        IndicatorRow(part: "leaders:A1", value: -0.42, n: 12, detail: [.init("instrument", "selfie"), .init("from", "R1"), .init("to", "R2"), .init("from_mean", 2.1), .init("to_mean", 1.68), .init("hedges_g", -0.55), .init("ci", [-0.7, -0.14])]),
        IndicatorRow(part: "leaders:A2", value: -0.2, n: 12, detail: [.init("ci", [-0.5, 0.1])]),
        IndicatorRow(part: "teachers:A1", value: -0.9, n: 3, detail: [.init("ci", [-1.5, -0.3])]),
    ], suppressed: [nil, nil, "fewer than 5 people"])
    let m = InsightRules.maturityDeclined.apply(try input([change]))
    #expect(m.map(\.part) == ["leaders:A1"] && m[0].severity == .alert)
    #expect(m[0].title == "Maturity declined in area A1 (leaders)")
    #expect(m[0].reason == "The mean of selfie in area A1 (leaders) between R1 and R2 changed by -0.42 (2.10 → 1.68, n = 12); Hedges' g -0.55, 95% CI [-0.70, -0.14].")
    let multi = result("network.multiplication", [IndicatorRow(part: "people", value: 3), IndicatorRow(part: "schools", value: 0)])
    let x = InsightRules.multiplication.apply(try input([multi]))
    #expect(x.count == 1 && x[0].severity == .info && x[0].title == "Mentoring multiplies: 3 person(s) went from mentee to mentor")
}

@Test func keysAndStoredWindows() throws {
    let d = InsightDraft(rule: "r", role: .mentor, severity: .info, level: "mentorship", subjectID: 5, title: "t", reason: "r", action: "a")
    let today = CalendarDate("2026-12-02")!
    #expect(d.key(try Window.parse("2026-11", today: today, at: "w")) == "r|mentorship:5|month:2026-11-01..2026-11-30")
    for text in ["2026-11", "2026/27", "2026/27-T1", "2026/27-T2", "cumulative:2026-10-31", "2026-09-05..2026-10-01"] {
        let w = try Window.parse(text, today: today, at: "w")
        #expect(Window.label(kind: w.kind.rawValue, from: w.fromText, to: w.toText) == text)
    }
}
