/// A report as one self-contained HTML page: inline CSS and SVG, no
/// scripts, fonts, images or links to anywhere (the Content-Security-Policy
/// forbids them, so a page that tried would show it), readable on screen
/// and on paper. Every value from the database goes through HTML.escape.
enum ReportPage {
    /// Rows of a table shown on the page; report.data has them all.
    static let shownRows = 60

    static func html(_ report: Report) -> String {
        var w = HTML.Writer()
        w.put("""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
            <title>
            """)
        w.text("ihub report — \(report.title)")
        w.put("</title>\n<style>\n\(style)</style>\n</head>\n<body>\n<header>\n")
        w.element("h1", "ihub report — \(report.title)")
        w.put("<p class=\"meta\">")
        w.text("Window: \(report.window.label) (\(report.window.from?.text ?? "the start") to \(report.window.to.text)) · "
               + "groups smaller than \(report.scope.k) people withheld · generated \(report.generated)")
        w.put("</p>\n<nav aria-label=\"Sections\"><ol>")
        for s in report.sections {
            w.put("<li><a href=\"#\(HTML.escape(s.id))\">")
            w.text(s.title)
            w.put("</a></li>")
        }
        w.put("</ol></nav>\n</header>\n<main>\n")
        for s in report.sections { section(s, &w) }
        w.put("</main>\n<footer><p>")
        w.text("Tables of this report as CSV or JSON: report.data{\(report.scope.hub.map { "hub = \"\($0)\", " } ?? "")format = \"csv\"} or ihub report --format csv.")
        w.put("</p></footer>\n</body>\n</html>\n")
        return w.html
    }

    private static func section(_ s: ReportSection, _ w: inout HTML.Writer) {
        w.put("<section id=\"\(HTML.escape(s.id))\" class=\"report-section\" aria-labelledby=\"\(HTML.escape(s.id))-h\">\n")
        w.put("<h2 id=\"\(HTML.escape(s.id))-h\">")
        w.text(s.title)
        w.put("</h2>\n")
        w.element("p", s.intro, class: "intro")
        if let missing = s.missing { w.element("p", missing, class: "missing") }
        if !s.notes.isEmpty {
            w.put("<ul class=\"notes\">")
            for n in s.notes { w.element("li", n) }
            w.put("</ul>\n")
        }
        for chart in s.charts { w.put("<figure class=\"chart\">\(chart)</figure>\n") }
        for t in s.tables where !t.rows.isEmpty { table(t, &w) }
        w.put("</section>\n")
    }

    private static func table(_ t: ReportTable, _ w: inout HTML.Writer) {
        w.put("<div class=\"table\"><table data-table=\"\(HTML.escape(t.name))\"><caption>")
        w.text(t.title + (t.rows.count > shownRows ? " (the first \(shownRows) of \(t.rows.count) rows; report.data has all)" : ""))
        w.put("</caption>\n<thead><tr>")
        for c in t.columns { w.element("th", c.split(separator: "_").joined(separator: " ")) }
        w.put("</tr></thead>\n<tbody>\n")
        for row in t.rows.prefix(shownRows) {
            w.put("<tr>")
            for v in row {
                switch v {
                case .int, .double: w.element("td", ReportTable.cell(v), class: "n")
                default: w.element("td", ReportTable.cell(v))
                }
            }
            w.put("</tr>\n")
        }
        w.put("</tbody></table></div>\n")
    }

    static let style = """
        body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 1.5rem auto; max-width: 70rem; padding: 0 1rem; color: #111; line-height: 1.4; }
        h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
        h2 { font-size: 1.25rem; border-bottom: 2px solid #0072B2; padding-bottom: 0.2rem; margin-top: 2rem; }
        .meta, .intro { color: #333; }
        .missing { background: #fff4e0; border-left: 4px solid #E69F00; padding: 0.4rem 0.6rem; }
        nav ol { display: flex; flex-wrap: wrap; gap: 0.3rem 1.6rem; padding-left: 0; list-style-position: inside; }
        figure.chart { margin: 1rem 0; overflow-x: auto; }
        svg { max-width: 100%; height: auto; font-size: 12px; }
        svg .small { font-size: 11px; }
        .table { overflow-x: auto; }
        table { border-collapse: collapse; margin: 0.8rem 0; font-size: 0.9rem; }
        caption { text-align: left; font-weight: bold; padding-bottom: 0.3rem; }
        th, td { border: 1px solid #999; padding: 0.2rem 0.45rem; text-align: left; vertical-align: top; }
        th { background: #eef3f8; }
        td.n { text-align: right; font-variant-numeric: tabular-nums; }
        footer { margin-top: 2rem; color: #444; font-size: 0.85rem; }
        @media print {
          body { margin: 0; max-width: none; font-size: 10pt; }
          nav { display: none; }
          h2 { break-after: avoid; }
          figure.chart, tr { break-inside: avoid; }
          .table, figure.chart { overflow: visible; }
          th { background: none; }
          a { color: inherit; text-decoration: none; }
        }

        """
}
