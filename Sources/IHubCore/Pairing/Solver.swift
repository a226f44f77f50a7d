/// The exact pairing solvers behind one entry point.
///
/// Objectives, precisely (all subject to every mentee getting at least
/// `menteeMin` and at most `menteeMax` mentors, every mentor at most
/// `mentorMax` mentees, and only candidate pairs):
/// - `totalFit`: maximum total score. Among equal totals, more pairs.
/// - `coverage`: maximum number of pairs, then maximum total score.
/// - `fairness`: the number of pairs is kept at the coverage maximum (or else
///   pairing nobody would be "fairest"); among those solutions, the worst
///   pair's score is maximised; then the total score is maximised among the
///   solutions that use only pairs scoring at least that worst score.
///
/// Arithmetic: exact. Scores become integers `score · 2^k` for the smallest
/// `k` that makes every one of them an integer, and the objectives become one
/// integer cost with lexicographic weights (see `Weights`). The costs are
/// Int64 when they fit (integer scores, short binary fractions) and Int128
/// otherwise; an instance whose exact costs would need more than 126 bits
/// (e.g. 10^15 beside 0.1·10^-11, whose binary digits alone span 142 bits) is
/// refused with IHUB_LIMIT naming the span of its scores, never solved at a
/// coarser resolution. No arithmetic can trap: the bound that
/// picks the type covers every value the solvers form.
///
/// Determinism: candidates are sorted by (mentee, mentor) before solving,
/// mentees are served in index order, and heap ties pop the lower node, so
/// the same instance — in any candidate order — gives the same pairs.
enum PairingSolver {
    /// Optimal under the objective; deterministic: the same input gives the same pairs; ties broken by stable order (lower mentee index, then lower mentor index wins).
    /// `flowOnly` skips the dense path (tests compare the two).
    static func solve(_ problem: PairingProblem, objective: Objective, flowOnly: Bool = false) throws(IHubError)
        -> PairingSolution
    {
        let p = try PreparedProblem(problem)
        try p.checkCounts()
        switch objective {
        case .totalFit, .coverage:
            let taken = try optimal(p, coverage: objective == .coverage, allowed: nil, flowOnly: flowOnly)
            return p.solution(taken)
        case .fairness:
            return try fairest(p, flowOnly: flowOnly)
        }
    }

    /// Mentee-proposing deferred acceptance with mentor capacities; preferences from score (ties by index).
    static func stable(_ problem: PairingProblem) throws(IHubError) -> PairingSolution {
        let p = try PreparedProblem(problem)
        return p.solution(StableMatching.solve(p))
    }

    /// The name `pairing.solve` and the policy layer know each method by.
    static let methods = Objective.allCases.map(\.rawValue) + ["stable"]

    // MARK: - Internals

    /// Flags by flat edge of an optimal solution over the allowed edges.
    static func optimal(_ p: PreparedProblem, coverage: Bool, allowed: [Bool]?, flowOnly: Bool = false) throws(IHubError)
        -> [Bool]
    {
        let (taken, short) = try attempt(p, coverage: coverage, allowed: allowed, flowOnly: flowOnly)
        if !short.isEmpty { throw p.shortfall(short) }
        return taken
    }

    /// An optimal solution over the allowed edges and the mentees it leaves
    /// below their minimum; throws only when the costs cannot be exact.
    static func attempt(_ p: PreparedProblem, coverage: Bool, allowed: [Bool]?, flowOnly: Bool = false) throws(IHubError)
        -> (taken: [Bool], short: [Int])
    {
        let dense = !flowOnly && allowed == nil
        switch try Costs(p, coverage: coverage, allowed: allowed) {
        case .narrow(let w): return run(p, w, coverage: coverage, allowed: allowed, dense: dense)
        case .wide(let w): return run(p, w, coverage: coverage, allowed: allowed, dense: dense)
        }
    }

    private static func run<C: CostInt>(_ p: PreparedProblem, _ w: Weights<C>, coverage: Bool, allowed: [Bool]?,
                                        dense: Bool) -> (taken: [Bool], short: [Int])
    {
        if dense, DenseAssignment.applies(p, cellBytes: MemoryLayout<C>.size) {
            return DenseAssignment.pair(p, weights: w, coverage: coverage)
        }
        return MinCostFlow(p: p, cost: w.value.map { 0 - $0 }, allowed: allowed, unmatchedCost: w.pairBonus,
                           shortCost: w.minimumBonus).solve()
    }

    /// Max pairs, then the largest feasible worst score (binary search over
    /// the distinct scores), then the best total above that threshold.
    static func fairest(_ p: PreparedProblem, flowOnly: Bool = false) throws(IHubError) -> PairingSolution {
        let best = try optimal(p, coverage: true, allowed: nil, flowOnly: flowOnly)
        let pairs = best.lazy.filter { $0 }.count
        if pairs == 0 { return p.solution(best) }
        let levels = Array(Set(p.score)).sorted()
        // levels[lo] is feasible (it allows every edge); find the highest feasible.
        var lo = 0, hi = levels.count - 1
        var bestTaken = best
        // A threshold is infeasible when it pairs fewer or misses a minimum;
        // any other failure (a limit) is the caller's to see, never "infeasible".
        func attempt(_ t: Double) throws(IHubError) -> [Bool]? {
            let allowed = p.score.map { $0 >= t }
            let (taken, short) = try PairingSolver.attempt(p, coverage: true, allowed: allowed)
            return short.isEmpty && taken.lazy.filter { $0 }.count == pairs ? taken : nil
        }
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if let taken = try attempt(levels[mid]) {
                lo = mid
                bestTaken = taken
            } else {
                hi = mid - 1
            }
        }
        if lo == 0 { return p.solution(best) }
        // The last success may not be the final threshold's solve: redo it.
        if let taken = try attempt(levels[lo]) { bestTaken = taken }
        return p.solution(bestTaken)
    }
}
