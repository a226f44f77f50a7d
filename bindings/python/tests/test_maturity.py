"""The maturity indicators (maturity.change, maturity.moved_up) on a small
hand-made hub: three teachers assessed in two rounds, answers chosen so the
means, Hedges' g and the levels are known; the default rounds are the two
latest with data."""
import math

import pytest

import ihub

# DigCompEdu levels: A1 >= 1, A2 >= 1.5, B1 >= 2.5, B2 >= 3.5, C1 >= 4.5, C2 >= 5.5.
# Each teacher answers items 1.1 and 1.2 of area 1 (and nothing of the others):
# area 1 mean = overall = the mean of the two answers.
ANSWERS = {  # person: (R1 answers, R2 answers)
    "P1": ((2, 2), (3, 3)),   # 2 (A2) -> 3 (B1): up
    "P2": ((3, 3), (3, 4)),   # 3 (B1) -> 3.5 (B2): up
    "P3": ((4, 4), (2, 2)),   # 4 (B2) -> 2 (A2): down
    "P4": ((5, 5), None),     # only in R1
}


@pytest.fixture
def h():
    with ihub.open() as handle:
        handle.call("hub.add", {"code": "H", "name": "Hub", "country": "EE", "min_group_size": 3})
        handle.call("school.add", {"hub": "H", "code": "S1", "name": "School 1"})
        for code, start in (("R0", "2024-09-01"), ("R1", "2025-09-01"), ("R2", "2026-09-01")):
            handle.call("round.add", {"hub": "H", "code": code, "name": code, "start": start})
        for p in ANSWERS:
            handle.call("person.add", {"hub": "H", "code": p, "name": "Teacher " + p, "schools": ["S1"], "roles": ["teacher"]})
        # R0: one old response, so the default must skip to R1 and R2.
        handle.assessment.submit(round="R0", instrument="digcompedu", responses=[
            {"respondent": "old", "school": "S1", "person": "P1", "group": "teachers", "answers": {"1.1": 6}}])
        for i, rnd in enumerate(("R1", "R2")):
            handle.assessment.submit(round=rnd, instrument="digcompedu", responses=[
                {"respondent": f"{rnd}-{p}", "school": "S1", "person": p, "group": "teachers",
                 "answers": {"1.1": a[i][0], "1.2": a[i][1]}}
                for p, a in ANSWERS.items() if a[i] is not None])
        yield handle


def compute(h, name, **options):
    r = h.call("indicator.compute", {"hub": "H", "names": [name], "options": {name: options} if options else {}})
    (ind,) = r["indicators"]
    assert "error" not in ind, ind
    return {row["part"]: row for row in ind["rows"]}


def hedges(a, b):
    n1, n2 = len(a), len(b)
    m1, m2 = sum(a) / n1, sum(b) / n2
    v1 = sum((x - m1) ** 2 for x in a) / (n1 - 1)
    v2 = sum((x - m2) ** 2 for x in b) / (n2 - 1)
    d = (m2 - m1) / math.sqrt(((n1 - 1) * v1 + (n2 - 1) * v2) / (n1 + n2 - 2))
    g = (1 - 3 / (4 * (n1 + n2) - 9)) * d
    se = math.sqrt((n1 + n2) / (n1 * n2) + g * g / (2 * (n1 + n2)))
    return g, (g - 1.959963984540054 * se, g + 1.959963984540054 * se)


def test_change_is_assessment_compare_per_group_and_area(h):
    rows = compute(h, "maturity.change")
    before, after = [2, 3, 4, 5], [3, 3.5, 2]
    overall = rows["teachers:overall"]
    assert overall["instrument"] == "digcompedu" and (overall["from"], overall["to"]) == ("R1", "R2")
    assert overall["value"] == pytest.approx(sum(after) / 3 - sum(before) / 4)
    assert (overall["n_from"], overall["n_to"], overall["n"]) == (4, 3, 3)
    assert overall["from_mean"] == pytest.approx(3.5) and overall["to_mean"] == pytest.approx(8.5 / 3)
    g, ci = hedges(before, after)
    assert overall["hedges_g"] == pytest.approx(g) and overall["ci"] == pytest.approx(list(ci))
    assert rows["teachers:1"]["value"] == pytest.approx(overall["value"])
    # Nobody answered area 2: no people, the row is withheld.
    assert rows["teachers:2"]["suppressed"] and rows["teachers:2"]["value"] is None and rows["teachers:2"]["n"] == 0
    # The same figures as assessment.compare.
    cmp = h.assessment.compare(instrument="digcompedu", **{"from": "R1"}, to="R2")
    (c,) = [r for r in cmp["results"] if r["area"] == "overall"]
    assert c["change"] == pytest.approx(overall["value"]) and c["hedges_g"] == pytest.approx(overall["hedges_g"])


def test_change_with_named_rounds_and_small_groups_suppressed(h):
    rows = compute(h, "maturity.change", instrument="digcompedu", **{"from": "R0"}, to="R1")
    # R0 has one respondent: below k = 3, withheld with the reason.
    row = rows["teachers:overall"]
    assert row["n"] == 1 and row["suppressed"] and row["value"] is None and "k = 3" in row["reason"]
    with pytest.raises(ihub.NotFoundError, match=r"params\.options\.maturity\.change\.from: no round"):
        h.call("indicator.compute", {"hub": "H", "names": ["maturity.change"], "options": {"maturity.change": {"from": "NOPE"}}})


def test_moved_up_counts_teachers_assessed_in_both_rounds(h):
    rows = compute(h, "maturity.moved_up")
    overall = rows["overall"]
    # P1 and P2 moved up, P3 down; P4 was not assessed in R2.
    assert (overall["value"], overall["n"], overall["teachers"], overall["moved_up"], overall["moved_down"]) == (
        pytest.approx(2 / 3), 3, 3, 2, 1)
    assert rows["1"]["value"] == pytest.approx(2 / 3)
    assert rows["2"]["n"] == 0 and rows["2"]["suppressed"]
    # A school instrument has no levels of teachers.
    with pytest.raises(ihub.InvalidError, match=r"params\.options\.maturity\.moved_up\.instrument: selfie"):
        compute(h, "maturity.moved_up", instrument="selfie")


def test_no_rounds_no_rows_and_through_lua(h):
    # A window ending before R1 started: only R0 has data, nothing to compare.
    r = h.call("indicator.compute", {"hub": "H", "window": "cumulative:2025-01-01", "names": ["maturity.change"]})
    assert r["indicators"][0]["rows"] == []
    v = h.eval("""
        local r = ihub.indicator.compute{hub = 'H', names = {'maturity.moved_up'}}
        for _, row in ipairs(r.indicators[1].rows) do if row.part == 'overall' then return row.moved_up end end
    """)
    assert v == 2


def test_consortium_pools_each_hubs_own_two_latest_rounds(h):
    h.call("hub.add", {"code": "G", "name": "Other", "country": "FI", "min_group_size": 2})
    h.call("school.add", {"hub": "G", "code": "GS", "name": "G school"})
    for code, start in (("G1", "2025-10-01"), ("G2", "2026-10-01")):
        h.call("round.add", {"hub": "G", "code": code, "name": code, "start": start})
    for p in ("Q1", "Q2"):
        h.call("person.add", {"hub": "G", "code": p, "name": p, "schools": ["GS"], "roles": ["teacher"]})
    # Q1: 1 (A1) -> 2 (A2), up; Q2: 6 -> 6 (C2).
    for rnd, (q1, q2) in (("G1", (1, 6)), ("G2", (2, 6))):
        h.assessment.submit(round=rnd, instrument="digcompedu", responses=[
            {"respondent": f"{rnd}-{p}", "school": "GS", "person": p, "group": "teachers", "answers": {"1.1": v}}
            for p, v in (("Q1", q1), ("Q2", q2))])
    r = h.call("indicator.compute", {"names": ["maturity.change", "maturity.moved_up"]})
    assert r["scope"] == {"consortium": True} and r["k"] == 3
    change, moved = ({row["part"]: row for row in ind["rows"]} for ind in r["indicators"])
    overall = change["teachers:overall"]
    # H's R1 -> R2 and G's G1 -> G2, never R2 against G2.
    assert (overall["from"], overall["to"]) == ("R1, G1", "R2, G2")
    assert (overall["n_from"], overall["n_to"]) == (6, 5)
    assert overall["from_mean"] == pytest.approx(21 / 6) and overall["to_mean"] == pytest.approx(16.5 / 5)
    assert overall["value"] == pytest.approx(16.5 / 5 - 21 / 6)
    assert (moved["overall"]["teachers"], moved["overall"]["moved_up"], moved["overall"]["value"]) == (5, 3, pytest.approx(0.6))
