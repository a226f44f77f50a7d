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
               params: subject + source) { engine, p throws(IHubError) in
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
               ] + source) { engine, p throws(IHubError) in
            try PlanWorkflow.create(engine, p)
        },
        Method("plan.confirm_focus", "A person confirms a focus area of a plan (a suggestion, or one added without a person); a confirmed one keeps its first confirmation.",
               writes: true,
               params: [.required("plan", .integer, "the plan's id"),
                        .required("area", .string, "code of the focus area's instrument area"),
                        .optional("instrument", .string, "code of its instrument (needed when the plan has the area code twice)"),
                        .required("by", .string, "code of the person who confirms")]) { engine, p throws(IHubError) in
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
                        .optional("by", .string, "code of the person who chose it")]) { engine, p throws(IHubError) in
            try PlanWorkflow.addFocus(engine, p)
        },
        Method("plan.remove_focus", "Removes a focus area from a plan (e.g. a suggestion people did not take up).",
               writes: true,
               params: [.required("plan", .integer, "the plan's id"),
                        .required("area", .string, "code of the focus area's instrument area"),
                        .optional("instrument", .string, "code of its instrument (needed when the plan has the area code twice)")]) { engine, p throws(IHubError) in
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
                        .optional("baseline", .number, "the starting level on the scale (default: the area's latest figure)")]) { engine, p throws(IHubError) in
            try PlanWorkflow.addGoal(engine, p)
        },
        Method("plan.add_task", "A task of a goal, with an owner and a due date.",
               writes: true,
               params: [.required("goal", .integer, "the goal's id"),
                        .required("title", .string, "what is to be done"),
                        .optional("owner", .string, "code of the person who owns it"),
                        .optional("due", .date, "the due date")]) { engine, p throws(IHubError) in
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
                        .optional("note", .longText, "why")]) { engine, p throws(IHubError) in
            try PlanStatus.set(engine, p)
        },
        Method("plan.history", "Every status a plan, its goals and tasks had (creation included), in order: who, when, note.",
               params: [.required("plan", .integer, "the plan's id")]) { engine, p throws(IHubError) in
            try PlanDocument.history(engine.db, id: p["plan"]!.int!)
        },
        Method("plan.get", """
            A plan with its focus areas (and their evidence), goals with their tasks and progress (the area's latest figure \
            beside baseline and target, when there is one), and counts.
            """,
               params: [.required("id", .integer, "the plan's id")]) { engine, p throws(IHubError) in
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
                        .optional("status", .oneOf(PlanStatus.plan), "only plans with this status")]) { engine, p throws(IHubError) in
            try PlanDocument.list(engine.db, p)
        },
    ]
}
