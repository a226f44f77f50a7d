/// The mentoring network of one level: mentorships as directed edges mentor
/// → mentee between people (teacher level) or schools (school level), with
/// the round of each. Its measures — components, density, multiplication
/// and the cascade of mentees who mentor in a later round — are computed
/// here, once, for the indicators and for network.graph.
struct MentoringNetwork {
    enum Level: String, CaseIterable, Sendable {
        case teacher, school
    }

    struct Edge {
        let row: AnalyticsStore.NetworkEdgeRow
        /// The round's place in the scope's rounds (1 first): by start
        /// date, then id; a round without a start date comes first.
        let order: Int
        var mentor: Int64 { row.mentorID }
        var mentee: Int64 { row.menteeID }
    }

    let level: Level
    /// By id.
    let edges: [Edge]
    /// The rounds of the scope in their order.
    let rounds: [AnalyticsStore.NetworkRoundRow]
    /// Everyone (every school) that mentors or is mentored, by id.
    let nodes: [Int64]

    /// The network of `level` in the scope that `window` counts: mentorships
    /// started by its last day and, unless it is cumulative, active in it.
    static func load(_ db: Database, hubID: Int64?, level: Level, window: Window) throws(IHubError) -> MentoringNetwork {
        let rounds = try db.analytics.networkRounds(hubID: hubID).sorted { a, b in (a.start ?? "", a.id) < (b.start ?? "", b.id) }
        var place: [Int64: Int] = [:]
        for (i, r) in rounds.enumerated() { place[r.id] = i + 1 }
        let rows = try db.analytics.networkEdges(hubID: hubID, level: level.rawValue, window: window)
        return MentoringNetwork(level: level, edges: rows.map { Edge(row: $0, order: place[$0.roundID] ?? 0) }, rounds: rounds)
    }

    init(level: Level, edges: [Edge], rounds: [AnalyticsStore.NetworkRoundRow]) {
        self.level = level
        self.edges = edges
        self.rounds = rounds
        nodes = Set(edges.flatMap { [$0.mentor, $0.mentee] }).sorted()
    }

    /// Distinct ordered pairs mentor → mentee (a pair mentoring again in
    /// another round is one edge of the graph); a self-pair is no edge.
    var pairCount: Int {
        Set(edges.filter { $0.mentor != $0.mentee }.map { [$0.mentor, $0.mentee] }).count
    }

    /// edges / (nodes × (nodes − 1)); nil below two nodes.
    var density: Double? {
        let n = nodes.count
        return n < 2 ? nil : Double(pairCount) / Double(n * (n - 1))
    }

    /// The sizes of the weakly connected components, largest first.
    func componentSizes() -> [Int] {
        var parent: [Int64: Int64] = [:]
        for n in nodes { parent[n] = n }
        func root(_ x: Int64) -> Int64 {
            var r = x
            while parent[r]! != r { r = parent[r]! }
            var y = x
            while parent[y]! != r { let next = parent[y]!; parent[y] = r; y = next }
            return r
        }
        for e in edges {
            let a = root(e.mentor), b = root(e.mentee)
            if a != b { parent[max(a, b)] = min(a, b) }
        }
        var sizes: [Int64: Int] = [:]
        for n in nodes { sizes[root(n), default: 0] += 1 }
        return sizes.values.sorted(by: >)
    }

    /// Multiplication: those mentored in one round who mentor in a later
    /// one; `cases` counts the mentorships in which they do.
    func multipliers() -> (subjects: Set<Int64>, cases: Int) {
        var firstAsMentee: [Int64: Int] = [:]
        for e in edges { firstAsMentee[e.mentee] = min(firstAsMentee[e.mentee] ?? Int.max, e.order) }
        var subjects = Set<Int64>(), cases = 0
        for e in edges {
            if let first = firstAsMentee[e.mentor], first < e.order {
                subjects.insert(e.mentor)
                cases += 1
            }
        }
        return (subjects, cases)
    }

    /// The cascade: per node, its generation — the edges of the longest
    /// chain A → B (round r1), B → C (a later round), … that ends with it
    /// as mentee (0 for one never mentored) — and the longest chain of all.
    func cascade() -> (generation: [Int64: Int], depth: Int) {
        var generation: [Int64: Int] = [:]
        var depth = 0
        // Rounds in order; a chain's next edge is in a strictly later round,
        // so a round's edges extend only chains of earlier rounds.
        let byRound = Dictionary(grouping: edges, by: \.order).sorted { $0.key < $1.key }
        for (_, group) in byRound {
            let lengths = group.map { (mentee: $0.mentee, length: (generation[$0.mentor] ?? 0) + 1) }
            for (mentee, length) in lengths {
                generation[mentee] = max(generation[mentee] ?? 0, length)
                depth = max(depth, length)
            }
        }
        for n in nodes where generation[n] == nil { generation[n] = 0 }
        return (generation, depth)
    }
}
