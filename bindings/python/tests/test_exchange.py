"""CSV import and export through ihub_call: files and text, dry runs, bad files, the Lua refusal."""
import resource

import pytest

import ihub


@pytest.fixture
def h():
    with ihub.open() as handle:
        handle.call("hub.add", {"code": "EE-ACC", "name": "Accelerator", "country": "EE"})
        handle.call("school.add_many", {"schools": [
            {"hub": "EE-ACC", "code": "S1", "name": "Tartu Kool"},
            {"hub": "EE-ACC", "code": "S2", "name": "Elva Kool"},
        ]})
        yield handle


PEOPLE = (
    "hub,code,name,email,roles,schools,languages\n"
    "EE-ACC,P1,Kadri Tamm,kadri@example.org,teacher|mentor,S1,et|en\n"
    "EE-ACC,P2,Jüri Mägi,,school_leader,S2,\n"
    "EE-ACC,P3,\"Saar, Liis\",,ict_teacher|teacher,S1|S2,\n"
)


def test_import_from_a_file_then_again(h, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(PEOPLE, encoding="utf-8")
    first = h.call("import.csv", {"kind": "people", "path": str(path)})
    assert (first["rows"], first["inserted"], first["updated"], first["unchanged"]) == (3, 3, 0, 0)
    again = h.call("import.csv", {"kind": "people", "path": str(path)})
    assert (again["inserted"], again["updated"], again["unchanged"]) == (0, 0, 3)
    liis = h.person.get(code="P3")
    assert liis["name"] == "Saar, Liis" and [m["school"] for m in liis["memberships"]] == ["S1", "S2"]


def test_dry_run_changes_nothing(h):
    report = h.call("import.csv", {"kind": "people", "text": PEOPLE, "dry_run": True})
    assert report["dry_run"] is True and report["inserted"] == 3
    assert h.person.list() == []


def test_export_round_trip(h, tmp_path):
    h.call("import.csv", {"kind": "people", "text": PEOPLE})
    exported = {kind: h.call("export.csv", {"kind": kind})["csv"] for kind in ("hubs", "schools", "people")}
    assert exported["people"].splitlines()[0] == "hub,code,name,email,subjects,languages,roles,schools"
    assert "EE-ACC,P3,\"Saar, Liis\",,,,ict_teacher|teacher,S1|S2\r\n" in exported["people"]
    with ihub.open(tmp_path / "copy.db") as copy:
        for kind in ("hubs", "schools", "people"):
            out = tmp_path / f"{kind}.csv"
            h.call("export.csv", {"kind": kind, "path": str(out)})
            assert out.read_bytes() == exported[kind].encode("utf-8")
            copy.call("import.csv", {"kind": kind, "path": str(out)})
        for kind in ("hubs", "schools", "people"):
            assert copy.call("export.csv", {"kind": kind})["csv"] == exported[kind]
    document = h.call("export.json", {"hub": "EE-ACC"})
    assert [p["code"] for p in document["people"]] == ["P1", "P2", "P3"]
    assert {r["role"] for r in document["person_roles"] if r["person"] == "P1"} == {"teacher", "mentor"}


def test_bad_files_say_where_and_change_nothing(h, tmp_path):
    before = h.call("export.json")
    with pytest.raises(ihub.InvalidError) as e:
        h.call("import.csv", {"kind": "schools", "text": "hub,code,name,size\nEE-ACC,S3,Keila,310\nEE-ACC,S4,Saue,big\n"})
    assert e.value.message == 'text: line 3, column 4 (size): expected a whole number, got "big"'
    bad = tmp_path / "latin1.csv"
    bad.write_bytes("hub,code,name\nEE-ACC,S3,Tõravere\n".encode("latin-1"))
    with pytest.raises(ihub.InvalidError, match=r"latin1.csv: line 2, column 3 \(name\): invalid UTF-8"):
        h.call("import.csv", {"kind": "schools", "path": str(bad)})
    with pytest.raises(ihub.NotFoundError, match=r"line 2, column 4 \(schools\): no school with code 'S9'"):
        h.call("import.csv", {"kind": "people", "text": "hub,code,name,schools\nEE-ACC,P9,X,S9\n"})
    assert h.call("export.json") == before


def test_a_one_gigabyte_line_is_refused_with_bounded_memory(h, tmp_path):
    path = tmp_path / "huge.csv"
    chunk = b"x" * (1 << 20)
    with open(path, "wb") as f:
        f.write(b"hub,code,name\nEE-ACC,S3,")
        for _ in range(1024):
            f.write(chunk)
        f.write(b"\n")
    assert path.stat().st_size > 1 << 30
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB
    with pytest.raises(ihub.LimitError) as e:
        h.call("import.csv", {"kind": "schools", "path": str(path)})
    assert e.value.message == f"{path}: line 2, column 3 (name): record longer than 1 MiB"
    # The reader stopped at the limit instead of buffering the gigabyte.
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak < 64 * 1024
    assert len(h.school.list()) == 2


def test_lua_may_not_name_files(h, tmp_path):
    target = tmp_path / "out.csv"
    with pytest.raises(ihub.MisuseError, match="may not read or write files"):
        h.eval(f"return ihub.export.csv{{kind = 'schools', path = '{target}'}}")
    assert not target.exists()
    with pytest.raises(ihub.MisuseError, match="may not read or write files"):
        h.eval("return ihub.import.csv{kind = 'schools', path = '/etc/passwd'}")
    assert h.eval("return ihub.import.csv{kind = 'schools', text = 'hub,code,name\\nEE-ACC,S3,Keila\\n'}.inserted") == 1
