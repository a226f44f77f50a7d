"""The Python package as its users meet it: installed with pip into a fresh
virtual environment, the README's tutorial, the generated surface and its
types, values both ways, exceptions, paging, pandas, threads."""

import datetime
import gc
import decimal
import inspect
import os
import pathlib
import re
import shutil
import subprocess
import sys
import threading
import weakref
import zipfile

import pytest

import ihub

ROOT = pathlib.Path(__file__).resolve().parents[3]
PACKAGE = ROOT / "bindings" / "python"
LIBRARY = os.environ.get("IHUB_LIBRARY", str(ROOT / ".build-release" / "release" / "libihub.so"))


def tutorial():
    text = (ROOT / "README.md").read_text()
    match = re.search(r"<!-- python-tutorial -->\n```python\n(.*?)```\n<!-- /python-tutorial -->", text, re.S)
    assert match, "README: the Python tutorial's markers are gone"
    return match.group(1)


@pytest.fixture(scope="module")
def venv(tmp_path_factory):
    """A new virtual environment with `pip install ./bindings/python` done,
    from a copy of the package (a build leaves files in its source)."""
    base = tmp_path_factory.mktemp("venv")
    source = base / "python"
    shutil.copytree(PACKAGE, source, ignore=shutil.ignore_patterns("tests", "build", "*.egg-info", "__pycache__"))
    subprocess.run([sys.executable, "-m", "venv", str(base / "env")], check=True)
    python = base / "env" / "bin" / "python"
    done = subprocess.run([str(python), "-m", "pip", "install", "-q", str(source)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    return python, source


def outside(python, code, tmp_path, **env):
    """Runs `code` with the venv's Python in a folder outside the checkout."""
    environment = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "IHUB_LIBRARY")}
    environment.update(env)
    return subprocess.run([str(python), "-c", code], cwd=tmp_path, env=environment, capture_output=True, text=True)


def test_the_readme_tutorial_runs_as_written_from_a_fresh_install(venv, tmp_path):
    python, _ = venv
    done = outside(python, tutorial(), tmp_path, IHUB_LIBRARY=LIBRARY)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[:4] == ["120 EE-0001 EE-0120", "IHUB_CONFLICT params.code", "2 2 size", "2026"]


def test_without_a_library_the_error_says_where_it_looked(venv, tmp_path):
    python, _ = venv
    done = outside(python, "import ihub", tmp_path)
    assert done.returncode != 0
    said = done.stderr.strip().splitlines()[-1]
    assert "libihub.so not found" in said and "beside the package" in said and "install prefix" in said


def test_a_wheel_can_carry_the_library(venv, tmp_path):
    python, source = venv
    wheels = tmp_path / "wheels"
    done = subprocess.run([str(python), "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(source)],
                          env={**os.environ, "IHUB_BUNDLE_LIBRARY": LIBRARY}, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    wheel, = wheels.glob("ihub-*.whl")
    assert "none-any" not in wheel.name, "a wheel with a shared library is tagged for its platform"
    assert any(name.endswith("ihub/libihub.so") for name in zipfile.ZipFile(wheel).namelist())
    target = tmp_path / "site"
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)],
                   check=True)
    done = outside(python, "import ihub; print(ihub.version())", tmp_path, PYTHONPATH=str(target))
    assert done.returncode == 0 and done.stdout.strip() == ihub.version(), done.stderr


def test_a_type_checker_accepts_the_typed_example_and_refuses_wrong_calls(venv, tmp_path):
    pytest.importorskip("mypy")
    python, _ = venv
    checker = [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--python-executable", str(python)]
    example = PACKAGE / "examples" / "typed.py"
    shutil.copy(example, tmp_path / "typed.py")
    done = subprocess.run(checker + ["typed.py"], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout
    (tmp_path / "wrong.py").write_text(
        "import ihub\nh = ihub.open()\n"
        "h.school.add(hub='EE-ACC', code=42, name='x')\n"
        "h.school.list(hubb='EE-ACC')\n"
        "print(h.api.version()['verzion'])\n")
    done = subprocess.run(checker + ["wrong.py"], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 1
    assert all(f"[{code}]" in done.stdout for code in ("arg-type", "call-arg", "typeddict-item")), done.stdout


def test_the_generated_files_match_the_library():
    done = subprocess.run([sys.executable, str(PACKAGE / "generate.py"), "--check"], capture_output=True, text=True,
                          env={**os.environ, "IHUB_LIBRARY": LIBRARY})
    assert done.returncode == 0, done.stderr


# --- the surface ---------------------------------------------------------------

@pytest.fixture
def h():
    with ihub.open() as handle:
        handle.hub.add(code="EE-ACC", name="Accelerator", country="EE")
        yield handle


def test_operations_are_methods_with_their_parameters_and_documentation(h):
    names = {m["name"] for m in h.api.describe()}
    namespaces = {n.split(".")[0] for n in names}
    visible = set(dir(h))
    assert {n + "_" if n == "import" else n for n in namespaces} <= visible
    for name in names:
        ns, op = name.split(".")
        method = getattr(getattr(h, ns + "_" if ns == "import" else ns), op + "_" if op == "import" else op)
        assert method.__doc__ and method.__doc__.strip()
    signature = inspect.signature(h.school.list)
    assert {"hub", "level", "limit", "offset"} <= set(signature.parameters)
    assert "only this hub's schools" in h.school.list.__doc__
    assert h.import_.csv.__doc__.startswith("Load a CSV file")


def test_keyword_none_is_not_sent_and_null_clears(h):
    h.school.add(hub="EE-ACC", code="S1", name="One", size=300, level=None)
    assert h.school.get(code="S1")["size"] == 300
    assert h.school.update(code="S1", size=ihub.NULL)["size"] is None
    # A dict of parameters still works, and names the operation's own fields.
    assert h.school.get({"code": "S1"})["name"] == "One"
    with pytest.raises(ihub.InvalidError, match="params.nope: unknown field"):
        h.school.list(nope=1)


def test_python_values_are_sent_as_json(h):
    h.round.add(hub="EE-ACC", code="R1", name="Autumn", start=datetime.date(2026, 9, 1),
                end=datetime.date(2027, 1, 31))
    assert h.round.get(code="R1")["start"] == "2026-09-01"
    h.school.add(hub="EE-ACC", code="S2", name="Two", latitude=decimal.Decimal("58.38"),
                 languages=("et", "ru"))
    school = h.school.get(code="S2")
    assert school["latitude"] == 58.38 and school["languages"] == ["et", "ru"]
    with pytest.raises(ihub.InvalidError) as e:
        h.school.list(hub=datetime.datetime(2026, 1, 1))
    assert e.value.path == "params.hub" and "naive datetime" in e.value.message
    with pytest.raises(ihub.InvalidError) as e:
        h.school.add_many(schools=[{"hub": "EE-ACC", "code": "S3", "name": object()}])
    assert e.value.path == "params.schools[0].name" and "cannot send a object" in e.value.message
    aware = datetime.datetime(2026, 1, 1, 12, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=2)))
    assert ihub._encode({"at": aware}) == '{"at": "2026-01-01T10:00:00Z"}'
    assert ihub._encode({"s": {3, 1}}) == '{"s": [1, 3]}'
    # Inside a set, under a key json cannot write, in text that is not UTF-8:
    # each refused with the place.
    with pytest.raises(ihub.InvalidError) as e:
        h.school.list(hub={datetime.datetime(2026, 1, 1)})
    assert e.value.path == "params.hub[0]" and "naive datetime" in e.value.message
    with pytest.raises(ihub.InvalidError) as e:
        h.call("school.list", {"hub": {(1, 2): "x"}})
    assert e.value.path == "params.hub" and "a tuple key" in e.value.message
    with pytest.raises(ihub.InvalidError, match="not encodable as UTF-8"):
        h.school.list(hub="\ud800")


def test_dates_and_decimals_come_back_as_python_values_when_asked(tmp_path):
    path = str(tmp_path / "d.db")
    with ihub.open(path, create=True) as h:
        h.hub.add(code="EE-ACC", name="Accelerator", country="EE")
        h.round.add(hub="EE-ACC", code="R1", name="Autumn", start="2026-09-01")
        h.school.add(hub="EE-ACC", code="S1", name="One", latitude=58.38)
    with ihub.open(path, dates=True, decimal=True) as h:
        r = h.round.get(code="R1")
        assert r["start"] == datetime.date(2026, 9, 1) and r["end"] is None
        assert h.school.get(code="S1")["latitude"] == decimal.Decimal("58.38")
        assert all(isinstance(x["start"], datetime.date) for x in h.round.iter_list())
    with ihub.open(path) as h:  # off by default: ISO text, as the library returns it
        assert h.round.get(code="R1")["start"] == "2026-09-01"


def test_exceptions_carry_status_method_path_and_problems(h):
    with pytest.raises(ihub.NotFoundError) as e:
        h.school.get(code="NOPE")
    assert (e.value.status, e.value.status_name, e.value.method, e.value.path) == (3, "IHUB_NOTFOUND", "school.get",
                                                                                  "params.code")
    with pytest.raises(ihub.InvalidError) as e:
        h.import_.csv(kind="schools", text="hub,code,name,size\nEE-ACC,A1,A,many\nEE-ACC,A2,B,lots\n")
    assert [(p["line"], p["column"], p["field"]) for p in e.value.problems] == [(2, 4, "size"), (3, 4, "size")]
    assert h.school.list() == []  # nothing imported
    with pytest.raises(ihub.ScriptError) as e:
        h.eval("local x = nil\nreturn x.y")
    assert e.value.path == "eval:2" and e.value.problems == []


def test_iterators_page_through_long_lists(h):
    h.school.add_many(schools=[{"hub": "EE-ACC", "code": f"S{n:03}", "name": f"School {n}"} for n in range(103)])
    calls = []
    call = h.call

    def counting(method, params=None):
        calls.append(params)
        return call(method, params)

    h.call = counting
    codes = [s["code"] for s in h.school.iter_list(hub="EE-ACC", page=10)]
    assert codes == [s["code"] for s in call("school.list", {"hub": "EE-ACC"})]
    assert len(calls) == 11 and calls[-1]["offset"] == 100
    assert [s["code"] for s in h.school.iter_list(page=4, offset=5, limit=6)] == [f"S{n:03}" for n in range(5, 11)]
    with pytest.raises(ihub.InvalidError, match="page: must be 1 or more"):
        list(h.school.iter_list(page=0))


def test_to_pandas(h):
    pandas = pytest.importorskip("pandas")
    h.school.add_many(schools=[{"hub": "EE-ACC", "code": f"S{n}", "name": f"School {n}", "size": n * 100}
                               for n in range(1, 6)])
    frame = ihub.to_pandas(h.school.iter_list(hub="EE-ACC", page=2))
    assert isinstance(frame, pandas.DataFrame)
    assert list(frame["code"]) == ["S1", "S2", "S3", "S4", "S5"] and frame["size"].sum() == 1500


def test_eight_threads_share_one_handle(tmp_path):
    with ihub.open(str(tmp_path / "t.db"), create=True) as h:
        h.hub.add(code="EE-ACC", name="Accelerator", country="EE")
        failures, wrong = [], []

        def work(t):
            try:
                for n in range(40):
                    h.school.add(hub="EE-ACC", code=f"T{t}-{n}", name=f"School {t}/{n}")
                    try:
                        h.school.get(code=f"missing-{t}-{n}")
                    except ihub.NotFoundError as e:
                        # Each thread reads its own error, whatever the others do.
                        if e.message != f"params.code: no school with code 'missing-{t}-{n}'":
                            wrong.append(e.message)
                    assert h.school.get(code=f"T{t}-{n}")["name"] == f"School {t}/{n}"
            except Exception as e:  # noqa: BLE001 — reported below
                failures.append(repr(e))

        threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert failures == [] and wrong == []
        assert len(h.school.list(hub="EE-ACC")) == 320


def test_a_closed_handle_is_misuse():
    h = ihub.open()
    with h:
        pass
    assert h.closed
    with pytest.raises(ihub.MisuseError, match="closed"):
        h.hub.list()


def test_a_dropped_handle_closes_at_once(tmp_path):
    # The namespaces the handle caches refer back to it weakly, so the last
    # reference going closes the database then, not at the next collection.
    gc.disable()
    try:
        h = ihub.open(str(tmp_path / "drop.db"))
        h.hub.list()
        ref = weakref.ref(h)
        del h
        assert ref() is None
        # A namespace kept apart keeps its handle.
        hubs = ihub.open(str(tmp_path / "drop.db")).hub
        assert hubs.list() == []
    finally:
        gc.enable()
