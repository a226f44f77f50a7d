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
               params: [.required("hub", .string, "code of the hub")]) { engine, p throws(IHubError) in
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
                        .optional("by", .string, "code of the person who made the first move (with at)")]) { engine, p throws(IHubError) in
            try ProcessWorkflow.start(engine, p)
        },
        Method("process.get", "One process instance: subject, current step, cycle, number of moves, model hash and the chosen methods.",
               params: [.required("id", .integer, "the instance's id")]) { engine, p throws(IHubError) in
            try ProcessWorkflow.get(engine.db, id: p["id"]!.int!)
        },
        Method("process.list", "A hub's process instances, oldest first (without their chosen methods).",
               params: [.required("hub", .string, "code of the hub"),
                        .optional("school", .string, "only instances of this school (as school or team)"),
                        .optional("mentorship", .integer, "only instances of this mentorship"),
                        .optional("subject", .oneOf(subjects), "only this kind of subject"),
                        .optional("open", .boolean, "only open (true) or closed (false) instances")]) { engine, p throws(IHubError) in
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
                        .optional("note", .longText, "a note kept with the move")]) { engine, p throws(IHubError) in
            let x = try ProcessWorkflow.require(engine.db, id: p["id"]!.int!)
            let move = try ProcessWorkflow.move(engine, nil, x, to: p["to"]!.string!, by: p["by"]?.string, note: p["note"]?.string)
            var doc = try ProcessWorkflow.get(engine.db, id: x.id).members ?? []
            doc.append(.init("move", move))
            return .object(doc)
        },
        Method("process.history", "Every move of an instance, in order: from, to, cycle, by (person code), at, model hash and note.",
               params: [.required("id", .integer, "the instance's id")]) { engine, p throws(IHubError) in
            try ProcessWorkflow.history(engine.db, id: p["id"]!.int!)
        },
        Method("process.next", """
            Each step of the instance's model with whether a move there is allowed now and, if not, the reason \
            (the rules' refusal, the current step, a closed process); and whether it would begin a new cycle. Reads only.
            """,
               params: [.required("id", .integer, "the instance's id")]) { engine, p throws(IHubError) in
            try ProcessWorkflow.next(engine, id: p["id"]!.int!)
        },
        Method("process.close", "Close an open instance with a reason (its history stays; the subject may start a new one).",
               writes: true,
               params: [.required("id", .integer, "the instance's id"),
                        .required("reason", .string, "why it closes")]) { engine, p throws(IHubError) in
            try ProcessWorkflow.close(engine.db, id: p["id"]!.int!, reason: p["reason"]!.string!)
        },
        Method("process.choose_method", "Choose a toolbox method for an instance, for one step of its model or (no step) for the whole process.",
               writes: true,
               params: [.required("id", .integer, "the instance's id"),
                        .required("method", .string, "the method's code (the hub's own or a built-in one)"),
                        .optional("step", .string, "the step it is chosen for"),
                        .optional("by", .string, "code of the person who chose it")]) { engine, p throws(IHubError) in
            try ProcessWorkflow.choose(engine, p)
        },
        Method("process.remove_method", "Remove a method chosen for an instance (for that step, or for the whole process).",
               writes: true,
               params: [.required("id", .integer, "the instance's id"),
                        .required("method", .string, "the method's code"),
                        .optional("step", .string, "the step it was chosen for")]) { engine, p throws(IHubError) in
            try ProcessWorkflow.unchoose(engine, p)
        },
    ]
}
