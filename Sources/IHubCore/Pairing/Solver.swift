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
/// Arithmetic: scores become integers `round(score * 2^k)`, with the largest
/// `k` (at most 40) for which every objective value, including the weights
/// that make objectives lexicographic (a pair bonus for coverage, a larger
/// bonus for each met minimum), fits in 56 bits. Integer scores and binary
/// fractions with few digits are therefore exact; other reals are compared at
/// a resolution of 2^-k (k is about 20 or more for instances of tens of
/// thousands of people with scores up to 1000). Solutions are then optimal in
/// exact integer arithmetic: the pair bonus is 2·U·S+1 for U demand units and
/// S the largest scaled |score|, more than any difference in total score, so
/// one more pair always wins — exactly, with no epsilon.
///
/// Determinism: candidates are sorted by (mentee, mentor) before solving,
/// mentees are served in index order, and heap ties pop the lower node, so
/// the same instance — in any candidate order — gives the same pairs.
enum PairingSolver {
    /// Optimal under the objective; deterministic: the same input gives the same pairs; ties broken by stable order (lower mentee index, then lower mentor index wins).
    static func solve(_ problem: PairingProblem, objective: Objective) throws(IHubError) -> PairingSolution {
        let p = try PreparedProblem(problem)
        try p.checkCounts()
        switch objective {
        case .totalFit, .coverage:
            let taken = try optimal(p, coverage: objective == .coverage, allowed: nil)
            return p.solution(taken)
        case .fairness:
            return try fairest(p)
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
    static func optimal(_ p: PreparedProblem, coverage: Bool, allowed: [Bool]?) throws(IHubError) -> [Bool] {
        let units = p.maxOf.reduce(0, +)
        let needsMin = p.minOf.contains { $0 > 0 }
        let weights = try Weights(p, units: units, coverage: coverage, minimums: needsMin, allowed: allowed)
        let taken: [Bool]
        let short: [Int]
        if allowed == nil, DenseAssignment.applies(p) {
            (taken, short) = DenseAssignment.pair(p, weights: weights, coverage: coverage)
        } else {
            let cost = weights.scaled.map { -$0 }
            (taken, short) = MinCostFlow(p: p, cost: cost, allowed: allowed, unmatchedCost: weights.pairBonus,
                                         shortCost: weights.minimumBonus).solve()
        }
        if !short.isEmpty { throw p.shortfall(short) }
        return taken
    }

    /// Max pairs, then the largest feasible worst score (binary search over
    /// the distinct scores), then the best total above that threshold.
    static func fairest(_ p: PreparedProblem) throws(IHubError) -> PairingSolution {
        let best = try optimal(p, coverage: true, allowed: nil)
        let pairs = best.lazy.filter { $0 }.count
        if pairs == 0 { return p.solution(best) }
        let levels = Array(Set(p.score)).sorted()
        // levels[lo] is feasible (it allows every edge); find the highest feasible.
        var lo = 0, hi = levels.count - 1
        var bestTaken = best
        func attempt(_ t: Double) -> [Bool]? {
            let allowed = p.score.map { $0 >= t }
            guard let taken = try? optimal(p, coverage: true, allowed: allowed) else { return nil }
            return taken.lazy.filter { $0 }.count == pairs ? taken : nil
        }
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if let taken = attempt(levels[mid]) {
                lo = mid
                bestTaken = taken
            } else {
                hi = mid - 1
            }
        }
        if lo == 0 { return p.solution(best) }
        // The last success may not be the final threshold's solve: redo it.
        if let taken = attempt(levels[lo]) { bestTaken = taken }
        return p.solution(bestTaken)
    }
}

/// Scores as exact integers, and the bonuses that make objectives lexicographic.
struct Weights {
    let scaled: [Int64]       // round(score * 2^k) per flat edge, higher is better
    let largest: Int64        // S: the largest |scaled|
    let pairBonus: Int64      // the cost of one unpaired unit (coverage), else 0
    let minimumBonus: Int64   // the cost of one unmet minimum unit

    init(_ p: PreparedProblem, units: Int, coverage: Bool, minimums: Bool, allowed: [Bool]?) throws(IHubError) {
        var maxAbs = 0.0
        for (i, s) in p.score.enumerated() where allowed?[i] ?? true { maxAbs = max(maxAbs, abs(s)) }
        let u = Double(max(units, 1))
        // Only required units carry the top weight: bound by their count.
        let r = Double(p.minOf.reduce(0, +))
        let limit = 0x1p56
        func bound(_ s: Double) -> Double {
            let big = coverage ? 2 * u * s + 1 : 0
            let req = minimums ? u * big + 2 * u * s + 1 : 0
            return r * req + u * big + u * s
        }
        var k = 40
        if maxAbs > 0 {
            while k > -1074 && bound((maxAbs * Double(sign: .plus, exponent: k, significand: 1)).rounded()) > limit {
                k -= 1
            }
            if maxAbs * Double(sign: .plus, exponent: k, significand: 1) < 256 {
                throw IHubError(.limit,
                    "pairing: \(units) demand units are too many for exact costs with these scores (resolution would drop below 8 bits)")
            }
        } else if bound(0) > limit {
            throw IHubError(.limit, "pairing: \(units) demand units are too many for exact costs")
        }
        let factor = Double(sign: .plus, exponent: k, significand: 1)
        scaled = p.score.map { Int64(($0 * factor).rounded()) }
        let s = Int64((maxAbs * factor).rounded())
        largest = s
        let u64 = Int64(max(units, 1))
        pairBonus = coverage ? 2 * u64 * s + 1 : 0
        minimumBonus = u64 * pairBonus + 2 * u64 * s + 1
    }
}
