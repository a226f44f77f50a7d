"""Issue 13, point 6: every attempt of the hostile catalogue
(hostile_catalogue.py) in every place where a hub's script runs —
script.eval, classify, the pairing policy, an instrument's declaration and
its score function, the process script, indicators and insight rules; for
the pairing, process, indicators and insights scripts both inside the hook
and at the script's top level — and in a methodology package's test file.
Each is contained: a clear status and a one-line message naming the
script, nothing stored (the place's lists are the same before and after),
and the handle usable afterwards (a normal call succeeds and the same place
runs a benign script correctly). The whole test runs in a minute or two per
engine: about 50 attempts per place wait out the time budget."""
import re
import time

import pytest

import ihub
from hostile_catalogue import ATTEMPTS

BUDGET_MS = 150  # about 50 attempts run out of it in each place
# Far above the budget, far below what an unbounded attempt takes (seconds to
# forever): a place that lets one run on fails here instead of hanging.
OVERRUN_S = BUDGET_MS / 1000 + 2.5
MEMORY_MB = 16


def hooked(body):
    """The attempt as a local function of the script; its value is the answer."""
    return f"local function attempt()\n{body}\nend\n"


class Place:
    """One place a hub's script runs. Each says:
        source(body)   the hub's script with the attempt where its hook runs
        run(h, source) installs and triggers it: (status, message) for a
                       failure the result reports, else (None, result)
        stored(h)      what the place stores, as list results
        benign         an attempt body the place must accept, and
        check_benign   what it must then have done."""
    name = ""
    script = ""  # how messages name the script
    refusal = ()  # the statuses of its own refusal of a returned value
    benign = ""

    def setup(self, h):
        pass

    def attempt(self, h, source):
        """(status, message) of a failure, raised or reported; else (None, result)."""
        try:
            return self.run(h, source)
        except ihub.Error as e:
            return e.status_name, e.message


class Eval(Place):
    name, script = "script.eval", "probe.lua"
    benign = "return {answer = 6 * 7, upper = ('x'):upper()}"

    def source(self, body):
        return hooked(body) + "return attempt()"

    def run(self, h, source):
        return None, h.script.eval(source=source, name="probe.lua")

    def stored(self, h):
        return h.hub.list(), h.script.list()

    def check_benign(self, h, result):
        assert result["values"] == [{"answer": 42, "upper": "X"}]


class Classify(Place):
    name, script = "classify", "H/classify"
    benign = "return 'advanced', {'benign'}"

    def source(self, body):
        return hooked(body) + "function classify(subject, assessments) return attempt() end"

    def run(self, h, source):
        h.script.set(hub="H", name="classify", source=source)
        return None, h.classification.run(hub="H", round="R1", subject="school")

    def stored(self, h):
        return h.classification.list(round="R1"), h.decision.list(hub="H")

    def check_benign(self, h, result):
        assert {c["class"] for c in h.classification.list(round="R1")} == {"advanced"}


class Pairing(Place):
    name, script = "pairing", "H/pairing"
    benign = "return 1"

    def source(self, body):
        return hooked(body) + (
            "function eligible(r) return r.code == 'M1' and 'mentor' or 'mentee' end\n"
            "function exclude() return nil end\n"
            "criteria.fit = function(mentee, mentor) return attempt() end\n"
            "weights.school = {fit = 1}\n")

    def run(self, h, source):
        h.script.set(hub="H", name="pairing", source=source)
        return None, h.pairing.propose(hub="H", round="R1")

    def stored(self, h):
        return h.pairing.list(round="R1"), h.decision.list(hub="H")

    def check_benign(self, h, result):
        assert [(p["mentee"], p["mentor"]) for p in h.pairing.get(run=result["run"])["pairs"]] == [("E1", "M1")]


class PairingSettings(Pairing):
    """The policy's top level: the attempt runs as the script is loaded, and
    its value is a weight."""
    name = "pairing settings"

    def source(self, body):
        return hooked(body) + (
            "function eligible(r) return r.code == 'M1' and 'mentor' or 'mentee' end\n"
            "function exclude() return nil end\n"
            "criteria.fit = function(mentee, mentor) return 1 end\n"
            "weights.school = {fit = attempt()}\n")


def instrument(score="return 1"):
    return ("{code = 'selftest', name = 'Self-test', subject = 'school', scale = {min = 0, max = 1},\n"
            " groups = {'leaders'}, areas = {{code = 'S', name = 'Self', items = {{code = 'Q1', text = 'Question'}}}},\n"
            " score = function(answers) " + score + " end}")


class Declaration(Place):
    name, script = "instrument declaration", "instrument"
    refusal = ("IHUB_INVALID",)  # a table that is no instrument
    benign = "return " + instrument()

    def source(self, body):
        return hooked(body) + "return attempt()"

    def run(self, h, source):
        return None, h.instrument.define(hub="H", source=source)

    def stored(self, h):
        return h.instrument.list(hub="H")

    def check_benign(self, h, result):
        assert result["code"] == "selftest" and result["definition"]["score_function"]


class Scoring(Place):
    name, script = "instrument score", "selftest"
    benign = "return 1"

    def setup(self, h):
        h.instrument.define(hub="H", source="return " + instrument())
        h.assessment.submit(round="R1", instrument="selftest", responses=[
            {"respondent": "L1", "school": "E1", "group": "leaders", "answers": {"Q1": 1}}])

    def source(self, body):
        return hooked(body) + "return " + instrument("return attempt()")

    def run(self, h, source):
        h.instrument.define(hub="H", source=source)
        return None, h.assessment.scores(round="R1", instrument="selftest")

    def stored(self, h):  # scores are read, never stored
        return h.decision.list(hub="H")

    def check_benign(self, h, result):
        assert [r["overall"] for r in result["responses"]] == [1]


class Process(Place):
    name, script = "process", "H/process"
    benign = "return true"

    def setup(self, h):
        self.id = h.process.start(school="E1", at="initiative")["id"]

    def source(self, body):
        return hooked(body) + "rule('*', function(instance, from, to) return attempt() end)"

    def run(self, h, source):
        h.script.set(hub="H", name="process", source=source)
        to = "anchoring" if h.process.get(id=self.id)["step"] != "anchoring" else "joint_planning"
        return None, h.process.move(id=self.id, to=to)

    def stored(self, h):
        return h.process.history(id=self.id), h.decision.list(hub="H")

    def check_benign(self, h, result):
        assert result["step"] == h.process.get(id=self.id)["step"] != "initiative"


class ProcessModel(Place):
    """The process script's top level, which edits the model: the attempt's
    value is a step's new name."""
    name, script = "process model", "H/process"
    benign = "return 'Meetings with the municipality'"

    def source(self, body):
        return hooked(body) + "rename('anchoring', attempt())"

    def run(self, h, source):
        h.script.set(hub="H", name="process", source=source)
        return None, h.process.model(hub="H")

    def stored(self, h):
        return h.process.list(hub="H"), h.decision.list(hub="H")

    def check_benign(self, h, result):
        assert {s["code"]: s["name"] for s in result["steps"]}["anchoring"] == "Meetings with the municipality"


class Indicators(Place):
    name, script = "indicators", "H/indicators"
    benign = "return {{value = 7}}"

    def source(self, body):
        return hooked(body) + (
            "indicator{name = 'probe', description = 'a probe', level = 'hub', type = 'count',\n"
            "          compute = function(ctx) return attempt() end}")

    def run(self, h, source):
        h.script.set(hub="H", name="indicators", source=source)
        (r,) = h.indicator.snapshot(hub="H", window="2026-11", names=["H.probe"])["indicators"]
        return (r["error"]["status"], r["error"]["message"]) if "error" in r else (None, r)

    def stored(self, h):
        return h.indicator.series(hub="H", name="H.probe")["points"] if self.declared(h) else []

    def declared(self, h):
        return "H.probe" in [i["name"] for i in h.indicator.list(hub="H")]

    def check_benign(self, h, result):
        assert result["stored"] == 1
        assert [p["value"] for p in h.indicator.series(hub="H", name="H.probe")["points"]] == [7]


class IndicatorDeclaration(Indicators):
    """The indicators script's top level, which declares: the attempt's value
    is the description. A script that cannot declare is one failing
    indicator, <hub>.indicators."""
    name = "indicator declaration"
    benign = "return 'a probe'"

    def source(self, body):
        return hooked(body) + (
            "indicator{name = 'probe', description = attempt(), level = 'hub', type = 'count',\n"
            "          compute = function(ctx) return {{value = 7}} end}")

    def run(self, h, source):
        h.script.set(hub="H", name="indicators", source=source)
        name = "H.probe" if self.declared(h) else "H.indicators"
        (r,) = h.indicator.snapshot(hub="H", window="2026-11", names=[name])["indicators"]
        return (r["error"]["status"], r["error"]["message"]) if "error" in r else (None, r)

    def stored(self, h):
        """H.probe's series, read under the benign script (a failing one
        declares no H.probe to read)."""
        h.script.set(hub="H", name="indicators", source=self.source(self.benign))
        return h.indicator.series(hub="H", name="H.probe")["points"]

    def check_benign(self, h, result):
        super().check_benign(h, result)
        assert [i["description"] for i in h.indicator.list(hub="H") if i["name"] == "H.probe"] == ["a probe"]


class Insights(Place):
    name, script = "insights", "H/insights"
    benign = "return {{severity = 'info', title = 'Probe', reason = 'a benign rule', action = 'none'}}"

    def source(self, body):
        return hooked(body) + "return {{name = 'probe', apply = function(ctx) return attempt() end}}"

    def run(self, h, source):
        h.script.set(hub="H", name="insights", source=source)
        r = h.insight.generate(hub="H", window="2026-11")
        (own,) = [e for e in r["errors"] if e["source"] != "builtin"] or [None]
        return (own["status"], own["message"]) if own else (None, r)

    def stored(self, h):
        return [x for x in h.insight.list(hub="H") if x["source"] != "builtin"], h.decision.list(hub="H", kind="insight")

    def check_benign(self, h, result):
        assert [x["title"] for x in h.insight.list(hub="H") if x["rule"] == "probe"] == ["Probe"]


class InsightDeclaration(Insights):
    """The insights script's top level, which lists the rules: the attempt's
    value is the rule's description."""
    name = "insight declaration"
    benign = "return 'a probe'"

    def source(self, body):
        return hooked(body) + (
            "return {{name = 'probe', description = attempt(), apply = function(ctx)\n"
            "  return {{severity = 'info', title = 'Probe', reason = 'a benign rule', action = 'none'}} end}}")

    def check_benign(self, h, result):
        super().check_benign(h, result)
        assert [r["description"] for r in h.insight.rules(hub="H") if r["name"] == "probe"] == ["a probe"]


PLACES = [Eval(), Classify(), Pairing(), PairingSettings(), Declaration(), Scoring(), Process(), ProcessModel(),
          Indicators(), IndicatorDeclaration(), Insights(), InsightDeclaration()]


@pytest.fixture(scope="module")
def handles():
    """One handle per place, kept across the catalogue: what one attempt
    leaves behind would show in the next."""
    opened = {}
    yield opened
    for h in opened.values():
        h.close()


def handle_for(handles, place):
    if place.name not in handles:
        h = ihub.open(script_time_ms=BUDGET_MS, script_memory_mb=MEMORY_MB)
        h.hub.add(code="H", name="Hub", country="EE")
        h.round.add(hub="H", code="R1", name="Round 1", start="2026-01-01")
        for code in ["M1", "E1"]:
            h.school.add(hub="H", code=code, name="School " + code)
        place.setup(h)
        handles[place.name] = h
    return handles[place.name]


def expected(place, a, status):
    return status in (a.status if isinstance(a.status, tuple) else (a.status,)) + (place.refusal if a.returned else ())


CASES = [pytest.param(p, a, id=f"{p.name}: {a.name}") for p in PLACES for a in ATTEMPTS]


@pytest.mark.parametrize("place, attempt", CASES)
def test_hostile_script_is_contained(handles, place, attempt):
    h = handle_for(handles, place)
    before = place.stored(h)
    started = time.monotonic()
    status, message = place.attempt(h, place.source(attempt.body))
    took = time.monotonic() - started
    assert took < OVERRUN_S, f"ran {took:.2f} s against a budget of {BUDGET_MS} ms"
    if status is None and attempt.accepted is not None and place.name == "script.eval":
        assert message["values"] == attempt.accepted
    else:
        assert status is not None, f"not refused: {str(message)[:300]}"
        assert expected(place, attempt, status), (status, message[:500])
        assert attempt.fragment in message, message[:500]
        assert "\n" not in message
        assert not any(internal in message for internal in ("__ihub", "ihub-", "ihub/")), message[:500]
        assert len(message) <= 1024, f"a message of {len(message)} bytes: {message[:200]}..."
        # Whose it is comes first: the script, or a position in it (or in
        # a chunk it loaded, the script's line then in the traceback).
        assert re.match(r"(%s|\S+:\d+:|\[string .*?\]:\d+:)" % re.escape(place.script), message), message[:500]
        if status == "IHUB_SCRIPT" and not attempt.returned:  # and the line
            assert re.search(re.escape(place.script) + r":\d+", message), message[:500]
    assert place.stored(h) == before
    # The handle is usable and the same place runs a benign script.
    assert h.hub.get(code="H")["code"] == "H"
    status, result = place.attempt(h, place.source(
        "assert(string.upper and table.insert and pairs and ihub.school.list, 'a change outlived its script')\n"
        + place.benign))
    assert status is None, result
    place.check_benign(h, result)


# Values a place takes beside its answer: bounded like any text it stores.
HUGE = "string.rep('x', 2^20 + 1)"
OWN_CHANNELS = [
    ("classify", f"return 'advanced', {{{HUGE}}}", "IHUB_SCRIPT", "over the limit"),
    ("process", f"return false, {HUGE}", "IHUB_SCRIPT", "over the limit"),
    ("indicators", f"return {{{{value = 1, detail = {{text = {HUGE}}}}}}}", "IHUB_LIMIT", "bytes of JSON is over the limit of 1048576 bytes"),
    ("insights", f"return {{{{severity = 'info', title = 't', reason = {HUGE}, action = 'a'}}}}", "IHUB_SCRIPT", "over the limit"),
]


@pytest.mark.parametrize("name, body, status, words", OWN_CHANNELS, ids=[c[0] for c in OWN_CHANNELS])
def test_huge_values_in_a_places_own_fields_are_refused(handles, name, body, status, words):
    (place,) = [p for p in PLACES if p.name == name]
    h = handle_for(handles, place)
    before = place.stored(h)
    got, message = place.attempt(h, place.source(body))
    assert (got, words in str(message)) == (status, True), message
    assert place.stored(h) == before


# A methodology package's test files run in the admin context, each test in a
# fresh database: there an attempt fails its test, with a report that holds.
@pytest.mark.parametrize("attempt", [pytest.param(a, id=a.name) for a in ATTEMPTS])
def test_hostile_test_file_fails_its_test(handles, attempt):
    if "runner" not in handles:
        handles["runner"] = ihub.open(admin_time_ms=BUDGET_MS, admin_memory_mb=MEMORY_MB)
    h = handles["runner"]
    files = {"probe_test.lua": hooked(attempt.body) + "test('probe', function() assert_eq(attempt(), 'ok') end)\n"}
    started = time.monotonic()
    (test,) = h.methodology.test(files=files)["tests"]
    assert time.monotonic() - started < OVERRUN_S
    assert not test["ok"]
    if attempt.returned and attempt.status == "IHUB_SCRIPT":  # the report shows the value, whatever it is
        assert test["failures"][0]["message"] == "values differ", test["failures"]
    for text in test["failures"][0].values():
        if isinstance(text, str):
            assert "\n" not in text and len(text.encode()) <= 4096 + 3, text[:300]
            assert not any(internal in text for internal in ("__ihub", "ihub-", "ihub/")), text[:300]
    assert h.hub.list() == []
    benign = {"probe_test.lua": "test('benign', function() assert_eq(('x'):upper(), 'X') end)\n"}
    assert h.methodology.test(files=benign)["passed"] == 1
