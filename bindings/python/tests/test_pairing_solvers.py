"""pairing.solve against the reference solvers: scipy's linear_sum_assignment
(1:1) and OR-Tools' SimpleMinCostFlow (loads), on instances too large for
brute force. Integer scores, so totals must match exactly."""

import json

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment

import ihub

ortools_flow = pytest.importorskip("ortools.graph.python.min_cost_flow")


@pytest.fixture(scope="module")
def h():
    with ihub.open() as handle:
        yield handle


def dense_candidates(values, allowed=None):
    n, m = values.shape
    return [[i, j, int(values[i, j])] for i in range(n) for j in range(m)
            if allowed is None or allowed[i, j]]


@pytest.mark.parametrize("n,m,seed", [(1, 1, 0), (40, 40, 1), (150, 150, 2), (120, 200, 3), (200, 90, 4), (400, 400, 5)])
def test_dense_coverage_equals_scipy(h, n, m, seed):
    rng = np.random.default_rng(seed)
    values = rng.integers(-50, 1000, size=(n, m))
    r = h.call("pairing.solve", {"mentees": n, "mentors": m, "objective": "coverage",
                                 "candidates": dense_candidates(values)})
    rows, cols = linear_sum_assignment(values, maximize=True)
    assert len(r["pairs"]) == min(n, m)
    assert r["total"] == values[rows, cols].sum()
    assert sorted(r["pairs"]) == sorted([a, b] for a, b in r["pairs"])  # well formed
    assert len({a for a, _ in r["pairs"]}) == len(r["pairs"]) == len({b for _, b in r["pairs"]})


@pytest.mark.parametrize("seed", range(4))
def test_total_fit_with_forbidden_pairs_equals_scipy(h, seed):
    # Best total with forbidden pairs and negative scores: scipy on the complete
    # matrix where a forbidden or negative pair is worth 0 (leaving it out).
    rng = np.random.default_rng(100 + seed)
    n, m = 120, 150
    values = rng.integers(-300, 1000, size=(n, m))
    allowed = rng.random((n, m)) < 0.4
    r = h.call("pairing.solve", {"mentees": n, "mentors": m, "objective": "total_fit",
                                 "candidates": dense_candidates(values, allowed)})
    clamped = np.where(allowed, np.maximum(values, 0), 0)
    rows, cols = linear_sum_assignment(clamped, maximize=True)
    assert r["total"] == clamped[rows, cols].sum()
    assert all(allowed[a, b] for a, b in r["pairs"])


def loads_instance(seed, n=600, m=150, per=15):
    rng = np.random.default_rng(seed)
    cap = rng.integers(1, 6, size=m)
    mmax = rng.integers(1, 3, size=n)
    cands = []
    for a in range(n):
        for b in rng.choice(m, size=per, replace=False):
            cands.append([a, int(b), int(rng.integers(0, 1000))])
    return n, m, cap, mmax, cands


def ortools_best(n, m, cap, mmax, cands, allow_unpaired):
    """Max flow at min cost: source -> mentees -> mentors -> sink; with
    allow_unpaired, each mentee also reaches the sink at cost 0 (total fit)."""
    f = ortools_flow.SimpleMinCostFlow()
    src, sink = n + m, n + m + 1
    for a in range(n):
        f.add_arc_with_capacity_and_unit_cost(src, a, int(mmax[a]), 0)
        if allow_unpaired:
            f.add_arc_with_capacity_and_unit_cost(a, sink, int(mmax[a]), 0)
    for a, b, s in cands:
        f.add_arc_with_capacity_and_unit_cost(a, n + b, 1, -s)
    for b in range(m):
        f.add_arc_with_capacity_and_unit_cost(n + b, sink, int(cap[b]), 0)
    # Max flow with min cost runs from the supply nodes to the demand nodes.
    f.set_node_supply(src, int(mmax.sum()))
    f.set_node_supply(sink, -int(mmax.sum()))
    assert f.solve_max_flow_with_min_cost() == f.OPTIMAL
    pairs = sum(1 for k in range(f.num_arcs()) if f.tail(k) < n and f.head(k) < n + m and f.head(k) >= n and f.flow(k))
    return pairs, -f.optimal_cost()


@pytest.mark.parametrize("seed", range(3))
def test_loads_coverage_and_total_fit_equal_ortools(h, seed):
    n, m, cap, mmax, cands = loads_instance(seed)
    params = {"mentees": n, "mentors": m, "mentee_max": mmax.tolist(), "mentor_max": cap.tolist(),
              "candidates": cands}
    cov = h.call("pairing.solve", {**params, "objective": "coverage"})
    pairs, total = ortools_best(n, m, cap, mmax, cands, allow_unpaired=False)
    assert (len(cov["pairs"]), cov["total"]) == (pairs, total)
    fit = h.call("pairing.solve", {**params, "objective": "total_fit"})
    _, total = ortools_best(n, m, cap, mmax, cands, allow_unpaired=True)
    assert fit["total"] == total
    load = np.zeros(m, int)
    for _, b in fit["pairs"]:
        load[b] += 1
    assert (load <= cap).all()


def test_loads_with_negative_scores_equal_ortools(h):
    n, m, cap, mmax, cands = loads_instance(9, n=300, m=80)
    cands = [[a, b, s - 400] for a, b, s in cands]
    params = {"mentees": n, "mentors": m, "mentee_max": mmax.tolist(), "mentor_max": cap.tolist(),
              "candidates": cands}
    fit = h.call("pairing.solve", {**params, "objective": "total_fit"})
    _, total = ortools_best(n, m, cap, mmax, cands, allow_unpaired=True)
    assert fit["total"] == total


def test_same_input_same_pairs_and_errors(h):
    n, m, cap, mmax, cands = loads_instance(3, n=200, m=60)
    params = {"mentees": n, "mentors": m, "mentee_max": mmax.tolist(), "mentor_max": cap.tolist(),
              "candidates": cands, "objective": "fairness"}
    a = h.call("pairing.solve", params)
    b = h.call("pairing.solve", {**params, "candidates": cands[::-1]})
    assert sorted(a["pairs"]) == sorted(b["pairs"]) and a["total"] == b["total"]
    stable = h.call("pairing.solve", {**params, "objective": "stable"})
    assert stable["objective"] == "stable" and len(stable["pairs"]) > 0
    with pytest.raises(ihub.ConstraintError, match="needs 2 mentor"):
        h.call("pairing.solve", {"mentees": 1, "mentors": 1, "mentee_min": [2], "mentee_max": [2],
                                 "candidates": [[0, 0, 1]]})
    with pytest.raises(ihub.InvalidError, match=r"candidates\[1\]"):
        h.call("pairing.solve", {"mentees": 1, "mentors": 1, "candidates": [[0, 0, 1], [0, 3, 1]]})
    with pytest.raises(ihub.InvalidError, match="duplicate"):
        h.call("pairing.solve", {"mentees": 1, "mentors": 1, "candidates": [[0, 0, 1], [0, 0, 2]]})


def test_a_million_candidates_in_one_call(h):
    # 20,000 mentees x 50 mentors each, every score equal: all are paired.
    # (How fast is scripts/bench's business, not a test's.)
    rng = np.random.default_rng(7)
    n, m, per = 20000, 4000, 50
    mentors = rng.integers(0, m, size=(n, per))
    cands = []
    for a in range(n):
        for b in np.unique(mentors[a]):
            cands.append([a, int(b), 1])
    text = json.dumps({"mentees": n, "mentors": m, "mentor_max": [6] * m, "candidates": cands})
    r = h.call("pairing.solve", text)
    assert len(r["pairs"]) == n and r["total"] == n and r["unmatched"] == []


@pytest.mark.parametrize("seed", range(2))
def test_fairness_equals_ortools_threshold(h, seed):
    # The worst pair is the largest threshold at which OR-Tools still pairs as
    # many people; the total is OR-Tools' best among pairs at or above it.
    n, m, cap, mmax, cands = loads_instance(20 + seed, n=500, m=100, per=8)
    params = {"mentees": n, "mentors": m, "mentee_max": mmax.tolist(), "mentor_max": cap.tolist(),
              "candidates": cands}
    fair = h.call("pairing.solve", {**params, "objective": "fairness"})
    cov = h.call("pairing.solve", {**params, "objective": "coverage"})
    assert len(fair["pairs"]) == len(cov["pairs"])
    score = {(a, b): s for a, b, s in cands}
    worst = min(score[tuple(p)] for p in fair["pairs"])
    above = [c for c in cands if c[2] > worst]
    assert ortools_best(n, m, cap, mmax, above, allow_unpaired=False)[0] < len(cov["pairs"])
    at = [c for c in cands if c[2] >= worst]
    assert ortools_best(n, m, cap, mmax, at, allow_unpaired=False) == (len(fair["pairs"]), fair["total"])
