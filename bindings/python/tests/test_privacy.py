"""Privacy through ihub_call, Lua and the CLI: person.erase takes a person's
personal data out (row, free text, pairing records, xAPI statements) and
leaves every anonymous aggregate as it was; pseudonymous exports name people
by "p-" + 16 hex of HMAC-SHA256 under the database's key, checked here with
hashlib/hmac; the key never leaves the database."""
import csv
import hashlib
import hmac
import io
import json
import os
import sqlite3
import subprocess
import uuid

import pytest

import ihub

TEST_POSTGRES = os.environ.get("IHUB_TEST_POSTGRES")

POLICY = """
function eligible(r) return r.code:sub(1, 1) == "M" and "mentor" or "mentee" end
function exclude() return nil end
criteria.fit = function(a, b) return 1 end
weights.school = { fit = 1 }
weights.teacher = { fit = 1 }
"""

JANE = {"code": "T1", "name": "Jane Doe", "email": "Jane.Doe@example.org"}


def statement(n, actor, **more):
    return {"id": "00000000-0000-4000-8000-%012d" % n, "actor": actor,
            "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
            "object": {"id": "http://lms.example.org/course/%d" % n}, "timestamp": "2026-03-0%dT10:00:00Z" % n, **more}


def populate(h):
    """Hub H: schools M1 and E1; mentor MT (M1) paired with Jane (T1, E1) at
    teacher level; T2, T3 in E1; activities whose notes name Jane; a plan of
    hers and one of E1's; five selfie answers from E1 (one respondent "T1");
    three stored xAPI statements, two naming Jane, one someone else."""
    h.call("hub.add", {"code": "H", "name": "Hub", "country": "EE", "min_group_size": 2, "home_page": "https://hub.example.ee"})
    h.call("round.add", {"hub": "H", "code": "R1", "name": "round 1", "start": "2026-01-01"})
    for code in ["M1", "E1"]:
        h.call("school.add", {"hub": "H", "code": code, "name": "School " + code})
    h.call("person.add", {"hub": "H", "code": "MT", "name": "Mart Mentor", "schools": ["M1"], "roles": ["teacher", "mentor"]})
    h.call("person.add", {"hub": "H", **JANE, "subjects": ["maths"], "languages": ["et"], "roles": ["teacher"],
                          "memberships": [{"school": "E1", "start": "2025-09-01"}]})
    for code in ["T2", "T3"]:
        h.call("person.add", {"hub": "H", "code": code, "name": "Teacher " + code, "schools": ["E1"], "roles": ["teacher"]})
    h.call("script.set", {"hub": "H", "name": "pairing", "source": POLICY})
    run = h.call("pairing.propose", {"hub": "H", "round": "R1", "level": "teacher", "pins": [{"mentee": "T1", "mentor": "MT"}]})
    h.call("pairing.confirm", {"run": run["run"]})
    mentorship = [m for m in h.call("pairing.mentorships", {"hub": "H"}) if m["level"] == "teacher"][0]["id"]
    log = lambda date, minutes, participants, **more: h.call("activity.log", {
        "hub": "H", "kind": "session", "date": date, "minutes": minutes, "participants": participants, **more})
    log("2026-02-02", 90, [{"mentorship": mentorship}], notes="Jane Doe planned a quiz; T1 shares it with T2",
        outcome="mail jane.doe@example.org the slides", by="MT")
    log("2026-02-09", 45, [{"person": "T1"}, {"person": "T2"}, {"school": "E1"}], kind="workshop",
        notes="Janet Doerr ran it (not Jane)")
    log("2026-03-01", 30, [{"person": "T3"}], notes="T3 alone")
    h.call("plan.create", {"person": "T1", "title": "Jane's own growth plan"})
    h.call("plan.create", {"school": "E1", "title": "E1 plan, led by Jane Doe"})
    responses = [{"respondent": r, "school": "E1", "group": "teachers", "answers": {"T_A1": a}}
                 for r, a in [("T1", 4), ("X2", 3), ("X3", 5), ("X4", 2), ("X5", 4)]]
    item = teacher_item(h)
    for r in responses:
        r["answers"] = {item: r["answers"]["T_A1"]}
    h.call("assessment.submit", {"round": "R1", "instrument": "selfie", "responses": responses})
    sha = hashlib.sha1(("mailto:" + JANE["email"].lower()).encode()).hexdigest()
    h.call("xapi.import", {"hub": "H", "statements": [
        statement(1, {"mbox": "mailto:" + JANE["email"], "name": "Jane Doe"}),
        statement(2, {"account": {"homePage": "https://lms.example.org", "name": "T1"}},
                  context={"instructor": {"mbox_sha1sum": sha}}),
        statement(3, {"mbox": "mailto:someone@example.org", "name": "Someone Else"}),
    ]})
    return mentorship


def teacher_item(h):
    areas = h.instrument.get(code="selfie")["definition"]["areas"]
    for a in areas:
        for i in a["items"]:
            if "teachers" in i.get("groups", a.get("groups", ["teachers"])):
                return i["code"]


@pytest.fixture
def h():
    with ihub.open() as handle:
        populate(handle)
        yield handle


def aggregates(h):
    """Every anonymous figure the erasure must keep: counts, hours,
    assessment aggregates, indicator values (subjects' codes and names, the
    person codes of indicator details and plan titles aside, which the erasure
    changes by design)."""
    def strip(v):
        if isinstance(v, dict):
            out = {k: strip(x) for k, x in v.items()
                   if k not in ("subject", "subject_name", "title", "code", "name") and not k.endswith("person")}
            if "rows" in out:  # rows ordered by subject code come in another order once a code changes
                out["rows"] = sorted(out["rows"], key=repr)
            return out
        if isinstance(v, list):
            return [strip(x) for x in v]
        return v
    hours = {by: h.call("activity.hours", {"hub": "H", "by": by}) for by in ("person", "school", "mentorship")}
    return {
        "people": len(h.call("person.list", {"hub": "H"})),
        "teachers": len(h.call("person.list", {"hub": "H", "role": "teacher"})),
        "members_E1": len(h.call("person.list", {"hub": "H", "school": "E1"})),
        "hours": {by: (sorted((r["minutes"], r["activities"]) for r in v["rows"]), v.get("total")) for by, v in hours.items()},
        "activities": len(h.call("activity.list", {"hub": "H"})),
        "mentorships": [(m["level"], m["start"] if "start" in m else None) for m in h.call("pairing.mentorships", {"hub": "H"})],
        "aggregate": h.call("assessment.aggregate", {"round": "R1", "instrument": "selfie"}),
        "indicators": strip(h.call("indicator.compute", {"hub": "H"})),
        "plans": len(h.call("plan.list", {"hub": "H"})),
        "events": len(h.call("xapi.events", {"hub": "H"})["events"]),
    }


def test_erase_removes_personal_data_and_keeps_every_aggregate(h):
    before = aggregates(h)
    jane_id = h.call("person.get", {"code": "T1"})["id"]
    r = h.call("person.erase", {"code": "T1", "reason": "request 2026-17"})
    erased = r["code"]
    assert erased.startswith("erased-") and len(erased) == len("erased-") + 16
    assert r["erased"] is True and r["already_erased"] is False
    # notes, outcome, the school plan's title, respondent "T1", the pairing run's pins
    assert r["changed"] == {"plans": 1, "texts": 5, "pairing": 1, "statements": 2}
    assert aggregates(h) == before

    p = h.call("person.get", {"code": erased})
    assert (p["id"], p["name"], p["email"], p["subjects"], p["languages"]) == (jane_id, erased, None, [], [])
    assert p["erased_at"] is not None and p["roles"] == ["teacher"] and [m["school"] for m in p["memberships"]] == ["E1"]
    with pytest.raises(ihub.NotFoundError, match="^params.code: no person with code 'T1'"):
        h.call("person.get", {"code": "T1"})
    assert h.call("person.get", {"code": "T2"})["erased_at"] is None

    notes = {a["date"]: (a.get("notes"), a.get("outcome")) for a in h.call("activity.list", {"hub": "H"})}
    assert notes["2026-02-02"] == (f"{erased} planned a quiz; {erased} shares it with T2", f"mail {erased} the slides")
    assert notes["2026-02-09"] == ("Janet Doerr ran it (not Jane)", None)     # whole words only: not her
    assert notes["2026-03-01"] == ("T3 alone", None)
    titles = sorted(p["title"] for p in h.call("plan.list", {"hub": "H"}))
    assert titles == ["(erased)", f"E1 plan, led by {erased}"]
    pairs = [m for m in h.call("pairing.mentorships", {"hub": "H"}) if m["level"] == "teacher"]
    assert [(m["mentee"], m["mentor"]) for m in pairs] == [(erased, "MT")]

    events = {e["id"][-1]: e for e in h.call("xapi.events", {"hub": "H"})["events"]}
    assert events["1"]["actor"] == f"account:https://hub.example.ee|{erased}"
    assert events["1"]["statement"]["actor"] == {"account": {"homePage": "https://hub.example.ee", "name": erased}}
    assert events["2"]["actor"] == f"account:https://hub.example.ee|{erased}"
    assert events["2"]["statement"]["context"]["instructor"]["account"]["name"] == erased
    assert events["3"]["actor"] == "mbox:mailto:someone@example.org"
    everything = json.dumps(h.call("export.json", {"hub": "H"}))
    for trace in ["Jane Doe", "Jane.Doe@example.org", "jane.doe@example.org", '"T1"',
                  hashlib.sha1(b"mailto:jane.doe@example.org").hexdigest()]:
        assert trace not in everything, trace
    assert "request 2026-17" in everything    # the reason stays with the erased row


def test_erasing_twice_by_either_code_is_a_no_op(h):
    first = h.call("person.erase", {"code": "T1"})
    snapshot = h.call("export.json", {"hub": "H"})
    for code in ["T1", first["code"]]:
        again = h.call("person.erase", {"code": code})
        assert (again["code"], again["erased_at"], again["already_erased"]) == (first["code"], first["erased_at"], True)
    assert h.call("export.json", {"hub": "H"}) == snapshot
    with pytest.raises(ihub.NotFoundError, match="^params.code: no person with code 'NOPE'"):
        h.call("person.erase", {"code": "NOPE"})


def test_erase_and_pseudonymous_compute_through_lua(h):
    code = h.eval('return ihub.person.erase{code = "T2"}.code')
    assert code.startswith("erased-")
    assert h.eval(f'return ihub.person.get{{code = "{code}"}}.name') == code
    assert h.eval('return ihub.indicator.compute{hub = "H", pseudonymous = true}.pseudonymous') is True


def test_pseudonyms_survive_a_copy_of_the_database(tmp_path):
    """The key is part of the database: a copy (ihub copy, store.copy) names people as the original did."""
    with ihub.open() as h:
        h.call("hub.add", {"code": "H", "name": "Hub", "country": "EE"})
        h.call("person.add", {"hub": "H", "code": "T1", "name": "Jane Doe"})
        mine = h.call("export.csv", {"kind": "people", "pseudonymous": True})["csv"]
        there = str(tmp_path / "copy.db")
        h.call("store.copy", {"path": there})
    with ihub.open(there) as copy:
        assert copy.call("export.csv", {"kind": "people", "pseudonymous": True})["csv"] == mine
        assert copy.call("person.erase", {"code": "T1"})["code"].startswith("erased-")


def pseudonym(key_hex, code):
    return "p-" + hmac.new(bytes.fromhex(key_hex), code.encode(), hashlib.sha256).hexdigest()[:16]


def key_of(path, schema):
    """The pseudonym key, read past ihub (it is never exported)."""
    if schema is None:
        with sqlite3.connect(path) as c:
            rows = c.execute("SELECT value FROM ihub_secrets WHERE name = 'pseudonym_key'").fetchall()
    else:
        done = subprocess.run(["psql", TEST_POSTGRES, "-At", "-c",
                               f"SELECT value FROM \"{schema}\".ihub_secrets WHERE name = 'pseudonym_key'"],
                              capture_output=True, text=True, check=True)
        rows = [(line,) for line in done.stdout.split()]
    assert len(rows) == 1 and len(rows[0][0]) == 64
    return rows[0][0]


@pytest.fixture
def db(tmp_path):
    """A database whose key the test can read: a file, or a schema of the test server."""
    if TEST_POSTGRES:
        schema = "py_" + uuid.uuid4().hex[:16]
        yield (lambda: ihub.open(TEST_POSTGRES, schema=schema)), None, schema
    else:
        path = str(tmp_path / "hub.db")
        yield (lambda: ihub.open(path)), path, None


def test_pseudonyms_are_hmac_sha256_under_the_database_key_and_stable(db):
    open_, path, schema = db
    # Codes of every length around SHA-256's 55/56/64-byte block edges (HMAC adds a 64-byte block).
    codes = ["x" * n for n in range(1, 140)] + ["Jüri-Õun", "T1"]
    with open_() as h:
        h.call("hub.add", {"code": "H", "name": "Hub", "country": "EE"})
        h.call("person.add_many", {"people": [{"hub": "H", "code": c, "name": "N " + c, "email": c + "@x.org"} for c in codes]})
        out = h.call("export.csv", {"kind": "people", "hub": "H", "pseudonymous": True})["csv"]
        again = h.call("export.csv", {"kind": "people", "hub": "H", "pseudonymous": True})["csv"]
    assert out == again
    key = key_of(path, schema)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["code"] for r in rows] == [pseudonym(key, c) for c in codes]
    assert all(r["name"] == "" and r["email"] == "" for r in rows)
    with open_() as h:   # the same database later: the same key, the same pseudonyms
        later = list(csv.DictReader(io.StringIO(h.call("export.csv", {"kind": "people", "pseudonymous": True})["csv"])))
        assert [r["code"] for r in later] == [r["code"] for r in rows]
        assert "ihub_secrets" not in h.call("export.json", {})
        assert key not in json.dumps(h.call("export.json", {}))
    with ihub.open() as other:   # another database: another key
        other.call("hub.add", {"code": "H", "name": "Hub", "country": "EE"})
        other.call("person.add", {"hub": "H", "code": "T1", "name": "N"})
        theirs = list(csv.DictReader(io.StringIO(other.call("export.csv", {"kind": "people", "pseudonymous": True})["csv"])))
        assert theirs[0]["code"] != pseudonym(key, "T1")


def test_pseudonymous_exports_name_nobody(db):
    open_, path, schema = db
    with open_() as h:
        populate(h)
        xapi = h.call("xapi.export", {"hub": "H", "pseudonymous": True})["text"]
        plain = h.call("xapi.export", {"hub": "H"})["text"]
        everything = h.call("export.json", {"hub": "H", "pseudonymous": True})
        responses = h.call("export.csv", {"kind": "responses", "hub": "H", "pseudonymous": True})["csv"]
        computed = h.call("indicator.compute", {"hub": "H", "pseudonymous": True})
        graph = h.call("network.graph", {"hub": "H", "pseudonymous": True})
        schools = h.call("network.graph", {"hub": "H", "level": "school", "pseudonymous": True})
    key = key_of(path, schema)
    p = {c: pseudonym(key, c) for c in ["T1", "T2", "T3", "MT"]}
    statements = [json.loads(line) for line in xapi.splitlines()]
    assert len(statements) == 3 == len(plain.splitlines())
    first = statements[0]
    assert first["actor"]["account"]["name"] == p["MT"]       # the recorder of the mentorship's session
    ext = first["context"]["extensions"]
    assert not any(k.endswith("/notes") or k.endswith("/outcome") for k in ext)
    workshop = statements[1]
    names = {workshop["actor"]["account"]["name"]} | {a["account"]["name"] for a in workshop["context"]["team"]["member"]}
    assert names == {p["T1"], p["T2"]}
    assert "Jane" in plain and "T1" in plain
    for text in [xapi, json.dumps(everything), responses]:
        for trace in ["Jane", "jane", '"T1"', '"T2"', '"MT"', "Mart", "Teacher T"]:
            assert trace not in text, trace
    people = {r["id"]: r for r in everything["people"]}
    assert sorted(r["code"] for r in people.values()) == sorted(p.values())
    assert all(r["name"] is None and r["email"] is None for r in people.values())
    assert [r["person"] for r in everything["memberships"] if r["person"] == p["T1"]] == [p["T1"]]
    assert {(r["mentee"], r["mentor"]) for r in everything["run_pairs"]} == {(p["T1"], p["MT"])}
    assert all(a["notes"] is None and a["outcome"] is None for a in everything["activities"])
    assert everything["pseudonymous"] is True and "ihub_secrets" not in everything
    assert sorted(r["respondent"] for r in csv.DictReader(io.StringIO(responses))) == sorted(
        pseudonym(key, r) for r in ["T1", "X2", "X3", "X4", "X5"])
    assert computed["pseudonymous"] is True
    assert [(n["code"], n["name"]) for n in graph["nodes"]] == sorted([(p["MT"], None), (p["T1"], None)])
    assert [(e["mentor"], e["mentee"]) for e in graph["edges"]] == [(p["MT"], p["T1"])]
    assert schools["nodes"] == [] and schools["level"] == "school"


def test_pseudonymous_indicator_rows_rewrite_person_subjects_and_detail_keys():
    """The one place rows become JSON (Indicators.rowJSON): driven here by a
    hub-less call, so the rule holds for whatever indicators the library has."""
    with ihub.open() as h:
        populate(h)
        plain = h.call("indicator.compute", {"hub": "H"})
        pseudo = h.call("indicator.compute", {"hub": "H", "pseudonymous": True})
        assert len(plain["indicators"]) == len(pseudo["indicators"])
        for a, b in zip(plain["indicators"], pseudo["indicators"]):
            assert a["name"] == b["name"] and len(a.get("rows", [])) == len(b.get("rows", []))
            for ra, rb in zip(a.get("rows", []), b.get("rows", [])):
                assert ra["value"] == rb["value"] and ra["n"] == rb["n"]
                if a["level"] == "person" and ra["subject"] is not None:
                    assert rb["subject"].startswith("p-") and "subject_name" not in rb
                for k, v in rb.items():
                    if k.endswith("person") and isinstance(v, str):
                        assert v.startswith("p-")


def cli():
    path = os.path.join(os.path.dirname(os.environ.get("IHUB_LIBRARY", "")), "ihub-cli")
    if not os.path.exists(path):
        pytest.skip("ihub-cli is not beside IHUB_LIBRARY")
    return path


def test_cli_person_erase_and_pseudonymous_export(tmp_path):
    path = str(tmp_path / "hub.db")
    with ihub.open(path) as h:
        h.call("hub.add", {"code": "H", "name": "Hub", "country": "EE"})
        h.call("person.add", {"hub": "H", "code": "T9", "name": "Tiina Tamm", "email": "tiina@example.ee"})

    def run(*args):
        done = subprocess.run([cli(), *args, "--db", path], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout

    out = run("export", "--kind", "people", "--pseudonymous")
    assert "Tiina" not in out and pseudonym(key_of(path, None), "T9") in out
    erased = run("person", "erase", "T9", "--reason", "request 7")
    assert erased.startswith("erased: now erased-") and "0 statements" in erased
    assert run("person", "erase", "T9").startswith("already erased: erased-")
    failed = subprocess.run([cli(), "person", "erase", "NOPE", "--db", path], capture_output=True, text=True, timeout=60)
    assert failed.returncode != 0 and "params.code: no person with code 'NOPE'" in failed.stderr
    with ihub.open(path) as h:
        assert h.call("person.list", {})[0]["name"].startswith("erased-")
