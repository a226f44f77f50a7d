"""Every command block of the README runs as written.

The blocks run in README order in one scratch folder, so the database that an
early block makes (`scripts/ihub demo region.db`) serves the later ones, as it
does for a reader who follows along. Files a block reads before any block writes
them come from Tests/readme/. `scripts/ihub` there is the built command line.

- sh: each command runs with bash; the README's example PostgreSQL server
  (`postgresql://ihub@db.example.org/ihub`, schema `region`) is the test server
  and a schema of this run when the suite runs on PostgreSQL
  (IHUB_TEST_POSTGRES), else its commands are left out; a
  command followed by a comment line
  `#   ihub: IHUB_X...` is the README showing an error, and must fail with it.
  `scripts/test` is the one command not run (this test is part of it).
- python: runs as a program, with `bindings/` beside it and the package on its path.
- lua: a block whose first line says `-- in a hub's "NAME" script` is stored as
  that script of a hub and used (a `pairing` script by `pairing.propose`, a
  `process` script by `process.model`);
  a block that says `require "ihub"` is a program for the lua5.4 interpreter
  and runs with the Lua module built beside the library (.build-release/lua);
  any other block runs through `script.eval`.
"""

import os
import pathlib
import re
import shutil
import subprocess
import sys
import time

import ihub

ROOT = pathlib.Path(__file__).resolve().parents[3]
FIXTURES = ROOT / "Tests" / "readme"
FENCE = re.compile(r"^```(\w*)\s*$")
SHOWN_ERROR = re.compile(r"^#\s+ihub: (IHUB_[A-Z]+)")
HUB_SCRIPT = re.compile(r"--.*in a hub's \"(\w+)\" script")
EXAMPLE_SERVER = "postgresql://ihub@db.example.org/ihub"
RUN_SCHEMA = f"readme_{os.getpid()}_{int(time.time())}"


def readme_blocks():
    """(language, first line number, lines) of each fenced block."""
    blocks, lang, start, lines = [], None, 0, []
    for number, line in enumerate(README_LINES, 1):
        fence = FENCE.match(line)
        if fence and lang is None:
            lang, start, lines = fence.group(1), number + 1, []
        elif line.startswith("```") and lang is not None:
            blocks.append((lang, start, lines))
            lang = None
        elif lang is not None:
            lines.append(line)
    return blocks


README_LINES = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()


def shell_commands(start, lines):
    """(line number, command, status the README shows or None)."""
    commands = []
    for offset, line in enumerate(lines):
        shown = SHOWN_ERROR.match(line.strip())
        if shown and commands:
            number, command, _ = commands[-1]
            commands[-1] = (number, command, shown.group(1))
        elif line.strip() and not line.lstrip().startswith("#"):
            commands.append((start + offset, line, None))
    return commands


def scratch_folder(tmp_path):
    cli = pathlib.Path(os.environ["IHUB_LIBRARY"]).parent / "ihub-cli"
    assert cli.exists(), f"{cli} is missing: build with scripts/build"
    (tmp_path / "scripts").mkdir()
    wrapper = tmp_path / "scripts" / "ihub"
    wrapper.write_text(f'#!/bin/sh\nexec "{cli}" "$@"\n')
    wrapper.chmod(0o755)
    (tmp_path / "bindings").symlink_to(ROOT / "bindings")
    for fixture in FIXTURES.iterdir():
        shutil.copy(fixture, tmp_path / fixture.name)
    return tmp_path


def run_shell(folder, number, command, shown):
    if command.split("#")[0].strip() == "scripts/test":
        return None
    if EXAMPLE_SERVER in command:
        server = os.environ.get("IHUB_TEST_POSTGRES")
        if not server:
            return None
        # a schema of this run's own, so the server may hold earlier runs
        command = command.replace(EXAMPLE_SERVER, f"'{server}'").replace("schema region", f"schema {RUN_SCHEMA}")
    done = subprocess.run(["bash", "-c", command], cwd=folder, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=300)
    said = (done.stdout + done.stderr).strip().splitlines()
    if shown is None and done.returncode != 0:
        return f"README line {number}: `{command.strip()}` failed ({done.returncode}): {said[-1:] }"
    if shown is not None:
        if done.returncode == 0:
            return f"README line {number}: `{command.strip()}` succeeded; the README shows {shown}"
        if not any(f"ihub: {shown}" in line for line in said):
            return f"README line {number}: `{command.strip()}` did not fail with {shown}: {said[-1:]}"
    return None


def run_python(folder, number, lines):
    # As installed: the package of this checkout is on the path.
    env = {**os.environ, "PYTHONPATH": str(ROOT / "bindings" / "python")}
    done = subprocess.run([sys.executable, "-c", "\n".join(lines)], cwd=folder, env=env,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        return f"README line {number}: the Python block failed: {done.stderr.strip().splitlines()[-1:]}"
    return None


def run_lua_program(folder, number, source):
    # beside the library in use (.build-release/release -> .build-release/lua), else the release build's
    module = pathlib.Path(os.environ["IHUB_LIBRARY"]).parent.parent / "lua"
    if not (module / "ihub.so").exists():
        module = ROOT / ".build-release" / "lua"
    env = {**os.environ, "LUA_CPATH": f"{module}/?.so;;"}
    done = subprocess.run(["lua5.4", "-"], input=source, cwd=folder, env=env,
                          capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        return f"README line {number}: the lua5.4 program failed: {done.stderr.strip().splitlines()[:1]}"
    return None


def run_lua(folder, number, lines):
    source = "\n".join(lines)
    if 'require "ihub"' in source:
        return run_lua_program(folder, number, source)
    script = HUB_SCRIPT.search(lines[0]) if lines else None
    try:
        with ihub.open(str(folder / "region.db")) as h:
            if script is None:
                h.call("script.eval", {"source": source})
                return None
            name = script.group(1)
            h.call("script.set", {"hub": "LT-CTA", "name": name, "source": source})
            try:
                if name == "pairing":
                    h.call("pairing.propose", {"hub": "LT-CTA", "round": "LT-CTA-R2", "level": "school"})
                if name == "process":
                    h.call("process.model", {"hub": "LT-CTA"})
            finally:
                h.call("script.remove", {"hub": "LT-CTA", "name": name})
    except ihub.Error as e:
        return f"README line {number}: the Lua block failed: {e.status_name}: {e.message}"
    return None


def test_every_readme_block_runs_as_written(tmp_path):
    folder = scratch_folder(tmp_path)
    problems, ran = [], 0
    for lang, start, lines in readme_blocks():
        if lang == "sh":
            for number, command, shown in shell_commands(start, lines):
                problems.append(run_shell(folder, number, command, shown))
                ran += 1
        elif lang == "python":
            problems.append(run_python(folder, start, lines))
            ran += 1
        elif lang == "lua":
            problems.append(run_lua(folder, start, lines))
            ran += 1
    problems = [p for p in problems if p]
    assert ran >= 10, "the README lost its command blocks"
    assert not problems, "\n".join(problems)
