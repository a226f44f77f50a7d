"""The Python binding over the C contract: calls, errors, threads, bad input."""
import ctypes
import threading

import pytest

import ihub


@pytest.fixture
def h():
    with ihub.open() as handle:
        handle.call("hub.add", {"code": "EE-ACC", "name": "Accelerator", "country": "EE"})
        yield handle


def test_versions():
    assert ihub.abi_version() == ihub.ABI_VERSION
    assert ihub.version().count(".") == 2


def test_open_close_and_context_manager(tmp_path):
    path = tmp_path / "hub.db"
    with ihub.open(path) as h:
        h.call("hub.add", {"code": "FI-TRE", "name": "Tampere", "country": "FI"})
        assert not h.closed
    assert h.closed
    h.close()  # twice is fine
    with ihub.open(str(path)) as again:
        assert again.call("hub.get", {"code": "FI-TRE"})["country"] == "FI"
    with pytest.raises(ihub.MisuseError, match="closed"):
        h.call("hub.list")


def test_add_and_list_schools(h):
    h.call("school.add", {"hub": "EE-ACC", "code": "S1", "name": "Tartu Kool", "level": "primary"})
    h.school.add_many(schools=[{"hub": "EE-ACC", "code": f"S{i}", "name": f"Kool {i}"} for i in range(2, 6)])
    schools = h.call("school.list", {"hub": "EE-ACC"})
    assert [s["code"] for s in schools] == ["S1", "S2", "S3", "S4", "S5"]
    assert schools[0]["name"] == "Tartu Kool" and schools[0]["level"] == "primary"
    assert h.school.get(code="S3")["name"] == "Kool 3"


def test_errors_are_exceptions_with_the_message(h):
    with pytest.raises(ihub.NotFoundError) as e:
        h.call("school.get", {"code": "NOPE"})
    assert e.value.status == 3 and e.value.message == "params.code: no school with code 'NOPE'"
    with pytest.raises(ihub.InvalidError, match=r"params\.schools\[1\]\.code: expected a string, got an integer"):
        h.call("school.add_many", {"schools": [{"hub": "EE-ACC", "code": "A", "name": "a"},
                                               {"hub": "EE-ACC", "code": 2, "name": "b"}]})
    assert h.call("school.list") == []
    with pytest.raises(ihub.ConflictError, match="code .EE-ACC. is already used by hub"):
        h.call("hub.add", {"code": "EE-ACC", "name": "Again", "country": "EE"})
    assert isinstance(ihub.NotFoundError("x"), LookupError)


def test_eight_threads_share_one_handle(h):
    h.school.add(hub="EE-ACC", code="S1", name="Home")
    errors = []

    def work(t):
        try:
            for i in range(40):
                h.call("person.add", {"hub": "EE-ACC", "code": f"T{t}-{i}", "name": f"Teacher {t}.{i}",
                                      "roles": ["teacher"], "memberships": [{"school": "S1"}]})
                assert h.call("person.get", {"code": f"T{t}-{i}"})["name"] == f"Teacher {t}.{i}"
                with pytest.raises(ihub.NotFoundError, match=f"'missing-{t}-{i}'"):
                    h.call("person.get", {"code": f"missing-{t}-{i}"})
        except Exception as e:  # collected and reported by the main thread
            errors.append(e)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    people = h.call("person.list", {"school": "S1"})
    assert len(people) == 320 and len({p["code"] for p in people}) == 320
    assert h.eval("return #ihub.person.list{role = 'teacher'}") == 320


def test_admin_eval_writes_and_prints(h, capsys):
    value = h.eval("""
        ihub.school.add{hub = "EE-ACC", code = "L1", name = "Lua School"}
        print("added", #ihub.school.list{})
        return ihub.school.get{code = "L1"}.name
    """)
    assert value == "Lua School"
    assert capsys.readouterr().out == "added\t1\n"
    assert h.eval("return 1, 'two', {3}") == (1, "two", [3])
    assert h.eval("x = 41") is None and h.eval("return x + 1") == 42  # globals persist


def test_namespaces_reach_every_operation(h):
    names = {m["name"] for m in h.api.describe()}
    assert {"hub.add", "school.list", "person.update", "api.describe", "script.eval"} <= names


# --- bad input: each a status and a message, never a crash -------------------

def raw():
    return ihub._lib


def test_null_pointers():
    lib = raw()
    out = ctypes.c_void_p()
    assert lib.ihub_open(None, None, ctypes.byref(out)) == 12
    assert "path is NULL" in lib.ihub_last_error().decode()
    assert lib.ihub_open(b":memory:", None, None) == 12
    assert lib.ihub_call(None, b"hub.list", None, ctypes.byref(out)) == 12
    assert lib.ihub_eval(None, b"return 1", ctypes.byref(out)) == 12
    assert lib.ihub_errcode(None) == 12
    assert lib.ihub_errmsg(None) == b"the handle is NULL or closed"
    lib.ihub_close(None)
    lib.ihub_free(None)
    assert lib.ihub_status_name(3) == b"IHUB_NOTFOUND" and lib.ihub_status_name(99) == b"IHUB_UNKNOWN"


def test_null_method_and_result(h):
    lib = raw()
    out = ctypes.c_void_p()
    assert lib.ihub_call(h._h, None, None, ctypes.byref(out)) == 12
    assert lib.ihub_errmsg(h._h) == b"method is NULL"
    assert lib.ihub_call(h._h, b"hub.list", None, None) == 12
    assert lib.ihub_eval(h._h, None, ctypes.byref(out)) == 12
    assert lib.ihub_call(h._h, b"hub.list", None, ctypes.byref(out)) == 0  # NULL params mean {}
    lib.ihub_free(out)
    assert lib.ihub_errcode(h._h) == 0 and lib.ihub_errmsg(h._h) == b"not an error"


def test_invalid_utf8(h):
    with pytest.raises(ihub.InvalidError, match=r"JSON at line 1 column 18: invalid UTF-8"):
        h.call("school.add", b'{"hub":"EE-ACC","\xc3\x28":1}')
    with pytest.raises(ihub.InvalidError, match="method: invalid UTF-8"):
        h.call(b"school.\xff", None)
    with pytest.raises(ihub.InvalidError, match="lua_source: invalid UTF-8"):
        h.eval(b"return '\xfe'")
    with pytest.raises(ihub.InvalidError, match="not encodable as UTF-8"):
        h.call("school.list", '{"hub":"\udc80"}')


def test_malformed_json(h):
    with pytest.raises(ihub.InvalidError, match=r"params: JSON at line 2 column 9: expected ':' after a member name"):
        h.call("school.add", b'{"hub": "EE-ACC",\n "code" "x"}')
    with pytest.raises(ihub.InvalidError, match="options_json: JSON at line 1"):
        _open_with(b"{nope")


def _open_with(options):
    out = ctypes.c_void_p()
    status = raw().ihub_open(b":memory:", options, ctypes.byref(out))
    if status:
        ihub._raise(status)


def test_unknown_method_and_wrong_types(h):
    with pytest.raises(ihub.NotFoundError, match="unknown method 'school.delete'"):
        h.call("school.delete", {})
    with pytest.raises(ihub.InvalidError, match=r"params\.size: expected an integer, got a string"):
        h.call("school.add", {"hub": "EE-ACC", "code": "S", "name": "n", "size": "big"})
    with pytest.raises(ihub.InvalidError, match="params: expected an object, got an array"):
        h.call("school.list", [1, 2])
    with pytest.raises(ihub.InvalidError, match="options.busy_timeout_ms: expected an integer"):
        ihub.open(busy_timeout_ms="soon")


def test_closed_handle_is_misuse_not_a_crash():
    h = ihub.open()
    pointer = h._h
    h.close()
    out = ctypes.c_void_p()
    assert raw().ihub_call(pointer, b"hub.list", None, ctypes.byref(out)) == 12
    assert raw().ihub_errcode(pointer) == 12


def test_unwritable_path_and_non_database_file(tmp_path):
    with pytest.raises(ihub.IOFailure, match="cannot open '/proc/nowhere/x.db'"):
        ihub.open("/proc/nowhere/x.db")
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database\n" * 100)
    with pytest.raises(ihub.CorruptError, match="not a database"):
        ihub.open(junk)
    assert junk.read_bytes() == b"this is not a database\n" * 100  # untouched


def test_registry_history_rounds_stakeholders(h):
    h.school.add_many(schools=[{"hub": "EE-ACC", "code": c, "name": c} for c in ("S1", "S2")])
    h.person.add(hub="EE-ACC", code="P1", name="Mari", roles=["teacher"], schools=["S1"])
    h.person.update(code="P1", roles=["teacher", "mentor"], schools=["S2"])
    history = h.person.history(code="P1")
    assert [m["school"] for m in history["memberships"]] == ["S1", "S2"]
    assert history["memberships"][0]["end"] is not None and history["memberships"][1]["end"] is None
    h.round.add(hub="EE-ACC", code="R1", name="2024/25", start="2024-09-01")
    h.stakeholder.add(hub="EE-ACC", code="TARTU", name="Tartu City", kind="municipality")
    h.engagement.add(stakeholder="TARTU", date="2024-10-01", kind="meeting", note="anchoring")
    assert h.eval("return ihub.engagement.list{hub = 'EE-ACC'}[1].note") == "anchoring"
    assert h.eval("return ihub.round.get{code = 'R1'}.start") == "2024-09-01"
    with pytest.raises(ihub.InvalidError, match=r"params\.kind: \"bank\" is not one of"):
        h.stakeholder.add(hub="EE-ACC", code="B", name="Bank", kind="bank")
