/// Built-in indicators: maturity change between rounds.
enum MaturityIndicators {
    static let all: [IndicatorDefinition] = []
}
