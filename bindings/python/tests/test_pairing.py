"""The pairing workflow through ihub_call and the admin Lua context: a demo
region paired at both levels, explanations, re-runs, confirmation, and a
hub policy that errors or runs out of budget (nothing stored)."""
import pytest

import ihub

SCRIPT = """
fit = { E1M1 = 9, E1M2 = 5, E2M1 = 8, E2M2 = 2 }
function eligible(r) return r.code:sub(1, 1) == "M" and "mentor" or "mentee" end
function exclude() return nil end
criteria.fit = function(a, b) return fit[a.code .. b.code] or 0 end
weights.school = { fit = 1 }
"""


@pytest.fixture
def h():
    with ihub.open(script_time_ms=200) as handle:
        handle.call("hub.add", {"code": "H", "name": "Hub", "country": "EE"})
        handle.call("round.add", {"hub": "H", "code": "R1", "name": "round 1"})
        for code in ["M1", "M2", "E1", "E2"]:
            handle.call("school.add", {"hub": "H", "code": code, "name": code})
        handle.call("script.set", {"hub": "H", "name": "pairing", "source": SCRIPT})
        yield handle


def pairs(run):
    return sorted((p["mentee"], p["mentor"]) for p in run["pairs"])


def runs(h):
    return len(h.call("pairing.list", {"round": "R1"}))


def test_propose_explain_diff_confirm(h):
    run = h.call("pairing.propose", {"hub": "H", "round": "R1"})
    assert pairs(run) == [("E1", "M1"), ("E2", "M1")]
    assert run["total"] == 17 and run["confirmed_at"] is None
    why = h.call("pairing.explain", {"run": run["run"], "mentee": "E1", "mentor": "M1"})
    assert why["paired"] and why["criteria"] == [{"criterion": "fit", "value": 9, "weight": 1, "contribution": 9}]
    again = h.call("pairing.propose", {"rerun": run["run"], "bans": [{"mentee": "E1", "mentor": "M1"}]})
    assert pairs(again) == [("E1", "M2"), ("E2", "M1")]
    d = h.call("pairing.diff", {"from": run["run"], "to": again["run"]})
    assert d["removed"] == [{"mentee": "E1", "mentor": "M1", "score": 9}] and d["total"]["change"] == -4
    with pytest.raises(ihub.InvalidError, match="params.start"):
        h.call("pairing.confirm", {"run": again["run"], "start": "2026-02-30"})
    assert h.call("pairing.confirm", {"run": again["run"], "start": "2026-09-01"})["added"] == 2
    assert [m["start"] for m in h.call("pairing.mentorships", {"hub": "H"})] == ["2026-09-01"] * 2
    with pytest.raises(ihub.ConflictError):
        h.call("pairing.confirm", {"run": again["run"]})
    # Lua reaches the same operations (admin context: proposing writes a run).
    assert h.eval('return #ihub.pairing.get{run = %d}.pairs' % run["run"]) == 2


def test_infeasible_reports_the_reason(h):
    h.call("script.set", {"hub": "H", "name": "pairing",
                          "source": SCRIPT + "capacity.school = {mentor_max = 0, mentee_min = 1, mentee_max = 1}"})
    with pytest.raises(ihub.ConstraintError, match="infeasible"):
        h.call("pairing.propose", {"hub": "H", "round": "R1"})
    assert runs(h) == 0


@pytest.mark.parametrize("body,error,text", [
    ("function score() error('no data') end", ihub.ScriptError, "H/pairing:"),
    ("function eligible() return 'boss' end", ihub.ScriptError, "expected \"mentor\""),
    ("function score() while true do end end", ihub.LimitError, "time limit"),
])
def test_failing_policy_stores_nothing(h, body, error, text):
    h.call("script.set", {"hub": "H", "name": "pairing", "source": SCRIPT + body})
    with pytest.raises(error, match=text):
        h.call("pairing.propose", {"hub": "H", "round": "R1"})
    assert runs(h) == 0


def test_demo_region_pairs_at_both_levels():
    with ihub.open() as h:
        h.call("demo.populate", {})
        schools = h.call("pairing.propose", {"hub": "LT-CTA", "round": "LT-CTA-R2", "level": "school"})
        assert schools["pairs"] and all(u["reason"] for u in schools["unmatched"])
        h.call("pairing.confirm", {"run": schools["run"]})
        teachers = h.call("pairing.propose", {"hub": "LT-CTA", "round": "LT-CTA-R2", "level": "teacher"})
        school_of = {p["code"]: {m["school"] for m in p["memberships"]}
                     for p in h.call("person.list", {"hub": "LT-CTA"})}
        paired = {(p["mentee"], p["mentor"]) for p in schools["pairs"]}
        paired |= {(b, a) for a, b in paired}
        for p in teachers["pairs"]:
            a, b = school_of[p["mentee"]], school_of[p["mentor"]]
            # Within a school, or across schools that are a confirmed pair.
            assert a & b or any((x, y) in paired for x in a for y in b)
        assert h.call("pairing.policy", {})["default"].startswith("-- ihub default pairing policy")
