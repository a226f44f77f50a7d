/// The mentoring network as a graph, for the report and for anyone who
/// draws it: nodes with their place in the cascade, edges with their round.
enum NetworkMethods {
    static let all: [Method] = [
        Method("network.graph", """
            The mentoring network of a hub (or every hub: the consortium) at one level over a time window: mentorships \
            started by the window's last day and, unless it is cumulative, active in it, as edges mentor → mentee. \
            Nodes (code, name; for people their school on the window's last day, else their last one), each with the \
            first round as mentee and as mentor, and its generation in the cascade (the edges of the longest \
            chain A → B, B → C in a later round, … ending with it; 0 if never mentored). Edges (mentorship id, hub, \
            mentor, mentee, round code and order — rounds by start date, then id —, start, end, hours of mentoring in \
            the window as activity.hours counts them for the mentorship). Also the rounds and a summary: nodes, edges \
            (distinct pairs), components, largest, density, depth, multipliers.
            """, params: [IndicatorMethods.scopeField,
                          .optional("level", .oneOf(MentoringNetwork.Level.allCases.map(\.rawValue)), "teacher (default) or school"),
                          IndicatorMethods.windowField, Pseudonyms.field],
               result: .object([
                   IndicatorMethods.envelope[0],
                   .required("level", .oneOf(MentoringNetwork.Level.allCases.map(\.rawValue)), "teacher or school"),
               ] + IndicatorMethods.windowFields + [
                   .required("rounds", .array(.object([
                       .required("code", .string, "the round's code"),
                       .required("name", .string, "its name"),
                       .required("order", .integer, "its place, from 1, by start date then id"),
                       .optional("start", .date, "its first day"),
                   ])), "the rounds the edges belong to"),
                   .required("nodes", .array(.object([
                       .required("code", .string, "the person's or school's code (a pseudonym when pseudonymous)"),
                       .optional("name", .string, "the name (absent when pseudonymous)"),
                       .optional("school", .string, "teacher level: the school's code on the window's last day, else the last one"),
                       .optional("first_mentee_round", .string, "code of the first round it was mentored in"),
                       .optional("first_mentor_round", .string, "code of the first round it mentored in"),
                       .required("generation", .integer, "edges of the longest cascade chain ending with it (0: never mentored)"),
                   ])), "by code"),
                   .required("edges", .array(.object([
                       .required("id", .integer, "the mentorship's id"),
                       .required("hub", .string, "code of its hub"),
                       .required("mentor", .string, "code of the mentor (teacher or school; a pseudonym when pseudonymous)"),
                       .required("mentee", .string, "code of the mentee"),
                       .optional("round", .string, "code of its round"),
                       .required("round_order", .integer, "its round's order"),
                       .required("start", .date, "its first day"),
                       .optional("end", .date, "its last day (absent: ongoing)"),
                       .required("hours", .number, "hours of mentoring in the window, two decimals"),
                   ])), "mentor → mentee, by round order then id"),
                   .required("summary", .object([
                       .required("nodes", .integer, "nodes"),
                       .required("edges", .integer, "distinct mentor–mentee pairs"),
                       .required("mentorships", .integer, "mentorships (edges counted with repeats)"),
                       .required("components", .integer, "connected components"),
                       .required("largest", .integer, "nodes of the largest component"),
                       .optional("density", .number, "pairs over possible pairs, 0 to 1 (absent: fewer than two nodes)"),
                       .required("depth", .integer, "the longest cascade chain, in edges"),
                       .required("multipliers", .integer, "mentees who went on to mentor"),
                   ]), "the graph in numbers"),
               ]),
               example: ["hub": "LT-CTA", "level": "teacher"],
               errors: [.notFound("the hub is unknown"), .invalid("the window does not fit")]) { engine, p throws(IHubError) in
            let pseudonyms = p["pseudonymous"]?.bool == true ? try Pseudonyms.load(engine.db) : nil
            let document = try engine.db.snapshot { () throws(IHubError) in
                let scope = try Indicators.Scope.resolve(engine.db, hub: p["hub"]?.string, at: "params.hub")
                let today = CalendarDate(Timestamp.today())!
                let window = try Window.parse(p["window"]?.string ?? "cumulative", today: today, at: "params.window")
                let level = MentoringNetwork.Level(rawValue: p["level"]?.string ?? "teacher")!
                let network = try MentoringNetwork.load(engine.db, hubID: scope.hubID, level: level, window: window)
                return try graph(engine.db, network, scope: scope, window: window, asOf: min(window.to, today))
            }
            return pseudonyms?.graph(document) ?? document
        },
    ]

    static func graph(_ db: Database, _ n: MentoringNetwork, scope: Indicators.Scope, window: Window,
                      asOf: CalendarDate) throws(IHubError) -> JSON
    {
        let (generation, depth) = n.cascade()
        let code = Dictionary(n.rounds.map { ($0.id, $0.code) }, uniquingKeysWith: { a, _ in a })
        var names: [Int64: (code: String, name: String)] = [:]
        var firstMentee: [Int64: Int] = [:], firstMentor: [Int64: Int] = [:]
        for e in n.edges {
            names[e.mentor] = (e.row.mentorCode, e.row.mentorName)
            names[e.mentee] = (e.row.menteeCode, e.row.menteeName)
            firstMentee[e.mentee] = min(firstMentee[e.mentee] ?? Int.max, e.order)
            firstMentor[e.mentor] = min(firstMentor[e.mentor] ?? Int.max, e.order)
        }
        let schools = n.level == .teacher ? try db.analytics.schoolOfPeople(Set(n.nodes), hubID: scope.hubID, on: asOf.text) : [:]
        let minutes = try mentoringMinutes(db, n, window: window)
        func round(_ order: Int?) -> JSON { order.flatMap { $0 >= 1 && $0 <= n.rounds.count ? .string(n.rounds[$0 - 1].code) : nil } ?? .null }
        let nodes: [JSON] = n.nodes.sorted { names[$0]!.code < names[$1]!.code }.map { id in
            var m: [JSON.Member] = [.init("code", .string(names[id]!.code)), .init("name", .string(names[id]!.name))]
            if n.level == .teacher { m.append(.init("school", JSON(schools[id]))) }
            m += [.init("first_mentee_round", round(firstMentee[id])), .init("first_mentor_round", round(firstMentor[id])),
                  .init("generation", .int(Int64(generation[id] ?? 0)))]
            return .object(m)
        }
        let edges: [JSON] = n.edges.sorted { ($0.order, $0.row.id) < ($1.order, $1.row.id) }.map { e in
            ["id": .int(e.row.id), "hub": .string(e.row.hub), "mentor": .string(e.row.mentorCode), "mentee": .string(e.row.menteeCode),
             "round": JSON(code[e.row.roundID]), "round_order": .int(Int64(e.order)), "start": .string(e.row.start),
             "end": JSON(e.row.end), "hours": .double(ActivityHours.hours(minutes[e.row.id] ?? 0))]
        }
        let used = Set(n.edges.map(\.order))
        let rounds: [JSON] = n.rounds.enumerated().filter { used.contains($0.offset + 1) }.map { i, r in
            ["code": .string(r.code), "name": .string(r.name), "order": .int(Int64(i + 1)), "start": JSON(r.start)]
        }
        let sizes = n.componentSizes()
        let summary: JSON = ["nodes": .int(Int64(n.nodes.count)), "edges": .int(Int64(n.pairCount)),
                             "mentorships": .int(Int64(n.edges.count)), "components": .int(Int64(sizes.count)),
                             "largest": .int(Int64(sizes.first ?? 0)), "density": JSON(n.density), "depth": .int(Int64(depth)),
                             "multipliers": .int(Int64(n.multipliers().subjects.count))]
        return .object([.init("scope", scope.json), .init("level", .string(n.level.rawValue))] + window.members
                       + [.init("rounds", .array(rounds)), .init("nodes", .array(nodes)), .init("edges", .array(edges)),
                          .init("summary", summary)])
    }

    /// Minutes of mentoring per mentorship in the window, as activity.hours
    /// counts them (an activity's hub is its mentorships' hub).
    static func mentoringMinutes(_ db: Database, _ n: MentoringNetwork, window: Window) throws(IHubError) -> [Int64: Int64] {
        var out: [Int64: Int64] = [:]
        for hubID in Set(n.edges.map(\.row.hubID)).sorted() {
            let filter = ActivityFilter(hubID: hubID, from: window.from?.text, to: window.toText)
            for row in try db.activities.hours(by: .mentorship, filter) { out[row.id] = row.minutes }
        }
        return out
    }
}
