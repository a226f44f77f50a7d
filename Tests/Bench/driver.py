"""driver.py — the benchmarks: ihub's speed beside the limit (plain C on the
same database, nothing in between) or a peer (Python's drivers, scipy,
OR-Tools), measured in the same run on the same machine. Each row prints both
figures and their ratio. Timings are reported, never asserted; a row fails
only when a side fails or the two sides disagree on the data.

    scripts/bench [--quick]     builds the release library, then runs this

The rows are the list in `rows()`; each names an experiment and two of its
sides. An experiment runs its sides alternately, best of a few rounds, every
round on fresh stores, and then checks that the sides stored the same data
(`same_data`, the queries of same.sql). The programs are in Tests/Bench/;
their own comments say what each times. PostgreSQL rows run on a throwaway
durable server (scripts/postgres start --durable) in a temporary folder.
"""

import argparse
import hashlib
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "Tests" / "Bench"
LIB = ROOT / ".build-release" / "release"
HIGHER, LOWER = "higher", "lower"  # which way a unit is better
SCHOOLS = 100  # people spread over ~100 schools
FIXTURE = (100, 10)  # round trips: a small hub of 100 people in 10 schools
WRITERS = 8  # processes of the concurrent row


@dataclass(frozen=True)
class Sizes:
    people: int  # bulk people, one call; and the concurrent row's total
    calls: int  # round trips, C
    py_calls: int  # round trips, Python
    reps: int
    csv_people: int
    csv_answers: int
    csv_wide: int
    csv_reps: int
    score_side: int  # pairing score: side x side candidate pairs
    dense: tuple  # pairing dense n x n sizes
    loads: tuple  # pairing loads: mentees, mentors, candidates per mentee
    pair_reps: int
    pg_reps: int  # PostgreSQL rows and the concurrent row (slower per round)
    statements: int = 1_000_000  # xAPI import
    ind_people: int = 50_000  # indicators: people (100 per school), activities, rounds
    ind_activities: int = 1_000_000
    ind_reps: int = 2
    startup_runs: int = 40  # CLI start: runs per side and round (the median counts)


FULL = Sizes(100_000, 100_000, 100_000, 5, 100_000, 1_000_000, 100_000, 2, 1000, (1000, 2000), (20000, 4000, 50), 2, 2)
QUICK = Sizes(5_000, 5_000, 5_000, 2, 5_000, 50_000, 2_000, 1, 200, (200, 400), (2000, 400, 50), 1, 1, 20_000,
              ind_people=2_000, ind_activities=40_000, ind_reps=1, startup_runs=10)


@dataclass(frozen=True)
class Row:
    name: str
    ihub: str  # "experiment:side"
    other: str
    who: str  # what the other side is: "limit: ...", "peer: ..."
    unit: str
    better: str
    mine: str = "ihub"  # the verdict's words for the two sides
    it: str = ""  # default: `who` before its colon


def rows(z):
    """The table, in order: (name, ihub side, against side, against what, unit, better)."""
    n_loads = f"{z.loads[0]}x{z.loads[1]}"
    return [
        Row("bulk people, SQLite", "people_sqlite:ihub", "people_sqlite:limit", "limit: C + SQLite", "people/s", HIGHER),
        Row("bulk people, SQLite", "people_sqlite:ihub", "people_sqlite:peer", "peer: Python csv+sqlite3", "people/s", HIGHER),
        Row("bulk people, PostgreSQL", "people_pg:ihub", "people_pg:limit", "limit: C libpq COPY", "people/s", HIGHER),
        Row("bulk people, PostgreSQL", "people_pg:ihub", "people_pg:executemany", "peer: psycopg executemany", "people/s",
            HIGHER),
        Row("bulk people, PostgreSQL", "people_pg:ihub", "people_pg:copy", "peer: psycopg copy", "people/s", HIGHER),
        Row(f"{WRITERS} processes adding people", "writers:postgresql", "writers:sqlite", "ihub on a SQLite file",
            "people/s", HIGHER, mine="PostgreSQL", it="SQLite"),
        Row("call round trip, C: hub.get", "roundtrip:hub_get_ihub", "roundtrip:hub_get_sqlite", "limit: C + SQLite",
            "µs/call", LOWER),
        Row("call floor, C: api.version", "roundtrip:version_ihub", "roundtrip:version_copy", "limit: strdup+free",
            "µs/call", LOWER),
        Row("call round trip, Python: hub.get", "roundtrip_py:py_hub_get_ihub", "roundtrip_py:py_hub_get_sqlite",
            "peer: Python sqlite3", "µs/call", LOWER),
        Row("call round trip, Python: h.hub.get()", "roundtrip_py:py_hub_get_method", "roundtrip_py:py_hub_get_sqlite",
            "peer: Python sqlite3", "µs/call", LOWER),
        Row("CSV import: people", "csv_people:ihub", "csv_people:peer", "peer: Python csv", "rows/s", HIGHER),
        Row("CSV import: people", "csv_people:ihub", "csv_people:limit", "limit: C + SQLite", "rows/s", HIGHER),
        Row("CSV import: answers", "csv_answers:ihub", "csv_answers:peer", "peer: Python csv", "rows/s", HIGHER),
        Row("CSV import: answers", "csv_answers:ihub", "csv_answers:limit", "limit: C + SQLite", "rows/s", HIGHER),
        Row("CSV import: wide responses", "csv_wide:ihub", "csv_wide:peer", "peer: Python csv", "rows/s", HIGHER),
        Row("xAPI import, SQLite", "xapi_sqlite:ihub", "xapi_sqlite:peer", "peer: Python json+sqlite3", "stmts/s", HIGHER),
        Row("xAPI import, SQLite", "xapi_sqlite:ihub", "xapi_sqlite:limit", "limit: C + SQLite", "stmts/s", HIGHER),
        Row("xAPI import, PostgreSQL", "xapi_pg:ihub", "xapi_pg:peer", "peer: psycopg executemany", "stmts/s", HIGHER),
        Row("xAPI import, PostgreSQL", "xapi_pg:ihub", "xapi_pg:limit", "limit: C libpq COPY", "stmts/s", HIGHER),
        Row("pairing score, Lua policy", "score:ihub", "score:limit", "limit: C loop, bare Lua", "pairs/s", HIGHER),
        *[row for n in z.dense for row in (
            Row(f"pairing dense 1:1 n={n}, solver", f"pairing:dense{n}_ihub_solve", f"pairing:dense{n}_scipy",
                "peer: scipy LSA", "s", LOWER),
            Row(f"pairing dense 1:1 n={n}, call", f"pairing:dense{n}_ihub_call", f"pairing:dense{n}_scipy",
                "peer: scipy LSA", "s", LOWER))],
        Row(f"pairing loads {n_loads}, solver", "pairing:loads_ihub_solve", "pairing:loads_ortools", "peer: OR-Tools MCF",
            "s", LOWER),
        Row(f"pairing loads {n_loads}, call", "pairing:loads_ihub_call", "pairing:loads_ortools", "peer: OR-Tools MCF",
            "s", LOWER),
        Row("indicators, SQLite", "indicators:ihub", "indicators:limit", "limit: sqlite3 shell SQL", "s", LOWER),
        Row("indicators, SQLite", "indicators:ihub", "indicators:peer", "peer: pandas", "s", LOWER),
        Row("indicators, SQLite, CPU time", "indicators:ihub_cpu", "indicators:limit_cpu", "limit: sqlite3 shell SQL",
            "CPU s", LOWER),
        Row("indicators, SQLite, CPU time", "indicators:ihub_cpu", "indicators:peer_cpu", "peer: pandas", "CPU s", LOWER),
        Row("indicators, maturity alone", "indicators:maturity_ihub", "indicators:maturity_limit", "limit: sqlite3 shell SQL",
            "s", LOWER),
        Row("indicators, maturity alone", "indicators:maturity_ihub", "indicators:maturity_peer", "peer: pandas", "s", LOWER),
        Row("indicators, maturity, CPU time", "indicators:maturity_ihub_cpu", "indicators:maturity_limit_cpu",
            "limit: sqlite3 shell SQL", "CPU s", LOWER),
        Row("indicators, maturity, CPU time", "indicators:maturity_ihub_cpu", "indicators:maturity_peer_cpu",
            "peer: pandas", "CPU s", LOWER),
        *[Row(name, f"startup:{side}", f"startup:{peer}", who, "ms", LOWER)
          for name, side in (("CLI start: ihub --version", "ihub_version"),
                             ("CLI start: ihub call api.version", "ihub_call"),
                             ("CLI start: scripts/ihub --version", "wrapper"))
          for peer, who in (("sqlite3", "peer: sqlite3 :memory:"), ("lua", "peer: lua5.4 -e ''"))],
    ]


def notes(z):
    w = z.people // WRITERS
    return f"""\
bulk people: {z.people} people over {SCHOOLS} schools in one person.add_many call (JSON text ready), best of {z.reps}
  on SQLite, {z.pg_reps} on PostgreSQL;
  limit: C prepared statements in one transaction (SQLite), C libpq COPY and ids read back (PostgreSQL);
  peers: Python reading the people CSV (csv module) and storing it with sqlite3 / psycopg executemany, psycopg copy.
  PostgreSQL: a throwaway server with fsync on, on a Unix socket; each side in a fresh schema.
{WRITERS} processes: each adds its own {w} people in one person.add_many call after a common start, to one SQLite
  file (WAL) or one PostgreSQL schema; people/s over the whole span; every row present (count = {WRITERS} x {w})
  and the same on both; one round.
round trips: a hub of {FIXTURE[0]} people in {FIXTURE[1]} schools; {z.calls} C and {z.py_calls} Python calls, best of {z.reps}.
CSV import: {z.csv_people} people (one role, one school each) and {z.csv_answers} selfie answers (34 per respondent)
  from a file over {SCHOOLS} schools; ihub: one import.csv call (reads, checks, stores); peer: Python's csv
  module + sqlite3 executemany; limit: C + SQLite prepared statements; best of {z.csv_reps}.
CSV import, wide: {z.csv_wide} respondents x 34 selfie items, one row per respondent (responses_wide); rows/s
  are respondents/s; the databases hold the same answers as the long file; best of {z.csv_reps}.
xAPI import: {z.statements} xAPI statements (NDJSON from an LMS: mbox and account actors, scores, durations, context;
  ~780 bytes each) in one xapi.import call (reads the file, parses and validates every statement against xAPI 1.0.3,
  stores them all or none: the indexed columns and the statement); peer: Python's json.loads per line and
  sqlite3 / psycopg executemany of the same rows (no validation); limit: C reading the lines with a minimal
  positional extraction (no parsing, no validation), SQLite prepared inserts / libpq COPY; one transaction each;
  best of {z.csv_reps} (SQLite), {z.pg_reps} (PostgreSQL).
pairing score: the default policy over {z.score_side ** 2} pairs (ihl_score_pairs, budgets on) against a plain C loop
  on a bare lua_State; best of {z.reps}.
pairing dense: an n x n integer matrix, ihub objective coverage (a full assignment) vs scipy linear_sum_assignment;
  pairing loads: {z.loads[0]} mentees, {z.loads[1]} mentors (capacity 5-7), {z.loads[2]} candidates each, ihub coverage vs
  OR-Tools solve_max_flow_with_min_cost; equal optima checked. solver: timed inside ihub (validation, sort, solve);
  call: the whole ihub_call from Python with the JSON ready (parse, solve, result); peers: their solve call; best of {z.pair_reps}.
indicators: the built-in indicators ({INDICATORS[0]}) of one hub over the school year 2025/26, from one SQLite
  file of {z.ind_people} people in {z.ind_people // 100} schools, {z.ind_activities} activities (their participants: people, schools,
  mentorships), {z.ind_people // 10} teacher and {z.ind_people // 500} school mentorships in 2 rounds, process instances, plans, engagements;
  ihub: one indicator.compute call (the handle open); limit: indicators.sql in the sqlite3 shell (the same rules by
  hand, temporary tables; process start included); peer: pandas reading the tables and computing them; every
  side's rows checked equal (indicators_check.py); best of {z.ind_reps}; s: wall clock, CPU s: the side's process's
  CPU time (user + system), the figure to read on a shared machine.
CLI start: from exec to exit, output to /dev/null, the median of {z.startup_runs} runs (best of {z.reps} rounds):
  ihub --version and ihub call api.version (an in-memory database opened, one call) of the release build;
  scripts/ihub --version: the checkout's wrapper, which first checks that the build is current;
  peers: sqlite3 :memory: 'select 1', lua5.4 -e ''.
ihub/it: ihub's figure divided by the other's; the verdict says in words which side is better."""


# --- running programs -------------------------------------------------------


class Failed(Exception):
    """A side that could not be measured, or sides that disagree: the row says FAILED."""


def say(text):
    print(text, file=sys.stderr, flush=True)


def run(*argv, stdin=None):
    """Runs a benchmark program; its "key value" lines as a dict. A failure
    raises Failed with the program's last words."""
    argv = [str(a) for a in argv]
    p = subprocess.run(argv, input=stdin, capture_output=True, text=True, env=ENV)
    if p.returncode != 0:
        program = Path(argv[1] if argv[0] == sys.executable else argv[0]).name
        raise Failed(f"{program}: {last_words(p.stderr)}")
    return figures(p.stdout)


def python(script, *args):
    return run(sys.executable, BENCH / script, *args)


def last_words(stderr):
    lines = [line for line in stderr.strip().splitlines() if line.strip()]
    return " / ".join(lines[-3:]) if lines else "no message"


def figures(stdout):
    out = {}
    for line in stdout.splitlines():
        parts = line.split()
        if len(parts) == 2:
            try:
                out[parts[0]] = float(parts[1])
            except ValueError:
                pass
    return out


def figure(out, key):
    if key not in out:
        raise Failed(f"no figure '{key}' in the program's output")
    return out[key]


# --- stores and the equality check -------------------------------------------


class SQLiteStore:
    def __init__(self, path):
        self.path, self.label = Path(path), Path(path).name

    def fresh(self):
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        return self

    def ihub_args(self, **options):  # how people_ihub opens it
        return (["--options", json_text(options)] if options else []) + [self.path]

    def rows(self, sql):
        import sqlite3
        con = sqlite3.connect(self.path)
        try:
            yield from con.execute(sql)
        finally:
            con.close()


class PostgresStore:
    """One schema on the bench's server."""

    def __init__(self, uri, schema):
        self.uri, self.schema, self.label = uri, schema, f"schema {schema}"

    def connect(self, **options):
        try:
            import psycopg
        except ImportError:
            raise Failed("psycopg is not installed (scripts/setup installs it)") from None
        return psycopg.connect(self.uri, **options)

    def fresh(self):
        with self.connect(autocommit=True) as con:
            con.execute(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE')
        return self

    def ihub_args(self, **options):
        return ["--options", json_text({"schema": self.schema, **options}), self.uri]

    def rows(self, sql):
        with self.connect() as con:
            con.execute(f'SET search_path TO "{self.schema}"')
            with con.cursor(name="bench_check") as cur:  # server-side: streamed, not held
                cur.execute(sql)
                yield from cur


def json_text(value):
    import json
    return json.dumps(value, separators=(",", ":"))


def checks():
    """same.sql's statements by name ("people counts", ...)."""
    out, name, text = {}, None, []
    for line in (BENCH / "same.sql").read_text().splitlines():
        if line.startswith("-- check:"):
            name, text = line[len("-- check:"):].strip(), []
        elif name and not line.startswith("--"):
            text.append(line)
            if line.rstrip().endswith(";"):
                out[name] = "\n".join(text).rstrip().rstrip(";")
                name = None
    return out


def same_data(kind, expected, stores):
    """THE check of every row that stores data: each store holds the counts
    `expected` and the same content as the first. Raises Failed saying what differs."""
    sql = checks()
    first = None
    for side, store in stores.items():
        counts = tuple(int(c) for c in list(store.rows(sql[f"{kind} counts"]))[0])
        if counts != tuple(expected):
            raise Failed(f"{kind}: {side} ({store.label}) holds {counts}, expected {tuple(expected)}")
        digest = hashlib.sha256()
        for row in store.rows(sql[f"{kind} content"]):
            digest.update(repr(tuple(row)).encode())
        if first is None:
            first = (side, digest.digest())
        elif digest.digest() != first[1]:
            raise Failed(f"{kind}: {side} and {first[0]} hold the same counts, different content")


def answers_expected(n):
    return ((n + 33) // 34, n)


def people_expected(n):
    return (1, SCHOOLS, n, n, n)


# --- experiments -------------------------------------------------------------


def best_of(reps, better, sides):
    """Runs each side once per round, alternating, `reps` rounds (the machine
    is shared, and noise only ever adds time): each side's best figure, or
    the Failed that stopped it."""
    best = {}
    for _ in range(reps):
        for name, side in sides.items():
            if isinstance(best.get(name), Failed):
                continue
            try:
                value = side()
            except Failed as failure:
                best[name] = failure
                continue
            keep = max if better == HIGHER else min
            best[name] = value if name not in best else keep(best[name], value)
    return best


def checked(figures, kind, expected, stores):
    """The figures, all Failed if the sides that ran disagree on the data."""
    ran = {side: store for side, store in stores.items() if not isinstance(figures.get(side), Failed)}
    try:
        same_data(kind, expected, ran)
    except Failed as failure:
        return {side: Failed(f"the sides disagree: {failure}") for side in figures}
    return figures


class Bench:
    def __init__(self, z, work, pg_uri):
        self.z, self.work, self.pg_uri = z, work, pg_uri
        self.csv_files = {}

    def exe(self, name):
        return self.work / name

    def csv(self, kind, n):
        if (kind, n) not in self.csv_files:
            path = self.work / f"{kind}-{n}.csv"
            run(self.exe("csv_make"), kind, n, SCHOOLS, path)
            self.csv_files[kind, n] = path
        return self.csv_files[kind, n]

    def pg(self, schema):
        if self.pg_uri is None:
            raise Failed(PG_FAILURE[0])
        return PostgresStore(self.pg_uri, schema)

    # Bulk people on SQLite: one add_many call; the limit copies its schema
    # from the file ihub just made; the peer's file is made by ihub (hub, schools).
    def people_sqlite(self):
        z, n = self.z, self.z.people
        say(f"bulk people, SQLite: {n} people over {SCHOOLS} schools, best of {z.reps}...")
        csv = self.csv("people", n)
        stores = {side: SQLiteStore(self.work / f"people-{side}.db") for side in ("ihub", "limit", "peer")}

        def ihub():
            return n / figure(run(self.exe("people_ihub"), stores["ihub"].fresh().path, n, SCHOOLS), "seconds")

        def limit():
            out = run(self.exe("people_sqlite"), stores["limit"].fresh().path, stores["ihub"].path, n, SCHOOLS)
            return n / figure(out, "seconds")

        def peer():
            run(self.exe("people_ihub"), stores["peer"].fresh().path, 0, SCHOOLS)
            return n / figure(python("people_python.py", "sqlite", stores["peer"].path, csv), "seconds")

        best = best_of(z.reps, HIGHER, {"ihub": ihub, "limit": limit, "peer": peer})
        return checked(best, "people", people_expected(n), stores)

    # Bulk people on PostgreSQL: every side in its own fresh schema; ihub makes
    # the limit's and peers' schemas (tables, hub, schools), untimed.
    def people_pg(self):
        z, n = self.z, self.z.people
        say(f"bulk people, PostgreSQL: {n} people over {SCHOOLS} schools, best of {z.pg_reps}...")
        csv = self.csv("people", n)
        sides = ("ihub", "limit", "executemany", "copy")
        stores = {side: self.pg(f"bench_people_{side}") for side in sides}

        def made_by_ihub(side):
            run(self.exe("people_ihub"), *stores[side].fresh().ihub_args(), 0, SCHOOLS)
            return stores[side]

        def ihub():
            return n / figure(run(self.exe("people_ihub"), *stores["ihub"].fresh().ihub_args(), n, SCHOOLS), "seconds")

        def limit():
            store = made_by_ihub("limit")
            return n / figure(run(self.exe("people_pq"), store.uri, store.schema, n, SCHOOLS), "seconds")

        def peer(how):
            store = made_by_ihub(how)
            return n / figure(python("people_python.py", how, store.uri, store.schema, csv), "seconds")

        best = best_of(z.pg_reps, HIGHER, {"ihub": ihub, "limit": limit,
                                           "executemany": lambda: peer("executemany"), "copy": lambda: peer("copy")})
        return checked(best, "people", people_expected(n), stores)

    # WRITERS processes, each its own people (codes apart), one add_many call
    # each after a common start; hub and schools made first by one process.
    def writers(self):
        z = self.z
        per = z.people // WRITERS
        total = per * WRITERS
        say(f"{WRITERS} processes adding {per} people each, SQLite file and PostgreSQL, one round...")
        stores = {"sqlite": SQLiteStore(self.work / "writers.db"), "postgresql": None}
        try:
            stores["postgresql"] = self.pg("bench_writers")
        except Failed:
            pass
        # Writers queue for SQLite's one write lock, PostgreSQL's row locks: wait, not fail.
        wait = {"busy_timeout_ms": 600_000}

        def writers_on(side):
            store = stores[side]
            if store is None:
                raise Failed(PG_FAILURE[0])
            store.fresh()
            opened = store.ihub_args(**wait)
            run(self.exe("people_ihub"), *opened, 0, SCHOOLS)
            procs = [subprocess.Popen([str(a) for a in (self.exe("people_ihub"), "--first", k * per, "--no-setup",
                                                         "--wait", *opened, per, SCHOOLS)],
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                      text=True, env=ENV) for k in range(WRITERS)]
            try:
                for p in procs:
                    if p.stdout.readline().strip() != "ready":
                        p.wait()
                        raise Failed(f"a writer did not start: {last_words(p.stderr.read())}")
                for p in procs:  # the common start
                    p.stdin.write("go\n")
                    p.stdin.flush()
                results = [p.communicate() for p in procs]
            finally:
                for p in procs:
                    if p.poll() is None:
                        p.kill()
                        p.wait()
            for p, (out, err) in zip(procs, results):
                if p.returncode != 0:
                    raise Failed(f"a writer failed: {last_words(err)}")
            spans = [figures(out) for out, _ in results]
            start = min(figure(s, "start") for s in spans)
            end = max(figure(s, "end") for s in spans)
            return total / (end - start)

        # One round: writers that collide on PostgreSQL are retried whole, which
        # takes minutes at full size; the figure is a span, not a best case.
        best = best_of(1, HIGHER, {side: (lambda side=side: writers_on(side)) for side in stores})
        return checked(best, "people", people_expected(total),
                       {side: store for side, store in stores.items() if store is not None})

    def roundtrip(self):
        z = self.z
        say(f"round trips: {z.calls} C and {z.py_calls} Python calls per repetition, best of {z.reps}...")
        db = SQLiteStore(self.work / "rt.db").fresh()
        run(self.exe("people_ihub"), db.path, *FIXTURE)
        self.rt_db = db.path
        return run(self.exe("roundtrip"), db.path, z.calls, z.reps)

    def roundtrip_py(self):
        if not hasattr(self, "rt_db"):
            self.roundtrip()
        return python("roundtrip.py", self.rt_db, self.z.py_calls, self.z.reps)

    # CSV import: one file per kind, loaded by three sides into fresh
    # databases of ihub's schema; the peer and limit copy it from ihub's file.
    def csv_import(self, kind, n):
        z = self.z
        say(f"CSV import: {n} {kind}, best of {z.csv_reps}...")
        path = self.csv(kind, n)
        stores = {side: SQLiteStore(self.work / f"csv-{side}.db") for side in ("ihub", "peer", "limit")}
        ihub_db = stores["ihub"].path

        def ihub():
            return n / figure(run(self.exe("csv_ihub"), stores["ihub"].fresh().path, kind, path, SCHOOLS), "seconds")

        def peer():
            out = python("csv_python.py", stores["peer"].fresh().path, ihub_db, kind, path, SCHOOLS)
            return n / figure(out, "seconds")

        def limit():
            out = run(self.exe("csv_sqlite"), stores["limit"].fresh().path, ihub_db, kind, path, SCHOOLS)
            return n / figure(out, "seconds")

        best = best_of(z.csv_reps, HIGHER, {"ihub": ihub, "peer": peer, "limit": limit})
        expected = people_expected(n) if kind == "people" else answers_expected(n)
        return checked(best, kind, expected, stores)

    def csv_people(self):
        return self.csv_import("people", self.z.csv_people)

    def csv_answers(self):
        return self.csv_import("answers", self.z.csv_answers)

    # Wide survey file: one row per respondent, a column per selfie item (34);
    # the same answers as the long file of csv_wide x 34 rows.
    def csv_wide(self):
        z, n = self.z, self.z.csv_wide
        say(f"CSV import: {n} respondents x 34 items (wide), best of {z.csv_reps}...")
        path = self.csv("wide", n)
        stores = {side: SQLiteStore(self.work / f"wide-{side}.db") for side in ("ihub", "peer")}

        def ihub():
            return n / figure(run(self.exe("csv_ihub"), stores["ihub"].fresh().path, "wide", path, SCHOOLS), "seconds")

        def peer():
            out = python("csv_python.py", stores["peer"].fresh().path, stores["ihub"].path, "wide", path, SCHOOLS)
            return n / figure(out, "seconds")

        best = best_of(z.csv_reps, HIGHER, {"ihub": ihub, "peer": peer})
        return checked(best, "answers", answers_expected(n * 34), stores)

    def statements(self):
        n = self.z.statements
        if "xapi" not in self.csv_files:
            path = self.work / f"statements-{n}.ndjson"
            say(f"xAPI: generating {n} statements...")
            python("xapi_make.py", n, path)
            self.csv_files["xapi"] = path
        return self.csv_files["xapi"]

    # xAPI import on SQLite: ihub's file is the schema the limit copies; the
    # peer's file is made by ihub (the hub), untimed.
    def xapi_sqlite(self):
        z, n = self.z, self.z.statements
        path = self.statements()
        say(f"xAPI import, SQLite: {n} statements, best of {z.csv_reps}...")
        stores = {side: SQLiteStore(self.work / f"xapi-{side}.db") for side in ("ihub", "peer", "limit")}

        def ihub():
            return n / figure(run(self.exe("xapi_ihub"), stores["ihub"].fresh().path, path), "seconds")

        def peer():
            run(self.exe("xapi_ihub"), stores["peer"].fresh().path, "-")
            return n / figure(python("xapi_python.py", "sqlite", stores["peer"].path, path), "seconds")

        def limit():
            return n / figure(run(self.exe("xapi_sqlite"), stores["limit"].fresh().path, stores["ihub"].path, path), "seconds")

        best = best_of(z.csv_reps, HIGHER, {"ihub": ihub, "peer": peer, "limit": limit})
        return checked(best, "xapi", (n, 0, 0), stores)

    # xAPI import on PostgreSQL: each side in a fresh schema that ihub made (tables, hub).
    def xapi_pg(self):
        z, n = self.z, self.z.statements
        path = self.statements()
        say(f"xAPI import, PostgreSQL: {n} statements, best of {z.pg_reps}...")
        stores = {side: self.pg(f"bench_xapi_{side}") for side in ("ihub", "peer", "limit")}

        def made_by_ihub(side):
            run(self.exe("xapi_ihub"), *stores[side].fresh().ihub_args(), "-")
            return stores[side]

        def ihub():
            return n / figure(run(self.exe("xapi_ihub"), *stores["ihub"].fresh().ihub_args(), path), "seconds")

        def peer():
            store = made_by_ihub("peer")
            return n / figure(python("xapi_python.py", "executemany", store.uri, store.schema, path), "seconds")

        def limit():
            store = made_by_ihub("limit")
            return n / figure(run(self.exe("xapi_pq"), store.uri, store.schema, path), "seconds")

        best = best_of(z.pg_reps, HIGHER, {"ihub": ihub, "peer": peer, "limit": limit})
        return checked(best, "xapi", (n, 0, 0), stores)

    # The default policy's score(mentee, mentor), as pairing.propose runs it;
    # the policy text comes from the library itself. Both sides' scores must agree.
    def score(self):
        z = self.z
        say(f"pairing score: {z.score_side ** 2} candidate pairs, best of {z.reps}...")
        sys.path.insert(0, str(ROOT / "bindings" / "python"))
        import ihub
        policy = self.work / "policy.lua"
        with ihub.open() as h:
            policy.write_text(h.call("pairing.policy", {})["default"])
        out = run(self.exe("pairing_score"), policy, z.score_side, z.score_side, z.reps)
        if figure(out, "ihub_checksum") != figure(out, "limit_checksum"):
            raise Failed("the two sides' scores differ")
        return {"ihub": figure(out, "ihub_pairs_per_s"), "limit": figure(out, "limit_pairs_per_s")}

    # The generated file is kept between runs (under .build-release/bench/),
    # named by its sizes and the generator's and schema's hashes: making it
    # takes minutes on a busy machine, and every side only reads it.
    def indicators_file(self):
        z = self.z
        made_by = hashlib.sha256((BENCH / "indicators_make.py").read_bytes()
                                 + (ROOT / "Sources/IHubCore/Store/Migrations.swift").read_bytes()).hexdigest()[:12]
        cache = ROOT / ".build-release" / "bench"
        cache.mkdir(parents=True, exist_ok=True)
        db = cache / f"indicators-{z.ind_people}-{z.ind_activities}-{made_by}.db"
        if not db.exists():
            for old in cache.glob(f"indicators-{z.ind_people}-{z.ind_activities}-*"):
                old.unlink()
            say(f"indicators: generating {z.ind_people} people, {z.ind_activities} activities (kept in {cache})...")
            making = SQLiteStore(cache / "making.db").fresh()
            python("indicators_make.py", making.path, z.ind_people, z.ind_activities)
            con = sqlite3.connect(making.path)
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the whole file in one piece
            con.close()
            making.path.rename(db)
            making.fresh()
        return db

    # The built-in indicators over one generated file (made untimed, with
    # ihub's schema); the three sides' rows must agree (indicators_check).
    def indicators(self):
        z = self.z
        db = self.indicators_file()
        sys.path.insert(0, str(BENCH))
        import indicators_check as check
        out = {side: self.work / f"indicators-{side}.tsv" for side in ("ihub", "limit", "peer")}
        params = "".join(f".parameter set @{k} {v}\n" for k, v in (
            ("hub", 1), ("from", "\"'2025-09-01'\""), ("to", "\"'2026-08-31'\""), ("asof", "\"'2026-08-31'\""),
            ("inactive_days", 30), ("stalled_days", 60)))
        sql = params + (BENCH / "indicators.sql").read_text()
        names = list(check.DETAILS)

        cpu = {}  # each side's least CPU time (the machine is shared: wall clock includes waiting)

        def keep_cpu(side, seconds):
            cpu[side] = min(cpu.get(side, seconds), seconds)

        def ihub():
            got = python("indicators_ihub.py", db, out["ihub"])
            keep_cpu("ihub", figure(got, "cpu_seconds"))
            return figure(got, "seconds")

        def limit():
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            p = subprocess.run(["sqlite3", "-bail", str(db)], input=sql, capture_output=True, text=True)
            seconds = time.perf_counter() - t0
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if p.returncode != 0 or p.stderr.strip():
                raise Failed(f"sqlite3: {last_words(p.stderr)}")
            keep_cpu("limit", after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
            out["limit"].write_text(p.stdout)
            return seconds

        def peer():
            got = python("indicators_pandas.py", db, out["peer"])
            keep_cpu("peer", figure(got, "cpu_seconds"))
            return figure(got, "seconds")

        say(f"indicators: best of {z.ind_reps}...")
        best = best_of(z.ind_reps, LOWER, {"ihub": ihub, "limit": limit, "peer": peer})
        rows = {side: check.parse(out[side].read_text()) for side in out if not isinstance(best.get(side), Failed)}
        # ihub's rows over the indicators this build has; the peer's over all.
        compared = {"ihub": ihub_names(db) if "ihub" in rows else [], "peer": names}
        INDICATORS[0] = (f"ihub has {len(compared['ihub'])} of the {len(names)}: {', '.join(compared['ihub']) or 'none'};"
                         f" peer and limit all {len(names)}")
        for side in ("ihub", "peer"):
            if side in rows and "limit" in rows:
                wrong = check.differences(rows[side], rows["limit"], compared[side], (side, "limit"))
                if wrong:
                    best[side] = Failed(f"indicators: {side} and the limit disagree: " + " / ".join(wrong))
        for side, seconds in cpu.items():
            best[f"{side}_cpu"] = best[side] if isinstance(best[side], Failed) else seconds
        if "ihub" in rows and len(compared["ihub"]) < len(names):
            # Not the same work: the ihub figures of the whole set stand only beside a whole set.
            lacking = Failed(f"indicators: this ihub has {len(compared['ihub'])} of the {len(names)} indicators "
                             f"({', '.join(compared['ihub'])}): the sides' work differs (see the maturity rows)")
            best["ihub"] = best["ihub_cpu"] = lacking
        return best | self.maturity_only(db, params, check)

    # The maturity indicators alone (maturity.change, maturity.moved_up): the
    # limit's maturity section, the peer's maturity() reading its tables only.
    def maturity_only(self, db, params, check):
        z = self.z
        names = ["maturity.change", "maturity.moved_up"]
        text = (BENCH / "indicators.sql").read_text()
        head = text[:text.index("\n-- The window's activities")]  # the shell's settings
        sql = params + head + text[text.index("\n-- Maturity:"):]
        out = {side: self.work / f"maturity-{side}.tsv" for side in ("ihub", "limit", "peer")}
        cpu = {}

        def ihub():
            got = python("indicators_ihub.py", db, out["ihub"], "2025/26", ",".join(names))
            cpu["ihub"] = min(cpu.get("ihub", 1e9), figure(got, "cpu_seconds"))
            return figure(got, "seconds")

        def limit():
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            p = subprocess.run(["sqlite3", "-bail", str(db)], input=sql, capture_output=True, text=True)
            seconds = time.perf_counter() - t0
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if p.returncode != 0 or p.stderr.strip():
                raise Failed(f"sqlite3: {last_words(p.stderr)}")
            cpu["limit"] = min(cpu.get("limit", 1e9), after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
            out["limit"].write_text(p.stdout)
            return seconds

        def peer():
            got = python("indicators_pandas.py", db, out["peer"], "--maturity")
            cpu["peer"] = min(cpu.get("peer", 1e9), figure(got, "cpu_seconds"))
            return figure(got, "seconds")

        say(f"indicators, maturity alone: best of {z.ind_reps}...")
        best = best_of(z.ind_reps, LOWER, {"ihub": ihub, "limit": limit, "peer": peer})
        rows = {side: check.parse(out[side].read_text()) for side in out if not isinstance(best.get(side), Failed)}
        for side in ("ihub", "peer"):
            if side in rows and "limit" in rows:
                wrong = check.differences(rows[side], rows["limit"], names, (side, "limit"))
                if wrong or not rows[side]:
                    best[side] = Failed(f"maturity: {side} and the limit disagree: " + (" / ".join(wrong) or "no rows"))
        out = {f"maturity_{side}": v for side, v in best.items()}
        out |= {f"maturity_{side}_cpu": v if isinstance(v, Failed) else cpu[side] for side, v in best.items()}
        return out

    # Same matrix / graph on both sides in one run; pairing.py exits 1 when the optima differ.
    def startup(self):
        z = self.z
        say(f"CLI start: {z.startup_runs} runs per side, best of {z.reps}...")
        ihub = LIB / "ihub-cli"
        wrapper = ROOT / "scripts" / "ihub"
        subprocess.run([wrapper, "--version"], capture_output=True)  # rebuilds now if a source is newer
        commands = {
            "ihub_version": [ihub, "--version"],
            "ihub_call": [ihub, "call", "api.version"],
            "wrapper": [wrapper, "--version"],
            "sqlite3": ["sqlite3", ":memory:", "select 1"],
            "lua": ["lua5.4", "-e", ""],
        }
        return best_of(z.reps, LOWER, {side: (lambda argv=argv: figure(run(self.exe("startup"), z.startup_runs, *argv), "ms"))
                                       for side, argv in commands.items()})

    def pairing(self):
        z = self.z
        say(f"pairing: dense 1:1 at n={','.join(map(str, z.dense))} vs scipy, loads {z.loads} vs OR-Tools, "
            f"best of {z.pair_reps}...")
        return python("pairing.py", ",".join(map(str, z.dense)), *z.loads, z.pair_reps)


# --- the table ---------------------------------------------------------------


def fmt(x):
    if isinstance(x, Failed):
        return "FAILED"
    return f"{x:.0f}" if x >= 1000 else f"{x:.1f}" if x >= 10 else f"{x:.2f}" if x >= 1 else f"{x:.3f}"


def line(name, a, b, who, unit, ratio, verdict):
    return f"{name:<33} {a:>10} {b:>10}  {who:<26} {unit:<9} {ratio:>8}  {verdict}"


def table(z, results):
    out = [line("row", "ihub", "against", "against what", "unit", "ihub/it", "verdict")]
    problems = []
    for row in selected(z):
        a, b = (side_figure(results, key) for key in (row.ihub, row.other))
        failures = [f for f in (a, b) if isinstance(f, Failed)]
        if failures:
            ratio, verdict = "-", "FAILED"
            for f in failures:
                if str(f) not in problems:
                    problems.append(str(f))
                verdict += f" [{problems.index(str(f)) + 1}]"
        else:
            r = a / b
            ratio = f"{r:.2f}"
            better = r if row.better == HIGHER else 1 / r  # above 1: ihub's side is better
            it = row.it or row.who.split(":")[0]
            verdict = ("even" if 0.95 < better < 1.05 else f"{row.mine} {better:.1f}× better" if better >= 1
                       else f"{it} {1 / better:.1f}× better")
        out.append(line(row.name, fmt(a), fmt(b), row.who, row.unit, ratio, verdict))
    out += [""] + [f"[{i}] {p}" for i, p in enumerate(problems, 1)] + ([""] if problems else [])
    return "\n".join(out), bool(problems)


def side_figure(results, key):
    experiment, side = key.split(":")
    got = results[experiment]
    if isinstance(got, Failed):
        return got
    value = got.get(side)
    if value is None:
        return Failed(f"{experiment}: no figure '{side}'")
    return value


# --- the run -----------------------------------------------------------------


def compile_programs(work):
    cflags = ["-std=c11", "-O2", "-Wall", "-Wextra", f"-I{ROOT / 'include'}"]
    with_ihub = [f"-L{LIB}", "-lihub", f"-Wl,-rpath,{LIB}"]
    lua = subprocess.run(["pkg-config", "--cflags", "--libs", "lua5.4"], capture_output=True, text=True, check=True)
    pq = subprocess.run(["pkg-config", "--cflags", "--libs", "libpq"], capture_output=True, text=True, check=True)
    lua_c, lua_l = [f for f in lua.stdout.split() if not f.startswith("-l")], [f for f in lua.stdout.split() if f.startswith("-l")]
    programs = {
        "people_ihub": [BENCH / "people_ihub.c", *with_ihub],
        "people_sqlite": [BENCH / "people_sqlite.c", "-lsqlite3"],
        "people_pq": [BENCH / "people_pq.c", *pq.stdout.split()],
        "roundtrip": [BENCH / "roundtrip.c", *with_ihub, "-lsqlite3"],
        # The pairing score loop runs in the Lua shim that libihub links (its C
        # sources), beside a bare lua_State: the same compiler flags for both.
        "pairing_score": [f"-I{ROOT / 'Sources/IHubLua/include'}", *lua_c, BENCH / "pairing_score.c",
                          *sorted((ROOT / "Sources/IHubLua").glob("*.c")), *lua_l, "-lpthread", "-lm"],
        "csv_make": [BENCH / "csv_make.c"],
        "csv_ihub": [BENCH / "csv_ihub.c", *with_ihub],
        "csv_sqlite": [BENCH / "csv_sqlite.c", "-lsqlite3"],
        "xapi_ihub": [BENCH / "xapi_ihub.c", *with_ihub],
        "xapi_sqlite": [BENCH / "xapi_sqlite.c", "-lsqlite3"],
        "xapi_pq": [BENCH / "xapi_pq.c", *pq.stdout.split()],
        "startup": [BENCH / "startup.c"],
    }
    for name, args in programs.items():
        subprocess.run(["gcc", *cflags, *map(str, args), "-o", str(work / name)], check=True)


ONLY = [None]  # --only: a part of the row names to run


def selected(z):
    return [row for row in rows(z) if ONLY[0] is None or ONLY[0] in row.name]


ENV = dict(os.environ, IHUB_LIBRARY=str(LIB / "libihub.so"))
os.environ["IHUB_LIBRARY"] = ENV["IHUB_LIBRARY"]  # the ihub package, in this process too
PG_FAILURE = ["PostgreSQL did not start"]
INDICATORS = ["none ran"]  # the indicators row's set, for the notes


def ihub_names(db):
    """The bench's indicators that this ihub has (indicator.list)."""
    sys.path.insert(0, str(ROOT / "bindings" / "python"))
    import ihub
    import indicators_ihub
    with ihub.open(db) as h:
        return indicators_ihub.names_of(h)[0]


def main():
    parser = argparse.ArgumentParser(prog="scripts/bench", description="ihub beside the limit and its peers, in one run")
    parser.add_argument("--quick", action="store_true", help="small N, a smoke run")
    parser.add_argument("--only", metavar="TEXT", help="only the rows whose name contains TEXT, e.g. 'bulk people'")
    args = parser.parse_args()
    z = QUICK if args.quick else FULL
    ONLY[0] = args.only
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the server on the way out

    work = Path(tempfile.mkdtemp(prefix="ihub-bench."))
    pg_dir = Path(tempfile.mkdtemp(prefix="ihub-bench-pg."))  # its own: the server runs as another user
    try:
        compile_programs(work)
        pg_uri = None
        p = subprocess.run([ROOT / "scripts" / "postgres", "start", "--durable", pg_dir], capture_output=True, text=True)
        if p.returncode == 0:
            pg_uri = p.stdout.strip()
        else:
            PG_FAILURE[0] = f"PostgreSQL did not start: {last_words(p.stderr)}"
            say(PG_FAILURE[0])
        bench = Bench(z, work, pg_uri)
        results = {}
        t0 = time.monotonic()
        for row in selected(z):
            for key in (row.ihub, row.other):
                experiment = key.split(":")[0]
                if experiment not in results:
                    try:
                        results[experiment] = getattr(bench, experiment)()
                    except Failed as failure:
                        results[experiment] = failure
        text, failed = table(z, results)
        print()
        print(text)
        print()
        print(notes(z))
        say(f"(bench: {time.monotonic() - t0:.0f} s)")
        return 1 if failed else 0
    finally:
        subprocess.run([ROOT / "scripts" / "postgres", "stop", pg_dir], capture_output=True)
        shutil.rmtree(pg_dir, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
