/// A hub's own insight rules: its script named `insights` returns a list of
/// rules `{name=, description=, role=, apply=function(ctx) ... end}`. Each
/// rule runs in the methodology context (read-only, sandboxed, its own
/// budget) and returns insights `{severity=, title=, reason=, action=,
/// role=, level=, subject=, part=, indicator=, value=}`. A rule that fails,
/// runs out of budget or returns a malformed insight is reported and stores
/// nothing; the other rules go on. A rule's `indicators = {...}` are
/// computed before it runs (a hub's own indicators too, which cannot run
/// inside another methodology script) and given as `ctx.indicators[name]`,
/// their rows as indicator.compute returns them.
enum HubInsightRules {
    static let scriptName = "insights"

    struct Rule {
        let name: String
        let description: String
        let role: InsightRole
        let indicators: [String]
    }

    /// A rule that failed: its name (nil: the script itself) and why.
    struct Failure {
        let rule: String?
        let error: IHubError
    }

    /// Runs the hub's rules; nil when it has no `insights` script.
    static func run(_ engine: Engine, hubID: Int64, hub: String, window: Window, asOf: CalendarDate,
                    builtin: Set<String>) throws(IHubError) -> (drafts: [InsightDraft], failures: [Failure], source: String)? {
        guard let script = try HubScriptMethods.load(engine.db, hubID: hubID, name: scriptName) else { return nil }
        let chunk = "\(hub)/\(scriptName)", source = "script:\(script.hash)"
        let context = try engine.methodology()
        try context.loadGlue("insights")  // scripts/methodology/engine/insights.lua
        var drafts: [InsightDraft] = [], failures: [Failure] = []
        let rules: [Rule]
        do throws(IHubError) {
            rules = try declared(context, script.source, chunk, builtin: builtin)
        } catch {
            guard reported(error) else { throw error }
            return ([], [Failure(rule: nil, error: error)], source)
        }
        let ctx: JSON = ["hub": .string(hub), "window": .string(window.label), "from": JSON(window.from?.text),
                         "to": .string(window.toText), "as_of": .string(asOf.text)]
        for (i, rule) in rules.enumerated() {
            do throws(IHubError) {
                var ctx = ctx
                if !rule.indicators.isEmpty {
                    ctx = .object((ctx.members ?? []) + [.init("indicators", try values(engine, rule, hub: hub, window: window))])
                }
                let found = try context.callGlobal("__ihub_insight_apply", [.string(script.source), .string(chunk), .int(Int64(i + 1)), ctx],
                                                   label: "\(chunk): rule \(rule.name)")
                let list = found.first?.array ?? []
                drafts += try list.enumerated().map { (j, x) throws(IHubError) in
                    var d = try draft(engine.db, x, rule: rule, hubID: hubID, at: "\(chunk): rule \(rule.name): insight \(j + 1)")
                    d.source = source
                    return d
                }
            } catch {
                guard reported(error) else { throw error }
                failures.append(Failure(rule: rule.name, error: error))
            }
        }
        return (drafts, failures, source)
    }

    /// The rows of the indicators a rule reads, by name; an unknown or failed
    /// indicator fails the rule.
    private static func values(_ engine: Engine, _ rule: Rule, hub: String, window: Window) throws(IHubError) -> JSON {
        let scope = try Indicators.Scope.resolve(engine.db, hub: hub, at: "params.hub")
        let all = try Indicators.definitions(engine, hubID: scope.hubID)
        let chosen = try Indicators.select(all, names: rule.indicators, at: "rule \(rule.name): indicators")
        let results = try Indicators.compute(engine, chosen, scope: scope, window: window)
        if let failed = results.first(where: { $0.error != nil }), let error = failed.error {
            throw IHubError(error.status, "rule \(rule.name): indicator \(failed.definition.name): \(error.message)")
        }
        let doc = try Indicators.json(engine.db, results, scope: scope, window: window)
        return .object((doc["indicators"]?.array ?? []).map { .init($0["name"]?.string ?? "", $0["rows"] ?? .array([])) })
    }

    /// The rules the hub's script declares (for insight.rules).
    static func declared(_ engine: Engine, _ script: HubScriptMethods.Stored, hub: String) throws(IHubError) -> [Rule] {
        let context = try engine.methodology()
        try context.loadGlue("insights")  // scripts/methodology/engine/insights.lua
        return try declared(context, script.source, "\(hub)/\(scriptName)", builtin: Set(InsightRules.all.map(\.name)))
    }

    /// What a rule's failure may be, to be reported rather than end the
    /// generation: what the script did or asked for (a database failure ends it).
    private static func reported(_ e: IHubError) -> Bool {
        [.script, .limit, .constraint, .invalid, .notFound, .misuse, .conflict].contains(e.status)
    }

    private static func declared(_ context: ScriptContext, _ source: String, _ chunk: String,
                                 builtin: Set<String>) throws(IHubError) -> [Rule] {
        let list = try context.callGlobal("__ihub_insight_rules", [.string(source), .string(chunk)], label: chunk).first?.array ?? []
        var seen: Set<String> = []
        return try list.map { (x) throws(IHubError) -> Rule in
            let name = x["name"]?.string ?? ""
            guard !name.isEmpty, name.utf8.count <= 64, name.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F || $0 == 0x2E || $0 == 0x2D }) else {
                throw IHubError(.script, "\(chunk): rule name \(IHubError.quoted(name)): use 1 to 64 of a-z, 0-9, '_', '-' and '.'")
            }
            guard !builtin.contains(name) else { throw IHubError(.script, "\(chunk): rule \(IHubError.quoted(name)) has the name of a built-in rule") }
            guard seen.insert(name).inserted else { throw IHubError(.script, "\(chunk): two rules are named \(IHubError.quoted(name))") }
            var role = InsightRole.coordinator
            if let r = x["role"], !r.isNull {
                guard let parsed = r.string.flatMap(InsightRole.init(rawValue:)) else {
                    throw IHubError(.script, "\(chunk): rule \(name): role must be coordinator, school_leader or mentor")
                }
                role = parsed
            }
            var indicators: [String] = []
            for v in x["indicators"]?.array ?? [] {
                guard let s = v.string else { throw IHubError(.script, "\(chunk): rule \(name): indicators must be a list of indicator names") }
                indicators.append(s)
            }
            guard let description = (x["description"] ?? .string("")).string else {
                throw IHubError(.script, "\(chunk): rule \(name): description must be a string")
            }
            if description.utf8.count > Limits.text {
                throw IHubError(.script, "\(chunk): rule \(name): description: \(description.utf8.count) bytes is over the limit of \(Limits.text) bytes")
            }
            return Rule(name: name, description: description, role: role, indicators: indicators)
        }
    }

    static let levels = ["hub", "person", "school", "mentorship", "instance", "plan"]

    /// One returned insight, checked: what is wrong names its place.
    private static func draft(_ db: Database, _ x: JSON, rule: Rule, hubID: Int64, at what: String) throws(IHubError) -> InsightDraft {
        func bad(_ why: String) -> IHubError { IHubError(.script, "\(what): \(why)") }
        guard x.members != nil else { throw bad("expected a table, got \(x.kindName)") }
        func text(_ key: String, required: Bool = true) throws(IHubError) -> String? {
            guard let v = x[key], !v.isNull else {
                if required { throw bad("\(key) is missing") }
                return nil
            }
            guard let s = v.string, !s.isEmpty else { throw bad("\(key) must be a non-empty string, got \(v.kindName)") }
            if let problem = Shape.textProblem(s, multiline: false, maxBytes: Limits.text) { throw bad("\(key): \(problem.reason)") }
            return s
        }
        guard let severity = try text("severity").flatMap(InsightSeverity.init(rawValue:)) else { throw bad("severity must be info, warning or alert") }
        var role = rule.role
        if let r = try text("role", required: false) {
            guard let parsed = InsightRole(rawValue: r) else { throw bad("role must be coordinator, school_leader or mentor") }
            role = parsed
        }
        let level = try text("level", required: false) ?? "hub"
        guard levels.contains(level) else { throw bad("level must be one of \(levels.joined(separator: ", "))") }
        var subjectID: Int64?
        if let s = x["subject"], !s.isNull {
            guard level != "hub" else { throw bad("a hub-level insight has no subject") }
            subjectID = try subject(db, s, level: level, hubID: hubID, bad: bad)
        } else if level != "hub" {
            throw bad("subject is missing (a \(level)'s \(level == "person" || level == "school" ? "code" : "id"))")
        }
        var value: Double?
        if let v = x["value"], !v.isNull {
            guard let d = v.double, d.isFinite else { throw bad("value must be a finite number, got \(v.kindName)") }
            value = d
        }
        return InsightDraft(rule: rule.name, role: role, severity: severity, level: level, subjectID: subjectID,
                            part: try text("part", required: false), indicator: try text("indicator", required: false), value: value,
                            title: try text("title")!, reason: try text("reason")!, action: try text("action")!)
    }

    /// The row id of an insight's subject: a person's or school's code, or
    /// a mentorship's, instance's or plan's id — of the hub.
    private static func subject(_ db: Database, _ s: JSON, level: String, hubID: Int64,
                                bad: (String) -> IHubError) throws(IHubError) -> Int64 {
        let kind: RecordKind
        switch level {
        case "person": kind = .person
        case "school": kind = .school
        default:
            guard let id = s.int else { throw bad("subject must be the \(level)'s id, got \(s.kindName)") }
            guard try db.insights.belongs(level: level, id: id, hubID: hubID) else { throw bad("no \(level) \(id) in the hub") }
            return id
        }
        guard let code = s.string else { throw bad("subject must be the \(level)'s code, got \(s.kindName)") }
        guard let found = try db.recordInHub(kind, code: code), found.hubID == hubID else {
            throw bad("no \(level) \(IHubError.quoted(code)) in the hub")
        }
        let id = found.id
        return id
    }
}
