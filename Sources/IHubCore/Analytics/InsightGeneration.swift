/// insight.generate: compute what the rules read, apply the default rules
/// and the hub's own, store what they raise (once per rule, subject and
/// window) and return it.
enum InsightGeneration {
    /// The insights' window when none is given: the school year of today.
    static func defaultWindow(today: CalendarDate) -> Window {
        let start = InsightRules.schoolYear(of: today).start
        let label = "\(start.year)/\(String(start.year + 1).suffix(2))"
        return Window(kind: .schoolYear, from: start, to: CalendarDate(year: start.year + 1, month: 8, day: 31)!, label: label)
    }

    struct Outcome {
        var drafts: [InsightDraft] = []
        var skipped: [JSON] = []
        var errors: [JSON] = []
    }

    static func run(_ engine: Engine, hub: String, window: Window) throws(IHubError) -> JSON {
        let db = engine.db
        let scope = try Indicators.Scope.resolve(db, hub: hub, at: "params.hub")
        guard let hubID = scope.hubID else { throw IHubError.invalid("params.hub: insights are raised for one hub") }
        let asOf = min(window.to, CalendarDate(Timestamp.today())!)
        var outcome = try builtin(engine, scope: scope, window: window, asOf: asOf)
        let names = Set(InsightRules.all.map(\.name))
        if let own = try HubInsightRules.run(engine, hubID: hubID, hub: hub, window: window, asOf: asOf, builtin: names) {
            outcome.drafts += own.drafts
            outcome.errors += own.failures.map { f in
                ["rule": JSON(f.rule), "source": .string(own.source), "status": .string(f.error.status.name), "message": .string(f.error.message)]
            }
        }
        var insights: [JSON] = [], seen: Set<Int64> = []
        var created: Int64 = 0
        let methodology = try MethodologyLoad.label(db, hubID: hubID)
        for d in outcome.drafts {
            let key = d.key(window)
            let raised = try db.insights.raise(hubID: hubID, d, key: key, window: window)
            if raised { created += 1 }
            guard let row = try db.insights.get(hubID: hubID, key: key) else {
                throw IHubError(.error, "insight \(IHubError.quoted(key)) was stored but cannot be read back")
            }
            if raised { try DecisionLog.insight(db, hubID: hubID, id: row.id, d, window: window, methodology: methodology) }
            guard seen.insert(row.id).inserted else { continue }
            insights.append(InsightMethods.json(row, feedback: try db.insights.feedback(insightID: row.id)))
        }
        return .object([.init("hub", .string(hub))] + window.members + [
            .init("as_of", .string(asOf.text)), .init("created", .int(created)), .init("kept", .int(Int64(insights.count) - created)),
            .init("insights", .array(insights)), .init("skipped", .array(outcome.skipped)), .init("errors", .array(outcome.errors)),
        ])
    }

    /// The default rules. A rule whose indicators the hub lacks is skipped; one
    /// whose indicator failed is reported; each indicator is computed once per window.
    private static func builtin(_ engine: Engine, scope: Indicators.Scope, window: Window, asOf: CalendarDate) throws(IHubError) -> Outcome {
        var out = Outcome()
        let definitions = try Indicators.definitions(engine, hubID: scope.hubID)
        var byName: [String: IndicatorDefinition] = [:]
        for d in definitions where byName[d.name] == nil { byName[d.name] = d }
        var computed: [String: Indicators.Result] = [:]  // by window label and name
        for rule in InsightRules.all {
            let missing = rule.indicators.filter { byName[$0] == nil }
            if !missing.isEmpty {
                out.skipped.append(["rule": .string(rule.name), "reason": .string("no indicator \(missing.joined(separator: ", "))")])
                continue
            }
            let w = rule.window?(window, asOf) ?? window
            let needed = rule.indicators.filter { computed[w.label + "|" + $0] == nil }.compactMap { byName[$0] }
            for r in try Indicators.compute(engine, needed, scope: scope, window: w) { computed[w.label + "|" + r.definition.name] = r }
            var results: [String: Indicators.Result] = [:]
            for name in rule.indicators { results[name] = computed[w.label + "|" + name] }
            if let (name, error) = rule.indicators.lazy.compactMap({ n in results[n]?.error.map { (n, $0) } }).first {
                out.errors.append(["rule": .string(rule.name), "source": "builtin", "status": .string(error.status.name),
                                   "message": .string("\(name): \(error.message)")])
                continue
            }
            out.drafts += rule.apply(InsightInput(hub: scope.hub ?? "", window: w, asOf: min(w.to, asOf), results: results))
        }
        return out
    }
}

extension Window {
    /// The spelling of a stored window (kind and bounds), as `parse` reads it.
    static func label(kind: String, from: String, to: String) -> String {
        let year = Int(from.prefix(4)) ?? 0
        func schoolYear(_ y: Int) -> String { "\(y)/\(String(y + 1).suffix(2))" }
        switch Kind(rawValue: kind) {
        case .month: return String(from.prefix(7))
        case .schoolYear: return schoolYear(year)
        case .term: return from.dropFirst(5).hasPrefix("09") ? schoolYear(year) + "-T1" : schoolYear(year - 1) + "-T2"
        case .cumulative: return "cumulative:\(to)"
        case .custom, nil: return "\(from)..\(to)"
        }
    }
}
