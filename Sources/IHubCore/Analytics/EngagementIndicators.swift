/// Built-in indicators: stakeholder engagement.
enum EngagementIndicators {
    static let all: [IndicatorDefinition] = []
}
