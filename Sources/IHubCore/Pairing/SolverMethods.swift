/// `pairing.solve`: the exact solvers on an instance given inline, a pure
/// computation (no reads, no writes). The policy layer builds instances from
/// the registry; this method lets callers and tests reach the solvers directly.
enum SolverMethods {
    static let all: [Method] = [
        Method("pairing.solve", """
            Solve a pairing instance given inline: candidates [[mentee, mentor, score], ...] (0-based indices), \
            loads and an objective (total_fit: best total, then most pairs among equal totals; coverage: most pairs, then \
            best total; fairness: most pairs, then the best worst pair, then the best total; stable: mentee-proposing \
            deferred acceptance). Exact and deterministic: scores (finite, within ±10^15) are compared exactly; an \
            instance whose scores span too many binary digits for exact 126-bit costs is refused with IHUB_LIMIT.
            """,
               params: [.required("mentees", .integer, "number of mentees (indices 0..mentees-1)"),
                        .required("mentors", .integer, "number of mentors (indices 0..mentors-1)"),
                        .optional("mentee_min", .array(.integer), "mentors each mentee must get (default 0)"),
                        .optional("mentee_max", .array(.integer), "mentors each mentee may get (default 1)"),
                        .optional("mentor_max", .array(.integer), "mentees each mentor may take (default 1)"),
                        // Read directly below, not through a per-row schema: a million rows must stay fast.
                        .required("candidates", .any, "[[mentee, mentor, score], ...]: the allowed pairs"),
                        .optional("objective", .oneOf(PairingSolver.methods), "default total_fit (best total, then most pairs)")],
               result: .object([
                   .required("objective", .oneOf(PairingSolver.methods), "the objective solved for"),
                   .required("pairs", .array(.array(.integer)), "the chosen pairs as [mentee, mentor] indices"),
                   .required("chosen", .array(.integer), "the chosen candidates' positions in `candidates`"),
                   .required("total", .number, "sum of the chosen pairs' scores"),
                   .required("unmatched", .array(.integer), "indices of the mentees without a mentor"),
                   .required("solve_seconds", .number, "time the solver took, in seconds"),
               ]),
               example: ["mentees": 2, "mentors": 2, "candidates": [[0, 0, 1.5], [0, 1, 2], [1, 0, 1]]],
               errors: [.invalid("a candidate's index is out of range, or it repeats another; a minimum is above its maximum"),
                        .constraint("infeasible: mentees' minimums of mentors cannot be met"),
                        .limit("the scores span too many binary digits for exact 126-bit costs")]) { _, p throws(IHubError) in
            let problem = try problem(p)
            let method = p["objective"]?.string ?? Objective.totalFit.rawValue
            let clock = ContinuousClock()
            let began = clock.now
            let solution: PairingSolution
            if let objective = Objective(rawValue: method) {
                solution = try PairingSolver.solve(problem, objective: objective)
            } else {
                solution = try PairingSolver.stable(problem)
            }
            let took = clock.now - began
            let seconds = Double(took.components.seconds) + Double(took.components.attoseconds) * 1e-18
            let pairs = solution.chosen.map { k -> JSON in
                let c = problem.candidates[k]
                return .array([.int(Int64(c.mentee)), .int(Int64(c.mentor))])
            }
            return ["objective": .string(method), "pairs": .array(pairs),
                    "chosen": .array(solution.chosen.map { .int(Int64($0)) }),
                    "total": .double(solution.totalScore),
                    "unmatched": .array(solution.unmatchedMentees.map { .int(Int64($0)) }),
                    "solve_seconds": .double(seconds)]
        },
    ]

    static func problem(_ p: JSON) throws(IHubError) -> PairingProblem {
        let n = p["mentees"]!.int!, m = p["mentors"]!.int!
        guard n >= 0, m >= 0, n <= 10_000_000, m <= 10_000_000 else {
            throw IHubError.invalid("params.mentees/mentors: must be between 0 and 10^7")
        }
        func ints(_ key: String) -> [Int] { p[key]?.array?.map { Int($0.int!) } ?? [] }
        guard let rows = p["candidates"]!.array else {
            throw IHubError.invalid("params.candidates: expected an array of [mentee, mentor, score]")
        }
        var candidates: [Candidate] = []
        candidates.reserveCapacity(rows.count)
        for (k, row) in rows.enumerated() {
            guard case .array(let cells) = row, cells.count == 3,
                  let a = cells[0].int, let b = cells[1].int, let s = cells[2].double else {
                throw IHubError.invalid("params.candidates[\(k)]: expected [mentee, mentor, score] (two integers and a number)")
            }
            guard a >= 0, a < n else { throw IHubError.invalid("params.candidates[\(k)][0]: mentee \(a) out of range 0..<\(n)") }
            guard b >= 0, b < m else { throw IHubError.invalid("params.candidates[\(k)][1]: mentor \(b) out of range 0..<\(m)") }
            candidates.append(Candidate(mentee: Int32(a), mentor: Int32(b), score: s))
        }
        return PairingProblem(menteeCount: Int(n), mentorCount: Int(m), menteeMin: ints("mentee_min"),
                              menteeMax: ints("mentee_max"), mentorMax: ints("mentor_max"), candidates: candidates)
    }
}
