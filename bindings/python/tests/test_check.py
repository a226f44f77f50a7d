"""methodology.check and `ihub check DIR`: broken packages made under a
temporary folder, each finding with its file, line and severity (compile
errors, files and globals no hook knows, wrong return shapes, runtime
errors of the hooks run once), the dry run on a database leaving nothing
behind, and the call through Lua and the CLI."""
import json
import os
import subprocess
import uuid

import pytest

import ihub

POSTGRES = os.environ.get("IHUB_TEST_POSTGRES")

GOOD_PAIRING = """\
-- Favour the same language a little more than the default does.
weights.school.language = 2
"""

BROKEN_RULES = """\
function classify(subject, a)
  local x = 1
  if x then
    return "x"
end
"""

TYPO_PAIRING = """\
local function helper() return 1 end

function scroe(mentee, mentor)
  return helper()
end

shared_limit = 3
"""

SHAPES_PAIRING = """\
function eligible(r, level)
  return "maybe"
end
"""

NUMBER_RULES = """\
-- classify must return a class name
function classify(subject, assessments)
  return 42
end
"""

RUNTIME_PAIRING = """\
function score(mentee, mentor)
  local parts = nil
  return parts.total
end
"""


def write(folder, files):
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return str(folder)


def findings(result):
    return [(f["file"], f["line"], f["severity"]) for f in result["findings"]]


@pytest.fixture
def h():
    with ihub.open() as handle:
        yield handle


def test_a_good_package_has_no_findings(h, tmp_path):
    r = h.call("methodology.check", {"path": write(tmp_path, {"pairing.lua": GOOD_PAIRING, "README.md": "# a hub\n"})})
    assert r == {"ok": True, "hub": "EE-ACC", "dry_run": "demo", "findings": []}


def test_compile_errors_by_file_and_line(h):
    r = h.call("methodology.check", {"files": {"rules.lua": BROKEN_RULES, "x_test.lua": "test('a', function()\n  assert_eq(1,\nend)\n"}})
    assert r["ok"] is False
    assert findings(r) == [("rules.lua", 6, "error"), ("x_test.lua", 3, "error")]
    assert r["findings"][0]["message"].startswith("rules.lua:6: 'end' expected (to close 'function' at line 1) near <eof>")


def test_unknown_files_and_globals(h):
    r = h.call("methodology.check", {"files": {"pairng.lua": "x = 1\n", "pairing.lua": TYPO_PAIRING}})
    assert findings(r) == [("pairng.lua", None, "error"), ("pairing.lua", 3, "error"), ("pairing.lua", 7, "warning")]
    messages = [f["message"] for f in r["findings"]]
    assert "did you mean pairing.lua?" in messages[0]
    assert messages[1] == "scroe is not a name the pairing hook reads; did you mean score?"
    assert messages[2].startswith("shared_limit is a global the pairing hook does not read")


def test_wrong_return_shapes(h):
    r = h.call("methodology.check", {"files": {"pairing.lua": SHAPES_PAIRING, "rules.lua": NUMBER_RULES}})
    # Pairing runs at the school and the teacher level, classification for schools and teachers.
    assert findings(r) == [("pairing.lua", 1, "error")] * 2 + [("rules.lua", 2, "error")] * 2
    messages = [f["message"] for f in r["findings"]]
    assert messages[0] == 'EE-ACC/pairing: eligible(EE-ACC-S01) returned "maybe"; expected "mentor", "mentee", "both" or nil'
    assert messages[1].startswith('EE-ACC/pairing: eligible(EE-ACC-P')
    assert "classify(school 'EE-ACC-S01'): the class is an integer" in messages[2]
    assert "classify(teacher " in messages[3]


def test_indicator_declarations_missing_fields(h):
    r = h.call("methodology.check", {"files": {"indicators.lua": 'indicator{name = "late"}\n'}})
    assert r["ok"] is False
    assert findings(r) == [("indicators.lua", 1, "error")]
    assert "indicator late: compute is nil; expected a function (ctx)" in r["findings"][0]["message"]


def test_runtime_errors_name_the_line(h):
    r = h.call("methodology.check", {"files": {"pairing.lua": RUNTIME_PAIRING}})
    assert findings(r) == [("pairing.lua", 3, "error")]
    assert "attempt to index a nil value (local 'parts')" in r["findings"][0]["message"]


def test_the_dry_run_on_a_database_writes_nothing(h):
    h.call("demo.populate", {"seed": 1, "scale": 0.3})
    before = (h.call("script.list"), h.call("pairing.list", {"round": "EE-ACC-R1"}), h.call("decision.list", {"hub": "EE-ACC"}) if has(h, "decision.list") else None)
    r = h.call("methodology.check", {"files": {"pairing.lua": GOOD_PAIRING, "rules.lua": NUMBER_RULES}, "hub": "EE-ACC"})
    assert r["dry_run"] == "database" and r["hub"] == "EE-ACC"
    assert findings(r) == [("rules.lua", 2, "error"), ("rules.lua", 2, "error")]
    after = (h.call("script.list"), h.call("pairing.list", {"round": "EE-ACC-R1"}), h.call("decision.list", {"hub": "EE-ACC"}) if has(h, "decision.list") else None)
    assert after == before
    # The good pairing policy ran: the same check without the broken rules is clean.
    assert h.call("methodology.check", {"files": {"pairing.lua": GOOD_PAIRING}, "hub": "EE-ACC"})["findings"] == []
    with pytest.raises(ihub.NotFoundError, match="params.hub"):
        h.call("methodology.check", {"files": {"pairing.lua": GOOD_PAIRING}, "hub": "NOPE"})


def has(h, method):
    return any(m["name"] == method for m in h.call("api.describe"))


def test_bad_requests(h, tmp_path):
    with pytest.raises(ihub.InvalidError, match="one of them"):
        h.call("methodology.check", {})
    with pytest.raises(ihub.InvalidError, match="one of them"):
        h.call("methodology.check", {"files": {}, "path": str(tmp_path)})
    with pytest.raises(ihub.InvalidError, match=r'params.files."rules.lua": expected'):
        h.call("methodology.check", {"files": {"rules.lua": 3}})
    with pytest.raises(ihub.NotFoundError, match="params.path"):
        h.call("methodology.check", {"path": str(tmp_path / "missing")})


def test_through_lua(h):
    r = h.eval('return ihub.methodology.check{files = {["pairing.lua"] = "function scroe() end\\n"}}')
    assert r["ok"] is False and r["findings"][0]["line"] == 1
    with pytest.raises(ihub.Error, match="may not read or write files"):
        h.eval('return ihub.methodology.check{path = "/tmp"}')
    with pytest.raises(ihub.Error, match="may not write"):
        h.call("script.eval", {"source": 'return ihub.methodology.check{files = {}}'})


def cli():
    path = os.path.join(os.path.dirname(os.environ.get("IHUB_LIBRARY", "")), "ihub-cli")
    if not os.path.exists(path):
        pytest.skip("ihub-cli is not beside IHUB_LIBRARY")
    return path


def test_the_cli(tmp_path):
    broken = write(tmp_path / "broken", {"pairing.lua": TYPO_PAIRING, "rules.lua": NUMBER_RULES})
    good = write(tmp_path / "good", {"pairing.lua": GOOD_PAIRING})

    def run(*args):
        done = subprocess.run([cli(), "check", *args], capture_output=True, text=True, timeout=300)
        return done.returncode, done.stdout, done.stderr

    rc, out, _ = run(broken)
    assert rc == 1
    lines = out.splitlines()
    assert lines[0] == f"{broken}/pairing.lua:3: error: scroe is not a name the pairing hook reads; did you mean score?"
    assert lines[1].startswith(f"{broken}/pairing.lua:7: warning: shared_limit is a global")
    assert lines[2].startswith(f"{broken}/rules.lua:2: error: EE-ACC/classify: classify(school 'EE-ACC-S01')")
    assert lines[-1] == f"{broken}: 3 errors, 1 warning (hooks run for EE-ACC on the demo region)"

    rc, out, _ = run(good)
    assert (rc, out) == (0, f"{good}: 0 errors, 0 warnings (hooks run for EE-ACC on the demo region)\n")
    rc, out, _ = run(good, "--json")
    assert rc == 0 and json.loads(out)["ok"] is True

    if POSTGRES:
        db, extra = POSTGRES, ["--schema", "chk_" + uuid.uuid4().hex[:12]]
    else:
        db, extra = str(tmp_path / "r.db"), []
    with ihub.open(db, **({"schema": extra[1]} if extra else {})) as h:
        h.call("demo.populate", {"seed": 1, "scale": 0.3})
    rc, out, _ = run(broken, "--db", db, "--hub", "FI-TRE", *extra)
    assert rc == 1 and out.splitlines()[-1] == f"{broken}: 3 errors, 1 warning (hooks run for FI-TRE on the database (rolled back))"
    with ihub.open(db, **({"schema": extra[1]} if extra else {})) as h:
        assert h.call("script.list", {"hub": "FI-TRE"}) == []
        assert h.call("pairing.list", {"round": "FI-TRE-R2"}) == []

    rc, _, err = run(good, "--db", db)
    assert rc == 64 and "--db needs --hub" in err
    rc, _, err = run(str(tmp_path / "missing"))
    assert rc == 3 and "IHUB_NOTFOUND" in err


def test_the_demo_hub_to_run_for(h):
    r = h.call("methodology.check", {"files": {"rules.lua": NUMBER_RULES}, "hub": "LT-CTA", "demo": True})
    assert (r["hub"], r["dry_run"]) == ("LT-CTA", "demo")
    assert r["findings"][0]["message"].startswith("LT-CTA/classify: classify(school 'LT-CTA-S01')")
    with pytest.raises(ihub.NotFoundError, match="params.hub"):
        h.call("methodology.check", {"files": {"rules.lua": NUMBER_RULES}, "hub": "XX", "demo": True})
    with pytest.raises(ihub.InvalidError, match="params.hub: give the hub"):
        h.call("methodology.check", {"files": {"rules.lua": NUMBER_RULES}, "demo": False})
