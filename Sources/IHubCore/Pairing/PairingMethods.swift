/// The pairing operations of the method table.
enum PairingMethods {
    static let pair: Shape = .object([.required("mentee", .string, "code of the mentee (school or person)"),
                                      .required("mentor", .string, "code of the mentor")])

    static let all: [Method] = [
        Method("pairing.propose", """
            Propose who mentors whom in a hub's round, at the school or teacher level, with the hub's pairing policy (the \
            default, or its "pairing" script): blocking, hard constraints (eligibility, bans, pins, no repeat), capacities and \
            a score of named, weighted criteria; solved exactly for the objective. Stores the run (inputs' hash, policy \
            version, pairs, unmatched with reasons) without changing anyone's pairs. Two records never mentor each other in \
            a round: not the reverse of a pin or of a pair confirmed in the round, and of two records admissible both ways \
            only the better-scoring direction is a candidate. An infeasible instance, or a policy that errors, runs out of \
            budget or returns what is not a finite score within ±1e15 (or nil and a reason), stores nothing.
            """,
               writes: true,
               params: [.optional("hub", .string, "code of the hub (not with rerun)"),
                        .optional("round", .string, "code of the hub's round (not with rerun)"),
                        .optional("level", .oneOf(PairingRecords.Level.allCases.map(\.rawValue)), "school (default) or teacher"),
                        .optional("objective", .oneOf(Objective.allCases.map(\.rawValue)),
                                  "total_fit (default: maximum total score), coverage (most people paired first) or fairness (max-min)"),
                        .optional("mode", .oneOf(["optimal", "stable"]), "optimal (default) or stable (mentees propose, mentor capacities)"),
                        .optional("rounds", .array(.string), "other hubs' rounds whose schools or teachers join (policy blocking.same_hub = false)"),
                        .optional("pins", .array(pair), "pairs that must be in the run: each makes its own pair admissible and chosen, nothing else (its mentor gains no other mentees, its mentee no other mentors, unless the policy makes them so)"),
                        .optional("bans", .array(pair), "pairs that must not be"),
                        .optional("rerun", .integer, "re-run this earlier run with its parameters, adding these pins and bans")]) { engine, p throws(IHubError) in
            try PairingWorkflow.propose(engine, p)
        },
        Method("pairing.get", "A stored pairing run: its parameters, hashes, pairs and unmatched people with reasons.",
               params: [.required("run", .integer, "the run's id")]) { engine, p throws(IHubError) in
            try PairingWorkflow.get(engine.db, id: p["run"]!.int!)
        },
        Method("pairing.list", "A round's pairing runs, newest first (without their pairs).",
               params: [.required("round", .string, "code of the round"),
                        .optional("level", .oneOf(PairingRecords.Level.allCases.map(\.rawValue)), "only this level")]) { engine, p throws(IHubError) in
            let round = try RoundRef.resolve(engine.db, code: p["round"]!.string!, at: "params.round")
            return .array(try engine.db.pairing.runs(roundID: round.id, level: p["level"]?.string).map { r in
                ["run": .int(r.id), "level": .string(r.level), "objective": .string(r.objective), "mode": .string(r.mode),
                 "total": .double(r.total), "candidates": .int(r.candidates), "policy_hash": .string(r.policyHash),
                 "created_at": .string(r.createdAt), "confirmed_at": r.confirmedAt.map(JSON.string) ?? .null,
                 "pairs": .int(r.pairs), "unmatched": .int(r.unmatched)]
            })
        },
        Method("pairing.explain", """
            Explain a pair of a run: each criterion's value, weight and contribution; `pinned` for a pair the coordinator \
            pinned; for a pair not in the run, what it would have scored and the constraint (pin, eligibility, ban, history, \
            mutual, blocking, policy) or better alternative that ruled it out (`ruled_out_by`). The run's setup is built once \
            and reused while the database is unchanged, so explaining every pair of a run costs one setup.
            """,
               params: [.required("run", .integer, "the run's id"),
                        .required("mentee", .string, "code of the mentee"),
                        .required("mentor", .string, "code of the mentor")]) { engine, p throws(IHubError) in
            try PairingWorkflow.explain(engine, run: p["run"]!.int!, mentee: p["mentee"]!.string!, mentor: p["mentor"]!.string!)
        },
        Method("pairing.diff", "Compare two runs: pairs added, removed and rescored, people newly (un)matched, the totals.",
               params: [.required("from", .integer, "the earlier run's id"),
                        .required("to", .integer, "the later run's id")]) { engine, p throws(IHubError) in
            try PairingWorkflow.diff(engine.db, p["from"]!.int!, p["to"]!.int!)
        },
        Method("pairing.confirm", """
            Apply a run: its pairs become mentorships of its round, all or none; mentor and mentee loads, and mutual \
            mentoring (a pair whose reverse is confirmed in the round), are checked inside the transaction against what is \
            confirmed by then. The mentorships start today, or on `start` (e.g. when a hub records pairs it made earlier).
            """,
               // Read committed behind the hub's row lock: once the lock is
               // held, every check reads what other confirmations committed
               // (serializable would check an older snapshot, then abort).
               writes: true, isolation: .readCommitted,
               params: [.required("run", .integer, "the run's id"),
                        .optional("start", .date, "the mentorships' first day (default today)")]) { engine, p throws(IHubError) in
            try PairingWorkflow.confirm(engine.db, run: p["run"]!.int!, start: p["start"]?.string ?? Timestamp.today())
        },
        Method("pairing.mentorships", "Confirmed pairs of a hub (current ones, or with history), with round, level and dates.",
               params: [.required("hub", .string, "code of the hub"),
                        .optional("level", .oneOf(PairingRecords.Level.allCases.map(\.rawValue)), "only this level"),
                        .optional("history", .boolean, "include ended pairs (default false)")]) { engine, p throws(IHubError) in
            let hubID = try engine.db.requireID(.hub, code: p["hub"]!.string!, at: "params.hub")
            let rows = try engine.db.pairing.mentorships(hubID: hubID, level: p["level"]?.string, history: p["history"]?.bool == true)
            return .array(rows.map { m in
                MentorshipMethods.json(m)
            })
        },
        Method("pairing.policy", "The pairing policy a hub runs: the default text (embedded in ihub), the hub's script if any, and the version hash.",
               params: [.optional("hub", .string, "code of the hub (default: only the default policy)")]) { engine, p throws(IHubError) in
            var hubSource: String?
            if let hub = p["hub"]?.string {
                hubSource = try HubScriptMethods.load(engine.db, hubID: engine.db.requireID(.hub, code: hub, at: "params.hub"), name: "pairing")?.source
            }
            return ["default": .string(DefaultPolicy.source), "hub_script": hubSource.map(JSON.string) ?? .null,
                    "hash": .string(PolicyScript.version(hubSource))]
        },
    ]
}
