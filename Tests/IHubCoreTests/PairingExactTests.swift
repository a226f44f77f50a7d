import Testing
@testable import IHubCore

/// A sum of doubles to about 106 bits (TwoSum cascade, then normalised), so
/// brute-force totals of scores spanning many magnitudes rank exactly enough.
func wideSum(_ xs: [Double]) -> (hi: Double, lo: Double) {
    var hi = 0.0, lo = 0.0
    for x in xs {
        let s = hi + x, bp = s - hi
        lo += (hi - (s - bp)) + (x - bp)
        hi = s
    }
    let s = hi + lo
    return (s, lo - (s - hi))
}

/// Each objective's optimum by enumeration, with totals compared to about
/// 2^-100 of the scores' magnitude instead of a double's 2^-52.
struct ExactOptimum {
    let p: PairingProblem
    let brute: BruteForce
    let tol: Double

    init(_ p: PairingProblem) {
        self.p = p
        brute = BruteForce(p)
        tol = p.candidates.reduce(0) { $0 + abs($1.score) } * 0x1p-100
    }

    func total(_ chosen: [Int]) -> Double { wideSum(chosen.map { p.candidates[$0].score }).hi }
    /// a - b, to about 2^-106 of the magnitudes summed.
    func difference(_ a: [Int], _ b: [Int]) -> Double {
        let d = wideSum(a.map { p.candidates[$0].score } + b.map { -p.candidates[$0].score })
        return d.hi + d.lo
    }

    func best(_ among: [Int]) -> [Int] {
        among.max { difference(brute.sets[$0], brute.sets[$1]) < 0 }.map { brute.sets[$0] } ?? []
    }

    /// Why `s` is not optimal under `objective`, or nil.
    func fault(_ s: PairingSolution, _ objective: Objective) -> String? {
        let indices = Array(brute.all.indices)
        switch objective {
        case .totalFit:
            let top = best(indices)
            if abs(difference(s.chosen, top)) > tol { return "total \(total(s.chosen)), optimum \(total(top))" }
            let pairs = indices.filter { abs(difference(brute.sets[$0], top)) <= tol }.map { brute.all[$0].pairs }.max()!
            if s.chosen.count != pairs { return "\(s.chosen.count) pairs at the best total, \(pairs) possible" }
        case .coverage:
            let pairs = brute.bestCoverage.pairs
            if s.chosen.count != pairs { return "\(s.chosen.count) pairs, \(pairs) possible" }
            let top = best(indices.filter { brute.all[$0].pairs == pairs })
            if abs(difference(s.chosen, top)) > tol { return "total \(total(s.chosen)), optimum \(total(top))" }
        case .fairness:
            let f = brute.fairness
            let worst = s.chosen.map { p.candidates[$0].score }.min() ?? .infinity
            if s.chosen.count != f.pairs { return "\(s.chosen.count) pairs, \(f.pairs) possible" }
            if worst != f.worst { return "worst pair \(worst), optimum \(f.worst)" }
            let top = best(indices.filter { brute.all[$0].pairs == f.pairs && brute.all[$0].worst >= f.worst })
            if abs(difference(s.chosen, top)) > tol { return "total \(total(s.chosen)), optimum \(total(top))" }
        }
        return nil
    }
}

/// A pair both sides would rather have than what stable matching gave them.
func blockingPair(_ p: PairingProblem, _ s: PairingSolution) -> (Int, Int)? {
    var got = [Int](repeating: 0, count: p.menteeCount), load = [Int](repeating: 0, count: p.mentorCount)
    var menteeWorst = [(Double, Int32)?](repeating: nil, count: p.menteeCount)
    var mentorWorst = [(Double, Int32)?](repeating: nil, count: p.mentorCount)
    func menteeRank(_ c: Candidate) -> (Double, Int32) { (c.score, -c.mentor) }
    func mentorRank(_ c: Candidate) -> (Double, Int32) { (c.score, -c.mentee) }
    for k in s.chosen {
        let c = p.candidates[k], a = Int(c.mentee), b = Int(c.mentor)
        got[a] += 1; load[b] += 1
        if menteeWorst[a].map({ menteeRank(c) < $0 }) ?? true { menteeWorst[a] = menteeRank(c) }
        if mentorWorst[b].map({ mentorRank(c) < $0 }) ?? true { mentorWorst[b] = mentorRank(c) }
    }
    let chosen = Set(s.chosen)
    for (k, c) in p.candidates.enumerated() where !chosen.contains(k) {
        let a = Int(c.mentee), b = Int(c.mentor)
        let menteeWants = got[a] < p.menteeMax[a] || menteeWorst[a].map { menteeRank(c) > $0 } == true
        let mentorWants = load[b] < p.mentorMax[b] || mentorWorst[b].map { mentorRank(c) > $0 } == true
        if menteeWants && mentorWants { return (a, b) }
    }
    return nil
}

/// Binary digits an instance's nonzero scores span (top bit of the largest
/// to the lowest bit set in any): what exact costs must hold.
func scoreSpan(_ p: PairingProblem) -> Int {
    let nonzero = p.candidates.map { abs($0.score) }.filter { $0 != 0 }
    guard let top = nonzero.max() else { return 0 }
    return Int(top.exponent) - nonzero.map(Costs.lowestBit).min()! + 1
}

func instance(_ n: Int, _ m: Int, _ rows: [(Int32, Int32, Double)], menteeMax: [Int] = [], mentorMax: [Int] = [])
    -> PairingProblem
{
    PairingProblem(menteeCount: n, mentorCount: m, menteeMax: menteeMax, mentorMax: mentorMax,
                   candidates: rows.map { Candidate(mentee: $0.0, mentor: $0.1, score: $0.2) })
}

@Suite struct PairingExactTests {
    static let magnitudes: [Double] = [1e-12, 1e-10, 1e-6, 1e-3, 1, 1e3, 1e6, 1e9, 1e12, 1e15]

    /// Scores of one family at one magnitude: integers and reals times the
    /// magnitude, ties, zeros, large negative penalties, two magnitudes mixed.
    static func rescore(_ p: PairingProblem, family: Int, magnitude: Double, _ rng: inout SplitMix) -> PairingProblem {
        var q = p
        for k in q.candidates.indices {
            let base = q.candidates[k].score   // an integer in -3...9
            let s: Double
            switch family {
            case 0: s = base * magnitude
            case 1: s = Double(rng.int(-2000...10_000)) / 997 * magnitude
            case 2: s = Double(rng.int(1...2)) * magnitude                          // ties
            case 3: s = rng.chance(0.6) ? 0 : base * magnitude                       // zeros
            case 4: s = rng.chance(0.3) ? [-9e6, -1e12, -1e15][rng.int(0...2)] : base * magnitude   // penalties
            default: s = base * (rng.chance(0.5) ? magnitude : magnitudes[rng.int(0...magnitudes.count - 1)])
            }
            q.candidates[k].score = min(max(s, -1e15), 1e15)
        }
        return q
    }

    @Test func magnitudeSweepIsOptimalOrRefused() {
        var rng = SplitMix(state: 2026)
        var solved = 0, refused = 0, infeasible = 0
        for magnitude in Self.magnitudes {
            for family in 0..<6 {
                for round in 0..<24 {
                    let shape = randomInstance(&rng, ones: round % 2 == 0, realScores: false)
                    let p = Self.rescore(shape, family: family, magnitude: magnitude, &rng)
                    let exact = ExactOptimum(p)
                    let tag = "magnitude \(magnitude) family \(family) round \(round)"
                    for objective in Objective.allCases {
                        for flowOnly in [false, true] {
                            do {
                                let s = try PairingSolver.solve(p, objective: objective, flowOnly: flowOnly)
                                #expect(exact.brute.feasible, "\(tag): solved an infeasible instance")
                                checkFeasible(p, s)
                                if let why = exact.fault(s, objective) {
                                    Issue.record("\(tag) \(objective) flowOnly \(flowOnly): \(why)")
                                }
                                solved += 1
                            } catch where error.status == .limit {
                                // Only an instance whose digits truly need the width.
                                #expect(scoreSpan(p) > 90, "\(tag) \(objective): \(error.message)")
                                #expect(error.message.contains("scores from"), "\(error.message)")
                                refused += 1
                            } catch {
                                #expect(error.status == .constraint && !exact.brute.feasible,
                                        "\(tag) \(objective): \(error.message)")
                                infeasible += 1
                            }
                        }
                    }
                    do {
                        let s = try PairingSolver.stable(p)
                        if let (a, b) = blockingPair(p, s) { Issue.record("\(tag): blocking pair \(a)-\(b)") }
                    } catch {
                        Issue.record("\(tag) stable: \(error.message)")
                    }
                }
            }
        }
        #expect(solved > 7000 && infeasible > 100 && refused > 0, "solved \(solved) refused \(refused) infeasible \(infeasible)")
    }

    @Test func fairnessWithAHugePenaltyDoesNotTrap() throws {
        // Was SIGILL: a threshold attempt scaled every edge, the penalty overflowed Int64.
        let p = instance(2, 2, [(0, 0, 1), (1, 1, 1), (0, 1, -9_000_000)])
        for objective in Objective.allCases {
            for flowOnly in [false, true] {
                let s = try PairingSolver.solve(p, objective: objective, flowOnly: flowOnly)
                #expect(s.chosen == [0, 1] && s.totalScore == 2, "\(objective)")
            }
        }
    }

    @Test func wideIntegerRangeIsExact() throws {
        // Were 1 below the optimum (coverage, fairness), and dense and flow disagreed.
        var rng = SplitMix(state: 77)
        for round in 0..<400 {
            let shape = randomInstance(&rng, ones: round % 2 == 0, realScores: false)
            var p = shape
            for k in p.candidates.indices {
                p.candidates[k].score = [779_427_691_580_444, 77, 78, -1, 0, 999_999_999_999_999][rng.int(0...5)]
            }
            let exact = ExactOptimum(p)
            for objective in Objective.allCases {
                for flowOnly in [false, true] {
                    guard exact.brute.feasible else { continue }
                    let s = try PairingSolver.solve(p, objective: objective, flowOnly: flowOnly)
                    if let why = exact.fault(s, objective) { Issue.record("round \(round) \(objective) \(flowOnly): \(why)") }
                }
            }
        }
    }

    @Test func tinyScoresAreExact() throws {
        // Fairness fell back from a threshold whose solve hit a limit under
        // try? ("infeasible"); one pair of 1e-10 was refused for its "demand units".
        let one = instance(1, 1, [(0, 0, 1e-10)])
        for objective in Objective.allCases {
            let s = try PairingSolver.solve(one, objective: objective)
            #expect(s.chosen == [0] && s.totalScore == 1e-10)
        }
        var rng = SplitMix(state: 10)
        for round in 0..<300 {
            var p = randomInstance(&rng, ones: round % 2 == 0, realScores: true)
            for k in p.candidates.indices { p.candidates[k].score *= 1e-10 }
            let exact = ExactOptimum(p)
            guard exact.brute.feasible else { continue }
            for objective in Objective.allCases {
                let s = try PairingSolver.solve(p, objective: objective)
                if let why = exact.fault(s, objective) { Issue.record("round \(round) \(objective): \(why)") }
            }
        }
    }

    @Test func limitNamesTheSpan() {
        let p = instance(2, 2, [(0, 0, 1e15), (1, 1, 1.1e-12), (0, 1, 0.3)])
        #expect(throws: IHubError.self) { try PairingSolver.solve(p, objective: .coverage) }
        do { _ = try PairingSolver.solve(p, objective: .fairness); Issue.record("solved") } catch {
            #expect(error.status == .limit)
            #expect(error.message.contains("scores from 1.1e-12 to 1000000000000000.0 in magnitude"), "\(error.message)")
            #expect(!error.message.contains("\n"))
        }
    }

    @Test func totalFitPrefersMorePairsAtEqualTotal() throws {
        // Two zero-score candidates gave no pair.
        let zeros = instance(2, 2, [(0, 0, 0), (1, 1, 0)])
        let ties = instance(3, 2, [(0, 0, 5), (1, 0, 0), (1, 1, 0), (2, 1, -1)], mentorMax: [2, 1])
        for flowOnly in [false, true] {
            #expect(try PairingSolver.solve(zeros, objective: .totalFit, flowOnly: flowOnly).chosen == [0, 1])
            let s = try PairingSolver.solve(ties, objective: .totalFit, flowOnly: flowOnly)
            #expect(s.chosen.count == 2 && s.totalScore == 5, "\(s)")
        }
    }

    @Test func messagesNameTheParameters() {
        func message(_ p: PairingProblem) -> String {
            do { _ = try PairingSolver.solve(p, objective: .coverage); return "" } catch { return error.message }
        }
        let ok = Candidate(mentee: 0, mentor: 0, score: 1)
        #expect(message(PairingProblem(menteeCount: 1, mentorCount: 1, mentorMax: [-1], candidates: [ok]))
            .hasPrefix("params.mentor_max[0]: must be 0 or more"))
        #expect(message(PairingProblem(menteeCount: 1, mentorCount: 1, menteeMin: [2], menteeMax: [1], candidates: [ok]))
            .hasPrefix("params.mentee_min[0]:"))
        #expect(message(PairingProblem(menteeCount: 2, mentorCount: 1, menteeMax: [1], candidates: [ok]))
            .hasPrefix("params.mentee_max: 1 values for 2 people"))
        #expect(message(instance(1, 1, [(0, 0, 1), (0, 0, 2)])).hasPrefix("params.candidates[1]: duplicate of params.candidates[0]"))
        #expect(message(instance(1, 1, [(0, 0, 2e15)])).hasPrefix("params.candidates[0][2]: score must be"))
    }
}

extension PairingExactTests {
    /// Integer scores sized so the cost bound lands on either side of Int64's
    /// budget, square and not, with and without minimums: the dense and flow
    /// paths must neither trap nor disagree on any objective.
    @Test func costsNearTheTypeBoundaryDoNotTrap() throws {
        var rng = SplitMix(state: 62)
        for exponent in stride(from: 36, through: 50, by: 2) {
            for (n, m) in [(30, 30), (31, 27), (24, 33)] {
                var cands: [Candidate] = []
                let top = 1 << exponent
                for a in 0..<n { for b in 0..<m where rng.chance(0.8) {
                    cands.append(Candidate(mentee: Int32(a), mentor: Int32(b), score: Double(rng.int(-top...top) | 1)))
                } }
                let mins = (0..<n).map { _ in rng.chance(0.1) ? 1 : 0 }
                for minimums in [false, true] {
                    let p = PairingProblem(menteeCount: n, mentorCount: m, menteeMin: minimums ? mins : [], candidates: cands)
                    for objective in Objective.allCases {
                        let dense = try? PairingSolver.solve(p, objective: objective)
                        let flow = try? PairingSolver.solve(p, objective: objective, flowOnly: true)
                        #expect(dense?.totalScore == flow?.totalScore && dense?.chosen.count == flow?.chosen.count,
                                "2^\(exponent) \(n)x\(m) minimums \(minimums) \(objective)")
                    }
                }
            }
        }
    }
}
