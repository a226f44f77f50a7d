"""The activity log through ihub_call, Lua and the CLI: logging with codes
checked against the hub, hours over date ranges (boundaries inclusive,
voided activities never counted, schools through memberships and
mentorships counted once), statements of hours as CSV and escaped HTML,
and bulk imports that are all or nothing and idempotent by uuid."""
import csv
import io
import json
import os
import subprocess

import pytest

import ihub

POLICY = """
function eligible(r) return r.code:sub(1, 1) == "M" and "mentor" or "mentee" end
function exclude() return nil end
criteria.fit = function(a, b) return 1 end
weights.school = { fit = 1 }
weights.teacher = { fit = 1 }
"""


def uid(n):
    return "00000000-0000-4000-8000-%012d" % n


@pytest.fixture
def h():
    """Hub H: schools M1 (mentor) and E1, a confirmed school pair E1 <- M1
    and a teacher pair ET <- MT (mentorships 1 and 2, by confirmation
    order); T1 moves from M1 to E1 on 2026-03-01. Hub G is another hub."""
    with ihub.open() as handle:
        handle.call("hub.add", {"code": "H", "name": "Hub", "country": "EE"})
        handle.call("hub.add", {"code": "G", "name": "Other", "country": "FI"})
        handle.call("round.add", {"hub": "H", "code": "R1", "name": "round 1"})
        for code in ["M1", "E1"]:
            handle.call("school.add", {"hub": "H", "code": code, "name": "School " + code})
        handle.call("school.add", {"hub": "G", "code": "GS", "name": "G school"})
        handle.call("person.add", {"hub": "H", "code": "MT", "name": "Mentor Teacher", "schools": ["M1"], "roles": ["teacher"]})
        handle.call("person.add", {"hub": "H", "code": "ET", "name": "Mentee Teacher", "schools": ["E1"], "roles": ["teacher"]})
        handle.call("person.add", {"hub": "H", "code": "T1", "name": "Mover <script>alert(1)</script>", "memberships": [
            {"school": "M1", "start": "2026-01-01", "end": "2026-02-28"}, {"school": "E1", "start": "2026-03-01"}]})
        handle.call("person.add", {"hub": "H", "code": "T3", "name": "No School"})
        handle.call("person.add", {"hub": "G", "code": "GP", "name": "G person"})
        handle.call("script.set", {"hub": "H", "name": "pairing", "source": POLICY})
        run = handle.call("pairing.propose", {"hub": "H", "round": "R1"})
        handle.call("pairing.confirm", {"run": run["run"]})
        run = handle.call("pairing.propose", {"hub": "H", "round": "R1", "level": "teacher",
                                              "pins": [{"mentee": "ET", "mentor": "MT"}]})
        handle.call("pairing.confirm", {"run": run["run"]})
        ms = handle.call("pairing.mentorships", {"hub": "H"})
        assert [(m["id"], m["level"], m["mentee"], m["mentor"]) for m in ms] == [(1, "school", "E1", "M1"), (2, "teacher", "ET", "MT")]
        yield handle


def log(h, date, minutes, participants, kind="session", **more):
    return h.call("activity.log", {"hub": "H", "kind": kind, "date": date, "minutes": minutes,
                                   "participants": participants, **more})


@pytest.fixture
def logged(h):
    """Five activities around March 2026 (one voided)."""
    a1 = log(h, "2026-02-28", 60, [{"person": "T1", "role": "mentor"}, {"person": "ET", "role": "mentee"}])
    a2 = log(h, "2026-03-01", 30, [{"mentorship": 1}, {"person": "T1", "role": "facilitator"}], kind="workshop")
    a3 = log(h, "2026-03-31", 45, [{"school": "E1"}, {"person": "ET"}, {"mentorship": 2}], kind="observation")
    a4 = log(h, "2026-04-01", 120, [{"person": "T3"}])
    a5 = log(h, "2026-03-15", 600, [{"person": "T1"}, {"school": "M1"}])
    h.call("activity.void", {"id": a5["id"], "reason": "logged twice"})
    return h, [a1, a2, a3, a4, a5]


def rows(result, key="code"):
    return {r[key]: (r["minutes"], r["activities"]) for r in result["rows"]}


def test_log_returns_the_stored_activity_and_get_finds_it(h):
    a = log(h, "2026-03-02", 90, [{"person": "MT", "role": "mentor"}, {"person": "ET", "role": "mentee"}],
            notes="first visit", by="MT", uuid="0D4C8F6E-3B1A-4E8F-9C2D-5A6B7C8D9E0F")
    assert a["uuid"] == "0d4c8f6e-3b1a-4e8f-9c2d-5a6b7c8d9e0f"
    assert a["participants"] == [{"person": "MT", "role": "mentor"}, {"person": "ET", "role": "mentee"}]
    assert a["by"] == "MT" and a["notes"] == "first visit" and a["voided_at"] is None
    assert h.call("activity.get", {"uuid": a["uuid"]}) == a == h.call("activity.get", {"id": a["id"]})
    # The same again is the same activity; another under its uuid is a conflict.
    again = log(h, "2026-03-02", 90, [{"person": "ET", "role": "mentee"}, {"person": "MT", "role": "mentor"}],
                notes="first visit", by="MT", uuid=a["uuid"])
    assert again["id"] == a["id"]
    with pytest.raises(ihub.ConflictError, match="minutes"):
        log(h, "2026-03-02", 95, [{"person": "MT"}], uuid=a["uuid"])
    fresh = log(h, "2026-03-02", 10, [{"school": "M1"}])
    assert len(fresh["uuid"]) == 36 and fresh["uuid"] == fresh["uuid"].lower() and fresh["uuid"][14] == "4"


@pytest.mark.parametrize("participants,error,text", [
    ([{"person": "MT"}, {"person": "XX"}], ihub.NotFoundError, r"params\.participants\[1\]\.person: no person with code 'XX'"),
    ([{"person": "GP"}], ihub.InvalidError, r"params\.participants\[0\]\.person: person 'GP' is not of hub 'H'"),
    ([{"school": "GS"}], ihub.InvalidError, r"params\.participants\[0\]\.school: school 'GS' is not of hub 'H'"),
    ([{"mentorship": 99}], ihub.NotFoundError, r"params\.participants\[0\]\.mentorship: no mentorship with id 99"),
    ([{"person": "MT", "school": "M1"}], ihub.InvalidError, r"params\.participants\[0\]: give one of"),
    ([{"person": "MT"}, {"person": "MT"}], ihub.InvalidError, r"params\.participants\[1\]\.person: listed twice"),
    ([], ihub.InvalidError, r"params\.participants: at least one"),
])
def test_log_refuses_bad_participants_and_stores_nothing(h, participants, error, text):
    with pytest.raises(error, match=text):
        log(h, "2026-03-02", 90, participants)
    assert h.call("activity.list", {"hub": "H", "voided": True}) == []


def test_log_refuses_unknown_references(h):
    with pytest.raises(ihub.NotFoundError, match=r"params\.method: no toolbox method with code 'nope'"):
        log(h, "2026-03-02", 90, [{"person": "MT"}], method="nope")
    with pytest.raises(ihub.NotFoundError, match=r"params\.by: no person with code 'ZZ'"):
        log(h, "2026-03-02", 90, [{"person": "MT"}], by="ZZ")
    with pytest.raises(ihub.NotFoundError, match=r"params\.instance: no process instance with id 5"):
        log(h, "2026-03-02", 90, [{"person": "MT"}], instance=5)
    with pytest.raises(ihub.InvalidError, match=r"params\.minutes"):
        log(h, "2026-03-02", -5, [{"person": "MT"}])
    with pytest.raises(ihub.InvalidError, match=r"params\.uuid: expected a UUID"):
        log(h, "2026-03-02", 5, [{"person": "MT"}], uuid="not-a-uuid")


def test_methods_and_process_instances_are_the_hubs(h):
    built_in = log(h, "2026-03-02", 60, [{"school": "E1"}], method="collegial")
    assert built_in["method"] == "collegial"
    h.call("toolbox.add", {"hub": "H", "code": "walk", "name": "Walk and talk", "description": "x", "level": "intra_school"})
    h.call("toolbox.add", {"hub": "G", "code": "fika", "name": "Fika", "description": "x", "level": "intra_school"})
    own = log(h, "2026-03-03", 60, [{"school": "E1"}], method="walk")
    with pytest.raises(ihub.NotFoundError, match=r"params\.method: no toolbox method with code 'fika'"):
        log(h, "2026-03-03", 60, [{"school": "E1"}], method="fika")
    s = h.call("activity.statement", {"hub": "H", "school": "E1", "from": "2026-03-01", "to": "2026-03-31", "format": "csv"})
    methods = [row[2] for row in csv.reader(io.StringIO(s["csv"]))][1:3]
    assert methods == ["Collegial method", "Walk and talk"]
    assert own["id"] != built_in["id"]
    instance = h.call("process.start", {"school": "E1", "at": "initiative"})
    a = log(h, "2026-03-04", 30, [{"school": "E1"}], instance=instance["id"])
    assert (a["instance"], a["step"]) == (instance["id"], None)
    b = log(h, "2026-03-05", 30, [{"school": "E1"}], instance=instance["id"], step="reflection")
    assert b["step"] == "reflection"
    assert [x["id"] for x in h.call("activity.list", {"hub": "H", "instance": instance["id"]})] == [a["id"], b["id"]]
    h.call("school.add", {"hub": "G", "code": "GS2", "name": "G school 2"})
    other = h.call("process.start", {"school": "GS2", "at": "initiative"})
    with pytest.raises(ihub.InvalidError, match=r"params\.instance: process instance \d+ is not of hub 'H'"):
        log(h, "2026-03-05", 30, [{"school": "E1"}], instance=other["id"])


def test_hours_per_person_over_a_range(logged):
    h, _ = logged
    r = h.call("activity.hours", {"hub": "H", "by": "person", "from": "2026-02-28", "to": "2026-03-31"})
    # T1: a1 + a2 (a5 is voided); ET: a1, a3, and a3 again through mentorship 2 (counted once);
    # MT: a3 through mentorship 2; T3's a4 is the day after the range.
    assert rows(r) == {"ET": (105, 2), "T1": (90, 2), "MT": (45, 1)}
    assert [x["code"] for x in r["rows"]] == ["ET", "T1", "MT"]
    assert r["rows"][0]["hours"] == 1.75 and r["rows"][0]["name"] == "Mentee Teacher"
    assert r["totals"] == {"activities": 3, "minutes": 135, "hours": 2.25}
    one_day = h.call("activity.hours", {"hub": "H", "by": "person", "from": "2026-03-31", "to": "2026-03-31"})
    assert rows(one_day) == {"ET": (45, 1), "MT": (45, 1)}
    everything = h.call("activity.hours", {"hub": "H", "by": "person"})
    assert rows(everything)["T3"] == (120, 1) and rows(everything)["T1"] == (90, 2)
    workshops = h.call("activity.hours", {"hub": "H", "by": "person", "kind": "workshop"})
    assert rows(workshops) == {"T1": (30, 1)}


def test_hours_per_school_through_memberships_and_mentorships_once(logged):
    h, _ = logged
    r = h.call("activity.hours", {"hub": "H", "by": "school", "from": "2026-02-28", "to": "2026-03-31"})
    # M1: a1 (T1 was a member on 02-28), a2 (mentorship 1), a3 (MT of mentorship 2);
    # E1: a1 (ET), a2 (mentorship 1 and T1, a member from 03-01: once), a3 (listed, ET, mentorship 2: once).
    assert rows(r) == {"E1": (135, 3), "M1": (135, 3)}
    march = h.call("activity.hours", {"hub": "H", "by": "school", "from": "2026-03-01", "to": "2026-03-30"})
    assert rows(march) == {"E1": (30, 1), "M1": (30, 1)}
    # T1 on 02-28 was of M1 only.
    feb = h.call("activity.hours", {"hub": "H", "by": "school", "to": "2026-02-28"})
    assert rows(feb) == {"M1": (60, 1), "E1": (60, 1)}
    ms = h.call("activity.hours", {"hub": "H", "by": "mentorship"})
    assert {r["id"]: r["minutes"] for r in ms["rows"]} == {1: 30, 2: 45}
    assert ms["rows"][0]["name"] == "MT → ET"


def test_voided_activities_never_count_and_list_only_on_request(logged):
    h, acts = logged
    listed = h.call("activity.list", {"hub": "H"})
    assert [a["date"] for a in listed] == ["2026-02-28", "2026-03-01", "2026-03-31", "2026-04-01"]
    with_void = h.call("activity.list", {"hub": "H", "voided": True})
    voided = [a for a in with_void if a["voided_at"]]
    assert [a["void_reason"] for a in voided] == ["logged twice"]
    assert [a["date"] for a in h.call("activity.list", {"hub": "H", "school": "M1"})] == ["2026-02-28", "2026-03-01", "2026-03-31"]
    assert [a["date"] for a in h.call("activity.list", {"hub": "H", "person": "ET", "limit": 1, "offset": 1})] == ["2026-03-31"]
    assert [a["date"] for a in h.call("activity.list", {"hub": "H", "mentorship": 2})] == ["2026-03-31"]
    with pytest.raises(ihub.NotFoundError, match=r"params\.uuid"):
        h.call("activity.void", {"uuid": uid(9)})


def test_statement_csv_lists_each_activity_and_a_total(logged):
    h, _ = logged
    s = h.call("activity.statement", {"hub": "H", "person": "T1", "from": "2026-01-01", "to": "2026-12-31", "format": "csv"})
    assert s["activities"] == 2 and s["minutes"] == 90 and s["hours"] == 1.5
    assert s["csv"].split("\r\n") == [
        "date,kind,method,minutes,hours,took part as",
        "2026-02-28,session,,60,1,mentor",
        "2026-03-01,workshop,,30,0.5,facilitator",
        "total,,,90,1.5,2 activities", ""]
    school = h.call("activity.statement", {"hub": "H", "school": "E1", "from": "2026-03-01", "to": "2026-03-31", "format": "csv"})
    table = list(csv.reader(io.StringIO(school["csv"])))
    assert table[1] == ["2026-03-01", "workshop", "", "30", "0.5", "mentee school (mentorship 1); T1 (facilitator)"]
    assert table[2] == ["2026-03-31", "observation", "", "45", "0.75",
                        "the school (participant); ET (participant); ET (mentee, mentorship 2)"]
    assert table[3] == ["total", "", "", "75", "1.25", "2 activities"]


@pytest.mark.parametrize("who", [{"person": None}, {"school": None}, {"person": None, "school": None}, {}])
def test_statement_without_a_person_or_school_is_refused(h, who):
    # A null is an absent parameter: refused with the message, not a crash.
    with pytest.raises(ihub.InvalidError, match="give the person or the school"):
        h.call("activity.statement", {"hub": "H", "from": "2026-01-01", "to": "2026-12-31", "format": "csv", **who})
    s = h.call("activity.statement", {"hub": "H", "person": "T1", "school": None, "from": "2026-01-01", "to": "2026-12-31",
                                      "format": "csv"})
    assert s["person"] == "T1" and s["activities"] == 0


def test_statement_html_is_self_contained_and_escaped(logged, tmp_path):
    h, _ = logged
    s = h.call("activity.statement", {"hub": "H", "person": "T1", "from": "2026-01-01", "to": "2026-12-31", "format": "html"})
    page = s["html"]
    assert page.startswith("<!DOCTYPE html>") and "Statement of mentoring hours" in page
    assert "<script" not in page.lower() and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    for external in ["http:", "https:", "src=", "<link", "@import", "url("]:
        assert external not in page
    assert "1.50 hours" in page and "2026-01-01 – 2026-12-31" in page and "Signature" in page and "Issued" in page
    out = tmp_path / "t1.html"
    written = h.call("activity.statement", {"hub": "H", "person": "T1", "from": "2026-01-01", "to": "2026-12-31",
                                            "format": "html", "path": str(out)})
    assert written["bytes"] == len(out.read_bytes()) and out.read_text().count("<tr>") == 4
    with pytest.raises(ihub.ConflictError):
        h.call("activity.statement", {"hub": "H", "person": "T1", "from": "2026-01-01", "to": "2026-12-31",
                                      "format": "html", "path": str(out)})
    # Lua may not write files.
    with pytest.raises(ihub.Error):
        h.eval('return ihub.activity.statement{hub = "H", person = "T1", from = "2026-01-01", to = "2026-12-31", '
               'format = "csv", path = "%s"}' % (tmp_path / "lua.csv"))


def ndjson(records):
    return "\n".join(json.dumps(r) for r in records) + "\n"


def records(n, start=0):
    return [{"uuid": uid(start + i), "kind": "session", "date": "2026-05-%02d" % (1 + i % 28), "minutes": 15,
             "participants": [{"person": "MT", "role": "mentor"}, {"person": "ET", "role": "mentee"}]} for i in range(n)]


def test_ndjson_import_in_batches_and_again_is_unchanged(h):
    text = ndjson(records(1500))
    r = h.call("activity.import", {"hub": "H", "text": text})
    assert (r["format"], r["records"], r["inserted"], r["unchanged"]) == ("ndjson", 1500, 1500, 0)
    again = h.call("activity.import", {"hub": "H", "text": text})
    assert (again["inserted"], again["unchanged"]) == (0, 1500)
    assert h.call("activity.hours", {"hub": "H", "by": "person"})["totals"]["minutes"] == 1500 * 15


def test_a_bad_line_in_the_middle_imports_nothing(h, tmp_path):
    good = records(1200)
    lines = ndjson(good).splitlines()
    lines.insert(700, '{"kind": "session", "date": ')
    bad_ref = dict(good[0], uuid=uid(5000), participants=[{"person": "NOPE"}])
    lines.insert(900, json.dumps(bad_ref))
    path = tmp_path / "batch.ndjson"
    path.write_text("\n".join(lines) + "\n")
    problems = tmp_path / "problems.csv"
    with pytest.raises(ihub.InvalidError, match=r"2 problems: line 701: malformed JSON.*line 901 \(participants\[0\]\.person\): no person with code 'NOPE'"):
        h.call("activity.import", {"hub": "H", "path": str(path), "problems_out": str(problems)})
    assert h.call("activity.list", {"hub": "H"}) == []
    assert problems.read_text().splitlines()[1].startswith("701,,,malformed JSON")


def test_a_conflicting_uuid_rejects_the_file(h):
    h.call("activity.import", {"hub": "H", "text": ndjson(records(3))})
    changed = records(3)
    changed[2]["minutes"] = 20
    with pytest.raises(ihub.ConflictError, match=r"line 3 \(uuid\): activity .* exists with another minutes"):
        h.call("activity.import", {"hub": "H", "text": ndjson(changed)})
    twice = records(1, start=20) + [dict(records(1, start=20)[0], date="2026-06-01")]
    with pytest.raises(ihub.ConflictError, match=r"line 2 \(uuid\)"):
        h.call("activity.import", {"hub": "H", "text": ndjson(twice)})
    assert len(h.call("activity.list", {"hub": "H"})) == 3


def test_a_line_over_the_limit_is_refused(h, tmp_path):
    path = tmp_path / "long.ndjson"
    with open(path, "w") as f:
        f.write(ndjson(records(2)))
        f.write('{"notes": "' + "x" * (5 << 20) + '"}\n')
        f.write(ndjson(records(2, start=2)))
    with pytest.raises(ihub.LimitError, match=r"line 3: the line is over the limit"):
        h.call("activity.import", {"hub": "H", "path": str(path)})
    assert h.call("activity.list", {"hub": "H"}) == []


def test_csv_import_names_line_column_and_field(h):
    text = ("uuid,date,kind,minutes,method,participants,notes\n"
            f"{uid(1)},2026-05-01,session,45,,person:MT:mentor;person:ET:mentee;mentorship:2,\"a, b\"\n"
            f"{uid(2)},2026-05-02,workshop,30,,school:E1;school:M1:facilitator,\n")
    r = h.call("activity.import", {"hub": "H", "text": text})
    assert (r["format"], r["inserted"]) == ("csv", 2)
    a = h.call("activity.get", {"uuid": uid(1)})
    assert a["participants"] == [{"person": "MT", "role": "mentor"}, {"person": "ET", "role": "mentee"},
                                 {"mentorship": 2, "role": "participant"}] and a["notes"] == "a, b"
    bad = ("date,kind,minutes,participants\n"
           "2026-05-03,session,x,person:MT\n"
           "2026-05-04,session,10,person:ZZ\n"
           "2026-05-05,chat,10,person:MT\n"
           "2026-05-06,session,10,robot:R2\n")
    with pytest.raises(ihub.InvalidError) as e:
        h.call("activity.import", {"hub": "H", "text": bad})
    message = str(e.value)
    assert "4 problems" in message
    assert "line 2, column 3 (minutes): expected an integer" in message
    assert "line 3, column 4 (participants[0].person): no person with code 'ZZ'" in message
    assert "line 4, column 2 (kind)" in message and "line 5, column 4 (participants)" in message
    assert len(h.call("activity.list", {"hub": "H"})) == 2


def test_lua_logs_and_counts(h):
    got = h.eval("""
        local a = ihub.activity.log{hub = "H", kind = "reflection", date = "2026-06-01", minutes = 50,
                                    participants = {{person = "MT", role = "mentor"}, {school = "E1"}}}
        local hours = ihub.activity.hours{hub = "H", by = "school"}
        return a.kind, #a.participants, hours.totals.minutes, hours.rows[1].code
    """)
    assert got == ("reflection", 2, 50, "E1")


def cli():
    path = os.path.join(os.path.dirname(os.environ.get("IHUB_LIBRARY", "")), "ihub-cli")
    if not os.path.exists(path):
        pytest.skip("ihub-cli is not beside IHUB_LIBRARY")
    return path


def test_cli_log_add_list_hours_statement_import(tmp_path):
    db = str(tmp_path / "hub.db")
    with ihub.open(db) as h:
        h.call("hub.add", {"code": "H", "name": "Hub", "country": "EE"})
        h.call("school.add", {"hub": "H", "code": "S1", "name": "School One"})
        for code in ["T1", "T2"]:
            h.call("person.add", {"hub": "H", "code": code, "name": "Teacher " + code, "schools": ["S1"]})

    def run(*args):
        done = subprocess.run([cli(), "log", *args, "--db", db], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout

    out = run("add", "--hub", "H", "--kind", "session", "--date", "2026-03-02", "--minutes", "90",
              "--person", "T1:mentor", "--person", "T2:mentee", "--notes", "kick-off")
    assert "T1:mentor T2:mentee" in out and "90" in out
    assert "2026-03-02" in run("list", "--hub", "H", "--from", "2026-03-01", "--to", "2026-03-31")
    hours = run("hours", "--hub", "H", "--by", "school")
    assert "S1" in hours and "1.5" in hours
    page = tmp_path / "t1.html"
    run("statement", "--hub", "H", "--person", "T1", "--from", "2026-01-01", "--to", "2026-12-31", "--format", "html", "--out", str(page))
    assert "Teacher T1" in page.read_text()
    csv = tmp_path / "more.csv"
    csv.write_text("date,kind,minutes,participants\n2026-04-01,workshop,30,person:T2\n")
    assert "1 imported" in run("import", str(csv), "--hub", "H")
    failed = subprocess.run([cli(), "log", "add", "--hub", "H", "--kind", "session", "--date", "2026-03-02", "--minutes", "5",
                             "--person", "NOPE", "--db", db], capture_output=True, text=True, timeout=60)
    assert failed.returncode != 0 and "params.participants[0].person: no person with code 'NOPE'" in failed.stderr
    with ihub.open(db) as h:
        assert h.call("activity.hours", {"hub": "H", "by": "person"})["totals"]["minutes"] == 120


def test_cli_demo_takes_its_confirmed_pairs_through_the_process(tmp_path):
    db = str(tmp_path / "demo.db")
    done = subprocess.run([cli(), "demo", db], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    with ihub.open(db) as kept:
        # Each activity names the step it marks, the step its instance was moved to.
        activities = kept.call("activity.list", {"hub": "LT-CTA"})
        assert activities and all(a["instance"] is not None and a["step"] is not None for a in activities)
        first = activities[0]["instance"]
        moved = [t["to"] for t in kept.call("process.history", {"id": first})]
        assert [a["step"] for a in activities if a["instance"] == first] == moved
    tail = done.stdout.split("The mentoring process of LT-CTA's school pairs")[1]
    assert "reflection → initiative (cycle 2)" in tail and "confirmed by LT-CTA-P" in tail and "1 goal, 1 task, active" in tail
    hours = tail.split("Mentoring hours of LT-CTA")[1]
    assert "by school LT-CTA-S" in hours and "by person LT-CTA-P" in hours and "ihub log statement" in hours
