/// Built-in indicators: process progress.
enum ProcessIndicators {
    static let all: [IndicatorDefinition] = []
}
