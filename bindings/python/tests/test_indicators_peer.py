"""The built-in indicators against an independent computation: the bench's
generator (Tests/Bench/indicators_make.py) fills a small hub, and
indicator.compute must give the rows that pandas computes from the same
tables (Tests/Bench/indicators_pandas.py); on SQLite also those of the
hand-written SQL the bench runs in the sqlite3 shell (indicators.sql).
The comparison is the bench's own (indicators_check.py).

On PostgreSQL (IHUB_TEST_POSTGRES) the data goes to a fresh schema of the
test server through psycopg, and ihub reads it there.
"""
import os
import re
import sqlite3
import sys
import uuid

import pytest

import ihub

BENCH = os.path.join(os.path.dirname(__file__), "..", "..", "..", "Tests", "Bench")
sys.path.insert(0, BENCH)

import indicators_check  # noqa: E402
import indicators_make  # noqa: E402
import indicators_pandas  # noqa: E402

POSTGRES = os.environ.get("IHUB_TEST_POSTGRES")
PEOPLE, ACTIVITIES = 1000, 8000
WINDOW, FROM, TO, AS_OF = "2025/26", "2025-09-01", "2026-08-31", "2026-08-31"


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    """(ihub handle, DB-API connection) on the generated data."""
    if POSTGRES:
        psycopg = pytest.importorskip("psycopg")
        schema = f"peer_{uuid.uuid4().hex[:12]}"
        h = ihub.open(POSTGRES, schema=schema)  # the schema, as ihub makes it
        con = psycopg.connect(POSTGRES)
        con.execute(f'SET search_path TO "{schema}"')
        indicators_make.fill(con, "%s", PEOPLE, ACTIVITIES)
    else:
        path = str(tmp_path_factory.mktemp("peer") / "peer.db")
        h = ihub.open(path)
        con = sqlite3.connect(path)
        indicators_make.fill(con, "?", PEOPLE, ACTIVITIES)
    con.commit()
    try:
        yield h, con
    finally:
        con.close()
        h.close()


def ihub_rows(h):
    listed = h.call("indicator.list", {"hub": indicators_make.HUB})
    listed = listed["indicators"] if isinstance(listed, dict) else listed
    names = [d["name"] for d in listed if d["name"] in indicators_check.DETAILS]
    if not names:
        pytest.skip("none of the bench's indicators is built in yet")
    result = h.call("indicator.compute", {"hub": indicators_make.HUB, "window": WINDOW, "names": names})
    rows, errors = indicators_check.from_ihub(result)
    assert errors == {}
    return names, rows


def peer_rows(con):
    hub = 1  # the generator's
    return indicators_pandas.compute(indicators_pandas.read(con), hub, FROM, TO, AS_OF)


def as_keyed(rows):
    return indicators_check.parse(indicators_pandas.text(rows))


def test_the_generated_hub_has_something_to_count_in_every_indicator(hub):
    _, con = hub
    rows = as_keyed(peer_rows(con))
    counted = {key[0] for key in rows}
    assert counted == set(indicators_check.DETAILS)
    # The data reaches the interesting cases: withheld activity, silent pairs, moves on.
    active, open_ = map(int, rows[("participation.active_mentorships", "", "")][:2])
    assert 0 < active < open_
    assert any(k[0] == "risk.inactive_mentorships" for k in rows)
    assert any(k[0] == "risk.dropouts" for k in rows)


def test_indicator_compute_gives_the_rows_pandas_computes(hub):
    h, con = hub
    names, mine = ihub_rows(h)
    peer = as_keyed(peer_rows(con))
    assert indicators_check.differences(mine, peer, names, ("ihub", "pandas")) == []


def test_the_bench_limit_sql_agrees_with_pandas(hub):
    _, con = hub
    if POSTGRES:
        pytest.skip("indicators.sql is written for the sqlite3 shell")
    params = {"hub": 1, "from": FROM, "to": TO, "asof": AS_OF, "inactive_days": 30, "stalled_days": 60}
    text = open(os.path.join(BENCH, "indicators.sql")).read()
    text = "\n".join(line for line in text.splitlines() if not line.startswith("."))  # the shell's own commands
    out = []
    for statement in split(text):
        names = set(re.findall(r"@(\w+)", statement))
        cur = con.execute(statement, {k: params[k] for k in names})
        out += ["\t".join("" if v is None else str(v) for v in row) + "\n" for row in cur.fetchall()]
    limit = indicators_check.parse("".join(out))
    peer = as_keyed(peer_rows(con))
    assert indicators_check.differences(peer, limit, indicators_check.DETAILS, ("pandas", "sql")) == []
    assert len(limit) == len(peer) > 100


def split(text):
    """The SQL text's statements (sqlite3.complete_statement decides where each ends)."""
    out, current = [], []
    for line in text.splitlines():
        current.append(line)
        joined = "\n".join(current)
        if sqlite3.complete_statement(joined):
            if joined.strip():
                out.append(joined)
            current = []
    return out
