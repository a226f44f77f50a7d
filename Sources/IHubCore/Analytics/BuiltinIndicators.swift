/// The built-in indicator set, in catalogue order; each family lives in its
/// own file.
enum BuiltinIndicators {
    static let all: [IndicatorDefinition] = ReachIndicators.all + ParticipationIndicators.all + ProcessIndicators.all
        + MaturityIndicators.all + NetworkIndicators.all + EngagementIndicators.all + RiskIndicators.all

    static let byName: [String: IndicatorDefinition] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })
}
