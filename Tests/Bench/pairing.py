"""pairing.py — rows "pairing dense 1:1" and "pairing loads": the exact solvers
of pairing.solve beside the reference solvers, on the same instance in one run.

    python3 pairing.py DENSE_SIZES LOADS_MENTEES LOADS_MENTORS PER_MENTEE REPS

Dense 1:1: an n x n matrix of integer scores in [0, 10^6); ihub solves it with
objective "coverage" (most pairs, then best total: a full assignment), scipy's
linear_sum_assignment(maximize=True) the same matrix. Loads: each mentee has
PER_MENTEE candidate mentors (distinct, uniform), integer scores in [0, 1000],
mentor capacities 5-7, one mentor per mentee; ihub "coverage" against OR-Tools
SimpleMinCostFlow.solve_max_flow_with_min_cost on source -> mentees -> mentors
-> sink with unit cost -score (the same optimum: most pairs, then best total).

Times: "solve" is the solver alone, measured inside ihub (solve_seconds:
validation, sorting, solving; not the JSON); "call" is the whole ihub_call from
Python with the JSON text ready (parse, solve, result). The peers are timed on
their solve call alone, with the matrix / graph already built. Best of REPS.
Prints "<key> <value>" lines; exits 1 when the two sides' optima differ.
"""

import os
import sys
import time

import numpy as np
from scipy.optimize import linear_sum_assignment

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bindings", "python"))
import ihub  # noqa: E402
from ortools.graph.python import min_cost_flow  # noqa: E402


def candidates_text(mentee, mentor, score):
    return "[" + ",".join(f"[{a},{b},{s}]" for a, b, s in zip(mentee.tolist(), mentor.tolist(), score.tolist())) + "]"


def ihub_solve(h, head, cands, reps):
    text = head[:-1] + ',"candidates":' + cands + "}"
    best_solve = best_call = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter()
        r = h.call("pairing.solve", text)
        best_call = min(best_call, time.perf_counter() - t0)
        best_solve = min(best_solve, r["solve_seconds"])
    return r, best_solve, best_call


def dense(h, n, reps, failed):
    rng = np.random.default_rng(n)
    values = rng.integers(0, 1_000_000, size=(n, n))
    a = np.repeat(np.arange(n), n)
    b = np.tile(np.arange(n), n)
    cands = candidates_text(a, b, values.ravel())
    head = f'{{"mentees":{n},"mentors":{n},"objective":"coverage"}}'
    r, solve, call = ihub_solve(h, head, cands, reps)
    peer = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter()
        rows, cols = linear_sum_assignment(values, maximize=True)
        peer = min(peer, time.perf_counter() - t0)
    theirs = int(values[rows, cols].sum())
    ours = r["total"]
    print(f"dense{n}_ihub_solve {solve}")
    print(f"dense{n}_ihub_call {call}")
    print(f"dense{n}_scipy {peer}")
    print(f"dense{n}_total_ihub {ours:.0f}")
    print(f"dense{n}_total_scipy {theirs}")
    if ours != theirs or len(r["pairs"]) != n:
        print(f"pairing dense n={n}: totals differ: ihub {ours} ({len(r['pairs'])} pairs), scipy {theirs}", file=sys.stderr)
        failed.append(f"dense{n}")


def loads(h, n, m, per, reps, failed):
    rng = np.random.default_rng(20000)
    cap = rng.integers(5, 8, size=m)
    # PER distinct mentors per mentee: the first PER of a random key order.
    mentor = np.argsort(rng.random((n, m)), axis=1)[:, :per].astype(np.int64)
    mentee = np.repeat(np.arange(n), per)
    mentor = mentor.ravel()
    score = rng.integers(0, 1001, size=n * per)
    head = f'{{"mentees":{n},"mentors":{m},"mentor_max":{cap.tolist()},"objective":"coverage"}}'.replace(" ", "")
    r, solve, call = ihub_solve(h, head, candidates_text(mentee, mentor, score), reps)

    src, sink = n + m, n + m + 1
    tails = np.concatenate([np.full(n, src), mentee, n + np.arange(m)])
    heads = np.concatenate([np.arange(n), n + mentor, np.full(m, sink)])
    caps = np.concatenate([np.ones(n, np.int64), np.ones(n * per, np.int64), cap])
    costs = np.concatenate([np.zeros(n, np.int64), -score, np.zeros(m, np.int64)])
    peer = float("inf")
    for _ in range(reps):
        f = min_cost_flow.SimpleMinCostFlow()
        f.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
        f.set_node_supply(src, n)  # max flow with min cost runs from supply to demand
        f.set_node_supply(sink, -n)
        t0 = time.perf_counter()
        status = f.solve_max_flow_with_min_cost()
        peer = min(peer, time.perf_counter() - t0)
    assert status == f.OPTIMAL, status
    theirs, pairs = -f.optimal_cost(), f.maximum_flow()
    ours = r["total"]
    print(f"loads_ihub_solve {solve}")
    print(f"loads_ihub_call {call}")
    print(f"loads_ortools {peer}")
    print(f"loads_total_ihub {ours:.0f}")
    print(f"loads_total_ortools {theirs}")
    if ours != theirs or len(r["pairs"]) != pairs:
        print(f"pairing loads: optima differ: ihub {ours} ({len(r['pairs'])} pairs), OR-Tools {theirs} ({pairs} pairs)",
              file=sys.stderr)
        failed.append("loads")


def main():
    sizes = [int(x) for x in sys.argv[1].split(",")]
    n, m, per, reps = (int(x) for x in sys.argv[2:6])
    failed = []
    with ihub.open() as h:
        for size in sizes:
            dense(h, size, reps, failed)
        loads(h, n, m, per, reps, failed)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
