/// Continuous monitoring: indicator values stored per time window (with the
/// source that computed them: "builtin" or the hub script's hash), so that
/// a hub gets time series. Storing a window again replaces that window's
/// rows of each indicator: the same data gives the same rows.
enum IndicatorSnapshots {
    /// Computes `definitions` and stores each indicator's rows for the
    /// window, replacing the ones stored before; an indicator that fails is
    /// reported and its stored rows are left as they were. The caller holds
    /// the transaction (indicator.snapshot is a write).
    static func store(_ engine: Engine, _ definitions: [IndicatorDefinition], scope: Indicators.Scope, window: Window,
                      options: JSON) throws(IHubError) -> JSON {
        let results = try Indicators.compute(engine, definitions, scope: scope, window: window, options: options)
        let now = Timestamp.now()
        var out: [JSON] = []
        for r in results {
            var m: [JSON.Member] = [.init("name", .string(r.definition.name)), .init("level", .string(r.level.rawValue)),
                                    .init("source", .string(r.definition.source))]
            if let error = r.error {
                m.append(.init("error", ["status": .string(error.status.name), "message": .string(error.message)]))
                out.append(.object(m))
                continue
            }
            // A withheld value is stored withheld: no value, no detail.
            let rows = zip(r.rows, r.suppressed).map { row, why in
                SnapshotRow(level: r.level.rawValue, subjectID: row.subjectID, part: row.part ?? "",
                            windowKind: window.kind.rawValue, windowFrom: window.fromText, windowTo: window.toText,
                            value: why == nil ? row.value : nil, n: row.n.map(Int64.init), suppressed: why != nil,
                            detail: why == nil ? JSON.object(row.detail).serialized() : "{}",
                            source: r.definition.source, computedAt: now)
            }
            let replaced = try engine.db.indicatorStore.replace(hubID: scope.hubID, indicator: r.definition.name,
                                                                windowFrom: window.fromText, windowTo: window.toText, rows: rows)
            m += [.init("stored", .int(Int64(rows.count))), .init("suppressed", .int(Int64(rows.count(where: \.suppressed)))),
                  .init("replaced", .int(replaced))]
            out.append(.object(m))
        }
        return .object([.init("scope", scope.json), .init("k", .int(Int64(scope.k)))] + window.members
                       + [.init("computed_at", .string(now)), .init("indicators", .array(out))])
    }

    /// The stored series of one indicator: a point per window, subject and
    /// part, by window end. A value that summarises fewer people than the
    /// scope's k is withheld now, whatever k was when it was stored.
    static func series(_ engine: Engine, _ p: JSON) throws(IHubError) -> JSON {
        let db = engine.db
        let scope = try Indicators.Scope.resolve(db, hub: p["hub"]?.string, at: "params.hub")
        let name = p["name"]!.string!
        let from = p["from"]?.string, to = p["to"]?.string
        if let from, let to, from > to { throw IHubError.invalid("params.to: \(to) is before params.from (\(from))") }
        guard let level = try level(engine, scope: scope, name: name) else {
            throw IHubError.notFound("params.name: no indicator \(IHubError.quoted(name)) in this scope, and none stored (indicator.list lists them)")
        }
        let subjectID = try subject(db, p["subject"], level: level, scope: scope)
        let stored = try db.indicatorStore.series(hubID: scope.hubID, indicator: name, subjectID: subjectID,
                                                  part: p["part"]?.string, from: from, to: to)
        let names = stored.contains { $0.subjectID != nil } ? try db.analytics.subjectNames(level, hubID: scope.hubID) : [:]
        var points: [JSON] = []
        for s in stored {
            let detail = try db.storedJSON(s.detail, at: "indicator_snapshots.detail").members ?? []
            let row = IndicatorRow(subjectID: s.subjectID, part: s.part.isEmpty ? nil : s.part, value: s.value,
                                   n: s.n.map { Int($0) }, detail: detail)
            var why = s.n.flatMap { Suppression.reason(n: Int($0), k: scope.k, of: "people") }
            if s.suppressed && why == nil { why = "withheld when it was computed (fewer people than that day's k)" }
            // The window as an object, so that no detail key can hide it.
            let window: [JSON.Member] = [.init("window", ["kind": .string(s.windowKind), "from": JSON(s.windowFrom.isEmpty ? nil : s.windowFrom),
                                                          "to": .string(s.windowTo)])]
            let members = Indicators.rowJSON(row, level: level, names: names, suppressed: why).members ?? []
            points.append(.object(window + members + [.init("source", .string(s.source)), .init("computed_at", .string(s.computedAt))]))
        }
        return .object([.init("scope", scope.json), .init("k", .int(Int64(scope.k))), .init("name", .string(name)),
                        .init("level", .string(level.rawValue)), .init("points", .array(points))])
    }

    /// The indicator's level: as the scope's catalogue defines it, else as
    /// it was stored (a hub indicator since removed keeps its history).
    private static func level(_ engine: Engine, scope: Indicators.Scope, name: String) throws(IHubError) -> IndicatorLevel? {
        if let d = try Indicators.definitions(engine, hubID: scope.hubID).first(where: { $0.name == name }) {
            return d.level == .hub && scope.hubID == nil ? .consortium : d.level
        }
        return try engine.db.indicatorStore.storedLevel(hubID: scope.hubID, indicator: name).flatMap(IndicatorLevel.init(rawValue:))
    }

    /// params.subject: a person's or school's code, a mentorship's id.
    private static func subject(_ db: Database, _ value: JSON?, level: IndicatorLevel, scope: Indicators.Scope) throws(IHubError) -> Int64? {
        guard let value, !value.isNull else { return nil }
        switch level {
        case .person, .school:
            guard let code = value.string else { throw IHubError.invalid("params.subject: expected the \(level.rawValue)'s code") }
            return try db.requireID(level.recordKind!, code: code, at: "params.subject")
        case .mentorship:
            guard let id = value.int ?? value.string.flatMap({ Int64($0) }) else { throw IHubError.invalid("params.subject: expected the mentorship's id") }
            return id
        case .hub, .consortium:
            throw IHubError.invalid("params.subject: a \(level.rawValue)-level indicator has no subjects")
        }
    }
}
