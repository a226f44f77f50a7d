/// The mentoring process in the method table: the hub's process model, its
/// instances (of a school, a mentorship or a school's development team),
/// their moves under the model's rules, their history and chosen methods.
enum ProcessMethods {
    static let subjects = ["school", "mentorship", "team"]

    static let all: [Method] = [
        Method("process.model", """
            The process model a hub runs: its steps in order (code, name, description, ends_cycle), the default text \
            (the Dynamic Process Model, embedded in ihub), whether the hub's "process" script applies, and the model hash \
            that instances and moves record.
            """,
               params: [.required("hub", .string, "code of the hub")],
               result: .object([
                   .required("hub", .string, "code of the hub"),
                   .required("steps", .array(.object([
                       .required("code", .string, "the step's code"),
                       .required("name", .string, "its name"),
                       .required("description", .longText, "what happens in it"),
                       .required("ends_cycle", .boolean, "a move on from it begins a new cycle"),
                   ])), "the steps, in order"),
                   .required("hash", .string, "the model's version, which instances and moves record"),
                   .required("hub_script", .boolean, "the hub's \"process\" script applies"),
                   .required("default", .longText, "the default model's Lua text"),
               ]),
               example: ["hub": "LT-CTA"],
               errors: [.notFound("no hub has that code"), .script("the hub's process script fails or runs out of budget")]) { engine, p throws(IHubError) in
            let hub = p["hub"]!.string!
            let model = try ProcessScript(engine: engine, hubID: engine.db.requireID(.hub, code: hub, at: "params.hub"), hubCode: hub)
            return ["hub": .string(hub), "steps": .array(try model.steps().map(\.json)), "hash": .string(model.hash),
                    "hub_script": .bool(model.hubSource != nil), "default": .string(DefaultProcess.source)]
        },
        Method("process.start", """
            Start a process instance for a school, a mentorship (confirmed, not ended) or a school's development team; \
            at most one open instance per subject. With `at`, the first move (checked by the model's rules) is made too.
            """,
               writes: true,
               params: [.optional("hub", .string, "code of the hub (checked against the subject's)"),
                        .optional("school", .string, "code of the school whose process it is"),
                        .optional("team", .string, "code of the school whose development team's process it is"),
                        .optional("mentorship", .integer, "id of the mentorship (pairing.mentorships lists them)"),
                        .optional("at", .string, "the first step (a move checked by the rules and recorded)"),
                        .optional("by", .string, "code of the person who made the first move (with at)")],
               result: ProcessWorkflow.instanceWithMethods,
               example: ["mentorship": 4, "at": "initiative"],
               errors: [.invalid("not exactly one of school, team and mentorship; `by` without `at`; the subject is of another hub than `hub`"),
                        .notFound("the school, mentorship, hub or person does not exist"),
                        .conflict("the mentorship has ended, or the subject has an open process already"),
                        .invalid("`at` is not a step of the hub's model"),
                        .constraint("the model's rules refuse the first move (the reason is the rule's)"),
                        .script("the hub's process script fails or runs out of budget")]) { engine, p throws(IHubError) in
            try ProcessWorkflow.start(engine, p)
        },
        Method("process.get", "One process instance: subject, current step, cycle, number of moves, model hash and the chosen methods.",
               params: [.required("id", .integer, "the instance's id")],
               result: ProcessWorkflow.instanceWithMethods, example: ["id": 1],
               errors: [.notFound("no process instance has that id")]) { engine, p throws(IHubError) in
            try ProcessWorkflow.get(engine.db, id: p["id"]!.int!)
        },
        Method("process.list", "A hub's process instances, oldest first (without their chosen methods).",
               params: [.required("hub", .string, "code of the hub"),
                        .optional("school", .string, "only instances of this school (as school or team)"),
                        .optional("mentorship", .integer, "only instances of this mentorship"),
                        .optional("subject", .oneOf(subjects), "only this kind of subject"),
                        .optional("open", .boolean, "only open (true) or closed (false) instances")],
               result: .array(ProcessWorkflow.instance), example: ["hub": "LT-CTA", "open": true],
               errors: [.notFound("no hub, or no school, has that code")]) { engine, p throws(IHubError) in
            let db = engine.db
            let hubID = try db.requireID(.hub, code: p["hub"]!.string!, at: "params.hub")
            let school = try p["school"]?.string.map { code throws(IHubError) in try db.requireID(.school, code: code, at: "params.school") }
            return .array(try db.process.instances(hubID: hubID, schoolID: school, mentorshipID: p["mentorship"]?.int,
                                                   subject: p["subject"]?.string, open: p["open"]?.bool)
                .map { ProcessWorkflow.json($0, methods: nil) })
        },
        Method("process.move", """
            Move an instance to a step of its hub's model (steps are optional and may repeat: any step but the current \
            one). The model's rules may refuse it (IHUB_CONSTRAINT with the rule's reason; nothing is stored); a step \
            the model does not have is IHUB_INVALID. Recorded with who, when, from, to, cycle and the model hash.
            """,
               writes: true,
               params: [.required("id", .integer, "the instance's id"),
                        .required("to", .string, "the step's code"),
                        .optional("by", .string, "code of the person who moves it"),
                        .optional("note", .longText, "a note kept with the move")],
               result: .object(ProcessWorkflow.instanceFields + [ProcessWorkflow.methodsField,
                   .required("move", .object([
                       .optional("from", .string, "the step it left (null: the first move)"),
                       .required("to", .string, "the step it moved to"),
                       .required("cycle", .integer, "the cycle of the move"),
                       .required("new_cycle", .boolean, "the move began a new cycle"),
                       .required("model_hash", .string, "version of the model that allowed it"),
                   ]), "the move just made"),
               ]),
               example: ["id": 3, "to": "development_actions", "note": "the needs are mapped; the plan starts"],
               errors: [.notFound("no process instance has that id"), .notFound("no person has the `by` code"), .conflict("the instance is closed"),
                        .conflict("the instance is at that step already"),
                        .invalid("`to` is not a step of the hub's model"),
                        .constraint("the model's rules refuse the move (the reason is the rule's): nothing is stored"),
                        .script("the hub's process script fails or runs out of budget")]) { engine, p throws(IHubError) in
            let x = try ProcessWorkflow.require(engine.db, id: p["id"]!.int!)
            let move = try ProcessWorkflow.move(engine, nil, x, to: p["to"]!.string!, by: p["by"]?.string, note: p["note"]?.string)
            var doc = try ProcessWorkflow.get(engine.db, id: x.id).members ?? []
            doc.append(.init("move", move))
            return .object(doc)
        },
        Method("process.history", "Every move of an instance, in order: from, to, cycle, by (person code), at, model hash and note.",
               params: [.required("id", .integer, "the instance's id")],
               result: .array(.object([
                   .optional("from", .string, "the step it left (null: the first move)"),
                   .required("to", .string, "the step it moved to"),
                   .required("cycle", .integer, "the cycle of the move"),
                   .optional("by", .string, "code of the person who moved it"),
                   .required("at", .timestamp, "when"),
                   .required("model_hash", .string, "version of the model that allowed it"),
                   .optional("note", .longText, "the note kept with the move"),
               ])),
               example: ["id": 1],
               errors: [.notFound("no process instance has that id")]) { engine, p throws(IHubError) in
            try ProcessWorkflow.history(engine.db, id: p["id"]!.int!)
        },
        Method("process.next", """
            Each step of the instance's model with whether a move there is allowed now and, if not, the reason \
            (the rules' refusal, the current step, a closed process); and whether it would begin a new cycle. Reads only.
            """,
               params: [.required("id", .integer, "the instance's id")],
               result: .object([
                   .required("id", .integer, "the instance's id"),
                   .optional("step", .string, "code of the current step (null: no move yet)"),
                   .required("cycle", .integer, "the cycle it is in"),
                   .required("model_hash", .string, "version of the hub's model now"),
                   .required("hub_script", .boolean, "the hub's \"process\" script applies"),
                   .required("steps", .array(.object([
                       .required("code", .string, "the step's code"),
                       .required("name", .string, "its name"),
                       .required("allowed", .boolean, "a move there is allowed now"),
                       .optional("reason", .string, "why not (or the rule's word on an allowed move)"),
                       .required("new_cycle", .boolean, "the move would begin a new cycle"),
                   ])), "every step of the model, in order"),
               ]),
               example: ["id": 3],
               errors: [.notFound("no process instance has that id"), .script("the hub's process script fails or runs out of budget")]) { engine, p throws(IHubError) in
            try ProcessWorkflow.next(engine, id: p["id"]!.int!)
        },
        Method("process.close", "Close an open instance with a reason (its history stays; the subject may start a new one).",
               writes: true,
               params: [.required("id", .integer, "the instance's id"),
                        .required("reason", .string, "why it closes")],
               result: ProcessWorkflow.instanceWithMethods,
               example: ["id": 3, "reason": "the schools agreed to pause until autumn"],
               errors: [.notFound("no process instance has that id"), .conflict("the instance is closed")]) { engine, p throws(IHubError) in
            try ProcessWorkflow.close(engine.db, id: p["id"]!.int!, reason: p["reason"]!.string!)
        },
        Method("process.choose_method", "Choose a toolbox method for an instance, for one step of its model or (no step) for the whole process.",
               writes: true,
               params: [.required("id", .integer, "the instance's id"),
                        .required("method", .string, "the method's code (the hub's own or a built-in one)"),
                        .optional("step", .string, "the step it is chosen for"),
                        .optional("by", .string, "code of the person who chose it")],
               result: ProcessWorkflow.instanceWithMethods,
               example: ["id": 3, "method": "digipeda", "step": "mapping_needs"],
               errors: [.notFound("no process instance has that id"), .notFound("no toolbox method (the hub's own or built in) or no person has that code"),
                        .conflict("the instance is closed"), .invalid("`step` is not a step of the hub's model"),
                        .conflict("the method is chosen for that step (or the whole process) already"), .script("the hub's process script fails or runs out of budget")]) { engine, p throws(IHubError) in
            try ProcessWorkflow.choose(engine, p)
        },
        Method("process.remove_method", "Remove a method chosen for an instance (for that step, or for the whole process).",
               writes: true,
               params: [.required("id", .integer, "the instance's id"),
                        .required("method", .string, "the method's code"),
                        .optional("step", .string, "the step it was chosen for")],
               result: ProcessWorkflow.instanceWithMethods,
               example: ["id": 3, "method": "needs_mapping", "step": "mapping_needs"],
               errors: [.notFound("no process instance has that id"), .notFound("no toolbox method has that code, or it is not chosen for that step (or the whole process)"),
                        .conflict("the instance is closed")]) { engine, p throws(IHubError) in
            try ProcessWorkflow.unchoose(engine, p)
        },
    ]
}
