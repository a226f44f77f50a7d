/// The pairing operations of the method table.
enum PairingMethods {
    static let pair: Shape = .object([.required("mentee", .string, "code of the mentee (school or person)"),
                                      .required("mentor", .string, "code of the mentor")])

    static let levels = PairingRecords.Level.allCases.map(\.rawValue)
    static let objectives = Objective.allCases.map(\.rawValue)
    static let modes = ["optimal", "stable"]

    /// A pair with its score, as explain and diff list them.
    static let scoredPair: Shape = .object([
        .required("mentee", .string, "code of the mentee"),
        .required("mentor", .string, "code of the mentor"),
        .required("score", .number, "the pair's score by the policy (higher fits better)"),
    ])

    /// A school or teacher a run left without a pair.
    static let unmatched: Shape = .object([
        .required("code", .string, "code of the school or teacher"),
        .required("side", .oneOf(["mentee", "mentor", "none"]), "the side it was on (none: the policy made it neither mentee nor mentor)"),
        .required("reason", .string, "why it has no pair"),
    ])

    /// A stored run, as pairing.propose and pairing.get return it (PairingWorkflow.get).
    static let run: Shape = .object([
        .required("run", .integer, "the run's id"),
        .required("hub", .string, "code of the hub"),
        .required("round", .string, "code of the round"),
        .required("level", .oneOf(levels), "school or teacher"),
        .required("objective", .oneOf(objectives), "what the solver optimised"),
        .required("mode", .oneOf(modes), "optimal or stable"),
        .required("inputs_hash", .string, "hash of the records, constraints, objective and mode the run read"),
        .required("policy_hash", .string, "version of the policy that scored it (pairing.policy's hash)"),
        .required("pins", .array(pair), "the pairs the coordinator pinned"),
        .required("bans", .array(pair), "the pairs the coordinator banned"),
        .optional("rerun", .integer, "the earlier run this one re-ran"),
        .required("capacity", .object([
            .required("mentor_max", .integer, "mentees a mentor may take"),
            .required("mentee_min", .integer, "mentors a mentee must get"),
            .required("mentee_max", .integer, "mentors a mentee may get"),
        ]), "the policy's capacities at the run's level"),
        .required("total", .number, "sum of the pairs' scores"),
        .required("candidates", .integer, "admissible pairs the solver chose from"),
        .required("created_at", .timestamp, "when the run was proposed"),
        .optional("confirmed_at", .timestamp, "when it was confirmed (null: proposed only)"),
        .required("pairs", .array(.object([
            .required("mentee", .string, "code of the mentee"),
            .required("mentor", .string, "code of the mentor"),
            .required("score", .number, "the pair's score (a pin the policy alone excludes: 0)"),
            .required("pinned", .boolean, "the coordinator pinned it"),
        ])), "the pairs, by mentee and mentor code"),
        .required("unmatched", .array(unmatched), "the schools or teachers left without a pair, by code"),
    ])

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
                        .optional("rerun", .integer, "re-run this earlier run with its parameters, adding these pins and bans")],
               result: run,
               example: ["hub": "LT-CTA", "round": "LT-CTA-R2", "level": "school",
                         "bans": [["mentee": "LT-CTA-S04", "mentor": "LT-CTA-S08"]]],
               errors: [.notFound("the hub, the round, one of `rounds`, a pin's school or teacher, or the `rerun` run does not exist"),
                        .invalid("the round is another hub's; a re-run names another hub, round or level; `rounds` given while the policy keeps pairs within one hub"),
                        .invalid("a pin pairs a record with itself, is given twice, is banned too, or is the reverse of another pin"),
                        .constraint("infeasible: a pin is the reverse of a pair confirmed in the round or goes over a capacity, or mentees' minimums of mentors cannot be met"),
                        .script("the hub's pairing script fails, runs out of budget, or returns what is not a finite score within ±1e15 (or nil and a reason)"),
                        .limit("the scores span too many binary digits for exact costs")]) { engine, p throws(IHubError) in
            try PairingWorkflow.propose(engine, p)
        },
        Method("pairing.get", "A stored pairing run: its parameters, hashes, pairs and unmatched people with reasons.",
               params: [.required("run", .integer, "the run's id")],
               result: run, example: ["run": 1],
               errors: [.notFound("no pairing run has that id")]) { engine, p throws(IHubError) in
            try PairingWorkflow.get(engine.db, id: p["run"]!.int!)
        },
        Method("pairing.list", "A round's pairing runs, newest first (without their pairs).",
               params: [.required("round", .string, "code of the round"),
                        .optional("level", .oneOf(PairingRecords.Level.allCases.map(\.rawValue)), "only this level")],
               result: .array(.object([
                   .required("run", .integer, "the run's id"),
                   .required("level", .oneOf(levels), "school or teacher"),
                   .required("objective", .oneOf(objectives), "what the solver optimised"),
                   .required("mode", .oneOf(modes), "optimal or stable"),
                   .required("total", .number, "sum of the pairs' scores"),
                   .required("candidates", .integer, "admissible pairs the solver chose from"),
                   .required("policy_hash", .string, "version of the policy that scored it"),
                   .required("created_at", .timestamp, "when the run was proposed"),
                   .optional("confirmed_at", .timestamp, "when it was confirmed (null: proposed only)"),
                   .required("pairs", .integer, "how many pairs it has"),
                   .required("unmatched", .integer, "how many schools or teachers it left without a pair"),
               ])),
               example: ["round": "LT-CTA-R2"],
               errors: [.notFound("no round has that code")]) { engine, p throws(IHubError) in
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
                        .required("mentor", .string, "code of the mentor")],
               result: .object([
                   .required("run", .integer, "the run's id"),
                   .required("mentee", .string, "code of the mentee"),
                   .required("mentor", .string, "code of the mentor"),
                   .required("paired", .boolean, "the pair is in the run"),
                   .required("pinned", .boolean, "the coordinator pinned it"),
                   .optional("score", .number, "its score: the run's for a pin, else today's by the policy (null: the policy excludes it)"),
                   .required("criteria", .array(.object([
                       .required("criterion", .string, "the criterion's name"),
                       .required("weight", .number, "its weight in the policy"),
                       .required("value", .number, "its value for this pair (the default criteria: 0 to 1)"),
                       .required("contribution", .number, "weight × value"),
                   ])), "each weighted criterion of the policy for the mentee's level"),
                   .optional("ruled_out_by", .object([
                       .required("kind", .oneOf(["pin", "eligibility", "ban", "history", "mutual", "blocking", "policy", "alternative"]),
                                 "the constraint, or alternative, that kept the pair out"),
                       .required("reason", .string, "the reason in words"),
                   ]), "why a pair not in the run is not (absent for a pair in it)"),
                   .required("mentee_pairs", .array(scoredPair), "the run's pairs of the mentee"),
                   .required("mentor_pairs", .array(scoredPair), "the run's pairs of the mentor"),
                   .required("notes", .array(.string), "pinned, and whether the policy or the inputs changed since the run"),
               ]),
               example: ["run": 1, "mentee": "LT-CTA-S01", "mentor": "LT-CTA-S08"],
               errors: [.notFound("no pairing run has that id, or the mentee or mentor is not a school or teacher of the run's round"),
                        .script("the hub's pairing policy fails on the pair")]) { engine, p throws(IHubError) in
            try PairingWorkflow.explain(engine, run: p["run"]!.int!, mentee: p["mentee"]!.string!, mentor: p["mentor"]!.string!)
        },
        Method("pairing.diff", "Compare two runs: pairs added, removed and rescored, people newly (un)matched, the totals.",
               params: [.required("from", .integer, "the earlier run's id"),
                        .required("to", .integer, "the later run's id")],
               result: .object([
                   .required("from", .integer, "the earlier run's id"),
                   .required("to", .integer, "the later run's id"),
                   .required("same_policy", .boolean, "both were scored by the same policy version"),
                   .required("same_inputs", .boolean, "both read the same records, constraints, objective and mode"),
                   .required("added", .array(scoredPair), "pairs of the later run only"),
                   .required("removed", .array(scoredPair), "pairs of the earlier run only"),
                   .required("rescored", .array(.object([
                       .required("mentee", .string, "code of the mentee"),
                       .required("mentor", .string, "code of the mentor"),
                       .required("from", .number, "its score in the earlier run"),
                       .required("to", .number, "its score in the later run"),
                   ])), "pairs of both runs whose score changed"),
                   .required("newly_unmatched", .array(unmatched), "unmatched by the later run, not by the earlier"),
                   .required("newly_matched", .array(.string), "codes unmatched by the earlier run, not by the later"),
                   .required("total", .object([
                       .required("from", .number, "the earlier run's total score"),
                       .required("to", .number, "the later run's total score"),
                       .required("change", .number, "to − from"),
                   ]), "the totals"),
               ]),
               example: ["from": 1, "to": 1],
               errors: [.notFound("no pairing run has the `from` or the `to` id")]) { engine, p throws(IHubError) in
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
                        .optional("start", .date, "the mentorships' first day (default today)")],
               result: .object([
                   .required("run", .integer, "the run's id"),
                   .required("round", .string, "code of its round"),
                   .required("level", .oneOf(levels), "school or teacher"),
                   .required("added", .integer, "mentorships it created"),
                   .required("already_confirmed", .integer, "pairs that were current mentorships of the round already"),
               ]),
               example: ["run": 3, "start": "2025-09-15"],
               errors: [.notFound("no pairing run has that id, or one of its schools or teachers is gone"),
                        .conflict("the run was confirmed already"),
                        .constraint("a pair would go over a mentor's or mentee's maximum, or is the reverse of a confirmed pair: nothing is applied")]) { engine, p throws(IHubError) in
            try PairingWorkflow.confirm(engine.db, run: p["run"]!.int!, start: p["start"]?.string ?? Timestamp.today())
        },
        Method("pairing.mentorships", "Confirmed pairs of a hub (current ones, or with history), with round, level and dates.",
               params: [.required("hub", .string, "code of the hub"),
                        .optional("level", .oneOf(PairingRecords.Level.allCases.map(\.rawValue)), "only this level"),
                        .optional("history", .boolean, "include ended pairs (default false)")],
               result: .array(MentorshipMethods.record),
               example: ["hub": "LT-CTA", "level": "school"],
               errors: [.notFound("no hub has that code")]) { engine, p throws(IHubError) in
            let hubID = try engine.db.requireID(.hub, code: p["hub"]!.string!, at: "params.hub")
            let rows = try engine.db.pairing.mentorships(hubID: hubID, level: p["level"]?.string, history: p["history"]?.bool == true)
            return .array(rows.map { m in
                MentorshipMethods.json(m)
            })
        },
        Method("pairing.policy", "The pairing policy a hub runs: the default text (embedded in ihub), the hub's script if any, and the version hash.",
               params: [.optional("hub", .string, "code of the hub (default: only the default policy)")],
               result: .object([
                   .required("default", .longText, "the default policy's Lua text"),
                   .optional("hub_script", .longText, "the hub's \"pairing\" script, which runs after it (null: none)"),
                   .required("hash", .string, "the version of the two texts, as runs record it"),
               ]),
               example: ["hub": "LT-CTA"],
               errors: [.notFound("no hub has that code")]) { engine, p throws(IHubError) in
            var hubSource: String?
            if let hub = p["hub"]?.string {
                hubSource = try HubScriptMethods.load(engine.db, hubID: engine.db.requireID(.hub, code: hub, at: "params.hub"), name: "pairing")?.source
            }
            return ["default": .string(DefaultPolicy.source), "hub_script": hubSource.map(JSON.string) ?? .null,
                    "hash": .string(PolicyScript.version(hubSource))]
        },
    ]
}
