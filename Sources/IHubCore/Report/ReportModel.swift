/// A report as data: sections, each with its tables, charts and notes. The
/// HTML page, and the JSON and CSV of report.data, are views of one value,
/// so the page never shows a figure the tables do not have.
struct Report {
    var title: String
    var scope: Indicators.Scope
    var window: Window
    var generated: String
    var sections: [ReportSection] = []

    var tables: [ReportTable] { sections.flatMap(\.tables) }
}

struct ReportSection {
    let id: String
    let title: String
    /// What the section shows and how to read it.
    var intro: String
    /// Why the section has no data (a source not available, a refusal), if so.
    var missing: String?
    var notes: [String] = []
    /// Inline SVG markup, each with its title and desc.
    var charts: [String] = []
    var tables: [ReportTable] = []

    /// The section with these tables after its own.
    func with(_ more: ReportTable...) -> ReportSection {
        var s = self
        s.tables += more
        return s
    }

    init(id: String, title: String, intro: String) {
        self.id = id
        self.title = title
        self.intro = intro
    }
}

/// One table of a report: named columns, rows of JSON values.
struct ReportTable {
    let name: String
    let title: String
    let columns: [String]
    var rows: [[JSON]] = []

    init(_ name: String, _ title: String, _ columns: [String]) {
        self.name = name
        self.title = title
        self.columns = columns
    }

    mutating func add(_ values: [JSON]) { rows.append(values) }

    var json: JSON {
        .object([.init("name", .string(name)), .init("title", .string(title)),
                 .init("columns", .array(columns.map { .string($0) })),
                 .init("rows", .array(rows.map { row in .object(zip(columns, row).map { JSON.Member($0, $1) }) }))])
    }

    /// The table as CSV (RFC 4180, a header row of the column names).
    func csv(to output: Output) throws(IHubError) {
        var w = CSVWriter(output)
        try w.record(columns)
        for row in rows { try w.record(row.map { ReportTable.cell($0, w) }) }
    }

    /// A value as the page and CSV print it: arrays (a CI) as "low to high".
    static func cell(_ v: JSON, _ w: CSVWriter? = nil) -> String {
        switch v {
        case .null: return ""
        case .string(let s): return s
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return w?.cell(d) ?? SVGChart.num(d)
        case .array(let a): return a.map { cell($0, w) }.joined(separator: " to ")
        case .object: return v.serialized()
        }
    }
}
