import IHubCore

/// The end of `ihub demo`: the key indicators of the consortium, and its
/// report written beside the demo's database.
extension Demo {
    static let keyIndicators = ["reach.schools", "reach.teachers", "participation.active_mentorships", "process.cycles_completed",
                                "risk.inactive_mentorships", "network.multiplication", "network.cascade_depth", "maturity.change"]

    static func printReport(_ engine: Engine, databasePath: String) throws(IHubError) {
        print("\nKey indicators of the consortium (indicator.compute):")
        let computed = try engine.call("indicator.compute", ["names": .array(keyIndicators.map { .string($0) })])
        for ind in computed["indicators"]?.array ?? [] {
            let name = ind["name"]?.string ?? ""
            if let e = ind["error"] {
                print("  \(name.padding(to: 34))\(e["message"]?.string ?? "failed")")
                continue
            }
            let rows = ind["rows"]?.array ?? []
            let shown = rows.prefix(3).map { row -> String in
                let part = row["part"]?.string.map { "\($0) " } ?? ""
                let subject = row["subject"].flatMap { $0.string ?? $0.int.map { "#\($0)" } }.map { "\($0) " } ?? ""
                let value = row["suppressed"]?.bool == true ? "withheld" : row["value"]?.int.map { String($0) } ?? row["value"]?.double.map { Decimal2.text($0) } ?? "–"
                return "\(subject)\(part)\(value)"
            }
            let more = rows.count > 3 ? " (+\(rows.count - 3) more)" : ""
            print("  \(name.padding(to: 34))\(rows.isEmpty ? "no rows" : shown.joined(separator: ", ") + more)")
        }
        guard databasePath != ":memory:" else {
            print("\nThe consortium's report: ihub demo region.db writes report.html beside the database (or ihub report --out report.html --db region.db)")
            return
        }
        var raised = 0
        for hub in try engine.call("hub.list").array ?? [] {
            guard let code = hub["code"]?.string else { continue }
            raised += try engine.call("insight.generate", ["hub": .string(code)])["insights"]?.array?.count ?? 0
        }
        // A coordinator takes the first one up (insight.ack); the others stay open.
        if raised > 0 { _ = try engine.call("insight.ack", ["id": 1, "note": "discussed with the school's leader"]) }
        print("\nInsights raised by the default rules (insight.generate): \(raised), the first acknowledged")
        let folder = databasePath.contains("/") ? String(databasePath[..<databasePath.lastIndex(of: "/")!]) + "/" : ""
        let path = folder + "report.html"
        let r = try engine.call("report.html", ["path": .string(path), "overwrite": true])
        let missing = (r["sections"]?.array ?? []).filter { $0["missing"]?.string != nil }.compactMap { $0["title"]?.string }
        print("\nThe consortium's report (report.html): \(path), \(r["bytes"]?.int ?? 0) bytes"
              + (missing.isEmpty ? "" : "; without data: \(missing.joined(separator: ", "))"))
    }
}
