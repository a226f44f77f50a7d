/// Built-in indicators: reach against the hub's targets.
enum ReachIndicators {
    static let all: [IndicatorDefinition] = []
}
