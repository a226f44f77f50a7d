"""Insights through ihub_call, the admin Lua context and the CLI: a hub's
Lua rules (raised once per rule, subject and window; failures, spent
budgets and malformed insights reported, nothing stored), the feedback
kept (ack, dismiss, reopen), lists by role, status and window, and the
default rules on hand-made data where the indicators they read exist."""
import datetime
import json
import os
import subprocess
import uuid

import pytest

import ihub

POSTGRES = os.environ.get("IHUB_TEST_POSTGRES")

# quiet_schools: schools of the hub without an activity in the window.
RULES = """
return {
  { name = "quiet_schools", role = "school_leader", description = "schools without an activity",
    apply = function(ctx)
      local out = {}
      for _, s in ipairs(ihub.school.list{hub = ctx.hub}) do
        local acts = ihub.activity.list{hub = ctx.hub, school = s.code, from = ctx.from, to = ctx.to}
        if #acts == 0 then
          out[#out + 1] = {severity = "warning", level = "school", subject = s.code, value = 0,
                           title = "No activity at " .. s.code,
                           reason = "No activity from " .. ctx.from .. " to " .. ctx.to .. " (as of " .. ctx.as_of .. ").",
                           action = "Invite the school to a workshop."}
        end
      end
      return out
    end },
  { name = "sessions", apply = function(ctx)
      local n = #ihub.activity.list{hub = ctx.hub, from = ctx.from, to = ctx.to, kind = "session"}
      return {{severity = "info", title = "Sessions held", reason = n .. " session(s) in " .. ctx.window .. ".",
               action = "Keep going.", value = n, part = "sessions"}}
    end },
  { name = "broken", apply = function(ctx) error("boom") end },
  { name = "spin", apply = function(ctx) while true do end end },
  { name = "bad_severity", apply = function(ctx)
      return {{severity = "huge", title = "t", reason = "r", action = "a"}} end },
  { name = "unknown_school", apply = function(ctx)
      return {{severity = "info", level = "school", subject = "ZZ", title = "t", reason = "r", action = "a"}} end },
  { name = "half_bad", apply = function(ctx)
      return {{severity = "info", title = "fine", reason = "r", action = "a"},
              {severity = "info", title = "no action", reason = "r"}} end },
}
"""


def make(h):
    h.call("hub.add", {"code": "H", "name": "Hub", "country": "EE"})
    h.call("hub.add", {"code": "G", "name": "Other hub", "country": "EE"})
    for code in ["S1", "S2"]:
        h.call("school.add", {"hub": "H", "code": code, "name": "School " + code})
    h.call("school.add", {"hub": "G", "code": "GS", "name": "Other school"})
    h.call("person.add", {"hub": "H", "code": "P1", "name": "Mari"})
    h.call("activity.log", {"hub": "H", "kind": "session", "date": "2026-11-10", "minutes": 60,
                            "participants": [{"school": "S1"}]})


@pytest.fixture
def h():
    with ihub.open(script_time_ms=300) as handle:
        make(handle)
        yield handle


def own(result):
    return [x for x in result["insights"] if x["source"].startswith("script:")]


def test_lua_rules_raise_insights_and_report_failures(h):
    stored = h.script.set(hub="H", name="insights", source=RULES)
    r = h.insight.generate(hub="H", window="2026-11")
    assert (r["window"], r["kind"], r["from"], r["to"], r["as_of"]) == ("2026-11", "month", "2026-11-01", "2026-11-30", "2026-11-30")
    mine = own(r)
    assert [(x["rule"], x["subject"]) for x in mine] == [("quiet_schools", "S2"), ("sessions", None)]
    quiet, sessions = mine
    assert quiet["source"] == "script:" + stored["hash"]
    assert (quiet["role"], quiet["severity"], quiet["status"], quiet["level"], quiet["subject_name"], quiet["value"]) == (
        "school_leader", "warning", "open", "school", "School S2", 0)
    assert quiet["title"] == "No activity at S2"
    assert quiet["reason"] == "No activity from 2026-11-01 to 2026-11-30 (as of 2026-11-30)."
    assert quiet["action"] == "Invite the school to a workshop." and quiet["feedback"] == []
    assert (quiet["window"], quiet["from"], quiet["to"]) == ("2026-11", "2026-11-01", "2026-11-30")
    assert (sessions["role"], sessions["level"], sessions["value"], sessions["reason"]) == ("coordinator", "hub", 1, "1 session(s) in 2026-11.")
    errors = {e["rule"]: e for e in r["errors"] if e["source"].startswith("script:")}
    assert sorted(errors) == ["bad_severity", "broken", "half_bad", "spin", "unknown_school"]
    assert errors["broken"]["status"] == "IHUB_SCRIPT" and "boom" in errors["broken"]["message"]
    assert errors["spin"]["status"] == "IHUB_LIMIT"
    assert errors["bad_severity"]["message"] == "H/insights: rule bad_severity: insight 1: severity must be info, warning or alert"
    assert errors["unknown_school"]["message"] == "H/insights: rule unknown_school: insight 1: no school 'ZZ' in the hub"
    assert errors["half_bad"]["message"] == "H/insights: rule half_bad: insight 2: action is missing"
    # A failed rule stores nothing, not even its good insights.
    assert {x["rule"] for x in h.insight.list(hub="H")} & set(errors) == set()
    assert {x["rule"] for x in h.insight.list(hub="H") if x["source"] != "builtin"} == {"quiet_schools", "sessions"}


def test_generating_again_keeps_status_and_feedback(h):
    h.script.set(hub="H", name="insights", source=RULES)
    first = own(h.insight.generate(hub="H", window="2026-11"))
    quiet = first[0]
    acked = h.insight.ack(id=quiet["id"], by="P1", note="call on Monday")
    assert acked["status"] == "acknowledged"
    assert [(f["action"], f["by"], f["note"]) for f in acked["feedback"]] == [("ack", "P1", "call on Monday")]
    # New data: S2 takes part. The stored insight stays as it was; nothing new.
    h.call("activity.log", {"hub": "H", "kind": "workshop", "date": "2026-11-20", "minutes": 90, "participants": [{"school": "S2"}]})
    again = h.insight.generate(hub="H", window="2026-11")
    assert [x["rule"] for x in own(again)] == ["sessions"]
    assert own(again)[0]["id"] == first[1]["id"]
    kept = h.insight.get(id=quiet["id"])
    assert kept["status"] == "acknowledged" and len(kept["feedback"]) == 1 and kept["reason"] == quiet["reason"]
    # The same rules over another window raise their own insights.
    dec = own(h.insight.generate(hub="H", window="2026-12"))
    assert [(x["rule"], x["subject"], x["window"]) for x in dec] == [
        ("quiet_schools", "S1", "2026-12"), ("quiet_schools", "S2", "2026-12"), ("sessions", None, "2026-12")]
    assert dec[2]["reason"] == "0 session(s) in 2026-12."
    assert len({x["id"] for x in first + dec}) == 5


def test_ack_dismiss_reopen(h):
    h.script.set(hub="H", name="insights", source=RULES)
    x = own(h.insight.generate(hub="H", window="2026-11"))[0]
    i = x["id"]
    with pytest.raises(ihub.ConflictError, match=rf"^params.id: insight {i} is open; reopen needs it acknowledged or dismissed"):
        h.insight.reopen(id=i)
    h.insight.ack(id=i)
    with pytest.raises(ihub.ConflictError, match=rf"^params.id: insight {i} is acknowledged; ack needs it open"):
        h.insight.ack(id=i)
    d = h.insight.dismiss(id=i, by="P1", reason="the school is closing")
    assert d["status"] == "dismissed"
    with pytest.raises(ihub.ConflictError, match="is dismissed; dismiss needs it open or acknowledged"):
        h.insight.dismiss(id=i, reason="again")
    o = h.insight.reopen(id=i, note="it is not closing after all")
    assert o["status"] == "open"
    assert [(f["action"], f["by"], f["note"]) for f in o["feedback"]] == [
        ("ack", None, None), ("dismiss", "P1", "the school is closing"), ("reopen", None, "it is not closing after all")]
    assert all(f["at"].endswith("Z") for f in o["feedback"])
    with pytest.raises(ihub.InvalidError, match="params.reason"):
        h.call("insight.dismiss", {"id": i})
    with pytest.raises(ihub.NotFoundError, match="^params.by: no person with code 'NOBODY'"):
        h.insight.ack(id=i, by="NOBODY")
    assert h.insight.get(id=i)["status"] == "open" and len(h.insight.get(id=i)["feedback"]) == 3
    with pytest.raises(ihub.NotFoundError, match="^params.id: no insight with id 999"):
        h.insight.get(id=999)


def test_list_filters(h):
    h.script.set(hub="H", name="insights", source=RULES)
    nov = own(h.insight.generate(hub="H", window="2026-11"))
    own(h.insight.generate(hub="H", window="2026-12"))
    h.insight.dismiss(id=nov[0]["id"], reason="known")

    def rules(**f):
        return [(x["rule"], x["window"]) for x in h.insight.list(hub="H", **f) if x["source"] != "builtin"]

    # Most severe first (warning before info), then oldest first.
    assert rules(window="2026-11") == [("quiet_schools", "2026-11"), ("sessions", "2026-11")]
    assert rules(role="school_leader", status="open") == [("quiet_schools", "2026-12"), ("quiet_schools", "2026-12")]
    assert rules(status="dismissed") == [("quiet_schools", "2026-11")]
    assert rules(severity="info") == [("sessions", "2026-11"), ("sessions", "2026-12")]
    assert h.insight.list(hub="G") == []
    with pytest.raises(ihub.InvalidError, match="^params.window: \"2026-13\" is not a window"):
        h.insight.list(hub="H", window="2026-13")
    with pytest.raises(ihub.InvalidError, match="params.role"):
        h.insight.list(hub="H", role="janitor")
    with pytest.raises(ihub.NotFoundError, match="^params.hub: no hub with code 'NOPE'"):
        h.insight.generate(hub="NOPE")


def test_script_failures_are_reported_and_the_default_rules_still_run(h):
    builtin = {x["name"] for x in h.insight.rules(hub="H")}
    assert len(builtin) == 7
    h.script.set(hub="H", name="insights", source='error("cannot start")')
    r = h.insight.generate(hub="H", window="2026-11")
    assert [(e["rule"], e["status"]) for e in r["errors"] if e["source"] != "builtin"] == [(None, "IHUB_SCRIPT")]
    assert own(r) == []
    # Every default rule either ran or says why not.
    done = {e["rule"] for e in r["errors"] if e["source"] == "builtin"} | {s["rule"] for s in r["skipped"]}
    assert done <= builtin
    with pytest.raises(ihub.ScriptError, match="cannot start"):
        h.insight.rules(hub="H")
    h.script.set(hub="H", name="insights", source='return {{name = "mentorship.inactive", apply = function() end}}')
    r = h.insight.generate(hub="H", window="2026-11")
    assert [e["message"] for e in r["errors"] if e["source"] != "builtin"] == [
        "H/insights: rule 'mentorship.inactive' has the name of a built-in rule"]
    h.script.set(hub="H", name="insights", source='return 42')
    r = h.insight.generate(hub="H", window="2026-11")
    assert [e["message"] for e in r["errors"] if e["source"] != "builtin"] == [
        "H/insights: the script must return a list of rules, not a number"]


def test_rules_default_window_and_lua(h):
    h.script.set(hub="H", name="insights", source=RULES)
    names = [(x["name"], x["source"][:7]) for x in h.insight.rules(hub="H")]
    assert names[:7] == [("reach.behind_target", "builtin"), ("mentorship.inactive", "builtin"),
                         ("process.stalled_instance", "builtin"), ("plan.overdue", "builtin"), ("teacher.dropout", "builtin"),
                         ("maturity.declined", "builtin"), ("network.multiplying", "builtin")]
    assert [n for n, _ in names[7:]] == ["quiet_schools", "sessions", "broken", "spin", "bad_severity", "unknown_school", "half_bad"]
    today = datetime.date.today()
    y = today.year if today.month >= 9 else today.year - 1
    r = h.insight.generate(hub="H")
    assert (r["window"], r["from"], r["to"]) == (f"{y}/{str(y + 1)[2:]}", f"{y}-09-01", f"{y + 1}-08-31")
    # From the admin Lua context, through the method table.
    n = h.eval('''
        local r = ihub.insight.generate{hub = "H", window = "2026-11"}
        local list = ihub.insight.list{hub = "H", window = "2026-11", role = "school_leader"}
        return #list, list[1].subject
    ''')
    assert n == (1, "S2")
    # A methodology script only reads: generating from one is refused.
    h.script.set(hub="H", name="insights", source='''
        return {{name = "writer", apply = function(ctx) ihub.insight.generate{hub = ctx.hub} end}}''')
    r = h.insight.generate(hub="H", window="2026-10")
    (e,) = [e for e in r["errors"] if e["source"] != "builtin"]
    assert (e["rule"], e["status"]) == ("writer", "IHUB_MISUSE") and "methodology scripts may not write" in e["message"]
    assert [x for x in h.insight.list(hub="H", window="2026-10") if x["source"] != "builtin"] == []


def cli():
    path = os.path.join(os.path.dirname(os.environ.get("IHUB_LIBRARY", "")), "ihub-cli")
    if not os.path.exists(path):
        pytest.skip("ihub-cli is not beside IHUB_LIBRARY")
    return path


def test_the_cli(tmp_path):
    if POSTGRES:
        db, extra = POSTGRES, ["--schema", "cli_" + uuid.uuid4().hex[:12]]
    else:
        db, extra = str(tmp_path / "i.db"), []
    with ihub.open(db, **({"schema": extra[1]} if extra else {})) as h:
        make(h)
        h.script.set(hub="H", name="insights", source=RULES)

    def run(*args):
        done = subprocess.run([cli(), "insight", *args, "--db", db, *extra], capture_output=True, text=True, timeout=120)
        return done.returncode, done.stdout, done.stderr

    rc, out, _ = run("generate", "--hub", "H", "--window", "2026-11")
    assert rc == 0 and "failed broken: IHUB_SCRIPT" in out
    assert "No activity at S2 [school S2]" in out and "→ Invite the school to a workshop." in out
    rc, out, _ = run("list", "--hub", "H", "--role", "school_leader", "--json")
    x = json.loads(out)
    assert rc == 0 and [i["subject"] for i in x] == ["S2"]
    i = str(x[0]["id"])
    rc, out, _ = run("ack", i, "--by", "P1", "--note", "call planned")
    assert rc == 0 and "acknowledged" in out and "ack by P1: call planned" in out
    rc, out, err = run("ack", i)
    assert rc == 4 and "IHUB_CONFLICT: params.id: insight " + i + " is acknowledged" in err
    rc, out, _ = run("dismiss", i, "--reason", "closing")
    assert rc == 0 and "dismiss: closing" in out
    rc, out, _ = run("reopen", i)
    rc, out, _ = run("show", i)
    assert rc == 0 and out.count("\n       20") == 3 and "reopen" in out
    rc, out, _ = run("rules", "--hub", "H")
    assert rc == 0 and "reach.behind_target" in out and "quiet_schools" in out


def needs(h, *names):
    known = {d["name"] for d in h.indicator.list(hub="H")}
    if not set(names) <= known:
        pytest.skip("indicators not built yet: " + ", ".join(sorted(set(names) - known)))


def builtin(result, rule):
    return [x for x in result["insights"] if x["rule"] == rule]


def test_default_rule_reach_behind_target():
    with ihub.open() as h:
        h.call("hub.add", {"code": "H", "name": "Hub", "country": "EE", "target_schools": 10})
        for code in ["S1", "S2"]:
            h.call("school.add", {"hub": "H", "code": code, "name": code})
        h.call("activity.log", {"hub": "H", "kind": "session", "date": "2026-11-10", "minutes": 60, "participants": [{"school": "S1"}]})
        needs(h, "reach.schools", "reach.teachers")
        # 2026-09-01 .. 2026-11-30: 91 of 365 days; 10 × 91 / 365 = 2.49 schools pro rata; 1 engaged (< half: alert).
        r = h.insight.generate(hub="H", window="2026-11")
        (x,) = builtin(r, "reach.behind_target")
        assert (x["severity"], x["role"], x["indicator"], x["value"]) == ("alert", "coordinator", "reach.schools", 1)
        assert x["reason"] == ("1 of the target 10 schools engaged from 2026-09-01 to 2026-11-30; pro rata for 91 of the "
                               "school year's 365 days the hub would be at 2.49.")
        h.call("activity.log", {"hub": "H", "kind": "session", "date": "2026-10-10", "minutes": 60, "participants": [{"school": "S2"}]})
        # 2 of 2.49: a warning, over another window (the first insight stays as it was).
        (y,) = builtin(h.insight.generate(hub="H", window="2026-10-01..2026-11-30"), "reach.behind_target")
        assert (y["severity"], y["value"]) == ("warning", 2) and y["id"] != x["id"]
        assert h.insight.get(id=x["id"])["value"] == 1


def test_default_rule_overdue_plan():
    with ihub.open() as h:
        h.call("hub.add", {"code": "H", "name": "Hub", "country": "EE"})
        h.call("school.add", {"hub": "H", "code": "S1", "name": "S1"})
        p = h.plan.create(school="S1", title="Digital plan")
        g = h.plan.add_goal(plan=p["id"], instrument="selfie", area="G", description="Feedback", target=3.5, by="2026-10-01")
        h.plan.add_task(goal=g["id"], title="Try", due="2026-10-20")
        needs(h, "risk.overdue_plans")
        (x,) = builtin(h.insight.generate(hub="H", window="2026-11"), "plan.overdue")
        assert (x["severity"], x["role"], x["level"], x["subject"], x["value"]) == ("alert", "school_leader", "plan", p["id"], 60)
        assert x["reason"] == f"Plan {p['id']} of school S1 has 1 goal(s) and 1 task(s) past their date by 2026-11-30; the oldest by 60 days."
        # By 2026-10-15 only the goal is late, by 14 days: a warning.
        (y,) = builtin(h.insight.generate(hub="H", window="2026-10-01..2026-10-15"), "plan.overdue")
        assert (y["severity"], y["value"]) == ("warning", 14) and "1 goal(s) and 0 task(s)" in y["reason"]


def test_default_rule_mentoring_multiplies():
    with ihub.open() as h:
        h.call("hub.add", {"code": "H", "name": "Hub", "country": "EE"})
        h.call("round.add", {"hub": "H", "code": "R1", "name": "One", "start": "2025-09-01"})
        h.call("round.add", {"hub": "H", "code": "R2", "name": "Two", "start": "2026-02-01"})
        h.call("school.add", {"hub": "H", "code": "S1", "name": "One"})
        for code in ["A", "B", "C"]:
            h.call("person.add", {"hub": "H", "code": code, "name": code, "schools": ["S1"], "roles": ["teacher"]})
        h.script.set(hub="H", name="pairing", source="blocking.cross_school = 'any'\nfunction eligible() return nil, 'pins only' end")
        needs(h, "network.multiplication")
        # A mentors B in R1, B mentors C in R2: B went from mentee to mentor.
        for rnd, mentee, mentor in [("R1", "B", "A"), ("R2", "C", "B")]:
            run = h.pairing.propose(hub="H", round=rnd, level="teacher", pins=[{"mentee": mentee, "mentor": mentor}])["run"]
            h.pairing.confirm(run=run)
        r = h.insight.generate(hub="H", window="cumulative")
        (x,) = builtin(r, "network.multiplying")
        assert (x["severity"], x["role"], x["value"]) == ("info", "coordinator", 1)
        assert x["title"] == "Mentoring multiplies: 1 person(s) went from mentee to mentor"
        assert x["reason"] == "1 person(s) mentored in one round mentor in a later round (1 mentorship(s))."


def test_default_rules_inactive_mentorship_and_dropout():
    with ihub.open() as h:
        h.call("hub.add", {"code": "H", "name": "Hub", "country": "EE"})
        h.call("round.add", {"hub": "H", "code": "R1", "name": "One", "start": "2026-09-01"})
        h.call("school.add", {"hub": "H", "code": "S1", "name": "One"})
        for code in ["A", "B", "C", "D"]:
            h.call("person.add", {"hub": "H", "code": code, "name": "Teacher " + code, "schools": ["S1"], "roles": ["teacher"]})
        h.script.set(hub="H", name="pairing", source="blocking.cross_school = 'any'\nfunction eligible() return nil, 'pins only' end")
        needs(h, "risk.inactive_mentorships", "risk.dropouts")
        run = h.pairing.propose(hub="H", round="R1", level="teacher",
                                pins=[{"mentee": "B", "mentor": "A"}, {"mentee": "D", "mentor": "C"}])["run"]
        h.pairing.confirm(run=run, start="2026-09-01")
        first, second = (h.call("mentorship.get", {"id": i}) for i in (1, 2))
        assert (first["mentee"], second["mentee"]) == ("B", "D")
        h.call("activity.log", {"hub": "H", "kind": "session", "date": "2026-10-01", "minutes": 60, "participants": [{"mentorship": 1}]})
        h.call("activity.log", {"hub": "H", "kind": "session", "date": "2026-11-05", "minutes": 60, "participants": [{"mentorship": 2}]})
        h.call("mentorship.end", {"id": 2, "date": "2026-11-15", "reason": "moved abroad"})
        r = h.insight.generate(hub="H", window="2026-11")
        # Mentorship 1: last activity 2026-10-01, 60 days before 2026-11-30 (alert from 60); 2 has ended.
        (x,) = builtin(r, "mentorship.inactive")
        assert (x["subject"], x["severity"], x["role"], x["value"]) == (1, "alert", "mentor", 60)
        assert x["reason"] == ("Mentorship 1 (teacher level) has had 60 days without an activity by 2026-11-30, "
                               "since its last activity on 2026-10-01.")
        # D (and C) left with mentorship 2's end; D's last activity was 25 days before 2026-11-30.
        drops = {d["subject"]: d for d in builtin(r, "teacher.dropout")}
        assert "D" in drops and drops["D"]["subject_name"] == "Teacher D" and drops["D"]["value"] == 25
        assert drops["D"]["reason"] == "Dropped out on 2026-11-15 (moved abroad); last activity 25 days before 2026-11-30."
        assert "Teacher" not in drops["D"]["reason"] + drops["D"]["title"]


HUB_INDICATORS = """
indicator{
  name = "minutes", description = "Minutes of activities in the window", level = "hub", type = "count",
  compute = function(ctx)
    local total = 0
    for _, a in ipairs(ihub.activity.list{hub = ctx.hub, from = ctx.window.from, to = ctx.window.to}) do total = total + a.minutes end
    return {{value = total}}
  end,
}
"""


def test_lua_rules_read_the_hubs_own_indicators(h):
    h.script.set(hub="H", name="indicators", source=HUB_INDICATORS)
    h.script.set(hub="H", name="insights", source="""
    return {
      { name = "few_minutes", indicators = {"H.minutes"}, apply = function(ctx)
          local m = ctx.indicators["H.minutes"][1].value
          if m < 120 then
            return {{severity = "warning", indicator = "H.minutes", value = m, title = "Few minutes",
                     reason = string.format("%g", m) .. " minutes in " .. ctx.window .. ", below 120.", action = "Plan more sessions."}}
          end
        end },
      { name = "unknown", indicators = {"H.nope"}, apply = function(ctx) return {} end },
    }""")
    r = h.insight.generate(hub="H", window="2026-11")
    (x,) = own(r)
    assert (x["rule"], x["indicator"], x["value"], x["reason"]) == ("few_minutes", "H.minutes", 60, "60 minutes in 2026-11, below 120.")
    errors = [e for e in r["errors"] if e["source"] != "builtin"]
    assert [(e["rule"], e["status"]) for e in errors] == [("unknown", "IHUB_NOTFOUND")]
    assert errors[0]["message"] == "rule unknown: indicators[1]: no indicator 'H.nope' (indicator.list lists them)"
    # December has no minutes: the rule raises it there too, over its own window.
    assert own(h.insight.generate(hub="H", window="2026-12"))[0]["reason"] == "0 minutes in 2026-12, below 120."


def test_an_erased_person_shows_erased_in_insights(h):
    h.script.set(hub="H", name="insights", source="""
    return {{name = "hello", role = "mentor", apply = function(ctx)
      return {{severity = "info", level = "person", subject = "P1", title = "Welcome", reason = "New this month.", action = "Say hello."}}
    end}}""")
    (x,) = own(h.insight.generate(hub="H", window="2026-11"))
    assert (x["subject"], x["subject_name"]) == ("P1", "Mari")
    h.insight.ack(id=x["id"], by="P1")
    h.person.erase(code="P1")
    after = h.insight.get(id=x["id"])
    assert after["subject"].startswith("erased-") and after["subject_name"] != "Mari"
    assert after["feedback"][0]["by"] == after["subject"]
    assert "Mari" not in json.dumps(h.insight.list(hub="H"))
