"""Issue 7, the pairing workflow: a pin is one pair, two schools never mentor
each other, explain says a pinned pair is pinned, the default policy meets a
record without an assessment with a reason, and the values a hub's pairing
hooks return are checked (IHUB_SCRIPT naming hook, subject and value;
nothing stored). All on the demo region's LT-CTA schools in round R2, whose
mentees (by the default policy) are S01 S03 S04 S06 S07 S09 S12 and whose
mentors are S02 S05 S08 S10 S11."""
import os
import subprocess

import pytest

import ihub

HUB, ROUND = "LT-CTA", "LT-CTA-R2"


def code(n):
    return "LT-CTA-S%02d" % n


@pytest.fixture(scope="module")
def region(tmp_path_factory):
    """The demo region once, as a file each test copies (populating is slow)."""
    path = str(tmp_path_factory.mktemp("region") / "region.db")
    with ihub.open(path) as h:
        h.call("demo.populate", {})
    return path


@pytest.fixture
def h(region, tmp_path):
    path = str(tmp_path / "copy.db")
    with open(region, "rb") as src, open(path, "wb") as dst:
        dst.write(src.read())
    with ihub.open(path) as handle:
        yield handle


def propose(h, **extra):
    params = {"hub": HUB, "round": ROUND, "level": "school"}
    params.update(extra)
    return h.call("pairing.propose", params)


def pin(mentee, mentor):
    return {"mentee": code(mentee), "mentor": code(mentor)}


def pairs(run):
    return {(p["mentee"], p["mentor"]) for p in run["pairs"]}


def runs(h):
    return len(h.call("pairing.list", {"round": ROUND}))


def explain(h, run, mentee, mentor):
    return h.call("pairing.explain", {"run": run["run"], "mentee": code(mentee), "mentor": code(mentor)})


def mutual(pair_set):
    return {(a, b) for a, b in pair_set if (b, a) in pair_set}


# 1. A pin is one pair.

def test_a_pin_does_not_make_its_mentor_a_mentor_of_others(h):
    # S01 is a mentee by the policy; the pin makes it S09's mentor, nothing more.
    run = propose(h, pins=[pin(9, 1)])
    assert (code(9), code(1)) in pairs(run)
    assert [(p["mentee"], p["pinned"]) for p in run["pairs"] if p["mentor"] == code(1)] == [(code(9), True)]
    why = explain(h, run, 12, 1)
    assert why["ruled_out_by"]["kind"] == "eligibility", why
    assert "is not a mentor" in why["ruled_out_by"]["reason"]


def test_a_pin_does_not_make_its_mentee_a_mentee_of_others(h):
    # S02 is a mentor by the policy; pinned as S09's mentee it gets no other
    # mentor, though a mentee could have two.
    h.call("script.set", {"hub": HUB, "name": "pairing", "source": "capacity.school.mentee_max = 2"})
    run = propose(h, pins=[pin(2, 9)])
    assert [p["mentor"] for p in run["pairs"] if p["mentee"] == code(2)] == [code(9)]
    why = explain(h, run, 2, 5)["ruled_out_by"]
    assert why["kind"] == "eligibility" and "is not a mentee" in why["reason"], why


# 2. Mutual mentoring is refused at propose and at confirm.

def test_propose_never_pairs_the_reverse_of_a_pin(h):
    plain = propose(h)
    assert (code(9), code(2)) in pairs(plain)  # S02 mentors S09 when nobody pins
    run = propose(h, pins=[pin(2, 9)])  # S09 pinned to mentor S02
    assert (code(2), code(9)) in pairs(run)
    assert (code(9), code(2)) not in pairs(run) and not mutual(pairs(run))
    why = explain(h, run, 9, 2)["ruled_out_by"]
    assert why["kind"] == "mutual" and "reverse pair is pinned" in why["reason"]


def test_two_pins_that_mentor_each_other_are_refused(h):
    before = runs(h)
    with pytest.raises(ihub.InvalidError, match=r"params\.pins\[\d\]:.*%s.*%s.*mutual" % (code(1), code(3))):
        propose(h, pins=[pin(1, 3), pin(3, 1)])
    assert runs(h) == before


def test_a_pin_against_a_confirmed_pair_is_refused(h):
    first = propose(h)
    assert (code(9), code(2)) in pairs(first)
    h.call("pairing.confirm", {"run": first["run"]})
    with pytest.raises(ihub.ConstraintError, match="%s already mentors %s in round %s.*mutual" % (code(2), code(9), ROUND)):
        propose(h, pins=[pin(2, 9)])


def test_propose_keeps_out_the_reverse_of_a_confirmed_pair(h):
    # A hub policy that lets every school mentor and be mentored by anyone.
    h.call("script.set", {"hub": HUB, "name": "pairing", "source": """
        function eligible() return "both" end
        function exclude() return nil end
        capacity.school = { mentor_max = 2, mentee_min = 0, mentee_max = 2 }
    """})
    first = propose(h)
    assert not mutual(pairs(first))
    h.call("pairing.confirm", {"run": first["run"]})
    second = propose(h)
    confirmed = {(m["mentee"], m["mentor"]) for m in h.call("pairing.mentorships", {"hub": HUB, "level": "school"})}
    assert not {(b, a) for a, b in confirmed} & pairs(second)
    a, b = sorted(confirmed)[0]
    why = h.call("pairing.explain", {"run": second["run"], "mentee": b, "mentor": a})["ruled_out_by"]
    assert why["kind"] == "mutual" and "confirmed in round" in why["reason"]


def test_confirm_refuses_mutual_mentoring_and_applies_nothing(h):
    one = propose(h)  # S02 mentors S09
    two = propose(h, pins=[pin(2, 9)])  # S09 mentors S02, proposed before one is confirmed
    h.call("pairing.confirm", {"run": one["run"]})
    before = h.call("pairing.mentorships", {"hub": HUB})
    with pytest.raises(ihub.ConstraintError) as e:
        h.call("pairing.confirm", {"run": two["run"]})
    assert code(2) in str(e.value) and code(9) in str(e.value) and "mutual" in str(e.value)
    assert h.call("pairing.mentorships", {"hub": HUB}) == before
    assert h.call("pairing.get", {"run": two["run"]})["confirmed_at"] is None


# 3. explain on a pinned pair.

def test_explain_says_a_pinned_pair_is_pinned(h):
    run = propose(h, pins=[pin(2, 9)])  # the policy alone excludes it: S09 is not ahead
    stored = next(p for p in run["pairs"] if p["mentee"] == code(2))
    why = explain(h, run, 2, 9)
    assert why["paired"] and why["pinned"] and "ruled_out_by" not in why
    assert why["score"] == stored["score"]
    assert why["notes"][0].startswith("pinned by the coordinator")
    assert explain(h, propose(h), 9, 2)["pinned"] is False


# 4. The default policy and a record without the data a criterion needs.

def test_a_school_without_assessment_made_eligible_is_unmatched_with_a_reason(h):
    h.call("school.add", {"hub": HUB, "code": "LT-CTA-S99", "name": "Naujoji mokykla"})
    h.call("script.set", {"hub": HUB, "name": "pairing", "source": """
        local base = eligible
        function eligible(r, level) if r.maturity == nil then return "mentee" end return base(r, level) end
    """})
    run = propose(h)
    (u,) = [u for u in run["unmatched"] if u["code"] == "LT-CTA-S99"]
    assert u["side"] == "mentee" and "no maturity" in u["reason"] and "no assessment in round %s" % ROUND in u["reason"]
    why = h.call("pairing.explain", {"run": run["run"], "mentee": "LT-CTA-S99", "mentor": code(2)})
    assert why["ruled_out_by"]["kind"] == "policy" and "no maturity" in why["ruled_out_by"]["reason"]
    # As a mentor too (made one by the hub), every criterion reads it without error.
    h.call("script.set", {"hub": HUB, "name": "pairing", "source": """
        local base = eligible
        function eligible(r, level) if r.maturity == nil then return "mentor" end return base(r, level) end
    """})
    (u,) = [u for u in propose(h)["unmatched"] if u["code"] == "LT-CTA-S99"]
    assert u["side"] == "mentor" and "no maturity: the mentor has no assessment" in u["reason"]


# 5. The pairing hooks' return values are checked.

HOOKS = {
    "score": ("local s = score\nfunction score(a, b) if a.code == '%s' then return VALUE end return s(a, b) end" % code(9),
              "score(%s, " % code(9)),
    "exclude": ("local x = exclude\nfunction exclude(a, b) if a.code == '%s' then return VALUE end return x(a, b) end" % code(9),
                "exclude(%s, " % code(9)),
    "eligible": ("local e = eligible\nfunction eligible(r, l) if r.code == '%s' then return VALUE end return e(r, l) end" % code(9),
                 "eligible(%s) returned" % code(9)),
    "capacity": ("capacity.school.mentor_max = VALUE", "capacity.school.mentor_max is"),
}
VALUES = {"function": ("function() end", "a function"), "nan": ("0/0", "nan"), "inf": ("math.huge", "inf"),
          "huge": ("1e300", "1e+300")}


@pytest.mark.parametrize("value", VALUES)
@pytest.mark.parametrize("hook", HOOKS)
def test_a_bad_hook_value_is_a_script_error_and_stores_nothing(h, hook, value):
    source, place = HOOKS[hook]
    lua, shown = VALUES[value]
    h.call("script.set", {"hub": HUB, "name": "pairing", "source": source.replace("VALUE", lua)})
    before = runs(h)
    with pytest.raises(ihub.ScriptError) as e:
        propose(h)
    message = str(e.value)
    assert "%s/pairing" % HUB in message and place in message and shown in message, message
    assert "\n" not in message.strip()
    assert runs(h) == before


def test_a_reason_that_is_not_text_is_a_script_error(h):
    h.call("script.set", {"hub": HUB, "name": "pairing", "source":
                          "function score(a, b) return nil, function() end end"})
    with pytest.raises(ihub.ScriptError, match=r"score\(LT-CTA-S\d\d, LT-CTA-S\d\d\) returned nil and a function as the reason"):
        propose(h)


# 6. explain reuses the run's setup, and sees changes.

def test_explain_sees_a_change_made_between_two_calls(h):
    run = propose(h)
    assert explain(h, run, 9, 2)["paired"]
    assert "notes" in explain(h, run, 9, 2) and explain(h, run, 9, 2)["notes"] == []
    h.call("school.update", {"code": code(2), "languages": ["ka"]})
    why = explain(h, run, 9, 2)
    assert any("changed since run" in n for n in why["notes"]), why["notes"]
    assert explain(h, run, 12, 2)["paired"]


# 7. The README's pairing commands run as written.

def cli():
    lib = os.environ.get("IHUB_LIBRARY", "")
    path = os.path.join(os.path.dirname(lib), "ihub-cli")
    if not os.path.exists(path):
        pytest.skip("no ihub-cli beside IHUB_LIBRARY")
    return path


def test_readme_pair_commands_run_as_written(region, tmp_path):
    db = str(tmp_path / "region.db")
    with open(region, "rb") as src, open(db, "wb") as dst:
        dst.write(src.read())
    for line in ["pair propose --hub LT-CTA --round LT-CTA-R2 --level school --db region.db",
                 "pair explain 1 LT-CTA-S05 LT-CTA-S02 --db region.db",
                 "pair confirm --run 1 --db region.db"]:
        args = [a if a != "region.db" else db for a in line.split()]
        done = subprocess.run([cli()] + args, capture_output=True, text=True)
        assert done.returncode == 0, (line, done.stderr)
    assert "confirmed" in done.stdout
    # The run's number as the first argument still works, and --run for explain too.
    done = subprocess.run([cli(), "pair", "explain", "--run", "1", code(9), code(2), "--db", db], capture_output=True, text=True)
    assert done.returncode == 0 and "paired" in done.stdout, done.stderr
    done = subprocess.run([cli(), "pair", "confirm", "1", "--db", db], capture_output=True, text=True)
    assert done.returncode != 0 and "confirmed already" in done.stderr


@pytest.mark.parametrize("source,place", [
    ("criteria.size = function() return nil end", "criteria.size(LT-CTA-S"),
    ("criteria.size = function() return 0/0 end", "criteria.size(LT-CTA-S"),
    ("weights.school.size = function() end", "weights.school.size is a function"),
    ("weights.school.size = math.huge", "weights.school.size is inf"),
])
def test_a_bad_criterion_or_weight_is_named(h, source, place):
    h.call("script.set", {"hub": HUB, "name": "pairing", "source": source})
    before = runs(h)
    with pytest.raises(ihub.ScriptError) as e:
        propose(h)
    assert place in str(e.value), str(e.value)
    assert runs(h) == before


def test_a_record_on_both_sides_paired_on_neither_is_listed_once(h):
    # Teachers without a self-reflection, made "both" by the hub: unmatched on
    # both sides, each is one entry with both reasons (a run lists a code once).
    h.call("script.set", {"hub": HUB, "name": "pairing", "source": """
        local base = eligible
        function eligible(r, level) if r.maturity == nil then return "both" end return base(r, level) end
    """})
    run = propose(h, level="teacher")
    codes = [u["code"] for u in run["unmatched"]]
    assert len(codes) == len(set(codes))
    both = [u for u in run["unmatched"] if "; as a mentor: " in u["reason"]]
    assert both and all(u["side"] == "mentee" and "no maturity" in u["reason"] for u in both)


def test_a_pin_given_twice_is_named_not_infeasible(h):
    with pytest.raises(ihub.InvalidError, match=r"params\.pins\[1\]: %s with %s is pinned already \(params\.pins\[0\]\)" % (code(9), code(2))):
        propose(h, pins=[pin(9, 2), pin(9, 2)])


def test_a_failing_call_inside_the_policy_keeps_its_status(h):
    """A pairing hook whose ihub.* call fails reports that call's status and
    names the hub's script, never the default policy's internal chunk."""
    h.call("script.set", {"hub": HUB, "name": "pairing",
                          "source": "function score(a, b) return ihub.school.get{code = 'NOPE'} end"})
    with pytest.raises(ihub.NotFoundError) as e:
        propose(h)
    assert e.value.message.startswith("LT-CTA/pairing:1: school.get:")
    assert "ihub/pairing" not in e.value.message and "ihub-" not in e.value.message
    assert runs(h) == 0


def test_unknown_codes_in_pins_and_explain_are_quoted_short(h):
    near = "Z" * 60000
    run = propose(h)
    with pytest.raises(ihub.NotFoundError) as e:
        propose(h, pins=[{"mentee": near, "mentor": code(2)}])
    assert len(e.value.message) < 200 and "ZZZ…" in e.value.message
    for side in ("mentee", "mentor"):
        params = {"run": run["run"], "mentee": code(1), "mentor": code(2)}
        params[side] = near
        with pytest.raises(ihub.NotFoundError) as e:
            h.call("pairing.explain", params)
        assert len(e.value.message) < 200 and e.value.message.startswith(f"params.{side}: no school 'ZZZ")
