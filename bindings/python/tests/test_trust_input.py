"""Issue 7, defects 2, 4, 5 and 7: what the engine accepts as input, and files.

Control characters in text, bounded input and bounded messages, duplicate
JSON keys, integers as JSON writes them, ihub_open paths, exports that do not
overwrite, a CLI that does not create databases on a read, language codes.
"""
import json
import os
import pathlib
import pty
import subprocess

import pytest

import ihub

ROOT = pathlib.Path(__file__).resolve().parents[3]


@pytest.fixture
def h():
    with ihub.open() as handle:
        handle.call("hub.add", {"code": "EE-ACC", "name": "Accelerator", "country": "EE", "languages": ["et", "ru"]})
        handle.call("stakeholder.add", {"hub": "EE-ACC", "code": "TARTU", "name": "Tartu", "kind": "municipality"})
        yield handle


def cli():
    """The ihub-cli binary beside the library under test (or the debug/release build)."""
    candidates = []
    if os.environ.get("IHUB_LIBRARY"):
        candidates.append(pathlib.Path(os.environ["IHUB_LIBRARY"]).parent / "ihub-cli")
    candidates += [ROOT / ".build/debug/ihub-cli", ROOT / ".build-release/release/ihub-cli"]
    for c in candidates:
        if c.exists():
            return str(c)
    pytest.skip("ihub-cli is not built")


# --- control characters --------------------------------------------------------------------

@pytest.mark.parametrize("field,value", [("name", "Kool\x1b[31m"), ("code", "S\x07"), ("name", "C1 \u009b2J"),
                                         ("name", "two\nlines"), ("municipality", "Tartu\x7f")])
def test_control_characters_in_text_fields_are_refused_with_the_path(h, field, value):
    school = {"hub": "EE-ACC", "code": "S1", "name": "Kool", field: value}
    with pytest.raises(ihub.InvalidError, match=rf"^params\.{field}: contains the control character U\+00"):
        h.call("school.add", school)
    assert h.call("school.list") == []


def test_control_characters_are_refused_in_batches_lua_notes_and_csv(h):
    with pytest.raises(ihub.InvalidError, match=r"^params\.schools\[1\]\.name: contains the control character U\+001B"):
        h.call("school.add_many", {"schools": [{"hub": "EE-ACC", "code": "A", "name": "a"},
                                               {"hub": "EE-ACC", "code": "B", "name": "b\x1b]0;owned\x07"}]})
    with pytest.raises(ihub.InvalidError, match=r"params\.note: contains the control character U\+001B"):
        h.call("engagement.add", {"stakeholder": "TARTU", "date": "2026-01-05", "kind": "meeting", "note": "ok\x1b[2J"})
    with pytest.raises(ihub.InvalidError, match=r"params\.name: contains the control character U\+001B"):
        h.eval("return ihub.school.add{hub = 'EE-ACC', code = 'L1', name = 'x\\27[31m'}")
    with pytest.raises(ihub.InvalidError, match=r"line 2.*contains the control character U\+0008"):
        h.call("import.csv", {"kind": "schools", "text": "hub,code,name\nEE-ACC,C1,Bad\x08name\n"})
    assert h.call("school.list") == []


def test_tab_and_line_breaks_are_kept_in_multi_line_fields(h):
    note = "Agreed:\n\t1. two mentors\r\n\t2. a workshop"
    h.call("engagement.add", {"stakeholder": "TARTU", "date": "2026-01-05", "kind": "meeting", "note": note})
    assert h.call("engagement.list", {"stakeholder": "TARTU"})[0]["note"] == note
    source = "-- a script\nreturn {\n\tok = true\n}\n"
    assert h.call("script.eval", {"source": source})["values"] == [{"ok": True}]


# --- bounded input, bounded messages -------------------------------------------------------

def test_a_10_mb_value_gives_a_short_message(h):
    huge = "x" * (10 << 20)
    for method, params, error in [
            ("school.get", {"code": huge}, ihub.LimitError),
            ("school.add", {"hub": "EE-ACC", "code": huge, "name": "n"}, ihub.LimitError),
            ("hub.add", {"code": "H", "name": "n", "country": huge}, ihub.LimitError),
            ("school.add", {"hub": "EE-ACC", "code": "S", "name": "n", "level": huge}, ihub.InvalidError),
            ("round.add", {"hub": "EE-ACC", "code": "R", "name": "n", "start": huge}, ihub.InvalidError)]:
        with pytest.raises(error) as e:
            h.call(method, params)
        assert len(e.value.message) < 300, (method, e.value.message[:200])
    # Below the limit, a not-found code is quoted as a short prefix.
    near = "y" * 60000
    with pytest.raises(ihub.NotFoundError) as e:
        h.call("school.get", {"code": near})
    assert len(e.value.message) < 200 and "yyy…" in e.value.message
    with pytest.raises(ihub.NotFoundError) as e:
        h.call("school.add", {"hub": near, "code": "S", "name": "n"})
    assert len(e.value.message) < 200
    with pytest.raises(ihub.NotFoundError) as e:
        h.call("nope." + near)
    assert len(e.value.message) < 300
    with pytest.raises(ihub.InvalidError) as e:
        h.call("school.list", {near: 1})
    assert len(e.value.message) < 300


def test_text_over_its_limit_is_a_limit_error_naming_the_field(h):
    limits = h.call("api.limits")
    assert limits["text_bytes"] == 65536 and limits["long_text_bytes"] == 1 << 20
    # The script budgets are the handle's own.
    with ihub.open(script_time_ms=250, admin_memory_mb=32) as other:
        budgets = other.call("api.limits")
    assert (budgets["script_time_ms"], budgets["admin_memory_mb"]) == (250, 32)
    assert (limits["script_time_ms"], limits["admin_memory_mb"]) == (1000, 512)
    with pytest.raises(ihub.LimitError, match=r"^params\.name: 65537 bytes is over the limit of 65536 bytes$"):
        h.call("school.add", {"hub": "EE-ACC", "code": "S1", "name": "n" * 65537})
    h.call("school.add", {"hub": "EE-ACC", "code": "S1", "name": "n" * 65536})
    note = "a line\n" * 20000  # 140 KB: fine for a note
    h.call("engagement.add", {"stakeholder": "TARTU", "date": "2026-01-05", "kind": "meeting", "note": note})
    with pytest.raises(ihub.LimitError, match=r"^params\.note: 1048577 bytes is over the limit of 1048576 bytes$"):
        h.call("engagement.add", {"stakeholder": "TARTU", "date": "2026-01-05", "kind": "meeting", "note": "n" * ((1 << 20) + 1)})
    # The catalogue documents the limits of each field.
    add = h.call("api.describe", {"method": "school.add"})
    name = next(f for f in add["params"] if f["name"] == "name")
    assert name["max_bytes"] == 65536


def test_deep_and_oversized_json_are_refused(h):
    depth = h.call("api.limits")["json_depth"]
    with pytest.raises(ihub.InvalidError, match=r"^params\.x: unknown field"):  # parsed: within the depth
        h.call("school.list", '{"x":' + "[" * (depth - 1) + "]" * (depth - 1) + "}")
    with pytest.raises(ihub.InvalidError, match=rf"^params: JSON at line 1 column {depth + 7}: nested more than {depth} levels deep"):
        h.call("school.list", '{"hub":' + "[" * depth + "]" * depth + "}")
    size = h.call("api.limits")["document_bytes"]
    with pytest.raises(ihub.LimitError, match=rf"^params: the JSON document is {size + 1} bytes, over the limit of {size} bytes$"):
        h.call("school.list", b"{" + b" " * (size - 1) + b"}")


def test_duplicate_keys_are_an_error_with_their_path(h):
    text = '{"schools": [{"hub": "EE-ACC", "code": "A", "name": "a",\n "code": "B"}]}'
    with pytest.raises(ihub.InvalidError, match=r"^params\.schools\[0\]: duplicate key 'code' \(JSON at line 2 column 2\)$"):
        h.call("school.add_many", text)
    with pytest.raises(ihub.InvalidError, match=r"^params: duplicate key 'hub'"):
        h.call("school.list", '{"hub": "EE-ACC", "hub": "X"}')
    many = "{" + ", ".join(f'"k{i}": {i}' for i in range(40)) + ', "k7": 0}'
    with pytest.raises(ihub.InvalidError, match=r"^params\.answers: duplicate key 'k7'"):
        h.call("school.list", '{"answers": ' + many + "}")
    assert h.call("school.list") == []


def test_integers_as_json_writes_them(h):
    for text in ['{"limit": 1}', '{"limit": 1.0}', '{"limit": 1e0}', '{"limit": 1e18}', '{"limit": 10E17}']:
        assert h.call("school.list", text) == []
    h.call("hub.update", '{"code": "EE-ACC", "target_schools": 1e18, "target_teachers": 1234567890123456789.0}')
    hub = h.call("hub.get", {"code": "EE-ACC"})
    assert hub["target_schools"] == 10**18 and hub["target_teachers"] == 1234567890123456789
    with pytest.raises(ihub.InvalidError, match=r"^params\.limit: expected an integer, got 1\.5 \(not a whole number\)$"):
        h.call("school.list", '{"limit": 1.5}')
    with pytest.raises(ihub.InvalidError, match=r"^params\.target_schools: expected an integer, got .*outside the 64-bit integer range"):
        h.call("hub.update", '{"code": "EE-ACC", "target_schools": 1e19}')
    # Lua's 1e18 is a float: the same rule.
    assert h.eval("return #ihub.school.list{limit = 1e18}") == 0
    with pytest.raises(ihub.InvalidError, match=r"params\.limit: expected an integer, got 2\.5"):
        h.eval("return ihub.school.list{limit = 2.5}")


# --- files ---------------------------------------------------------------------------------

def test_open_refuses_an_empty_path_and_uris(tmp_path):
    with pytest.raises(ihub.InvalidError, match=r"^path: empty"):
        ihub.open("")
    with pytest.raises(ihub.InvalidError, match=r"URI"):
        ihub.open(f"file:{tmp_path}/x.db?mode=memory")
    assert not (tmp_path / "x.db").exists()
    missing = tmp_path / "missing.db"
    with pytest.raises(ihub.NotFoundError, match=rf"cannot open '{missing}': no such database file"):
        ihub.open(missing, create=False)
    assert not missing.exists()


@pytest.mark.parametrize("method,params", [("export.csv", {"kind": "hubs"}), ("export.json", {})])
def test_exports_refuse_to_overwrite_unless_asked(h, tmp_path, method, params):
    target = tmp_path / "out.file"
    target.write_text("yesterday's export")
    with pytest.raises(ihub.ConflictError, match=rf"^params\.path: '{target}' exists already; give overwrite: true"):
        h.call(method, {**params, "path": str(target)})
    assert target.read_text() == "yesterday's export"
    assert sorted(os.listdir(tmp_path)) == ["out.file"]
    h.call(method, {**params, "path": str(target), "overwrite": True})
    assert "EE-ACC" in target.read_text()
    fresh = tmp_path / "fresh.file"
    h.call(method, {**params, "path": str(fresh)})
    assert "EE-ACC" in fresh.read_text() and sorted(os.listdir(tmp_path)) == ["fresh.file", "out.file"]


def test_cli_read_on_a_missing_database_is_notfound_and_creates_nothing(tmp_path):
    missing = tmp_path / "typo.db"
    for args in (["call", "school.list", "--db", str(missing)], ["export", "--kind", "hubs", "--db", str(missing)],
                 ["repl", str(missing)]):
        run = subprocess.run([cli(), *args], capture_output=True, text=True, input="", timeout=60)
        assert run.returncode == 3, (args, run.stderr)
        assert "IHUB_NOTFOUND" in run.stderr and str(missing) in run.stderr
        assert not missing.exists() and os.listdir(tmp_path) == []
    made = subprocess.run([cli(), "call", "hub.add", '{"code":"H","name":"h","country":"EE"}', "--db", str(missing), "--create"],
                          capture_output=True, text=True, timeout=60)
    assert made.returncode == 0, made.stderr
    listed = subprocess.run([cli(), "call", "hub.list", "--db", str(missing), "--compact"], capture_output=True, text=True, timeout=60)
    assert json.loads(listed.stdout)[0]["code"] == "H"


def test_cli_import_creates_its_database_only_when_it_imports(tmp_path):
    db, hubs = tmp_path / "new.db", tmp_path / "hubs.csv"
    hubs.write_text("code,name,country\nEE,Eesti,EE\n", encoding="utf-8")
    for args, status, said in [(["import", str(tmp_path / "missing.csv")], 3, "cannot open"),
                               (["import", str(hubs), "--dry-run"], 3, str(db))]:
        run = subprocess.run([cli(), *args, "--kind", "hubs", "--db", str(db)], capture_output=True, text=True, timeout=60)
        assert run.returncode == status and said in run.stderr, (args, run.stderr)
        assert sorted(os.listdir(tmp_path)) == ["hubs.csv"], args
    run = subprocess.run([cli(), "import", str(hubs), "--kind", "hubs", "--db", str(db)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and db.exists(), run.stderr


def test_cli_export_force(tmp_path):
    db = tmp_path / "r.db"
    subprocess.run([cli(), "call", "hub.add", '{"code":"H","name":"h","country":"EE"}', "--db", str(db), "--create"],
                   check=True, capture_output=True, timeout=60)
    out = tmp_path / "hubs.csv"
    out.write_text("keep")
    refused = subprocess.run([cli(), "export", "--kind", "hubs", "--out", str(out), "--db", str(db)], capture_output=True, text=True, timeout=60)
    assert refused.returncode == 4 and "--force" in refused.stderr and out.read_text() == "keep"
    forced = subprocess.run([cli(), "export", "--kind", "hubs", "--out", str(out), "--db", str(db), "--force"],
                            capture_output=True, text=True, timeout=60)
    assert forced.returncode == 0, forced.stderr
    assert out.read_text().startswith("code,")


def test_cli_escapes_control_characters_on_a_terminal(tmp_path):
    leader, follower = pty.openpty()
    run = subprocess.run([cli(), "repl"], input=b"print('red\\27[31m bell\\7 c1\\194\\155')\n",
                         stdout=follower, stderr=subprocess.PIPE, timeout=60)
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    assert run.returncode == 0, run.stderr
    assert b"\x1b" not in shown and b"\x07" not in shown and "\u009b".encode() not in shown
    assert b"red\\u{1B}[31m bell\\u{7} c1\\u{9B}" in shown
    # Into a pipe the bytes stay as they are.
    piped = subprocess.run([cli(), "repl"], input=b"print('red\\27[31m')\n", capture_output=True, timeout=60)
    assert piped.stdout == b"red\x1b[31m\n"


# --- language codes ------------------------------------------------------------------------

def test_language_codes_are_validated_and_normalised(h):
    h.call("hub.update", {"code": "EE-ACC", "languages": ["ET", "et", "RU", "pt_br", "EST", "vro", "sr-latn-rs"]})
    assert h.call("hub.get", {"code": "EE-ACC"})["languages"] == ["et", "ru", "pt-BR", "vro", "sr-Latn-RS"]
    p = h.call("person.add", {"hub": "EE-ACC", "code": "P1", "name": "Mari", "languages": ["Et"]})
    assert p["languages"] == ["et"]
    for bad in ["xx", "e", "english", "et-XX", "en-US-x-private", "e1", ""]:
        with pytest.raises(ihub.InvalidError, match=r"^params\.languages\[1\]: .* is not a language code"):
            h.call("school.add", {"hub": "EE-ACC", "code": "S1", "name": "n", "languages": ["et", bad]})
    h.call("import.csv", {"kind": "schools", "text": "hub,code,name,languages\nEE-ACC,C1,Kool,ET | Ru\n"})
    assert h.call("school.get", {"code": "C1"})["languages"] == ["et", "ru"]
    with pytest.raises(ihub.InvalidError, match=r"line 2.*languages.*\"zz\" is not a language code"):
        h.call("import.csv", {"kind": "schools", "text": "hub,code,name,languages\nEE-ACC,C2,Kool,zz\n"})


def test_a_school_without_languages_inherits_its_hubs(h):
    h.call("school.add", {"hub": "EE-ACC", "code": "OWN", "name": "Own", "languages": ["ru"]})
    h.call("school.add", {"hub": "EE-ACC", "code": "NONE", "name": "None"})
    none = h.call("school.get", {"code": "NONE"})
    assert none["languages"] == [] and none["effective_languages"] == ["et", "ru"]
    assert h.call("school.get", {"code": "OWN"})["effective_languages"] == ["ru"]
    h.call("hub.update", {"code": "EE-ACC", "languages": ["ET", "EN"]})
    assert h.call("school.get", {"code": "NONE"})["effective_languages"] == ["et", "en"]
    # An export keeps what the school itself says: no languages.
    rows = h.call("export.csv", {"kind": "schools"})["csv"].splitlines()
    header = rows[0].split(",")
    none = dict(zip(header, rows[2].split(",")))
    assert none["code"] == "NONE" and none["languages"] == "" and "effective_languages" not in header


def test_respondent_codes_refuse_control_characters_from_json_and_csv(h):
    h.call("school.add", {"hub": "EE-ACC", "code": "S1", "name": "Kool"})
    h.call("round.add", {"hub": "EE-ACC", "code": "R1", "name": "Round 1", "start": "2025-09-01"})
    with pytest.raises(ihub.InvalidError, match=r"^params\.responses\[0\]\.respondent: contains the control character U\+001B"):
        h.call("assessment.submit", {"round": "R1", "instrument": "selfie", "responses": [
            {"respondent": "T\x1b[8m", "school": "S1", "group": "teachers", "answers": {"A1": 4}}]})
    text = "round,instrument,respondent,school,person,group,item,answer\nR1,selfie,T\x1b[8m1,S1,,teachers,A1,4\n"
    with pytest.raises(ihub.InvalidError, match=r"line 2, column 3 \(respondent\): contains the control character U\+001B"):
        h.call("import.csv", {"kind": "responses", "text": text})
    assert h.call("assessment.scores", {"round": "R1", "instrument": "selfie"})["responses"] == []
