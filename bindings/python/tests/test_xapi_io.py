"""xapi.import, xapi.export, xapi.events: statements in and out, all or
nothing, idempotent, voiding; from Python, Lua (h.eval) and the CLI."""

import json
import os
import resource
import subprocess

import pytest

import ihub

HUB = "EE-ACC"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
VOIDED = "http://adlnet.gov/expapi/verbs/voided"


def ids(n):
    return [f"7a1e3c7e-0000-4000-8000-{i:012d}" for i in range(n)]


def event(sid, verb=COMPLETED, actor="mailto:a@b.org", obj="http://example.org/course/1", ts="2026-05-01T10:00:00Z"):
    s = {"actor": {"mbox": actor}, "verb": {"id": verb}, "object": {"id": obj}, "timestamp": ts}
    if sid:
        s = {"id": sid, **s}
    return s


def voiding(sid, target):
    return {"id": sid, "actor": {"mbox": "mailto:a@b.org"}, "verb": {"id": VOIDED},
            "object": {"objectType": "StatementRef", "id": target}}


@pytest.fixture
def h():
    with ihub.open() as h:
        h.hub.add(code=HUB, name="Accelerator", country="EE", home_page="https://hub.example.ee")
        yield h


def ndjson(statements):
    return "".join(json.dumps(s) + "\n" for s in statements)


def test_events_are_stored_once_and_listed(h):
    i = ids(3)
    r = h.call("xapi.import", {"hub": HUB, "statements": [event(i[0]), event(i[1], ts="2026-06-01T09:00:00Z")]})
    assert (r["stored"], r["events"], r["activities"]) == (2, 2, 0)
    again = h.call("xapi.import", {"hub": HUB, "text": ndjson([event(i[0]), event(i[1], ts="2026-06-01T09:00:00Z")])})
    assert (again["stored"], again["unchanged"]) == (0, 2)
    events = h.xapi.events(hub=HUB)["events"]
    assert [e["id"] for e in events] == i[:2]
    assert events[0]["actor"] == "mbox:mailto:a@b.org" and events[0]["verb"] == COMPLETED
    assert events[0]["statement"]["object"]["id"] == "http://example.org/course/1"
    assert len(h.xapi.events(hub=HUB, to="2026-05-31")["events"]) == 1
    assert len(h.xapi.events(hub=HUB, limit=1, offset=1)["events"]) == 1
    # A JSON array as text works too.
    assert h.call("xapi.import", {"hub": HUB, "text": json.dumps([event(i[2])])})["stored"] == 1


def test_an_invalid_statement_in_the_middle_imports_nothing(h, tmp_path):
    i = ids(4)
    bad = event(i[1])
    bad["actor"] = {"mbox": "a@b.org"}  # not a mailto: IRI
    text = ndjson([event(i[0]), bad]) + "{not json\n" + ndjson([event(i[3])])
    with pytest.raises(ihub.InvalidError) as e:
        h.call("xapi.import", {"hub": HUB, "text": text})
    assert "line 2 (actor.mbox)" in str(e.value) and "line 3: not JSON" in str(e.value)
    assert h.xapi.events(hub=HUB)["events"] == []
    out = tmp_path / "problems.csv"
    dry = h.call("xapi.import", {"hub": HUB, "text": text, "dry_run": True, "problems_out": str(out)})
    assert dry["valid"] is False and dry["problem_count"] == 2
    assert [(p["index"], p["line"], p["path"]) for p in dry["problems"]] == [(1, 2, "actor.mbox"), (2, 3, "")]
    assert out.read_text().splitlines()[0] == "index,line,path,message"
    assert h.xapi.events(hub=HUB)["events"] == []
    with pytest.raises(ihub.InvalidError, match=r"statements\[1\]\.actor\.mbox"):
        h.call("xapi.import", {"hub": HUB, "statements": [event(i[0]), bad]})


def test_another_statement_with_a_stored_id_is_a_conflict(h):
    i = ids(2)
    h.call("xapi.import", {"hub": HUB, "statements": [event(i[0])]})
    with pytest.raises(ihub.ConflictError, match=r"statements\[1\]\.id"):
        h.call("xapi.import", {"hub": HUB, "statements": [event(i[1]), event(i[0], obj="http://example.org/other")]})
    assert len(h.xapi.events(hub=HUB)["events"]) == 1


def test_voiding_statements_void_and_unknown_targets_are_reported(h):
    i = ids(4)
    r = h.call("xapi.import", {"hub": HUB, "statements": [event(i[0]), voiding(i[1], i[0]), voiding(i[2], i[3])]})
    assert (r["voided"], r["unknown_voids"]) == (1, 1)
    assert r["unknown_void_list"] == [{"id": i[2], "target": i[3]}]
    assert i[0] not in [e["id"] for e in h.xapi.events(hub=HUB)["events"]]
    voided = {e["id"]: e for e in h.xapi.events(hub=HUB, voided=True)["events"]}
    assert voided[i[0]]["voided_by"] == i[1]


def test_a_line_of_a_gigabyte_is_refused_with_bounded_memory(h, tmp_path):
    path = tmp_path / "long.ndjson"
    with open(path, "wb") as f:
        f.write((json.dumps(event(ids(1)[0])) + "\n").encode())
        f.truncate(f.tell() + (1 << 30))  # a 1 GiB line of NUL bytes, sparse on disk
        f.seek(0, os.SEEK_END)
        f.write(b"\n" + (json.dumps(event(ids(2)[1])) + "\n").encode())
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(ihub.Error, match=r"line 2: the line is over the limit"):
        h.call("xapi.import", {"hub": HUB, "path": str(path)})
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kib < 100 * 1024
    assert h.xapi.events(hub=HUB)["events"] == []


def test_export_and_lua(h, tmp_path):
    assert h.call("xapi.export", {"hub": HUB})["text"] == ""
    assert json.loads(h.call("xapi.export", {"hub": HUB, "format": "json"})["text"]) == []
    out = tmp_path / "out.ndjson"
    assert h.call("xapi.export", {"hub": HUB, "path": str(out)})["statements"] == 0
    with pytest.raises(ihub.ConflictError):
        h.call("xapi.export", {"hub": HUB, "path": str(out)})
    with pytest.raises(ihub.InvalidError, match="params.base"):
        h.call("xapi.export", {"hub": HUB, "base": "not an iri"})
    # Lua: import from text and read events; no files.
    lua = 'return ihub.xapi.import{hub = "EE-ACC", text = %s}.stored' % json.dumps(ndjson([event(ids(1)[0])]))
    assert h.eval(lua) == 1
    assert h.eval('return ihub.xapi.events{hub = "EE-ACC"}.events[1].verb') == COMPLETED
    with pytest.raises(ihub.MisuseError):
        h.eval('return ihub.xapi.import{hub = "EE-ACC", path = "/etc/passwd"}')


def test_hub_settings_travel_with_the_hub(h):
    h.hub.update(code=HUB, xapi_identity="mbox_sha1sum")
    got = h.hub.get(code=HUB)
    assert (got["home_page"], got["xapi_identity"]) == ("https://hub.example.ee", "mbox_sha1sum")
    csv = h.call("export.csv", {"kind": "hubs"})["csv"]
    assert "home_page" in csv.splitlines()[0] and "mbox_sha1sum" in csv
    with pytest.raises(ihub.InvalidError, match="home_page"):
        h.hub.update(code=HUB, home_page="hub.example.ee")


def cli():
    path = os.path.join(os.path.dirname(os.environ.get("IHUB_LIBRARY", "")), "ihub-cli")
    if not os.path.exists(path):
        pytest.skip("ihub-cli is not beside IHUB_LIBRARY")
    return path


def test_cli_import_and_export(tmp_path):
    db = str(tmp_path / "x.db")
    with ihub.open(db) as h:
        h.hub.add(code=HUB, name="Accelerator", country="EE")
    good = tmp_path / "good.ndjson"
    good.write_text(ndjson([event(i) for i in ids(3)]))
    p = subprocess.run([cli(), "xapi", "import", str(good), "--hub", HUB, "--db", db], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert "3 statements: 0 activities, 3 events" in p.stdout
    bad = tmp_path / "bad.ndjson"
    bad.write_text(ndjson([event(ids(5)[4])]) + '{"actor": {}}\n')
    p = subprocess.run([cli(), "xapi", "import", str(bad), "--hub", HUB, "--db", db], capture_output=True, text=True)
    assert p.returncode == 2 and "line 2" in p.stderr
    p = subprocess.run([cli(), "xapi", "export", "--hub", HUB, "--db", db], capture_output=True, text=True)
    assert p.returncode == 0 and p.stdout == ""
    with ihub.open(db) as h:
        assert len(h.xapi.events(hub=HUB)["events"]) == 3


def registry(h, identity="account"):
    h.hub.add(code=HUB, name="Accelerator", country="EE", home_page="https://hub.example.ee", xapi_identity=identity)
    h.school.add(hub=HUB, code="S1", name="Tartu School")
    h.person.add(hub=HUB, code="P1", name="Kadri Tamm", email="kadri@example.ee", roles=["mentor"])
    h.person.add(hub=HUB, code="P2", name="Mari Saar", roles=["teacher"])


def activities(h):
    rows = h.call("activity.list", {"hub": HUB, "voided": True})
    return [{k: v for k, v in a.items() if k not in ("id", "created_at", "voided_at", "void_reason")} | {"voided": a["voided_at"] is not None}
            for a in rows]


@pytest.mark.parametrize("identity", ["account", "mbox_sha1sum"])
def test_export_then_import_elsewhere_yields_the_same_activities(identity, tmp_path):
    with ihub.open() as source, ihub.open() as target:
        registry(source, identity)
        registry(target, identity)
        source.call("activity.log", {"hub": HUB, "kind": "session", "date": "2026-03-02", "minutes": 90, "notes": "first",
                                     "participants": [{"person": "P1", "role": "mentor"}, {"person": "P2", "role": "mentee"},
                                                      {"school": "S1"}], "by": "P1"})
        gone = source.call("activity.log", {"hub": HUB, "kind": "reflection", "date": "2026-03-09", "minutes": 30,
                                            "participants": [{"person": "P2"}]})
        source.call("activity.void", {"uuid": gone["uuid"], "reason": "a duplicate"})
        text = source.call("xapi.export", {"hub": HUB})["text"]
        lines = [json.loads(line) for line in text.splitlines()]
        assert len(lines) == 3 and lines[2]["verb"]["id"] == VOIDED
        if identity == "mbox_sha1sum":
            import hashlib
            assert lines[0]["actor"]["mbox_sha1sum"] == hashlib.sha1(b"mailto:kadri@example.ee").hexdigest()
            assert lines[1]["actor"]["account"]["name"] == "P2"  # no e-mail: the account
        r = target.call("xapi.import", {"hub": HUB, "text": text})
        assert (r["activities"], r["voided"]) == (2, 1)
        assert activities(target) == activities(source)
        again = target.call("xapi.import", {"hub": HUB, "text": text})
        assert (again["stored"], again["unchanged"]) == (0, 3)
        assert activities(target) == activities(source)
        # The export of the imported activities is the same text.
        assert target.call("xapi.export", {"hub": HUB})["text"].splitlines()[:2] == text.splitlines()[:2]
