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
        // The estimate with its interval beside the slope, when the result names them.
        let estimate = result["estimate"] ?? result["did"] ?? result["effect"]
        let value = estimate?.double ?? estimate?["value"]?.double ?? estimate?["estimate"]?.double
        let ci = (result["ci"] ?? estimate?["ci"])?.array.flatMap(interval)
        if let value {
            let said = "difference in differences \(SVGChart.num(value))" + (ci.map { " (95% CI \(SVGChart.num($0.0)) to \(SVGChart.num($0.1)))" } ?? "")
            section.charts.append(SVGChart.groupedBars(id: "chart-impact", title: "Impact of mentoring, \(pair.instrument.name) \(pair.fromCode) → \(pair.toCode)",
                                                       desc: "Estimated effect of mentoring on the change: \(said).",
                                                       categories: ["difference in differences"],
                                                       series: [SVGChart.Series(name: "estimate", values: [value], ci: [ci])],
                                                       valueLabel: "effect on the change"))
        }
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
