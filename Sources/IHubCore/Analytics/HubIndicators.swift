/// A hub's own indicators, declared in Lua by its "indicators" script (see
/// HubIndicatorScript), under the same contract as the built-in set: each
/// becomes an IndicatorDefinition named "<hub code>.<name>", whose source is
/// "script:<hash>" and whose compute runs the script's function. A script
/// that fails, spends its budget or returns what the contract does not
/// allow fails its indicator (IHUB_SCRIPT, IHUB_LIMIT, IHUB_CONSTRAINT):
/// the pipeline reports it and nothing of it is stored.
enum HubIndicators {
    static let scriptName = "indicators"

    /// The hub's own indicators: none over the consortium, without a
    /// script, or inside a running methodology script (see HubIndicatorScript.context).
    static func definitions(_ engine: Engine, hubID: Int64?) throws(IHubError) -> [IndicatorDefinition] {
        guard let hubID, let stored = try HubScriptMethods.load(engine.db, hubID: hubID, name: scriptName) else { return [] }
        let hub = try engine.db.recordName(.hub, id: hubID)?.code ?? "\(hubID)"
        return try definitions(engine, HubIndicatorScript(source: stored.source, name: "\(hub)/\(scriptName)"), hub: hub)
    }

    /// The indicators `script` declares for `hub` (a draft too). A script
    /// that cannot declare them gives one failing indicator, "<hub>.indicators",
    /// which carries the error.
    static func definitions(_ engine: Engine, _ script: HubIndicatorScript, hub: String) throws(IHubError) -> [IndicatorDefinition] {
        guard let context = try HubIndicatorScript.context(engine) else { return [] }
        let source = "script:" + script.hash
        do throws(IHubError) {
            let declared = try script.declarations(context)
            let builtin = Set(BuiltinIndicators.all.map(\.name))
            var out: [IndicatorDefinition] = []
            for (i, d) in declared.enumerated() {
                let local = d["name"]?.string ?? "?"
                let name = "\(hub).\(local)"
                if builtin.contains(name) {
                    throw IHubError(.script, "\(script.name): indicator \(i + 1) is named \(IHubError.quoted(name)), the name of a built-in indicator")
                }
                do throws(IHubError) {
                    out.append(try definition(d, name: name, local: local, script: script, source: source))
                } catch {
                    out.append(failing(name, source: source, error))
                }
            }
            return out
        } catch {
            if isDatabaseFailure(error) { throw error }
            return [failing("\(hub).\(scriptName)", source: source, IHubError(error.status == .limit ? .limit : .script, error.message))]
        }
    }

    /// A definition that reports `error` when computed.
    private static func failing(_ name: String, source: String, _ error: IHubError) -> IndicatorDefinition {
        IndicatorDefinition(name, "does not compute: \(error.message)", level: .hub, type: .number, source: source) { _ throws(IHubError) in
            throw error
        }
    }

    /// A failure of the store, not of the script: it ends the computation.
    static func isDatabaseFailure(_ error: IHubError) -> Bool {
        [.io, .corrupt, .busy, .version, .noMemory].contains(error.status)
    }

    // MARK: Declarations

    /// One declaration checked against the contract.
    private static func definition(_ d: JSON, name: String, local: String, script: HubIndicatorScript,
                                   source: String) throws(IHubError) -> IndicatorDefinition {
        let at = "\(script.name): indicator \(local)"
        guard let description = d["description"]?.string, !description.isEmpty else {
            throw IHubError(.script, "\(at): description must be a non-empty string")
        }
        if let problem = Shape.textProblem(description, multiline: true, maxBytes: Limits.text) {
            throw IHubError(.script, "\(at): description: \(problem.reason)")
        }
        let levels = [IndicatorLevel.person, .school, .mentorship, .hub]
        guard let level = d["level"]?.string.flatMap(IndicatorLevel.init(rawValue:)), levels.contains(level) else {
            throw IHubError(.script, "\(at): level is \(shown(d["level"])); expected one of \(levels.map(\.rawValue).joined(separator: ", "))")
        }
        guard let type = d["type"]?.string.flatMap(IndicatorValueType.init(rawValue:)) else {
            throw IHubError(.script, "\(at): type is \(shown(d["type"])); expected one of \(IndicatorValueType.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let range = try range(d, type: type, at: at)
        let options = try options(d["options"], at: at)
        return IndicatorDefinition(name, description, level: level, type: type, min: range.min, max: range.max,
                                   options: options.map(\.field), source: source) { ctx throws(IHubError) in
            try compute(ctx, script: script, local: local, name: name, level: level, options: options)
        }
    }

    /// min and max: numbers within the type's natural range, min <= max.
    private static func range(_ d: JSON, type: IndicatorValueType, at: String) throws(IHubError) -> (min: Double?, max: Double?) {
        func bound(_ key: String) throws(IHubError) -> Double? {
            guard let v = d[key], !v.isNull else { return nil }
            guard let x = v.double, x.isFinite else { throw IHubError(.script, "\(at): \(key) is \(shown(v)); expected a number or nil") }
            return x
        }
        let natural = type.naturalRange
        let min = try bound("min"), max = try bound("max")
        if let min, let low = natural.min, min < low { throw IHubError(.script, "\(at): min \(min) is below the least \(type.rawValue) value \(low)") }
        if let max, let high = natural.max, max > high { throw IHubError(.script, "\(at): max \(max) is above the largest \(type.rawValue) value \(high)") }
        if let min, let max, min > max { throw IHubError(.script, "\(at): min \(min) is above max \(max)") }
        return (min, max)
    }

    /// A declared option: its field (shape and doc) and its default.
    struct Option: Sendable {
        let field: Field
        let defaultValue: JSON?
    }

    /// options: a list of {name, type = integer|number|string|boolean, description, default}.
    private static func options(_ value: JSON?, at: String) throws(IHubError) -> [Option] {
        guard let value, !value.isNull, value != .object([]) else { return [] }
        guard let list = value.array else { throw IHubError(.script, "\(at): options is \(shown(value)); expected a list of {name =, type =, description =}") }
        let shapes: [String: Shape] = ["integer": .integer, "number": .number, "string": .string, "boolean": .boolean]
        var out: [Option] = []
        for (i, o) in list.enumerated() {
            guard let name = o["name"]?.string, !name.isEmpty, name.utf8.count <= 64 else {
                throw IHubError(.script, "\(at): options[\(i + 1)].name must be a non-empty string of at most 64 bytes")
            }
            guard let shape = shapes[o["type"]?.string ?? "number"] else {
                throw IHubError(.script, "\(at): options[\(i + 1)].type is \(shown(o["type"])); expected integer, number, string or boolean")
            }
            let doc = o["description"]?.string ?? ""
            if let problem = Shape.textProblem(doc, multiline: false, maxBytes: Limits.text) {
                throw IHubError(.script, "\(at): options[\(i + 1)].description: \(problem.reason)")
            }
            let field = Field.optional(name, shape, doc)
            let fallback = o["default"].flatMap { $0.isNull ? nil : $0 }
            if let fallback {
                do throws(IHubError) { try shape.validate(fallback, at: "default") } catch {
                    throw IHubError(.script, "\(at): options[\(i + 1)].\(error.message)")
                }
            }
            if out.contains(where: { $0.field.name == name }) { throw IHubError(.script, "\(at): option \(IHubError.quoted(name)) is declared twice") }
            out.append(Option(field: field, defaultValue: fallback))
        }
        return out
    }

    /// The options compute(ctx) sees: those given, checked against the
    /// declarations, and the defaults of the others.
    private static func effective(_ given: JSON, _ options: [Option], name: String) throws(IHubError) -> JSON {
        try Shape.object(options.map(\.field)).validate(given, at: "params.options.\(name)")
        var members = given.members ?? []
        for o in options where (given[o.field.name] ?? .null).isNull {
            members.removeAll { $0.key == o.field.name }
            if let d = o.defaultValue { members.append(.init(o.field.name, d)) }
        }
        return .object(members)
    }

    static func shown(_ v: JSON?) -> String {
        guard let v, !v.isNull else { return "nil" }
        if let s = v.string { return IHubError.quoted(s, "\"") }
        return v.array != nil || v.members != nil ? "a table" : v.serialized()
    }

    // MARK: Computing

    /// Runs the script's compute over `ctx` and reads its rows.
    private static func compute(_ ctx: IndicatorContext, script: HubIndicatorScript, local: String, name: String,
                                level: IndicatorLevel, options: [Option]) throws(IHubError) -> [IndicatorRow] {
        let given = try effective(ctx.options, options, name: name)
        guard let context = try HubIndicatorScript.context(ctx.engine) else {
            throw IHubError(.script, "\(name): a hub's indicators cannot run inside another methodology script")
        }
        let values: [JSON]
        do throws(IHubError) {
            values = try script.compute(context, local: local, ctx: luaContext(ctx, options: given))
        } catch {
            if isDatabaseFailure(error) { throw error }
            throw IHubError(error.status == .limit ? .limit : .script, error.message)
        }
        let reader = try RowReader(ctx, level: level, name: name)
        var rows: [IndicatorRow] = []
        var seen: Set<String> = []
        for (i, v) in values.enumerated() {
            let row = try reader.row(v, at: i + 1)
            // One value per subject and part: a time series has no duplicates.
            guard seen.insert("\(row.subjectID ?? -1)\u{0}\(row.part ?? "")").inserted else {
                throw IHubError(.script, "\(name): row \(i + 1) repeats the subject and part of an earlier row")
            }
            rows.append(row)
        }
        return rows
    }

    /// What compute(ctx) receives.
    private static func luaContext(_ ctx: IndicatorContext, options: JSON) -> JSON {
        // An open start is left out (nil in Lua), not ihub.null, which is true in a test.
        let window: JSON = .object(ctx.window.members.filter { !$0.value.isNull }.map { $0.key == "window" ? .init("label", $0.value) : $0 })
        return ["hub": JSON(ctx.hub), "window": window, "as_of": .string(ctx.asOf.text), "options": options]
    }

    /// Reads the rows a script returned: {subject, part, value, n, detail}.
    private struct RowReader {
        let name: String
        let level: IndicatorLevel
        let hub: String
        /// Subjects of the hub by code (people, schools) or id (mentorships, as text).
        let subjects: [String: Int64]

        static let keys: Set<String> = ["subject", "part", "value", "n", "detail"]
        /// What a row's JSON holds beside its detail (Indicators.rowJSON).
        static let reserved: Set<String> = ["subject", "subject_name", "part", "value", "n", "suppressed", "reason"]

        init(_ ctx: IndicatorContext, level: IndicatorLevel, name: String) throws(IHubError) {
            self.name = name
            self.level = level
            hub = ctx.hub ?? "every hub"
            switch level {
            case .person, .school:
                var map: [String: Int64] = [:]
                for (id, n) in try ctx.db.analytics.subjectNames(level, hubID: ctx.hubID) { map[n.code] = id }
                subjects = map
            case .mentorship:
                subjects = Dictionary(uniqueKeysWithValues: try ctx.db.indicatorStore.mentorshipIDs(hubID: ctx.hubID).map { ("\($0)", $0) })
            case .hub, .consortium:
                subjects = [:]
            }
        }

        func row(_ v: JSON, at i: Int) throws(IHubError) -> IndicatorRow {
            let at = "\(name): row \(i)"
            guard let members = v.members ?? (v == .array([]) ? [] : nil) else {
                throw IHubError(.script, "\(at) is \(shown(v)); expected a table {subject =, part =, value =, n =, detail =}")
            }
            if let bad = members.first(where: { !Self.keys.contains($0.key) }) {
                throw IHubError(.script, "\(at): unknown field \(IHubError.quoted(bad.key)) (known: detail, n, part, subject, value)")
            }
            var row = IndicatorRow(subjectID: try subject(v["subject"], at: at), value: nil)
            if let part = v["part"], !part.isNull {
                guard let s = part.string, Shape.textProblem(s, multiline: false, maxBytes: 256) == nil else {
                    throw IHubError(.script, "\(at): part is \(shown(part)); expected a one-line string of at most 256 bytes")
                }
                row.part = s
            }
            if let value = v["value"], !value.isNull {
                guard let x = value.double else { throw IHubError(.constraint, "\(at): value is \(shown(value)); expected a number or nil") }
                row.value = x
            }
            if let n = v["n"], !n.isNull {
                guard let k = n.int, k >= 0, k <= Int64(Int32.max) else { throw IHubError(.script, "\(at): n is \(shown(n)); expected a whole number, 0 or more") }
                row.n = Int(k)
            }
            if let detail = v["detail"], !detail.isNull {
                guard let m = detail.members ?? (detail == .array([]) ? [] : nil) else {
                    throw IHubError(.script, "\(at): detail is \(shown(detail)); expected a table of named facts")
                }
                if let bad = m.first(where: { Self.reserved.contains($0.key) }) {
                    throw IHubError(.script, "\(at): detail.\(bad.key) would hide the row's own \(bad.key); name it otherwise")
                }
                // Stored with every snapshot: a fact, not a dump of the script's memory.
                let bytes = detail.serialized().utf8.count
                if bytes > Limits.longText {
                    throw IHubError(.limit, "\(at): detail: \(bytes) bytes of JSON is over the limit of \(Limits.longText) bytes")
                }
                row.detail = m
            }
            return row
        }

        private func subject(_ s: JSON?, at: String) throws(IHubError) -> Int64? {
            let given = s.flatMap { $0.isNull ? nil : $0 }
            switch level {
            case .hub, .consortium:
                if let given { throw IHubError(.script, "\(at): subject is \(shown(given)); a \(level.rawValue)-level row has none") }
                return nil
            case .person, .school, .mentorship:
                let key = level == .mentorship ? given?.int.map { "\($0)" } : given?.string
                guard let key else {
                    let want = level == .mentorship ? "the mentorship's id" : "the \(level.rawValue)'s code"
                    throw IHubError(.script, "\(at): subject is \(shown(given)); expected \(want)")
                }
                guard let id = subjects[key] else {
                    throw IHubError(.script, "\(at): subject \(IHubError.quoted(key)) is not a \(level.rawValue) of \(hub)")
                }
                return id
            }
        }
    }
}
