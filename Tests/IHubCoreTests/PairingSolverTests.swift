import Testing
@testable import IHubCore

/// The engine's SplitMix64 generator, so failures replay.
typealias SplitMix = SeededRandom

extension SeededRandom {
    init(state: UInt64) { self.init(seed: state) }
    mutating func chance(_ p: Double) -> Bool { unit() < p }
}

/// Every feasible pairing of a tiny instance, summarised per objective.
struct BruteForce {
    var feasible = false
    var bestTotal = -Double.infinity
    var bestCoverage = (pairs: -1, total: -Double.infinity)
    var all: [(pairs: Int, total: Double, worst: Double)] = []
    var sets: [[Int]] = []   // the candidates of all[i]

    init(_ p: PairingProblem) {
        let byMentee = (0..<p.menteeCount).map { a in p.candidates.indices.filter { Int(p.candidates[$0].mentee) == a } }
        var load = [Int](repeating: 0, count: p.mentorCount)
        var chosen: [Int] = []
        func visit(_ a: Int) {
            if a == p.menteeCount {
                let total = chosen.reduce(0.0) { $0 + p.candidates[$1].score }
                let worst = chosen.map { p.candidates[$0].score }.min() ?? .infinity
                all.append((chosen.count, total, worst))
                sets.append(chosen)
                return
            }
            let options = byMentee[a]
            // Each subset of a's candidates of size menteeMin...menteeMax.
            func pick(_ from: Int, _ count: Int) {
                if count >= p.menteeMin[a] { visit(a + 1) }
                if count == p.menteeMax[a] { return }
                for k in from..<options.count {
                    let c = options[k], b = Int(p.candidates[c].mentor)
                    if load[b] >= p.mentorMax[b] { continue }
                    load[b] += 1; chosen.append(c)
                    pick(k + 1, count + 1)
                    load[b] -= 1; chosen.removeLast()
                }
            }
            pick(0, 0)
        }
        visit(0)
        feasible = !all.isEmpty
        for s in all {
            bestTotal = max(bestTotal, s.total)
            if s.pairs > bestCoverage.pairs || (s.pairs == bestCoverage.pairs && s.total > bestCoverage.total) {
                bestCoverage = (s.pairs, s.total)
            }
        }
    }

    /// (pairs, worst, total) of the fairness optimum, as Solver.swift defines it.
    var fairness: (pairs: Int, worst: Double, total: Double) {
        let pairs = bestCoverage.pairs
        let top = all.filter { $0.pairs == pairs }
        let worst = top.map(\.worst).max()!
        let total = top.filter { $0.worst >= worst }.map(\.total).max()!
        return (pairs, worst, total)
    }
}

/// A random instance of 1–7 mentees and mentors; `ones` keeps every load 1
/// (the dense assignment path).
func randomInstance(_ rng: inout SplitMix, ones: Bool, realScores: Bool) -> PairingProblem {
    let n = rng.int(1...7), m = rng.int(1...7)
    let density = [0.3, 0.6, 1.0][rng.int(0...2)]
    var cands: [Candidate] = []
    for a in 0..<n {
        for b in 0..<m where rng.chance(density) {
            let score = realScores ? Double(rng.int(-2000...10_000)) / 997.0 : Double(rng.int(-3...9))
            cands.append(Candidate(mentee: Int32(a), mentor: Int32(b), score: score))
        }
    }
    // Shuffle: the solver must not depend on the caller's order.
    for i in stride(from: cands.count - 1, to: 0, by: -1) { cands.swapAt(i, rng.int(0...i)) }
    let maxs = (0..<n).map { _ in ones ? 1 : rng.int(0...2) }
    let mins = maxs.map { mx in rng.chance(0.25) ? rng.int(0...mx) : 0 }
    let caps = (0..<m).map { _ in ones ? 1 : rng.int(0...3) }
    // Keep brute force quick: drop candidates until few pairings exist.
    func pairings() -> Int {
        (0..<n).reduce(1) { product, a in
            let d = cands.lazy.filter { Int($0.mentee) == a }.count
            let subsets = (0...maxs[a]).reduce(0) { $0 + binomial(d, $1) }
            return product * subsets
        }
    }
    while pairings() > 20_000 { cands.remove(at: rng.int(0...(cands.count - 1))) }
    return PairingProblem(menteeCount: n, mentorCount: m, menteeMin: mins, menteeMax: maxs, mentorMax: caps,
                          candidates: cands)
}

func binomial(_ n: Int, _ k: Int) -> Int {
    k > n ? 0 : (0..<k).reduce(1) { $0 * (n - $1) / ($1 + 1) }
}

/// The solution respects loads, minimums and the candidate list.
func checkFeasible(_ p: PairingProblem, _ s: PairingSolution) {
    var got = [Int](repeating: 0, count: p.menteeCount), load = [Int](repeating: 0, count: p.mentorCount)
    for c in s.chosen {
        got[Int(p.candidates[c].mentee)] += 1
        load[Int(p.candidates[c].mentor)] += 1
    }
    #expect(s.chosen == s.chosen.sorted() && Set(s.chosen).count == s.chosen.count)
    for a in 0..<p.menteeCount { #expect(got[a] >= p.menteeMin[a] && got[a] <= p.menteeMax[a]) }
    for b in 0..<p.mentorCount { #expect(load[b] <= p.mentorMax[b]) }
    let unmatched = (0..<p.menteeCount).filter { p.menteeMax[$0] > 0 && got[$0] < max(1, p.menteeMin[$0]) }
    #expect(s.unmatchedMentees == unmatched)
}

@Suite struct PairingSolverTests {
    @Test(arguments: [false, true])
    func objectivesEqualBruteForce(realScores: Bool) throws {
        var rng = SplitMix(state: realScores ? 7 : 3)
        let tol = realScores ? 1e-6 : 0
        var solved = 0, infeasible = 0
        for round in 0..<3000 {
            let p = randomInstance(&rng, ones: round % 2 == 0, realScores: realScores)
            let brute = BruteForce(p)
            for objective in Objective.allCases {
                do {
                    let s = try PairingSolver.solve(p, objective: objective)
                    #expect(brute.feasible, "round \(round): solved an infeasible instance")
                    checkFeasible(p, s)
                    switch objective {
                    case .totalFit:
                        #expect(abs(s.totalScore - brute.bestTotal) <= tol, "round \(round) total_fit")
                    case .coverage:
                        #expect(s.chosen.count == brute.bestCoverage.pairs, "round \(round) coverage pairs")
                        #expect(abs(s.totalScore - brute.bestCoverage.total) <= tol, "round \(round) coverage total")
                    case .fairness:
                        let f = brute.fairness
                        let worst = s.chosen.map { p.candidates[$0].score }.min() ?? .infinity
                        #expect(s.chosen.count == f.pairs, "round \(round) fairness pairs")
                        #expect(worst == f.worst, "round \(round) fairness worst")
                        #expect(abs(s.totalScore - f.total) <= tol, "round \(round) fairness total")
                    }
                    solved += 1
                } catch {
                    #expect(error.status == .constraint, "round \(round): \(error.message)")
                    #expect(!brute.feasible, "round \(round) \(objective): \(error.message)")
                    infeasible += 1
                }
            }
        }
        #expect(solved > 5000 && infeasible > 100)
    }

    @Test func denseAndFlowAgreeOnOneToOne() throws {
        // Both paths on the same 1:1 instances, square and not, up to 40 x 40.
        var rng = SplitMix(state: 13)
        for round in 0..<400 {
            let n = rng.int(1...40), m = rng.int(1...40)
            var cands: [Candidate] = []
            for a in 0..<n { for b in 0..<m where rng.chance(0.5) {
                cands.append(Candidate(mentee: Int32(a), mentor: Int32(b), score: Double(rng.int(-20...100))))
            } }
            let mins = (0..<n).map { _ in rng.chance(0.1) ? 1 : 0 }
            let p = try PreparedProblem(PairingProblem(menteeCount: n, mentorCount: m, menteeMin: mins, candidates: cands))
            guard DenseAssignment.applies(p, cellBytes: 8) else { continue }
            for coverage in [false, true] {
                guard case .narrow(let w) = try Costs(p, coverage: coverage, allowed: nil) else {
                    Issue.record("integer scores need no wide costs"); continue
                }
                let dense = DenseAssignment.pair(p, weights: w, coverage: coverage)
                let flow = MinCostFlow(p: p, cost: w.value.map { -$0 }, allowed: nil, unmatchedCost: w.pairBonus,
                                       shortCost: w.minimumBonus).solve()
                #expect(dense.short.count == flow.short.count, "round \(round)")
                if dense.short.isEmpty {
                    let a = p.solution(dense.taken), b = p.solution(flow.taken)
                    #expect(a.totalScore == b.totalScore, "round \(round) coverage \(coverage)")
                    if coverage { #expect(a.chosen.count == b.chosen.count, "round \(round)") }
                }
            }
        }
    }

    @Test func sameInputSamePairsInAnyOrder() throws {
        var rng = SplitMix(state: 11)
        for round in 0..<300 {
            let p = randomInstance(&rng, ones: round % 2 == 0, realScores: false)
            for objective in Objective.allCases {
                guard let first = try? PairingSolver.solve(p, objective: objective) else { continue }
                let again = try PairingSolver.solve(p, objective: objective)
                #expect(first == again)
                // Reversed candidate order: the same pairs, by (mentee, mentor).
                let pairs = Set(first.chosen.map { [p.candidates[$0].mentee, p.candidates[$0].mentor] })
                let reversed = PairingProblem(menteeCount: p.menteeCount, mentorCount: p.mentorCount,
                                              menteeMin: p.menteeMin, menteeMax: p.menteeMax, mentorMax: p.mentorMax,
                                              candidates: p.candidates.reversed())
                let other = try PairingSolver.solve(reversed, objective: objective)
                #expect(Set(other.chosen.map { [reversed.candidates[$0].mentee, reversed.candidates[$0].mentor] }) == pairs)
            }
        }
    }

    @Test func infeasibleInstancesSayWhy() {
        let c = { (a: Int32, b: Int32) in Candidate(mentee: a, mentor: b, score: 1) }
        func reason(_ p: PairingProblem) -> String? {
            do { _ = try PairingSolver.solve(p, objective: .totalFit); return nil } catch {
                #expect(error.status == .constraint)
                return error.message
            }
        }
        // Too few candidates for a minimum.
        let few = PairingProblem(menteeCount: 2, mentorCount: 2, menteeMin: [2, 0], menteeMax: [2, 1],
                                 mentorMax: [1, 1], candidates: [c(0, 0), c(1, 1)])
        #expect(reason(few)?.contains("mentee 0 needs 2 mentor(s) but has only 1 candidate") == true)
        // More required pairs than seats.
        let seats = PairingProblem(menteeCount: 3, mentorCount: 1, menteeMin: [1, 1, 1], menteeMax: [1, 1, 1],
                                   mentorMax: [2], candidates: [c(0, 0), c(1, 0), c(2, 0)])
        #expect(reason(seats)?.contains("capacity shortfall: mentees need 3 pairs in total, mentors offer 2") == true)
        // Enough seats overall, but two mentees compete for one mentor.
        let clash = PairingProblem(menteeCount: 2, mentorCount: 2, menteeMin: [1, 1], menteeMax: [1, 1],
                                   mentorMax: [1, 1], candidates: [c(0, 0), c(1, 0)])
        #expect(reason(clash)?.contains("minimums cannot all be met") == true)
        #expect(reason(clash)?.contains("candidates 0") == true)
    }

    @Test func malformedInputIsInvalid() {
        func status(_ p: PairingProblem) -> Status? {
            do { _ = try PairingSolver.solve(p, objective: .coverage); return nil } catch { return error.status }
        }
        let ok = Candidate(mentee: 0, mentor: 0, score: 1)
        #expect(status(PairingProblem(menteeCount: 1, mentorCount: 1, candidates: [ok])) == nil)
        #expect(status(PairingProblem(menteeCount: 1, mentorCount: 1,
                                      candidates: [Candidate(mentee: 1, mentor: 0, score: 1)])) == .invalid)
        #expect(status(PairingProblem(menteeCount: 1, mentorCount: 1,
                                      candidates: [Candidate(mentee: 0, mentor: -1, score: 1)])) == .invalid)
        #expect(status(PairingProblem(menteeCount: 1, mentorCount: 1,
                                      candidates: [Candidate(mentee: 0, mentor: 0, score: .nan)])) == .invalid)
        #expect(status(PairingProblem(menteeCount: 1, mentorCount: 1, candidates: [ok, ok])) == .invalid)
        #expect(status(PairingProblem(menteeCount: 1, mentorCount: 1, mentorMax: [-1], candidates: [ok])) == .invalid)
        #expect(status(PairingProblem(menteeCount: 1, mentorCount: 1, menteeMin: [2], menteeMax: [1],
                                      candidates: [ok])) == .invalid)
        #expect(status(PairingProblem(menteeCount: 2, mentorCount: 1, menteeMax: [1], candidates: [ok])) == .invalid)
    }

    @Test func stableMatchingHasNoBlockingPair() throws {
        var rng = SplitMix(state: 5)
        for round in 0..<2000 {
            let p = randomInstance(&rng, ones: round % 3 == 0, realScores: round % 2 == 0)
            let s = try PairingSolver.stable(p)
            var got = [Int](repeating: 0, count: p.menteeCount), load = [Int](repeating: 0, count: p.mentorCount)
            var mentorWorst = [(Double, Int32)?](repeating: nil, count: p.mentorCount)
            for k in s.chosen {
                let c = p.candidates[k]
                got[Int(c.mentee)] += 1; load[Int(c.mentor)] += 1
            }
            for b in 0..<p.mentorCount { #expect(load[b] <= p.mentorMax[b], "round \(round)") }
            for a in 0..<p.menteeCount { #expect(got[a] <= p.menteeMax[a], "round \(round)") }
            // Preferences as ranks: (score, other side's index), higher score and lower index first.
            func menteeRank(_ c: Candidate) -> (Double, Int32) { (c.score, -c.mentor) }
            func mentorRank(_ c: Candidate) -> (Double, Int32) { (c.score, -c.mentee) }
            var menteeWorstRank = [(Double, Int32)?](repeating: nil, count: p.menteeCount)
            for k in s.chosen {
                let c = p.candidates[k]
                let a = Int(c.mentee), b = Int(c.mentor)
                if menteeWorstRank[a].map({ menteeRank(c) < $0 }) ?? true { menteeWorstRank[a] = menteeRank(c) }
                if mentorWorst[b].map({ mentorRank(c) < $0 }) ?? true { mentorWorst[b] = mentorRank(c) }
            }
            let chosen = Set(s.chosen)
            for (k, c) in p.candidates.enumerated() where !chosen.contains(k) {
                let a = Int(c.mentee), b = Int(c.mentor)
                let menteeWants = got[a] < p.menteeMax[a] || menteeWorstRank[a].map { menteeRank(c) > $0 } == true
                let mentorWants = load[b] < p.mentorMax[b] || mentorWorst[b].map { mentorRank(c) > $0 } == true
                #expect(!(menteeWants && mentorWants), "round \(round): blocking pair \(a)-\(b)")
            }
        }
    }
}
