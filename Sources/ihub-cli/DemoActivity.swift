import IHubCore

extension Demo {
    /// Logs a few activities of each mentorship just confirmed in one hub
    /// (a needs-mapping workshop, collegial sessions, a reflection) and
    /// shows the hours they give schools and a statement of hours.
    static func printActivities(_ engine: Engine) throws(IHubError) {
        let hub = "LT-CTA"
        let plan: [(kind: String, method: String?, minutes: Int64, day: String)] = [
            ("workshop", "needs_mapping", 180, "2026-02-10"), ("session", "collegial", 90, "2026-03-03"),
            ("observation", nil, 45, "2026-03-24"), ("reflection", nil, 60, "2026-04-28"),
        ]
        var logged = 0
        let mentorships = try engine.call("pairing.mentorships", ["hub": .string(hub)]).array ?? []
        for (i, m) in mentorships.enumerated() {
            guard let id = m["id"] else { continue }
            for (k, a) in plan.enumerated() where (i + k) % 5 != 4 {  // not every pair does everything
                var p: [JSON.Member] = [.init("hub", .string(hub)), .init("kind", .string(a.kind)), .init("date", .string(a.day)),
                                        .init("minutes", .int(a.minutes)), .init("participants", [["mentorship": id]])]
                if let method = a.method { p.append(.init("method", .string(method))) }
                _ = try engine.call("activity.log", .object(p))
                logged += 1
            }
        }
        print("\nThe activity log of \(hub) (activity.log, activity.hours): \(logged) activities of \(mentorships.count) mentorships")
        let hours = try engine.call("activity.hours", ["hub": .string(hub), "by": "school", "from": "2026-01-01", "to": "2026-06-30"])
        for row in (hours["rows"]?.array ?? []).prefix(4) {
            print("  \((row["code"]?.string ?? "").padding(to: 14)) \(Decimal2.text(row["hours"]?.double ?? 0)) h in \(row["activities"]?.int ?? 0) activities")
        }
        print("  total \(Decimal2.text(hours["totals"]?["hours"]?.double ?? 0)) h; a printable statement: "
              + "ihub log statement --hub \(hub) --school CODE --from 2026-01-01 --to 2026-06-30 --format html --out hours.html")
    }
}
