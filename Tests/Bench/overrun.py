"""overrun.py — how far one C library call can run past a script's time
budget. Each probe builds a large input, then calls a function whose cost
grows with it, in a loop, under the admin context's memory budget (512 MB)
and a budget that ends inside that loop (or returns the input, and the budget
ends while it is converted to JSON); it must end with the time-limit error.
The figure is the wall time beyond the budget (ms): how late the error came.
The worst over a few rounds is printed, per probe. Rows in parentheses are
references: single Lua operations no check can split.

    python3 Tests/Bench/overrun.py [--quick] [--only TEXT] [--library PATH]

scripts/bench runs it after the speed rows (against the release library).
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# name: (setup, call) — Lua; `call` runs in a loop until the budget stops it,
# or is a return statement: then the JSON conversion of the result is timed.
BIG = "local big = ('x'):rep(1e4):rep(1e4) "  # 100 MB
PROBES = {
    "(reference: big .. 'y')": (BIG, "local copy = big .. 'y'"),
    "string.format %q": ("local s = ('\\0'):rep(1e3):rep(3e4)", "string.format('%q', s)"),
    "string.format %%": ("local f = ('%%'):rep(1e4):rep(5e3)", "string.format(f)"),
    "string.format text": (BIG, "string.format(big)"),
    "string.format %s": (BIG, "string.format('%s', big)"),
    "string.rep": ("", "string.rep('x', 2e8)"),
    "string.rep sep": ("", "string.rep('x', 5e7, ',')"),
    "string.upper": (BIG, "string.upper(big)"),
    "string.lower": (BIG, "string.lower(big)"),
    "string.reverse": (BIG, "string.reverse(big)"),
    "string.find plain": ("local s, p = ('a'):rep(1e7), ('a'):rep(5e6) .. 'b'", "string.find(s, p, 1, true)"),
    "string.find": ("local s, p = ('a'):rep(1e7), ('a'):rep(5e6) .. 'b'", "string.find(s, p)"),
    "string.gsub": (BIG, "string.gsub(big, 'x', '%0')"),
    "string.gsub template": ("local s, r = ('a'):rep(1e5), ('%1'):rep(2e5)", "s:gsub('(%s*)', r)"),
    "string.pack": ("local f = ('x'):rep(1e4):rep(1e4)", "string.pack(f)"),
    "string.packsize": ("local f = ('x'):rep(1e4):rep(1e4)", "string.packsize(f)"),
    "string.unpack": ("local f = ('x'):rep(1e4):rep(1e4)", "string.unpack(f, f)"),
    "string.byte": (BIG, "string.byte(big, 1, 9e5)"),
    "print": (BIG, "print(big)"),
    "table.concat": ("local t = {'x'} while #t < 8e6 do table.move(t, 1, #t, #t + 1) end",
                     "table.concat(t)"),
    "table.concat numbers": ("local t = {1.5} while #t < 8e6 do table.move(t, 1, #t, #t + 1) end",
                             "table.concat(t)"),
    "table.insert": ("local t = {1} while #t < 8e6 do table.move(t, 1, #t, #t + 1) end",
                     "table.insert(t, 1, 0) table.remove(t)"),
    "table.remove": ("local t = {1} while #t < 8e6 do table.move(t, 1, #t, #t + 1) end",
                     "table.remove(t, 1) t[#t + 1] = 1"),
    "table.unpack": ("local t = {1} while #t < 1e6 do table.move(t, 1, #t, #t + 1) end",
                     "table.unpack(t, 1, 9e5)"),
    "table.sort strings": ("local t, p = {}, ('x'):rep(4000) for i = 1, 65536 do t[i] = p .. (i * 7919 % 65536) end",
                           "table.sort(t) table.sort(t, function(a, b) return a > b end)"),
    "utf8.len": (BIG, "utf8.len(big)"),
    "utf8.offset": (BIG, "utf8.offset(big, 99000000)"),
    "utf8.codes": ("local s = ('\\x80'):rep(1e4):rep(1e4)", "for _ in utf8.codes(s) do end"),
    "tonumber": ("local s = ('1'):rep(1e4):rep(1e4)", "tonumber(s)"),
    "tonumber base": ("local s = ('1'):rep(1e4):rep(1e4)", "tonumber(s, 10)"),
    "(string key: hashing)": (BIG, "local t = {[big .. 'y'] = 1}"),
    "load": ("local src = ('a=1 '):rep(1e4):rep(2e3)", "load(src)"),
    "load and-chain": ("local src = 'return ' .. ('a and '):rep(2e5) .. 'a'", "load(src)"),
    "result string": (BIG, "return big"),
    "result table": ("local t = {1.5} while #t < 1e6 do table.move(t, 1, #t, #t + 1) end local x = {} for i = 1, 8 do x[i] = t end", "return x"),
}
SLACK_MS = 300  # a loop's budget is the setup's time plus this


def timed(h, source):
    start = time.perf_counter()
    h.eval(source)
    return (time.perf_counter() - start) * 1000


def run_under(ihub, source, budget):
    """The overrun (ms) past `budget`, the error message, or None and why not."""
    with ihub.open(admin_time_ms=budget, admin_memory_mb=512) as h:
        start = time.perf_counter()
        try:
            h.eval(source)
        except ihub.LimitError as e:
            if "time limit" not in e.message:
                return None, e.message
            return (time.perf_counter() - start) * 1000 - budget, e.message
        except ihub.Error as e:
            return None, e.message
    return None, "no error"


def probe(ihub, setup, call):
    """The overrun (ms) of one run, or None and what went wrong."""
    with ihub.open(admin_time_ms=60_000, admin_memory_mb=512) as h:
        setup_ms = timed(h, setup + " return 0")
    if not call.startswith("return "):
        overrun, message = run_under(ihub, setup + " while true do " + call + " end",
                                     int(setup_ms) + SLACK_MS)  # the deadline falls in the loop
        return overrun, None if overrun is not None else message
    # The conversion of the result, after the script: the deadline must fall
    # after the script's last line (the message then names none).
    for factor in (1.05, 1.2, 1.5, 2.0):
        overrun, message = run_under(ihub, setup + " " + call, int(setup_ms * factor) + 1)
        if overrun is not None and message.startswith("eval: time limit"):
            return overrun, None
    return None, "the deadline never fell in the conversion"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="one round per probe")
    ap.add_argument("--only", default="", help="only the probes whose name contains this")
    ap.add_argument("--library", help="libihub.so to probe (default: IHUB_LIBRARY, else the release build)")
    args = ap.parse_args()
    os.environ["IHUB_LIBRARY"] = (args.library or os.environ.get("IHUB_LIBRARY")
                                  or str(ROOT / ".build-release" / "release" / "libihub.so"))
    sys.path.insert(0, str(ROOT / "bindings" / "python"))
    import ihub

    rounds = 1 if args.quick else 3
    print(f"overrun past the time budget (admin context, 512 MB), worst of {rounds}, ms")
    worst_all = 0.0
    for name, (setup, call) in PROBES.items():
        if args.only not in name:
            continue
        worst, problem = 0.0, None
        for _ in range(rounds):
            overrun, problem = probe(ihub, setup, call)
            if problem is not None:
                break
            worst = max(worst, overrun)
        if problem is not None:
            print(f"  {name:24} FAILED: {problem[:100]}")
            continue
        worst_all = max(worst_all, worst)
        print(f"  {name:24} {worst:8.1f}", flush=True)
    print(f"  {'worst':24} {worst_all:8.1f}")


if __name__ == "__main__":
    main()
