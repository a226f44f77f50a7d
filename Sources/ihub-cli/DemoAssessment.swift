import IHubCore

/// The assessment part of `ihub demo`: who is where after each round, and
/// how the two rounds compare — through the method table, as a user would.
extension Demo {
    static func printAssessments(_ engine: Engine) throws(IHubError) {
        let hubs = (try engine.call("hub.list").array ?? []).compactMap { $0["code"]?.string }
        guard !hubs.isEmpty, try engine.call("round.list", ["hub": .string(hubs[0])]).array?.isEmpty == false else { return }

        print("\nMaturity classes, advanced/developing/beginning, round 1 → round 2 (classification.run):")
        var classOf: [String: String] = [:]  // school → its round-1 class
        for hub in hubs {
            var schools: [String] = [], teachers: [String] = []
            var rule = ""
            for round in ["\(hub)-R1", "\(hub)-R2"] {
                let s = try engine.call("classification.run", ["hub": .string(hub), "round": .string(round), "subject": "school"])
                let t = try engine.call("classification.run", ["hub": .string(hub), "round": .string(round), "subject": "teacher"])
                schools.append(counts(s))
                teachers.append(counts(t))
                rule = s["rule"]?.string ?? ""
                if round.hasSuffix("R1") {
                    for c in try engine.call("classification.list", ["round": .string(round), "subject": "school"]).array ?? [] {
                        classOf[c["code"]!.string!] = c["class"]?.string
                    }
                }
            }
            let by = rule == "default" ? "default rule" : "the hub's classify script (\(rule.prefix(15))…)"
            print("  \(hub.padding(to: 8))schools \(schools.joined(separator: " → ").padding(to: 16))"
                  + "teachers \(teachers.joined(separator: " → ").padding(to: 22))by \(by)")
        }

        print("\nRound 1 → round 2, selfie, teachers (assessment.compare; Hedges' g [95% CI]):")
        for hub in hubs {
            let c = try engine.call("assessment.compare", ["instrument": "selfie", "from": .string("\(hub)-R1"),
                                                           "to": .string("\(hub)-R2"), "group": "teachers"])
            if let overall = c["results"]?.array?.first(where: { $0["area"] == "overall" }) {
                print("  \(hub.padding(to: 8))" + Assess.comparison(overall, labelWidth: 0))
            }
        }

        // Mentoring should lift the less advanced schools most: the mean gain
        // of each round-1 class, school by school.
        var gains: [String: [Double]] = [:]
        for (school, cls) in classOf {
            let c = try engine.call("assessment.compare", ["instrument": "selfie", "from": .string(round(of: school, "R1")),
                                                           "to": .string(round(of: school, "R2")), "school": .string(school),
                                                           "group": "teachers"])
            if let change = c["results"]?.array?.first(where: { $0["area"] == "overall" })?["change"]?.double {
                gains[cls, default: []].append(change)
            }
        }
        let parts = ["beginning", "developing", "advanced"].compactMap { cls -> String? in
            guard let g = gains[cls], !g.isEmpty else { return nil }
            let mean = g.reduce(0, +) / Double(g.count)
            return "\(cls) \(mean >= 0 ? "+" : "")\(Decimal2.text(mean)) (\(g.count) schools)"
        }
        print("  Teachers' selfie gain by the school's round-1 class: " + parts.joined(separator: ", "))
    }

    /// "2/3/1", or the script's own classes when they are not the default three.
    private static func counts(_ run: JSON) -> String {
        let classes = run["classes"]?.members ?? []
        let known = ["advanced", "developing", "beginning"]
        if classes.allSatisfy({ known.contains($0.key) }) {
            return known.map { k in String(classes.first { $0.key == k }?.value.int ?? 0) }.joined(separator: "/")
        }
        return classes.map { "\($0.value.int ?? 0) \($0.key)" }.joined(separator: ", ")
    }

    /// The demo's rounds are "<hub>-R1" and "<hub>-R2"; a school code starts with its hub's.
    private static func round(of school: String, _ suffix: String) -> String {
        let hub = school.split(separator: "-").prefix(2).joined(separator: "-")
        return "\(hub)-\(suffix)"
    }
}
