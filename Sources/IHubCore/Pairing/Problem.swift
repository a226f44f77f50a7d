/// An allowed mentee–mentor pair and how well it fits (higher is better).
struct Candidate: Sendable, Equatable {
    var mentee: Int32
    var mentor: Int32
    var score: Double

    init(mentee: Int32, mentor: Int32, score: Double) {
        self.mentee = mentee
        self.mentor = mentor
        self.score = score
    }
}

/// A pairing instance: who may pair with whom, how well, and the loads.
/// Empty `menteeMin` / `menteeMax` / `mentorMax` arrays mean the defaults
/// 0 / 1 / 1 for everyone.
struct PairingProblem: Sendable {
    var menteeCount: Int
    var mentorCount: Int
    var menteeMin: [Int]   // mentors each mentee must get (0 or more); infeasible if impossible
    var menteeMax: [Int]   // mentors each mentee may get (usually 1)
    var mentorMax: [Int]   // mentor capacity (load)
    var candidates: [Candidate]   // only these pairs are allowed
    /// Where the caller's values came from, for messages about them.
    var paths = FieldPaths()

    init(menteeCount: Int, mentorCount: Int, menteeMin: [Int] = [], menteeMax: [Int] = [], mentorMax: [Int] = [],
         candidates: [Candidate])
    {
        self.menteeCount = menteeCount
        self.mentorCount = mentorCount
        self.menteeMin = menteeMin
        self.menteeMax = menteeMax
        self.mentorMax = mentorMax
        self.candidates = candidates
    }
}

/// The names messages give a problem's fields: by default the parameters of
/// `pairing.solve` (`params.mentor_max[3]`, `params.candidates[7][2]`).
struct FieldPaths: Sendable {
    var counts = "params.mentees/mentors"
    var menteeMin = "params.mentee_min"
    var menteeMax = "params.mentee_max"
    var mentorMax = "params.mentor_max"
    var candidates = "params.candidates"
}

/// What the solvers optimise.
enum Objective: String, Sendable, CaseIterable {
    case totalFit = "total_fit"       // maximum total score
    case coverage = "coverage"        // maximum number of pairs first, then maximum total score
    case fairness = "fairness"        // max-min: maximise the worst pair's score, then (lexicographically) total score
}

/// The chosen pairs of one solve.
struct PairingSolution: Sendable, Equatable {
    var chosen: [Int]          // indices into problem.candidates, sorted ascending
    var totalScore: Double
    var unmatchedMentees: [Int] // mentees left with fewer than 1 mentor (or below menteeMin if >1), ascending
}

/// A validated problem in the flat form the solvers share: candidates in
/// (mentee, mentor) order as a CSR by mentee, so the pairs found do not
/// depend on the order the caller listed the candidates in.
struct PreparedProblem {
    let n: Int
    let m: Int
    let minOf: [Int]
    /// menteeMax clamped to the mentee's candidate count: more can never be met.
    let maxOf: [Int]
    /// menteeMax as asked: a mentee who wants a mentor and gets none is unmatched.
    let wanted: [Int]
    let cap: [Int]
    /// Candidate indices sorted by (mentee, mentor); mentee a owns
    /// order[start[a] ..< start[a + 1]].
    let order: [Int32]
    let start: [Int]
    let mentorOf: [Int32]   // mentor of order[k], flat
    let score: [Double]     // score of order[k], flat
    /// The caller's candidates were already in order: flat position == candidate index.
    let identity: Bool

    init(_ p: PairingProblem) throws(IHubError) {
        let paths = p.paths
        guard p.menteeCount >= 0, p.mentorCount >= 0 else {
            throw IHubError.invalid("\(paths.counts): must be 0 or more")
        }
        n = p.menteeCount
        m = p.mentorCount
        guard n < Int(Int32.max), m < Int(Int32.max) else { throw IHubError.invalid("\(paths.counts): too many people") }
        func sized(_ a: [Int], _ count: Int, _ def: Int, _ name: String) throws(IHubError) -> [Int] {
            if a.isEmpty { return [Int](repeating: def, count: count) }
            guard a.count == count else {
                throw IHubError.invalid("\(name): \(a.count) values for \(count) people")
            }
            if let i = a.firstIndex(where: { $0 < 0 }) {
                throw IHubError.invalid("\(name)[\(i)]: must be 0 or more, got \(a[i])")
            }
            return a
        }
        let mins = try sized(p.menteeMin, n, 0, paths.menteeMin)
        var maxs = try sized(p.menteeMax, n, 1, paths.menteeMax)
        // No load can exceed the number of candidates: clamping keeps sums of
        // capacities far from overflow whatever a caller asks for.
        cap = try sized(p.mentorMax, m, 1, paths.mentorMax).map { min($0, p.candidates.count) }
        for a in 0..<n where mins[a] > maxs[a] {
            throw IHubError.invalid("\(paths.menteeMin)[\(a)]: \(mins[a]) is above the mentee's maximum \(maxs[a]) (\(paths.menteeMax)[\(a)])")
        }
        maxs = maxs.map { min($0, max(1, p.candidates.count)) }  // 0 stays 0: "wants no mentor"

        // Counting sort by mentee, then by mentor within each mentee: O(E).
        let cs = p.candidates
        var count = [Int](repeating: 0, count: n + 1)
        var sorted = true   // already in strict (mentee, mentor) order: no sort, no duplicates
        var last = (Int32(-1), Int32(-1))
        for (k, c) in cs.enumerated() {
            guard c.mentee >= 0, Int(c.mentee) < n else {
                throw IHubError.invalid("\(paths.candidates)[\(k)][0]: mentee \(c.mentee) out of range 0..<\(n)")
            }
            guard c.mentor >= 0, Int(c.mentor) < m else {
                throw IHubError.invalid("\(paths.candidates)[\(k)][1]: mentor \(c.mentor) out of range 0..<\(m)")
            }
            guard c.score.isFinite, abs(c.score) <= 1e15 else {
                throw IHubError.invalid("\(paths.candidates)[\(k)][2]: score must be a finite number within ±10^15, got \(c.score)")
            }
            count[Int(c.mentee) + 1] += 1
            if sorted {
                sorted = c.mentee > last.0 || (c.mentee == last.0 && c.mentor > last.1)
                last = (c.mentee, c.mentor)
            }
        }
        for a in 0..<n { count[a + 1] += count[a] }
        start = count
        wanted = maxs
        for a in 0..<n { maxs[a] = min(maxs[a], count[a + 1] - count[a]) }
        minOf = mins
        maxOf = maxs
        if sorted {
            order = (0..<Int32(cs.count)).map { $0 }
            mentorOf = cs.map(\.mentor)
            score = cs.map(\.score)
            identity = true
            return
        }
        identity = false
        // First by mentor (stable), then by mentee (stable): (mentee, mentor) order.
        var byMentorStart = [Int](repeating: 0, count: m + 1)
        for c in cs { byMentorStart[Int(c.mentor) + 1] += 1 }
        for b in 0..<m { byMentorStart[b + 1] += byMentorStart[b] }
        var byMentor = [Int32](repeating: 0, count: cs.count)
        for (k, c) in cs.enumerated() {
            byMentor[byMentorStart[Int(c.mentor)]] = Int32(k)
            byMentorStart[Int(c.mentor)] += 1
        }
        var fill = count
        var order = [Int32](repeating: 0, count: cs.count)
        for k in byMentor {
            let a = Int(cs[Int(k)].mentee)
            order[fill[a]] = k
            fill[a] += 1
        }
        var mentorOf = [Int32](repeating: 0, count: cs.count)
        var score = [Double](repeating: 0, count: cs.count)
        for (i, k) in order.enumerated() {
            mentorOf[i] = cs[Int(k)].mentor
            score[i] = cs[Int(k)].score
        }
        for a in 0..<n where count[a + 1] - count[a] > 1 {
            for i in (count[a] + 1)..<count[a + 1] where mentorOf[i] == mentorOf[i - 1] {
                throw IHubError.invalid(
                    "\(paths.candidates)[\(order[i])]: duplicate of \(paths.candidates)[\(order[i - 1])] (mentee \(a), mentor \(mentorOf[i]))")
            }
        }
        self.order = order
        self.mentorOf = mentorOf
        self.score = score
    }

    var edgeCount: Int { order.count }

    /// Instances no assignment can satisfy, found by counting: a mentee with
    /// fewer candidates than its minimum, or more required pairs than seats.
    func checkCounts() throws(IHubError) {
        var need = 0
        for a in 0..<n where minOf[a] > 0 {
            let degree = start[a + 1] - start[a]
            if minOf[a] > degree {
                throw IHubError(.constraint,
                    "pairing: mentee \(a) needs \(minOf[a]) mentor(s) but has only \(degree) candidate(s)")
            }
            need += minOf[a]
        }
        let seats = cap.reduce(0, +)
        if need > seats {
            throw IHubError(.constraint,
                "pairing: capacity shortfall: mentees need \(need) pairs in total, mentors offer \(seats) seats")
        }
    }

    /// The infeasibility error for mentees left below their minimum by an
    /// optimal solve (which meets as many minimums as any assignment can).
    func shortfall(_ short: [Int]) -> IHubError {
        let shown = short.prefix(5).map { a -> String in
            let mentors = (start[a]..<start[a + 1]).map { String(mentorOf[$0]) }.joined(separator: ",")
            return "mentee \(a) (min \(minOf[a]); candidates \(mentors))"
        }.joined(separator: "; ")
        let more = short.count > 5 ? " and \(short.count - 5) more" : ""
        return IHubError(.constraint,
            "pairing: minimums cannot all be met: the candidate mentors lack capacity for \(shown)\(more)")
    }

    /// The solution for the flat edges chosen (flags by flat position).
    func solution(_ taken: [Bool]) -> PairingSolution {
        var chosen: [Int] = []
        var unmatched: [Int] = []
        for a in 0..<n {
            var got = 0
            for i in start[a]..<start[a + 1] where taken[i] {
                chosen.append(Int(order[i]))
                got += 1
            }
            if wanted[a] > 0, got < max(1, minOf[a]) { unmatched.append(a) }
        }
        // Sum in candidate order so the total does not depend on the path taken.
        var total = 0.0
        if identity {
            for k in chosen { total += score[k] }
        } else {
            chosen.sort()
            var byCandidate = [Double](repeating: 0, count: order.count)
            for (i, k) in order.enumerated() { byCandidate[Int(k)] = score[i] }
            for k in chosen { total += byCandidate[k] }
        }
        return PairingSolution(chosen: chosen, totalScore: total, unmatchedMentees: unmatched)
    }
}
