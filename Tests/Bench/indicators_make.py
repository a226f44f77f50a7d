"""indicators_make.py — the data of the indicator benchmark: one hub with its
schools, teachers, memberships, two rounds, mentorships (teacher and school),
activities with their participants, process instances and their moves,
stakeholders and engagements, action plans with goals and tasks, and two
rounds of the teacher self-reflection (digcompedu) for one teacher in five.

    python3 indicators_make.py FILE PEOPLE ACTIVITIES [SEED]

FILE is a SQLite file that ihub has created (the schema) or a new one (then
the ihub package creates it). The same rows can go to PostgreSQL through
`fill(connection, placeholder, ...)` (the Python suite does this). Every
choice comes from a seeded generator, so a size and seed give the same data.

The data spans two school years, 2024/25 (round R1) and 2025/26 (R2); the
bench computes the indicators over the school year 2025/26. People are
spread over PEOPLE/100 schools; one in five is a mentor or mentee of a
teacher mentorship, one school in five of a school mentorship.
"""

import datetime
import json
import random
import sys

START = datetime.date(2024, 9, 1)  # the first day of the data
DAYS = 730  # two school years
KINDS = ("session", "workshop", "observation", "co_planning", "reflection")
STEPS = ("initiative", "anchoring", "joint_planning", "mapping_needs", "new_perspectives", "development_actions",
         "reflection")
STAKEHOLDER_KINDS = ("municipality", "school_board", "teacher_association", "university", "company", "ministry",
                     "network")
ENGAGEMENT_KINDS = ("meeting", "event", "agreement", "communication", "other")
HUB = "BENCH"
WINDOW = "2025/26"  # the window the bench computes


def day(n):
    return (START + datetime.timedelta(days=n)).isoformat()


def stamp(n, seconds=0):
    return f"{day(n)}T{seconds // 3600 % 24:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}Z"


def tables(people, activities, seed=7, instrument=(1, ("area", ["item"]),)):
    """The rows, table by table: [(table, columns, rows)], in an order the
    foreign keys accept."""
    rnd = random.Random(seed)
    instrument_id, areas = instrument[0], instrument[1:]
    schools = max(people // 100, 4)
    out = []

    def add(table, columns, rows):
        out.append((table, columns, rows))

    add("hubs", ("id", "code", "name", "country", "target_schools", "target_teachers", "min_group_size"),
        [(1, HUB, "Bench hub", "EE", schools * 9 // 10, people * 3 // 4, 5)])
    add("schools", ("id", "hub_id", "code", "name"),
        [(s, 1, f"S{s:05d}", f"School {s}") for s in range(1, schools + 1)])
    add("people", ("id", "hub_id", "code", "name"),
        [(p, 1, f"P{p:06d}", f"Teacher {p}") for p in range(1, people + 1)])
    add("person_roles", ("id", "person_id", "role", "start_date"),
        [(p, p, "teacher", day(0)) for p in range(1, people + 1)])

    # Memberships: one school each; some begin late, some end (a few move to
    # another school the next day, the others leave).
    members, school_of = [], {}
    for p in range(1, people + 1):
        s = (p - 1) % schools + 1
        school_of[p] = s
        start = day(0) if rnd.random() < 0.8 else (None if rnd.random() < 0.5 else day(rnd.randrange(0, DAYS)))
        end = None
        if rnd.random() < 0.06:
            e = rnd.randrange(200, DAYS)
            if start is None or day(e) >= start:
                end = day(e)
                if rnd.random() < 0.3:
                    members.append((len(members) + 1, p, s % schools + 1, day(e), None))  # moves on: no dropout
        members.append((len(members) + 1, p, s, start, end))
    add("memberships", ("id", "person_id", "school_id", "start_date", "end_date"), members)

    add("rounds", ("id", "hub_id", "code", "name", "start_date", "end_date"),
        [(1, 1, "R1", "2024/25", day(0), day(364)), (2, 1, "R2", "2025/26", day(365), day(729))])

    # Mentorships: teacher pairs (mentor and mentee in the same school, or
    # not), school pairs; each in a round, some ended (with or without a reason).
    ments, teacher_ments = [], []
    order = list(range(1, people + 1))
    rnd.shuffle(order)
    pairs = people // 10
    for i in range(pairs):
        mentor, mentee = order[2 * i], order[2 * i + 1]
        r = 1 if i % 2 == 0 else 2
        start = rnd.randrange(0, 200) + (0 if r == 1 else 365)
        end, reason = None, None
        if rnd.random() < 0.3:
            end = min(start + rnd.randrange(30, 400), DAYS - 1)
            reason = rnd.choice(("completed", "dropped", "moved", None))
        ments.append((len(ments) + 1, 1, r, "teacher", None, None, mentor, mentee, day(start),
                      None if end is None else day(end), reason))
        teacher_ments.append(len(ments))
    school_ments = []
    for i in range(max(schools // 5, 2)):
        mentor, mentee = 2 * i + 1, 2 * i + 2
        r = 1 if i % 3 else 2
        start = rnd.randrange(0, 100) + (0 if r == 1 else 365)
        end = min(start + rnd.randrange(100, 500), DAYS - 1) if rnd.random() < 0.3 else None
        ments.append((len(ments) + 1, 1, r, "school", mentor, mentee, None, None, day(start),
                      None if end is None else day(end), "completed" if end is not None else None))
        school_ments.append(len(ments))
    add("mentorships", ("id", "hub_id", "round_id", "level", "mentor_school_id", "mentee_school_id",
                        "mentor_person_id", "mentee_person_id", "start_date", "end_date", "end_reason"), ments)

    # Activities: most list a mentorship; the others people or a school.
    acts, parts = [], []
    listed = teacher_ments[:len(teacher_ments) * 9 // 10]  # one teacher pair in ten logs nothing
    for a in range(1, activities + 1):
        d = rnd.randrange(0, DAYS)
        kind = KINDS[0] if rnd.random() < 0.5 else rnd.choice(KINDS)
        voided = stamp(d, 3600) if rnd.random() < 0.01 else None
        acts.append((a, f"00000000-0000-4000-8000-{a:012d}", 1, kind, day(d), rnd.randrange(15, 181, 15),
                     stamp(d), voided))
        x = rnd.random()
        if x < 0.6:
            m = rnd.choice(listed) if rnd.random() < 0.95 else rnd.choice(school_ments)
            parts.append((len(parts) + 1, a, None, None, m, "participant"))
        elif x < 0.9:
            for p in rnd.sample(range(1, people + 1), 1 if rnd.random() < 0.7 else 2):
                parts.append((len(parts) + 1, a, p, None, None, "participant"))
        else:
            parts.append((len(parts) + 1, a, None, rnd.randrange(1, schools + 1), None, "participant"))
    add("activities", ("id", "uuid", "hub_id", "kind", "date", "minutes", "created_at", "voided_at"), acts)
    add("activity_participants", ("id", "activity_id", "person_id", "school_id", "mentorship_id", "role"), parts)

    # Process instances: one per school, one per school mentorship; moves
    # forward through the steps, sometimes back to the start (a new cycle).
    insts, moves = [], []
    subjects = [("school", s, None) for s in range(1, schools + 1)] + [("mentorship", None, m) for m in school_ments]
    for subject, s, m in subjects:
        i = len(insts) + 1
        t = rnd.randrange(0, 300)
        started, step, cycle, prev = t, None, 1, None
        for _ in range(rnd.randrange(0, 12)):
            t += rnd.randrange(5, 90)
            if t >= DAYS:
                break
            if step == "reflection" and rnd.random() < 0.5:
                to, cycle = STEPS[0], cycle + 1
            else:
                to = STEPS[min(STEPS.index(step) + 1, len(STEPS) - 1)] if step else STEPS[0]
            moves.append((len(moves) + 1, i, step, to, cycle, stamp(t, rnd.randrange(0, 86400)), "bench"))
            step = to
        closed = stamp(min(t + 30, DAYS - 1)) if rnd.random() < 0.1 else None
        insts.append((i, 1, subject, s, m, step, cycle, "bench", stamp(started), closed))
    add("process_instances", ("id", "hub_id", "subject", "school_id", "mentorship_id", "step", "cycle", "model_hash",
                              "started_at", "closed_at"), insts)
    add("process_transitions", ("id", "instance_id", "from_step", "to_step", "cycle", "moved_at", "model_hash"), moves)

    stakeholders = max(schools // 10, 7)
    add("stakeholders", ("id", "hub_id", "code", "name", "kind"),
        [(k, 1, f"K{k:04d}", f"Stakeholder {k}", STAKEHOLDER_KINDS[k % 7]) for k in range(1, stakeholders + 1)])
    add("engagements", ("id", "stakeholder_id", "date", "kind", "school_id"),
        [(e, rnd.randrange(1, stakeholders + 1), day(rnd.randrange(0, DAYS)), rnd.choice(ENGAGEMENT_KINDS),
          rnd.randrange(1, schools + 1) if rnd.random() < 0.5 else None) for e in range(1, schools * 4 + 1)])

    # Action plans of schools and teachers, goals with target dates, tasks with due dates.
    plans, goals, tasks = [], [], []
    for k in range(1, schools * 4 + 1):
        school = rnd.randrange(1, schools + 1) if k % 2 else None
        person = None if school else rnd.randrange(1, people + 1)
        status = rnd.choice(("draft", "active", "active", "done", "dropped"))
        plans.append((k, 1, school, person, f"Plan {k}", status, stamp(rnd.randrange(0, 400))))
        for _ in range(rnd.randrange(0, 4)):
            g = len(goals) + 1
            goals.append((g, k, instrument_id, areas[0][0], "a goal", 3.0, day(rnd.randrange(100, DAYS + 100)),
                          rnd.choice(("open", "open", "achieved", "missed", "dropped"))))
            for _ in range(rnd.randrange(0, 3)):
                due = day(rnd.randrange(50, DAYS + 60)) if rnd.random() < 0.9 else None
                tasks.append((len(tasks) + 1, g, "a task", due, rnd.choice(("open", "in_progress", "done", "dropped"))))
    add("action_plans", ("id", "hub_id", "school_id", "person_id", "title", "status", "created_at"), plans)
    add("plan_goals", ("id", "plan_id", "instrument_id", "area", "description", "target_level", "target_date",
                       "status"), goals)
    add("plan_tasks", ("id", "goal_id", "title", "due_date", "status"), tasks)

    # Two rounds of the teacher self-reflection: one teacher in five, in both
    # rounds, a little further in the second; now and then an item not applicable.
    responses, answers = [], []
    for r, offset in ((1, 0.0), (2, 0.3)):
        for p in range(1, people + 1, 5):
            i = len(responses) + 1
            responses.append((i, r, instrument_id, school_of[p], p, f"T{p:06d}", "teachers", stamp(100 + 365 * (r - 1))))
            base = rnd.uniform(1.5, 4.5) + offset
            for _, items in areas:
                for item in items:
                    if rnd.random() < 0.03:
                        answers.append((i, item, None, "na"))
                    else:
                        answers.append((i, item, float(min(6, max(1, round(base + rnd.gauss(0, 0.8))))), "score"))
    add("responses", ("id", "round_id", "instrument_id", "school_id", "person_id", "respondent", "grp", "submitted_at"),
        responses)
    add("answers", ("response_id", "item", "score", "status"), answers)
    return out


def fill(con, placeholder, people, activities, seed=7):
    """Stores the rows through a DB-API connection (`placeholder`: "?" for
    sqlite3, "%s" for psycopg) in one transaction; the caller commits."""
    cur = con.cursor()
    # The teacher instrument ihub has built in: its areas and items.
    cur.execute("SELECT id, definition FROM instruments WHERE code = 'digcompedu'")
    instrument_id, definition = cur.fetchone()
    areas = [(a["code"], [i["code"] for i in a["items"]]) for a in json.loads(definition)["areas"]]
    instrument = (instrument_id, *areas)
    for table, columns, rows in tables(people, activities, seed, instrument):
        marks = ", ".join([placeholder] * len(columns))
        cur.executemany(f"INSERT INTO {table}({', '.join(columns)}) VALUES ({marks})", rows)


def main():
    path, people, activities = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    seed = int(sys.argv[4]) if len(sys.argv) > 4 else 7
    import os
    import sqlite3
    if not os.path.exists(path):
        sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bindings", "python"))
        import ihub
        ihub.open(path).close()  # the schema, as ihub makes it
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=OFF")
    fill(con, "?", people, activities, seed)
    con.commit()
    con.execute("ANALYZE")
    con.close()


if __name__ == "__main__":
    main()
