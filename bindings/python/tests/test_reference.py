"""The method catalogue's promises, which the reference manual prints:
every operation declares the shape of its result and an example; each
example runs on the demo region (`ihub demo`) and what it returns fits the
declared shape (the library checks that itself under IHUB_CHECK_RESULTS=1,
which conftest sets); docs/reference.md is what scripts/reference writes from
the current catalogue."""

import json
import os
import pathlib
import shlex
import shutil
import subprocess
import sys

import pytest

import ihub

ROOT = pathlib.Path(__file__).resolve().parents[3]
FIXTURES = ROOT / "docs" / "examples"


def catalogue():
    with ihub.open() as h:
        return h.call("api.describe")


METHODS = catalogue()


@pytest.fixture(scope="module")
def demo_region(tmp_path_factory):
    """The demo region in a file, made once by the CLI beside the library."""
    cli = pathlib.Path(os.environ.get("IHUB_LIBRARY", "")).parent / "ihub-cli"
    if not cli.exists():
        pytest.skip("ihub-cli is not beside IHUB_LIBRARY")
    folder = tmp_path_factory.mktemp("demo")
    subprocess.run([str(cli), "demo", str(folder / "region.db")], check=True, capture_output=True)
    return folder / "region.db"


def test_every_operation_declares_a_result_and_an_example():
    missing = [m["name"] for m in METHODS if m["result"] is None or m["example"] is None]
    assert missing == [], f"no result shape or example: {', '.join(missing)}"


def test_examples_fit_their_parameters(tmp_path, monkeypatch):
    # Validation alone: an example must be a call the operation accepts.
    # Unknown ids would be IHUB_NOTFOUND here; the example's own run is below.
    monkeypatch.chdir(tmp_path)  # examples that write files write them here
    with ihub.open() as h:
        for m in METHODS:
            if m["example"] is None:
                continue
            try:
                h.call(m["name"], m["example"])
            except ihub.InvalidError as e:
                if "params" in e.message:
                    pytest.fail(f"{m['name']}: its example does not fit its parameters: {e.message}")
            except ihub.Error:
                pass


@pytest.mark.parametrize("method", [m["name"] for m in METHODS])
def test_example_runs_on_the_demo_region(method, demo_region, tmp_path, monkeypatch):
    m = next(m for m in METHODS if m["name"] == method)
    if m["example"] is None:
        pytest.skip("no example yet")
    # Each example gets its own copy of the region, and a folder holding the
    # example files (docs/examples) as its working directory, for operations
    # that read or write files.
    # demo.populate makes the region: its example runs on an empty database.
    if method != "demo.populate":
        shutil.copy(demo_region, tmp_path / "region.db")
    if FIXTURES.is_dir():
        shutil.copytree(FIXTURES, tmp_path, dirs_exist_ok=True)
    monkeypatch.chdir(tmp_path)
    with ihub.open(str(tmp_path / "region.db"), create=method == "demo.populate") as h:
        h.call(method, m["example"])


def test_the_manual_matches_the_catalogue():
    generated = subprocess.run([sys.executable, str(ROOT / "scripts" / "reference"), "--print"],
                               check=True, capture_output=True, text=True).stdout
    written = (ROOT / "docs" / "reference.md").read_text()
    assert generated == written, "docs/reference.md is stale: run scripts/reference"


def test_the_command_line_examples_are_valid_shell():
    # Each "ihub call" line splits, as a shell reads it, into the method and
    # the example's JSON, whatever quotes the example holds.
    lines = [line for line in (ROOT / "docs" / "reference.md").read_text().splitlines()
             if line.startswith("ihub call ")]
    examples = {m["name"]: m["example"] for m in METHODS}
    assert len(lines) == len(examples)
    for line in lines:
        words = shlex.split(line.split("  # command line")[0])
        assert words[:2] == ["ihub", "call"] and words[4:] == ["--db", "region.db"], line
        assert json.loads(words[3]) == examples[words[2]], line
