/// The report operations: the page, and its tables as data.
enum ReportMethods {
    static let fields: [Field] = [
        .optional("hub", .string, "code of the hub (default: every hub, the consortium)"),
        .optional("window", .string, "the time window: \(Window.grammar) (default cumulative)"),
    ]
    static let tableNames = ["targets", "maturity", "change", "impact", "network_nodes", "network_edges", "activity", "insights"]

    /// What both results say first (`summary`).
    static let summaryFields: [Field] = [IndicatorMethods.envelope[0]] + IndicatorMethods.windowFields + [
        .required("sections", .array(.object([
            .required("id", .string, "the section's id, e.g. \"maturity\""),
            .required("title", .string, "its heading"),
            .required("charts", .integer, "charts it draws"),
            .optional("missing", .string, "why it has no data (absent: it has)"),
        ])), "the report's sections, in page order"),
    ]
    static let fileFields: [Field] = [
        .optional("path", .string, "the file written (with `path`)"),
        .optional("bytes", .integer, "bytes written to it (with `path`)"),
    ]
    static let errors: [Method.Failure] = [
        .notFound("the hub is unknown"), .invalid("the window does not fit"),
        .conflict("a file exists at `path` and overwrite is not true"),
    ]

    static let all: [Method] = [
        Method("report.html", """
            The report of a hub, or of the consortium (every hub), as one self-contained HTML page (inline CSS and SVG \
            charts; no scripts, fonts or requests; printable): targets progress, maturity per area per round, change \
            between rounds with 95% CIs, the impact estimate or why it was refused, the mentoring network, activity per \
            month, open insights. A section whose source is missing says so. The text in `html`, or a file at `path`.
            """, files: true, params: fields + [
                .optional("path", .string, "write the page here instead of returning it (not from hub scripts)"), Output.overwriteField,
            ], result: .object(summaryFields + fileFields + [.optional("html", .document, "the page (no `path`)")]),
               example: ["hub": "LT-CTA"], errors: errors) { engine, p throws(IHubError) in
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
            ], result: .object(summaryFields + [
                .required("format", .oneOf(["json", "csv"]), "the format"),
                .optional("tables", .array(.object([
                    .required("name", .string, "the table's name"),
                    .required("title", .string, "its title"),
                    .required("columns", .array(.string), "its column names"),
                    // Each table has its own columns: a row's keys are data.
                    .required("rows", .array(.map(.any)), "the rows, each an object by column name (a number, text or null per cell)"),
                ])), "json without `path`: the tables"),
                .optional("table", .string, "csv with `table`: the table's name"),
                // One table's text, or each table's text by name: a shape cannot say "string or map".
                .optional("csv", .any, "csv without `path`: the table's text with `table`, else an object of each table's text by name"),
            ] + fileFields),
               example: ["hub": "LT-CTA", "table": "activity"],
               errors: errors + [.invalid("a CSV file at `path` without `table` (a CSV file holds one table)")]) { engine, p throws(IHubError) in
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
