/// The indicator pipeline: which indicators a hub has (the built-in set, then
/// its own), and computing them over a scope and window — each value checked
/// against its definition, small groups suppressed, subjects named.
enum Indicators {
    /// Where a computation looks: one hub, or every hub (the consortium).
    struct Scope {
        let hubID: Int64?
        let hub: String?
        /// k of small-group suppression: the hub's min_group_size; over the
        /// consortium the largest of its hubs'.
        let k: Int

        static func resolve(_ db: Database, hub: String?, at path: String) throws(IHubError) -> Scope {
            guard let hub else { return Scope(hubID: nil, hub: nil, k: try db.analytics.k(hubID: nil)) }
            let id = try db.requireID(.hub, code: hub, at: path)
            return Scope(hubID: id, hub: hub, k: try db.analytics.k(hubID: id))
        }

        var json: JSON { hub.map { ["hub": .string($0)] } ?? ["consortium": true] }
    }

    /// The outcome of one indicator: its rows, or why it gave none (a hub
    /// script that failed, ran out of budget or returned a value out of range).
    struct Result {
        let definition: IndicatorDefinition
        /// The level its rows describe (hub-level over the consortium: consortium).
        let level: IndicatorLevel
        var rows: [IndicatorRow] = []
        var suppressed: [String?] = []  // per row: nil, or why its value is withheld
        var error: IHubError?
    }

    /// The indicators of a hub, in catalogue order: the built-in set, then
    /// the hub's own (none over the consortium).
    static func definitions(_ engine: Engine, hubID: Int64?) throws(IHubError) -> [IndicatorDefinition] {
        BuiltinIndicators.all + (try HubIndicators.definitions(engine, hubID: hubID))
    }

    /// The definitions named by `names` (all of them when nil), in catalogue
    /// order; an unknown name is an error naming `path`.
    static func select(_ all: [IndicatorDefinition], names: [String]?, at path: String) throws(IHubError) -> [IndicatorDefinition] {
        guard let names else { return all }
        let known = Set(all.map(\.name))
        for (i, name) in names.enumerated() where !known.contains(name) {
            throw IHubError.notFound("\(path)[\(i + 1)]: no indicator \(IHubError.quoted(name)) (indicator.list lists them)")
        }
        let wanted = Set(names)
        return all.filter { wanted.contains($0.name) }
    }

    /// Checks options by indicator name (an object of option objects): each
    /// names one of `all` and holds only its declared options, well typed.
    static func checkOptions(_ options: JSON?, of all: [IndicatorDefinition], at path: String) throws(IHubError) {
        guard let options else { return }
        guard let members = options.members else { throw IHubError.invalid("\(path): must be an object of option objects by indicator name") }
        let byName = Dictionary(all.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for m in members {
            guard let d = byName[m.key] else {
                throw IHubError.notFound("\(path): no indicator \(IHubError.quoted(m.key)) (indicator.list lists them)")
            }
            try Shape.object(d.options).validate(m.value, at: "\(path).\(m.key)")
        }
    }

    /// Computes `definitions` over `scope` and `window`. A failing
    /// indicator is reported in its result; the others still run.
    /// `options`: an object of option objects by indicator name.
    static func compute(_ engine: Engine, _ definitions: [IndicatorDefinition], scope: Scope, window: Window,
                        options: JSON = .object([])) throws(IHubError) -> [Result]
    {
        let today = CalendarDate(Timestamp.today())!
        var out: [Result] = []
        let memo = IndicatorMemo()
        for d in definitions {
            let level: IndicatorLevel = d.level == .hub && scope.hubID == nil ? .consortium : d.level
            var result = Result(definition: d, level: level)
            let context = IndicatorContext(engine: engine, hubID: scope.hubID, hub: scope.hub, window: window,
                                           asOf: Swift.min(window.to, today), options: options[d.name] ?? .object([]), memo: memo)
            do throws(IHubError) {
                let rows = try d.compute(context)
                for (i, row) in rows.enumerated() {
                    if let v = row.value, let why = d.problem(v) {
                        throw IHubError(.constraint, "\(d.name): row \(i + 1): \(why)")
                    }
                }
                result.rows = rows
                result.suppressed = rows.map { row in row.n.flatMap { Suppression.reason(n: $0, k: scope.k, of: "people") } }
            } catch {
                // A database failure is not the indicator's: it ends the computation.
                if error.status != .script && error.status != .limit && error.status != .constraint { throw error }
                result.error = error
            }
            out.append(result)
        }
        try ComplementarySuppression.apply(engine, &out, scope: scope, window: window, options: options)
        return out
    }

    /// The results as the method table returns them: rows with subjects by
    /// code and name, suppressed values withheld with the reason. With
    /// `pseudonyms`, people are named by pseudonym only (no name), in the
    /// subject and in every detail key ending in `person`.
    static func json(_ db: Database, _ results: [Result], scope: Scope, window: Window,
                     pseudonyms: Pseudonyms? = nil) throws(IHubError) -> JSON {
        var names: [IndicatorLevel: [Int64: (code: String, name: String)]] = [:]
        var indicators: [JSON] = []
        for r in results {
            var m: [JSON.Member] = [.init("name", .string(r.definition.name)), .init("level", .string(r.level.rawValue)),
                                    .init("type", .string(r.definition.type.rawValue)), .init("source", .string(r.definition.source))]
            if let error = r.error {
                m.append(.init("error", ["status": .string(error.status.name), "message": .string(error.message)]))
                indicators.append(.object(m))
                continue
            }
            if names[r.level] == nil, r.rows.contains(where: { $0.subjectID != nil }) {
                names[r.level] = try db.analytics.subjectNames(r.level, hubID: scope.hubID)
            }
            let rows = zip(r.rows, r.suppressed).map { row, why in
                rowJSON(row, level: r.level, names: names[r.level] ?? [:], suppressed: why, pseudonyms: pseudonyms)
            }
            m.append(.init("rows", .array(rows)))
            indicators.append(.object(m))
        }
        let pseudonymous: [JSON.Member] = pseudonyms == nil ? [] : [.init("pseudonymous", true)]
        return .object([.init("scope", scope.json), .init("k", .int(Int64(scope.k)))] + pseudonymous + window.members
                       + [.init("indicators", .array(indicators))])
    }

    static func rowJSON(_ row: IndicatorRow, level: IndicatorLevel, names: [Int64: (code: String, name: String)],
                        suppressed why: String?, pseudonyms: Pseudonyms? = nil) -> JSON {
        var m: [JSON.Member] = []
        if let id = row.subjectID {
            if level == .mentorship {
                m.append(.init("subject", .int(id)))
            } else if level == .person, let pseudonyms {
                m.append(.init("subject", JSON(names[id].map { pseudonyms.of($0.code) })))
            } else {
                m += [.init("subject", JSON(names[id]?.code)), .init("subject_name", JSON(names[id]?.name))]
            }
        } else {
            m.append(.init("subject", .null))
        }
        m.append(.init("part", JSON(row.part)))
        if let why {
            m += [.init("value", .null), .init("n", JSON(row.n.map(Int64.init))), .init("suppressed", true), .init("reason", .string(why))]
        } else {
            m += [.init("value", JSON(row.value)), .init("n", JSON(row.n.map(Int64.init))), .init("suppressed", false)]
            // A detail never shadows the row's own members.
            let own = Set(m.map(\.key) + ["subject_name"])
            m += (pseudonyms?.members(row.detail) ?? row.detail).filter { !own.contains($0.key) }
        }
        return .object(m)
    }
}
