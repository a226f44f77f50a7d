/// The report's impact section: impact.estimate over the rounds the change
/// section compares, or the reason it refused (groups too small).
extension ReportMaturity {
    static func impact(_ src: HubReport.Sources, pair: Pair?) throws(IHubError) -> ReportSection {
        var section = ReportSection(id: "impact", title: "Impact estimate", intro: """
            The change of mentored schools or teachers against comparable unmentored ones (impact.estimate: a \
            difference in differences with a bootstrap confidence interval, and the dose–response on mentoring hours).
            """)
        var table = ReportTable("impact", "Impact estimate", ["measure", "value"])
        guard let pair else {
            section.missing = "No two rounds of one hub with the same instrument to compare."
            return section.with(table)
        }
        let level = pair.instrument.subject == .school ? "school" : "teacher"
        let p = src.hubParams + [.init("instrument", .string(pair.instrument.code)), .init("from", .string(pair.fromCode)),
                                 .init("to", .string(pair.toCode)), .init("level", .string(level))]
        let result: JSON
        switch try src.call("impact.estimate", p) {
        case .failure(let e):
            if e.status == .notFound && e.message.contains("unknown method") {
                section.missing = "Not available: this build has no impact.estimate."
            } else {
                section.missing = "The estimate was refused: \(e.message)"
                table.add(["refused", .string(e.message)])
            }
            return section.with(table)
        case .success(let r): result = r
        }
        flatten(result, "", into: &table)
        for a in result["assumptions"]?.array ?? [] { if let s = a.string { section.notes.append("Assumption: \(s)") } }
        // The two groups' changes and their difference, with its interval.
        let estimate = result["estimate"]
        guard let did = estimate?["did"]?.double ?? estimate?.double else { return section.with(table) }
        let ci = (estimate?["ci"] ?? result["ci"])?.array.flatMap(interval)
        let mentored = result["mentored"]?["change"]?.double, comparison = result["comparison"]?["change"]?.double
        var said = "difference in differences \(SVGChart.num(did))" + (ci.map { " (95% CI \(SVGChart.num($0.0)) to \(SVGChart.num($0.1)))" } ?? "")
        if let mentored, let comparison {
            said = "mean change of the mentored \(SVGChart.num(mentored)), of the comparison \(SVGChart.num(comparison)); " + said
        }
        if let slope = result["dose_response"]?["slope"]?.double {
            let sci = result["dose_response"]?["ci"]?.array.flatMap(interval)
            section.notes.append("Dose–response: \(SVGChart.num(slope)) per hour of mentoring"
                                 + (sci.map { " (95% CI \(SVGChart.num($0.0)) to \(SVGChart.num($0.1)))" } ?? "") + ".")
        }
        section.charts.append(SVGChart.groupedBars(
            id: "chart-impact", title: "Impact of mentoring, \(pair.instrument.name), \(pair.fromCode) → \(pair.toCode)",
            desc: "Change between the rounds: \(said).",
            categories: ["mentored change", "comparison change", "difference in differences"],
            series: [SVGChart.Series(name: "estimate", values: [mentored, comparison, did], ci: [nil, nil, ci])],
            valueLabel: "change of the mean score"))
        return section.with(table)
    }

    /// Every scalar of the estimate as a row `path, value`; a pair of
    /// numbers (an interval) as one value; lists of records left to JSON.
    static func flatten(_ v: JSON, _ path: String, into table: inout ReportTable) {
        switch v {
        case .object(let members):
            for m in members where m.key != "assumptions" { flatten(m.value, path.isEmpty ? m.key : "\(path).\(m.key)", into: &table) }
        case .array(let a) where a.allSatisfy({ $0.double != nil || $0.string != nil || $0.isNull }):
            table.add([.string(path), .string(a.map { ReportTable.cell($0) }.joined(separator: a.count == 2 ? " to " : ", "))])
        case .array(let a):
            for (i, x) in a.enumerated() { flatten(x, "\(path)[\(i + 1)]", into: &table) }
        default:
            table.add([.string(path), v])
        }
    }
}
