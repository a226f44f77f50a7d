"""Issue 7 review: what a hub's hooks return as text (a class, a reason) is
stored with a classification or a run and printed, so it is checked as every
text field is: no control characters, with the hook and the value named,
and nothing stored."""
import shutil

import pytest

import ihub

ESC = "\\27[2J"  # Lua source for ESC [ 2 J, which clears a terminal


@pytest.fixture
def small():
    with ihub.open(admin_time_ms=2000, script_time_ms=2000) as h:
        h.hub.add(code="EE-ACC", name="Tallinn hub", country="EE")
        h.school.add(hub="EE-ACC", code="S1", name="Tartu School")
        h.round.add(hub="EE-ACC", code="R1", name="Round 1", start="2026-01-01")
        yield h


@pytest.mark.parametrize("body, words", [
    ("return 'adv" + ESC + "'", "the class 'adv\\u{1B}[2J': contains the control character U+001B"),
    ("return 'adv', {'fine', 'bad" + ESC + "'}", "the reason 'bad\\u{1B}[2J': contains the control character U+001B"),
    ("return 'adv', 'two\\nlines'", "the reason 'two\\nlines': contains the control character U+000A"),
])
def test_classify_text_with_control_characters_is_refused(small, body, words):
    small.script.set(hub="EE-ACC", name="classify", source=f"function classify(s, a) {body} end")
    with pytest.raises(ihub.ScriptError) as e:
        small.classification.run(hub="EE-ACC", round="R1", subject="school")
    assert e.value.message.startswith("EE-ACC/classify: classify(school 'S1'): "), e.value.message
    assert words in e.value.message
    assert small.classification.list(round="R1") == []


HUB, ROUND = "LT-CTA", "LT-CTA-R2"


@pytest.fixture(scope="module")
def region(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("region") / "region.db")
    with ihub.open(path) as h:
        h.call("demo.populate", {})
    return path


@pytest.fixture
def demo(region, tmp_path):
    path = str(tmp_path / "copy.db")
    shutil.copy(region, path)
    with ihub.open(path) as h:
        yield h


@pytest.mark.parametrize("source, hook", [
    ("function eligible(r) return nil, 'bad" + ESC + "' end", "eligible(LT-CTA-S01)"),
    ("function exclude(a, b) return 'bad" + ESC + "' end", "score(LT-CTA-S"),
])
def test_pairing_reasons_with_control_characters_are_refused(demo, source, hook):
    demo.call("script.set", {"hub": HUB, "name": "pairing", "source": source})
    before = len(demo.call("pairing.list", {"round": ROUND}))
    with pytest.raises(ihub.ScriptError) as e:
        demo.call("pairing.propose", {"hub": HUB, "round": ROUND, "level": "school"})
    message = e.value.message
    assert message.startswith("LT-CTA/pairing: " + hook), message
    assert "the reason 'bad\\u{1B}[2J': contains the control character U+001B" in message
    assert "\x1b" not in message
    assert len(demo.call("pairing.list", {"round": ROUND})) == before


# Every error message quotes user input cut short: a 20,000-character code
# came back whole from the pin checks (cut only by the 16 KiB safety net).

def test_pin_and_confirm_messages_cut_a_long_code_short(demo):
    long = "L" * 20000
    demo.school.add(hub=HUB, code=long, name="Long")
    params = {"hub": HUB, "round": ROUND, "level": "school"}
    for pins in ([{"mentee": long, "mentor": "LT-CTA-S01"}, {"mentee": "LT-CTA-S01", "mentor": long}],
                 [{"mentee": long, "mentor": "LT-CTA-S01"}, {"mentee": long, "mentor": "LT-CTA-S01"}]):
        with pytest.raises(ihub.InvalidError) as e:
            demo.call("pairing.propose", dict(params, pins=pins))
        assert e.value.message.startswith("params.pins["), e.value.message[:200]
        assert "L" * 80 + "…" in e.value.message and len(e.value.message) < 600, len(e.value.message)


# A wide file naming one item in two columns (A1 and a1) is a problem of its
# header, told once like any column given twice; it was a CONFLICT on every
# row ("item A1 is answered twice by respondent …").

def test_a_wide_header_with_an_item_twice_is_one_header_problem():
    import test_trust_csv as csvtests
    with ihub.open() as h:
        csvtests.region(h)
        text = ("round,respondent,school,group,A1,A2,a1\n"
                "R1,T1,0042,teachers,1,2,3\n"
                "R1,T2,0042,teachers,1,2,3\n")
        report = h.call("import.csv", {"kind": "responses_wide", "text": text, "instrument": "selfie", "dry_run": True})
        assert report["valid"] is False
        assert [(p["line"], p["column"], p["field"], p["status"], p["message"]) for p in report["problems"]] == [
            (1, 7, "a1", "IHUB_INVALID", "column given twice (also column 5)")]
