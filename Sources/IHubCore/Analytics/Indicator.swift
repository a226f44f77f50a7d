/// The indicator contract: what every indicator — built in or a hub's own in
/// Lua — declares and returns. An indicator describes subjects of one level
/// over a time window; `compute` returns a row per subject (and per part of
/// a breakdown); the pipeline (Indicators) checks each value against the
/// declared type and range, suppresses small groups and names the subjects.

/// The level an indicator describes. A hub-level indicator computed over
/// every hub of the database describes the consortium.
enum IndicatorLevel: String, CaseIterable, Sendable {
    case person, school, mentorship, hub, consortium

    /// The record kind of a subject of this level, where it has a code.
    var recordKind: RecordKind? {
        switch self {
        case .person: .person
        case .school: .school
        case .mentorship, .hub, .consortium: nil
        }
    }
}

/// What an indicator's values are; each has its natural range, which a
/// definition may narrow.
enum IndicatorValueType: String, CaseIterable, Sendable {
    /// A whole number, 0 or more (schools engaged, active mentorships).
    case count
    /// Any real number (a mean change, sessions per month).
    case number
    /// A proportion from 0 to 1 (share of teachers who moved up a level).
    case share
    /// Mentoring hours, 0 or more.
    case hours
    /// Days, 0 or more (time in a step).
    case days
    /// A standardized effect size (Hedges' g).
    case effect

    var naturalRange: (min: Double?, max: Double?) {
        switch self {
        case .count, .hours, .days: (0, nil)
        case .share: (0, 1)
        case .number, .effect: (nil, nil)
        }
    }
}

/// One indicator.
struct IndicatorDefinition: Sendable {
    /// Dotted, e.g. "reach.schools"; a hub's own are "<hub's prefix>.<name>".
    let name: String
    let description: String
    let level: IndicatorLevel
    let type: IndicatorValueType
    /// The values allowed (both inclusive); nil ends are open.
    let min: Double?
    let max: Double?
    /// Options of the computation (e.g. inactive_days), with defaults in their doc.
    let options: [Field]
    /// "builtin", or "script:<hash>" of the hub's indicators script.
    let source: String
    let compute: @Sendable (IndicatorContext) throws(IHubError) -> [IndicatorRow]

    init(_ name: String, _ description: String, level: IndicatorLevel, type: IndicatorValueType,
         min: Double? = nil, max: Double? = nil, options: [Field] = [], source: String = "builtin",
         compute: @escaping @Sendable (IndicatorContext) throws(IHubError) -> [IndicatorRow])
    {
        self.name = name
        self.description = description
        self.level = level
        self.type = type
        self.min = min ?? type.naturalRange.min
        self.max = max ?? type.naturalRange.max
        self.options = options
        self.source = source
        self.compute = compute
    }

    var described: JSON {
        ["name": .string(name), "description": .string(description), "level": .string(level.rawValue),
         "type": .string(type.rawValue), "min": JSON(min), "max": JSON(max), "source": .string(source),
         "options": .array(options.map(\.described))]
    }

    /// Why `value` is not a value of this indicator, or nil when it is.
    func problem(_ value: Double) -> String? {
        if !value.isFinite { return "\(value) is not a finite number" }
        if type == .count && value.rounded() != value { return "\(value) is not a whole number (type count)" }
        if let min, value < min { return "\(value) is below the minimum \(min)" }
        if let max, value > max { return "\(value) is above the maximum \(max)" }
        return nil
    }
}

/// What a computation sees.
struct IndicatorContext {
    let engine: Engine
    var db: Database { engine.db }
    /// The hub; nil: every hub of the database (the consortium).
    let hubID: Int64?
    let hub: String?
    let window: Window
    /// The day "now" means: the window's last day, or today if that is earlier.
    let asOf: CalendarDate
    /// This indicator's options, as given (an object; absent ones take their defaults).
    let options: JSON

    /// What the indicators of one computation share (same scope and window).
    var memo = IndicatorMemo()

    /// An integer option, its default when absent.
    func option(_ name: String, default value: Int64) -> Int64 { options[name]?.int ?? value }

    /// Hours per subject in the scope and window, as activity.hours counts
    /// them; read once per computation (reach and participation both need them).
    func hours(by: HoursSubject) throws(IHubError) -> [Int64: (activities: Int64, minutes: Int64)] {
        if let known = memo.hours[by] { return known }
        let hours = try db.analytics.hours(by: by, hubID: hubID, window: window)
        memo.hours[by] = hours
        return hours
    }
}

/// Results one computation's indicators share, so that the same costly
/// query runs once per scope and window.
final class IndicatorMemo {
    var hours: [HoursSubject: [Int64: (activities: Int64, minutes: Int64)]] = [:]
}

/// One value: of a subject (a person, school or mentorship by id; nil for
/// the hub or the consortium) and, in a breakdown, of one part of it (an
/// area, a step, a kind of stakeholder).
struct IndicatorRow {
    var subjectID: Int64?
    var part: String?
    /// Nil when undefined for the subject (no data); never NaN.
    var value: Double?
    /// How many people the figure summarises, where it summarises people:
    /// below the hub's k the value is suppressed.
    var n: Int?
    /// The row's other facts (a target, a confidence interval, a count behind a share).
    var detail: [JSON.Member] = []

    init(subjectID: Int64? = nil, part: String? = nil, value: Double?, n: Int? = nil, detail: [JSON.Member] = []) {
        self.subjectID = subjectID
        self.part = part
        self.value = value
        self.n = n
        self.detail = detail
    }
}
