"""methodology.test and `ihub test DIR`: a package's *_test.lua files run
under the test-file contract (each test in a fresh in-memory database,
fixtures in Lua or CSV, methodology(hub) loading the package, assertions
failing with line, expected and actual), the reports (readable, TAP 13,
JUnit XML) and the exit codes."""
import json
import os
import subprocess
import xml.etree.ElementTree as ET

import pytest

import ihub

PAIRING = """\
weights.school.language = 2
"""

BASIC = """\
test("arithmetic", function()
  assert_eq(1 + 1, 2)
  assert_near(0.1 + 0.2, 0.3, 1e-9)
  assert_match("beginning", "^begin")
  assert_true(true)
  assert_error(function() error("boom") end, "bo+m")
end)

test("tables differ", function()
  local t = {a = 1, b = {2, 3}}
  assert_eq(t, {a = 1, b = {2, 4}}, "the table")
end)

test("a runtime error", function()
  local x = nil
  return x.y
end)

test("each test has its own database", function()
  assert_eq(#ihub.hub.list{}, 0)
  ihub.hub.add{code = "T1", name = "Test hub", country = "EE"}
  assert_eq(#ihub.hub.list{}, 1)
end)

test("near misses", function()
  assert_near(1.5, 1, 0.25)
end)
"""

FIXTURES = """\
test("a Lua fixture", function()
  local made = fixture("small", {name = "Small hub"})
  assert_eq(made, {code = "S1"})
  assert_eq(ihub.hub.get{code = "S1"}.name, "Small hub")
end)

test("a CSV fixture", function()
  local imported = fixture("region")
  assert_eq(#ihub.hub.list{}, 1)
  assert_eq(#ihub.school.list{hub = "C1"}, 2)
  assert_true(imported.hubs ~= nil and imported.schools ~= nil)
end)

test("the package under test", function()
  fixture("small", {name = "Small hub"})
  local v = methodology("S1")
  assert_match(v.version, "^%x+$")
  assert_eq(ihub.methodology.list{hub = "S1"}[1].version, v.version)
  assert_eq(ihub.script.get{hub = "S1", name = "pairing"}.source, "weights.school.language = 2\\n")
end)

test("an unknown fixture", function()
  assert_error(function() fixture("nowhere") end, "the package has no fixtures/nowhere.lua")
  assert_error(function() methodology("NOPE") end, 'methodology%("NOPE"%): params.hub: ')
  assert_error(function() end)
end)
"""

SMALL = """\
ihub.hub.add{code = "S1", name = options.name, country = "EE"}
return {code = "S1"}
"""


def make(folder, extra=None):
    files = {"pairing.lua": PAIRING, "basic_test.lua": BASIC, "fixtures_test.lua": FIXTURES,
             "fixtures/small.lua": SMALL, "README.md": "# a package\n"}
    files.update(extra or {})
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return str(folder)


def region_csv(folder):
    """fixtures/region/: a hub and two schools, as export.csv writes them."""
    with ihub.open() as h:
        h.call("hub.add", {"code": "C1", "name": "CSV hub", "country": "EE"})
        h.call("school.add", {"code": "C1-A", "name": "School A", "hub": "C1"})
        h.call("school.add", {"code": "C1-B", "name": "School B", "hub": "C1"})
        region = folder / "fixtures" / "region"
        region.mkdir(parents=True, exist_ok=True)
        for kind in ("hubs", "schools"):
            (region / f"{kind}.csv").write_text(h.call("export.csv", {"kind": kind})["csv"])


@pytest.fixture
def package(tmp_path):
    folder = make(tmp_path / "pkg")
    region_csv(tmp_path / "pkg")
    return folder


def by_name(result):
    return {t["name"]: t for t in result["tests"]}


def test_results_of_each_test(package):
    with ihub.open() as h:
        r = h.call("methodology.test", {"path": package})
    assert (r["passed"], r["failed"]) == (5, 4)
    assert [(t["file"], t["name"], t["ok"]) for t in r["tests"]] == [
        ("basic_test.lua", "arithmetic", True),
        ("basic_test.lua", "tables differ", False),
        ("basic_test.lua", "a runtime error", False),
        ("basic_test.lua", "each test has its own database", True),
        ("basic_test.lua", "near misses", False),
        ("fixtures_test.lua", "a Lua fixture", True),
        ("fixtures_test.lua", "a CSV fixture", True),
        ("fixtures_test.lua", "the package under test", True),
        ("fixtures_test.lua", "an unknown fixture", False),
    ]
    t = by_name(r)
    assert t["tables differ"]["failures"] == [{"line": 11, "message": "the table: values differ",
                                               "expected": "{a = 1, b = {2, 4}}", "actual": "{a = 1, b = {2, 3}}"}]
    assert t["a runtime error"]["failures"] == [{"line": 16, "message": "basic_test.lua:16: attempt to index a nil value (local 'x')",
                                                 "expected": None, "actual": None}]
    assert t["near misses"]["failures"] == [{"line": 26, "message": "not within 0.25", "expected": "1", "actual": "1.5"}]
    assert t["an unknown fixture"]["failures"] == [{"line": 25, "message": "the function raised no error",
                                                    "expected": "an error", "actual": "no error"}]
    assert all(isinstance(x["ms"], int) and x["ms"] >= 0 for x in r["tests"])


def test_demo_fixture_and_filter(tmp_path):
    folder = make(tmp_path / "demo", {"basic_test.lua": "", "fixtures_test.lua": "", "demo_test.lua": """\
test("the demo region", function()
  local d = fixture("demo", {scale = 0.3})
  assert_eq(#d.hubs, 5)
  assert_eq(methodology("EE-ACC").version, methodology("EE-ACC").version)
end)

test("skipped by the filter", function() assert_true(false) end)
"""})
    with ihub.open() as h:
        r = h.call("methodology.test", {"path": folder, "filter": "demo region"})
    assert [(t["name"], t["ok"], t["failures"]) for t in r["tests"]] == [("the demo region", True, [])]


def test_a_file_that_does_not_load(tmp_path):
    files = {"broken_test.lua": 'test("a", function()\n  assert_eq(1, 1)\n', "top_test.lua": 'local x = nil\nprint(x.y)\n',
             "bad_test.lua": 'test(1, 2)\n'}
    with ihub.open() as h:
        r = h.call("methodology.test", {"files": files})
    assert (r["passed"], r["failed"]) == (0, 3)
    assert [(t["file"], t["name"], t["failures"][0]["line"]) for t in r["tests"]] == [
        ("bad_test.lua", "(top level)", 1), ("broken_test.lua", "(top level)", 3), ("top_test.lua", "(top level)", 2)]
    assert "test(name, function() ... end): got number and number" in r["tests"][0]["failures"][0]["message"]
    assert "'end' expected" in r["tests"][1]["failures"][0]["message"]


def test_bad_requests_and_lua(tmp_path):
    with ihub.open() as h:
        with pytest.raises(ihub.InvalidError, match=r'params.files."tests.lua": not a file'):
            h.call("methodology.test", {"files": {"tests.lua": ""}})
        with pytest.raises(ihub.NotFoundError, match="params.path"):
            h.call("methodology.test", {"path": str(tmp_path / "missing")})
        r = h.eval('return ihub.methodology.test{files = {["x_test.lua"] = "test(\'t\', function() assert_eq(2, 3) end)"}}')
        assert r["failed"] == 1 and r["tests"][0]["failures"][0]["expected"] == "3"
        assert h.eval("return ihub.methodology.test{files = {}}") == {"passed": 0, "failed": 0, "tests": []}
        with pytest.raises(ihub.Error, match="may not write"):
            h.call("script.eval", {"source": "return ihub.methodology.test{files = {}}"})
        assert h.call("hub.list") == []  # nothing of the tests reached this database


def cli():
    path = os.path.join(os.path.dirname(os.environ.get("IHUB_LIBRARY", "")), "ihub-cli")
    if not os.path.exists(path):
        pytest.skip("ihub-cli is not beside IHUB_LIBRARY")
    return path


def run(*args):
    done = subprocess.run([cli(), "test", *args], capture_output=True, text=True, timeout=300)
    return done.returncode, done.stdout, done.stderr


def test_the_cli_readable(package):
    rc, out, _ = run(package)
    assert rc == 1
    lines = out.splitlines()
    assert lines[0].startswith("ok   basic_test.lua: arithmetic (")
    assert lines[1].startswith("FAIL basic_test.lua: tables differ (")
    assert lines[2] == f"     {package}/basic_test.lua:11: the table: values differ"
    assert lines[3] == "       expected: {a = 1, b = {2, 4}}"
    assert lines[4] == "       actual:   {a = 1, b = {2, 3}}"
    assert lines[-1] == "9 tests: 5 passed, 4 failed"
    rc, out, _ = run(package, "--filter", "fixture")
    assert rc == 1 and out.splitlines()[-1] == "4 tests: 3 passed, 1 failed"
    rc, out, _ = run(package, "--filter", "arithmetic")
    assert rc == 0 and out.splitlines()[-1] == "1 tests: 1 passed, 0 failed"
    rc, out, _ = run(package, "--filter", "arithmetic", "--json")
    assert rc == 0 and json.loads(out)["passed"] == 1


def test_the_cli_tap_and_junit(package, tmp_path):
    report = tmp_path / "junit.xml"
    rc, out, _ = run(package, "--tap", "--junit", str(report))
    assert rc == 1
    lines = out.splitlines()
    assert lines[:3] == ["TAP version 13", "1..9", "ok 1 - basic_test.lua: arithmetic"]
    assert lines[3] == "not ok 2 - basic_test.lua: tables differ"
    assert lines[4:11] == ["  ---", '  message: "the table: values differ"', f'  file: "{package}/basic_test.lua"',
                           "  line: 11", '  expected: "{a = 1, b = {2, 4}}"', '  actual: "{a = 1, b = {2, 3}}"', "  ..."]
    assert sum(1 for x in lines if x.startswith("ok ")) == 5 and sum(1 for x in lines if x.startswith("not ok ")) == 4

    root = ET.parse(report).getroot()
    assert root.tag == "testsuites" and root.get("tests") == "9" and root.get("failures") == "4"
    suites = root.findall("testsuite")
    assert [(s.get("name"), s.get("tests"), s.get("failures")) for s in suites] == [
        ("basic_test.lua", "5", "3"), ("fixtures_test.lua", "4", "1")]
    case = suites[0].findall("testcase")[1]
    assert case.get("name") == "tables differ" and case.get("classname") == "basic_test"
    failure = case.find("failure")
    assert failure.get("message") == "the table: values differ"
    assert failure.text == f"{package}/basic_test.lua:11: the table: values differ\nexpected: {{a = 1, b = {{2, 4}}}}\nactual:   {{a = 1, b = {{2, 3}}}}"
    assert suites[0].findall("testcase")[0].find("failure") is None


def test_the_cli_exit_codes(package, tmp_path):
    good = make(tmp_path / "good", {"basic_test.lua": 'test("fine", function() assert_eq("a", "a") end)\n', "fixtures_test.lua": ""})
    rc, out, _ = run(good)
    assert rc == 0 and out.splitlines()[-1] == "1 tests: 1 passed, 0 failed"
    rc, _, err = run(str(tmp_path / "missing"))
    assert rc == 3 and "IHUB_NOTFOUND" in err
    rc, _, err = run(good, "--junit", str(tmp_path / "no" / "such" / "dir.xml"))
    assert rc == 9 and "--junit: cannot create" in err
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "pairng.lua").write_text("")
    rc, _, err = run(str(tmp_path / "bad"))
    assert rc == 2 and "not a file of a methodology package" in err
    rc, _, err = run(good, "--tap", "--json")
    assert rc == 64


def test_a_spent_budget_fails_that_test_only():
    spin = 'test("spins", function()\n  while true do end\nend)\n' \
           'test("spins under pcall", function()\n  for i = 1, 1e9 do pcall(function() while true do end end) end\nend)\n' \
           'test("after", function() assert_true(true) end)\n'
    with ihub.open(admin_time_ms=300) as h:
        r = h.call("methodology.test", {"files": {"a_test.lua": spin}})
    assert [(t["name"], t["ok"]) for t in r["tests"]] == [("spins", False), ("spins under pcall", False), ("after", True)]
    assert r["tests"][0]["failures"][0]["message"] == "a_test.lua: time limit of 300 ms exceeded"


def test_values_are_shown_on_one_line():
    source = 'test("text", function() assert_eq("two\\nlines", "two\\nlines!", "the text") end)\n' \
             'test("kinds", function() assert_eq({1, "a", {x = true}, [10] = 0.5}, {}) end)\n'
    with ihub.open() as h:
        r = h.call("methodology.test", {"files": {"v_test.lua": source}})
    assert [t["failures"][0]["expected"] for t in r["tests"]] == ['"two\\nlines!"', "{}"]
    assert [t["failures"][0]["actual"] for t in r["tests"]] == ['"two\\nlines"', '{1, "a", {x = true}, [10] = 0.5}']
