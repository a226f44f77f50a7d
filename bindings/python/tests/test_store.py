"""The store layer: both engines behind one interface, store.copy and `ihub copy`.

When scripts/test runs the suite on PostgreSQL (IHUB_TEST_POSTGRES), copies go
SQLite → PostgreSQL → SQLite; otherwise SQLite → SQLite.
"""
import os
import subprocess
import uuid

import pytest

import ihub

POSTGRES = os.environ.get("IHUB_TEST_POSTGRES")


def target(tmp_path, name):
    """A new database to copy into: (path, options) of a fresh PostgreSQL schema or SQLite file."""
    if POSTGRES:
        return POSTGRES, {"schema": f"{name}_{uuid.uuid4().hex[:12]}"}
    return str(tmp_path / f"{name}.db"), {}


def cli():
    library = os.environ.get("IHUB_LIBRARY", "")
    path = os.path.join(os.path.dirname(library), "ihub-cli")
    if not os.path.exists(path):
        pytest.skip("ihub-cli is not beside IHUB_LIBRARY")
    return path


@pytest.fixture(scope="module")
def region(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("region") / "region.db")
    with ihub.open(path) as h:
        h.call("demo.populate", {})
        yield path, h.call("export.json", {})


def test_the_demo_region_copied_there_and_back_exports_the_same(region, tmp_path):
    path, original = region
    there, there_options = target(tmp_path, "there")
    with ihub.open(path) as h:
        copied = h.call("store.copy", {"path": there, "options": there_options})
    assert copied["rows"] == sum(copied["tables"].values()) > 100000
    assert copied["engine"] == ("postgresql" if POSTGRES else "sqlite")
    back = str(tmp_path / "back.db")
    with ihub.open(there, **there_options) as h:
        assert h.call("export.json", {}) == original
        h.call("store.copy", {"path": back})
    with ihub.open(back) as h:
        assert h.call("export.json", {}) == original
        # ids continue after the copied ones
        added = h.call("hub.add", {"code": "XX-NEW", "name": "New", "country": "EE"})
        assert added["id"] == max(x["id"] for x in original["hubs"]) + 1


def test_a_copy_into_a_database_with_data_is_refused_and_changes_nothing(tmp_path):
    there, options = target(tmp_path, "full")
    with ihub.open(there, **options) as h:
        h.call("hub.add", {"code": "EE-ACC", "name": "Accelerator", "country": "EE"})
    with ihub.open() as h:
        h.call("hub.add", {"code": "FI-TRE", "name": "Tampere", "country": "FI"})
        with pytest.raises(ihub.ConflictError, match="store.copy: the target is not empty"):
            h.call("store.copy", {"path": there, "options": options})
    with ihub.open(there, **options) as h:
        assert [x["code"] for x in h.call("hub.list", {})] == ["EE-ACC"]


def test_a_failed_copy_into_a_new_file_leaves_no_file(tmp_path):
    with ihub.open() as h:
        h.call("hub.add", {"code": "FI-TRE", "name": "Tampere", "country": "FI"})
        bad = tmp_path / "nowhere" / "x.db"
        with pytest.raises(ihub.IOFailure):
            h.call("store.copy", {"path": str(bad)})
        assert not bad.parent.exists()
        with pytest.raises(ihub.InvalidError, match=r"params.options.schema: 'Bad-Name' is not a schema name"):
            h.call("store.copy", {"path": str(tmp_path / "y.db"), "options": {"schema": "Bad-Name"}})
        assert not (tmp_path / "y.db").exists()


def test_lua_scripts_cannot_copy_the_database(tmp_path):
    with ihub.open() as h:
        with pytest.raises(ihub.Error, match="may not read or write files"):
            h.eval(f"return ihub.store.copy{{path = '{tmp_path / 'z.db'}'}}")
    assert not (tmp_path / "z.db").exists()


def test_the_engine_is_reported_and_a_schema_needs_postgresql(tmp_path):
    with ihub.open() as h:
        assert h.call("api.version")["engine"] == ("postgresql" if POSTGRES else "sqlite")
    with pytest.raises(ihub.InvalidError, match="options.schema: only a PostgreSQL database has schemas"):
        ihub.open(str(tmp_path / "a.db"), schema="hub1")
    assert not (tmp_path / "a.db").exists()


@pytest.mark.skipif(not POSTGRES, reason="needs the test PostgreSQL server")
def test_postgresql_open_errors_name_the_database_without_its_password(tmp_path):
    with pytest.raises(ihub.IOFailure) as e:
        ihub.open("postgresql://someone:secret@/ihub?host=/nonexistent/socket")
    assert "secret" not in str(e.value) and "someone:***@" in str(e.value)
    with pytest.raises(ihub.NotFoundError, match="no schema 'never_made' \\(and create is false\\)"):
        ihub.open(POSTGRES, schema="never_made", create=False)


def test_ihub_copy_on_the_command_line(region, tmp_path):
    path, original = region
    there, options = target(tmp_path, "cli")
    args = [cli(), "copy", path, there] + (["--to-schema", options["schema"]] if options else [])
    run = subprocess.run(args, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "the exports of both are equal" in run.stdout
    with ihub.open(there, **options) as h:
        assert h.call("export.json", {}) == original
    again = subprocess.run(args, capture_output=True, text=True)
    assert again.returncode == 4 and "IHUB_CONFLICT: store.copy: the target is not empty" in again.stderr


def test_every_status_of_the_header_has_its_name_and_its_exception():
    header = (os.path.dirname(__file__) + "/../../../include/ihub.h")
    import re
    statuses = {m.group(1): int(m.group(2)) for m in re.finditer(r"^#define (IHUB_[A-Z]+)\s+(\d+)\s", open(header).read(), re.M)
                if m.group(1) != "IHUB_ABI_VERSION"}
    assert len(statuses) == 14
    for name, code in statuses.items():
        assert ihub._lib.ihub_status_name(code).decode() == name
    # every failure but IHUB_ERROR (ihub.Error itself) has its own exception
    assert set(ihub._ERRORS) == set(statuses.values()) - {0, 1}
    assert all(cls.status == code for code, cls in ihub._ERRORS.items())
