"""indicators_pandas.py — the peer of the indicator benchmark: the built-in
indicators computed with pandas from the tables of ihub's database, as an
analyst would (read the tables whole, filter, merge, group). Same
definitions and output as the limit, indicators.sql.

    python3 indicators_pandas.py FILE OUT [FROM TO ASOF] [--maturity]

Reads the SQLite FILE, writes the rows to OUT (tab-separated lines: indicator,
subject, part, value, detail...) and prints "seconds S" (reading and
computing), "read_seconds R" (reading alone) and "cpu_seconds C" (the
process's CPU time for both). `compute(con, ...)` does the
same on any DB-API connection (the Python suite uses it on PostgreSQL too).
"""

import json
import sys
import time

import numpy as np
import pandas as pd

TABLES = {
    "activities": "id, hub_id, kind, date, minutes, voided_at",
    "activity_participants": "activity_id, person_id, school_id, mentorship_id",
    "mentorships": "id, hub_id, level, mentor_school_id, mentee_school_id, mentor_person_id, mentee_person_id, "
                   "start_date, end_date, end_reason",
    "memberships": "id, person_id, school_id, start_date, end_date",
    "people": "id, hub_id, code",
    "schools": "id, hub_id, code",
    "hubs": "id, target_schools, target_teachers",
    "stakeholders": "id, hub_id, kind",
    "engagements": "id, stakeholder_id, date",
    "process_instances": "id, hub_id, started_at, closed_at",
    "process_transitions": "id, instance_id, to_step, cycle, moved_at",
    "action_plans": "id, hub_id, status",
    "plan_goals": "id, plan_id, target_date, status",
    "plan_tasks": "id, goal_id, due_date, status",
    "rounds": "id, hub_id, start_date",
    "instruments": "id, code, definition",
    "responses": "id, round_id, instrument_id, school_id, person_id, grp",
    "answers": "response_id, item, score, status",
}


MATURITY_TABLES = ("schools", "rounds", "instruments", "responses", "answers")


def read(con, tables=TABLES):
    out = {}
    for table in tables:
        columns = TABLES[table]
        cur = con.cursor()
        cur.execute(f"SELECT {columns} FROM {table}")
        out[table] = pd.DataFrame(cur.fetchall(), columns=[c.strip() for c in columns.split(",")])
    return out


def days_between(later, earlier):
    """Whole days from ISO date strings (Series or scalars)."""
    return (pd.to_datetime(later) - pd.to_datetime(earlier)).dt.days


def compute(t, hub, frm, to, asof, inactive_days=30, stalled_days=60):
    """The rows: [(indicator, subject, part, value, detail...)]."""
    rows = []
    A, P, M, MS = t["activities"], t["activity_participants"], t["mentorships"], t["memberships"]
    people = t["people"][t["people"].hub_id == hub]
    schools = t["schools"][t["schools"].hub_id == hub]
    valid = A[(A.hub_id == hub) & A.voided_at.isna()]
    win = valid[(valid.date >= frm) & (valid.date <= to)]
    wp = win.rename(columns={"id": "act"}).merge(P, left_on="act", right_on="activity_id")
    ments = M[M.hub_id == hub]
    via = wp[wp.mentorship_id.notna()].merge(M, left_on="mentorship_id", right_on="id", suffixes=("", "_m"))

    # (person, activity) and (school, activity), each pair once.
    direct_p = wp[wp.person_id.notna()]
    people_on = pd.concat([
        direct_p[["person_id", "act", "date", "minutes"]].rename(columns={"person_id": "person"}),
        via[via.mentor_person_id.notna()][["mentor_person_id", "act", "date", "minutes"]].rename(columns={"mentor_person_id": "person"}),
        via[via.mentee_person_id.notna()][["mentee_person_id", "act", "date", "minutes"]].rename(columns={"mentee_person_id": "person"}),
    ])
    pa = people_on.drop_duplicates(["person", "act"])
    on = people_on.merge(MS, left_on="person", right_on="person_id")
    on = on[(on.start_date.isna() | (on.start_date <= on.date)) & (on.end_date.isna() | (on.end_date >= on.date))]
    sa = pd.concat([
        wp[wp.school_id.notna()][["school_id", "act", "minutes"]].rename(columns={"school_id": "school"}),
        via[via.mentor_school_id.notna()][["mentor_school_id", "act", "minutes"]].rename(columns={"mentor_school_id": "school"}),
        via[via.mentee_school_id.notna()][["mentee_school_id", "act", "minutes"]].rename(columns={"mentee_school_id": "school"}),
        on[["school_id", "act", "minutes"]].rename(columns={"school_id": "school"}),
    ]).drop_duplicates(["school", "act"])

    # participation.activities
    for kind, g in win.groupby("kind", sort=True):
        rows.append(("participation.activities", "", kind, len(g), f"{g.minutes.sum() / 60:.2f}"))

    # participation.person_hours / school_hours
    for name, pairs, key, subjects in (("participation.person_hours", pa, "person", people),
                                       ("participation.school_hours", sa, "school", schools)):
        g = pairs.groupby(key).minutes.agg(["count", "sum"]).reset_index()
        g = g[g["sum"] > 0].merge(subjects, left_on=key, right_on="id").sort_values("code")
        rows += [(name, c, "", s / 60, n, s) for c, n, s in zip(g.code, g["count"], g["sum"])]

    # participation.active_mentorships
    active_m = ments[(ments.start_date <= to) & (ments.end_date.isna() | (ments.end_date >= frm))]
    listed = set(wp.mentorship_id.dropna().astype(np.int64))
    value, open_ = int(active_m.id.isin(listed).sum()), len(active_m)
    rows.append(("participation.active_mentorships", "", "", value, open_, value / open_ if open_ else ""))

    # participation.sessions_per_month
    start = ments.start_date.where(ments.start_date > frm, frm)
    end = ments.end_date.fillna(to).where(ments.end_date.fillna(to) < min(to, asof), min(to, asof))
    days = days_between(end, start) + 1
    sessions = wp[(wp.kind == "session") & wp.mentorship_id.notna()].groupby("mentorship_id").act.nunique()
    n = ments.id.map(sessions).fillna(0).astype(np.int64)
    for mid, d, k in zip(ments.id[days >= 1], days[days >= 1], n[days >= 1]):
        rows.append(("participation.sessions_per_month", str(mid), "", k / (d / 30.4375), k, f"{d / 30.4375:.2f}"))

    # reach.schools and reach.teachers
    hub_row = t["hubs"][t["hubs"].id == hub].iloc[0]
    overlap = MS[(MS.start_date.isna() | (MS.start_date <= to)) & (MS.end_date.isna() | (MS.end_date >= frm))]
    teacher_m = active_m[active_m.level == "teacher"]
    in_teacher_m = set(teacher_m.mentor_person_id) | set(teacher_m.mentee_person_id)
    school_m = active_m[active_m.level == "school"]
    engaged = (set(sa.school) | set(school_m.mentor_school_id) | set(school_m.mentee_school_id)
               | set(overlap[overlap.person_id.isin(in_teacher_m)].school_id))
    rows.append(("reach.schools", "", "", int(schools.id.isin(engaged).sum()), none(hub_row.target_schools), len(schools)))
    members = set(overlap[overlap.person_id.isin(people.id)].person_id)
    engaged_p = set(pa.person) | in_teacher_m
    rows.append(("reach.teachers", "", "", len(members & engaged_p), none(hub_row.target_teachers), len(members)))

    # engagement.stakeholders
    k = t["stakeholders"][t["stakeholders"].hub_id == hub]
    e = t["engagements"]
    e = e[(e.date >= frm) & (e.date <= to)].merge(k, left_on="stakeholder_id", right_on="id", suffixes=("", "_k"))
    for kind, g in e.groupby("kind", sort=True):
        rows.append(("engagement.stakeholders", "", kind, len(g), g.stakeholder_id.nunique()))

    # risk.inactive_mentorships
    upto = valid[valid.date <= asof].rename(columns={"id": "act"}).merge(P, left_on="act", right_on="activity_id")
    last = upto[upto.mentorship_id.notna()].groupby("mentorship_id").date.max()
    m = ments[(ments.start_date <= asof) & (ments.end_date.isna() | (ments.end_date > asof))].copy()
    m["last"] = m.id.map(last)
    m["days"] = days_between(asof, m["last"].fillna(m.start_date))
    for mid, d, l in zip(m.id, m.days, m["last"]):
        if d >= inactive_days:
            rows.append(("risk.inactive_mentorships", str(mid), "", d, "" if pd.isna(l) else l))

    # risk.dropouts
    ended = ments[(ments.level == "teacher") & ments.end_reason.notna() & (ments.end_date >= frm) & (ments.end_date <= to)]
    left = MS[(MS.end_date >= frm) & (MS.end_date <= to) & MS.person_id.isin(people.id)]
    other = left.merge(MS, on="person_id", suffixes=("", "_o"))
    other = other[(other.id_o != other.id) & (other.start_date_o.isna() | (other.start_date_o <= other.end_date))
                  & (other.end_date_o.isna() | (other.end_date_o > other.end_date))]
    out = (set(ended.mentor_person_id) | set(ended.mentee_person_id)
           | set(left[~left.id.isin(other.id)].person_id))
    viau = upto[upto.mentorship_id.notna()].merge(M, left_on="mentorship_id", right_on="id", suffixes=("", "_m"))
    dates = pd.concat([
        upto[upto.person_id.isin(out)][["person_id", "date"]].rename(columns={"person_id": "person"}),
        viau[viau.mentor_person_id.isin(out)][["mentor_person_id", "date"]].rename(columns={"mentor_person_id": "person"}),
        viau[viau.mentee_person_id.isin(out)][["mentee_person_id", "date"]].rename(columns={"mentee_person_id": "person"}),
    ]).groupby("person").date.max()
    d = people[people.id.isin(out)].sort_values("code")
    since = days_between(asof, d.id.map(dates))
    rows += [("risk.dropouts", c, "", "" if pd.isna(s) else int(s)) for c, s in zip(d.code, since)]

    # Process: moves of the hub's instances, in order; instances open as of asof.
    inst = t["process_instances"][t["process_instances"].hub_id == hub]
    mv = t["process_transitions"][t["process_transitions"].instance_id.isin(inst.id)].copy()
    mv["date"] = mv.moved_at.str[:10]
    mv = mv.sort_values(["instance_id", "moved_at", "id"])
    mv["prev"] = mv.groupby("instance_id").cycle.shift()
    in_win = mv[(mv.date >= frm) & (mv.date <= to)]
    for step, g in in_win.groupby("to_step", sort=True):
        rows.append(("process.steps_reached", "", step, g.instance_id.nunique()))
    rows.append(("process.cycles_completed", "", "", int((in_win.cycle > in_win.prev).sum())))
    lastmv = mv[mv.date <= asof].groupby("instance_id").last()
    oi = inst[(inst.started_at.str[:10] <= asof) & (inst.closed_at.isna() | (inst.closed_at.str[:10] > asof))].copy()
    oi["step"], oi["moved"] = oi.id.map(lastmv.to_step), oi.id.map(lastmv.date)
    oi["days"] = days_between(asof, oi.moved.fillna(oi.started_at.str[:10]))
    for step, g in oi[oi.moved.notna()].groupby("step", sort=True):
        rows.append(("process.time_in_step", "", step, g.days.mean(), len(g), int(g.days.max())))
    rows.append(("process.stalled", "", "", int((oi.days >= stalled_days).sum()), len(oi)))
    for i, d in zip(oi.id, oi.days):
        if d >= stalled_days:
            rows.append(("risk.stalled_instances", "", f"instance:{i}", int(d)))

    # risk.overdue_plans
    goals, tasks = t["plan_goals"], t["plan_tasks"]
    late_g = goals[(goals.status == "open") & (goals.target_date < asof)]
    late_t = tasks[tasks.status.isin(("open", "in_progress")) & tasks.due_date.notna() & (tasks.due_date < asof)]
    late_t = late_t.merge(goals[["id", "plan_id"]], left_on="goal_id", right_on="id", suffixes=("", "_g"))
    late = pd.concat([pd.DataFrame({"plan": late_g.plan_id, "date": late_g.target_date, "goal": 1, "task": 0}),
                      pd.DataFrame({"plan": late_t.plan_id, "date": late_t.due_date, "goal": 0, "task": 1})])
    plans = t["action_plans"]
    plans = plans[(plans.hub_id == hub) & plans.status.isin(("draft", "active"))]
    g = late[late.plan.isin(plans.id)].groupby("plan").agg(date=("date", "min"), goal=("goal", "sum"), task=("task", "sum"))
    g = g.sort_index()
    since = days_between(asof, g.date)
    rows += [("risk.overdue_plans", "", f"plan:{p}", int(s), int(a), int(b))
             for p, s, a, b in zip(g.index, since, g.goal, g.task)]
    return rows + maturity(t, hub)


def maturity(t, hub):
    """maturity.change and maturity.moved_up: the teacher instrument over the
    hub's two latest rounds (by start date); a respondent's area mean is the
    mean of their scored items, their overall the mean of their area means."""
    rows = []
    rounds = t["rounds"][t["rounds"].hub_id == hub].sort_values(["start_date", "id"])
    if len(rounds) < 2:
        return rows
    side = {rounds.id.iloc[-2]: "from", rounds.id.iloc[-1]: "to"}
    inst = t["instruments"][t["instruments"].code == "digcompedu"].iloc[0]
    definition = json.loads(inst.definition)
    item_area = {i["code"]: a["code"] for a in definition["areas"] for i in a["items"]}
    minima = np.array(sorted(level["min"] for level in definition["levels"]))
    schools = t["schools"][t["schools"].hub_id == hub].id
    r = t["responses"]
    r = r[r.round_id.isin(side) & (r.instrument_id == inst.id) & (r.grp == "teachers") & r.school_id.isin(schools)]
    a = t["answers"]
    a = a[(a.status == "score") & a.response_id.isin(r.id)].copy()
    a["area"] = a["item"].map(item_area)
    areas = a.dropna(subset=["area"]).groupby(["response_id", "area"]).score.mean().reset_index()
    overall = areas.groupby("response_id").score.mean().reset_index().assign(area="overall")
    ra = pd.concat([areas, overall]).merge(r[["id", "round_id", "person_id"]], left_on="response_id", right_on="id")
    ra["side"] = ra.round_id.map(side)

    s = ra.groupby(["area", "side"]).score.agg(["count", "mean", "std"])
    for area in sorted(ra.area.unique()):
        f, to = s.loc[(area, "from")], s.loc[(area, "to")]
        n1, n2 = f["count"], to["count"]
        pooled = np.sqrt(((n1 - 1) * f["std"] ** 2 + (n2 - 1) * to["std"] ** 2) / (n1 + n2 - 2))
        g = (1 - 3 / (4 * (n1 + n2) - 9)) * (to["mean"] - f["mean"]) / pooled
        se = np.sqrt((n1 + n2) / (n1 * n2) + g * g / (2 * (n1 + n2)))
        z = 1.959963984540054
        rows.append(("maturity.change", "", f"teachers:{area}", to["mean"] - f["mean"], f["mean"], to["mean"], int(n1), int(n2),
                     g, g - z * se, g + z * se))

    ra["level"] = np.searchsorted(minima, ra.score.to_numpy(), side="right")
    both = ra[ra.side == "from"].merge(ra[ra.side == "to"], on=["person_id", "area"], suffixes=("_f", "_t"))
    for area, g in both.groupby("area", sort=True):
        rows.append(("maturity.moved_up", "", area, float((g.level_t > g.level_f).mean()), len(g)))
    return rows


def none(x):
    return "" if x is None or pd.isna(x) else int(x)


def text(rows):
    return "".join("\t".join(str(v) for v in row) + "\n" for row in rows)


def main():
    import sqlite3
    args = [a for a in sys.argv[1:] if a != "--maturity"]
    only_maturity = "--maturity" in sys.argv  # only maturity.change and moved_up, from their tables
    path, out = args[0], args[1]
    frm, to, asof = args[2:5] if len(args) > 4 else ("2025-09-01", "2026-08-31", "2026-08-31")
    t0, c0 = time.perf_counter(), time.process_time()
    con = sqlite3.connect(path)
    con.execute("PRAGMA cache_size = -65536")  # ihub's page cache (SQLiteBackend)
    tables = read(con, MATURITY_TABLES if only_maturity else TABLES)
    t1 = time.perf_counter()
    hub = int(con.execute("SELECT id FROM hubs ORDER BY id LIMIT 1").fetchone()[0])
    rows = maturity(tables, hub) if only_maturity else compute(tables, hub, frm, to, asof)
    t2, c2 = time.perf_counter(), time.process_time()
    con.close()
    with open(out, "w") as f:
        f.write(text(rows))
    print(f"seconds {t2 - t0:.4f}")
    print(f"read_seconds {t1 - t0:.4f}")
    print(f"cpu_seconds {c2 - c0:.4f}")


if __name__ == "__main__":
    main()
