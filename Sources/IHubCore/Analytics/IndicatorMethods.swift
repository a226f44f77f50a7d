/// The indicator operations: the catalogue and computing it.
enum IndicatorMethods {
    static let scopeField = Field.optional("hub", .string, "code of the hub (default: every hub, the consortium)")
    static let windowField = Field.optional("window", .string, "the time window: \(Window.grammar) (default cumulative)")

    static let all: [Method] = [
        Method("indicator.list", """
            The indicators of a hub (the built-in set, then the hub's own), or the built-in set: name, description, \
            level, value type and range, options, source.
            """, params: [scopeField]) { engine, p throws(IHubError) in
            let scope = try Indicators.Scope.resolve(engine.db, hub: p["hub"]?.string, at: "params.hub")
            return .array(try Indicators.definitions(engine, hubID: scope.hubID).map(\.described))
        },
        Method("indicator.compute", """
            Compute indicators of a hub (or every hub: the consortium) over a time window: per indicator, its rows \
            (subject by code — a mentorship by id —, part of a breakdown, value, n) or the error that stopped it (a \
            hub script's failure, budget or out-of-range value: reported, never stored). Values that summarise fewer \
            than k people (the hub's min_group_size; over the consortium the largest) are withheld with the reason.
            """, params: [scopeField, windowField,
                          .optional("names", .array(.string), "only these indicators (default: all)"),
                          .optional("options", .any, "options per indicator, e.g. {\"risk.inactive_mentorships\": {\"days\": 30}}"),
                          Pseudonyms.field]) { engine, p throws(IHubError) in
            // The key is made (at first use) before the read snapshot opens.
            let pseudonyms = p["pseudonymous"]?.bool == true ? try Pseudonyms.load(engine.db) : nil
            return try engine.db.snapshot { () throws(IHubError) in
                let (scope, window, definitions) = try request(engine, p)
                let results = try Indicators.compute(engine, definitions, scope: scope, window: window, options: p["options"] ?? .object([]))
                return try Indicators.json(engine.db, results, scope: scope, window: window, pseudonyms: pseudonyms)
            }
        },
    ]

    /// The scope, window and indicators a request names.
    static func request(_ engine: Engine, _ p: JSON) throws(IHubError) -> (Indicators.Scope, Window, [IndicatorDefinition]) {
        let scope = try Indicators.Scope.resolve(engine.db, hub: p["hub"]?.string, at: "params.hub")
        let window = try Window.parse(p["window"]?.string ?? "cumulative", today: CalendarDate(Timestamp.today())!, at: "params.window")
        if let options = p["options"], options.members == nil { throw IHubError.invalid("params.options: must be an object of option objects by indicator name") }
        let all = try Indicators.definitions(engine, hubID: scope.hubID)
        let names = p["names"]?.array?.compactMap(\.string)
        return (scope, window, try Indicators.select(all, names: names, at: "params.names"))
    }
}
