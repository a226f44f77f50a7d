"""`ihub repl`: driven through a pseudo-terminal (pexpect) as a person types,
and through pipes and script files; on SQLite and, with IHUB_TEST_POSTGRES,
on PostgreSQL (the database the REPL opens is then a schema of that server)."""
import json
import os
import pathlib
import re
import subprocess
import time
import uuid

import pytest

import ihub

pexpect = pytest.importorskip("pexpect")

ROOT = pathlib.Path(__file__).resolve().parents[3]
POSTGRES = os.environ.get("IHUB_TEST_POSTGRES")
LEFT, UP = "\x1b[D", "\x1b[A"


def cli():
    candidates = []
    if os.environ.get("IHUB_LIBRARY"):
        candidates.append(pathlib.Path(os.environ["IHUB_LIBRARY"]).parent / "ihub-cli")
    candidates.append(ROOT / ".build/debug/ihub-cli")
    for c in candidates:
        if c.exists():
            return str(c)
    pytest.skip("no ihub-cli built")


@pytest.fixture
def target(tmp_path):
    """The database the REPL works on: (its command-line arguments, a function opening it from Python)."""
    if POSTGRES:
        schema = "repl_" + uuid.uuid4().hex[:12]
        return [POSTGRES, "--schema", schema, "--create"], lambda: ihub.open(POSTGRES, schema=schema)
    path = tmp_path / "repl.db"
    return [str(path), "--create"], lambda: ihub.open(str(path))


def env_for(tmp_path):
    return dict(os.environ, HOME=str(tmp_path), IHUB_HISTORY=str(tmp_path / "history"), TERM="xterm", NO_COLOR="1")


class Prompt:
    """A REPL on a pseudo-terminal."""

    def __init__(self, tmp_path, args):
        self.child = pexpect.spawn(cli(), ["repl", *args], env=env_for(tmp_path), encoding="utf-8",
                                   timeout=60, dimensions=(50, 220))
        self.child.expect_exact("Tab completes")
        self.ready()

    def ready(self):
        self.child.expect(r"\r\n> ")  # the main prompt (a continuation is ">> ")

    def line(self, text):
        """Types a line and returns what the REPL wrote before the next prompt, without the echo."""
        self.child.send(text + "\r")
        self.ready()
        out = self.child.before.replace("\r\n", "\n")
        return out.split("\n", 1)[1] if "\n" in out else ""

    def quit(self):
        self.child.send(".quit\r")
        self.child.expect(pexpect.EOF)
        self.child.close()
        return self.child.exitstatus


def plain(text):
    """Terminal output without cursor-movement sequences."""
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[=>]|\x07", "", text)


def test_arrow_keys_edit_inside_the_line_and_reach_no_database(tmp_path, target):
    args, open_db = target
    p = Prompt(tmp_path, args)
    # A typo fixed with the left arrow inside a string: the arrow moves the cursor.
    p.line('ihub.hub.add{code = "H1", name = "Trtu", country = "EE"}' + LEFT * 21 + "a")
    # A control byte typed literally (Ctrl-V Esc) is taken out of the line.
    p.child.send('x = "a\x16\x1bb"\r')
    p.child.expect_exact("removed 1 control character")
    p.ready()
    assert plain(p.line("x")).strip() == "ab"
    assert p.quit() == 0
    with open_db() as db:
        hub = db.call("hub.get", {"code": "H1"})
        assert hub["name"] == "Tartu"
        assert not any(ord(c) < 32 for c in hub["name"] + hub["code"])


def test_history_is_kept_across_sessions(tmp_path, target):
    args, _ = target
    p = Prompt(tmp_path, args)
    assert plain(p.line("return 6 * 7")).strip() == "42"
    assert p.quit() == 0
    # libedit's file encodes characters as octal escapes (strvis).
    kept = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), (tmp_path / "history").read_text())
    assert "return 6 * 7" in kept.splitlines()
    again = Prompt(tmp_path, args)
    again.child.send(UP + "\r")  # the last line of the previous session
    again.ready()
    assert "42" in plain(again.child.before)
    assert again.quit() == 0


def test_tab_completes_the_api_and_globals(tmp_path):
    p = Prompt(tmp_path, [])
    p.line("myverylongname = 5")
    p.child.send("myveryl\t\r")
    p.ready()
    assert plain(p.child.before).strip().endswith("5")
    # ihub.hu<Tab> -> ihub.hub. (a namespace), ad<Tab> -> ihub.hub.add
    p.child.send("ihub.hu\t")
    time.sleep(0.3)
    p.child.send("ad\t")
    time.sleep(0.3)
    p.child.send('{code = "C1", name = "Completed", country = "EE"}\r')
    p.ready()
    assert plain(p.line('ihub.hub.get{code = "C1"}.name')).strip() == "Completed"
    # Dot-commands complete at the start of a line.
    p.child.send(".ti\t on\r")
    p.ready()
    assert "time: " in plain(p.line("1 + 1"))
    assert p.quit() == 0


def test_multi_line_chunks_continue_until_complete(tmp_path):
    p = Prompt(tmp_path, [])
    p.child.send("function twice(a)\r")
    p.child.expect_exact(">> ")
    p.child.send("return a * 2\r")
    p.child.expect_exact(">> ")
    p.child.send("end\r")
    p.ready()
    assert plain(p.line("twice(21)")).strip() == "42"
    assert p.quit() == 0


def test_ctrl_c_stops_the_running_chunk_and_keeps_the_globals(tmp_path, target):
    args, open_db = target
    p = Prompt(tmp_path, args)
    p.line("counter = 7")
    # Each loop says it runs first, so that Ctrl-C comes while it does.
    p.child.send("print('spin' .. 'ning') while true do counter = counter + 0 end\r")
    p.child.expect_exact("spinning")
    p.child.sendintr()
    p.child.expect_exact("interrupted")
    p.ready()
    assert plain(p.line("counter")).strip() == "7"
    # pcall cannot swallow the interrupt.
    p.child.send("print('spin' .. 'ning') while true do pcall(function() while true do end end) end\r")
    p.child.expect_exact("spinning")
    p.child.sendintr()
    p.child.expect_exact("interrupted")
    p.ready()
    # An interrupted transaction leaves nothing written.
    p.child.send('ihub.transaction(function() ihub.hub.add{code = "HX", name = "x", country = "EE"} '
                 'print("spin" .. "ning") while true do end end)\r')
    p.child.expect_exact("spinning")
    p.child.sendintr()
    p.child.expect_exact("interrupted")
    p.ready()
    assert plain(p.line("#ihub.hub.list{}")).strip() == "0"
    # Ctrl-C at the prompt drops the line being typed; the REPL stays.
    p.child.send("half a line")
    p.child.expect_exact("half a line")  # on screen, as a person sees it before pressing Ctrl-C
    p.child.sendintr()
    p.ready()
    assert plain(p.line("counter + 1")).strip() == "8"
    assert p.quit() == 0
    with open_db() as db:
        assert db.call("hub.list") == []


def test_read_runs_a_file_and_errors_name_its_lines(tmp_path):
    good = tmp_path / "lib.lua"
    good.write_text("function thrice(x)\n  return 3 * x\nend\nreadvalue = thrice(4)\n")
    bad = tmp_path / "bad.lua"
    bad.write_text("local a = 1\nlocal b = 2\nerror('broken here')\n")
    p = Prompt(tmp_path, [])
    p.line(f".read {good}")
    assert plain(p.line("readvalue")).strip() == "12"
    out = plain(p.line(f".read {bad}"))
    assert "bad.lua:3: broken here" in out  # a long path keeps its end
    assert p.quit() == 0


def test_errors_name_the_line_of_a_script_and_of_piped_input(tmp_path):
    script = tmp_path / "job.lua"
    script.write_text("local n = 0\nfor i = 1, 3 do n = n + i end\nprint(n)\nerror('stop at four')\n")
    run = subprocess.run([cli(), "repl", str(script)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 1
    assert run.stdout == "6\n"
    assert "job.lua:4: stop at four" in run.stderr
    piped = "x = 1\n\nprint(x)\nfunction f()\n  error('inside f')\nend\nf()\nerror('line eight')\n"
    run = subprocess.run([cli(), "repl"], input=piped, capture_output=True, text=True, timeout=60)
    assert run.returncode == 1
    errors = run.stderr.splitlines()
    assert errors[0].startswith("IHUB_SCRIPT: stdin:5: inside f")
    assert errors[1].startswith("IHUB_SCRIPT: stdin:8: line eight")
    # -e chunks run first, then the script; -e alone runs and leaves.
    run = subprocess.run([cli(), "repl", "-e", "y = 20", "-e", "print(y + 1)"], capture_output=True, text=True,
                         timeout=60, stdin=subprocess.DEVNULL)
    assert (run.returncode, run.stdout) == (0, "21\n")


def test_a_failed_transaction_rolls_back_every_write(tmp_path, target):
    args, open_db = target
    chunks = "\n".join([
        'kept = ihub.hub.add{code = "KEEP", name = "kept", country = "EE"}',
        'ok, e = pcall(ihub.transaction, function()',
        '  ihub.hub.add{code = "T1", name = "one", country = "EE"}',
        '  ihub.hub.add{code = "T2", name = "two", country = "EE"}',
        '  error("changed my mind")',
        'end)',
        'print(ok, e)',
        'ihub.transaction(function()',
        '  ihub.hub.add{code = "OUTER", name = "outer", country = "EE"}',
        '  pcall(ihub.transaction, function() ihub.hub.add{code = "INNER", name = "i", country = "EE"} error("no") end)',
        'end)',
        'print(ihub.transaction(function() return 1, nil, 3 end))',
        'ihub.transaction(function() ihub.hub.add{code = "KEEP", name = "again", country = "EE"} end)',
    ]) + "\n"
    run = subprocess.run([cli(), "repl", *args], input=chunks, capture_output=True, text=True, timeout=60)
    out = run.stdout.splitlines()
    assert out[0] == "false\tstdin:5: changed my mind"
    assert out[1] == "1\tnil\t3"
    # The failing call's error goes on unchanged (its status, its line).
    assert run.stderr.startswith("IHUB_CONFLICT: stdin:13: hub.add") or run.stderr.startswith("IHUB_CONSTRAINT: stdin:13: hub.add"), run.stderr
    with open_db() as db:
        assert sorted(h["code"] for h in db.call("hub.list")) == ["KEEP", "OUTER"]


def test_transaction_from_python_and_only_in_the_admin_context():
    with ihub.open() as db:
        with pytest.raises(ihub.ScriptError, match="x"):
            db.eval("ihub.transaction(function() ihub.hub.add{code = 'E1', name = 'e', country = 'EE'} error('x') end)")
        assert db.call("hub.list") == []
        done = db.eval("return ihub.transaction(function() ihub.hub.add{code = 'E2', name = 'e', country = 'EE'} return 'done' end)")
        assert done == "done"
        assert [h["code"] for h in db.call("hub.list")] == ["E2"]
        with pytest.raises(ihub.ScriptError, match="expected a function, got number"):
            db.eval("ihub.transaction(42)")
        # Methodology scripts (read-only) have no ihub.transaction, and no host calls of its glue.
        seen = db.call("script.eval", {"source": "return ihub.transaction == nil, ihub.__tx == nil"})
        assert seen["values"] == [True, True]
        assert db.eval("return ihub.__tx == nil") is True


def test_modes_output_and_nil(tmp_path):
    out_file = tmp_path / "out.txt"
    chunks = "\n".join([
        "nil",
        "undefined_name",
        "rows = {{code = 'A', n = 1}, {code = 'BB', n = 22, note = 'x,y'}}",
        "rows",
        ".mode csv",
        "rows",
        ".mode line",
        "rows[2]",
        ".mode json",
        "rows[1]",
        ".mode",
        ".mode table",
        f".output {out_file}",
        "'to the file'",
        ".output",
        "'to the screen'",
        ".mode nonsense",
    ]) + "\n"
    run = subprocess.run([cli(), "repl"], input=chunks, capture_output=True, text=True, timeout=60)
    assert run.returncode == 1  # the bad .mode
    lines = run.stdout.splitlines()
    assert lines[:12] == [
        "nil",
        "nil",
        "code n  note",
        "---- -- ----",
        "A    1",
        "BB   22 x,y",
        "code,n,note",
        "A,1,",
        'BB,22,"x,y"',
        "code = BB",
        "   n = 22",
        "note = x,y",
    ]
    assert json.loads("\n".join(lines[12:-2])) == {"code": "A", "n": 1}  # pretty JSON
    assert lines[-2:] == ["json", "to the screen"]
    assert out_file.read_text() == "to the file\n"
    assert "nonsense" in run.stderr


def test_help_describes_an_operation_in_prose(tmp_path):
    p = Prompt(tmp_path, [])
    text = plain(p.line(".help hub.add"))
    assert text.startswith("ihub.hub.add{...}  (writes)")
    assert "Parameters:" in text and re.search(r"\n  code  string, required\n", text)
    assert "hub.add" in plain(p.line(".help hub"))
    assert ".mode [table|json|csv|line]" in plain(p.line(".help .mode"))
    assert "neither an operation" in plain(p.line(".help nosuchthing"))
    assert p.quit() == 0


def test_functions_and_lists_are_shown_not_refused():
    chunks = "ihub.hub\nprint\n{1, 2, 3}\nt = {f = print}\nt\nt.f == print\n0/0\n"
    run = subprocess.run([cli(), "repl"], input=chunks, capture_output=True, text=True, timeout=60)
    lines = run.stdout.splitlines()
    # ihub.hub's functions by name, in line mode; print by its address.
    assert [l.split(" = ")[0].strip() for l in lines[:5]] == ["add", "add_many", "get", "list", "update"]
    assert all(re.fullmatch(r"function: (builtin: )?0x[0-9a-f]+", l.split(" = ")[1]) for l in lines[:5])
    assert re.fullmatch(r"function: (builtin: )?0x[0-9a-f]+", lines[5])
    assert lines[6] == "[1,2,3]"
    assert re.fullmatch(r"f = function: (builtin: )?0x[0-9a-f]+", lines[7])
    assert lines[8] == "true"  # the table itself was left alone
    # What JSON cannot hold exactly is still an error (NaN), as in every context.
    assert run.stderr.startswith("IHUB_SCRIPT: stdin: returned value 1 is NaN")
