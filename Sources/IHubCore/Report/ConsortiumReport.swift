/// What the consortium's report adds to a hub's: it covers every hub of
/// the database — targets per hub and summed, rounds and insights of each.
enum ConsortiumReport {
    struct Hub {
        let code: String
        let name: String
    }

    /// The hubs a report covers: the one named, or every hub by code.
    static func hubs(_ engine: Engine, scope: Indicators.Scope) throws(IHubError) -> [Hub] {
        let all = (try engine.call("hub.list").array ?? []).compactMap { h -> Hub? in
            guard let code = h["code"]?.string else { return nil }
            return Hub(code: code, name: h["name"]?.string ?? code)
        }
        let chosen = scope.hub.map { code in all.filter { $0.code == code } } ?? all
        return chosen.sorted { $0.code < $1.code }
    }
}
