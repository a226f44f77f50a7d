"""The built-in reach, participation, process, engagement and risk
indicators through ihub_call, Lua and the CLI, on a small hand-made hub
whose answers are worked out by hand in the comments: month, term, custom
and cumulative windows, one hub and the consortium (two hubs).

Mentorships, process moves and closings are dated by the clock when they
are made; the fixture then dates them by hand with SQL on the same store
(sqlite3 on the file, psycopg on the PostgreSQL schema), so that the
answers do not depend on the day the tests run."""
import json
import os
import subprocess
import uuid

import pytest

import ihub

POSTGRES = os.environ.get("IHUB_TEST_POSTGRES")


class Store:
    """Direct SQL on the database a handle has open, for dating the fixture."""

    def __init__(self, tmp_path):
        if POSTGRES:
            import psycopg
            self.schema = "py_ind_" + uuid.uuid4().hex[:12]
            self.handle = ihub.open(POSTGRES, schema=self.schema)
            self.conn = psycopg.connect(self._libpq(POSTGRES), autocommit=True)
            self.conn.execute('SET search_path TO "%s"' % self.schema)
        else:
            import sqlite3
            self.path = str(tmp_path / "hub.db")
            self.handle = ihub.open(self.path)
            self.conn = sqlite3.connect(self.path, isolation_level=None)

    @staticmethod
    def _libpq(uri):
        # postgresql:///ihub?host=/dir&user=postgres → libpq keywords
        from urllib.parse import parse_qs, urlparse
        u = urlparse(uri)
        parts = {"dbname": u.path.lstrip("/") or "postgres"}
        for k, v in parse_qs(u.query).items():
            parts[k] = v[0]
        if u.hostname:
            parts["host"] = u.hostname
        return " ".join("%s=%s" % kv for kv in parts.items())

    def sql(self, statement, *params):
        if POSTGRES:
            self.conn.execute(statement.replace("?", "%s"), params)
        else:
            self.conn.execute(statement, params)

    def close(self):
        self.conn.close()
        self.handle.close()


def log(h, date, minutes, participants, kind="session", hub="H"):
    return h.call("activity.log", {"hub": hub, "kind": kind, "date": date, "minutes": minutes, "participants": participants})


@pytest.fixture
def hub(tmp_path):
    """Hub H (targets: 4 schools, 5 teachers) with schools M1, E1, E2, Z1
    (ids 1-4) and people MT, ET, T1, T2, T3, T4 (ids 1-6); hub G (target 2
    schools, none for teachers) with school GS and person GP.

    Memberships: MT M1, ET E1, T4 Z1 from 2026-01-01; T1 M1 to 2026-02-28
    then E1 from 2026-03-01 (a move); T2 E2 2026-01-01..2026-10-15; T3 none;
    GP GS.  Mentorships from 2026-09-01: #1 school E1 <- M1, #2 teacher
    ET <- MT, #3 teacher T2 <- MT ended 2026-10-10 ("moved away").

    Activities: 09-10 session 60' [#1]; 10-05 session 90' [#2]; 10-20
    workshop 120' [T1, ET]; 11-03 session 45' [#2]; 11-15 observation 30'
    [E2]; 11-20 session 600' [#1] voided; 08-20 co_planning 30' [MT]; in G
    11-10 session 60' [GP].

    Processes: #1 of E1, started 09-01: initiative 09-01, anchoring 09-20,
    reflection 10-15, initiative (cycle 2) 11-05. #2 of mentorship #2,
    started 09-10 at initiative. #3 of E2 started 08-01, never moved,
    closed 10-31.

    Plans: #1 E1: goal by 2026-10-01, task due 2026-11-10. #2 T1: goal by
    2027-06-30, task due 2026-11-25. #3 E2: goal by 2026-09-15, achieved.

    Engagements: K1 (municipality) meeting 11-02, event 11-20; K2
    (university) agreement 11-05, meeting 10-01; in G KG (company) meeting
    11-11."""
    store = Store(tmp_path)
    h = store.handle
    h.call("hub.add", {"code": "H", "name": "Hub", "country": "EE", "target_schools": 4, "target_teachers": 5, "min_group_size": 3})
    h.call("hub.add", {"code": "G", "name": "Other", "country": "FI", "target_schools": 2})
    h.call("round.add", {"hub": "H", "code": "R1", "name": "round 1", "start": "2026-09-01"})
    for code in ["M1", "E1", "E2", "Z1"]:
        h.call("school.add", {"hub": "H", "code": code, "name": "School " + code})
    h.call("school.add", {"hub": "G", "code": "GS", "name": "G school"})
    since = "2026-01-01"
    people = [("MT", [{"school": "M1", "start": since}]), ("ET", [{"school": "E1", "start": since}]),
              ("T1", [{"school": "M1", "start": since, "end": "2026-02-28"}, {"school": "E1", "start": "2026-03-01"}]),
              ("T2", [{"school": "E2", "start": since, "end": "2026-10-15"}]), ("T3", []), ("T4", [{"school": "Z1", "start": since}])]
    for code, memberships in people:
        h.call("person.add", {"hub": "H", "code": code, "name": "Teacher " + code, "memberships": memberships})
    h.call("person.add", {"hub": "G", "code": "GP", "name": "G person", "memberships": [{"school": "GS", "start": since}]})
    for mentor, mentee, level in [("M1", "E1", "school"), ("MT", "ET", "teacher"), ("MT", "T2", "teacher")]:
        column, table = ("school", "schools") if level == "school" else ("person", "people")
        store.sql("INSERT INTO mentorships(hub_id, round_id, level, mentor_%s_id, mentee_%s_id, start_date) "
                  "VALUES ((SELECT id FROM hubs WHERE code = 'H'), (SELECT id FROM rounds WHERE code = 'R1'), ?, "
                  "(SELECT id FROM %s WHERE code = ?), (SELECT id FROM %s WHERE code = ?), '2026-09-01')"
                  % (column, column, table, table), level, mentor, mentee)
    assert [m["id"] for m in h.call("pairing.mentorships", {"hub": "H"})] == [1, 2, 3]
    h.call("mentorship.end", {"id": 3, "date": "2026-10-10", "reason": "moved away"})

    log(h, "2026-09-10", 60, [{"mentorship": 1}])
    log(h, "2026-10-05", 90, [{"mentorship": 2}])
    log(h, "2026-10-20", 120, [{"person": "T1"}, {"person": "ET"}], kind="workshop")
    log(h, "2026-11-03", 45, [{"mentorship": 2}])
    log(h, "2026-11-15", 30, [{"school": "E2"}], kind="observation")
    voided = log(h, "2026-11-20", 600, [{"mentorship": 1}])
    h.call("activity.void", {"id": voided["id"], "reason": "logged twice"})
    log(h, "2026-08-20", 30, [{"person": "MT"}], kind="co_planning")
    log(h, "2026-11-10", 60, [{"person": "GP"}], hub="G")

    x1 = h.process.start(school="E1", at="initiative")["id"]
    for step in ["anchoring", "reflection", "initiative"]:
        h.process.move(id=x1, to=step)
    x2 = h.process.start(mentorship=2, at="initiative")["id"]
    x3 = h.process.start(school="E2")["id"]
    h.process.close(id=x3, reason="school left the network")
    assert (x1, x2, x3) == (1, 2, 3)
    for id, started in [(1, "2026-09-01"), (2, "2026-09-10"), (3, "2026-08-01")]:
        store.sql("UPDATE process_instances SET started_at = ? WHERE id = ?", started + "T08:00:00Z", id)
    store.sql("UPDATE process_instances SET closed_at = '2026-10-31T12:00:00Z' WHERE id = 3")
    for id, moved in [(1, "2026-09-01"), (2, "2026-09-20"), (3, "2026-10-15"), (4, "2026-11-05"), (5, "2026-09-10")]:
        store.sql("UPDATE process_transitions SET moved_at = ? WHERE id = ?", moved + "T09:00:00Z", id)

    def plan(subject, goal_by, task_due=None):
        p = h.plan.create(title="Plan of " + list(subject.values())[0], **subject)["id"]
        instrument, area = ("selfie", "G") if "school" in subject else ("digcompedu", "1")
        g = h.plan.add_goal(plan=p, instrument=instrument, area=area, description="Feedback", target=3, by=goal_by)["id"]
        if task_due:
            h.plan.add_task(goal=g, title="Try it", due=task_due)
        return p, g
    plan({"school": "E1"}, "2026-10-01", "2026-11-10")
    plan({"person": "T1"}, "2027-06-30", "2026-11-25")
    _, goal = plan({"school": "E2"}, "2026-09-15")
    h.plan.set_status(goal=goal, status="achieved")

    for code, kind, hub in [("K1", "municipality", "H"), ("K2", "university", "H"), ("KG", "company", "G")]:
        h.call("stakeholder.add", {"hub": hub, "code": code, "name": "Stakeholder " + code, "kind": kind})
    for code, date, kind in [("K1", "2026-11-02", "meeting"), ("K1", "2026-11-20", "event"), ("K2", "2026-11-05", "agreement"),
                             ("K2", "2026-10-01", "meeting"), ("KG", "2026-11-11", "meeting")]:
        h.call("engagement.add", {"stakeholder": code, "date": date, "kind": kind})
    yield store
    store.close()


def compute(h, window, names, hub="H", options=None):
    p = {"window": window, "names": names}
    if hub:
        p["hub"] = hub
    if options:
        p["options"] = options
    result = h.call("indicator.compute", p)
    out = {}
    for ind in result["indicators"]:
        assert "error" not in ind, ind
        out[ind["name"]] = ind["rows"]
    return out


def only(rows):
    assert len(rows) == 1 and rows[0]["subject"] is None and rows[0]["part"] is None
    return rows[0]


def by_part(rows, *keys):
    return {r["part"]: (r["value"],) + tuple(r[k] for k in keys) for r in rows}


def test_catalogue_lists_every_indicator_of_the_families(hub):
    listed = {d["name"]: d for d in hub.handle.indicator.list(hub="H")}
    for name, level, type in [
        ("reach.schools", "hub", "count"), ("reach.teachers", "hub", "count"), ("participation.activities", "hub", "count"),
        ("participation.active_mentorships", "hub", "count"), ("participation.sessions_per_month", "mentorship", "number"),
        ("participation.person_hours", "person", "hours"), ("participation.school_hours", "school", "hours"),
        ("process.steps_reached", "hub", "count"), ("process.time_in_step", "hub", "days"),
        ("process.cycles_completed", "hub", "count"), ("process.stalled", "hub", "count"),
        ("engagement.stakeholders", "hub", "count"), ("risk.inactive_mentorships", "mentorship", "days"),
        ("risk.stalled_instances", "hub", "days"), ("risk.dropouts", "person", "days"), ("risk.overdue_plans", "hub", "days")]:
        assert (listed[name]["level"], listed[name]["type"], listed[name]["source"]) == (level, type, "builtin"), name
    assert listed["participation.sessions_per_month"]["min"] == 0
    assert [o["name"] for o in listed["process.stalled"]["options"]] == ["days"]


def test_reach_in_a_month_a_term_and_cumulatively(hub):
    h = hub.handle
    # November: M1 and E1 through activity 11-03 of #2 (members on the day) and
    # the school mentorship #1; E2 through the observation. Z1 never.
    # Members in November: MT, ET, T1, T4 (T2 left on 10-15); engaged MT, ET.
    got = compute(h, "2026-11", ["reach.schools", "reach.teachers"])
    s, t = only(got["reach.schools"]), only(got["reach.teachers"])
    assert (s["value"], s["target"], s["share_of_target"], s["schools"]) == (3, 4, 0.75, 4)
    assert (t["value"], t["target"], t["share_of_target"], t["teachers"]) == (2, 5, 0.4, 4)
    # The first term: T2 is a member until 10-15 and mentee of #3 (to 10-10);
    # T1 took part in the workshop: MT, ET, T1, T2 of 5 members.
    t = only(compute(h, "2026/27-T1", ["reach.teachers"])["reach.teachers"])
    assert (t["value"], t["teachers"]) == (4, 5)
    # August only: MT's co-planning makes M1 engaged; no mentorship yet.
    got = compute(h, "2026-08", ["reach.schools", "reach.teachers"])
    assert only(got["reach.schools"])["value"] == 1 and only(got["reach.teachers"])["value"] == 1
    # A voided activity engages no one: 11-20..11-30 has only the mentorships.
    s = only(compute(h, "2026-11-20..2026-11-30", ["reach.schools"])["reach.schools"])
    assert s["value"] == 2  # M1, E1 through #1 and #2; E2 not


def test_reach_over_the_consortium_sums_the_targets(hub):
    got = compute(hub.handle, "cumulative:2026-11-30", ["reach.schools", "reach.teachers"], hub=None)
    s, t = only(got["reach.schools"]), only(got["reach.teachers"])
    # H: M1, E1, E2 of 4; G: GS of 1. Targets 4 + 2; teachers' only H's 5.
    assert (s["value"], s["target"], s["schools"]) == (4, 6, 5) and s["share_of_target"] == pytest.approx(4 / 6)
    assert (t["value"], t["target"], t["share_of_target"], t["teachers"]) == (5, 5, 1.0, 6)
    g = only(compute(hub.handle, "cumulative:2026-11-30", ["reach.teachers"], hub="G")["reach.teachers"])
    assert (g["value"], g["target"], g["share_of_target"], g["teachers"]) == (1, None, None, 1)


def test_activities_per_kind_and_active_mentorships(hub):
    h = hub.handle
    got = compute(h, "2026-11", ["participation.activities", "participation.active_mentorships"])
    assert by_part(got["participation.activities"], "hours") == {"observation": (1, 0.5), "session": (1, 0.75)}
    a = only(got["participation.active_mentorships"])
    assert (a["value"], a["open"], a["share"]) == (1, 2, 0.5)  # #1 only in the voided one; #3 ended
    got = compute(h, "2026/27-T1", ["participation.activities"])
    assert by_part(got["participation.activities"], "hours") == {
        "observation": (1, 0.5), "session": (3, 3.25), "workshop": (1, 2.0)}
    a = only(compute(h, "2026-10-01..2026-10-31", ["participation.active_mentorships"])["participation.active_mentorships"])
    assert (a["value"], a["open"]) == (1, 3) and a["share"] == pytest.approx(1 / 3)
    a = only(compute(h, "2026-07", ["participation.active_mentorships"])["participation.active_mentorships"])
    assert (a["value"], a["open"], a["share"]) == (0, 0, None)
    got = compute(h, "2026-11", ["participation.activities"], hub=None)
    assert by_part(got["participation.activities"], "hours") == {"observation": (1, 0.5), "session": (2, 1.75)}


def test_sessions_per_month_over_the_mentorships_overlap(hub):
    rows = compute(hub.handle, "2026-10-01..2026-10-31", ["participation.sessions_per_month"])["participation.sessions_per_month"]
    got = {r["subject"]: (r["value"], r["sessions"], r["months"]) for r in rows}
    # #1: 31 days, no session; #2: one session in 31 days; #3: 10-01..10-10 (10 days).
    assert got[1] == (0, 0, 1.02) and got[3] == (0, 0, 0.33)
    assert got[2][0] == pytest.approx(30.4375 / 31) and got[2][1:] == (1, 1.02)
    assert list(got) == [1, 2, 3]
    # Cumulative to 11-30: #1 has 1 session, #2 2, in 09-01..11-30 (91 days); #3 none in 40 days.
    rows = compute(hub.handle, "cumulative:2026-11-30", ["participation.sessions_per_month"])["participation.sessions_per_month"]
    got = {r["subject"]: (r["value"], r["sessions"]) for r in rows}
    assert got[2][0] == pytest.approx(2 / (91 / 30.4375)) and got[2][1] == 2 and got[1] == (pytest.approx(1 / (91 / 30.4375)), 1)
    assert got[3] == (0, 0)
    # August: no mentorship had begun.
    assert compute(hub.handle, "2026-08", ["participation.sessions_per_month"])["participation.sessions_per_month"] == []


def test_hours_per_person_and_school(hub):
    got = compute(hub.handle, "2026-10", ["participation.person_hours", "participation.school_hours"])
    # 10-05 90' through #2 (MT, ET; schools M1, E1 by membership); 10-20 120' T1, ET (both in E1 then).
    people = [(r["subject"], r["subject_name"], r["value"], r["activities"], r["minutes"]) for r in got["participation.person_hours"]]
    assert people == [("ET", "Teacher ET", 3.5, 2, 210), ("T1", "Teacher T1", 2.0, 1, 120), ("MT", "Teacher MT", 1.5, 1, 90)]
    schools = [(r["subject"], r["value"], r["activities"], r["minutes"]) for r in got["participation.school_hours"]]
    assert schools == [("E1", 3.5, 2, 210), ("M1", 1.5, 1, 90)]
    # The consortium: G's person and school too.
    got = compute(hub.handle, "2026-11", ["participation.person_hours", "participation.school_hours"], hub=None)
    assert [(r["subject"], r["minutes"]) for r in got["participation.person_hours"]] == [("GP", 60), ("MT", 45), ("ET", 45)]
    assert [(r["subject"], r["minutes"]) for r in got["participation.school_hours"]] == [("GS", 60), ("M1", 45), ("E1", 45), ("E2", 30)]


def test_process_in_three_months(hub):
    h = hub.handle
    names = ["process.steps_reached", "process.time_in_step", "process.cycles_completed", "process.stalled", "risk.stalled_instances"]
    # September (as of 09-30): open #1 (anchoring since 09-20), #2 (initiative
    # since 09-10), #3 (never moved since 08-01: 60 days, stalled).
    got = compute(h, "2026-09", names)
    assert by_part(got["process.steps_reached"]) == {"anchoring": (1,), "initiative": (2,)}
    assert by_part(got["process.time_in_step"], "instances", "max_days") == {"anchoring": (10, 1, 10), "initiative": (20, 1, 20)}
    assert only(got["process.cycles_completed"])["value"] == 0
    st = only(got["process.stalled"])
    assert (st["value"], st["open"]) == (1, 3)
    assert [(r["part"], r["value"], r["instance"], r["subject_kind"], r["school"], r["step"]) for r in got["risk.stalled_instances"]] == [
        ("instance:3", 60, 3, "school", "E2", None)]
    # October (as of 10-31): #3 closed that day; #1 in reflection 16 days, #2 51.
    got = compute(h, "2026-10", names, options={"process.stalled": {"days": 50}})
    assert by_part(got["process.steps_reached"]) == {"reflection": (1,)}
    assert by_part(got["process.time_in_step"], "instances", "max_days") == {"initiative": (51, 1, 51), "reflection": (16, 1, 16)}
    assert (only(got["process.stalled"])["value"], only(got["process.stalled"])["open"]) == (1, 2)
    assert got["risk.stalled_instances"] == []  # its own option: the default 60
    # November (as of 11-30): #1 back to initiative on 11-05 (a new cycle) 25 days, #2 81.
    got = compute(h, "2026-11", names)
    assert by_part(got["process.steps_reached"]) == {"initiative": (1,)}
    assert by_part(got["process.time_in_step"], "instances", "max_days") == {"initiative": (53, 2, 81)}
    assert only(got["process.cycles_completed"])["value"] == 1
    assert [(r["part"], r["value"], r["subject_kind"], r["mentorship"], r["step"]) for r in got["risk.stalled_instances"]] == [
        ("instance:2", 81, "mentorship", 2, "initiative")]
    got = compute(h, "cumulative:2026-11-30", ["process.steps_reached", "process.cycles_completed"], hub=None)
    assert by_part(got["process.steps_reached"]) == {"anchoring": (1,), "initiative": (2,), "reflection": (1,)}
    assert only(got["process.cycles_completed"])["value"] == 1
    with pytest.raises(ihub.InvalidError, match=r"params.options.process.stalled.days: must be a whole number"):
        compute(h, "2026-11", ["process.stalled"], options={"process.stalled": {"days": -1}})


def test_stakeholder_engagement_per_kind(hub):
    got = compute(hub.handle, "2026-11", ["engagement.stakeholders"])["engagement.stakeholders"]
    assert by_part(got, "stakeholders") == {"municipality": (2, 1), "university": (1, 1)}
    got = compute(hub.handle, "2026-11", ["engagement.stakeholders"], hub=None)["engagement.stakeholders"]
    assert by_part(got, "stakeholders") == {"company": (1, 1), "municipality": (2, 1), "university": (1, 1)}
    got = compute(hub.handle, "cumulative:2026-11-30", ["engagement.stakeholders"])["engagement.stakeholders"]
    assert by_part(got, "stakeholders") == {"municipality": (2, 1), "university": (2, 1)}


def test_inactive_mentorships(hub):
    name = "risk.inactive_mentorships"
    # As of 11-30: #1's last counted activity is 09-10 (81 days; 11-20 is
    # voided); #2's 11-03 (27 days); #3 ended.
    rows = compute(hub.handle, "cumulative:2026-11-30", [name])[name]
    assert [(r["subject"], r["value"], r["last_activity"], r["level"], r["mentor_school"], r["mentee_school"]) for r in rows] == [
        (1, 81, "2026-09-10", "school", "M1", "E1")]
    rows = compute(hub.handle, "cumulative:2026-11-30", [name], options={name: {"days": 27}})[name]
    assert [(r["subject"], r["value"]) for r in rows] == [(1, 81), (2, 27)]
    assert (rows[1]["mentor_person"], rows[1]["mentee_person"], rows[1]["level"]) == ("MT", "ET", "teacher")
    # As of 09-05 nobody had an activity yet: days since the start (4).
    rows = compute(hub.handle, "2026-09-01..2026-09-05", [name], options={name: {"days": 4}})[name]
    assert [(r["subject"], r["value"], r["last_activity"]) for r in rows] == [(1, 4, None), (2, 4, None), (3, 4, None)]
    assert compute(hub.handle, "2026-09-01..2026-09-05", [name])[name] == []


def test_dropouts(hub):
    name = "risk.dropouts"
    # October: #3 ended 10-10 with a reason: its mentor MT and mentee T2. MT's
    # last activity as of 10-31 is 10-05 (26 days); T2 had none.
    rows = compute(hub.handle, "2026-10", [name])[name]
    assert [(r["subject"], r["value"], r["reason"], r["date"], r["mentorship"]) for r in rows] == [
        ("MT", 26, "moved away", "2026-10-10", 3), ("T2", None, "moved away", "2026-10-10", 3)]
    # After the mentorship's end: T2's membership of E2 ended on 10-15 with no other.
    rows = compute(hub.handle, "2026-10-11..2026-10-31", [name])[name]
    assert [(r["subject"], r["value"], r["reason"], r["date"], r["school"]) for r in rows] == [
        ("T2", None, "left the school", "2026-10-15", "E2")]
    # February: T1 left M1 on 02-28 but joined E1 the next day: a move, not a dropout.
    assert compute(hub.handle, "2026-02", [name])[name] == []
    assert [r["subject"] for r in compute(hub.handle, "2026/27-T1", [name], hub=None)[name]] == ["MT", "T2"]


def test_overdue_plans(hub):
    name = "risk.overdue_plans"
    # As of 11-30: plan 1's goal (10-01, 60 days) and task (11-10); plan 2's
    # task (11-25, 5 days); plan 3's goal is achieved.
    rows = compute(hub.handle, "cumulative:2026-11-30", [name])[name]
    assert [(r["part"], r["value"], r["plan"], r["title"], r.get("school"), r.get("person"), r["goals_overdue"], r["tasks_overdue"])
            for r in rows] == [("plan:1", 60, 1, "Plan of E1", "E1", None, 1, 1), ("plan:2", 5, 2, "Plan of T1", None, "T1", 0, 1)]
    rows = compute(hub.handle, "2026-10", [name])[name]
    assert [(r["part"], r["value"], r["goals_overdue"], r["tasks_overdue"]) for r in rows] == [("plan:1", 30, 1, 0)]
    assert compute(hub.handle, "2026-09", [name])[name] == []
    assert compute(hub.handle, "2026-11", [name], hub="G")[name] == []


def test_lua_reaches_the_indicators(hub):
    got = hub.handle.eval('local r = ihub.indicator.compute{hub = "H", window = "2026-11", names = {"reach.schools"}} '
                          'return {r.indicators[1].rows[1].value, r.indicators[1].rows[1].target}')
    assert got == [3, 4]


def cli():
    path = os.path.join(os.path.dirname(os.environ.get("IHUB_LIBRARY", "")), "ihub-cli")
    if not os.path.exists(path):
        pytest.skip("ihub-cli is not beside IHUB_LIBRARY")
    return path


def test_cli_computes_the_indicators(hub):
    where = ["--db", POSTGRES, "--schema", hub.schema] if POSTGRES else ["--db", hub.path]
    names = ["--name", "participation.activities", "--name", "engagement.stakeholders"]

    def run(*args):
        done = subprocess.run([cli(), "indicator", "compute", "--hub", "H", "--window", "2026-11", *names, *args, *where],
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout
    out = {i["name"]: i["rows"] for i in json.loads(run("--json"))["indicators"]}
    assert by_part(out["participation.activities"]) == {"observation": (1,), "session": (1,)}
    assert by_part(out["engagement.stakeholders"], "stakeholders") == {"municipality": (2, 1), "university": (1, 1)}
    table = [line.split() for line in run().splitlines()]
    assert ["observation", "1"] in table and ["municipality", "2"] in table and ["university", "1"] in table
    # The generic form reaches the same operation.
    params = json.dumps({"hub": "H", "window": "2026-11", "names": ["reach.schools"]})
    done = subprocess.run([cli(), "call", "indicator.compute", params, *where], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and json.loads(done.stdout)["indicators"][0]["rows"][0]["value"] == 3


FAMILIES = ("reach.", "participation.", "process.", "engagement.", "risk.")


@pytest.mark.parametrize("scope", ["H", None])
def test_every_indicator_of_the_families_computes_in_every_kind_of_window(hub, scope):
    for window in ["2026-11", "2026/27", "2026/27-T2", "2026-09-01..2026-12-31", "cumulative", "cumulative:2026-10-31"]:
        p = {"window": window}
        if scope:
            p["hub"] = scope
        result = hub.handle.call("indicator.compute", p)
        ours = [i for i in result["indicators"] if i["name"].startswith(FAMILIES)]
        assert len(ours) == 16 and all("error" not in i for i in ours), (window, ours)
        assert {i["level"] for i in ours if i["name"].startswith("reach.")} == {"hub" if scope else "consortium"}
