"""indicators_ihub.py — ihub's side of the indicator benchmark: one
indicator.compute call over the hub and window, with the indicators of
indicators_check.DETAILS that this build has.

    python3 indicators_ihub.py FILE OUT [WINDOW [NAMES]]

Times the ihub_call alone (wall clock and this process's CPU time) (the library computes every indicator and returns
its JSON document; the handle is open before); writes the rows to OUT in
the form of indicators_check, prints "seconds S", "indicators N" and the
names this build lacks ("missing a,b"). An indicator that fails in ihub is
a failure of this program.
"""

import ctypes
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "bindings", "python"))

import ihub  # noqa: E402
import indicators_check  # noqa: E402

HUB, WINDOW = "BENCH", "2025/26"


def names_of(h, hub=HUB):
    """The bench's indicators this build has, and those it lacks."""
    listed = h.call("indicator.list", {"hub": hub})
    listed = listed["indicators"] if isinstance(listed, dict) else listed
    have = {d["name"] for d in listed}
    wanted = list(indicators_check.DETAILS)
    return [n for n in wanted if n in have], [n for n in wanted if n not in have]


def compute(h, names, window=WINDOW, hub=HUB):
    """(seconds of the call, its CPU seconds, its result)."""
    params = json.dumps({"hub": hub, "window": window, "names": names}).encode()
    out = ctypes.c_void_p()
    t0, c0 = time.perf_counter(), time.process_time()
    status = ihub._lib.ihub_call(h._pointer(), b"indicator.compute", params, ctypes.byref(out))
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    if status != 0:
        ihub._raise(status)
    return seconds, cpu, json.loads(ihub._take(out))


def main():
    path, out = sys.argv[1], sys.argv[2]
    window = sys.argv[3] if len(sys.argv) > 3 else WINDOW
    only = sys.argv[4].split(",") if len(sys.argv) > 4 else None  # only these indicators
    with ihub.open(path) as h:
        names, missing = names_of(h)
        if only:
            names, missing = [n for n in names if n in only], [n for n in missing if n in only]
        if not names:
            sys.exit(f"this ihub has none of the bench's indicators (indicator.list); missing: {', '.join(missing)}")
        seconds, cpu, result = compute(h, names, window)
    rows, errors = indicators_check.from_ihub(result)
    if errors:
        sys.exit("; ".join(f"{n}: {e}" for n, e in errors.items()))
    with open(out, "w") as f:
        for key, fields in rows.items():
            f.write("\t".join([*key, *fields]) + "\n")
    print(f"seconds {seconds:.4f}")
    print(f"cpu_seconds {cpu:.4f}")
    print(f"indicators {len(names)}")
    if missing:
        print(f"missing {','.join(missing)}")


if __name__ == "__main__":
    main()
