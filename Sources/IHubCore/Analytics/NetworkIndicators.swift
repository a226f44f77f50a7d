/// Built-in indicators: the mentoring network and multiplication.
enum NetworkIndicators {
    static let all: [IndicatorDefinition] = []
}
