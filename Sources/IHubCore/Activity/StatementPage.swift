/// The statement of hours as one printable, self-contained HTML page:
/// inline CSS, no scripts, no external resources (fonts, images, links),
/// every piece of text escaped.
enum StatementPage {
    static func write(to output: Output, hub: (code: String, name: String), subject: ActivityStatement.Subject,
                      period: (from: String, to: String), lines: [ActivityStatement.Line], minutes: Int64, issued: String)
    {
        func put(_ s: String) { output.append(contentsOf: s.utf8) }
        func text(_ s: String) { put(HTML.escape(s)) }
        let hours = format(ActivityHours.hours(minutes))
        put("""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
            <title>Statement of mentoring hours — \(HTML.escape(subject.name))</title>
            <style>
            body { font-family: serif; margin: 2cm; color: #000; }
            h1 { font-size: 1.5em; margin-bottom: 0.2em; }
            dl { display: grid; grid-template-columns: max-content auto; gap: 0.2em 1em; }
            dt { font-weight: bold; }
            dd { margin: 0; }
            table { border-collapse: collapse; width: 100%; margin-top: 1em; }
            th, td { border: 1px solid #444; padding: 0.25em 0.5em; text-align: left; vertical-align: top; }
            td.n, th.n { text-align: right; }
            tfoot td { font-weight: bold; }
            .signature { margin-top: 3em; }
            .signature .line { border-bottom: 1px solid #000; width: 60%; height: 2.5em; }
            @media print { body { margin: 1cm; } }
            </style>
            </head>
            <body>
            <h1>Statement of mentoring hours</h1>
            <dl>

            """)
        let facts: [(String, String)] = [
            ("Hub", "\(hub.name) (\(hub.code))"),
            (subject.noun == "person" ? "Person" : "School", "\(subject.name) (\(subject.code))"),
            ("Period", "\(period.from) – \(period.to)"),
            ("Total", "\(hours) hours (\(minutes) minutes, \(lines.count) activities)"),
            ("Issued", issued),
        ]
        for (k, v) in facts {
            put("<dt>")
            text(k)
            put("</dt><dd>")
            text(v)
            put("</dd>\n")
        }
        put("""
            </dl>
            <table>
            <thead><tr><th>Date</th><th>Kind</th><th>Method</th><th class="n">Minutes</th><th class="n">Hours</th><th>Took part as</th></tr></thead>
            <tbody>

            """)
        for l in lines {
            put("<tr><td>")
            text(l.date)
            put("</td><td>")
            text(l.kind.split(separator: "_").joined(separator: "-"))
            put("</td><td>")
            text(l.method)
            put("</td><td class=\"n\">\(l.minutes)</td><td class=\"n\">\(format(ActivityHours.hours(l.minutes)))</td><td>")
            text(l.roles)
            put("</td></tr>\n")
        }
        put("""
            </tbody>
            <tfoot><tr><td colspan="3">Total</td><td class="n">\(minutes)</td><td class="n">\(hours)</td><td>\(lines.count) activities</td></tr></tfoot>
            </table>
            <div class="signature">
            <div class="line"></div>
            <p>Signature, name and position of the issuer · Date</p>
            </div>
            </body>
            </html>

            """)
    }

    /// Hours with two decimals: 1.5 → "1.50".
    static func format(_ hours: Double) -> String {
        let cents = Int64((hours * 100).rounded())
        let frac = cents % 100
        return "\(cents / 100).\(frac < 10 ? "0" : "")\(frac)"
    }
}
