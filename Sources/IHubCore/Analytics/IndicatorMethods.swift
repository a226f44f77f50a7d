/// The indicator operations: the catalogue, computing it, storing values
/// per window (the time series) and testing a hub's draft indicators script.
enum IndicatorMethods {
    static let scopeField = Field.optional("hub", .string, "code of the hub (default: every hub, the consortium)")
    static let windowField = Field.optional("window", .string, "the time window: \(Window.grammar) (default cumulative)")

    /// An indicator's definition (indicator.list, indicator.check).
    static let definition: Shape = .object([
        .required("name", .string, "dotted, e.g. \"reach.schools\"; a hub's own start with the hub's prefix"),
        .required("description", .string, "what it measures"),
        .required("level", .oneOf(IndicatorLevel.allCases.map(\.rawValue)), "what a row is about: person, school, mentorship, hub or consortium"),
        .required("type", .oneOf(IndicatorValueType.allCases.map(\.rawValue)), "the kind of value: count, number, share (0 to 1), hours, days or effect"),
        .optional("min", .number, "the smallest value it may take (absent: none)"),
        .optional("max", .number, "the largest value it may take (absent: none)"),
        .required("source", .string, "\"builtin\", or \"script:<hash>\" of the hub's indicators script"),
        .required("options", .array(.any), "the options it takes, described as api.describe describes parameters"),
    ])

    /// A failure that stopped one indicator (reported, never stored).
    static let failure: Shape = .object([
        .required("status", .string, "IHUB_SCRIPT, IHUB_CONSTRAINT or IHUB_LIMIT"),
        .required("message", .string, "what went wrong"),
    ])

    /// The scope and window that head every indicator result.
    static let envelope: [Field] = [
        .required("scope", .object([
            .optional("hub", .string, "code of the hub (a hub's indicators)"),
            .optional("consortium", .boolean, "true: every hub"),
        ]), "whose data: {hub} or {consortium: true}"),
        .required("k", .integer, "the smallest group a value may summarise (the hub's min_group_size; the consortium's largest)"),
    ]
    static let windowFields: [Field] = [
        .required("window", .string, "the window as given or named, e.g. \"cumulative\", \"2025-10\""),
        .required("kind", .oneOf(Window.Kind.allCases.map(\.rawValue)), "month, term, school_year, cumulative or custom"),
        .optional("from", .date, "its first day (absent: cumulative, open)"),
        .required("to", .date, "its last day"),
    ]

    /// A value row. Its common members are listed here; an indicator adds
    /// its own detail members (counts, breakdowns, dates) beside them, which
    /// its definition (indicator.list, the indicators' documentation in
    /// Sources/IHubCore/Analytics) names: hence a map, not an object.
    static let row: Shape = .map(.any)
    static let rowDoc = """
        one per subject and part: subject (a code; a mentorship's id; null at hub or consortium level), subject_name, \
        part (of a breakdown, or null), value (a number, null when withheld), n (people it summarises), suppressed \
        (true: withheld) and reason; then the indicator's own detail members, as its definition in indicator.list \
        and the per-indicator code of Sources/IHubCore/Analytics describe them
        """

    static let computed: Shape = .object([
        .required("name", .string, "the indicator"),
        .required("level", .oneOf(IndicatorLevel.allCases.map(\.rawValue)), "what a row is about"),
        .required("type", .oneOf(IndicatorValueType.allCases.map(\.rawValue)), "the kind of value"),
        .required("source", .string, "\"builtin\" or \"script:<hash>\""),
        .optional("rows", .array(row), rowDoc),
        .optional("error", failure, "the failure that stopped it (then no rows)"),
    ])

    static let computeResult: [Field] = envelope + [
        .optional("pseudonymous", .boolean, "true: people are named by pseudonym only"),
    ] + windowFields + [
        .required("indicators", .array(computed), "per indicator, in catalogue order"),
    ]

    static let all: [Method] = [
        Method("indicator.list", """
            The indicators of a hub (the built-in set, then the hub's own), or the built-in set: name, description, \
            level, value type and range, options, source.
            """, params: [scopeField], result: .array(definition), example: ["hub": "LT-CTA"],
               errors: [.notFound("the hub is unknown")]) { engine, p throws(IHubError) in
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
                          Pseudonyms.field],
               result: .object(computeResult),
               example: ["hub": "LT-CTA", "names": ["reach.schools", "participation.person_hours"], "window": "2025/26"],
               errors: [.notFound("the hub, or an indicator named in `names` or `options`, is unknown"),
                        .invalid("the window or an indicator's options do not fit")]) { engine, p throws(IHubError) in
            // The key is made (at first use) before the read snapshot opens.
            let pseudonyms = p["pseudonymous"]?.bool == true ? try Pseudonyms.load(engine.db) : nil
            return try engine.db.snapshot { () throws(IHubError) in
                let (scope, window, definitions) = try request(engine, p)
                let results = try Indicators.compute(engine, definitions, scope: scope, window: window, options: p["options"] ?? .object([]))
                return try Indicators.json(engine.db, results, scope: scope, window: window, pseudonyms: pseudonyms)
            }
        },
        Method("indicator.snapshot", """
            Compute indicators as indicator.compute does and store their values with the window and the source that \
            computed them (builtin, or script:<hash> of the hub's indicators script): the hub's time series. Storing a \
            window again replaces that window's rows of each indicator, in one transaction (the same data gives the \
            same rows). An indicator that fails is reported with its error and stores nothing (its earlier rows stay). \
            Returns per indicator the rows stored, suppressed and replaced.
            """, writes: true,
               params: [scopeField, windowField,
                        .optional("names", .array(.string), "only these indicators (default: all)"),
                        .optional("options", .any, "options per indicator, as for indicator.compute")],
               result: .object(envelope + windowFields + [
                   .required("computed_at", .timestamp, "when the values were computed and stored"),
                   .required("indicators", .array(.object([
                       .required("name", .string, "the indicator"),
                       .required("level", .oneOf(IndicatorLevel.allCases.map(\.rawValue)), "what a row is about"),
                       .required("source", .string, "\"builtin\" or \"script:<hash>\""),
                       .optional("stored", .integer, "rows stored"),
                       .optional("suppressed", .integer, "of them, rows stored withheld (fewer than k people)"),
                       .optional("replaced", .integer, "rows of the same window replaced"),
                       .optional("error", failure, "the failure that stopped it (nothing stored for it)"),
                   ])), "per indicator"),
               ]),
               example: ["hub": "LT-CTA", "names": ["reach.schools"], "window": "2025/26"],
               errors: [.notFound("the hub, or an indicator named in `names` or `options`, is unknown"),
                        .invalid("the window or an indicator's options do not fit")]) { engine, p throws(IHubError) in
            let (scope, window, definitions) = try request(engine, p)
            return try IndicatorSnapshots.store(engine, definitions, scope: scope, window: window, options: p["options"] ?? .object([]))
        },
        Method("indicator.series", """
            The stored values of one indicator (indicator.snapshot) in a scope, by window end: per point the window, \
            subject, part, value, n, detail, source and when it was computed. Values of fewer than k people are withheld.
            """, params: [scopeField,
                          .required("name", .string, "the indicator, e.g. \"reach.schools\""),
                          .optional("subject", .any, "only this subject: a person's or school's code, a mentorship's id"),
                          .optional("part", .string, "only this part of a breakdown"),
                          .optional("from", .date, "only windows ending on or after this day"),
                          .optional("to", .date, "only windows ending on or before this day")],
               result: .object(envelope + [
                   .required("name", .string, "the indicator"),
                   .required("level", .oneOf(IndicatorLevel.allCases.map(\.rawValue)), "what a point is about"),
                   .required("points", .array(.map(.any)), """
                       by window end: window {kind, from, to}, the row's members (\(rowDoc)), source and computed_at
                       """),
               ]),
               example: ["hub": "LT-CTA", "name": "reach.schools"],
               errors: [.notFound("the hub is unknown, or no indicator has that name in the scope and none is stored"),
                        .invalid("`to` is before `from`; the subject does not fit the indicator's level")]) { engine, p throws(IHubError) in
            try engine.db.snapshot { () throws(IHubError) in try IndicatorSnapshots.series(engine, p) }
        },
        Method("indicator.check", """
            Run a draft of a hub's indicators script over the hub's data without storing anything (how a hub tests \
            one before script.set): its indicators' definitions and results as indicator.compute gives them, each \
            failure (IHUB_SCRIPT, IHUB_CONSTRAINT, IHUB_LIMIT) in its indicator's result, and ok = every one computed.
            """, params: [.required("hub", .string, "code of the hub"),
                          .required("source", .longText, "the draft's Lua text"),
                          windowField,
                          .optional("names", .array(.string), "only these of the draft's indicators (default: all)"),
                          .optional("options", .any, "options per indicator, as for indicator.compute")],
               result: .object([.required("ok", .boolean, "every indicator computed")] + computeResult + [
                   .required("source", .string, "script:<hash> of the draft"),
                   .required("definitions", .array(definition), "the draft's indicators"),
               ]),
               example: ["hub": "LT-CTA", "source": .string(MethodologyMethods.indicatorsExample), "window": "2025/26"],
               errors: [.notFound("the hub, or an indicator named in `names` or `options`, is unknown"),
                        .script("the draft does not load or does not return its indicators"),
                        .invalid("the window or an indicator's options do not fit")]) { engine, p throws(IHubError) in
            try engine.db.snapshot { () throws(IHubError) in try check(engine, p) }
        },
    ]

    /// indicator.check: the draft's indicators computed, nothing stored.
    static func check(_ engine: Engine, _ p: JSON) throws(IHubError) -> JSON {
        let scope = try Indicators.Scope.resolve(engine.db, hub: p["hub"]!.string!, at: "params.hub")
        let window = try Window.parse(p["window"]?.string ?? "cumulative", today: CalendarDate(Timestamp.today())!, at: "params.window")
        guard try HubIndicatorScript.context(engine) != nil else {
            throw IHubError(.misuse, "indicator.check runs a script in the methodology context, which is busy with the calling script")
        }
        let script = HubIndicatorScript(source: p["source"]!.string!, name: "\(scope.hub!)/\(HubIndicators.scriptName)")
        let all = try HubIndicators.definitions(engine, script, hub: scope.hub!)
        try Indicators.checkOptions(p["options"], of: all, at: "params.options")
        let definitions = try Indicators.select(all, names: p["names"]?.array?.compactMap(\.string), at: "params.names")
        let results = try Indicators.compute(engine, definitions, scope: scope, window: window, options: p["options"] ?? .object([]))
        var out = try Indicators.json(engine.db, results, scope: scope, window: window).members ?? []
        out.insert(.init("ok", .bool(results.allSatisfy { $0.error == nil })), at: 0)
        out.append(.init("source", .string("script:" + script.hash)))
        out.append(.init("definitions", .array(definitions.map(\.described))))
        return .object(out)
    }

    /// The scope, window and indicators a request names.
    static func request(_ engine: Engine, _ p: JSON) throws(IHubError) -> (Indicators.Scope, Window, [IndicatorDefinition]) {
        let scope = try Indicators.Scope.resolve(engine.db, hub: p["hub"]?.string, at: "params.hub")
        let window = try Window.parse(p["window"]?.string ?? "cumulative", today: CalendarDate(Timestamp.today())!, at: "params.window")
        let all = try Indicators.definitions(engine, hubID: scope.hubID)
        try Indicators.checkOptions(p["options"], of: all, at: "params.options")
        let names = p["names"]?.array?.compactMap(\.string)
        return (scope, window, try Indicators.select(all, names: names, at: "params.names"))
    }
}
