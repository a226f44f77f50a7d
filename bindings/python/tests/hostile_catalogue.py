"""The catalogue of hostile scripts: escape and denial attempts that every
place where a hub's script runs must contain (test_hostile_scripts.py runs
each one in each place).

An attempt is the body of a Lua function, `attempt`. Each place calls it
where its hook runs (classify, a pairing criterion, a process rule, an
indicator's compute, ...) and gives what it returns as the hook's answer,
so an attempt either raises or returns a value the place must refuse.

    status     what the place must answer: "IHUB_SCRIPT", "IHUB_LIMIT" or a
               tuple of those allowed (a Lua stack overflow may come as either)
    fragment   words the message must hold
    returned   the attempt is the value it returns: a message then names the
               hook that returned it, not a line
    accepted   for a value script.eval may rightly hand back (it returns any
               JSON): the values it must then return
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


LOOP = "while true do end"

ATTEMPTS = [
    # ---- reaching outside: files, processes, libraries, bytecode ----------
    Attempt("io.open", "return io.open('/etc/passwd'):read('a')", SCRIPT, "io"),
    Attempt("os.execute", "return os.execute('id')", SCRIPT, "os"),
    Attempt("os through _G", "return _G.os.getenv('HOME')", SCRIPT, "os"),
    Attempt("require", "return require('io').open('/etc/passwd')", SCRIPT, "require"),
    Attempt("package.loadlib", "return package.loadlib('libc.so.6', 'system')('id')", SCRIPT, "package"),
    Attempt("dofile", "return dofile('/etc/passwd')", SCRIPT, "dofile"),
    Attempt("loadfile", "return loadfile('/etc/passwd')()", SCRIPT, "loadfile"),
    Attempt("debug.getregistry", "return debug.getregistry()", SCRIPT, "debug"),
    Attempt("debug.sethook to lift the budget", "debug.sethook() " + LOOP, SCRIPT, "debug"),
    Attempt("string.dump", "return string.dump(print)", SCRIPT, "dump"),
    Attempt("dump through the string metatable", "return ('').dump(function() end)", SCRIPT, "dump"),
    Attempt("binary chunk", "return assert(load('\\27LuaT\\0\\25\\147\\r\\n\\26\\n'))()", SCRIPT, "binary chunk"),
    Attempt("binary chunk in mode b", "return assert(load('\\27LuaT', 'x', 'b'))()", SCRIPT, "binary chunk"),
    Attempt("load from a reader function", "return load(function() return nil end)()", SCRIPT, "source text only"),
    Attempt("load with _G as env", "return (load(\"return io.open('/etc/passwd')\", 'x', 't', _G)())", SCRIPT, "io"),
    Attempt("load with a proxy env",
            "local env = setmetatable({}, {__index = function(_, k) return rawget(_G, k) or _G[k] end})\n"
            "return (load('return os.exit(1)', 'x', 't', env)())", SCRIPT, "os"),
    Attempt("engine helper's environment", "return __ihub_fresh_env().io.open('/etc/passwd')", SCRIPT, "io"),
    Attempt("collectgarbage stop", "collectgarbage('stop')", SCRIPT, "not allowed"),
    Attempt("collectgarbage mode", "collectgarbage('generational', 1, 1)", SCRIPT, "not allowed"),
    # indicators report an ihub.* call's failure as a script error
    Attempt("a write", "return ihub.hub.add{code = 'X', name = 'x', country = 'EE'}", ("IHUB_MISUSE", SCRIPT), "may not write"),
    Attempt("script.* from a script", "return ihub.script.set{hub = 'H', name = 'classify', source = 'x'}", SCRIPT, "script"),
    Attempt("another hub script run from inside one",  # the insight rules, where there are some
            "local rules = ihub.insight.rules{hub = 'H'} error('read ' .. #rules .. ' rules')", SCRIPT),
    Attempt("tampering with shared tables",
            "rawset(string, 'upper', nil) rawset(_G, 'pairs', nil) ihub.school = nil table.insert = nil\n"
            "error('tampered')", SCRIPT, "tampered"),

    # ---- metatables ---------------------------------------------------------
    Attempt("replace the string metatable", "setmetatable(getmetatable(''), {})", SCRIPT, "setmetatable"),
    Attempt("edit the string metatable", "getmetatable('').__index = {}", SCRIPT, "index"),
    Attempt("__index on _ENV looping",
            "setmetatable(_ENV, {__index = function(t, k) return t[k] end}) return no_such_global", SCRIPT, "stack overflow"),
    Attempt("__index on _ENV raising",
            "setmetatable(_ENV, {__index = function(_, k) error('no global ' .. k) end}) return no_such_global",
            SCRIPT, "no global no_such_global"),
    Attempt("__index cycle", "local a, b = {}, {} setmetatable(a, {__index = b}) setmetatable(b, {__index = a}) return a.x",
            SCRIPT, "chain too long"),
    Attempt("__newindex cycle", "local a, b = {}, {} setmetatable(a, {__newindex = b}) setmetatable(b, {__newindex = a}) a.x = 1",
            SCRIPT, "chain too long"),
    Attempt("__gc refused", "setmetatable({}, {__gc = function() " + LOOP + " end})", SCRIPT, "__gc"),
    Attempt("__gc added after setmetatable",
            "local mt = {} for i = 1, 100 do setmetatable({}, mt) end mt.__gc = function() " + LOOP + " end\n"
            "collectgarbage() collectgarbage() error('no finalizer ran')", SCRIPT, "no finalizer ran"),
    Attempt("__gc behind __index",
            "local mt = setmetatable({}, {__index = function(_, k) if k == '__gc' then return function() " + LOOP + " end end end})\n"
            "for i = 1, 100 do setmetatable({}, mt) end collectgarbage() collectgarbage() error('no finalizer ran')",
            SCRIPT, "no finalizer ran"),
    Attempt("__close looping", "local x <close> = setmetatable({}, {__close = function() " + LOOP + " end})", LIMIT, "time limit"),
    Attempt("__close looping on the way out of a timeout",
            "local x <close> = setmetatable({}, {__close = function() " + LOOP + " end}) " + LOOP, LIMIT, "time limit"),
    Attempt("__close raising", "local x <close> = setmetatable({}, {__close = function() error('closed badly') end})",
            SCRIPT, "closed badly"),
    Attempt("__eq raising", "local mt = {__eq = function() error('eq refused') end} return setmetatable({}, mt) == setmetatable({}, mt)",
            SCRIPT, "eq refused"),
    Attempt("__lt looping", "local mt = {__lt = function() " + LOOP + " end} return setmetatable({}, mt) < setmetatable({}, mt)",
            LIMIT, "time limit"),
    Attempt("__concat recursing", "local mt = {} mt.__concat = function(a, b) return a .. b end return setmetatable({}, mt) .. 'x'",
            EITHER),
    Attempt("__len looping", "return #setmetatable({}, {__len = function() " + LOOP + " end})", LIMIT, "time limit"),
    Attempt("__call recursing", "local f = setmetatable({}, {__call = function(self) return self() + 1 end}) return f()",
            EITHER),
    Attempt("__tostring recursing", "local t = setmetatable({}, {__tostring = function(t) return tostring(t) end}) return tostring(t)",
            SCRIPT, "stack overflow"),

    # ---- bombs: strings, tables, patterns -----------------------------------
    Attempt("string.rep bomb", "return string.rep('x', 2^40)", LIMIT, "memory"),
    Attempt("string.rep separator bomb", "return string.rep('', 2^40, 'x')", LIMIT, "memory"),
    Attempt("doubling concatenation", "local s = 'x' while true do s = s .. s end", LIMIT),
    Attempt("table.concat bomb", "local s, t = string.rep('x', 2^20), {} for i = 1, 64 do t[i] = s end return #table.concat(t)",
            LIMIT, "memory"),
    Attempt("gsub with a huge replacement", "local s = string.rep('x', 2^16) return #s:gsub('x', s)", LIMIT, "memory"),
    # memory or, when the machine is slow, time: one gsub call builds the 16 MB
    Attempt("gsub repeating %0", "return #string.rep('a', 2^21):gsub('a', '%0%0%0%0%0%0%0%0')", LIMIT),
    Attempt("catastrophic find", "return string.find(string.rep('a', 50000), '.-.-.-.-.-.-.-b')", LIMIT, "time limit"),
    Attempt("catastrophic gmatch", "for m in string.gmatch(string.rep('a', 50000), '.-.-.-.-b') do end", LIMIT, "time limit"),
    Attempt("catastrophic match with captures", "return string.match(string.rep('a', 40000), string.rep('(a*)', 20) .. 'b')",
            LIMIT, "time limit"),
    Attempt("pattern recursion", "return string.find(string.rep('a', 100000), string.rep('a?', 100000) .. string.rep('a', 100000))",
            EITHER, ""),
    Attempt("%q of a large string", "return #string.format('%q', string.rep('\\0', 2^22))", LIMIT),  # time or memory, whichever comes first
    Attempt("huge array", "local t = {} for i = 1, 1e12 do t[i] = i end", LIMIT, "memory"),
    Attempt("huge hash", "local t = {} for i = 1, 1e12 do t['k' .. i] = true end", LIMIT),
    Attempt("table.move over a huge range", "table.move({}, 1, 1e15, 1, {})", LIMIT, "time limit"),
    Attempt("table.unpack of a huge range", "return table.unpack({}, 1, 1e8)", SCRIPT, "too many results"),
    Attempt("deeply nested tables", "local t = {} for i = 1, 1e9 do t = {t} end", LIMIT),
    Attempt("deeply nested source", "return assert(load(string.rep('(', 1e5) .. '1' .. string.rep(')', 1e5)))()", SCRIPT),
    Attempt("huge source for load", "return load('return ' .. string.rep('1 + ', 2^22) .. '1')()", LIMIT, "memory"),

    # ---- coroutines ---------------------------------------------------------
    Attempt("loop in a coroutine", "coroutine.wrap(function() " + LOOP + " end)()", LIMIT, "time limit"),
    Attempt("endless yield and resume",
            "local co = coroutine.wrap(function() while true do coroutine.yield() end end) while true do co() end", LIMIT, "time limit"),
    Attempt("resume swallowing the limit",
            "local co = coroutine.create(function() " + LOOP + " end) while true do coroutine.resume(co) end", LIMIT, "time limit"),
    Attempt("new coroutines in a loop", "while true do coroutine.wrap(function() end)() end", LIMIT, ""),
    Attempt("coroutines nested deep",
            "local function nest() return coroutine.wrap(function() return nest()() end) end return nest()()", EITHER, ""),
    Attempt("budget shared across coroutines",
            "local cos = {} for i = 1, 50 do cos[i] = coroutine.wrap(function() while true do for j = 1, 1e4 do end coroutine.yield() end end) end\n"
            "while true do for i = 1, 50 do cos[i]() end end", LIMIT, "time limit"),
    Attempt("yield through pcall in a loop",
            "local co = coroutine.wrap(function() while true do pcall(coroutine.yield) end end) while true do co() end", LIMIT, "time limit"),
    Attempt("coroutine.close then loop",
            "local co = coroutine.create(function() " + LOOP + " end) coroutine.resume(co) coroutine.close(co) " + LOOP,
            LIMIT, "time limit"),
    Attempt("coroutine.close running a looping __close",
            "local co = coroutine.create(function() local x <close> = setmetatable({}, {__close = function() " + LOOP + " end})\n"
            "coroutine.yield() end) coroutine.resume(co) coroutine.close(co)", LIMIT, "time limit"),
    Attempt("yield outside a coroutine", "coroutine.yield(1)", SCRIPT, "outside a coroutine"),
    Attempt("resume the running coroutine", "assert(coroutine.resume(coroutine.running()))", SCRIPT, "non-suspended"),

    # ---- deep recursion: Lua and C stacks -----------------------------------
    Attempt("Lua recursion", "local function f(n) return 1 + f(n + 1) end return f(1)", EITHER, ""),
    Attempt("endless tail calls", "local function f() return f() end return f()", LIMIT, "time limit"),
    Attempt("gsub callback recursion", "local function f(s) return (s:gsub('.', f)) end return f('ab')", SCRIPT, "stack overflow"),
    Attempt("table.sort comparator recursion",
            "local t = {3, 2, 1} local function cmp(a, b) table.sort(t, cmp) return a < b end table.sort(t, cmp)",
            SCRIPT, "stack overflow"),
    Attempt("table.sort comparator looping",
            "local t = {} for i = 1, 100 do t[i] = i end table.sort(t, function() " + LOOP + " end)", LIMIT, "time limit"),
    Attempt("table.sort inconsistent comparator",
            "local t = {} for i = 1, 100 do t[i] = i end table.sort(t, function() return true end)", SCRIPT, "order function"),
    Attempt("load recursion", "g = function() return assert(load('return g()'))() end return g()", EITHER, ""),
    Attempt("pcall recursion", "local function f() return pcall(f) end f() error('the overflow was caught')",
            SCRIPT, "the overflow was caught"),

    # ---- error values and message handlers ----------------------------------
    Attempt("table as error value", "error({})", SCRIPT, "error object is a table value"),
    Attempt("nil as error value", "error(nil)", SCRIPT, "nil"),
    Attempt("thread as error value", "error(coroutine.create(print))", SCRIPT, "thread"),
    Attempt("__tostring raising", "error(setmetatable({}, {__tostring = function() error('again') end}))", SCRIPT, "again"),
    Attempt("__tostring looping", "error(setmetatable({}, {__tostring = function() " + LOOP + " end}))", LIMIT, "time limit"),
    Attempt("__tostring returning a table", "error(setmetatable({}, {__tostring = function() return {} end}))", SCRIPT, ""),
    Attempt("__tostring yielding", "error(setmetatable({}, {__tostring = coroutine.yield}))", SCRIPT, ""),
    Attempt("__tostring returning a huge text", "error(setmetatable({}, {__tostring = function() return string.rep('x', 2^22) end}))",
            EITHER),
    Attempt("huge error message", "error(string.rep('x', 2^22))", EITHER),
    Attempt("error in an xpcall handler", "xpcall(error, function() error('handler failed') end) error('after the handler')",
            SCRIPT, "after the handler"),
    Attempt("xpcall handler looping", "xpcall(error, function() " + LOOP + " end)", LIMIT, "time limit"),

    # ---- swallowing the budget -----------------------------------------------
    Attempt("endless loop", LOOP, LIMIT, "time limit"),
    Attempt("pcall loop", "while true do pcall(function() " + LOOP + " end) end", LIMIT, "time limit"),
    Attempt("xpcall loop", "while true do xpcall(function() " + LOOP + " end, function() return 1 end) end", LIMIT, "time limit"),
    Attempt("pcall loop over a coroutine", "while true do pcall(coroutine.wrap(function() " + LOOP + " end)) end", LIMIT, "time limit"),
    Attempt("pcall loop over a memory error", "while true do pcall(string.rep, 'x', 2^40) end", LIMIT, ""),
    Attempt("pcall loop growing memory",
            "local t = {} while true do pcall(function() t[#t + 1] = string.rep('x', 1e5) end) end", LIMIT),
    Attempt("pcall loop over stack overflows", "local function f() return 1 + f() end while true do pcall(f) end", LIMIT, ""),

    # ---- hostile values handed back ------------------------------------------
    Attempt("function", "return print", SCRIPT, "function", returned=True),
    Attempt("thread", "return coroutine.create(print)", SCRIPT, "thread", returned=True),
    Attempt("cycle", "local t = {} t[1] = t return t", SCRIPT, "", returned=True),
    Attempt("NaN", "return 0/0", SCRIPT, returned=True),
    Attempt("inf", "return 1/0", SCRIPT, returned=True),
    Attempt("-inf inside a table", "return {-1/0}", SCRIPT, returned=True),
    Attempt("invalid UTF-8", "return 'adv\\255'", SCRIPT, returned=True),
    Attempt("invalid UTF-8 key", "return {['k\\255'] = 1}", SCRIPT, returned=True),
    Attempt("colliding keys", "return {[1] = 'a', ['1'] = 'b'}", SCRIPT, returned=True),
    Attempt("boolean key", "return {[true] = 1}", SCRIPT, returned=True),
    Attempt("deep nesting", "local t = {} for i = 1, 1e4 do t = {t} end return t", SCRIPT, returned=True),
    Attempt("sparse huge array", "local a = ihub.array({}) a[2^31] = 1 return a", EITHER, "", returned=True),
    Attempt("huge string", "return string.rep('x', 2^23)", EITHER, returned=True),
    Attempt("table with hostile metamethods",
            "local spin = function() " + LOOP + " end\n"
            "return setmetatable({'a'}, {__index = spin, __newindex = spin, __pairs = spin, __len = spin, __tostring = spin, __eq = spin})",
            EITHER, returned=True, accepted=[["a"]]),
]
