/// Built-in indicators: participation and activity.
enum ParticipationIndicators {
    static let all: [IndicatorDefinition] = []
}
