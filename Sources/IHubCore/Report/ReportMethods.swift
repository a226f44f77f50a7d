/// The report operations: the page, and its tables as data.
enum ReportMethods {
    static let fields: [Field] = [
        .optional("hub", .string, "code of the hub (default: every hub, the consortium)"),
        .optional("window", .string, "the time window: \(Window.grammar) (default cumulative)"),
    ]
    static let tableNames = ["targets", "maturity", "change", "impact", "network_nodes", "network_edges", "activity", "insights"]

    static let all: [Method] = [
        Method("report.html", """
            The report of a hub, or of the consortium (every hub), as one self-contained HTML page (inline CSS and SVG \
            charts; no scripts, fonts or requests; printable): targets progress, maturity per area per round, change \
            between rounds with 95% CIs, the impact estimate or why it was refused, the mentoring network, activity per \
            month, open insights. A section whose source is missing says so. The text in `html`, or a file at `path`.
            """, files: true, params: fields + [
                .optional("path", .string, "write the page here instead of returning it (not from hub scripts)"), Output.overwriteField,
            ]) { engine, p throws(IHubError) in
            let report = try HubReport.build(engine, hub: p["hub"]?.string, window: p["window"]?.string)
            let output = try Output(path: p["path"]?.string, overwrite: p["overwrite"]?.bool == true)
            output.append(contentsOf: ReportPage.html(report).utf8)
            let text = try output.finish()
            var m = summary(report)
            if let path = p["path"]?.string {
                m += [.init("path", .string(path)), .init("bytes", .int(Int64(output.written)))]
            } else {
                m.append(.init("html", .string(text ?? "")))
            }
            return .object(m)
        },
        Method("report.data", """
            Every table of the report (report.html's figures) as JSON — per table its name, title, columns and rows as \
            objects — or as CSV (a header row, then the rows; one table with `table`, else each table's text by name). \
            Tables: \(tableNames.joined(separator: ", ")).
            """, files: true, params: fields + [
                .optional("format", .oneOf(["json", "csv"]), "json (default) or csv"),
                .optional("table", .oneOf(tableNames), "only this table"),
                .optional("path", .string, "write the JSON document, or the CSV of `table`, here (not from hub scripts)"), Output.overwriteField,
            ]) { engine, p throws(IHubError) in
            let format = p["format"]?.string ?? "json"
            let name = p["table"]?.string
            if p["path"]?.string != nil && format == "csv" && name == nil {
                throw IHubError.invalid("params.path: a CSV file holds one table: give the table")
            }
            let report = try HubReport.build(engine, hub: p["hub"]?.string, window: p["window"]?.string)
            let tables = report.tables.filter { name == nil || $0.name == name }
            var m = summary(report) + [.init("format", .string(format))]
            if format == "json" {
                m.append(.init("tables", .array(tables.map(\.json))))
                guard let path = p["path"]?.string else { return .object(m) }
                let output = try Output(path: path, overwrite: p["overwrite"]?.bool == true)
                output.append(contentsOf: JSON.object(m).serialized(pretty: true).utf8)
                _ = try output.finish()
                return .object(summary(report) + [.init("format", .string(format)), .init("path", .string(path)),
                                                  .init("bytes", .int(Int64(output.written)))])
            }
            if let path = p["path"]?.string {
                let output = try Output(path: path, overwrite: p["overwrite"]?.bool == true)
                try tables[0].csv(to: output)
                _ = try output.finish()
                return .object(m + [.init("table", .string(tables[0].name)), .init("path", .string(path)), .init("bytes", .int(Int64(output.written)))])
            }
            var texts: [JSON.Member] = []
            for t in tables {
                let output = try Output(path: nil)
                try t.csv(to: output)
                texts.append(.init(t.name, .string(try output.finish() ?? "")))
            }
            if let name { return .object(m + [.init("table", .string(name)), .init("csv", texts[0].value)]) }
            return .object(m + [.init("csv", .object(texts))])
        },
    ]

    /// What both results say first: the scope, the window, the sections and
    /// which of them have no data (and why).
    static func summary(_ r: Report) -> [JSON.Member] {
        [.init("scope", r.scope.json)] + r.window.members + [
            .init("sections", .array(r.sections.map { s in
                ["id": .string(s.id), "title": .string(s.title), "charts": .int(Int64(s.charts.count)), "missing": JSON(s.missing)]
            })),
        ]
    }
}
