import IHubCore

extension Demo {
    /// Pairs one hub's second round at both levels — schools first, then
    /// teachers within a school and across the schools just paired — and
    /// explains a chosen pair and a pair left out.
    /// With `ownPolicy`, the hub's methodology package decides the pairs;
    /// otherwise the default policy, with one mentee per teacher mentor.
    static func printPairing(_ engine: Engine, hub: String, ownPolicy: Bool) throws(IHubError) {
        // The pairs start two weeks into the round's school year, as the activities logged for them.
        let round = "\(hub)-R2", start: JSON = "2025-09-15"
        let policy = ownPolicy ? "its methodology package" : "the default policy"
        print("\nPairing \(hub) in \(round) with \(policy) (pairing.propose, pairing.confirm):")
        let schools = try engine.call("pairing.propose", ["hub": .string(hub), "round": .string(round), "level": "school"])
        summarize(schools)
        _ = try engine.call("pairing.confirm", ["run": schools["run"]!, "start": start])
        // Few mentors to spare (scripts/methodology/demo/lt-cta/pairing.lua).
        if !ownPolicy {
            let script = EmbeddedLua.files["demo/lt-cta/pairing.lua"]!
            _ = try engine.call("script.set", ["hub": .string(hub), "name": "pairing", "source": .string(script)])
            print("  \(hub)'s pairing script: capacity.teacher.mentor_max = 1 (one mentee per mentor)")
        }
        let teachers = try engine.call("pairing.propose", ["hub": .string(hub), "round": .string(round), "level": "teacher"])
        summarize(teachers)
        _ = try engine.call("pairing.confirm", ["run": teachers["run"]!, "start": start])

        guard let first = schools["pairs"]?.array?.first else { return }
        print("\nWhy these schools (pairing.explain):")
        let chosen = try engine.call("pairing.explain", ["run": schools["run"]!, "mentee": first["mentee"]!, "mentor": first["mentor"]!])
        explain(chosen)
        let others = (schools["pairs"]?.array ?? []).map { $0["mentor"]! }.filter { $0 != first["mentor"]! }
        if let other = others.first {
            explain(try engine.call("pairing.explain", ["run": schools["run"]!, "mentee": first["mentee"]!, "mentor": other]))
        }
        if let p = teachers["pairs"]?.array?.first {
            print("\nWhy these teachers:")
            explain(try engine.call("pairing.explain", ["run": teachers["run"]!, "mentee": p["mentee"]!, "mentor": p["mentor"]!]))
        }
    }

    private static func summarize(_ run: JSON) {
        let pairs = run["pairs"]?.array ?? [], unmatched = run["unmatched"]?.array ?? []
        print("  \(run["level"]?.string ?? "") level: run #\(run["run"]?.int ?? 0), \(pairs.count) pairs from \(run["candidates"]?.int ?? 0) candidates, "
              + "total fit \(Decimal2.text(run["total"]?.double ?? 0)), \(unmatched.count) unmatched")
        for p in pairs.prefix(4) {
            print("    \((p["mentee"]?.string ?? "").padding(to: 14)) mentored by \((p["mentor"]?.string ?? "").padding(to: 14)) \(Decimal2.text(p["score"]?.double ?? 0))")
        }
        if let u = unmatched.first { print("    unmatched: \(u["code"]?.string ?? "") (\(u["side"]?.string ?? "")): \(u["reason"]?.string ?? "")") }
    }

    private static func explain(_ e: JSON) {
        let score = e["score"]?.double.map { Decimal2.text($0) } ?? "excluded"
        let parts = (e["criteria"]?.array ?? []).filter { ($0["contribution"]?.double ?? 0) != 0 }
            .map { "\($0["criterion"]?.string ?? "") \(Decimal2.text($0["contribution"]?.double ?? 0))" }.joined(separator: ", ")
        print("  \(e["mentee"]?.string ?? "") with \(e["mentor"]?.string ?? ""): score \(score) = \(parts)")
        if let why = e["ruled_out_by"] { print("    not chosen (\(why["kind"]?.string ?? "")): \(why["reason"]?.string ?? "")") }
    }
}
