"""Assessments through ihub_call: submit, scores, aggregates with small-group
suppression, round comparison, classification — statistics checked against
numpy and scipy computed here from the same raw answers."""
import numpy as np
import pytest
from scipy import stats

import ihub

SELFIE_AREAS = "ABCDEFGH"


@pytest.fixture
def h():
    with ihub.open() as handle:
        handle.call("hub.add", {"code": "EE-ACC", "name": "Accelerator", "country": "EE", "min_group_size": 5})
        handle.school.add_many(schools=[{"hub": "EE-ACC", "code": c, "name": f"School {c}"} for c in ("S1", "S2", "S3")])
        for code, start in (("R1", "2024-09-01"), ("R2", "2025-09-01")):
            handle.round.add(hub="EE-ACC", code=code, name=f"Round {code}", start=start)
        handle.person.add_many(people=[
            {"hub": "EE-ACC", "code": f"P{i}", "name": f"Teacher {i}", "roles": ["teacher"], "schools": ["S1"]} for i in range(1, 4)
        ])
        yield handle


def teacher_items(h):
    """Item codes of selfie asked of teachers, by area."""
    definition = h.instrument.get(code="selfie")["definition"]
    return {a["code"]: [i["code"] for i in a["items"] if "teachers" in i.get("groups", a.get("groups", ["teachers"]))]
            for a in definition["areas"]}


def random_responses(h, rng, prefix, n, school="S1", shift=0.0):
    """n teachers answering every item at random (1..5, some na/pnts);
    returns the responses and each one's overall score computed here."""
    items = teacher_items(h)
    responses, overall = [], []
    for r in range(n):
        answers, area_means = {}, []
        level = rng.normal(3 + shift, 0.7)
        for area, codes in items.items():
            scores = []
            for code in codes:
                u = rng.random()
                if u < 0.05:
                    answers[code] = "na"
                elif u < 0.08:
                    answers[code] = "pnts"
                else:
                    answers[code] = int(np.clip(np.rint(level + rng.normal(0, 0.8)), 1, 5))
                    scores.append(answers[code])
            if scores:
                area_means.append(np.mean(scores))
        responses.append({"respondent": f"{prefix}{r}", "school": school, "group": "teachers", "answers": answers})
        overall.append(np.mean(area_means))
    return responses, np.array(overall)


def row(result, group, area):
    return next(r for r in result["results"] if r["group"] == group and r["area"] == area)


def test_submit_and_scores_keep_na_and_pnts_apart(h):
    done = h.assessment.submit(round="R1", instrument="selfie", responses=[
        {"respondent": "T1", "school": "S1", "group": "teachers",
         "answers": {"A1": 4, "A2": 5, "A3": "na", "A4": "pnts", "B1": 2, "C1": 5}},
    ])
    assert done["created"] == 1 and done["answers"] == 6
    (r,) = h.assessment.scores(round="R1", instrument="selfie")["responses"]
    assert r["items"]["A3"] == "na" and r["items"]["A4"] == "pnts"
    assert r["areas"]["A"] == {"mean": 4.5, "n": 2, "na": 1, "pnts": 1}
    assert r["overall"] == pytest.approx((4.5 + 2 + 5) / 3)
    # The same through Lua, in the read-only methodology context.
    assert h.call("script.eval", {"source": "return ihub.assessment.scores{round = 'R1', instrument = 'selfie'}"
                                            ".responses[1].areas.A.mean"})["values"] == [4.5]


def test_bad_answers_name_the_path_and_store_nothing(h):
    good = {"respondent": "T1", "school": "S1", "group": "teachers", "answers": {"A1": 3}}
    bad = {"respondent": "T2", "school": "S1", "group": "teachers", "answers": {"A1": 3, "B2": 7}}
    with pytest.raises(ihub.InvalidError, match=r"^params\.responses\[1\]\.answers\.B2: 7 is outside the scale 1\.\.5$"):
        h.assessment.submit(round="R1", instrument="selfie", responses=[good, bad])
    with pytest.raises(ihub.InvalidError, match=r"params\.responses\[0\]\.person: missing"):
        h.assessment.submit(round="R1", instrument="digcompedu", responses=[{**good, "answers": {"1.1": 3}}])
    assert h.assessment.scores(round="R1", instrument="selfie")["responses"] == []


def test_suppression_exactly_at_k(h):
    rng = np.random.default_rng(1)
    responses, overall = random_responses(h, rng, "T", 5)
    h.assessment.submit(round="R1", instrument="selfie", responses=responses[:4])
    four = row(h.assessment.aggregate(round="R1", instrument="selfie"), "teachers", "overall")
    assert four["n"] == 4 and four["suppressed"] and four["mean"] is None and "fewer than 5" in four["reason"]
    h.assessment.submit(round="R1", instrument="selfie", responses=responses[4:])
    five = row(h.assessment.aggregate(round="R1", instrument="selfie"), "teachers", "overall")
    assert five["n"] == 5 and not five["suppressed"]
    assert five["mean"] == pytest.approx(overall.mean(), abs=1e-12)
    assert five["sd"] == pytest.approx(overall.std(ddof=1), abs=1e-12)


def test_aggregate_pools_responses_with_area_reports(h):
    rng = np.random.default_rng(2)
    responses, _ = random_responses(h, rng, "T", 12)
    h.assessment.submit(round="R1", instrument="selfie", responses=responses)
    raw = np.array([np.mean([v for k, v in r["answers"].items() if k.startswith("A") and not isinstance(v, str)])
                    for r in responses if any(k.startswith("A") and not isinstance(v, str) for k, v in r["answers"].items())])
    # Another school's teachers arrive as a report: mean, sd and n of their area A.
    other = rng.integers(1, 6, size=17).astype(float)
    h.assessment.report(round="R1", instrument="selfie", results=[
        {"school": "S2", "group": "teachers", "area": "A", "mean": other.mean(), "sd": other.std(ddof=1), "n": len(other)}])
    a = row(h.assessment.aggregate(round="R1", instrument="selfie", group="teachers"), "teachers", "A")
    both = np.concatenate([raw, other])
    assert a["n"] == len(both) and a["n_reported"] == len(other)
    assert a["mean"] == pytest.approx(both.mean(), abs=1e-12)
    assert a["sd"] == pytest.approx(both.std(ddof=1), abs=1e-12)
    assert stats.describe(both).variance == pytest.approx(a["sd"] ** 2)


def hedges_g(x, y):
    """Hedges' g of y against x and its 95% CI, from the textbook formulas."""
    n1, n2 = len(x), len(y)
    pooled = np.sqrt(((n1 - 1) * x.var(ddof=1) + (n2 - 1) * y.var(ddof=1)) / (n1 + n2 - 2))
    g = (1 - 3 / (4 * (n1 + n2) - 9)) * (y.mean() - x.mean()) / pooled
    se = np.sqrt((n1 + n2) / (n1 * n2) + g ** 2 / (2 * (n1 + n2)))
    z = stats.norm.ppf(0.975)
    return g, se, (g - z * se, g + z * se)


def test_compare_rounds_against_scipy(h):
    rng = np.random.default_rng(3)
    before, x = random_responses(h, rng, "A", 23)
    after, y = random_responses(h, rng, "B", 31, shift=0.4)
    h.assessment.submit(round="R1", instrument="selfie", responses=before)
    h.assessment.submit(round="R2", instrument="selfie", responses=after)
    result = h.assessment.compare(instrument="selfie", **{"from": "R1", "to": "R2"}, group="teachers")
    r = row(result, "teachers", "overall")
    g, se, (low, high) = hedges_g(x, y)
    assert r["from"]["n"] == 23 and r["to"]["n"] == 31
    assert r["change"] == pytest.approx(y.mean() - x.mean(), abs=1e-12)
    assert r["hedges_g"] == pytest.approx(g, abs=1e-12)
    assert r["se"] == pytest.approx(se, abs=1e-12)
    assert r["ci"] == pytest.approx([low, high], abs=1e-12)
    # Cohen's d from scipy's t statistic agrees: d = t * sqrt(1/n1 + 1/n2).
    t = stats.ttest_ind(y, x).statistic
    assert r["hedges_g"] == pytest.approx(t * np.sqrt(1 / 23 + 1 / 31) * (1 - 3 / (4 * 54 - 9)), abs=1e-9)
    # Below k on either side: no figures.
    h.hub.update(code="EE-ACC", min_group_size=24)
    small = row(h.assessment.compare(instrument="selfie", **{"from": "R1", "to": "R2"}), "teachers", "overall")
    assert small["suppressed"] and small["hedges_g"] is None and small["reason"].startswith("from: fewer than 24")


def test_classification_default_and_lua_override(h):
    rng = np.random.default_rng(4)
    responses, overall = random_responses(h, rng, "T", 8, shift=1.2)
    h.assessment.submit(round="R1", instrument="selfie", responses=responses)
    h.assessment.submit(round="R1", instrument="digcompedu", responses=[
        {"respondent": p, "school": "S1", "person": p, "group": "teachers", "answers": {"1.1": v, "2.1": v, "3.1": v}}
        for p, v in (("P1", 5), ("P2", 3), ("P3", 1))])

    run = h.classification.run(hub="EE-ACC", round="R1", subject="school")
    assert run["rule"] == "default" and run["classified"] == 1
    (s1,) = h.classification.list(round="R1", subject="school")
    expected = "advanced" if overall.mean() >= 3.75 else "developing" if overall.mean() >= 2.75 else "beginning"
    assert s1["class"] == expected and s1["reasons"][0].startswith(f"selfie overall {overall.mean():.2f} from 8 teachers")
    h.classification.run(hub="EE-ACC", round="R1", subject="teacher")
    teachers = {c["code"]: c["class"] for c in h.classification.list(round="R1", subject="teacher")}
    assert teachers == {"P1": "advanced", "P2": "developing", "P3": "beginning"}

    source = """
    function classify(subject, a)
      local d = a.digcompedu
      if not d then return nil end
      return d.overall >= 3 and "mentor" or "mentee", {"digcompedu " .. d.level}
    end
    """
    stored = h.script.set(hub="EE-ACC", name="classify", source=source)
    run = h.classification.run(hub="EE-ACC", round="R1", subject="teacher")
    assert run["rule"] == "script:" + stored["hash"] and run["classes"] == {"mentor": 2, "mentee": 1}
    assert {c["code"]: c["reasons"] for c in h.classification.list(round="R1", subject="teacher")}["P3"] == ["digcompedu A1"]

    before = h.classification.list(round="R1")
    h.script.set(hub="EE-ACC", name="classify", source="function classify(s) error('no rule for ' .. s.code) end")
    with pytest.raises(ihub.ScriptError, match="EE-ACC/classify:1: no rule for P1"):
        h.classification.run(hub="EE-ACC", round="R1", subject="teacher")
    assert h.classification.list(round="R1") == before


def test_lua_defined_instrument(h):
    h.instrument.define(hub="EE-ACC", source="""
        local items = {}
        for i = 1, 9 do items[i] = {code = "Q" .. i, text = "Question " .. i} end
        return {code = "selftest", name = "9-question self-test", subject = "school",
                scale = {min = 0, max = 1, labels = {"no", "yes"}}, groups = {"leaders"},
                areas = {{code = "S", name = "Self-test", items = items}},
                score = function(answers) local n = 0 for _, v in pairs(answers) do if v == 1 then n = n + 1 end end return n end}
    """)
    h.assessment.submit(round="R1", instrument="selftest", responses=[
        {"respondent": "L1", "school": "S1", "group": "leaders", "answers": {f"Q{i}": int(i % 3 == 0) for i in range(1, 10)}}])
    (r,) = h.assessment.scores(round="R1", instrument="selftest")["responses"]
    assert r["overall"] == 3
    with pytest.raises(ihub.InvalidError, match=r"^instrument\.areas\[0\]\.items\[0\]\.code: expected a string, got an integer$"):
        h.instrument.define(source="return {code = 'x', name = 'x', subject = 'school', scale = {min = 1, max = 5},"
                                   " areas = {{code = 'A', name = 'a', items = {{code = 1, text = 't'}}}}}")
