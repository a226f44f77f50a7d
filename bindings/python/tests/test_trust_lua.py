"""Issue 7, defects 3 and 6: what crosses from Lua back to the engine and to
the caller. Script outputs are checked before they are converted or stored
(nothing JSON cannot hold becomes null, U+FFFD or a function's address);
errors of ihub.* calls keep their status across Lua; messages never name
ihub's internal helper chunks."""
import pytest

import ihub


@pytest.fixture
def h():
    with ihub.open(admin_time_ms=500, script_time_ms=500) as handle:
        handle.hub.add(code="EE-ACC", name="Tallinn hub", country="EE")
        handle.school.add(hub="EE-ACC", code="S1", name="Tartu School")
        handle.round.add(hub="EE-ACC", code="R1", name="Round 1", start="2026-01-01")
        yield handle


def classify_with(h, source):
    h.script.set(hub="EE-ACC", name="classify", source=source)
    return h.classification.run(hub="EE-ACC", round="R1", subject="school")


INTERNAL = ("__ihub", "ihub-", "ihub/")


def no_internal_names(message):
    assert not any(name in message for name in INTERNAL), message


# ---- classify hook outputs ------------------------------------------------

BAD_CLASSIFY = {
    "function as class": ("return print", "the class is a function"),
    "thread as class": ("return coroutine.create(print)", "the class is a thread"),
    "NaN as class": ("return 0/0", "the class is NaN"),
    "inf in the reasons": ("return 'x', {1/0}", "the reasons[0] is inf"),
    "-inf in the reasons": ("return 'x', {'ok', -1/0}", "the reasons[1] is -inf"),
    "colliding keys": ("return 'x', {[1] = 'a', ['1'] = 'b'}", 'has the keys 1 and "1"'),
    "invalid UTF-8 class": ("return 'adv\\255'", "the class is not valid UTF-8 text (byte 4 is 0xff)"),
    "function in the reasons": ("return 'x', {'fine', print}", "the reasons[1] is a function"),
}


@pytest.mark.parametrize("name", sorted(BAD_CLASSIFY))
def test_bad_classify_result_is_refused_and_nothing_is_stored(h, name):
    classify_with(h, "function classify(s, a) return 'kept', {'first run'} end")
    before = h.classification.list(round="R1")
    assert [c["class"] for c in before] == ["kept"]
    body, words = BAD_CLASSIFY[name]
    with pytest.raises(ihub.ScriptError) as e:
        classify_with(h, f"function classify(s, a) {body} end")
    message = e.value.message
    assert message.startswith("EE-ACC/classify: classify(school 'S1'): "), message
    assert words in message
    no_internal_names(message)
    assert h.classification.list(round="R1") == before


def test_classify_thresholds_are_range_checked(h):
    for value in (7, -1):
        with pytest.raises(ihub.InvalidError, match=r"^params\.thresholds\.advanced: .* is outside the selfie scale 1\.\.5$"):
            h.classification.run(hub="EE-ACC", round="R1", subject="school", thresholds={"advanced": value})
    with pytest.raises(ihub.InvalidError, match=r"^params\.thresholds\.developing: .* outside the selfie scale"):
        h.classification.run(hub="EE-ACC", round="R1", subject="school", thresholds={"developing": 0.5})


# ---- instrument hooks -----------------------------------------------------

def selftest(score_body, extra=""):
    return f"""
        local items = {{}}
        for i = 1, 3 do items[i] = {{code = "Q" .. i, text = "Question " .. i}} end
        return {{code = "selftest", name = "Self-test", subject = "school",
                scale = {{min = 0, max = 1}}, groups = {{"leaders"}}{extra},
                areas = {{{{code = "S", name = "Self-test", items = items}}}},
                score = function(answers) {score_body} end}}
    """


BAD_SCORES = {
    "function": ("return print", "the score is a function"),
    "NaN": ("return 0/0", "the score is NaN"),
    "inf": ("return 1/0", "the score is inf"),
    "string": ("return 'three'", 'the score is a string ("three")'),
    "above the scale": ("return 1e9", "the score 1000000000 is outside 0..3, the lowest to the highest mean or sum"),
    "below the scale": ("return -1", "the score -1 is outside 0..3"),
}


@pytest.mark.parametrize("name", sorted(BAD_SCORES))
def test_bad_instrument_score_names_hook_subject_and_value(h, name):
    body, words = BAD_SCORES[name]
    h.instrument.define(hub="EE-ACC", source=selftest(body))
    h.assessment.submit(round="R1", instrument="selftest", responses=[
        {"respondent": "L1", "school": "S1", "group": "leaders", "answers": {"Q1": 1, "Q2": 0, "Q3": 1}}])
    with pytest.raises(ihub.ScriptError) as e:
        h.assessment.scores(round="R1", instrument="selftest")
    message = e.value.message
    assert message.startswith("selftest: score(school 'S1', respondent 'L1'): "), message
    assert words in message
    no_internal_names(message)


def test_a_good_score_still_passes(h):
    h.instrument.define(hub="EE-ACC", source=selftest(
        "local n = 0 for _, v in pairs(answers) do if v == 1 then n = n + 1 end end return n"))
    h.assessment.submit(round="R1", instrument="selftest", responses=[
        {"respondent": "L1", "school": "S1", "group": "leaders", "answers": {"Q1": 1, "Q2": 0, "Q3": 1}}])
    (r,) = h.assessment.scores(round="R1", instrument="selftest")["responses"]
    assert r["overall"] == 2


@pytest.mark.parametrize("extra, words", [
    (", helper = print", "instrument.helper is a function"),
    (", levels = {{code = 'L', name = 'low', min = 0/0}}", "instrument.levels[0].min is NaN"),
])
def test_bad_declaration_is_refused_and_nothing_is_stored(h, extra, words):
    before = h.instrument.list()
    with pytest.raises(ihub.ScriptError) as e:
        h.instrument.define(hub="EE-ACC", source=selftest("return 1", extra))
    assert words in e.value.message
    no_internal_names(e.value.message)
    assert h.instrument.list() == before


# ---- Lua -> JSON: never silently lossy ------------------------------------

LOSSY = {
    "NaN": ("return 0/0", "returned value 1 is NaN"),
    "inf": ("return {x = 1/0}", "returned value 1.x is inf"),
    "-inf": ("return 1, {-1/0}", "returned value 2[0] is -inf"),
    "colliding keys": ("return {[1] = 'a', ['1'] = 'b'}", 'returned value 1 has the keys 1 and "1"'),
    "invalid UTF-8": ("return {name = 'Tartu\\255'}", "returned value 1.name is not valid UTF-8 text (byte 6 is 0xff)"),
    "invalid UTF-8 key": ("return {['k\\255'] = 1}", "returned value 1 has a key that is not valid UTF-8"),
    "function": ("return {f = print}", "returned value 1.f is a function"),
    "thread": ("return coroutine.create(print)", "returned value 1 is a thread"),
    "boolean key": ("return {[true] = 1}", "returned value 1 has a key of type boolean"),
    "array with a name": ("local a = ihub.array({1, 2}) a.x = 3 return a", "returned value 1 is an ihub.array with a key"),
}


@pytest.mark.parametrize("name", sorted(LOSSY))
def test_script_eval_refuses_lossy_results(h, name):
    source, words = LOSSY[name]
    with pytest.raises(ihub.ScriptError) as e:
        h.script.eval(source=source, name="probe.lua")
    assert e.value.message.startswith("probe.lua: " + words), e.value.message


@pytest.mark.parametrize("name", sorted(LOSSY))
def test_ihub_eval_refuses_lossy_results(h, name):
    source, words = LOSSY[name]
    with pytest.raises(ihub.ScriptError) as e:
        h.eval(source)
    assert e.value.message.startswith("eval: " + words), e.value.message
    assert h.eval("return 6 * 7") == 42


def test_arrays_with_holes_keep_every_element(h):
    # The length of a table with holes is any border: 4 used to be cut off.
    assert h.eval("local a = ihub.array({}) a[1] = 1 a[4] = 4 return a") == [1, None, None, 4]
    assert h.eval("return ihub.array({1, nil, 3})") == [1, None, 3]


def test_arguments_of_ihub_calls_are_checked_too(h):
    # NaN used to become null, which school.list read as "no hub given".
    with pytest.raises(ihub.ScriptError, match=r"school\.list: params\.hub is NaN"):
        h.eval("return ihub.school.list{hub = 0/0}")
    with pytest.raises(ihub.ScriptError, match=r"school\.add: params\.name is not valid UTF-8"):
        h.eval("return ihub.school.add{hub = 'EE-ACC', code = 'S2', name = 'Tartu\\255'}")
    assert [s["code"] for s in h.school.list()] == ["S1"]


def test_print_refuses_invalid_utf8(h):
    with pytest.raises(ihub.ScriptError, match=r"print: argument 2 is not valid UTF-8 text \(byte 1 is 0xfe\)"):
        h.script.eval(source="print('ok', '\\254')")


# ---- errors keep their status across Lua ----------------------------------

def test_uncaught_notfound_stays_notfound(h):
    with pytest.raises(ihub.NotFoundError) as e:
        h.eval("local s = ihub.school.get{code = 'NOPE'}\nreturn s")
    assert e.value.message.startswith("eval:1: school.get: ")
    with pytest.raises(ihub.NotFoundError):
        h.script.eval(source="return ihub.school.get{code = 'NOPE'}")
    # Caught and raised again, it is still the same error.
    with pytest.raises(ihub.NotFoundError):
        h.eval("local ok, err = pcall(ihub.school.get, {code = 'NOPE'}) error(err)")
    # A methodology hook's failing call keeps its status too.
    with pytest.raises(ihub.NotFoundError) as e:
        classify_with(h, "function classify(s, a) return ihub.school.get{code = 'NOPE'} end")
    assert e.value.message.startswith("EE-ACC/classify:1: school.get: ")
    no_internal_names(e.value.message)


def test_pcall_gives_an_error_value_with_status_message_and_tostring(h):
    ok, err = h.eval("return pcall(ihub.school.get, {code = 'NOPE'})")
    assert ok is False
    assert err["status"] == "IHUB_NOTFOUND" and err["code"] == 3 and err["method"] == "school.get"
    assert err["message"].startswith("school.get: ") and "NOPE" in err["message"]
    text, joined, meta, kind = h.eval("""
        local ok, err = pcall(ihub.school.get, {code = 'NOPE'})
        print(err)
        return tostring(err), 'failed: ' .. err, getmetatable(err), type(err)
    """, output=(out := _Sink()))
    assert text == err["message"] and joined == "failed: " + err["message"]
    assert out.text == err["message"] + "\n"
    assert meta == "ihub.error" and kind == "table"


def test_error_values_cannot_be_used_to_escape(h):
    # Protected metatable: it can be neither replaced nor reached.
    assert "protected metatable" in h.eval(
        "local _, err = pcall(ihub.school.get, {code = 'NOPE'}) return select(2, pcall(setmetatable, err, {}))")
    # Forging the visible fields changes nothing the host believes.
    with pytest.raises(ihub.NotFoundError):
        h.eval("local _, err = pcall(ihub.school.get, {code = 'NOPE'}) err.code = 0 err.status = 'IHUB_OK' error(err)")
    # A plain table that looks like one is a script error.
    with pytest.raises(ihub.ScriptError):
        h.eval("error({status = 'IHUB_NOTFOUND', code = 3, message = 'forged'})")


def test_limits_are_still_not_catchable_around_ihub_calls(h):
    with pytest.raises(ihub.LimitError, match="time limit"):
        h.eval("while true do pcall(ihub.school.get, {code = 'NOPE'}) end")
    with pytest.raises(ihub.LimitError, match="time limit"):
        h.script.eval(source="while true do local ok, e = pcall(ihub.school.get, {code = 'NOPE'}) local _ = tostring(e) end")
    assert h.eval("return 1") == 1


# ---- no internal chunk names ----------------------------------------------

def test_hook_messages_name_the_hub_script_not_the_helpers(h):
    for source, status in [("function classify(s, a) while true do end end", ihub.LimitError),
                           ("function classify(s, a) local t = nil return t.x end", ihub.ScriptError),
                           ("local rule = 1", ihub.ScriptError)]:
        with pytest.raises(status) as e:
            classify_with(h, source)
        assert e.value.message.startswith("EE-ACC/classify"), e.value.message
        no_internal_names(e.value.message)
    h.instrument.define(hub="EE-ACC", source=selftest("local t = nil return t.x"))
    h.assessment.submit(round="R1", instrument="selftest", responses=[
        {"respondent": "L1", "school": "S1", "group": "leaders", "answers": {"Q1": 1}}])
    with pytest.raises(ihub.ScriptError) as e:
        h.assessment.scores(round="R1", instrument="selftest")
    no_internal_names(e.value.message)
    with pytest.raises(ihub.ScriptError) as e:
        h.instrument.define(source="error('no declaration today')")
    no_internal_names(e.value.message)


class _Sink:
    def __init__(self):
        self.text = ""

    def write(self, s):
        self.text += s


def test_the_readme_example_of_error_values_runs(h):
    import pathlib
    import re
    readme = (pathlib.Path(__file__).parents[3] / "README.md").read_text()
    section = readme[readme.index("## Lua"):]
    (block,) = re.findall(r"```lua\n(.*?)```", section[:section.index("\n## ", 5)], re.S)
    out = _Sink()
    h.eval(block, output=out)
    assert out.text == "no such school: school.get: params.code: no school with code 'NOPE'\n"


def _cli():
    """ihub-cli beside the library under test (both come from one build)."""
    import os
    lib = os.environ.get("IHUB_LIBRARY")
    path = os.path.join(os.path.dirname(lib), "ihub-cli") if lib else None
    if not path or not os.path.exists(path):
        pytest.skip("no ihub-cli beside IHUB_LIBRARY")
    return path


def test_the_repl_reports_the_status_of_a_failing_call_and_reads_error_values():
    import subprocess
    chunks = "\n".join([
        "ihub.school.get{code = 'NOPE'}",
        "local ok, e = pcall(ihub.school.get, {code = 'NOPE'}) print(e.status .. ' / ' .. e)",
        "0/0",
    ]) + "\n"
    run = subprocess.run([_cli(), "repl"], input=chunks, capture_output=True, text=True, timeout=60)
    assert run.returncode == 1
    errors = run.stderr.splitlines()
    assert errors[0].startswith("IHUB_NOTFOUND: stdin:1: school.get: ")
    assert errors[1].startswith("IHUB_SCRIPT: stdin: returned value 1 is NaN")
    assert run.stdout.splitlines()[0].startswith("IHUB_NOTFOUND / school.get: ")
    assert not any(name in run.stderr for name in INTERNAL)
