"""The mentoring network indicators and network.graph on hand-made cascades
with known answers: size, components, density, reach across schools (the
schools at each mentorship's start), multiplication (mentees of one round
who mentor in a later one) and the depth of the cascade — over windows
(cumulative, a month, a term, cumulative to a day) and the consortium;
through ihub_call, Lua and the CLI, on SQLite and PostgreSQL."""
import contextlib
import json
import os
import sqlite3
import subprocess
import uuid

import pytest

import ihub

TEST_POSTGRES = os.environ.get("IHUB_TEST_POSTGRES")

# Teacher mentorships of hub H: (id, mentor, mentee, round, start, end).
#
#   R1 (2025-09-01)  A → B, A → E, E → F      R2 (2026-02-01)  B → C, X → Y
#   R3 (2026-09-01)  C → D, B → G
#
# A → B (R1) → C (R2) → D (R3) is the longest chain: depth 3. E mentors F in
# the round E is mentored in: no multiplication. B (R1 → R2, R3) and C
# (R2 → R3) multiply; B's cases are two mentorships. X → Y is a second
# component.
TEACHER = [
    (1, "A", "B", "R1", "2025-09-10", "2026-01-31"),
    (2, "A", "E", "R1", "2025-09-10", "2026-06-30"),
    (3, "E", "F", "R1", "2025-10-01", "2026-01-31"),
    (4, "B", "C", "R2", "2026-02-10", None),
    (5, "X", "Y", "R2", "2026-02-10", "2026-03-31"),
    (6, "C", "D", "R3", "2026-09-10", None),
    (7, "B", "G", "R3", "2026-09-15", None),
]
# School mentorships of H: S1 → S2 (R1), S2 → S3 (R2), S4 → S1 (R2): S2 multiplies, depth 2.
SCHOOL = [
    (8, "S1", "S2", "R1", "2025-09-10", None),
    (9, "S2", "S3", "R2", "2026-02-10", None),
    (10, "S4", "S1", "R2", "2026-02-10", None),
]
# Hub K: P → Q in round Q1 (2026-01-15).
OTHER = [(11, "P", "Q", "Q1", "2026-01-15", None)]

# Memberships: G moves from S1 to S4 on 2026-10-01, after B → G started
# (2026-09-15), so that mentorship stays within S1; F has no school.
PEOPLE = {
    "A": [("S1", "2020-01-01", None)], "B": [("S1", "2020-01-01", None)], "C": [("S2", "2020-01-01", None)],
    "D": [("S3", "2020-01-01", None)], "E": [("S3", "2020-01-01", None)], "F": [],
    "G": [("S1", "2020-01-01", "2026-09-30"), ("S4", "2026-10-01", None)],
    "X": [("S2", "2020-01-01", None)], "Y": [("S2", "2020-01-01", None)],
}


def build(path):
    """The hand-made region in an SQLite file. Confirming a pair through the
    API dates it today; this history is of earlier rounds, so its
    mentorships are written into the file directly."""
    with ihub.open(path) as h:
        h.call("hub.add", {"code": "H", "name": "Hub", "country": "EE"})
        h.call("hub.add", {"code": "K", "name": "Other hub", "country": "FI"})
        for code, start in [("R1", "2025-09-01"), ("R2", "2026-02-01"), ("R3", "2026-09-01")]:
            h.call("round.add", {"hub": "H", "code": code, "name": "Round " + code, "start": start})
        h.call("round.add", {"hub": "K", "code": "Q1", "name": "Round Q1", "start": "2026-01-15"})
        for code in ["S1", "S2", "S3", "S4"]:
            h.call("school.add", {"hub": "H", "code": code, "name": "School " + code})
        h.call("school.add", {"hub": "K", "code": "KS", "name": "K school"})
        for code, ms in PEOPLE.items():
            h.call("person.add", {"hub": "H", "code": code, "name": "Teacher " + code,
                                  "memberships": [{"school": s, "start": a, "end": b} for s, a, b in ms]})
        for code in ["P", "Q"]:
            h.call("person.add", {"hub": "K", "code": code, "name": "Teacher " + code, "schools": ["KS"]})
    with sqlite3.connect(path) as c:
        def ids(table):
            return dict(c.execute(f"SELECT code, id FROM {table}").fetchall())
        hubs, rounds, people, schools = ids("hubs"), ids("rounds"), ids("people"), ids("schools")
        for level, rows, hub, refs in [("teacher", TEACHER, "H", people), ("school", SCHOOL, "H", schools),
                                       ("teacher", OTHER, "K", people)]:
            cols = ("mentor_person_id", "mentee_person_id") if level == "teacher" else ("mentor_school_id", "mentee_school_id")
            for i, mentor, mentee, rnd, start, end in rows:
                c.execute(f"INSERT INTO mentorships(id, hub_id, round_id, level, {cols[0]}, {cols[1]}, start_date, end_date, end_reason)"
                          " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                          (i, hubs[hub], rounds[rnd], level, refs[mentor], refs[mentee], start, end, end and "round over"))


@contextlib.contextmanager
def opened(path, edit=None):
    """(handle, database location, CLI options) of the region built at
    `path` (then changed by `edit`, a function of an sqlite3 connection):
    on SQLite, or copied whole into a new schema of IHUB_TEST_POSTGRES."""
    build(path)
    if edit:
        with contextlib.closing(sqlite3.connect(path)) as c, c:
            edit(c)
    if not TEST_POSTGRES:
        with ihub.open(path) as h:
            yield h, path, []
        return
    schema = "net_" + uuid.uuid4().hex[:12]
    with ihub.open(path) as h:
        h.call("store.copy", {"path": TEST_POSTGRES, "options": {"schema": schema}})
    with ihub.open(TEST_POSTGRES, schema=schema) as h:
        yield h, TEST_POSTGRES, ["--schema", schema]


@pytest.fixture
def region(tmp_path):
    with opened(str(tmp_path / "network.db")) as r:
        yield r


def compute(h, window="cumulative", hub="H", **more):
    params = {"window": window, "names": [n for n in NAMES], **more}
    if hub:
        params["hub"] = hub
    out = {}
    for ind in h.call("indicator.compute", params)["indicators"]:
        assert "error" not in ind, ind
        for r in ind["rows"]:
            detail = {k: v for k, v in r.items() if k not in ("subject", "part", "value", "n", "suppressed")}
            out[(ind["name"], r["part"])] = (r["value"], detail)
    return out


NAMES = ["network.size", "network.components", "network.density", "network.cross_school",
         "network.multiplication", "network.cascade_depth"]


def test_the_catalogue_lists_the_network_indicators(region):
    h, _, _ = region
    listed = {d["name"]: d for d in h.call("indicator.list", {"hub": "H"})}
    for name in NAMES:
        assert listed[name]["level"] == "hub" and listed[name]["source"] == "builtin"
    assert listed["network.density"]["type"] == "share" and listed["network.cascade_depth"]["type"] == "count"


def test_cumulative_network_of_a_hub(region):
    h, _, _ = region
    got = compute(h)
    assert got[("network.size", "teacher")] == (9, {"edges": 7, "mentorships": 7})
    assert got[("network.size", "school")] == (4, {"edges": 3, "mentorships": 3})
    assert got[("network.components", "teacher")] == (2, {"largest": 7})
    assert got[("network.components", "school")] == (1, {"largest": 4})
    assert got[("network.density", "teacher")] == (pytest.approx(7 / 72), {"nodes": 9, "edges": 7})
    assert got[("network.density", "school")] == (0.25, {"nodes": 4, "edges": 3})
    # Cross: B → C, C → D, A → E; not A → B, X → Y (one school), B → G (both
    # of S1 at its start), E → F unknown (F has no school).
    assert got[("network.cross_school", None)] == (pytest.approx(3 / 7), {"mentorships": 7, "cross": 3, "unknown": 1})
    assert got[("network.multiplication", "people")] == (2, {"cases": 3})
    assert got[("network.multiplication", "schools")] == (1, {"cases": 1})
    assert got[("network.cascade_depth", "teacher")] == (3, {})
    assert got[("network.cascade_depth", "school")] == (2, {})


def test_a_term_counts_the_mentorships_active_in_it(region):
    h, _, _ = region
    # 2026/27-T1 (2026-09-01..2027-01-31): B → C, C → D, B → G.
    got = compute(h, "2026/27-T1")
    assert got[("network.size", "teacher")] == (4, {"edges": 3, "mentorships": 3})
    assert got[("network.components", "teacher")] == (1, {"largest": 4})
    assert got[("network.density", "teacher")][0] == 0.25
    assert got[("network.cross_school", None)] == (pytest.approx(2 / 3), {"mentorships": 3, "cross": 2, "unknown": 0})
    # B's R1 mentorship ended before the term: only C multiplies in it.
    assert got[("network.multiplication", "people")] == (1, {"cases": 1})
    assert got[("network.cascade_depth", "teacher")] == (2, {})
    assert got[("network.multiplication", "schools")] == (1, {"cases": 1})


def test_a_month_and_a_cumulative_window_to_a_day(region):
    h, _, _ = region
    # 2026-03: A → E (ends in June), B → C, X → Y (ends 03-31, inclusive).
    got = compute(h, "2026-03")
    assert got[("network.size", "teacher")][0] == 6
    assert got[("network.components", "teacher")] == (3, {"largest": 2})
    assert got[("network.density", "teacher")][0] == pytest.approx(3 / 30)
    assert got[("network.multiplication", "people")] == (0, {"cases": 0})
    assert got[("network.cascade_depth", "teacher")][0] == 1
    # Up to 2026-01-31, ended mentorships count: A → B, A → E, E → F, all in R1.
    got = compute(h, "cumulative:2026-01-31")
    assert got[("network.size", "teacher")] == (4, {"edges": 3, "mentorships": 3})
    assert got[("network.components", "teacher")] == (1, {"largest": 4})
    assert got[("network.cascade_depth", "teacher")][0] == 1
    assert got[("network.size", "school")][0] == 2 and got[("network.cascade_depth", "school")][0] == 1
    # Before any mentorship: empty networks, density and cross-school undefined.
    got = compute(h, "cumulative:2025-01-01")
    assert got[("network.size", "teacher")] == (0, {"edges": 0, "mentorships": 0})
    assert got[("network.components", "teacher")] == (0, {"largest": 0})
    assert got[("network.density", "teacher")][0] is None
    assert got[("network.cross_school", None)][0] is None
    assert got[("network.cascade_depth", "school")][0] == 0


def test_the_consortium_joins_every_hub(region):
    h, _, _ = region
    got = compute(h, hub=None)
    assert got[("network.size", "teacher")] == (11, {"edges": 8, "mentorships": 8})
    assert got[("network.components", "teacher")] == (3, {"largest": 7})
    assert got[("network.cascade_depth", "teacher")][0] == 3
    assert got[("network.cross_school", None)][1] == {"mentorships": 8, "cross": 3, "unknown": 1}
    assert h.call("indicator.compute", {"names": ["network.size"]})["indicators"][0]["level"] == "consortium"
    got = compute(h, hub="K")
    assert got[("network.size", "teacher")] == (2, {"edges": 1, "mentorships": 1})
    assert got[("network.size", "school")] == (0, {"edges": 0, "mentorships": 0})


def test_round_order_is_by_start_date_then_id(tmp_path):
    # R3 moved before R1: B → G and C → D come first, so the cascade is
    # A → B → C (R1, R2) and C mentors in no later round.
    with opened(str(tmp_path / "r3.db"), lambda c: c.execute("UPDATE rounds SET start_date = '2025-01-01' WHERE code = 'R3'")) as (h, _, _):
        got = compute(h)
        assert got[("network.cascade_depth", "teacher")][0] == 2
        assert got[("network.multiplication", "people")] == (1, {"cases": 1})  # B: R1 → R2
        assert [r["code"] for r in h.call("network.graph", {"hub": "H"})["rounds"]] == ["R3", "R1", "R2"]
    # The same start date: the round with the smaller id comes first; a round without one comes before every other.
    with opened(str(tmp_path / "same.db"), lambda c: c.execute("UPDATE rounds SET start_date = '2025-09-01'")) as (h, _, _):
        assert compute(h)[("network.cascade_depth", "teacher")][0] == 3
    with opened(str(tmp_path / "none.db"), lambda c: c.execute("UPDATE rounds SET start_date = NULL WHERE code = 'R3'")) as (h, _, _):
        assert [r["code"] for r in h.call("network.graph", {"hub": "H"})["rounds"]] == ["R3", "R1", "R2"]
        assert compute(h)[("network.cascade_depth", "teacher")][0] == 2


def test_graph_nodes_edges_and_generations(region):
    h, _, _ = region
    h.call("activity.log", {"hub": "H", "kind": "session", "date": "2026-03-02", "minutes": 90, "participants": [{"mentorship": 4}]})
    h.call("activity.log", {"hub": "H", "kind": "session", "date": "2026-10-01", "minutes": 30, "participants": [{"mentorship": 4}]})
    h.call("activity.log", {"hub": "H", "kind": "observation", "date": "2026-09-20", "minutes": 60,
                            "participants": [{"mentorship": 6}, {"person": "C"}]})
    voided = h.call("activity.log", {"hub": "H", "kind": "session", "date": "2026-09-21", "minutes": 500, "participants": [{"mentorship": 6}]})
    h.call("activity.void", {"id": voided["id"], "reason": "twice"})
    g = h.call("network.graph", {"hub": "H"})
    assert g["scope"] == {"hub": "H"} and g["level"] == "teacher" and g["window"] == "cumulative"
    assert [(r["code"], r["order"]) for r in g["rounds"]] == [("R1", 1), ("R2", 2), ("R3", 3)]
    nodes = {n["code"]: n for n in g["nodes"]}
    assert [n["code"] for n in g["nodes"]] == sorted(PEOPLE)
    assert {c: n["generation"] for c, n in nodes.items()} == {
        "A": 0, "B": 1, "C": 2, "D": 3, "E": 1, "F": 1, "G": 2, "X": 0, "Y": 1}
    assert nodes["B"] == {"code": "B", "name": "Teacher B", "school": "S1", "first_mentee_round": "R1",
                          "first_mentor_round": "R2", "generation": 1}
    assert nodes["G"]["school"] == "S4" and nodes["F"]["school"] is None  # G's school today; F has none
    assert nodes["A"]["first_mentee_round"] is None and nodes["E"]["first_mentor_round"] == "R1"
    edges = g["edges"]
    assert [e["id"] for e in edges] == [1, 2, 3, 4, 5, 6, 7]  # by round, then id
    e4 = edges[3]
    assert e4 == {"id": 4, "hub": "H", "mentor": "B", "mentee": "C", "round": "R2", "round_order": 2,
                  "start": "2026-02-10", "end": None, "hours": 2.0}
    assert edges[5]["hours"] == 1.0 and edges[0]["hours"] == 0.0 and edges[0]["end"] == "2026-01-31"
    assert g["summary"] == {"nodes": 9, "edges": 7, "mentorships": 7, "components": 2, "largest": 7,
                            "density": pytest.approx(7 / 72), "depth": 3, "multipliers": 2}
    # Hours count in the window only.
    term = h.call("network.graph", {"hub": "H", "window": "2026/27-T1"})
    assert {e["id"]: e["hours"] for e in term["edges"]} == {4: 0.5, 6: 1.0, 7: 0.0}
    assert [r["code"] for r in term["rounds"]] == ["R2", "R3"] and term["rounds"][0]["order"] == 2
    assert {n["code"]: n["generation"] for n in term["nodes"]} == {"B": 0, "C": 1, "D": 2, "G": 1}


def test_graph_of_schools_and_of_the_consortium(region):
    h, _, _ = region
    g = h.network.graph(hub="H", level="school")  # the namespace form of h.call
    assert [(e["mentor"], e["mentee"], e["round"]) for e in g["edges"]] == [("S1", "S2", "R1"), ("S2", "S3", "R2"), ("S4", "S1", "R2")]
    assert {n["code"]: n["generation"] for n in g["nodes"]} == {"S1": 1, "S2": 1, "S3": 2, "S4": 0}
    assert all("school" not in n for n in g["nodes"])
    assert g["summary"]["depth"] == 2 and g["summary"]["multipliers"] == 1
    c = h.call("network.graph", {})
    assert c["scope"] == {"consortium": True}
    # Q1 (2026-01-15) falls between R1 and R2 in the consortium's order.
    assert [(r["code"], r["order"]) for r in c["rounds"]] == [("R1", 1), ("Q1", 2), ("R2", 3), ("R3", 4)]
    assert next(e for e in c["edges"] if e["id"] == 11) ["hub"] == "K"
    assert c["summary"]["nodes"] == 11 and c["summary"]["components"] == 3


def test_graph_refuses_bad_parameters(region):
    h, _, _ = region
    with pytest.raises(ihub.NotFoundError, match=r"params\.hub: no hub with code 'NOPE'"):
        h.call("network.graph", {"hub": "NOPE"})
    with pytest.raises(ihub.InvalidError, match=r"params\.level"):
        h.call("network.graph", {"hub": "H", "level": "class"})
    with pytest.raises(ihub.InvalidError, match=r"params\.window: \"2026-13\" is not a window"):
        h.call("network.graph", {"hub": "H", "window": "2026-13"})


def test_lua_reaches_the_graph_and_the_indicators(region):
    h, _, _ = region
    got = h.eval("""
        local g = ihub.network.graph{hub = "H", level = "school"}
        local r = ihub.indicator.compute{hub = "H", names = {"network.cascade_depth"}}
        return g.summary.depth, #g.edges, r.indicators[1].rows[1].part, r.indicators[1].rows[1].value
    """)
    assert got == (2, 3, "teacher", 3)


def cli():
    path = os.path.join(os.path.dirname(os.environ.get("IHUB_LIBRARY", "")), "ihub-cli")
    if not os.path.exists(path):
        pytest.skip("ihub-cli is not beside IHUB_LIBRARY")
    return path


def test_cli_network(region):
    h, db, options = region

    def run(*args):
        done = subprocess.run([cli(), "network", *args, "--db", db, *options], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout

    out = run("--hub", "H")
    assert out.splitlines()[0] == ("teacher network of hub H, window cumulative: 9 nodes, 7 edges (7 mentorships), "
                                   "2 components (largest 7), density 0.097, cascade depth 3, 2 mentored then mentoring")
    assert "round 3: R3 Round R3 from 2026-09-01" in out and "B → C" in out and "generation 3" in out
    out = run("--level", "school", "--window", "2026/27-T1", "--json")
    assert json.loads(out)["summary"]["nodes"] == 4
    failed = subprocess.run([cli(), "network", "--hub", "NOPE", "--db", db, *options], capture_output=True, text=True, timeout=60)
    assert failed.returncode != 0 and "params.hub: no hub with code 'NOPE'" in failed.stderr
