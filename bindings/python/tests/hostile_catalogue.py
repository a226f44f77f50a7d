"""The catalogue of hostile scripts: escape and denial attempts that every
place where a hub's script runs must contain (test_hostile_scripts.py runs
each one in each place).

An attempt is the body of a Lua function, `attempt`. Each place calls it
where its hook runs (classify, a pairing criterion, a process rule, an
indicator's compute, ...) and uses its first value as the hook's answer, so
an attempt either raises or returns a value the place must refuse.

    status     what the place must answer: "IHUB_SCRIPT", "IHUB_LIMIT" or a
               tuple of those allowed (a Lua stack overflow may come as either)
    fragment   words the message must hold
    returned   the attempt is the value it returns: a message then names the
               hook that returned it, not a line
    accepted   for a value script.eval may rightly hand back (it returns any
               JSON): the values it must then return
    needs_budget_in_c
               the reason, when the attempt is contained only once library
               functions in C check the time budget as they go (skipped until then)
"""
from dataclasses import dataclass

SCRIPT, LIMIT = "IHUB_SCRIPT", "IHUB_LIMIT"
EITHER = (SCRIPT, LIMIT)


@dataclass(frozen=True)
class Attempt:
    name: str
    body: str
    status: str | tuple
    fragment: str = ""
    returned: bool = False
    accepted: list | None = None
    needs_budget_in_c: str | None = None


def attempt(name, body, status, fragment="", **kw):
    return Attempt(name, body, status, fragment, **kw)


LOOP = "while true do end"

ATTEMPTS = [
    # ---- reaching outside: files, processes, libraries, bytecode ----------
    attempt("io.open", "return io.open('/etc/passwd'):read('a')", SCRIPT, "io"),
    attempt("os.execute", "return os.execute('id')", SCRIPT, "os"),
    attempt("os through _G", "return _G.os.getenv('HOME')", SCRIPT, "os"),
    attempt("require", "return require('io').open('/etc/passwd')", SCRIPT, "require"),
    attempt("package.loadlib", "return package.loadlib('libc.so.6', 'system')('id')", SCRIPT, "package"),
    attempt("dofile", "return dofile('/etc/passwd')", SCRIPT, "dofile"),
    attempt("loadfile", "return loadfile('/etc/passwd')()", SCRIPT, "loadfile"),
    attempt("debug.getregistry", "return debug.getregistry()", SCRIPT, "debug"),
    attempt("debug.sethook to lift the budget", "debug.sethook() " + LOOP, SCRIPT, "debug"),
    attempt("string.dump", "return string.dump(print)", SCRIPT, "dump"),
    attempt("dump through the string metatable", "return ('').dump(function() end)", SCRIPT, "dump"),
    attempt("binary chunk", "return assert(load('\\27LuaT\\0\\25\\147\\r\\n\\26\\n'))()", SCRIPT, "binary chunk"),
    attempt("binary chunk in mode b", "return assert(load('\\27LuaT', 'x', 'b'))()", SCRIPT, "binary chunk"),
    attempt("load from a reader function", "return load(function() return nil end)()", SCRIPT, "source text only"),
    attempt("load with _G as env", "return (load(\"return io.open('/etc/passwd')\", 'x', 't', _G)())", SCRIPT, "io"),
    attempt("load with a proxy env",
            "local env = setmetatable({}, {__index = function(_, k) return rawget(_G, k) or _G[k] end})\n"
            "return (load('return os.exit(1)', 'x', 't', env)())", SCRIPT, "os"),
    attempt("engine helper's environment", "return __ihub_fresh_env().io.open('/etc/passwd')", SCRIPT, "io"),
    attempt("collectgarbage stop", "collectgarbage('stop')", SCRIPT, "not allowed"),
    attempt("collectgarbage mode", "collectgarbage('generational', 1, 1)", SCRIPT, "not allowed"),
    # indicators report an ihub.* call's failure as a script error
    attempt("a write", "return ihub.hub.add{code = 'X', name = 'x', country = 'EE'}", ("IHUB_MISUSE", SCRIPT), "may not write"),
    attempt("script.* from a script", "return ihub.script.set{hub = 'H', name = 'classify', source = 'x'}", SCRIPT, "script"),
    attempt("another hub script run from inside one",  # the insight rules, where there are some
            "local rules = ihub.insight.rules{hub = 'H'} error('read ' .. #rules .. ' rules')", SCRIPT),
    attempt("tampering with shared tables",
            "rawset(string, 'upper', nil) rawset(_G, 'pairs', nil) ihub.school = nil table.insert = nil\n"
            "error('tampered')", SCRIPT, "tampered"),

    # ---- metatables ---------------------------------------------------------
    attempt("replace the string metatable", "setmetatable(getmetatable(''), {})", SCRIPT, "setmetatable"),
    attempt("edit the string metatable", "getmetatable('').__index = {}", SCRIPT, "index"),
    attempt("__index on _ENV looping",
            "setmetatable(_ENV, {__index = function(t, k) return t[k] end}) return no_such_global", SCRIPT, "stack overflow"),
    attempt("__index on _ENV raising",
            "setmetatable(_ENV, {__index = function(_, k) error('no global ' .. k) end}) return no_such_global",
            SCRIPT, "no global no_such_global"),
    attempt("__index cycle", "local a, b = {}, {} setmetatable(a, {__index = b}) setmetatable(b, {__index = a}) return a.x",
            SCRIPT, "chain too long"),
    attempt("__newindex cycle", "local a, b = {}, {} setmetatable(a, {__newindex = b}) setmetatable(b, {__newindex = a}) a.x = 1",
            SCRIPT, "chain too long"),
    attempt("__gc refused", "setmetatable({}, {__gc = function() " + LOOP + " end})", SCRIPT, "__gc"),
    attempt("__gc added after setmetatable",
            "local mt = {} for i = 1, 100 do setmetatable({}, mt) end mt.__gc = function() " + LOOP + " end\n"
            "collectgarbage() collectgarbage() error('no finalizer ran')", SCRIPT, "no finalizer ran"),
    attempt("__gc behind __index",
            "local mt = setmetatable({}, {__index = function(_, k) if k == '__gc' then return function() " + LOOP + " end end end})\n"
            "for i = 1, 100 do setmetatable({}, mt) end collectgarbage() collectgarbage() error('no finalizer ran')",
            SCRIPT, "no finalizer ran"),
    attempt("__close looping", "local x <close> = setmetatable({}, {__close = function() " + LOOP + " end})", LIMIT, "time limit"),
    attempt("__close looping on the way out of a timeout",
            "local x <close> = setmetatable({}, {__close = function() " + LOOP + " end}) " + LOOP, LIMIT, "time limit"),
    attempt("__close raising", "local x <close> = setmetatable({}, {__close = function() error('closed badly') end})",
            SCRIPT, "closed badly"),
    attempt("__eq raising", "local mt = {__eq = function() error('eq refused') end} return setmetatable({}, mt) == setmetatable({}, mt)",
            SCRIPT, "eq refused"),
    attempt("__lt looping", "local mt = {__lt = function() " + LOOP + " end} return setmetatable({}, mt) < setmetatable({}, mt)",
            LIMIT, "time limit"),
    attempt("__concat recursing", "local mt = {} mt.__concat = function(a, b) return a .. b end return setmetatable({}, mt) .. 'x'",
            EITHER),
    attempt("__len looping", "return #setmetatable({}, {__len = function() " + LOOP + " end})", LIMIT, "time limit"),
    attempt("__call recursing", "local f = setmetatable({}, {__call = function(self) return self() + 1 end}) return f()",
            EITHER),
    attempt("__tostring recursing", "local t = setmetatable({}, {__tostring = function(t) return tostring(t) end}) return tostring(t)",
            SCRIPT, "stack overflow"),

    # ---- bombs: strings, tables, patterns -----------------------------------
    attempt("string.rep bomb", "return string.rep('x', 2^40)", LIMIT, "memory"),
    attempt("string.rep separator bomb", "return string.rep('', 2^40, 'x')", LIMIT, "memory"),
    attempt("doubling concatenation", "local s = 'x' while true do s = s .. s end", LIMIT),
    attempt("table.concat bomb", "local s, t = string.rep('x', 2^20), {} for i = 1, 64 do t[i] = s end return #table.concat(t)",
            LIMIT, "memory"),
    attempt("gsub with a huge replacement", "local s = string.rep('x', 2^16) return #s:gsub('x', s)", LIMIT, "memory"),
    # memory or, when the machine is slow, time: one gsub call builds the 16 MB
    attempt("gsub repeating %0", "return #string.rep('a', 2^21):gsub('a', '%0%0%0%0%0%0%0%0')", LIMIT),
    attempt("catastrophic find", "return string.find(string.rep('a', 50000), '.-.-.-.-.-.-.-b')", LIMIT, "time limit"),
    attempt("catastrophic gmatch", "for m in string.gmatch(string.rep('a', 50000), '.-.-.-.-b') do end", LIMIT, "time limit"),
    attempt("catastrophic match with captures", "return string.match(string.rep('a', 40000), string.rep('(a*)', 20) .. 'b')",
            LIMIT, "time limit"),
    attempt("pattern recursion", "return string.find(string.rep('a', 100000), string.rep('a?', 100000) .. string.rep('a', 100000))",
            EITHER, ""),
    attempt("%q of a large string", "return #string.format('%q', string.rep('\\0', 2^22))", LIMIT,
            needs_budget_in_c="one string.format('%q') call runs 2 to 3 times the budget"),
    attempt("huge array", "local t = {} for i = 1, 1e12 do t[i] = i end", LIMIT, "memory"),
    attempt("huge hash", "local t = {} for i = 1, 1e12 do t['k' .. i] = true end", LIMIT),
    attempt("table.move over a huge range", "table.move({}, 1, 1e15, 1, {})", LIMIT, "time limit"),
    attempt("table.unpack of a huge range", "return table.unpack({}, 1, 1e8)", SCRIPT, "too many results"),
    attempt("deeply nested tables", "local t = {} for i = 1, 1e9 do t = {t} end", LIMIT),
    attempt("deeply nested source", "return assert(load(string.rep('(', 1e5) .. '1' .. string.rep(')', 1e5)))()", SCRIPT),
    attempt("huge source for load", "return load('return ' .. string.rep('1 + ', 2^22) .. '1')()", LIMIT, "memory"),

    # ---- coroutines ---------------------------------------------------------
    attempt("loop in a coroutine", "coroutine.wrap(function() " + LOOP + " end)()", LIMIT, "time limit"),
    attempt("endless yield and resume",
            "local co = coroutine.wrap(function() while true do coroutine.yield() end end) while true do co() end", LIMIT, "time limit"),
    attempt("resume swallowing the limit",
            "local co = coroutine.create(function() " + LOOP + " end) while true do coroutine.resume(co) end", LIMIT, "time limit"),
    attempt("new coroutines in a loop", "while true do coroutine.wrap(function() end)() end", LIMIT, ""),
    attempt("coroutines nested deep",
            "local function nest() return coroutine.wrap(function() return nest()() end) end return nest()()", EITHER, ""),
    attempt("budget shared across coroutines",
            "local cos = {} for i = 1, 50 do cos[i] = coroutine.wrap(function() while true do for j = 1, 1e4 do end coroutine.yield() end end) end\n"
            "while true do for i = 1, 50 do cos[i]() end end", LIMIT, "time limit"),
    attempt("yield through pcall in a loop",
            "local co = coroutine.wrap(function() while true do pcall(coroutine.yield) end end) while true do co() end", LIMIT, "time limit"),
    attempt("coroutine.close then loop",
            "local co = coroutine.create(function() " + LOOP + " end) coroutine.resume(co) coroutine.close(co) " + LOOP,
            LIMIT, "time limit"),
    attempt("coroutine.close running a looping __close",
            "local co = coroutine.create(function() local x <close> = setmetatable({}, {__close = function() " + LOOP + " end})\n"
            "coroutine.yield() end) coroutine.resume(co) coroutine.close(co)", LIMIT, "time limit"),
    attempt("yield outside a coroutine", "coroutine.yield(1)", SCRIPT, "outside a coroutine"),
    attempt("resume the running coroutine", "assert(coroutine.resume(coroutine.running()))", SCRIPT, "non-suspended"),

    # ---- deep recursion: Lua and C stacks -----------------------------------
    attempt("Lua recursion", "local function f(n) return 1 + f(n + 1) end return f(1)", EITHER, ""),
    attempt("endless tail calls", "local function f() return f() end return f()", LIMIT, "time limit"),
    attempt("gsub callback recursion", "local function f(s) return (s:gsub('.', f)) end return f('ab')", SCRIPT, "stack overflow"),
    attempt("table.sort comparator recursion",
            "local t = {3, 2, 1} local function cmp(a, b) table.sort(t, cmp) return a < b end table.sort(t, cmp)",
            SCRIPT, "stack overflow"),
    attempt("table.sort comparator looping",
            "local t = {} for i = 1, 100 do t[i] = i end table.sort(t, function() " + LOOP + " end)", LIMIT, "time limit"),
    attempt("table.sort inconsistent comparator",
            "local t = {} for i = 1, 100 do t[i] = i end table.sort(t, function() return true end)", SCRIPT, "order function"),
    attempt("load recursion", "g = function() return assert(load('return g()'))() end return g()", EITHER, ""),
    attempt("pcall recursion", "local function f() return pcall(f) end f() error('the overflow was caught')",
            SCRIPT, "the overflow was caught"),

    # ---- error values and message handlers ----------------------------------
    attempt("table as error value", "error({})", SCRIPT, "error object is a table value"),
    attempt("nil as error value", "error(nil)", SCRIPT, "nil"),
    attempt("thread as error value", "error(coroutine.create(print))", SCRIPT, "thread"),
    attempt("__tostring raising", "error(setmetatable({}, {__tostring = function() error('again') end}))", SCRIPT, "again"),
    attempt("__tostring looping", "error(setmetatable({}, {__tostring = function() " + LOOP + " end}))", LIMIT, "time limit"),
    attempt("__tostring returning a table", "error(setmetatable({}, {__tostring = function() return {} end}))", SCRIPT, ""),
    attempt("__tostring yielding", "error(setmetatable({}, {__tostring = coroutine.yield}))", SCRIPT, ""),
    attempt("__tostring returning a huge text", "error(setmetatable({}, {__tostring = function() return string.rep('x', 2^22) end}))",
            EITHER),
    attempt("huge error message", "error(string.rep('x', 2^22))", EITHER),
    attempt("error in an xpcall handler", "xpcall(error, function() error('handler failed') end) error('after the handler')",
            SCRIPT, "after the handler"),
    attempt("xpcall handler looping", "xpcall(error, function() " + LOOP + " end)", LIMIT, "time limit"),

    # ---- swallowing the budget -----------------------------------------------
    attempt("endless loop", LOOP, LIMIT, "time limit"),
    attempt("pcall loop", "while true do pcall(function() " + LOOP + " end) end", LIMIT, "time limit"),
    attempt("xpcall loop", "while true do xpcall(function() " + LOOP + " end, function() return 1 end) end", LIMIT, "time limit"),
    attempt("pcall loop over a coroutine", "while true do pcall(coroutine.wrap(function() " + LOOP + " end)) end", LIMIT, "time limit"),
    attempt("pcall loop over a memory error", "while true do pcall(string.rep, 'x', 2^40) end", LIMIT, ""),
    attempt("pcall loop growing memory",
            "local t = {} while true do pcall(function() t[#t + 1] = string.rep('x', 1e5) end) end", LIMIT),
    attempt("pcall loop over stack overflows", "local function f() return 1 + f() end while true do pcall(f) end", LIMIT, ""),

    # ---- hostile values handed back ------------------------------------------
    attempt("function", "return print", SCRIPT, "function", returned=True),
    attempt("thread", "return coroutine.create(print)", SCRIPT, "thread", returned=True),
    attempt("cycle", "local t = {} t[1] = t return t", SCRIPT, "", returned=True),
    attempt("NaN", "return 0/0", SCRIPT, returned=True),
    attempt("inf", "return 1/0", SCRIPT, returned=True),
    attempt("-inf inside a table", "return {-1/0}", SCRIPT, returned=True),
    attempt("invalid UTF-8", "return 'adv\\255'", SCRIPT, returned=True),
    attempt("invalid UTF-8 key", "return {['k\\255'] = 1}", SCRIPT, returned=True),
    attempt("colliding keys", "return {[1] = 'a', ['1'] = 'b'}", SCRIPT, returned=True),
    attempt("boolean key", "return {[true] = 1}", SCRIPT, returned=True),
    attempt("deep nesting", "local t = {} for i = 1, 1e4 do t = {t} end return t", SCRIPT, returned=True),
    attempt("sparse huge array", "local a = ihub.array({}) a[2^31] = 1 return a", EITHER, "", returned=True),
    attempt("huge string", "return string.rep('x', 2^23)", EITHER, returned=True),
    attempt("table with hostile metamethods",
            "local spin = function() " + LOOP + " end\n"
            "return setmetatable({'a'}, {__index = spin, __newindex = spin, __pairs = spin, __len = spin, __tostring = spin, __eq = spin})",
            EITHER, returned=True, accepted=[["a"]]),
]
