"""The time budget holds inside C library calls: the functions whose cost
grows with their input (string.format, rep, upper, lower, reverse, pack,
gsub's template, utf8.len/offset/codes, tonumber, table.concat/insert/remove,
sort, load, the compilation of the script and the JSON conversion of its
result) check it as they go, so one call on a large input ends with the
time-limit error close to the deadline. And they keep Lua 5.4's results:
each is compared with the stock interpreter (lua5.4) on ordinary inputs,
errors included. The overruns themselves are measured by
Tests/Bench/overrun.py, never asserted beyond a generous bound."""
import shutil
import subprocess
import time

import pytest

import ihub

BUDGET_MS = 500  # more than the setups take on a busy machine
# Generous: the fixed calls end within a few ms of the deadline; the stock
# ones, on these inputs, take about 2 to 13 s (measured on a busy machine).
BOUND_MS = BUDGET_MS + 400


@pytest.fixture
def h():
    with ihub.open(admin_time_ms=BUDGET_MS, script_time_ms=BUDGET_MS, admin_memory_mb=512) as handle:
        yield handle


def ends_in_time(run):
    start = time.perf_counter()
    with pytest.raises(ihub.LimitError) as e:
        run()
    elapsed = (time.perf_counter() - start) * 1000
    assert "time limit" in e.value.message and "\n" not in e.value.message
    assert elapsed < BOUND_MS, f"stopped after {elapsed:.0f} ms"
    return e.value.message


# One call of each takes seconds with the stock library.
SLOW_CALLS = {
    "string.format %q": "local s = ('\\0'):rep(2e7) return #string.format('%q%q', s, s)",
    "load": "return load('return ' .. ('a and '):rep(6e4) .. 'a')",
    "string.gsub template": "local s = ('a'):rep(1e5) return #s:gsub('(%s*)', ('%1'):rep(2e5))",
    "table.concat": "local t = {1.5} while #t < 4e6 do table.move(t, 1, #t, #t + 1) end return #table.concat(t)",
}


@pytest.mark.parametrize("name", sorted(SLOW_CALLS))
def test_one_slow_call_ends_at_the_deadline(h, name):
    ends_in_time(lambda: h.eval(SLOW_CALLS[name]))
    assert h.eval("return 6 * 7") == 42


def test_compiling_the_script_itself_ends_at_the_deadline(h):
    message = ends_in_time(lambda: h.eval("return " + "a and " * 60_000 + "a"))
    assert message.startswith("eval: time limit")
    ends_in_time(lambda: h.call("script.eval", {"source": "return " + "a and " * 60_000 + "a"}))


def test_converting_a_large_result_ends_at_the_deadline(h):
    # 8M floats take seconds to write as JSON; the script itself is quick.
    message = ends_in_time(lambda: h.eval(
        "local t = {1.5} while #t < 1e6 do table.move(t, 1, #t, #t + 1) end "
        "local x = {} for i = 1, 8 do x[i] = t end return x"))
    assert message.startswith("eval: time limit")  # no line: it came after the script
    # Many small tables, or one shared many times, count as one large one.
    ends_in_time(lambda: h.eval(
        "local inner = {} for i = 1, 4095 do inner[i] = i + 0.5 end "
        "local t = {} for i = 1, 4095 do t[i] = inner end return {t, t, t, t}"))
    assert h.eval("return {1.5, 2}") == [1.5, 2]


# Each raises the time error from inside the call when the deadline passes
# meanwhile: cleanly, and the handle stays usable. (setup, call)
BIG = "local big = ('x'):rep(1e4):rep(2e3)"  # 20 MB
TABLE = "local t = {1} while #t < 2e6 do table.move(t, 1, #t, #t + 1) end"
IN_A_LOOP = {
    "string.format text": (BIG, "string.format(big)"),
    "string.format %s": (BIG, "string.format('%s%s', big, big)"),
    "string.rep": ("", "string.rep('x', 2e7)"),
    "string.rep with separator": ("", "string.rep('x', 1e7, ',')"),
    "string.upper": (BIG, "big:upper()"),
    "string.lower": (BIG, "big:lower()"),
    "string.reverse": (BIG, "big:reverse()"),
    "string.pack": (BIG, "string.pack(big)"),
    "string.packsize": (BIG, "string.packsize(big)"),
    "string.unpack": (BIG, "string.unpack(big, big)"),
    "utf8.len": (BIG, "utf8.len(big)"),
    "utf8.offset": (BIG, "utf8.offset(big, 2e7)"),
    "utf8.codes": ("local s = ('\\x80'):rep(2e7)", "for _ in utf8.codes(s) do end"),
    "tonumber with a base": ("local s = ('7'):rep(2e7)", "tonumber(s, 10)"),
    "print": (BIG, "print(big)"),
    "table.insert": (TABLE, "table.insert(t, 1, 0) table.remove(t)"),
    "table.remove": (TABLE, "table.remove(t, 1) t[#t + 1] = 1"),
    "table.sort": ("local t, p = {}, ('x'):rep(1000) for i = 1, 4096 do t[i] = p .. (i * 7919 % 4096) end",
                   "table.sort(t)"),
}


@pytest.mark.parametrize("name", sorted(IN_A_LOOP))
def test_a_call_in_a_loop_is_stopped(name):
    setup, call = IN_A_LOOP[name]
    with ihub.open(admin_time_ms=150, admin_memory_mb=512) as h:
        with pytest.raises(ihub.LimitError) as e:
            h.eval(f"{setup} while true do {call} end")
        assert "time limit" in e.value.message
        assert h.eval("return 6 * 7") == 42


# ---- Lua 5.4's results ------------------------------------------------------

# Calls each case protected and writes what it returned (or raised) as text,
# strings byte by byte. Runs alike in the sandbox and in stock lua5.4.
SEMANTICS = r"""
local out = {}
local function show(v)
  if type(v) == "string" and #v > 1000 then
    local h = 0
    for i = 1, #v do h = (h * 31 + v:byte(i)) % 2147483647 end
    return "s(" .. #v .. ":#" .. h .. ")"
  elseif type(v) == "string" then
    local bytes = {}
    for i = 1, #v do bytes[i] = v:byte(i) end
    return "s(" .. #v .. ":" .. table.concat(bytes, ",") .. ")"
  elseif type(v) == "function" or type(v) == "table" then
    return type(v)  -- no addresses
  end
  return type(v) .. "(" .. tostring(v) .. ")"
end
local function case(name, f, ...)
  local r = table.pack(pcall(f, ...))
  local parts = {}
  for i = 1, r.n do parts[i] = show(r[i]) end
  out[#out + 1] = name .. " = " .. table.concat(parts, " ")
end
local named = setmetatable({}, {__tostring = function() return "named" end})

-- string.format
for _, f in ipairs{"%d %s", "%5.2f|%-8s|", "%x %X %o", "%+.3e", "%g %g", "%a", "%c%c", "%i", "%u",
                   "%%", "%10.4g", "%-99d", "%099d", "%.99f", "%5s", "%.3s", "%.20s", "%-5.2s", "%p"} do
  case("format " .. f, string.format, f, 42, "text", 3.25, 7)
end
case("format floats", string.format, "%.14g %g %g %g", 0.1, 1e300, -0.0, 2^53)
case("format %s", string.format, "%s %s %s %s %s", nil, true, 12, 1.5, named)
case("format %q strings", string.format, "%q", "a\0b\0001\n\r\t\"\\\1\127\255 end")
case("format %q numbers", string.format, "%q %q %q %q %q %q", 1, -7, math.mininteger, 0.1, 1/0, -1/0)
case("format %q nan", string.format, "%q", 0/0)
case("format %q others", string.format, "%q %q %q", nil, true, false)
case("format %q long", string.format, "%q", ("\0\"x\n9"):rep(30000))
case("format long text", string.format, ("ab%%"):rep(50000) .. "%d", 5)
case("format zero in format", string.format, "a\0b%d", 1)
case("format no value", string.format, "%d %d", 1)
case("format bad conversion", string.format, "%y", 1)
case("format too long", string.format, "%123456789d", 1)
case("format bad spec", string.format, "%#d", 1)
case("format %q modifiers", string.format, "%5q", "x")
case("format %q table", string.format, "%q", {})
case("format not integer", string.format, "%d", 1.5)
case("format not number", string.format, "%f", "x")
case("format %s zeros", string.format, "%10s", "a\0b")
case("format %s long", string.format, "%-5s", ("y"):rep(200))
case("format no format", string.format)

-- string.rep
for _, a in ipairs{{"ab", 3}, {"ab", 3, ","}, {"", 5}, {"x", 0}, {"x", -1}, {"abc", 1, "--"},
                   {"a", 10, ""}, {"", 3, "-"}, {"xyz", 1000, "12"}, {("q"):rep(70000), 3, "|"},
                   {"ab", 100000, ","}, {"a", 300000}, {"", 100000, "xyz"}} do
  case("rep " .. #a[1] .. " " .. a[2] .. " " .. tostring(a[3]), string.rep, a[1], a[2], a[3])
end
case("rep bad", string.rep, "x", "y")

-- upper, lower, reverse
for _, f in ipairs{"upper", "lower", "reverse"} do
  case(f, string[f], "Hello World 123 \xc3\xa4\0z")
  case(f .. " empty", string[f], "")
  case(f .. " long", string[f], ("aBc"):rep(50000))
  case(f .. " number", string[f], 12.5)
  case(f .. " bad", string[f], {})
end

-- pack, packsize, unpack
local packs = {
  {"i4", 100}, {"<i2 >i2 =i2", 1, 2, 3}, {"z", "hello"}, {"s1", "abc"}, {"c5", "ab"},
  {"!4 i1 i4", 1, 2}, {"d n f", 1.5, 2.5, 3.5}, {"j J T", -1, 1, 2}, {"i16", -3}, {"I3", 70000},
  {"b B h H l L", -1, 255, -2, 65535, 7, 8}, {"Xi4 i1", 1}, {"!8 i1 Xi8 i8", 1, 2}, {"xx i1 x", 9},
  {"i17", 1}, {"c", "x"}, {"i1", 300}, {"I1", -1}, {"c2", "abc"}, {"z", "a\0b"}, {"s1", ("x"):rep(300)},
  {"Xz", 1}, {"!3 i4", 1}, {"y", 1}, {"i4"}, {"c100000", "zz"},
}
for _, a in ipairs(packs) do
  case("pack " .. a[1], string.pack, table.unpack(a, 1, 8))
  case("packsize " .. a[1], string.packsize, a[1])
end
for _, a in ipairs(packs) do
  local ok, data = pcall(string.pack, table.unpack(a, 1, 8))
  if ok then case("unpack " .. a[1], string.unpack, a[1], data) end
end
case("unpack short", string.unpack, "i4", "ab")
case("unpack position", string.unpack, "i1 i1", "\1\2\3", 2)
case("unpack negative position", string.unpack, "i1", "\1\2\3", -1)
case("unpack out of string", string.unpack, "i1", "\1", 5)
case("unpack z unfinished", string.unpack, "z", "abc")
case("unpack big int", string.unpack, "i9", ("\255"):rep(8) .. "\1")
case("unpack s", string.unpack, "s1 z", "\3abcxy\0")

-- utf8
local u = "h\xc3\xa4ll\xe2\x82\xac!"
case("utf8.len", utf8.len, u)
case("utf8.len part", utf8.len, u, 2, -2)
case("utf8.len from cont", utf8.len, u, 3)
case("utf8.len invalid", utf8.len, "ab\xffcd")
case("utf8.len lax", utf8.len, "\xf4\x90\x80\x80", 1, -1, true)
case("utf8.len strict", utf8.len, "\xf4\x90\x80\x80")
case("utf8.len bounds", utf8.len, "abc", 5)
case("utf8.len end bounds", utf8.len, "abc", 1, 4)
case("utf8.len empty", utf8.len, "")
case("utf8.len long", utf8.len, u:rep(20000))
for _, a in ipairs{{3}, {-1}, {0, 3}, {1}, {6}, {7}, {8}, {-2, 4}, {0, 8}, {2, 3}, {1, 3}, {-9}, {1, 20}} do
  case("utf8.offset " .. a[1] .. " " .. tostring(a[2]), utf8.offset, u, a[1], a[2])
end
case("utf8.offset long", utf8.offset, u:rep(20000), 90000)
local function codes(s, lax)
  local r = {}
  for p, c in utf8.codes(s, lax) do r[#r + 1] = p .. ":" .. c end
  return table.concat(r, " ")
end
case("utf8.codes", codes, u)
case("utf8.codes invalid", codes, "a\xffb")
case("utf8.codes lax", codes, "a\xf4\x90\x80\x80b", true)
case("utf8.codes strict", codes, "a\xf4\x90\x80\x80b")
case("utf8.codes leading cont", codes, "\x80\x80a")
case("utf8.codes bad", utf8.codes, {})

-- table.concat, insert, remove
case("concat", table.concat, {1, 2, "a", 2.5}, ",")
case("concat empty", table.concat, {}, ",")
case("concat range", table.concat, {1, 2, 3, 4}, "-", 2, 3)
case("concat reversed range", table.concat, {1, 2, 3}, "-", 3, 2)
case("concat bad value", table.concat, {1, {}, 3})
case("concat hole", table.concat, {1, 2, 3}, "", 1, 5)
case("concat many", function() local t = {} for i = 1, 20000 do t[i] = i end return table.concat(t, ";") end)
case("concat proxy", table.concat, setmetatable({}, {__index = function(_, i) return "v" .. i end, __len = function() return 3 end}))
case("concat not table", table.concat, "abc")
local function edited(f, ...)
  local t = {10, 20, 30}
  local r = table.pack(f(t, ...))
  return table.concat(t, ","), r.n, r[1]
end
for _, a in ipairs{{"x"}, {1, "x"}, {3, "x"}, {4, "x"}, {5, "x"}, {0, "x"}, {1, 2, 3}} do
  case("insert " .. #a, edited, table.insert, table.unpack(a))
end
for _, a in ipairs{{}, {1}, {2}, {3}, {4}, {5}, {0}} do
  case("remove " .. tostring(a[1]), edited, table.remove, table.unpack(a))
end
case("remove empty", function() local t = {} return table.remove(t), #t end)
case("remove empty 0", function() local t = {} return table.remove(t, 0) end)
case("insert many", function()
  local t = {} for i = 1, 10000 do table.insert(t, 1, i) end
  for i = 1, 5000 do table.remove(t, 1) end return #t, t[1], t[#t]
end)

-- table.sort: long strings take the C comparator
case("sort long strings", function()
  local t, p = {}, ("x"):rep(400)
  for i = 1, 4000 do t[i] = p .. (i * 7919 % 4000) end
  table.sort(t)
  local ok = true
  for i = 2, #t do ok = ok and t[i - 1] < t[i] end
  return ok, t[1]:sub(-4), t[#t]:sub(-4)
end)
case("sort mixed", table.sort, {("x"):rep(400000), ("y"):rep(400000), 1, ("z"):rep(400000)})

-- tonumber
for _, a in ipairs{{"10"}, {" 0x1F "}, {"1e3"}, {"z"}, {12}, {"ff", 16}, {"  -ZZ  ", 36}, {"8", 8},
                   {"1 2", 10}, {"", 10}, {"+7", 10}, {("7"):rep(100000), 10}, {"9", 37}, {12, 10}, {nil}} do
  case("tonumber " .. tostring(a[1]):sub(1, 20) .. " " .. tostring(a[2]), tonumber, a[1], a[2])
end
case("tonumber none", tonumber)

-- load
case("load", function() return load("return 1 + 2")() end)
case("load syntax", load, "return +")
case("load incomplete", load, "x = ")
case("load named", load, "error('x')", "=chunk")
case("load named run", function() return pcall(load("error('x')", "@chunk.lua")) end)
case("load long", function() return load("return " .. ("1 + "):rep(30000) .. "1")() end)
case("load long error", load, ("x = 1\n"):rep(20000) .. "x = = 2")
case("load and chain", function() return load("local a = 1 return " .. ("a and "):rep(3000) .. "a")() end)
case("load binary", load, "\27Lua", "x", "t")  -- the sandbox loads text only
return table.concat(out, "\n")
"""


def stock(source):
    """What stock lua5.4 returns for the chunk, named "eval" as ours."""
    run = "io.write(assert(load(io.read('a'), '=eval'))())"
    return subprocess.run(["lua5.4", "-e", run], input=source, capture_output=True, text=True,
                          check=True).stdout


@pytest.mark.skipif(shutil.which("lua5.4") is None, reason="needs the stock lua5.4 interpreter")
@pytest.mark.parametrize("context", ["admin", "methodology"])
def test_results_are_lua_5_4s(context):
    with ihub.open(script_time_ms=60_000) as handle:
        if context == "admin":
            ours = handle.eval(SEMANTICS)
        else:
            ours = handle.call("script.eval", {"source": SEMANTICS, "name": "eval"})["values"][0]
    expected = stock(SEMANTICS)
    for line_ours, line_stock in zip(ours.split("\n"), expected.split("\n")):
        assert line_ours == line_stock
    assert len(ours.split("\n")) == len(expected.split("\n"))
