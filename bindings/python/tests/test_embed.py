"""The default methodology is Lua source in scripts/methodology, embedded in
libihub.so at build time: what the library runs and returns is those files'
text, its versions did not change by the move, and the engine's glue,
defined once per Lua state, is out of reach of hub scripts."""
import os
import subprocess

import pytest

import ihub

ROOT = os.path.join(os.path.dirname(__file__), "..", "..", "..")
METHODOLOGY = os.path.join(ROOT, "scripts", "methodology")

# The versions of the default texts as they were when they were Swift strings.
POLICY_HASH = "88a38ee14a8f7a3e"
PROCESS_HASH = "e5ed3510043a8829"
IMERETI_HASH = "d0c008d672b108a4"


def text(name):
    """A methodology file as the library embeds it (without the final newline)."""
    with open(os.path.join(METHODOLOGY, name), encoding="utf-8") as f:
        content = f.read()
    return content[:-1] if content.endswith("\n") else content


@pytest.fixture(scope="module")
def demo():
    db = ihub.open()
    db.call("demo.populate", {"seed": 1, "scale": 0.2})
    yield db
    db.close()


def test_the_default_policy_is_default_pairing_lua():
    db = ihub.open()
    policy = db.call("pairing.policy", {})
    assert policy["default"] == text("default/pairing.lua")
    assert policy["hash"] == POLICY_HASH
    assert db.eval("return ihub.pairing.policy{}.hash") == POLICY_HASH


def test_the_default_process_and_the_demos_classify_script_are_their_files(demo):
    model = demo.call("process.model", {"hub": "EE-ACC"})
    assert model["default"] == text("default/process.lua")
    assert model["hash"] == PROCESS_HASH
    script = demo.call("script.get", {"hub": "GE-IMR", "name": "classify"})
    assert script["source"] == text("demo/imereti/rules.lua")
    assert script["hash"] == IMERETI_HASH
    run = demo.call("classification.run", {"hub": "GE-IMR", "round": "GE-IMR-R2", "subject": "school"})
    assert run["rule"] == "script:" + IMERETI_HASH


def test_a_hub_script_cannot_reach_the_glue(demo):
    """A hook assigning the glue's globals assigns them in its own copy of the
    globals: the next runs of every hook find the glue as it was."""
    demo.call("script.set", {"hub": "EE-ACC", "name": "classify", "source": """
        __ihub_classify = function() error("replaced") end
        __ihub_pairing_prepare = nil
        _G.__ihub_process_check = nil
        function classify(subject, a) return "all", {"one class"} end
    """})
    for _ in range(2):
        run = demo.call("classification.run", {"hub": "EE-ACC", "round": "EE-ACC-R2", "subject": "school"})
        assert run["classes"] == {"all": run["classified"]} and run["classified"] > 0
        assert demo.call("pairing.propose", {"hub": "EE-ACC", "round": "EE-ACC-R2"})["pairs"] is not None
        assert [s["code"] for s in demo.call("process.model", {"hub": "EE-ACC"})["steps"]][0] == "initiative"


def test_glue_errors_name_the_hub_script_line():
    """Errors raised through the glue still point at the hub's file and line."""
    db = ihub.open()
    db.call("hub.add", {"code": "H", "name": "Hub", "country": "EE"})
    db.call("script.set", {"hub": "H", "name": "process", "source": "-- one\nrename('nowhere', 'X')\n"})
    with pytest.raises(ihub.ScriptError, match=r"^H/process:2: rename: no step \"nowhere\""):
        db.call("process.model", {"hub": "H"})
    with pytest.raises(ihub.ScriptError, match=r"^H/pairing:4: unexpected symbol near <eof>"):
        db.call("script.set", {"hub": "H", "name": "pairing", "source": "-- a\n-- b\nweights = {\n"})


def test_the_demo_summary_is_demo_summary_lua():
    """`ihub demo` runs demo/summary.lua in the sandbox: one line per hub."""
    cli = os.path.join(os.path.dirname(os.environ.get("IHUB_LIBRARY", "")), "ihub-cli")
    if not os.path.exists(cli):
        pytest.skip("no ihub-cli beside the library")
    out = subprocess.run([cli, "demo", "--scale", "0.2"], capture_output=True, text=True, check=True).stdout
    section = out.split("A hub script in the sandbox (script.eval, read-only):\n")[1].split("\n\n")[0].splitlines()
    assert [line.split()[0] for line in section] == ["EE-ACC", "FI-TRE", "LT-CTA", "GE-IMR", "NO-TRD"]
    assert all("per school" in line and "mentors (1 per" in line for line in section)


def test_the_default_rule_loaded_as_a_hubs_rules_lua_classifies_as_the_default(demo):
    """default/rules.lua is a hub's rules.lua like any other: loaded as the
    hub's package it gives the default's classes and reasons, word for word."""
    def classes(round_, subject):
        return [(c["code"], c["class"], c["reasons"])
                for c in demo.call("classification.list", {"round": round_, "subject": subject})]

    files = {f["name"]: f["source"] for f in demo.call("methodology.default", {})["files"]}
    assert files["rules.lua"] == text("default/rules.lua")
    for subject in ("school", "teacher"):
        by_default = demo.call("classification.run", {"hub": "FI-TRE", "round": "FI-TRE-R2", "subject": subject,
                                                      "thresholds": {"advanced": 3.5 if subject == "school" else "C1"}})
        assert by_default["rule"] == "default" and by_default["classified"] > 0
        expected = classes("FI-TRE-R2", subject)
        assert any(len(r) == 3 for _, _, r in expected)  # weakest and strongest areas too
        demo.call("methodology.load", {"hub": "FI-TRE", "files": {"rules.lua": files["rules.lua"]}})
        by_package = demo.call("classification.run", {"hub": "FI-TRE", "round": "FI-TRE-R2", "subject": subject,
                                                      "thresholds": {"advanced": 3.5 if subject == "school" else "C1"}})
        assert by_package["rule"].startswith("script:")
        assert classes("FI-TRE-R2", subject) == expected
        demo.call("script.remove", {"hub": "FI-TRE", "name": "classify"})
