"""The command line as scripts and people meet it: choices as enumerations
listed in --help and matching the method table, --db declared once, --json
on every command that shows data, colours on a terminal only and never with
NO_COLOR, the documented exit statuses, and scripts/ihub starting the build
it has without rebuilding (and rebuilding, saying so, when a source changed).
On SQLite and, with IHUB_TEST_POSTGRES, on PostgreSQL."""

import json
import os
import pty
import select
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

import ihub

ROOT = Path(__file__).resolve().parents[3]
POSTGRES = os.environ.get("IHUB_TEST_POSTGRES")

# Leaf commands whose output is not a data document (or always is one).
NO_JSON = {
    "call": "prints the operation's JSON always",
    "demo": "a tour for people",
    "repl": "interactive",
    "export": "--json is its JSON mode",
    "xapi export": "writes statements (JSON already)",
    "report": "--format json",
    "help": "ArgumentParser's help",
}


def cli():
    path = os.path.join(os.path.dirname(os.environ.get("IHUB_LIBRARY", "")), "ihub-cli")
    if not os.path.exists(path):
        pytest.skip("ihub-cli is not beside IHUB_LIBRARY")
    return path


def run(*args, env=None, timeout=300):
    return subprocess.run([cli(), *map(str, args)], capture_output=True, text=True, timeout=timeout,
                          env=dict(os.environ, **(env or {})))


@pytest.fixture(scope="module")
def tree():
    """Every command of `ihub`, from ArgumentParser's dump of the tree: {"pair propose": command}."""
    done = run("--experimental-dump-help")
    assert done.returncode == 0, done.stderr
    commands = {}

    def walk(command, path):
        subs = command.get("subcommands") or []
        if not subs:
            commands[" ".join(path)] = command
        for sub in subs:
            walk(sub, path + [sub["commandName"]])

    walk(json.loads(done.stdout)["command"], [])
    return commands


def names(command):
    return [n["name"] for a in command.get("arguments", []) for n in a.get("names", []) if n["kind"] == "long"]


@pytest.fixture(scope="module")
def region(tmp_path_factory):
    """A demo region, and the --db arguments that reach it."""
    if POSTGRES:
        schema = "cli_" + uuid.uuid4().hex[:12]
        with ihub.open(POSTGRES, schema=schema) as h:
            h.call("demo.populate", {})
        return ["--db", POSTGRES, "--schema", schema]
    path = tmp_path_factory.mktemp("cli") / "region.db"
    with ihub.open(str(path), create=True) as h:
        h.call("demo.populate", {})
    return ["--db", str(path)]


# --- choices ---------------------------------------------------------------

# (command, option, method, parameter): the CLI's choices and the method
# table's enumeration they must equal.
CHOICES = [
    ("pair propose", "level", "pairing.propose", "level"),
    ("pair propose", "objective", "pairing.propose", "objective"),
    ("pair propose", "mode", "pairing.propose", "mode"),
    ("classify", "subject", "classification.run", "subject"),
    ("insight list", "role", "insight.list", "role"),
    ("insight list", "status", "insight.list", "status"),
    ("insight list", "severity", "insight.list", "severity"),
    ("process list", "subject", "process.list", "subject"),
    ("process toolbox", "level", "toolbox.list", "level"),
    ("import", "kind", "import.csv", "kind"),
    ("export", "kind", "export.csv", "kind"),
    ("plan list", "status", "plan.list", "status"),
    ("network", "level", "network.graph", "level"),
    ("impact", "level", "impact.estimate", "level"),
    ("impact", "match", "impact.estimate", "match"),
    ("import", "date-format", "import.csv", "date_format"),
    ("log add", "kind", "activity.log", "kind"),
    ("import", "delimiter", "import.csv", "delimiter"),
]


def option(command, name):
    found = [a for a in command.get("arguments", []) if any(n["name"] == name for n in a.get("names", []))]
    assert found, f"no --{name}"
    return found[0]


def describe():
    with ihub.open() as h:
        return {m["name"]: m for m in h.call("api.describe", {})}


def enum_values(method, param):
    for p in method["params"]:
        if p["name"] == param:
            return p.get("values")
    return None


def test_choices_are_the_method_tables_enumerations(tree):
    methods = describe()
    checked = 0
    for path, name, method, param in CHOICES:
        values = option(tree[path], name).get("allValues")
        assert values, f"{path} --{name}: not an enumeration"
        values = ["\t" if v == "tab" else v for v in values]  # --delimiter tab
        expected = enum_values(methods[method], param)
        if expected is None:
            continue  # the operation takes any string there; the CLI still offers the known ones
        assert sorted(values) == sorted(expected), f"{path} --{name}"
        checked += 1
    assert checked >= 10


def test_help_lists_the_values():
    out = run("pair", "propose", "--help").stdout
    assert "total_fit" in out and "coverage" in out and "fairness" in out
    assert "optimal" in out and "stable" in out
    out = run("import", "--help").stdout
    assert "schools" in out and "people" in out and "DD.MM.YYYY" in out


def test_a_value_not_among_the_choices_is_a_usage_error(region):
    done = run("pair", "propose", "--hub", "LT-CTA", "--objective", "best", *region)
    assert done.returncode == 64
    assert "best" in done.stderr and "total_fit" in done.stderr and done.stdout == ""


# --- shared options ----------------------------------------------------------

def test_every_command_declares_the_database_once(tree):
    with_db = [path for path, c in tree.items() if "db" in names(c)]
    assert len(with_db) > 40
    for path in with_db:
        c = tree[path]
        assert names(c).count("db") == 1, path
        for shared in ("admin-time-ms", "create", "schema"):
            assert names(c).count(shared) == 1, f"{path} --{shared}"
    # Every subcommand's help renders (a duplicated name would fail here).
    for path in tree:
        done = run(*path.split(), "--help")
        assert done.returncode == 0, f"{path}: {done.stderr}"


def test_every_command_that_shows_data_has_json(tree):
    missing = [path for path, c in tree.items()
               if path not in NO_JSON and "json" not in names(c)
               and not any(path == p or path.startswith(p + " ") for p in NO_JSON)]
    assert missing == []


def test_json_output_is_the_operations_document(region):
    done = run("pair", "propose", "--hub", "LT-CTA", "--round", "LT-CTA-R2", "--level", "school", "--json", *region)
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["hub"] == "LT-CTA" and doc["level"] == "school" and doc["pairs"]
    done = run("classify", "--hub", "EE-ACC", "--round", "EE-ACC-R1", "--subject", "school", "--json", *region)
    doc = json.loads(done.stdout)
    assert set(doc) == {"run", "classes"} and doc["classes"]
    done = run("process", "toolbox", "--level", "whole_school", "--json", *region)
    assert {m["level"] for m in json.loads(done.stdout)} == {"whole_school"}
    done = run("network", "--hub", "EE-ACC", "--json", *region)
    assert json.loads(done.stdout)["level"] == "teacher"


def test_import_json_reports_and_keeps_the_exit_status(tmp_path, region):
    good = tmp_path / "hubs.csv"
    good.write_text("code,name,country\nCLI-H,CLI hub,EE\n")
    done = run("import", good, "--kind", "hubs", "--dry-run", "--json", *region)
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["rows"] == 1 and doc["dry_run"] is True
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name,country\nCLI-X,,EE\n")
    done = run("import", bad, "--kind", "hubs", "--dry-run", "--json", *region)
    assert done.returncode == 2
    assert json.loads(done.stdout)["valid"] is False


def test_call_needs_no_database():
    done = run("call", "api.version", "--compact")
    assert done.returncode == 0 and json.loads(done.stdout)["abi"] >= 1


# --- exit statuses -------------------------------------------------------------

def test_exit_statuses_are_documented_and_kept(region, tmp_path):
    out = run("--help").stdout
    assert "Exit status:" in out
    for line in ("0    success", "2    IHUB_INVALID", "3    IHUB_NOTFOUND", "64   usage"):
        assert line in out
    assert run("call", "school.get", '{"code": "NO-SUCH"}', *region).returncode == 3
    assert run("call", "school.get", '{"code": 7}', *region).returncode == 2
    assert run("process", "list", "--hub", "EE-ACC", "--db", tmp_path / "missing.db").returncode == 3
    assert run("pair", "propose", "--no-such-option", *region).returncode == 64
    assert run("process", "list", "--hub", "EE-ACC").returncode == 64  # --db missing


# --- colours ---------------------------------------------------------------------

def on_terminal(args, env):
    """Runs the CLI with standard output and error on a pseudo-terminal; what it wrote."""
    controller, terminal = pty.openpty()
    p = subprocess.Popen([cli(), *map(str, args)], stdin=subprocess.DEVNULL, stdout=terminal, stderr=terminal,
                         env=dict({k: v for k, v in os.environ.items() if k != "NO_COLOR"}, TERM="xterm", **env))
    os.close(terminal)
    out = b""
    while True:
        ready, _, _ = select.select([controller], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(controller, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    p.wait(timeout=60)
    os.close(controller)
    return p.returncode, out.decode()


def test_colours_on_a_terminal_only_and_never_with_no_color(region):
    args = ["call", "school.get", '{"code": "NO-SUCH"}', *region]
    rc, out = on_terminal(args, {})
    assert rc == 3 and "\x1b[31mIHUB_NOTFOUND\x1b[0m" in out
    rc, out = on_terminal(args, {"NO_COLOR": "1"})
    assert rc == 3 and "IHUB_NOTFOUND" in out and "\x1b[" not in out
    piped = run(*args)
    assert "IHUB_NOTFOUND" in piped.stderr and "\x1b" not in piped.stderr


def test_terminal_keeps_only_its_own_colour_sequences(tmp_path):
    # A name stored before control characters were refused (written here
    # past the engine) reaches a terminal escaped, not as a sequence that
    # clears the screen; a pipe gets the bytes as stored.
    import sqlite3
    path = tmp_path / "c.db"
    with ihub.open(str(path), create=True) as h:
        h.call("hub.add", {"code": "H", "name": "Hub", "country": "EE"})
    with sqlite3.connect(path) as c:
        c.execute("UPDATE hubs SET name = ? WHERE code = 'H'", ("Hub\x1b[2J",))
    rc, out = on_terminal(["export", "--kind", "hubs", "--db", path], {})
    assert rc == 0 and "Hub\\u{1B}[2J" in out and "\x1b[2J" not in out
    piped = run("export", "--kind", "hubs", "--db", path)
    assert "Hub\x1b[2J" in piped.stdout


# --- scripts/ihub --------------------------------------------------------------

def wrapper_tree(tmp_path):
    """A checkout in miniature: the real scripts/ihub, a fake build that
    counts its runs, a fake binary that prints its arguments."""
    root = tmp_path / "checkout"
    (root / "scripts").mkdir(parents=True)
    shutil.copy(ROOT / "scripts" / "ihub", root / "scripts" / "ihub")
    build = root / "scripts" / "build"
    build.write_text("#!/bin/sh\necho built >> \"$(dirname \"$0\")/../builds\"\n")
    build.chmod(0o755)
    for d in ("Sources/IHubCore", "Plugins", "scripts/methodology/default", "include"):
        (root / d).mkdir(parents=True)
    (root / "Sources/IHubCore/A.swift").write_text("// a source\n")
    (root / "Package.swift").write_text("// the package\n")
    binary = root / ".build-release" / "release" / "ihub-cli"
    binary.parent.mkdir(parents=True)
    binary.write_text("#!/bin/sh\necho \"ihub $*\"\n")
    binary.chmod(0o755)
    old = 1_000_000_000
    for p in root.rglob("*"):
        if p.is_file() and p != binary:
            os.utime(p, (old, old))
    return root, binary


def builds(root):
    path = root / "builds"
    return path.read_text().count("built") if path.exists() else 0


def test_scripts_ihub_starts_the_current_build_without_rebuilding(tmp_path):
    root, binary = wrapper_tree(tmp_path)
    stamp = binary.stat().st_mtime_ns
    done = subprocess.run([root / "scripts" / "ihub", "--version"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout == "ihub --version\n"
    assert done.stderr == "" and builds(root) == 0 and binary.stat().st_mtime_ns == stamp


def test_scripts_ihub_rebuilds_when_a_source_changed_and_says_so(tmp_path):
    root, binary = wrapper_tree(tmp_path)
    (root / "scripts/methodology/default/rules.lua").write_text("-- newer than the build\n")
    done = subprocess.run([root / "scripts" / "ihub", "call", "api.version"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout == "ihub call api.version\n"
    assert "scripts/methodology/default/rules.lua changed" in done.stderr and "rebuilding" in done.stderr
    assert builds(root) == 1
    # The build is current now: the next start builds nothing.
    done = subprocess.run([root / "scripts" / "ihub", "--version"], capture_output=True, text=True, timeout=60)
    assert done.stderr == "" and builds(root) == 1


def test_scripts_ihub_through_a_link(tmp_path):
    root, _ = wrapper_tree(tmp_path)
    done = subprocess.run(["bash", ROOT / "scripts" / "install", "--link", tmp_path / "prefix"],
                          capture_output=True, text=True, timeout=60, env=dict(os.environ, PATH="/usr/bin:/bin"))
    assert done.returncode == 0, done.stderr
    assert "is not on your PATH" in done.stdout and f'export PATH="{tmp_path / "prefix"}/bin:$PATH"' in done.stdout
    link = tmp_path / "prefix" / "bin" / "ihub"
    assert os.readlink(link) == str(ROOT / "scripts" / "ihub")
    # A link to the miniature checkout runs its binary, found through the link.
    os.remove(link)
    os.symlink(root / "scripts" / "ihub", link)
    done = subprocess.run([link, "--version"], capture_output=True, text=True, timeout=60)
    assert done.stdout == "ihub --version\n" and done.stderr == ""
