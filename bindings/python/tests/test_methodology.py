"""Methodology packages through ihub_call, the admin Lua context and the CLI:
a package loaded for a hub becomes its stored scripts and a version by
content hash; loading it again finds the same version; older versions stay
readable; diffs between versions are exact unified diffs; bad names and
syntax errors name the file and line; script.set takes the package out of
force; classifications run the package's rule and decisions record its
version."""
import json
import os
import subprocess
import uuid

import pytest

import ihub

POSTGRES = os.environ.get("IHUB_TEST_POSTGRES")

RULES_V1 = """\
-- Everyone is a mentee until the digcompedu overall says otherwise.
function classify(subject, a)
  local d = a.digcompedu
  if not d then return nil end
  if d.overall >= 3 then
    return "mentor", {"digcompedu " .. d.level}
  end
  return "mentee", {"digcompedu " .. d.level}
end
"""

# v2 raises the bar (line 5) and adds a line at the end.
RULES_V2 = RULES_V1.replace("d.overall >= 3", "d.overall >= 4") + "-- raised in term 2\n"

PAIRING = """\
function score(mentor, mentee)
  return 1
end
"""

INSTRUMENT = """\
return {code = "pkg_check", name = "Package check", subject = "teacher", scale = {min = 1, max = 5},
        areas = {{code = "A", name = "Area", items = {{code = "a1", text = "Item"}}}}}
"""


@pytest.fixture
def h():
    with ihub.open() as handle:
        handle.hub.add(code="H", name="Hub", country="EE")
        handle.hub.add(code="G", name="Other", country="EE")
        handle.school.add(hub="H", code="S1", name="School 1")
        handle.round.add(hub="H", code="R1", name="Round 1", start="2025-09-01")
        handle.person.add_many(people=[
            {"hub": "H", "code": f"P{i}", "name": f"Teacher {i}", "roles": ["teacher"], "schools": ["S1"]} for i in (1, 2, 3)])
        yield handle


def submit(h):
    h.assessment.submit(round="R1", instrument="digcompedu", responses=[
        {"respondent": p, "school": "S1", "person": p, "group": "teachers", "answers": {"1.1": v, "2.1": v, "3.1": v}}
        for p, v in (("P1", 5), ("P2", 3), ("P3", 1))])


def test_load_stores_scripts_and_version(h):
    r = h.methodology.load(hub="H", files={"rules.lua": RULES_V1, "pairing.lua": PAIRING, "rules_test.lua": "-- a test"},
                           note="first term")
    assert r["hub"] == "H" and r["new"] is True and len(r["version"]) == 16
    assert [f["name"] for f in r["files"]] == ["pairing.lua", "rules.lua"]  # tests are not part of the version
    assert r["files"][1]["size"] == len(RULES_V1.encode()) and r["hooks"] == ["pairing", "classify"]
    assert h.script.get(hub="H", name="classify")["source"] == RULES_V1
    assert h.script.get(hub="H", name="pairing")["source"] == PAIRING
    again = h.methodology.load(hub="H", files={"pairing.lua": PAIRING, "rules.lua": RULES_V1})
    assert again["version"] == r["version"] and again["new"] is False
    (v,) = h.methodology.list(hub="H")
    assert v == {"hub": "H", "version": r["version"], "loaded_at": v["loaded_at"], "note": "first term",
                 "in_force": True, "files": 2}
    assert h.methodology.list(hub="G") == []


def test_older_versions_stay_readable(h):
    v1 = h.methodology.load(hub="H", files={"rules.lua": RULES_V1, "pairing.lua": PAIRING})["version"]
    v2 = h.methodology.load(hub="H", files={"rules.lua": RULES_V2}, note="term 2")["version"]
    assert v1 != v2
    # The hook v2 lacks goes back to the default; the one it has is v2's text.
    assert [s["name"] for s in h.script.list(hub="H")] == ["classify"]
    assert h.script.get(hub="H", name="classify")["source"] == RULES_V2
    versions = h.methodology.list(hub="H")
    assert [(v["version"], v["in_force"], v["files"]) for v in versions] == [(v1, False, 2), (v2, True, 1)]
    old = h.methodology.get(hub="H", version=v1)
    assert old["in_force"] is False and {f["name"]: f["source"] for f in old["files"]} == {
        "pairing.lua": PAIRING, "rules.lua": RULES_V1}
    assert h.methodology.get(hub="H")["version"] == v2
    assert h.methodology.get(hub="H", version=v1[:6].upper())["version"] == v1  # a prefix, any case
    # Loading v1 again puts it back in force without a new version.
    back = h.methodology.load(hub="H", files={"rules.lua": RULES_V1, "pairing.lua": PAIRING})
    assert back["version"] == v1 and back["new"] is False
    assert [v["in_force"] for v in h.methodology.list(hub="H")] == [True, False]
    with pytest.raises(ihub.NotFoundError, match=r"params.version: hub 'H' has no methodology version 'abc'"):
        h.methodology.get(hub="H", version="abc")
    with pytest.raises(ihub.InvalidError, match=r"params.version: expected a version hash"):
        h.methodology.get(hub="H", version="v1")
    with pytest.raises(ihub.NotFoundError, match=r"params.hub: hub 'G' has no methodology package in force; it runs the default methodology"):
        h.methodology.get(hub="G")


def test_diff_is_exact(h):
    v1 = h.methodology.load(hub="H", files={"rules.lua": RULES_V1, "pairing.lua": PAIRING})["version"]
    v2 = h.methodology.load(hub="H", files={"rules.lua": RULES_V2, "instruments/pkg_check.lua": INSTRUMENT})["version"]
    d = h.methodology.diff(hub="H", **{"from": v1})  # to: the version in force
    assert d["from"] == v1 and d["to"] == v2 and d["unchanged"] == []
    by_name = {f["name"]: f for f in d["files"]}
    assert [(f["name"], f["change"]) for f in d["files"]] == [
        ("instruments/pkg_check.lua", "added"), ("pairing.lua", "removed"), ("rules.lua", "changed")]
    assert by_name["rules.lua"]["diff"] == (
        f"--- {v1}/rules.lua\n"
        f"+++ {v2}/rules.lua\n"
        "@@ -2,8 +2,9 @@\n"
        " function classify(subject, a)\n"
        "   local d = a.digcompedu\n"
        "   if not d then return nil end\n"
        "-  if d.overall >= 3 then\n"
        "+  if d.overall >= 4 then\n"
        "     return \"mentor\", {\"digcompedu \" .. d.level}\n"
        "   end\n"
        "   return \"mentee\", {\"digcompedu \" .. d.level}\n"
        " end\n"
        "+-- raised in term 2\n")
    assert by_name["pairing.lua"]["diff"] == (
        f"--- {v1}/pairing.lua\n+++ /dev/null\n@@ -1,3 +0,0 @@\n"
        "-function score(mentor, mentee)\n-  return 1\n-end\n")
    assert by_name["pairing.lua"]["from_hash"] and by_name["pairing.lua"]["to_hash"] is None
    assert by_name["instruments/pkg_check.lua"]["diff"].startswith(f"--- /dev/null\n+++ {v2}/instruments/pkg_check.lua\n@@ -0,0 +1,2 @@\n+return {{code = \"pkg_check\"")
    same = h.methodology.diff(hub="H", **{"from": v2[:4], "to": v2})
    assert same["files"] == [] and same["unchanged"] == ["instruments/pkg_check.lua", "rules.lua"]


def test_diff_against_the_default_and_missing_newline(h):
    default = h.methodology.default()
    names = [f["name"] for f in default["files"]]
    assert "process.lua" in names and names == sorted(names) and len(default["version"]) == 16
    v = h.methodology.load(hub="H", files={"rules.lua": "return 1"})["version"]
    d = h.methodology.diff(hub="H", **{"from": "default"})
    assert d["from"] == "default" and d["to"] == v
    # Against the default, the package is layered over it: only rules.lua differs.
    assert [(f["name"], f["change"]) for f in d["files"]] == [("rules.lua", "changed" if "rules.lua" in names else "added")]
    assert d["unchanged"] == [n for n in names if n != "rules.lua"]
    back = h.methodology.diff(hub="H", **{"from": v, "to": "default"})
    assert [(f["name"], f["change"]) for f in back["files"]] == [("rules.lua", "changed" if "rules.lua" in names else "removed")]
    w = h.methodology.load(hub="H", files={"rules.lua": "return 1\n"})["version"]
    (f,) = h.methodology.diff(hub="H", **{"from": v, "to": w})["files"]
    assert f["diff"] == (f"--- {v}/rules.lua\n+++ {w}/rules.lua\n@@ -1 +1 @@\n"
                         "-return 1\n\\ No newline at end of file\n+return 1\n")


def test_bad_names_and_syntax_errors_name_the_file_and_line(h):
    with pytest.raises(ihub.InvalidError, match=r'params.files."pairng.lua": not a file of a methodology package'):
        h.methodology.load(hub="H", files={"pairng.lua": PAIRING})
    with pytest.raises(ihub.InvalidError, match=r'params.files."instruments/x.txt": not a file'):
        h.methodology.load(hub="H", files={"instruments/x.txt": ""})
    with pytest.raises(ihub.ScriptError, match=r"H/pairing.lua:3: .*near 'end'"):
        h.methodology.load(hub="H", files={"rules.lua": RULES_V1, "pairing.lua": "function score(a, b)\n  return 1 +\nend\n"})
    # Nothing of the failed load is stored.
    assert h.methodology.list(hub="H") == [] and h.script.list(hub="H") == []
    with pytest.raises(ihub.ScriptError, match=r"instruments/bad.lua: .*:2: unexpected symbol near '='"):
        h.methodology.load(hub="H", files={"instruments/bad.lua": "return {\n  code = = 1}\n"})
    with pytest.raises(ihub.InvalidError, match=r"params: give the package's files or its path \(one of them\)"):
        h.methodology.load(hub="H")
    with pytest.raises(ihub.InvalidError, match=r"params: give the package's files or its path"):
        h.methodology.load(hub="H", files={}, path="/tmp")
    with pytest.raises(ihub.InvalidError, match=r"params.files: expected an object"):
        h.methodology.load(hub="H", files="rules.lua")
    with pytest.raises(ihub.InvalidError, match=r'params.files."rules.lua": expected a string'):
        h.methodology.load(hub="H", files={"rules.lua": 3})
    with pytest.raises(ihub.NotFoundError, match=r"params.hub"):
        h.methodology.load(hub="NOPE", files={})


def test_load_from_a_folder(h, tmp_path):
    (tmp_path / "instruments").mkdir()
    (tmp_path / "fixtures").mkdir()
    (tmp_path / "rules.lua").write_text(RULES_V1)
    (tmp_path / "instruments" / "pkg_check.lua").write_text(INSTRUMENT)
    (tmp_path / "fixtures" / "small.lua").write_text("return {}")
    (tmp_path / "rules_test.lua").write_text("test('x', function() end)")
    (tmp_path / ".rules.lua.swp").write_text("editor junk")
    r = h.methodology.load(hub="H", path=str(tmp_path))
    assert [f["name"] for f in r["files"]] == ["instruments/pkg_check.lua", "rules.lua"]
    assert r["hooks"] == ["classify"] and r["instruments"] == ["pkg_check"]
    assert h.instrument.get(code="pkg_check")["name"] == "Package check"
    same = h.methodology.load(hub="H", files={"rules.lua": RULES_V1, "instruments/pkg_check.lua": INSTRUMENT})
    assert same["version"] == r["version"] and same["new"] is False
    (tmp_path / "README.md").write_text("# documentation, left out")
    assert h.methodology.load(hub="H", path=str(tmp_path))["version"] == r["version"]
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "old.lua").write_text("-- a stray file")
    with pytest.raises(ihub.InvalidError, match=r'params.path."notes/old.lua": not a file of a methodology package'):
        h.methodology.load(hub="H", path=str(tmp_path))
    with pytest.raises(ihub.NotFoundError, match=r"params.path: cannot open the folder"):
        h.methodology.load(hub="H", path=str(tmp_path / "missing"))


def test_script_set_takes_the_package_out_of_force(h):
    v = h.methodology.load(hub="H", files={"rules.lua": RULES_V1})["version"]
    assert h.methodology.get(hub="H")["version"] == v
    stored = h.script.set(hub="H", name="pairing", source=PAIRING)
    assert [x["in_force"] for x in h.methodology.list(hub="H")] == [False]
    with pytest.raises(ihub.NotFoundError, match=r"it runs scripts set one by one \(scripts:[0-9a-f]{16}\)"):
        h.methodology.get(hub="H")
    assert stored["hash"] and h.methodology.get(hub="H", version=v)["files"][0]["source"] == RULES_V1
    # Loading the package again puts it back (and removes the stray hook).
    assert h.methodology.load(hub="H", files={"rules.lua": RULES_V1})["new"] is False
    assert [s["name"] for s in h.script.list(hub="H")] == ["classify"] and h.methodology.get(hub="H")["version"] == v
    h.script.remove(hub="H", name="classify")
    assert [x["in_force"] for x in h.methodology.list(hub="H")] == [False]
    with pytest.raises(ihub.NotFoundError, match=r"it runs the default methodology"):
        h.methodology.get(hub="H")


def test_classification_runs_the_package_and_records_its_version(h):
    submit(h)
    v1 = h.methodology.load(hub="H", files={"rules.lua": RULES_V1})["version"]
    run = h.classification.run(hub="H", round="R1", subject="teacher")
    assert run["classes"] == {"mentor": 2, "mentee": 1}
    v2 = h.methodology.load(hub="H", files={"rules.lua": RULES_V2})["version"]
    run = h.classification.run(hub="H", round="R1", subject="teacher")
    assert run["classes"] == {"mentor": 1, "mentee": 2}
    if "decision.list" not in {m["name"] for m in h.api.describe()}:
        pytest.skip("the decision log (decision.list) is not in this build")
    decisions = h.decision.list(hub="H", kind="classification")  # newest first, one per teacher and run
    assert [d["methodology"] for d in decisions] == [v2] * 3 + [v1] * 3
    # Scripts set one by one are labelled by their hashes, not by the version.
    h.script.set(hub="H", name="classify", source=RULES_V1)
    h.classification.run(hub="H", round="R1", subject="teacher")
    label = h.decision.list(hub="H", kind="classification", limit=1)[0]["methodology"]
    assert label.startswith("scripts:") and label not in (v1, v2)


def test_lua_calls_and_refuses_paths(h):
    got = h.eval("""
        local r = ihub.methodology.load{hub = "H", files = {["rules.lua"] = "return 1\\n"}, note = "from lua"}
        local list = ihub.methodology.list{hub = "H"}
        return r.version, r.new, #list, list[1].note, ihub.methodology.get{hub = "H"}.files[1].source
    """)
    assert got[1:] == (True, 1, "from lua", "return 1\n") and len(got[0]) == 16
    with pytest.raises(ihub.MisuseError, match=r"params.path: Lua scripts may not read or write files"):
        h.eval('return ihub.methodology.load{hub = "H", path = "/tmp"}')
    # Methodology scripts read but never write: a hub's rule cannot load a package.
    h.methodology.load(hub="H", files={"rules.lua": "function classify(s, a) ihub.methodology.load{hub = 'H', files = {}} end"})
    submit(h)
    with pytest.raises(ihub.MisuseError, match=r"H/classify:1: methodology.load: methodology scripts may not write"):
        h.classification.run(hub="H", round="R1", subject="teacher")


def cli():
    path = os.path.join(os.path.dirname(os.environ.get("IHUB_LIBRARY", "")), "ihub-cli")
    if not os.path.exists(path):
        pytest.skip("ihub-cli is not beside IHUB_LIBRARY")
    return path


def test_the_cli(tmp_path):
    if POSTGRES:
        db, extra = POSTGRES, ["--schema", "cli_" + uuid.uuid4().hex[:12]]
    else:
        db, extra = str(tmp_path / "m.db"), []
    with ihub.open(db, **({"schema": extra[1]} if extra else {})) as handle:
        handle.hub.add(code="H", name="Hub", country="EE")
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "rules.lua").write_text(RULES_V1)

    def run(*args, env=None):
        return subprocess.run([cli(), "methodology", *args, "--db", db, *extra], capture_output=True, text=True,
                              timeout=120, env=env)

    first = run("load", str(pkg), "--hub", "H", "--note", "v1", "--json")
    assert first.returncode == 0, first.stderr
    v1 = json.loads(first.stdout)["version"]
    (pkg / "rules.lua").write_text(RULES_V2)
    second = run("load", str(pkg), "--hub", "H")
    assert second.returncode == 0 and "in force (new, 1 file)" in second.stdout and "rules.lua" in second.stdout
    listed = run("list", "--hub", "H")
    lines = listed.stdout.splitlines()
    assert len(lines) == 2 and lines[0].startswith(f"  {v1}") and lines[0].endswith("1 file  v1") and lines[1].startswith("* ")
    shown = run("show", v1[:5], "--hub", "H", "--file", "rules.lua")
    assert shown.returncode == 0 and shown.stdout == RULES_V1
    missing = run("show", "--hub", "H", "--file", "nope.lua")
    assert missing.returncode == 3 and "no file 'nope.lua'" in missing.stderr  # IHUB_NOTFOUND
    diff = run("diff", v1, "--hub", "H", env={**os.environ, "NO_COLOR": "1"})
    assert diff.returncode == 0 and "changed rules.lua\n" in diff.stdout
    assert "-  if d.overall >= 3 then\n+  if d.overall >= 4 then\n" in diff.stdout and "\x1b[" not in diff.stdout
    # On a terminal: coloured, unless NO_COLOR is set.
    pexpect = pytest.importorskip("pexpect")
    for no_color, coloured in ((None, True), ("1", False)):
        env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
        if no_color:
            env["NO_COLOR"] = no_color
        child = pexpect.spawn(cli(), ["methodology", "diff", v1, "--hub", "H", "--db", db, *extra], env=env, encoding="utf-8", timeout=60)
        text = child.read()
        child.close()
        assert "if d.overall >= 4 then" in text
        assert ("\x1b[31m-  if d.overall >= 3 then\x1b[0m" in text) == coloured and ("\x1b[" in text) == coloured
    as_json = json.loads(run("diff", v1, "--hub", "H", "--json").stdout)
    assert as_json["files"][0]["name"] == "rules.lua"
    bad = run("diff", "zzz", "--hub", "H")
    assert bad.returncode != 0 and "params.from: expected a version hash" in bad.stderr
    default = subprocess.run([cli(), "methodology", "default", "--file", "process.lua"], capture_output=True, text=True, timeout=120)
    with ihub.open() as fresh:
        files = {f["name"]: f["source"] for f in fresh.methodology.default()["files"]}
    assert default.returncode == 0 and default.stdout == files["process.lua"]


def test_diffs_apply_and_are_shortest(h, tmp_path):
    """Random edits of a file: each diff, applied by patch(1), gives the new
    text, and changes as few lines as `diff --minimal` does."""
    import random
    import shutil
    if not shutil.which("patch") or not shutil.which("diff"):
        pytest.skip("patch(1) and diff(1) are needed")
    rng = random.Random(11)
    words = ["-- a", "-- b", "-- c", "local x = 1", "", "x = x + 1"]
    for case in range(25):
        old = [rng.choice(words) for _ in range(rng.randint(0, 30))]
        new = list(old)
        for _ in range(rng.randint(1, 8)):
            at = rng.randint(0, len(new))
            op = rng.random()
            if op < 0.4:
                new.insert(at, rng.choice(words))
            elif new and op < 0.8:
                del new[min(at, len(new) - 1)]
            elif new:
                new[min(at, len(new) - 1)] = "-- changed " + str(case)
        a, b = "".join(x + "\n" for x in old), "".join(x + "\n" for x in new)
        if case % 5 == 0:
            b = b.rstrip("\n")  # a last line without its line feed
        va = h.methodology.load(hub="H", files={"rules.lua": a})["version"]
        vb = h.methodology.load(hub="H", files={"rules.lua": b})["version"]
        files = h.methodology.diff(hub="H", **{"from": va, "to": vb})["files"]
        if a == b:
            assert files == []
            continue
        (f,) = files
        (tmp_path / "a").write_text(a)
        (tmp_path / "b").write_text(b)
        (tmp_path / "p").write_text(f["diff"])
        subprocess.run(["patch", "-s", "-o", str(tmp_path / "out"), str(tmp_path / "a"), str(tmp_path / "p")], check=True)
        assert (tmp_path / "out").read_text() == b, f["diff"]
        gnu = subprocess.run(["diff", "--minimal", "-u", str(tmp_path / "a"), str(tmp_path / "b")], capture_output=True, text=True).stdout

        def changed(text):
            return sum(1 for line in text.splitlines()[2:] if line[:1] in "+-")
        assert changed(f["diff"]) == changed(gnu), (f["diff"], gnu)
