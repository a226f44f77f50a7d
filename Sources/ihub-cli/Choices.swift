import ArgumentParser
import IHubCore

/// The fixed choices of options, as enumerations: the parser refuses any
/// other value and `--help` lists the values. Each mirrors an enum of the
/// method table (api.describe lists them; the CLI tests compare the two).
/// A command's own choices (Log.Kind, ReportCommand.Format) stay with it.

/// What is paired, classified or measured: schools or teachers.
enum Level: String, ExpressibleByArgument, CaseIterable, Sendable {
    case school, teacher
}

/// What a pairing run optimises (pairing.propose objective).
enum Objective: String, ExpressibleByArgument, CaseIterable, Sendable {
    case totalFit = "total_fit", coverage, fairness
}

/// How a pairing run assigns (pairing.propose mode).
enum PairingMode: String, ExpressibleByArgument, CaseIterable, Sendable {
    case optimal, stable
}

/// A group of respondents of an instrument.
enum RespondentGroup: String, ExpressibleByArgument, CaseIterable, Sendable {
    case leaders, teachers, students
}

/// Who an insight speaks to (insight.list role).
enum InsightRole: String, ExpressibleByArgument, CaseIterable, Sendable {
    case coordinator, schoolLeader = "school_leader", mentor
}

/// Where an insight stands (insight.list status).
enum InsightStatus: String, ExpressibleByArgument, CaseIterable, Sendable {
    case open, acknowledged, dismissed
}

/// How urgent an insight is (insight.list severity).
enum Severity: String, ExpressibleByArgument, CaseIterable, Sendable {
    case info, warning, alert

    var style: Style {
        switch self {
        case .info: return .cyan
        case .warning: return .yellow
        case .alert: return .red
        }
    }
}

/// Whose process it is (process.list subject).
enum ProcessSubject: String, ExpressibleByArgument, CaseIterable, Sendable {
    case school, team, mentorship
}

/// At what level a toolbox method works (toolbox.list level).
enum MethodLevel: String, ExpressibleByArgument, CaseIterable, Sendable {
    case intraSchool = "intra_school", interSchool = "inter_school", wholeSchool = "whole_school"
}

/// Where a plan stands (plan.list status).
enum PlanStatus: String, ExpressibleByArgument, CaseIterable, Sendable {
    case draft, active, done, dropped
}

/// How a CSV file writes dates (import.csv date_format).
enum DateFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    case iso = "YYYY-MM-DD", dotted = "DD.MM.YYYY", slashed = "DD/MM/YYYY"
}

/// A CSV separator; `tab` for the tab character.
enum Delimiter: String, ExpressibleByArgument, CaseIterable, Sendable {
    case comma = ",", semicolon = ";", tab

    var character: String { self == .tab ? "\t" : rawValue }
}

/// What a CSV file holds (import.csv and export.csv kind): the exchange's
/// own list, so a kind added there is a value here.
struct ExchangeKind: ExpressibleByArgument, Sendable {
    let name: String

    init?(argument: String) {
        guard ExchangeKinds.names.contains(argument) else { return nil }
        name = argument
    }

    static var allValueStrings: [String] { ExchangeKinds.names }
}
