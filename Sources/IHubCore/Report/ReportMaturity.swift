/// The report's assessment sections: maturity per area per round, the
/// change between the two latest rounds with its confidence intervals, and
/// the impact estimate of mentoring on that change.
enum ReportMaturity {
    /// The two rounds (of one hub) and the instrument the change and impact
    /// sections compare: the latest round of the scope with responses, and
    /// the latest earlier round of its hub with the same instrument.
    struct Pair {
        let instrument: Instrument
        let from: JSON
        let to: JSON

        var fromCode: String { from["code"]?.string ?? "" }
        var toCode: String { to["code"]?.string ?? "" }
    }

    /// Rounds of the scope by start date (then id), each with the
    /// instruments that have responses or reports in it.
    static func rounds(_ src: HubReport.Sources, hubs: [ConsortiumReport.Hub]) throws(IHubError)
        -> (section: ReportSection, pair: Pair?)
    {
        var section = ReportSection(id: "maturity", title: "Maturity per area per round", intro: """
            Mean score per area and respondent group in each round (assessment.aggregate); groups of fewer than k \
            respondents are withheld.
            """)
        var table = ReportTable("maturity", "Maturity per area per round",
                                ["hub", "round", "instrument", "group", "area", "area_name", "n", "mean", "sd", "suppressed"])
        var rounds: [(round: JSON, instruments: [Instrument])] = []
        for hub in hubs where src.scope.hub == nil || src.scope.hub == hub.code {
            for r in try src.engine.call("round.list", ["hub": .string(hub.code)]).array ?? [] {
                guard let id = r["id"]?.int else { continue }
                var instruments: [Instrument] = []
                for i in try src.engine.db.assessment.instrumentIDs(roundID: id) { instruments.append(try Instrument.load(src.engine.db, id: i)) }
                rounds.append((r, instruments))
            }
        }
        rounds.sort { a, b in
            (a.round["start_date"]?.string ?? "", a.round["id"]?.int ?? 0) < (b.round["start_date"]?.string ?? "", b.round["id"]?.int ?? 0)
        }
        // A chart per hub and instrument: areas along, a bar per round (the pooled group).
        var charts: [String: (hub: String, instrument: Instrument, rounds: [String], means: [[String: Double]])] = [:]
        var order: [String] = []
        for (round, instruments) in rounds {
            let code = round["code"]?.string ?? "", hub = round["hub"]?.string ?? ""
            for instrument in instruments {
                // A refused aggregate (an instrument the round cannot use) leaves that chart out, not the report.
                guard case .success(let agg) = try src.call("assessment.aggregate", [.init("round", .string(code)),
                                                                                     .init("instrument", .string(instrument.code))]) else { continue }
                var means: [String: Double] = [:]
                let rows = agg["results"]?.array ?? []
                let pooled = pooledGroup(rows)
                for row in rows {
                    let group = row["group"]?.string ?? ""
                    table.add([.string(hub), .string(code), .string(instrument.code), .string(group), row["area"] ?? .null, row["name"] ?? .null,
                               row["n"] ?? .null, row["mean"] ?? .null, row["sd"] ?? .null, row["suppressed"] ?? .bool(false)])
                    if group == pooled, let area = row["area"]?.string, let mean = row["mean"]?.double { means[area] = mean }
                }
                let key = "\(hub)/\(instrument.code)"
                if charts[key] == nil { order.append(key); charts[key] = (hub, instrument, [], []) }
                charts[key]!.rounds.append(code)
                charts[key]!.means.append(means)
            }
        }
        for (i, key) in order.enumerated() {
            let c = charts[key]!
            let areas = c.instrument.areas.map(\.code) + ["overall"]
            let names = c.instrument.areas.map(\.name) + ["Overall"]
            let series = zip(c.rounds, c.means).map { round, means in SVGChart.Series(name: "round \(round)", values: areas.map { means[$0] }) }
            let said = zip(c.rounds, c.means).map { round, means in
                "round \(round): " + zip(areas, names).map { a, name in "\(name) \(means[a].map(SVGChart.num) ?? "withheld")" }.joined(separator: ", ")
            }
            section.charts.append(SVGChart.groupedBars(id: "chart-maturity-\(i + 1)", title: "\(c.instrument.name) per area, \(c.hub)",
                                                       desc: "Mean score per area by round. " + said.joined(separator: "; ") + ".",
                                                       categories: names, series: series, valueLabel: "mean score"))
        }
        if rounds.allSatisfy({ $0.instruments.isEmpty }) { section.missing = "No assessment responses in any round of this scope." }
        section.tables.append(table)
        return (section, latestPair(rounds))
    }

    /// The group whose means the charts show: all respondents when the
    /// instrument reports them pooled, else its first group.
    private static func pooledGroup(_ rows: [JSON]) -> String {
        let groups = rows.compactMap { $0["group"]?.string }
        return groups.contains("all") ? "all" : groups.first ?? ""
    }

    private static func latestPair(_ rounds: [(round: JSON, instruments: [Instrument])]) -> Pair? {
        for (i, later) in rounds.enumerated().reversed() {
            for instrument in later.instruments {
                for earlier in rounds[..<i].reversed() where earlier.round["hub"] == later.round["hub"]
                    && earlier.instruments.contains(where: { $0.code == instrument.code })
                {
                    return Pair(instrument: instrument, from: earlier.round, to: later.round)
                }
            }
        }
        return nil
    }

    // MARK: change between rounds

    static func change(_ src: HubReport.Sources, pair: Pair?) throws(IHubError) -> ReportSection {
        var section = ReportSection(id: "change", title: "Change between rounds", intro: """
            The change of the mean per area and group between the two latest rounds, with Hedges' g and its 95% \
            confidence interval (the whisker); an interval that crosses zero is no clear change.
            """)
        var table = ReportTable("change", "Change between rounds",
                                ["instrument", "from", "to", "group", "area", "from_mean", "to_mean", "change", "n_from", "n_to",
                                 "hedges_g", "ci_low", "ci_high", "suppressed"])
        guard let pair else {
            section.missing = "No two rounds of one hub with the same instrument."
            return section.with(table)
        }
        var rows: [(group: String, area: String, g: Double?, ci: (Double, Double)?)] = []
        let options: JSON = ["maturity.change": ["instrument": .string(pair.instrument.code), "from": .string(pair.fromCode), "to": .string(pair.toCode)]]
        // Over the consortium the two rounds are one hub's: the change is that hub's.
        let hub = src.scope.hub == nil ? pair.from["hub"]?.string : nil
        if let hub { section.notes.append("The consortium's two latest rounds with one instrument are hub \(hub)'s.") }
        if let result = try src.indicators(["maturity.change"], hub: hub, options: options)["maturity.change"] {
            let list: [JSON]
            switch result {
            case .failure(let e):
                section.missing = "maturity.change: \(e.message)"
                return section.with(table)
            case .success(let l): list = l
            }
            for r in list {
                let part = (r["part"]?.string ?? ":").split(separator: ":", maxSplits: 1).map(String.init)
                let (group, area) = (part.first ?? "", part.count > 1 ? part[1] : "")
                let ci = r["ci"]?.array
                table.add([.string(pair.instrument.code), .string(pair.fromCode), .string(pair.toCode), .string(group), .string(area),
                           r["from_mean"] ?? .null, r["to_mean"] ?? .null, r["value"] ?? .null, r["n_from"] ?? .null, r["n_to"] ?? .null,
                           r["hedges_g"] ?? .null, ci?.first ?? .null, ci?.last ?? .null, r["suppressed"] ?? .bool(false)])
                rows.append((group, area, r["hedges_g"]?.double, ci.flatMap(interval)))
            }
        } else {
            // Without the indicator, the same figures from assessment.compare.
            section.notes.append("maturity.change is not available in this build: the figures are assessment.compare's.")
            let r = try src.engine.call("assessment.compare", ["instrument": .string(pair.instrument.code), "from": .string(pair.fromCode),
                                                               "to": .string(pair.toCode)])
            for c in r["results"]?.array ?? [] {
                let (group, area) = (c["group"]?.string ?? "", c["area"]?.string ?? "")
                let ci = c["ci"]?.array
                table.add([.string(pair.instrument.code), .string(pair.fromCode), .string(pair.toCode), .string(group), .string(area),
                           c["from"]?["mean"] ?? .null, c["to"]?["mean"] ?? .null, c["change"] ?? .null, c["from"]?["n"] ?? .null,
                           c["to"]?["n"] ?? .null, c["hedges_g"] ?? .null, ci?.first ?? .null, ci?.last ?? .null, c["suppressed"] ?? .bool(false)])
                rows.append((group, area, c["hedges_g"]?.double, ci.flatMap(interval)))
            }
        }
        let groups = unique(rows.map(\.group)), areas = unique(rows.map(\.area))
        let names = areas.map { a in pair.instrument.areas.first { $0.code == a }?.name ?? (a == "overall" ? "Overall" : a) }
        let series = groups.map { g in
            SVGChart.Series(name: g, values: areas.map { a in rows.first { $0.group == g && $0.area == a }?.g },
                            ci: areas.map { a in rows.first { $0.group == g && $0.area == a }?.ci })
        }
        if rows.contains(where: { $0.g != nil }) {
            let said = rows.filter { $0.g != nil }.map { "\($0.group) \($0.area): g \(SVGChart.num($0.g!))\($0.ci.map { " (\(SVGChart.num($0.0)) to \(SVGChart.num($0.1)))" } ?? "")" }
            section.charts.append(SVGChart.groupedBars(id: "chart-change", title: "Change from round \(pair.fromCode) to \(pair.toCode), Hedges' g",
                                                       desc: "\(pair.instrument.name): Hedges' g per area and group with 95% CI. " + said.joined(separator: "; ") + ".",
                                                       categories: names, series: series, valueLabel: "Hedges' g"))
        } else {
            section.notes.append("No effect size could be shown (groups withheld or too small).")
        }
        return section.with(table)
    }

    static func interval(_ a: [JSON]) -> (Double, Double)? {
        guard a.count == 2, let lo = a[0].double, let hi = a[1].double else { return nil }
        return (lo, hi)
    }

    static func unique(_ xs: [String]) -> [String] {
        var seen = Set<String>()
        return xs.filter { seen.insert($0).inserted }
    }
}
