/// Built-in indicators: process progress.
enum ProcessIndicators {
    static let all: [IndicatorDefinition] = [stepsReached, timeInStep, cyclesCompleted, stalled]

    static let stalledDays = Field.optional("days", .integer, "days without a move that make an instance stalled (default 60)")

    /// An open instance as of the context's day, with its last move dated
    /// on or before it (nil when it has none yet).
    struct Standing {
        let instance: AnalyticsStore.OpenInstance
        let last: AnalyticsStore.Move?
        /// Days from the last move (or the start, when never moved) to the day.
        let idle: Int
    }

    /// Every instance of the scope open as of `asOf`, where it stands then.
    static func standings(_ c: IndicatorContext) throws(IHubError) -> [Standing] {
        var last: [Int64: AnalyticsStore.Move] = [:]
        for m in try c.db.analytics.moves(hubID: c.hubID, until: c.asOf) { last[m.instanceID] = m }  // in order: the last wins
        return try c.db.analytics.openInstances(hubID: c.hubID, asOf: c.asOf).map { x in
            let move = last[x.id]
            let since = CalendarDate(move?.date ?? x.started) ?? c.asOf
            return Standing(instance: x, last: move, idle: since.days(to: c.asOf))
        }
    }

    /// The open instances with no move for at least the `days` option: what
    /// process.stalled counts and risk.stalled_instances lists.
    static func stalledStandings(_ c: IndicatorContext, of name: String) throws(IHubError) -> (open: Int, stalled: [Standing]) {
        let days = try dayOption(c, of: name)
        let all = try standings(c)
        return (all.count, all.filter { $0.idle >= days })
    }

    /// The `days` option of indicator `name`: a whole number of days, 0 or
    /// more (default 60).
    static func dayOption(_ c: IndicatorContext, of name: String, default value: Int64 = 60) throws(IHubError) -> Int {
        guard let given = c.options["days"], given != .null else { return Int(value) }
        guard let days = given.int, days >= 0 else {
            throw IHubError.invalid("params.options.\(name).days: must be a whole number of days, 0 or more")
        }
        return Int(days)
    }

    static let stepsReached = IndicatorDefinition("process.steps_reached", """
        Per step (part): the distinct instances with a move into it dated in the window.
        """, level: .hub, type: .count) { c throws(IHubError) in
        try c.db.analytics.stepsReached(hubID: c.hubID, window: c.window).map { IndicatorRow(part: $0.step, value: Double($0.instances)) }
    }

    static let timeInStep = IndicatorDefinition("process.time_in_step", """
        Per step (part): over the instances open as of the window's last day (or today) whose step then (their last \
        move dated on or before it) is that step, the mean days since that move; detail: instances, max_days.
        """, level: .hub, type: .days) { c throws(IHubError) in
        var byStep: [String: [Int]] = [:]
        for s in try standings(c) { if let step = s.last?.step { byStep[step, default: []].append(s.idle) } }
        return byStep.keys.sorted().map { step in
            let days = byStep[step]!
            return IndicatorRow(part: step, value: Double(days.reduce(0, +)) / Double(days.count),
                                detail: [.init("instances", .int(Int64(days.count))), .init("max_days", .int(Int64(days.max()!)))])
        }
    }

    static let cyclesCompleted = IndicatorDefinition("process.cycles_completed", """
        Moves dated in the window that start a new cycle: the move's cycle is above that of the instance's previous move.
        """, level: .hub, type: .count) { c throws(IHubError) in
        var count = 0
        var previous: AnalyticsStore.Move?
        for m in try c.db.analytics.moves(hubID: c.hubID, until: nil) {
            if let p = previous, p.instanceID == m.instanceID, m.cycle > p.cycle,
               let day = CalendarDate(m.date), c.window.contains(day) { count += 1 }
            previous = m
        }
        return [IndicatorRow(value: Double(count))]
    }

    static let stalled = IndicatorDefinition("process.stalled", """
        Instances open as of the window's last day (or today) with no move for at least `days` days before it \
        (counted from the start when never moved); detail: the open instances.
        """, level: .hub, type: .count, options: [stalledDays]) { c throws(IHubError) in
        let (open, stalled) = try stalledStandings(c, of: "process.stalled")
        return [IndicatorRow(value: Double(stalled.count), detail: [.init("open", .int(Int64(open)))])]
    }
}
