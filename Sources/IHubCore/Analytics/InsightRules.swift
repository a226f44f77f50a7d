/// Insight rules: each reads indicator values of a hub and raises insights
/// for a role — with a severity, a title, the reason (citing the values) and
/// a suggested action. The default set is here; a hub adds its own in Lua
/// (HubInsightRules). Stored texts cite codes and ids, never people's names
/// (an erased person's name must not survive in an insight): the names
/// come from the subject when an insight is read.
enum InsightRole: String, CaseIterable, Sendable {
    case coordinator, schoolLeader = "school_leader", mentor
}

enum InsightSeverity: String, CaseIterable, Sendable {
    case info, warning, alert
}

/// An insight a rule raises, before it is stored.
struct InsightDraft: Sendable {
    var rule: String
    var source = "builtin"
    var role: InsightRole
    var severity: InsightSeverity
    /// person, school, mentorship, hub, instance or plan.
    var level: String
    var subjectID: Int64?
    /// The part of a breakdown it is about (a maturity area): part of the key.
    var part: String?
    var indicator: String?
    var value: Double?
    var title: String
    var reason: String
    var action: String

    /// Rule, subject and window: raised once, whatever the reruns.
    func key(_ window: Window) -> String {
        "\(rule)|\(level):\(subjectID.map { String($0) } ?? "-")" + (part.map { "|" + $0 } ?? "")
            + "|\(window.kind.rawValue):\(window.fromText)..\(window.toText)"
    }
}

/// What rules read: the indicator results they asked for, by name.
struct InsightInput {
    let hub: String
    let window: Window
    let asOf: CalendarDate
    let results: [String: Indicators.Result]

    /// The rows of an indicator that have a value and are not withheld.
    func rows(_ name: String) -> [IndicatorRow] {
        guard let r = results[name], r.error == nil else { return [] }
        return zip(r.rows, r.suppressed).compactMap { row, why in why == nil && row.value != nil ? row : nil }
    }
}

struct InsightRule: Sendable {
    let name: String
    let description: String
    /// The indicators it reads (computed with their default options).
    let indicators: [String]
    /// The window its indicators are computed over, when not the insights' window.
    let window: (@Sendable (Window, CalendarDate) -> Window)?
    let apply: @Sendable (InsightInput) -> [InsightDraft]

    init(_ name: String, _ description: String, indicators: [String],
         window: (@Sendable (Window, CalendarDate) -> Window)? = nil, apply: @escaping @Sendable (InsightInput) -> [InsightDraft]) {
        self.name = name
        self.description = description
        self.indicators = indicators
        self.window = window
        self.apply = apply
    }

    var described: JSON {
        ["name": .string(name), "description": .string(description), "source": "builtin",
         "indicators": .array(indicators.map { .string($0) })]
    }
}

extension IndicatorRow {
    func detail(_ key: String) -> JSON? { detail.first { $0.key == key }?.value }

    /// The id after "kind:" in a case list's part ("instance:12").
    var caseID: Int64? { part.flatMap { $0.split(separator: ":").last }.flatMap { Int64($0) } }
}

/// Numbers as reasons cite them: whole numbers plain, others to 2 decimals.
func cited(_ x: Double) -> String {
    x.rounded() == x && abs(x) < 1e15 ? String(Int64(x)) : Decimal2.text(x)
}

enum InsightRules {
    static let all: [InsightRule] = [reach, inactiveMentorships, stalledInstances, overduePlans, dropouts, maturityDeclined, multiplication]

    /// The school year (1 September – 31 August) that holds `day`: its first
    /// day and its length in days.
    static func schoolYear(of day: CalendarDate) -> (start: CalendarDate, days: Int) {
        let y = day.month >= 9 ? day.year : day.year - 1
        let start = CalendarDate(year: y, month: 9, day: 1)!
        return (start, start.days(to: CalendarDate(year: y + 1, month: 8, day: 31)!) + 1)
    }

    static let reach = InsightRule(
        "reach.behind_target", """
            Schools or teachers engaged in the school year so far, below the hub's target pro rata for the days of \
            the school year gone by (warning; alert below half of it).
            """, indicators: ["reach.schools", "reach.teachers"],
        window: { _, asOf in
            let start = schoolYear(of: asOf).start
            return Window(kind: .custom, from: start, to: asOf, label: "\(start.text)..\(asOf.text)")
        }) { input in
        let (start, yearDays) = schoolYear(of: input.asOf)
        let elapsed = start.days(to: input.asOf) + 1
        var out: [InsightDraft] = []
        for (name, what) in [("reach.schools", "schools"), ("reach.teachers", "teachers")] {
            for row in input.rows(name) where row.subjectID == nil {
                guard let value = row.value, let target = row.detail("target")?.double, target > 0 else { continue }
                let expected = target * Double(elapsed) / Double(yearDays)
                guard value < expected else { continue }
                out.append(InsightDraft(
                    rule: "reach.behind_target", role: .coordinator, severity: value < expected / 2 ? .alert : .warning,
                    level: "hub", part: what, indicator: name, value: value,
                    title: "Reach of \(what) behind the target",
                    reason: "\(cited(value)) of the target \(cited(target)) \(what) engaged from \(start.text) to \(input.asOf.text); "
                        + "pro rata for \(elapsed) of the school year's \(yearDays) days the hub would be at \(cited(expected)).",
                    action: what == "schools"
                        ? "Contact the schools of the hub not yet engaged and invite them to an activity or a mentorship."
                        : "Invite the teachers of engaged schools who have not yet taken part to a workshop or a mentorship."))
            }
        }
        return out
    }

    static let inactiveMentorships = InsightRule(
        "mentorship.inactive", """
            A mentorship with no activity for risk.inactive_mentorships' days (default 30) before the day the window \
            ends (warning; alert at twice that).
            """, indicators: ["risk.inactive_mentorships"]) { input in
        input.rows("risk.inactive_mentorships").compactMap { row -> InsightDraft? in
            guard let id = row.subjectID, let days = row.value else { return nil }
            let since = row.detail("last_activity")?.string.map { "its last activity on \($0)" } ?? "it started, with no activity yet"
            return InsightDraft(
                rule: "mentorship.inactive", role: .mentor, severity: days >= 60 ? .alert : .warning, level: "mentorship",
                subjectID: id, indicator: "risk.inactive_mentorships", value: days,
                title: "Mentorship \(id) inactive for \(cited(days)) days",
                reason: "Mentorship \(id) (\(row.detail("level")?.string ?? "") level) has had \(cited(days)) days without an activity "
                    + "by \(input.asOf.text), since \(since).",
                action: "Get in touch with the pair and schedule a session; if the mentorship has ended, record its end date.")
        }
    }

    static let stalledInstances = InsightRule(
        "process.stalled_instance", """
            A process instance with no move for process.stalled's days (default 60): for the school's leader when the \
            instance is a school's, else for the coordinator (warning; alert at twice that).
            """, indicators: ["risk.stalled_instances"]) { input in
        input.rows("risk.stalled_instances").compactMap { row -> InsightDraft? in
            guard let id = row.detail("instance")?.int ?? row.caseID, let days = row.value else { return nil }
            let school = row.detail("school")?.string
            let of = school.map { "school \($0)" } ?? row.detail("mentorship")?.int.map { "mentorship \($0)" } ?? "a \(row.detail("subject_kind")?.string ?? "team")"
            let step = row.detail("step")?.string
            return InsightDraft(
                rule: "process.stalled_instance", role: school != nil ? .schoolLeader : .coordinator,
                severity: days >= 120 ? .alert : .warning, level: "instance", subjectID: id,
                indicator: "risk.stalled_instances", value: days,
                title: "Process of \(of) stalled" + (step.map { " in step \($0)" } ?? " before its first step"),
                reason: "Process instance \(id) of \(of) has had no move for \(cited(days)) days by \(input.asOf.text)"
                    + (step.map { " (step \($0))." } ?? " (never moved)."),
                action: "Review the step with the people involved: complete it and move on, or close the instance with a reason.")
        }
    }

    static let overduePlans = InsightRule(
        "plan.overdue", """
            A draft or active plan with a goal or task past its date: for the school's leader (a school's plan) or \
            the teacher's mentor (a teacher's plan) (warning; alert from 30 days overdue).
            """, indicators: ["risk.overdue_plans"]) { input in
        input.rows("risk.overdue_plans").compactMap { row -> InsightDraft? in
            guard let id = row.detail("plan")?.int ?? row.caseID, let days = row.value else { return nil }
            let school = row.detail("school")?.string
            let goals = row.detail("goals_overdue")?.int ?? 0, tasks = row.detail("tasks_overdue")?.int ?? 0
            return InsightDraft(
                rule: "plan.overdue", role: school != nil ? .schoolLeader : .mentor, severity: days >= 30 ? .alert : .warning,
                level: "plan", subjectID: id, indicator: "risk.overdue_plans", value: days,
                title: "Plan \(id) overdue by \(cited(days)) days",
                reason: "Plan \(id)" + (school.map { " of school \($0)" } ?? " of a teacher") + " has \(goals) goal(s) and \(tasks) task(s) "
                    + "past their date by \(input.asOf.text); the oldest by \(cited(days)) days.",
                action: "Meet to update the plan: finish or reschedule the late goals and tasks, or drop those no longer wanted.")
        }
    }

    static let dropouts = InsightRule(
        "teacher.dropout", """
            A teacher who dropped out in the window (a mentorship ended with a reason, or left their school with no \
            other membership), for the coordinator.
            """, indicators: ["risk.dropouts"]) { input in
        let all = input.results["risk.dropouts"].map { r in zip(r.rows, r.suppressed).filter { $0.1 == nil }.map(\.0) } ?? []
        return all.compactMap { row -> InsightDraft? in
            guard let id = row.subjectID else { return nil }
            let date = row.detail("date")?.string ?? "?"
            let why = row.detail("reason")?.string ?? "unknown"
            let last = row.value.map { "; last activity \(cited($0)) days before \(input.asOf.text)" } ?? "; no activity recorded"
            return InsightDraft(
                rule: "teacher.dropout", role: .coordinator, severity: .warning, level: "person", subjectID: id,
                indicator: "risk.dropouts", value: row.value,
                title: "A teacher dropped out",
                reason: "Dropped out on \(date) (\(why))\(last).",
                action: "Ask the teacher and their school why, and whether another mentor or a later round would suit them.")
        }
    }

    static let maturityDeclined = InsightRule(
        "maturity.declined", """
            A maturity area (per group) whose mean declined between the two latest rounds, with the whole 95% \
            confidence interval of Hedges' g below 0 (alert, for the coordinator).
            """, indicators: ["maturity.change"]) { input in
        input.rows("maturity.change").compactMap { row -> InsightDraft? in
            guard let change = row.value, let ci = row.detail("ci")?.array, ci.count == 2,
                  let low = ci[0].double, let high = ci[1].double, high < 0 else { return nil }
            let part = row.part ?? "overall"
            let pieces = part.split(separator: ":", maxSplits: 1).map(String.init)
            let (group, area) = pieces.count == 2 ? (pieces[0], pieces[1]) : ("", part)
            let what = (area == "overall" ? "overall" : "in area \(area)") + (group.isEmpty ? "" : " (\(group))")
            let rounds = [row.detail("instrument"), row.detail("from"), row.detail("to")].map { $0?.string }
            let between = rounds[1].flatMap { f in rounds[2].map { " between \(f) and \($0)" } } ?? ""
            let means = [row.detail("from_mean")?.double, row.detail("to_mean")?.double]
            let n = row.n.map { ", n = \($0)" } ?? ""
            let g = row.detail("hedges_g")?.double.map { "Hedges' g \(cited($0)), " } ?? ""
            return InsightDraft(
                rule: "maturity.declined", role: .coordinator, severity: .alert, level: "hub", part: part,
                indicator: "maturity.change", value: change,
                title: "Maturity declined \(what)",
                reason: "The mean\(rounds[0].map { " of \($0)" } ?? "") \(what)\(between) changed by \(cited(change))"
                    + (means[0].flatMap { f in means[1].map { " (\(cited(f)) → \(cited($0))\(n))" } } ?? "")
                    + "; \(g)95% CI [\(cited(low)), \(cited(high))].",
                action: "Look at the area with the schools concerned: choose it as a focus of their action plans and of the mentoring.")
        }
    }

    static let multiplication = InsightRule(
        "network.multiplying", "Mentees of one round who became mentors in a later one (info, for the coordinator).",
        indicators: ["network.multiplication"]) { input in
        input.rows("network.multiplication").compactMap { row -> InsightDraft? in
            guard let count = row.value, count > 0 else { return nil }
            let what = row.part ?? "people"
            let noun = what == "schools" ? "school(s)" : "person(s)"
            return InsightDraft(
                rule: "network.multiplying", role: .coordinator, severity: .info, level: "hub", part: what,
                indicator: "network.multiplication", value: count,
                title: "Mentoring multiplies: \(cited(count)) \(noun) went from mentee to mentor",
                reason: "\(cited(count)) \(noun) mentored in one round mentor in a later round"
                    + (row.detail("cases")?.int.map { " (\($0) mentorship(s))" } ?? "") + ".",
                action: "Recognise the new mentors and share how they got there with the schools starting out.")
        }
    }
}
