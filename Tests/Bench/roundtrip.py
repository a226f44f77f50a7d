"""roundtrip.py — row "call round trip, Python": one hub.get from Python.

    python3 roundtrip.py DB CALLS REPS

ihub side: h.call("hub.get", {"code": "EE-ACC"}) through the `ihub` package
(bindings/python; ctypes, JSON both ways, a dict back), and the same as the
generated method h.hub.get(code="EE-ACC"). Peer: Python's own
sqlite3 running the same SELECT on the same file, con.execute(sql,
(code,)).fetchone(), a tuple back; its statement cache keeps the statement
prepared, as ihub does. The two alternate in REPS repetitions and the best of
each counts (noise only ever adds time). Prints "<name> <µs per call>" lines.
"""

import os
import sqlite3
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bindings", "python"))
import ihub  # noqa: E402  (the path above first: the package of this checkout)

HUB = "EE-ACC"

# The columns hub.get returns, in one statement (see roundtrip.c).
SQL = """SELECT h.id, h.code, h.name, h.country, h.region, h.languages, h.created_at,
                (SELECT count(*) FROM schools WHERE hub_id = h.id),
                (SELECT count(*) FROM people WHERE hub_id = h.id)
           FROM hubs h WHERE h.code = ?"""


def per_call_us(f, calls):
    t0 = time.perf_counter()
    for _ in range(calls):
        f()
    return (time.perf_counter() - t0) / calls * 1e6


def main():
    path, calls, reps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    h = ihub.open(path)
    con = sqlite3.connect(path)
    con.execute("PRAGMA foreign_keys = ON")
    con.execute("PRAGMA synchronous = NORMAL")
    con.execute("PRAGMA cache_size = -65536")

    def hub_get_ihub():
        return h.call("hub.get", {"code": HUB})

    def hub_get_method():
        return h.hub.get(code=HUB)

    def hub_get_sqlite():
        return con.execute(SQL, (HUB,)).fetchone()

    # Both sides must see the same hub before either is timed.
    a, b = hub_get_ihub(), hub_get_sqlite()
    if (a["id"], a["code"], a["schools"], a["people"]) != (b[0], b[1], b[7], b[8]):
        sys.exit(f"bench: hub.get and SQLite disagree: {a} vs {b}")

    if hub_get_method() != a:
        sys.exit("bench: h.hub.get(code=...) and h.call('hub.get', ...) disagree")

    rows = {"py_hub_get_ihub": hub_get_ihub, "py_hub_get_method": hub_get_method, "py_hub_get_sqlite": hub_get_sqlite}
    best = {name: float("inf") for name in rows}
    for f in rows.values():
        per_call_us(f, calls // 10 + 1)  # warm up
    for _ in range(reps):
        for name, f in rows.items():
            best[name] = min(best[name], per_call_us(f, calls))
    for name, us in best.items():
        print(f"{name} {us:.4f}")
    con.close()
    h.close()


if __name__ == "__main__":
    main()
