/// The report's mentoring network: network.graph at the teacher and the
/// school level, drawn as columns of the cascade's generations with arrows
/// mentor → mentee coloured by round, so multiplication shows as arrows
/// leaving a column that earlier arrows entered.
enum ReportNetwork {
    /// Edges drawn per chart; the tables hold them all.
    static let drawn = 200

    static func section(_ src: HubReport.Sources) throws(IHubError) -> ReportSection {
        var section = ReportSection(id: "network", title: "The mentoring network", intro: """
            Who mentored whom (network.graph): an arrow from mentor to mentee, coloured by round; columns are the \
            generations of the cascade, so a mentee of one round who mentors in a later one passes the arrows on.
            """)
        var nodesTable = ReportTable("network_nodes", "Network nodes",
                                     ["level", "code", "name", "school", "first_round_as_mentee", "first_round_as_mentor", "generation"])
        var edgesTable = ReportTable("network_edges", "Network edges",
                                     ["level", "mentor", "mentee", "round", "round_order", "start_date", "end_date", "hours"])
        for level in ["school", "teacher"] {
            let graph: JSON
            switch try src.call("network.graph", src.hubParams + [.init("level", .string(level)), .init("window", .string(src.windowText))]) {
            case .failure(let e):
                section.missing = e.status == .notFound && e.message.contains("unknown method")
                    ? "Not available: this build has no network.graph." : "network.graph: \(e.message)"
                return section.with(nodesTable, edgesTable)
            case .success(let g): graph = g
            }
            let nodes = graph["nodes"]?.array ?? [], edges = graph["edges"]?.array ?? []
            if let sum = graph["summary"], let mentorships = sum["mentorships"]?.int, mentorships > 0 {
                section.notes.append("\(level == "school" ? "Schools" : "Teachers"): \(sum["nodes"]?.int ?? 0) in the network, \(mentorships) mentorships, "
                                     + "\(sum["components"]?.int ?? 0) component(s) (the largest of \(sum["largest"]?.int ?? 0)), cascade depth "
                                     + "\(sum["depth"]?.int ?? 0), \(sum["multipliers"]?.int ?? 0) mentee(s) who went on to mentor.")
            }
            var chartNodes: [SVGChart.Node] = []
            for n in nodes {
                let code = text(n, "code")
                let generation = (n["generation"] ?? .null).int.map(Int.init) ?? 0
                nodesTable.add([.string(level), .string(code), n["name"] ?? .null, n["school"] ?? .null,
                                n["first_mentee_round"] ?? .null,
                                n["first_mentor_round"] ?? .null, n["generation"] ?? .null])
                chartNodes.append(SVGChart.Node(id: code, label: code, name: n["name"]?.string ?? code, generation: generation))
            }
            let sorted = edges.enumerated().sorted { a, b in
                ((a.element["round_order"] ?? .null).int ?? 0, a.offset) < ((b.element["round_order"] ?? .null).int ?? 0, b.offset)
            }.map(\.element)
            var rounds: [String] = []
            var chartEdges: [SVGChart.Edge] = []
            for e in sorted {
                let round = text(e, "round")
                if !rounds.contains(round) { rounds.append(round) }
                edgesTable.add([.string(level), .string(text(e, "mentor")), .string(text(e, "mentee")), .string(round),
                                e["round_order"] ?? .null, e["start"] ?? .null, e["end"] ?? .null, e["hours"] ?? .null])
                let hours = e["hours"]?.double.map { "\(SVGChart.num($0)) h" } ?? ""
                chartEdges.append(SVGChart.Edge(from: text(e, "mentor"), to: text(e, "mentee"),
                                                round: rounds.firstIndex(of: round)!, note: hours))
            }
            guard !chartEdges.isEmpty else {
                section.notes.append("No \(level) mentorships in this window.")
                continue
            }
            if chartEdges.count > drawn {
                section.notes.append("The \(level) graph draws the first \(drawn) of \(chartEdges.count) mentorships (by round); the table lists all.")
                chartEdges = Array(chartEdges.prefix(drawn))
            }
            let shown = Set(chartEdges.flatMap { [$0.from, $0.to] })
            let depth = (chartNodes.map(\.generation).max() ?? 0)
            section.charts.append(SVGChart.network(
                id: "chart-network-\(level)", title: "Mentoring between \(level == "school" ? "schools" : "teachers")",
                desc: "\(nodes.count) \(level == "school" ? "schools" : "teachers"), \(edges.count) mentorships over \(rounds.count) round(s) "
                    + "(\(rounds.joined(separator: ", "))); the cascade reaches generation \(depth).",
                nodes: chartNodes.filter { shown.contains($0.id) }, edges: chartEdges, rounds: rounds))
        }
        return section.with(nodesTable, edgesTable)
    }

    /// A member of network.graph's nodes or edges as text.
    private static func text(_ v: JSON, _ key: String) -> String {
        v[key]?.string ?? v[key]?.int.map(String.init) ?? ""
    }
}
