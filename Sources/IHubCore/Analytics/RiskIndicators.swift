/// Built-in indicators: risks.
enum RiskIndicators {
    static let all: [IndicatorDefinition] = []
}
