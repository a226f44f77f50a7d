-- Error values: the embedded engine's shape, raised as Lua errors.
local T = ...
local ihub = T.ihub

T.test("a failed call raises {status, code, method, message} with a protected metatable", function()
  local db <close> = T.fresh()
  local ok, e = pcall(db.school.get, {code = "NOPE"})
  T.eq(ok, false)
  T.eq(type(e), "table")
  T.eq(e.status, "IHUB_NOTFOUND")
  T.eq(e.code, 3)
  T.eq(e.method, "school.get")
  T.eq(e.message, "school.get: params.code: no school with code 'NOPE'")
  T.eq(getmetatable(e), "ihub.error")
  T.ok(not pcall(setmetatable, e, nil), "the metatable cannot be detached")
end)

T.test("tostring gives the calling line and the message; .. joins it", function()
  local db <close> = T.fresh()
  local ok, e = pcall(function()
    return db.school.get{code = "NOPE"}   -- this line
  end)
  local line = debug.getinfo(1, "l").currentline - 2
  T.eq(ok, false)
  T.eq(tostring(e), debug.getinfo(1, "S").short_src .. ":" .. line ..
       ": school.get: params.code: no school with code 'NOPE'", "position of the caller")
  T.eq("failed: " .. e, "failed: " .. tostring(e))
  T.eq(e .. "!", tostring(e) .. "!")
  -- the message stays what the library said, whatever the catcher does to the table
  e.message = "changed"
  T.has(tostring(e), "no school with code 'NOPE'")
end)

T.test("pcall returns the value as it is; error(e) rethrows it unchanged", function()
  local db <close> = T.fresh()
  local _, e = pcall(db.school.get, {code = "NOPE"})
  local _, again = pcall(error, e)
  T.ok(again == e, "the same table")
  local _, viaxp = xpcall(db.school.get, function(err) return err end, {code = "NOPE"})
  T.eq(viaxp.status, "IHUB_NOTFOUND")
  -- an error value inside a coroutine crosses resume
  local co = coroutine.create(function() return db.hub.get{code = "NOPE"} end)
  local okc, ce = coroutine.resume(co)
  T.eq({okc, ce.status, ce.method}, {false, "IHUB_NOTFOUND", "hub.get"})
end)

T.test("each status of the C interface comes through", function()
  local db <close> = T.fresh({script_time_ms = 100})
  db.hub.add{code = "H", name = "Hub", country = "EE"}
  T.raises("IHUB_INVALID", "params.country", db.hub.add, {code = "H2", name = "Hub"})
  T.raises("IHUB_NOTFOUND", "no hub with code 'NOPE'", db.hub.get, {code = "NOPE"})
  T.raises("IHUB_CONFLICT", "already used", db.hub.add, {code = "H", name = "Hub", country = "EE"})
  T.raises("IHUB_SCRIPT", "script.eval", db.script.eval, {source = "error('no')"})
  T.raises("IHUB_LIMIT", "time limit", db.script.eval, {source = "while true do end"})
  T.eq(#db.hub.list{}, 1, "usable after every one of them")
end)

T.test("an uncaught error ends lua5.4 with its line and message", function()
  local code, out = T.run_lua([[
local ihub = require "ihub"
local db = ihub.open()
db.school.get{code = "NOPE"}
]])
  T.eq(code, 1)
  T.has(out, "lua5.4: ", "prog.lua:3: school.get: params.code: no school with code 'NOPE'")
end)

T.test("open failures are error values too", function()
  local dir = T.tmpdir()
  local e = T.raises("IHUB_NOTFOUND", "open: cannot open '" .. dir .. "/missing.db'", ihub.open,
                     dir .. "/missing.db", {create = false})
  T.eq(e.method, "open")
  T.ok(not T.exists(dir .. "/missing.db"), "nothing created")
  T.raises("IHUB_INVALID", "open: path: empty", ihub.open, "")
  T.raises("IHUB_INVALID", "file:", ihub.open, "file:x.db?mode=ro")
  T.raises("IHUB_INVALID", "open: options.bogus: unknown field", ihub.open, ":memory:", {bogus = 1})
  T.raises("IHUB_INVALID", "open: options.create is a function", ihub.open, ":memory:", {create = print})
  T.raises("IHUB_INVALID", "open: options must be a table or nil, got string", ihub.open, ":memory:", "create")
  T.raises("IHUB_INVALID", "open: the path must be a string, got number", ihub.open, 42)
  T.raises("IHUB_INVALID", "open: the path holds a NUL byte (at byte 2)", ihub.open, "a\0b.db")
  T.write(dir .. "/junk.db", ("not a database\n"):rep(1000))
  T.raises("IHUB_CORRUPT", nil, ihub.open, dir .. "/junk.db")
end)
