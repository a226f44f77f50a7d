"""Several processes on one database, on either engine: confirms that race
cannot overrun a mentor's capacity, and concurrent bulk adds lose no row.
(Processes killed during imports and confirmations: test_crash.py; threads,
handles and processes mixing reads and writes: Tests/c/test_concurrency.c.)

On SQLite the processes share a file; when scripts/test runs the suite on
PostgreSQL (IHUB_TEST_POSTGRES), they share a schema of the test server.
"""
import json
import os
import subprocess
import sys
import time
import uuid

import pytest

import ihub

POSTGRES = os.environ.get("IHUB_TEST_POSTGRES")
HUB, ROUND = "LT-CTA", "LT-CTA-R2"


def shared(tmp_path, name):
    """(location, options) of a new database several processes can open."""
    if POSTGRES:
        return POSTGRES, {"schema": f"{name}_{uuid.uuid4().hex[:12]}"}
    return str(tmp_path / f"{name}.db"), {}


def start(code, location, options, at):
    """A child process that opens the database and, at time `at`, runs `code`
    (Python with `h`, the handle, and `people(prefix, n)`), printing one JSON
    line of what happened."""
    program = f"""
import json, sys, time
sys.path.insert(0, {os.path.join(os.path.dirname(__file__), '..')!r})
import ihub
def people(prefix, n, school="S1"):
    return [{{"hub": "EE-ACC", "code": f"{{prefix}}{{i:06d}}", "name": f"Teacher {{i}}", "schools": [school], "roles": ["teacher"]}}
            for i in range(n)]
h = ihub.open({location!r}, **{options!r})
print("ready", flush=True)
while time.time() < {at!r}:
    time.sleep(0.001)
try:
    result = {{"ok": True, "value": ({code})}}
except ihub.Error as e:
    result = {{"ok": False, "status": e.status, "message": str(e)}}
print(json.dumps(result), flush=True)
"""
    return subprocess.Popen([sys.executable, "-c", program], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=os.environ.copy())


def outcome(process):
    out, err = process.communicate(timeout=600)
    assert process.returncode == 0, err
    return json.loads(out.splitlines()[-1])


@pytest.fixture(scope="module")
def region(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("region") / "region.db")
    with ihub.open(path) as h:
        h.call("demo.populate", {})
    return path


def test_four_processes_confirming_at_once_overrun_no_capacity(region, tmp_path):
    location, options = shared(tmp_path, "confirm")
    with ihub.open(region) as h:
        h.call("store.copy", {"path": location, "options": options})
    with ihub.open(location, **options) as h:
        # Four proposals of the same round, each fine alone: the mentors' loads
        # overlap, so confirming more than one or two would overrun them.
        runs = [h.call("pairing.propose", {"hub": HUB, "round": ROUND, "level": "school", "objective": objective})
                for objective in ("total_fit", "fairness", "total_fit", "fairness")]
        mentor_max = runs[0]["capacity"]["mentor_max"] if "capacity" in runs[0] else 2
    at = time.time() + 3
    children = [start(f"h.call('pairing.confirm', {{'run': {run['run']}}})", location, options, at) for run in runs]
    results = [outcome(c) for c in children]
    confirmed = [r for r in results if r["ok"]]
    refused = [r for r in results if not r["ok"]]
    assert confirmed, results
    for r in refused:
        assert r["status"] in (ihub.ConstraintError.status, ihub.ConflictError.status), r
    with ihub.open(location, **options) as h:
        current = [m for m in h.call("pairing.mentorships", {"hub": HUB, "level": "school"}) if m["round"] == ROUND]
    loads, mentees = {}, {}
    for m in current:
        loads[m["mentor"]] = loads.get(m["mentor"], 0) + 1
        mentees[m["mentee"]] = mentees.get(m["mentee"], 0) + 1
    assert max(loads.values()) <= mentor_max, loads
    assert max(mentees.values()) <= 1, mentees
    assert not {(a, b) for a, b in ((m["mentee"], m["mentor"]) for m in current)
                if any(n["mentee"] == b and n["mentor"] == a for n in current)}


def hub_with_school(location, options):
    with ihub.open(location, **options) as h:
        h.call("hub.add", {"code": "EE-ACC", "name": "Accelerator", "country": "EE"})
        h.call("school.add", {"hub": "EE-ACC", "code": "S1", "name": "Tartu School"})


def test_eight_processes_adding_people_at_once_lose_no_row(tmp_path):
    location, options = shared(tmp_path, "adders")
    hub_with_school(location, options)
    each = 500
    at = time.time() + 3
    children = [start(f"h.call('person.add_many', {{'people': people('P{k}-', {each})}})['added']", location, options, at)
                for k in range(8)]
    results = [outcome(c) for c in children]
    assert all(r["ok"] for r in results), results
    assert [r["value"] for r in results] == [each] * 8
    with ihub.open(location, **options) as h:
        assert len(h.call("person.list", {"hub": "EE-ACC", "limit": 10000})) == 8 * each
