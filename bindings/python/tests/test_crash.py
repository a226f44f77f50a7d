"""Crash safety: a child process runs batches on one database (bulk imports
of schools and people, CSV and JSON, and pairing runs proposed, then
confirmed) and is killed with SIGKILL at a random moment, 50 times in a row
on the same database. After each kill the database passes its integrity
check, every batch the child acknowledged is there, and every batch is there
whole or not at all; the next child carries on from that state.

Kills are aimed: the parent picks a step (seeded), waits for the child to
start it and kills it after a random part of the step's duration as measured
so far (0 to 1.25 of it), so most land inside a call (inside its
transaction: a writing call runs in one from its start) and some between.
The test prints how many landed inside a call of each step, and how many of
those left no trace ("cut": rolled back; the others had committed, unacked).

The integrity check: on SQLite, PRAGMA integrity_check and foreign_key_check;
on PostgreSQL (IHUB_TEST_POSTGRES), once the killed client's session has
ended on the server, amcheck's verify_heapam and bt_index_check over every
table and index of the schema (at the end with heapallindexed as well).

Run as a script, this file is the child: test_crash.py LOCATION OPTIONS ITERATION.
"""
import collections
import json
import os
import queue
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid

import pytest

import ihub

POSTGRES = os.environ.get("IHUB_TEST_POSTGRES")
KILLS = 50
HUB = "CR"                   # the hub of the registry batches
SCHOOLS, PEOPLE = 2000, 5000  # rows of a school batch, of a people batch (past SQLite's page cache: it spills)
# A pairing batch: a hub of its own, with PAIR_SCHOOLS schools of TEACHERS teachers, MENTORS of whom mentor.
PAIR_SCHOOLS, TEACHERS, MENTORS = 20, 12, 3
MENTOR_MAX = 3               # the default policy's, at the teacher level
MENTEES = PAIR_SCHOOLS * (TEACHERS - MENTORS)
# The steps of a child's cycle, in order, and those kills are aimed at (pairing_setup is small calls).
STEPS = ("schools", "people", "pairing_setup", "pairing_people", "propose", "confirm")
TARGETS = ("schools", "people", "pairing_people", "propose", "confirm")

# Every teacher of a pairing batch takes part: mentors mentor, the others are
# mentored, within their school (MENTORS x MENTOR_MAX = the school's mentees).
POLICY = """
blocking.cross_school = "none"
function eligible(r, level)
  for _, role in ipairs(r.roles) do
    if role == "mentor" then return "mentor" end
  end
  return "mentee"
end
function score(mentee, mentor) return 1 end
"""


def school_code(tag, i):
    return f"S{tag}-{i:05d}"


def person_code(tag, i):
    return f"P{tag}-{i:05d}"


def csv(header, rows):
    return header + "\n" + "\n".join(",".join(row) for row in rows) + "\n"


# --- the child --------------------------------------------------------------

def say(*words):
    """One line to the parent in one write, so a kill cannot cut it short."""
    os.write(1, (" ".join(words) + "\n").encode())


def child(location, options, iteration):
    """Runs cycles of STEPS until killed, saying "begin STEP TAG" before
    each step and "ack STEP TAG" once its calls returned."""
    h = ihub.open(location, **options)
    for cycle in range(1000):
        tag = f"{iteration}.{cycle}"
        as_csv = (iteration + cycle) % 2 == 0  # schools as JSON and people as CSV, then the other way round
        pairing_hub, pairing_round = f"P{tag}", f"P{tag}-R"
        run = {}

        def schools():
            if as_csv:
                h.call("import.csv", {"kind": "schools", "text": csv(
                    "hub,code,name", ([HUB, school_code(tag, i), f"School {i}"] for i in range(SCHOOLS)))})
            else:
                h.call("school.add_many", {"schools": [{"hub": HUB, "code": school_code(tag, i), "name": f"School {i}"}
                                                       for i in range(SCHOOLS)]})

        def people():
            if as_csv:
                h.call("import.csv", {"kind": "people", "text": csv(
                    "hub,code,name,schools,roles", ([HUB, person_code(tag, i), f"Teacher {i}", "CR-S", "teacher"]
                                                    for i in range(PEOPLE)))})
            else:
                h.call("person.add_many", {"people": [{"hub": HUB, "code": person_code(tag, i), "name": f"Teacher {i}",
                                                       "schools": ["CR-S"], "roles": ["teacher"]} for i in range(PEOPLE)]})

        def pairing_setup():
            h.call("hub.add", {"code": pairing_hub, "name": f"Pairing {tag}", "country": "EE"})
            h.call("round.add", {"hub": pairing_hub, "code": pairing_round, "name": "Round",
                                 "start": "2025-09-01", "end": "2026-06-30"})
            h.call("script.set", {"hub": pairing_hub, "name": "pairing", "source": POLICY})
            h.call("school.add_many", {"schools": [{"hub": pairing_hub, "code": f"{pairing_hub}-S{s:03d}", "name": f"S{s}"}
                                                   for s in range(PAIR_SCHOOLS)]})

        def pairing_people():
            h.call("import.csv", {"kind": "people", "text": csv("hub,code,name,schools,roles", (
                [pairing_hub, f"{pairing_hub}-T{s:03d}-{k:02d}", "Teacher", f"{pairing_hub}-S{s:03d}",
                 "teacher|mentor" if k < MENTORS else "teacher"]
                for s in range(PAIR_SCHOOLS) for k in range(TEACHERS)))})

        def propose():
            run["id"] = h.call("pairing.propose", {"hub": pairing_hub, "round": pairing_round, "level": "teacher"})["run"]

        def confirm():
            h.call("pairing.confirm", {"run": run["id"]})

        for step, body in zip(STEPS, (schools, people, pairing_setup, pairing_people, propose, confirm)):
            say("begin", step, tag)
            body()
            say("ack", step, tag)


if __name__ == "__main__":
    child(sys.argv[1], json.loads(sys.argv[2]), int(sys.argv[3]))
    sys.exit(0)


# --- the parent -------------------------------------------------------------

class Child:
    """A child process and the lines it printed, each with when it arrived."""

    def __init__(self, location, options, iteration):
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [
            os.path.join(os.path.dirname(__file__), ".."), os.environ.get("PYTHONPATH")])))
        self.process = subprocess.Popen([sys.executable, __file__, location, json.dumps(options), str(iteration)],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        self.lines = queue.Queue()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.put((time.monotonic(), line.split()))
        self.lines.put((time.monotonic(), None))

    def next(self):
        """(arrival time, [word, step, tag]) of the next line; fails when the child ends."""
        at, words = self.lines.get(timeout=120)
        if words is None:
            self.process.wait()
            pytest.fail(f"the child ended by itself ({self.process.returncode}): {self.process.stderr.read()[-2000:]}")
        return at, words

    def kill(self):
        """Kills the child; returns the lines it printed that were not read yet."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        self.reader.join()
        rest = []
        while (item := self.lines.get())[1] is not None:
            rest.append(item)
        self.process.stdout.close()
        self.process.stderr.close()
        return rest


def psql(sql):
    return subprocess.run(["psql", POSTGRES, "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql],
                          capture_output=True, text=True, check=True).stdout.strip()


def with_application_name(uri, name):
    return uri + ("&" if "?" in uri else "?") + f"application_name={name}"


def wait_for_session_end(name):
    """The server rolls a killed client's transaction back (or commits it, if
    COMMIT was on its way) when it notices the dropped connection."""
    deadline = time.monotonic() + 30
    while psql(f"SELECT count(*) FROM pg_stat_activity WHERE application_name = '{name}'") != "0":
        assert time.monotonic() < deadline, f"the killed client's session {name} is still on the server"
        time.sleep(0.02)


def check_integrity(location, schema, thorough=False):
    """Raises unless the database is whole; `thorough` on PostgreSQL also
    checks that every row is in every index (slower)."""
    if POSTGRES:
        damaged = psql("SELECT c.relname, v.msg FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, "
                       f"amcheck.verify_heapam(c.oid) v WHERE n.nspname = '{schema}' AND c.relkind = 'r'")
        assert damaged == "", damaged
        indexes = psql(f"SELECT count(amcheck.bt_index_check(c.oid, {str(thorough).lower()})) FROM pg_class c "
                       f"JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '{schema}' AND c.relkind = 'i' "
                       "AND c.relam = (SELECT oid FROM pg_am WHERE amname = 'btree')")
        assert int(indexes) > 0
    else:
        db = sqlite3.connect(location)
        try:
            assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        finally:
            db.close()


def exists(h, method, code):
    try:
        h.call(method, {"code": code})
        return True
    except ihub.NotFoundError:
        return False


class Ledger:
    """What the children began and acknowledged, and which batches are in the
    database, checked against it after every kill."""

    def __init__(self):
        self.acked = set()               # (step, tag)
        self.present = {"schools": set(), "people": set()}  # tags of the registry batches in the database

    def check(self, h, begun):
        """Checks the batches begun by the last child, then the totals of every batch so far."""
        outcome = {}
        for step, tag in begun:
            acked = (step, tag) in self.acked
            if step in ("schools", "people"):
                method, code = ("school.get", school_code) if step == "schools" else ("person.get", person_code)
                there = exists(h, method, code(tag, 0))
                if there:
                    self.present[step].add(tag)
                assert there or not acked, f"acknowledged batch {step} {tag} is missing"
                outcome[step, tag] = there
            elif step == "pairing_setup":
                outcome[step, tag] = self.check_pairing(h, tag, step)
        hub = h.call("hub.get", {"code": HUB})
        # Counts settle "whole": a batch that is there (its first row) with rows missing, or one
        # that is not there with rows left, would put the totals off.
        assert hub["schools"] == 1 + SCHOOLS * len(self.present["schools"]), hub
        assert hub["people"] == PEOPLE * len(self.present["people"]), hub
        for step, tag in begun:
            if step in ("pairing_people", "propose", "confirm"):
                outcome[step, tag] = self.check_pairing(h, tag, step)
        return outcome

    def check_pairing(self, h, tag, step):
        """Whether the step's batch of pairing batch `tag` is there; fails when half of it is."""
        hub_code, acked = f"P{tag}", lambda s: (s, tag) in self.acked
        if step == "pairing_setup":  # its last call adds the hub's schools
            if not exists(h, "hub.get", hub_code):
                assert not acked(step), f"acknowledged hub {hub_code} is missing"
                return False
            schools = h.call("hub.get", {"code": hub_code})["schools"]
            assert schools in (0, PAIR_SCHOOLS) and (schools or not acked(step)), f"{hub_code}: {schools} schools"
            return schools > 0
        hub = h.call("hub.get", {"code": hub_code})
        assert hub["schools"] == PAIR_SCHOOLS, hub  # pairing_setup was acknowledged before pairing_people began
        assert hub["people"] in (0, PAIR_SCHOOLS * TEACHERS), f"{hub_code}: {hub['people']} people"
        assert hub["people"] or not acked("pairing_people"), f"acknowledged people of {hub_code} are missing"
        if step == "pairing_people":
            return hub["people"] > 0
        runs = h.call("pairing.list", {"round": f"{hub_code}-R"})
        assert len(runs) <= 1 and (runs or not acked("propose")), runs
        if step == "propose" or not runs:
            if runs:  # a proposal is stored whole
                assert (runs[0]["pairs"], runs[0]["unmatched"]) == (MENTEES, 0), runs
            return bool(runs)
        run = runs[0]
        mentorships = h.call("pairing.mentorships", {"hub": hub_code})
        confirmed = run["confirmed_at"] is not None
        assert confirmed or not acked("confirm"), f"acknowledged confirmation of {hub_code} is missing"
        assert len(mentorships) == (MENTEES if confirmed else 0), f"{hub_code}: {len(mentorships)} mentorships"
        assert all(m["run"] == run["run"] for m in mentorships)
        loads = collections.Counter(m["mentor"] for m in mentorships)
        assert max(loads.values(), default=0) <= MENTOR_MAX and len({m["mentee"] for m in mentorships}) == len(mentorships)
        return confirmed


def run_and_kill(location, options, iteration, rng, ledger, took):
    """Starts a child, kills it inside (or just after) a step picked at
    random, and returns the steps it began and the one it was in, if any."""
    target = rng.choice(TARGETS)
    target_tag = f"{iteration}.{1 if iteration == 0 else 0}"  # the first child times a whole cycle first
    name = f"ihub_crash_{os.getpid()}_{iteration}"
    child = Child(with_application_name(location, name) if POSTGRES else location, options, iteration)
    begun, inside, started = [], None, {}
    while True:
        at, (word, step, tag) = child.next()
        if word == "begin":
            begun.append((step, tag))
            started[step, tag], inside = at, (step, tag)
        else:
            ledger.acked.add((step, tag))
            took[step], inside = at - started[step, tag], None
        if word == "begin" and (step, tag) == (target, target_tag):
            time.sleep(rng.uniform(0, 1.25) * took.get(step, 0.2))
            break
    for at, (word, step, tag) in child.kill():
        if word == "begin":
            begun.append((step, tag))
            inside = (step, tag)
        else:
            ledger.acked.add((step, tag))
            inside = None
    if POSTGRES:
        wait_for_session_end(name)
    return begun, inside


def test_fifty_kills_during_imports_and_confirmations_leave_every_batch_whole(tmp_path):
    started = time.monotonic()
    if POSTGRES:
        schema = f"crash_{uuid.uuid4().hex[:12]}"
        location, options = POSTGRES, {"schema": schema}
        # In a schema of its own: public stays as empty as the other tests expect it.
        psql("CREATE SCHEMA IF NOT EXISTS amcheck; CREATE EXTENSION IF NOT EXISTS amcheck SCHEMA amcheck")
    else:
        schema, location, options = None, str(tmp_path / "crash.db"), {}
    with ihub.open(location, **options) as h:
        h.call("hub.add", {"code": HUB, "name": "Crash", "country": "EE"})
        h.call("school.add", {"hub": HUB, "code": "CR-S", "name": "Home School"})
    rng, ledger = random.Random(13), Ledger()
    verdicts = {}                   # (step, tag) -> whether the batch was there after its kill
    took = {}                       # step -> its latest duration, seconds
    inside = collections.Counter()  # step -> kills that landed inside its calls
    cut = collections.Counter()     # step -> of those, the ones whose batch was not there afterwards
    for iteration in range(KILLS):
        begun, killed_in = run_and_kill(location, options, iteration, rng, ledger, took)
        check_integrity(location, schema)
        with ihub.open(location, **options) as h:
            verdicts.update(ledger.check(h, begun))
        if killed_in:
            inside[killed_in[0]] += 1
            cut[killed_in[0]] += not verdicts[killed_in]
    # The database killed 50 times holds every batch as it was found after its kill.
    check_integrity(location, schema, thorough=True)
    with ihub.open(location, **options) as h:
        assert ledger.check(h, list(verdicts)) == verdicts
    report = ", ".join(f"{step} {inside[step]} ({cut[step]} cut)" for step in STEPS)
    print(f"\n{KILLS} kills in {time.monotonic() - started:.1f} s; inside a call: {sum(inside.values())}: {report}; "
          f"step durations: " + ", ".join(f"{s} {took[s] * 1000:.0f} ms" for s in STEPS if s in took))
    assert sum(inside.values()) >= KILLS // 2, "most kills should land inside a call: the steps are too short"
    assert all(inside[step] > 0 for step in ("people", "confirm")), inside
