/// The report of one hub (or of the consortium: every hub): what it is made
/// of, gathered through the method table — indicators, assessments, the
/// network, the impact estimate, insights — so the report shows exactly
/// what those operations return. A source that is not there (an operation
/// or indicator this build lacks) or that refuses (too small a group) makes
/// its section say so; the other sections still appear.
enum HubReport {
    /// The report, read in one snapshot so that its sections agree.
    static func build(_ engine: Engine, hub: String?, window text: String?) throws(IHubError) -> Report {
        try engine.db.snapshot { () throws(IHubError) in try gather(engine, hub: hub, window: text) }
    }

    private static func gather(_ engine: Engine, hub: String?, window text: String?) throws(IHubError) -> Report {
        let scope = try Indicators.Scope.resolve(engine.db, hub: hub, at: "params.hub")
        let today = CalendarDate(Timestamp.today())!
        let window = try Window.parse(text ?? "cumulative", today: today, at: "params.window")
        let hubs = try ConsortiumReport.hubs(engine, scope: scope)
        let title = hub.map { code in "\(hubs.first { $0.code == code }?.name ?? code) (\(code))" } ?? "Consortium of \(hubs.count) hubs"
        var report = Report(title: title, scope: scope, window: window, generated: Timestamp.now())
        let sources = try Sources(engine, scope: scope, window: window)
        report.sections.append(try targets(sources, hubs: hubs))
        let maturity = try ReportMaturity.rounds(sources, hubs: hubs)
        report.sections.append(maturity.section)
        report.sections.append(try ReportMaturity.change(sources, pair: maturity.pair))
        report.sections.append(try ReportMaturity.impact(sources, pair: maturity.pair))
        report.sections.append(try ReportNetwork.section(sources))
        report.sections.append(try activity(sources, hubs: hubs, today: today))
        report.sections.append(try insights(sources, hubs: hubs))
        return report
    }

    /// What a section reads, each read through the method table.
    struct Sources {
        let engine: Engine
        let scope: Indicators.Scope
        let window: Window
        let windowText: String
        /// Names of the indicators this build and hub have.
        let indicators: Set<String>

        init(_ engine: Engine, scope: Indicators.Scope, window: Window) throws(IHubError) {
            self.engine = engine
            self.scope = scope
            self.window = window
            windowText = window.from.map { "\($0.text)..\(window.to.text)" } ?? "cumulative:\(window.to.text)"
            let list = try engine.call("indicator.list", scope.hub.map { ["hub": .string($0)] } ?? .object([]))
            indicators = Set((list.array ?? []).compactMap { $0["name"]?.string })
        }

        var hubParams: [JSON.Member] { scope.hub.map { [.init("hub", .string($0))] } ?? [] }

        /// An operation's result, or why there is none: an operation this
        /// build lacks, a refusal, a bad request. Failures of the store
        /// itself (I/O, corruption, busy) end the report.
        func call(_ method: String, _ params: [JSON.Member]) throws(IHubError) -> Result<JSON, IHubError> {
            do throws(IHubError) {
                return .success(try engine.call(method, .object(params)))
            } catch {
                switch error.status {
                case .notFound, .invalid, .constraint, .script, .limit, .conflict: return .failure(error)
                default: throw error
                }
            }
        }

        /// Rows of the named indicators over `window` (default the report's)
        /// and scope, by name; absent names are left out (see `missing`).
        func indicators(_ names: [String], hub: String? = nil, window: String? = nil,
                        options: JSON = .object([])) throws(IHubError) -> [String: Result<[JSON], IHubError>] {
            let present = names.filter { indicators.contains($0) }
            guard !present.isEmpty else { return [:] }
            var p: [JSON.Member] = [.init("window", .string(window ?? windowText)), .init("names", .array(present.map { .string($0) })),
                                    .init("options", options)]
            if let h = hub ?? scope.hub { p.append(.init("hub", .string(h))) }
            var out: [String: Result<[JSON], IHubError>] = [:]
            switch try call("indicator.compute", p) {
            case .failure(let e):
                for n in present { out[n] = .failure(e) }
            case .success(let r):
                for ind in r["indicators"]?.array ?? [] {
                    guard let name = ind["name"]?.string else { continue }
                    if let e = ind["error"] {
                        out[name] = .failure(IHubError(.error, e["message"]?.string ?? "failed"))
                    } else {
                        out[name] = .success(ind["rows"]?.array ?? [])
                    }
                }
            }
            return out
        }

        /// The sentence of a section without data from `names`.
        func missing(_ names: [String]) -> String? {
            let absent = names.filter { !indicators.contains($0) }
            return absent.isEmpty ? nil : "Not available: this build has no indicator \(absent.joined(separator: ", "))."
        }
    }

    // MARK: targets

    static func targets(_ src: Sources, hubs: [ConsortiumReport.Hub]) throws(IHubError) -> ReportSection {
        var section = ReportSection(id: "targets", title: "Targets progress", intro: """
            Schools and teachers engaged in the window (reach.schools, reach.teachers) against the hub's targets; \
            the bar is the number engaged, the dark tick the target.
            """)
        var table = ReportTable("targets", "Reach against targets", ["hub", "indicator", "engaged", "target", "share_of_target", "in_scope"])
        let names = ["reach.schools", "reach.teachers"]
        section.missing = src.missing(names)
        // The consortium: a row per hub, then the whole.
        let scopes: [String?] = src.scope.hub == nil ? hubs.map(\.code) + [nil] : [src.scope.hub]
        var bars: [(label: String, value: Double, target: Double?)] = []
        for hub in scopes {
            let rows = try src.indicators(names, hub: hub)
            for name in names {
                guard let result = rows[name] else { continue }
                switch result {
                case .failure(let e): section.notes.append("\(name)\(hub.map { " (\($0))" } ?? ""): \(e.message)")
                case .success(let list):
                    for row in list {
                        let noun = name == "reach.schools" ? "schools" : "teachers"
                        table.add([JSON(hub ?? "all"), .string(name), row["value"] ?? .null, row["target"] ?? .null,
                                   row["share_of_target"] ?? .null, row[noun] ?? .null])
                        if hub == src.scope.hub, let v = row["value"]?.double {
                            bars.append(("\(noun == "schools" ? "Schools" : "Teachers") engaged", v, row["target"]?.double))
                        }
                    }
                }
            }
        }
        if !bars.isEmpty {
            section.charts.append(SVGChart.progress(id: "chart-targets", title: "Reach against targets",
                                                    desc: "Schools and teachers engaged in \(src.window.label) against the target: "
                                                        + bars.map { "\($0.label.lowercased()) \(SVGChart.num($0.value))\($0.target.map { " of \(SVGChart.num($0))" } ?? " (no target)")" }.joined(separator: "; "),
                                                    items: bars))
        } else if section.missing == nil && section.notes.isEmpty {
            section.missing = "No reach figures in this window."
        }
        return section.with(table)
    }

    // MARK: activity over time

    /// participation.activities per calendar month of the window (at most
    /// the last 36), a line per kind of activity.
    static func activity(_ src: Sources, hubs: [ConsortiumReport.Hub], today: CalendarDate) throws(IHubError) -> ReportSection {
        var section = ReportSection(id: "activity", title: "Activity over time", intro: """
            Activities per month and kind (participation.activities), voided ones excluded.
            """)
        var table = ReportTable("activity", "Activities per month", ["month", "kind", "activities", "hours"])
        if let why = src.missing(["participation.activities"]) {
            section.missing = why
            return section.with(table)
        }
        let end = min(src.window.to, today)
        var first = src.window.from
        if first == nil {
            for hub in hubs {
                let a = try src.engine.call("activity.list", ["hub": .string(hub.code), "limit": 1])
                if let d = a.array?.first?["date"]?.string.flatMap({ CalendarDate($0) }), first == nil || d < first! { first = d }
            }
        }
        guard let start = first, start <= end else {
            section.missing = "No activities in this window."
            return section.with(table)
        }
        // Each month's days within the window (a custom window may cut its first and last month).
        var months: [String] = [], windows: [String: String] = [:]
        var y = start.year, m = start.month
        while (y, m) <= (end.year, end.month) {
            let label = "\(y)-\(m < 10 ? "0" : "")\(m)", first = CalendarDate(year: y, month: m, day: 1)!
            months.append(label)
            windows[label] = "\(max(first, start).text)..\(min(first.monthEnd, end).text)"
            (y, m) = m == 12 ? (y + 1, 1) : (y, m + 1)
        }
        if months.count > 36 {
            section.notes.append("The last 36 of \(months.count) months.")
            months = Array(months.suffix(36))
        }
        var counts: [String: [Double?]] = [:]
        for (i, month) in months.enumerated() {
            let rows = try src.indicators(["participation.activities"], window: windows[month]!)["participation.activities"]
            switch rows {
            case .failure(let e)?:
                section.missing = "participation.activities: \(e.message)"
                return section.with(table)
            case .success(let list)?:
                for row in list {
                    let kind = row["part"]?.string ?? "all"
                    table.add([.string(month), .string(kind), row["value"] ?? .null, row["hours"] ?? .null])
                    counts[kind, default: Array(repeating: 0, count: months.count)][i] = row["value"]?.double
                }
            case nil: break
            }
        }
        let kinds = counts.keys.sorted()
        if kinds.isEmpty {
            section.missing = "No activities in this window."
            return section.with(table)
        }
        let series = kinds.map { SVGChart.Series(name: $0, values: counts[$0]!) }
        let totals = kinds.map { k in "\(k) \(SVGChart.num(counts[k]!.compactMap { $0 }.reduce(0, +)))" }
        section.charts.append(SVGChart.line(id: "chart-activity", title: "Activities per month",
                                            desc: "Activities per month from \(months.first!) to \(months.last!), by kind; totals: \(totals.joined(separator: ", ")).",
                                            xLabels: months, series: series, valueLabel: "activities"))
        return section.with(table)
    }

    // MARK: insights

    static func insights(_ src: Sources, hubs: [ConsortiumReport.Hub]) throws(IHubError) -> ReportSection {
        var section = ReportSection(id: "insights", title: "Open insights", intro: """
            What the insight rules found and not yet acknowledged or dismissed (insight.list), most severe first, \
            with the reason and a suggested action.
            """)
        var table = ReportTable("insights", "Open insights", ["hub", "severity", "role", "rule", "subject", "subject_name", "title",
                                                              "reason", "action"])
        let rank = ["alert": 0, "warning": 1, "info": 2]
        var found: [(hub: String, insight: JSON, order: Int)] = []
        for hub in hubs where src.scope.hub == nil || src.scope.hub == hub.code {
            switch try src.call("insight.list", [.init("hub", .string(hub.code)), .init("status", "open")]) {
            case .failure(let e):
                section.missing = e.status == .notFound && e.message.contains("unknown method")
                    ? "Not available: this build has no insight.list." : "insight.list: \(e.message)"
                return section.with(table)
            case .success(let r):
                for i in r.array ?? [] { found.append((hub.code, i, found.count)) }
            }
        }
        found.sort { a, b in
            let (ra, rb) = (rank[a.insight["severity"]?.string ?? ""] ?? 9, rank[b.insight["severity"]?.string ?? ""] ?? 9)
            return ra != rb ? ra < rb : a.order < b.order  // else as insight.list orders them
        }
        for (hub, i, _) in found {
            table.add([.string(hub), i["severity"] ?? .null, i["role"] ?? .null, i["rule"] ?? .null, i["subject"] ?? .null,
                       i["subject_name"] ?? .null, i["title"] ?? .null,
                       i["reason"] ?? .null, i["action"] ?? i["suggested_action"] ?? .null])
        }
        if found.isEmpty { section.notes.append("No open insights.") }
        return section.with(table)
    }
}
