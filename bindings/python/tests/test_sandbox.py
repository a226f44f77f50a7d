"""Hostile scripts through ihub_eval (the admin context): each is stopped
with a clear error, and the handle stays usable. The methodology places
(script.eval and every hook) run the whole catalogue: test_hostile_scripts.py."""
import pytest

import ihub


@pytest.fixture
def h():
    with ihub.open(admin_time_ms=300, script_time_ms=300, admin_memory_mb=32, script_memory_mb=16) as handle:
        handle.call("hub.add", {"code": "NO-TRD", "name": "Trondelag", "country": "NO"})
        yield handle


def usable(h):
    assert h.eval("return 6 * 7") == 42
    assert h.call("script.eval", {"source": "return 'ok'"})["values"] == ["ok"]


HOSTILE = {
    "infinite loop": ("while true do end", ihub.LimitError, "time limit"),
    "pcall-wrapped loop": ("while true do pcall(function() while true do end end) end", ihub.LimitError, "time limit"),
    "loop in a coroutine": ("local co = coroutine.wrap(function() while true do end end) co()", ihub.LimitError, "time limit"),
    "string.rep bomb": ("local s = string.rep('x', 2^40)", ihub.LimitError, "memory"),
    "doubling bomb": ("local s = 'x' while true do s = s .. s end", ihub.LimitError, "memory"),
    "table growth": ("local t = {} for i = 1, 1e12 do t[i] = i end", ihub.LimitError, ""),
    "catastrophic pattern": ("return string.find(string.rep('a', 50000), '.-.-.-.-.-.-.-b')", ihub.LimitError, "time limit"),
    "__gc finalizer": ("setmetatable({}, {__gc = function() while true do end end})", ihub.ScriptError, "__gc"),
    "io": ("return io.open('/etc/passwd')", ihub.ScriptError, "io"),
    "os": ("return os.execute('true')", ihub.ScriptError, "os"),
    "debug": ("return debug.getinfo(1)", ihub.ScriptError, "debug"),
    "require": ("return require('os')", ihub.ScriptError, "require"),
    "dofile": ("return dofile('/etc/passwd')", ihub.ScriptError, "dofile"),
    "bytecode load": ("return assert(load('\\27Lua...'))()", ihub.ScriptError, "binary chunk"),
    "string.dump": ("return string.dump(print)", ihub.ScriptError, "dump"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_admin_context_stops_hostile_script(h, name):
    source, error, words = HOSTILE[name]
    with pytest.raises(error) as e:
        h.eval(source)
    assert words in e.value.message
    assert "\n" not in e.value.message
    usable(h)


def test_bytecode_is_refused_even_when_returned_by_load(h):
    value = h.eval("local f, err = load('\\27Lua'); return f == nil and err or 'loaded'")
    assert value != "loaded" and "binary" in value


def test_errors_name_script_line_and_traceback(h):
    with pytest.raises(ihub.ScriptError) as e:
        h.call("script.eval", {"name": "policy.lua", "source": "local function f()\n  error('no mentors left')\nend\nf()"})
    message = e.value.message
    assert message.startswith("policy.lua:2: no mentors left")
    assert "traceback" in message and "policy.lua:4" in message


def test_methodology_scripts_read_but_cannot_write(h):
    assert h.call("script.eval", {"source": "return ihub.hub.get{code = 'NO-TRD'}.country"})["values"] == ["NO"]
    with pytest.raises(ihub.MisuseError) as e:  # the refusal's own status crosses Lua
        h.call("script.eval", {"source": "return ihub.hub.add{code = 'X', name = 'x', country = 'NO'}"})
    assert "hub.add: methodology scripts may not write" in e.value.message
    assert len(h.call("hub.list")) == 1


def test_host_errors_reach_lua_as_catchable_errors(h):
    ok, err = h.eval("return pcall(ihub.school.get, {code = 'nope'})")
    assert ok is False and "params.code: no school with code 'nope'" in err["message"]
    assert "params.size" in h.eval("return tostring(select(2, pcall(ihub.school.add, {hub='NO-TRD', code='s', name='n', size='big'})))")
