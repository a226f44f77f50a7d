"""impact.estimate: the mentored against matched unmentored teachers, as a
difference in differences with a bootstrap interval and the dose–response on
hours. A small hand-made hub with known answers, and synthetic data with a
known effect checked against numpy (the same matched sets) and statsmodels
(the slope, its standard error and interval)."""
import datetime
import json
import os
import subprocess

import numpy as np
import pytest
import statsmodels.api as sm

import ihub

# Mentorships start the day they are confirmed: the rounds straddle today.
TODAY = datetime.date.today()
R1_START = (TODAY - datetime.timedelta(days=300)).isoformat()
R2_START = (TODAY + datetime.timedelta(days=60)).isoformat()
ACTIVITY_DAY = (TODAY - datetime.timedelta(days=100)).isoformat()

POLICY = """
function eligible(r)
  local c = r.code:sub(1, 1)
  if c == "M" then return "mentor" elseif c == "E" then return "mentee" end
  return nil, "comparison"
end
function exclude() return nil end
criteria.fit = function(a, b) return 1 end
weights.school = { fit = 1 }
weights.teacher = { fit = 1 }
"""

# The class of the earlier round, by the overall DigCompEdu score.
CLASSIFY = """
function classify(subject, a)
  local d = a.digcompedu
  if not d then return nil end
  if d.overall >= 3.5 then return "high", {"high"} elseif d.overall >= 2.5 then return "mid", {"mid"} end
  return "low", {"low"}
end
"""


def cls(score):
    return "high" if score >= 3.5 else "mid" if score >= 2.5 else "low"


def build(h, k, teachers, pairs, hours, hub="H", rounds=("R1", "R2")):
    """teachers: [(code, R1 answers, R2 answers)] in id order; pairs:
    [(mentee, mentor)]; hours: {code: hours logged between the rounds}."""
    school = hub + "-S1"
    h.call("hub.add", {"code": hub, "name": "Hub " + hub, "country": "EE", "min_group_size": k})
    h.call("school.add", {"hub": hub, "code": school, "name": "School 1"})
    h.call("round.add", {"hub": hub, "code": rounds[0], "name": rounds[0], "start": R1_START})
    h.call("round.add", {"hub": hub, "code": rounds[1], "name": rounds[1], "start": R2_START})
    h.person.add_many(people=[{"hub": hub, "code": c, "name": "Teacher " + c, "schools": [school], "roles": ["teacher"]}
                              for c, _, _ in teachers])
    for i, rnd in enumerate(rounds):
        h.assessment.submit(round=rnd, instrument="digcompedu", responses=[
            {"respondent": f"{rnd}-{c}", "school": school, "person": c, "group": "teachers", "answers": t[i]}
            for c, *t in teachers])
    h.call("script.set", {"hub": hub, "name": "pairing", "source": POLICY})
    run = h.call("pairing.propose", {"hub": hub, "round": rounds[0], "level": "teacher",
                                     "pins": [{"mentee": e, "mentor": m} for e, m in pairs]})
    h.call("pairing.confirm", {"run": run["run"]})
    assert len(h.call("pairing.mentorships", {"hub": hub, "level": "teacher"})) == len(pairs)
    h.call("script.set", {"hub": hub, "name": "classify", "source": CLASSIFY})
    h.classification.run(hub=hub, round=rounds[0], subject="teacher")
    for code, hrs in hours.items():
        if hrs:
            h.call("activity.log", {"hub": hub, "kind": "session", "date": ACTIVITY_DAY, "minutes": int(round(hrs * 60)),
                                    "participants": [{"person": code}]})


# One answer each (item 1.1): the score is the answer.
SMALL = [  # code, R1, R2
    ("E1", 2, 5), ("E2", 4, 5),   # mentees: +3, +1
    ("M1", 3, 3), ("M2", 5, 6),   # their mentors: left out
    ("C1", 2, 3), ("C2", 3, 3), ("C3", 4, 6),  # comparison: +1, 0, +2
]


def small(h, k=2):
    build(h, k, [(c, {"1.1": a}, {"1.1": b}) for c, a, b in SMALL], [("E1", "M1"), ("E2", "M2")], {"E1": 3, "E2": 1, "C2": 5})


def estimate(h, **p):
    return h.call("impact.estimate", {"instrument": "digcompedu", "from": "R1", "to": "R2", **p})


def test_hand_made_nearest_and_class_matching():
    with ihub.open() as h:
        small(h)
        r = estimate(h, hub="H", match="nearest", bootstrap=500, seed=3)
        # E1 (2) ~ C1 (2): 3 - 1 = 2; E2 (4) ~ C3 (4): 1 - 2 = -1.
        assert r["estimate"]["did"] == pytest.approx(0.5)
        assert [(p["mentored_person"], p["comparison_person"]) for p in r["matching"]["pairs"]] == [("E1", "C1"), ("E2", "C3")]
        assert r["mentored"]["assessed"] == 2 and r["comparison"]["available"] == 3 and r["comparison"]["used"] == 2
        assert r["mentors_left_out"] == 2 and r["k"] == 2 and r["level"] == "teacher"
        # Every replicate is 2, 0.5 or -1: the interval is its extremes.
        assert r["estimate"]["ci"] == [-1.0, 2.0]
        assert r["comparison"]["change"] == pytest.approx(1.5) and r["mentored"]["change"] == pytest.approx(2.0)
        # Dose: E1 3 h, +3; E2 1 h, +1: slope 1; two points, no standard error.
        d = r["dose_response"]
        assert d["slope"] == pytest.approx(1.0) and d["se"] is None and "two mentored" in d["note"]
        assert r["rounds"] == [{"hub": "H", "from": "R1", "to": "R2", "period": [R1_START, (TODAY + datetime.timedelta(days=59)).isoformat()]}]
        assert any("Parallel trends" in a for a in r["assumptions"])

        # By class (R1 score >= 3.5 high, >= 2.5 mid, else low): E1 (2, low) with C1: 3 - 1 = 2;
        # E2 (4, high) with C3, the only high one (C2 is mid): 1 - 2 = -1. Mean: 0.5.
        c = estimate(h, match="class", bootstrap=500)
        assert c["estimate"]["did"] == pytest.approx(0.5)
        assert c["matching"]["strata"] == [{"class": "high", "mentored": 1, "comparison": 1},
                                           {"class": "low", "mentored": 1, "comparison": 1}]
        assert c["scope"] == {"consortium": True}
        # Deterministic for a seed.
        assert estimate(h, match="nearest", bootstrap=500, seed=3)["estimate"] == r["estimate"]


def test_default_instrument_and_rounds_are_maturity_changes():
    with ihub.open() as h:
        small(h)
        r = h.call("impact.estimate", {"match": "nearest", "bootstrap": 200})
        assert (r["instrument"], r["rounds"][0]["from"], r["rounds"][0]["to"]) == ("digcompedu", "R1", "R2")
        assert r["estimate"]["did"] == pytest.approx(0.5)
        assert h.call("impact.estimate", {"match": "nearest", "bootstrap": 200, "from": "R1"})["estimate"]["did"] == pytest.approx(0.5)
        with pytest.raises(ihub.ConstraintError, match=r"no two rounds with data of one instrument of schools to compare"):
            h.call("impact.estimate", {"level": "school"})


def test_refuses_groups_below_k_with_the_reason():
    with ihub.open() as h:
        small(h, k=3)
        with pytest.raises(ihub.ConstraintError, match=r"2 mentored teachers matched \(of 2 assessed in both rounds\), fewer than k = 3"):
            estimate(h, hub="H", match="nearest")
        with pytest.raises(ihub.InvalidError, match=r"params\.level: digcompedu assesses teachers, not schools"):
            estimate(h, level="school")
        with pytest.raises(ihub.InvalidError, match=r"params\.bootstrap"):
            estimate(h, bootstrap=5)
        with pytest.raises(ihub.NotFoundError, match=r"params\.to"):
            estimate(h, to="NOPE")
        with pytest.raises(ihub.InvalidError, match=r"params\.to: round 'R1' must start after 'R1'"):
            estimate(h, to="R1")


def test_consortium_pools_the_comparison_of_every_hub():
    with ihub.open() as h:
        small(h)
        # Hub G: EG1 5 -> 6 (+1) mentored by MG1; CG1 5 -> 5 (0), nearer to EG1 than any of H.
        build(h, 2, [(c, {"1.1": a}, {"1.1": b}) for c, a, b in [("EG1", 5, 6), ("MG1", 4, 4), ("CG1", 5, 5)]],
              [("EG1", "MG1")], {"EG1": 2}, hub="G", rounds=("G1", "G2"))
        r = estimate(h, match="nearest", bootstrap=200, **{"from": ["R1", "G1"]}, to=["R2", "G2"])
        # E1 ~ C1: 2; E2 ~ C3: -1; EG1 ~ CG1: 1.
        assert r["estimate"]["did"] == pytest.approx(2 / 3)
        assert [p["comparison_person"] for p in r["matching"]["pairs"]] == ["C1", "C3", "CG1"]
        assert [x["hub"] for x in r["rounds"]] == ["H", "G"] and r["scope"] == {"consortium": True}
        with pytest.raises(ihub.InvalidError, match=r"params\.from\[2\]: round 'G1' belongs to hub G, not H"):
            estimate(h, hub="H", **{"from": ["R1", "G1"]}, to=["R2", "G2"])
        with pytest.raises(ihub.InvalidError, match=r"params\.to: round 'G2' belongs to hub G, 'R1' to hub H"):
            estimate(h, **{"from": ["R1"]}, to=["G2"])


def test_school_level():
    """Schools mentored through school mentorships; each school's score is
    its respondents pooled (one teacher answering A1 here). SMALL less one
    (SELFIE's scale is 1..5): the same changes and the same nearest."""
    with ihub.open() as h:
        h.call("hub.add", {"code": "H", "name": "Hub", "country": "EE", "min_group_size": 2})
        h.call("round.add", {"hub": "H", "code": "R1", "name": "R1", "start": R1_START})
        h.call("round.add", {"hub": "H", "code": "R2", "name": "R2", "start": R2_START})
        h.school.add_many(schools=[{"hub": "H", "code": c, "name": "School " + c} for c, _, _ in SMALL])
        for i, rnd in enumerate(("R1", "R2")):
            h.assessment.submit(round=rnd, instrument="selfie", responses=[
                {"respondent": f"{rnd}-{c}", "school": c, "group": "teachers", "answers": {"A1": t[i] - 1}} for c, *t in SMALL])
        h.call("script.set", {"hub": "H", "name": "pairing", "source": POLICY})
        run = h.call("pairing.propose", {"hub": "H", "round": "R1", "level": "school",
                                         "pins": [{"mentee": "E1", "mentor": "M1"}, {"mentee": "E2", "mentor": "M2"}]})
        h.call("pairing.confirm", {"run": run["run"]})
        h.call("activity.log", {"hub": "H", "kind": "workshop", "date": ACTIVITY_DAY, "minutes": 180, "participants": [{"school": "E1"}]})
        h.call("activity.log", {"hub": "H", "kind": "workshop", "date": ACTIVITY_DAY, "minutes": 60, "participants": [{"school": "E2"}]})
        r = h.call("impact.estimate", {"instrument": "selfie", "from": "R1", "to": "R2", "match": "nearest", "bootstrap": 200})
        assert r["level"] == "school" and r["estimate"]["did"] == pytest.approx(0.5)
        assert [(p["mentored_school"], p["comparison_school"]) for p in r["matching"]["pairs"]] == [("E1", "C1"), ("E2", "C3")]
        assert r["dose_response"]["slope"] == pytest.approx(1.0)
        # No classifications of R1: nobody can be matched by class.
        with pytest.raises(ihub.ConstraintError, match=r"0 mentored schools matched \(of 2 assessed in both rounds; unmatched: 2 no class in the earlier round\)"):
            h.call("impact.estimate", {"instrument": "selfie", "from": "R1", "to": "R2"})


def test_cli(tmp_path):
    path = os.path.join(os.path.dirname(os.environ.get("IHUB_LIBRARY", "")), "ihub-cli")
    if not os.path.exists(path):
        pytest.skip("ihub-cli is not beside IHUB_LIBRARY")
    db = str(tmp_path / "hub.db")
    with ihub.open(db) as h:
        small(h)
    done = subprocess.run([path, "impact", "--instrument", "digcompedu", "--from", "R1", "--to", "R2", "--match", "nearest",
                           "--bootstrap", "300", "--db", db], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "difference in differences: 0.50 (95% CI -1.00 to 2.00, 300 replicates, seed 1)" in done.stdout and "mentored:   2 matched of 2" in done.stdout
    done = subprocess.run([path, "impact", "--instrument", "digcompedu", "--from", "R1", "--to", "R2", "--json", "--db", db],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and json.loads(done.stdout)["estimate"]["did"] == pytest.approx(0.5)
    done = subprocess.run([path, "impact", "--hub", "H", "--instrument", "digcompedu", "--from", "R1", "--to", "R2", "--db", db],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_through_lua():
    with ihub.open() as h:
        small(h)
        v = h.eval("return ihub.impact.estimate{instrument = 'digcompedu', from = 'R1', to = 'R2', match = 'nearest', bootstrap = 100}"
                   ".estimate.did")
        assert v == pytest.approx(0.5)


AREAS = {"1": ["1.1", "1.2", "1.3", "1.4"], "2": ["2.1", "2.2", "2.3"]}


def answers(rng, level):
    return {i: int(np.clip(np.rint(level + rng.normal(0, 0.6)), 1, 6)) for items in AREAS.values() for i in items}


def score(a):
    # The mean of the area means, as ihub scores a response.
    means = [sum(a[i] for i in items) / len(items) for items in AREAS.values()]
    return sum(means) / len(means)


@pytest.fixture(scope="module")
def synthetic():
    """30 mentees (selected among the weaker), 30 mentors, 60 comparison
    teachers; a common trend of +0.3 and, for mentees, an effect of
    0.2 + 0.1 per hour of mentoring (0..8 hours)."""
    rng = np.random.default_rng(20261202)
    teachers, truth, hours = [], [], {}
    groups = [("E", 30, 2.6), ("M", 30, 3.8), ("C", 60, 3.0)]
    for prefix, n, centre in groups:
        for j in range(n):
            code = f"{prefix}{j:02d}"
            ability = rng.normal(centre, 0.7)
            effect = 0.0
            if prefix == "E":
                hours[code] = int(rng.integers(0, 9))
                effect = 0.2 + 0.1 * hours[code]
                truth.append(effect)
            teachers.append((code, answers(rng, ability), answers(rng, ability + 0.3 + effect)))
    pairs = [(f"E{j:02d}", f"M{j:02d}") for j in range(30)]
    with ihub.open() as h:
        build(h, 5, teachers, pairs, hours)
        results = {m: estimate(h, hub="H", match=m, seed=11) for m in ("class", "nearest")}
    frame = {c: (score(a), score(b)) for c, a, b in teachers}
    return frame, hours, float(np.mean(truth)), results


def test_synthetic_nearest_matches_numpy_and_covers_the_effect(synthetic):
    frame, hours, true_effect, results = synthetic
    r = results["nearest"]
    mentees = [c for c in frame if c[0] == "E"]
    controls = [c for c in frame if c[0] == "C"]  # in id order: ties go to the first
    pre = np.array([frame[c][0] for c in controls])
    diffs = []
    for t in mentees:
        j = int(np.argmin(np.abs(pre - frame[t][0])))
        diffs.append((frame[t][1] - frame[t][0]) - (frame[controls[j]][1] - frame[controls[j]][0]))
        assert r["matching"]["pairs"][len(diffs) - 1]["comparison_person"] == controls[j]
    assert r["estimate"]["did"] == pytest.approx(np.mean(diffs), abs=1e-12)
    low, high = r["estimate"]["ci"]
    assert low < true_effect < high and high - low < 1.0
    assert r["mentored"]["matched"] == 30 and r["mentors_left_out"] == 30 and r["comparison"]["available"] == 60


def test_synthetic_class_matches_numpy_and_covers_the_effect(synthetic):
    frame, hours, true_effect, results = synthetic
    r = results["class"]
    change = {c: b - a for c, (a, b) in frame.items()}
    by_class = {}
    for c in frame:
        if c[0] == "C":
            by_class.setdefault(cls(frame[c][0]), []).append(change[c])
    matched = [t for t in frame if t[0] == "E" and cls(frame[t][0]) in by_class]
    expected = np.mean([change[t] - np.mean(by_class[cls(frame[t][0])]) for t in matched])
    assert r["mentored"]["matched"] == len(matched)
    assert r["estimate"]["did"] == pytest.approx(expected, abs=1e-12)
    low, high = r["estimate"]["ci"]
    assert low < true_effect < high
    strata = {s["class"]: (s["mentored"], s["comparison"]) for s in r["matching"]["strata"]}
    assert strata == {k: (sum(1 for t in matched if cls(frame[t][0]) == k), len(v)) for k, v in by_class.items()
                      if any(cls(frame[t][0]) == k for t in matched)}


def test_synthetic_dose_response_is_statsmodels_ols(synthetic):
    frame, hours, _, results = synthetic
    mentees = [c for c in frame if c[0] == "E"]
    x = np.array([hours[c] for c in mentees], dtype=float)
    y = np.array([frame[c][1] - frame[c][0] for c in mentees])
    fit = sm.OLS(y, sm.add_constant(x)).fit()
    d = results["nearest"]["dose_response"]
    assert d["n"] == 30 and d["df"] == 28
    assert d["slope"] == pytest.approx(fit.params[1], rel=1e-10)
    assert d["intercept"] == pytest.approx(fit.params[0], rel=1e-10)
    assert d["se"] == pytest.approx(fit.bse[1], rel=1e-10)
    assert d["ci"] == pytest.approx(list(fit.conf_int()[1]), rel=1e-9)
    # The true slope is 0.1 per hour.
    assert d["ci"][0] < 0.1 < d["ci"][1]


def test_slope_with_one_degree_of_freedom_is_statsmodels():
    """Three mentees: the t quantile at 1 degree of freedom (12.706...) makes the interval."""
    teachers = [("E1", 2, 3), ("E2", 3, 6), ("E3", 2, 4), ("M1", 4, 4), ("M2", 4, 4), ("M3", 4, 4),
                ("C1", 2, 2), ("C2", 3, 4), ("C3", 5, 5)]
    with ihub.open() as h:
        build(h, 2, [(c, {"1.1": a}, {"1.1": b}) for c, a, b in teachers], [("E1", "M1"), ("E2", "M2"), ("E3", "M3")],
              {"E1": 1, "E2": 2, "E3": 4})
        d = estimate(h, match="nearest", bootstrap=100)["dose_response"]
    fit = sm.OLS(np.array([1.0, 3.0, 2.0]), sm.add_constant(np.array([1.0, 2.0, 4.0]))).fit()
    assert d["df"] == 1 and d["slope"] == pytest.approx(fit.params[1], rel=1e-12)
    assert d["se"] == pytest.approx(fit.bse[1], rel=1e-12)
    assert d["ci"] == pytest.approx(list(fit.conf_int()[1]), rel=1e-10)
