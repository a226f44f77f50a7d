/// Action plans through the method table: focus areas suggested from the
/// latest assessment and confirmed by people, goals on instrument areas,
/// tasks, and the status of each over time.
enum PlanMethods {
    static let subject: [Field] = [
        .optional("school", .string, "code of the school (a school's plan)"),
        .optional("person", .string, "code of the teacher (a teacher's plan)"),
    ]
    static let source: [Field] = [
        .optional("instrument", .string, "code of the instrument to read (default: one with data in the round, a school instrument first for a school)"),
        .optional("round", .string, "code of the round to read (default: the latest round with data about the school or teacher)"),
        .optional("count", .integer, "how many areas to suggest (default 3)"),
    ]

    static let all: [Method] = [
        Method("plan.suggest", """
            The weakest areas of a school's or teacher's latest assessment, as focus areas for a plan, each with the figures \
            that led to it: the area's mean on the instrument's scale (a school's pools only the respondent groups with at \
            least k = the hub's min_group_size respondents; a group below k gives no figure), per-group means and n, the hub's \
            mean, the gap, the round and instrument. Areas without a figure to show are listed as not ranked, with the reason. \
            Reads only.
            """,
               params: subject + source,
               result: FocusSuggestions.shape, example: ["school": "LT-CTA-S09"],
               errors: [.invalid("neither or both of school and person"),
                        .notFound("no school, person, instrument or round has that code"),
                        .invalid("a teacher's suggestions with a school instrument; the round is another hub's; the instrument is not used in the round"),
                        .invalid("count is below 1")]) { engine, p throws(IHubError) in
            let subject = try PlanSubject.resolve(engine.db, p)
            return try FocusSuggestions.suggest(engine, subject, instrument: p["instrument"]?.string, round: p["round"]?.string,
                                                count: Int(clamping: p["count"]?.int ?? 3)).json
        },
        Method("plan.create", """
            A new action plan (status draft) of a school or a teacher, optionally within a process instance and a round. With \
            suggest, plan.suggest's areas become its focus areas (suggested, with their figures as evidence), awaiting a \
            person's confirmation: the plan cannot become active before each is confirmed or removed.
            """,
               writes: true,
               params: subject + [
                   .required("title", .string, "the plan's title"),
                   .optional("instance", .integer, "id of the process instance the plan belongs to"),
                   .optional("suggest", .boolean, "add the suggested focus areas (default false)"),
                   .optional("by", .string, "code of the person who makes the plan"),
               ] + source,
               result: .object(PlanDocument.planFields + [.optional("note", .string, "with suggest: why nothing, or not every area, was suggested")]),
               example: ["school": "LT-CTA-S09", "title": "Digital development plan 2025/26", "suggest": true],
               errors: [.invalid("neither or both of school and person"),
                        .notFound("no school, person, process instance, round or instrument has that code or id"),
                        .invalid("the process instance or the round is of another hub, or of another school or mentorship than the plan's"),
                        .conflict("the process instance is closed"), .invalid("the person is not of the plan's hub"),
                        .invalid("with suggest: a teacher's plan with a school instrument; count is below 1")]) { engine, p throws(IHubError) in
            try PlanWorkflow.create(engine, p)
        },
        Method("plan.confirm_focus", "A person confirms a focus area of a plan (a suggestion, or one added without a person); a confirmed one keeps its first confirmation.",
               writes: true,
               params: [.required("plan", .integer, "the plan's id"),
                        .required("area", .string, "code of the focus area's instrument area"),
                        .optional("instrument", .string, "code of its instrument (needed when the plan has the area code twice)"),
                        .required("by", .string, "code of the person who confirms")],
               result: PlanDocument.focusOfPlan, example: ["plan": 1, "area": "H", "by": "LT-CTA-P0119"],
               errors: [.notFound("no plan has that id"), .notFound("the plan has no such focus area, or no person has the `by` code"),
                        .invalid("the plan has the area code under two instruments and `instrument` is not given"),
                        .conflict("the plan is done or dropped (set it back to draft or active first)"), .invalid("the person is not of the plan's hub")]) { engine, p throws(IHubError) in
            try PlanWorkflow.confirmFocus(engine, p)
        },
        Method("plan.add_focus", """
            Adds a focus area chosen by people (not suggested); with by it is confirmed by that person. Its evidence is the \
            area's latest figures, when there are any.
            """,
               writes: true,
               params: [.required("plan", .integer, "the plan's id"),
                        .required("instrument", .string, "code of the instrument"),
                        .required("area", .string, "code of the instrument's area"),
                        .optional("by", .string, "code of the person who chose it")],
               result: PlanDocument.focusOfPlan, example: ["plan": 1, "instrument": "selfie", "area": "G", "by": "LT-CTA-P0119"],
               errors: [.notFound("no plan has that id"), .notFound("no instrument, area of it, or person has that code"),
                        .invalid("the instrument is another hub's, or a school instrument for a teacher's plan"),
                        .conflict("the plan has that focus area already"), .conflict("the plan is done or dropped (set it back to draft or active first)"), .invalid("the person is not of the plan's hub")]) { engine, p throws(IHubError) in
            try PlanWorkflow.addFocus(engine, p)
        },
        Method("plan.remove_focus", "Removes a focus area from a plan (e.g. a suggestion people did not take up).",
               writes: true,
               params: [.required("plan", .integer, "the plan's id"),
                        .required("area", .string, "code of the focus area's instrument area"),
                        .optional("instrument", .string, "code of its instrument (needed when the plan has the area code twice)")],
               result: .object([
                   .required("plan", .integer, "the plan's id"),
                   .required("instrument", .string, "code of the focus area's instrument"),
                   .required("area", .string, "code of the area"),
                   .required("removed", .boolean, "always true"),
               ]),
               example: ["plan": 1, "area": "H"],
               errors: [.notFound("no plan has that id"), .notFound("the plan has no such focus area"),
                        .invalid("the plan has the area code under two instruments and `instrument` is not given"), .conflict("the plan is done or dropped (set it back to draft or active first)")]) { engine, p throws(IHubError) in
            try PlanWorkflow.removeFocus(engine, p)
        },
        Method("plan.add_goal", """
            A goal of a plan, tied to an area of an instrument, with a target level and the date to reach it by. The baseline \
            is the area's latest figure for the plan's school or teacher unless given.
            """,
               writes: true,
               params: [.required("plan", .integer, "the plan's id"),
                        .required("instrument", .string, "code of the instrument"),
                        .required("area", .string, "code of the instrument's area"),
                        .required("description", .longText, "what the goal is"),
                        .required("target", .any, PlanTarget.doc),
                        .required("by", .date, "the target date"),
                        .optional("baseline", .number, "the starting level on the scale (default: the area's latest figure)")],
               result: PlanDocument.goal,
               example: ["plan": 1, "instrument": "selfie", "area": "H", "description": "Students use digital tools to create, not only to read",
                         "target": 3.5, "by": "2027-06-15"],
               errors: [.notFound("no plan has that id"), .notFound("no instrument, or area of it, has that code"),
                        .invalid("the instrument is another hub's, or a school instrument for a teacher's plan"),
                        .invalid("the target or baseline is off the instrument's scale, or a level code it does not have"),
                        .conflict("the plan is done or dropped (set it back to draft or active first)")]) { engine, p throws(IHubError) in
            try PlanWorkflow.addGoal(engine, p)
        },
        Method("plan.add_task", "A task of a goal, with an owner and a due date.",
               writes: true,
               params: [.required("goal", .integer, "the goal's id"),
                        .required("title", .string, "what is to be done"),
                        .optional("owner", .string, "code of the person who owns it"),
                        .optional("due", .date, "the due date")],
               result: PlanDocument.task,
               example: ["goal": 1, "title": "Observe a lesson at the mentor school", "owner": "LT-CTA-P0119", "due": "2026-03-31"],
               errors: [.notFound("no goal has that id, or no person has the owner's code"), .conflict("the plan is done or dropped (set it back to draft or active first)"), .invalid("the person is not of the plan's hub")]) { engine, p throws(IHubError) in
            try PlanWorkflow.addTask(engine, p)
        },
        Method("plan.set_status", """
            Sets the status of a plan (draft, active, done, dropped), a goal (open, achieved, missed, dropped) or a task (open, \
            in_progress, done, dropped) and records the change in the plan's history; the status it has already changes \
            nothing. A plan becomes active only when no suggested focus area awaits confirmation; a done or dropped plan's \
            goals and tasks change only after it is set back to draft or active.
            """,
               writes: true,
               params: [.optional("plan", .integer, "the plan's id"),
                        .optional("goal", .integer, "the goal's id"),
                        .optional("task", .integer, "the task's id"),
                        .required("status", .oneOf(PlanStatus.all), "the new status"),
                        .optional("by", .string, "code of the person who changes it"),
                        .optional("note", .longText, "why")],
               result: .object([
                   .required("plan", .integer, "the plan's id (of the plan itself, or of the goal's or task's)"),
                   .optional("goal", .integer, "the goal's id (a goal's change)"),
                   .optional("task", .integer, "the task's id (a task's change)"),
                   .required("status", .oneOf(PlanStatus.all), "the status now"),
                   .required("previous", .oneOf(PlanStatus.all), "the status before"),
                   .required("changed", .boolean, "false when it had the status already (nothing is recorded)"),
               ]),
               example: ["task": 1, "status": "in_progress", "by": "LT-CTA-P0119"],
               errors: [.invalid("not exactly one of plan, goal and task; the status is not one of that item's"),
                        .notFound("no plan, goal or task has that id, or no person has the `by` code"),
                        .conflict("a plan cannot become active while suggested focus areas await confirmation"),
                        .conflict("a goal's or task's plan is done or dropped"), .invalid("the person is not of the plan's hub")]) { engine, p throws(IHubError) in
            try PlanStatus.set(engine, p)
        },
        Method("plan.history", "Every status a plan, its goals and tasks had (creation included), in order: who, when, note.",
               params: [.required("plan", .integer, "the plan's id")],
               result: .object([
                   .required("plan", .integer, "the plan's id"),
                   .required("changes", .array(.object([
                       .required("id", .integer, "the change's id"),
                       .required("item", .oneOf(["plan", "goal", "task"]), "what changed"),
                       .required("item_id", .integer, "its id"),
                       .required("status", .oneOf(PlanStatus.all), "the status it got"),
                       .optional("by", .string, "code of the person who changed it"),
                       .required("at", .timestamp, "when"),
                       .optional("note", .longText, "why (\"created\" for a creation)"),
                   ])), "every change, in order"),
               ]),
               example: ["plan": 1],
               errors: [.notFound("no plan has that id")]) { engine, p throws(IHubError) in
            try PlanDocument.history(engine.db, id: p["plan"]!.int!)
        },
        Method("plan.get", """
            A plan with its focus areas (and their evidence), goals with their tasks and progress (the area's latest figure \
            beside baseline and target, when there is one), and counts.
            """,
               params: [.required("id", .integer, "the plan's id")],
               result: PlanDocument.plan, example: ["id": 1],
               errors: [.notFound("no plan has that id")]) { engine, p throws(IHubError) in
            try PlanDocument.get(engine, id: p["id"]!.int!)
        },
        Method("plan.list", """
            Plans, by id, filtered by hub, school, teacher, process instance and status; each with the counts of its focus \
            areas (unconfirmed ones apart), goals (open ones apart) and tasks.
            """,
               params: [.optional("hub", .string, "code of the hub"),
                        .optional("school", .string, "code of the school"),
                        .optional("person", .string, "code of the teacher"),
                        .optional("instance", .integer, "id of the process instance"),
                        .optional("status", .oneOf(PlanStatus.plan), "only plans with this status")],
               result: .array(.object(PlanDocument.headFields + [
                   .required("focus_areas", .integer, "its focus areas"),
                   .required("unconfirmed", .integer, "suggested focus areas awaiting confirmation"),
                   .required("goals", .integer, "its goals"),
                   .required("open_goals", .integer, "goals still open"),
                   .required("tasks", .integer, "its tasks"),
               ])),
               example: ["hub": "LT-CTA"],
               errors: [.notFound("no hub, school or person has that code")]) { engine, p throws(IHubError) in
            try PlanDocument.list(engine.db, p)
        },
    ]
}
