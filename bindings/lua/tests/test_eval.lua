-- db:eval: trusted admin Lua inside the library's sandbox.
local T = ...
local ihub = T.ihub

T.test("returns the values and the output", function()
  local db <close> = T.fresh()
  local values, output = db:eval("print('hello', 42) print('second') return 1, 'two', {three = 3}")
  T.eq(values, {1, "two", {three = 3}})
  T.eq(getmetatable(values), "ihub.array")
  T.eq(output, "hello\t42\nsecond\n")
  local none, quiet = db:eval("local x = 1")
  T.eq(#none, 0)
  T.eq(quiet, "")
end)

T.test("writes through ihub.* are seen by the host; globals persist between evals", function()
  local db <close> = T.fresh()
  db:eval([[ihub.hub.add{code = "H", name = "Hub", country = "EE"}
            ihub.school.add{hub = "H", code = "S1", name = "One"}]])
  T.eq(db.school.get{code = "S1"}.name, "One")
  T.eq(db:eval("n = (n or 0) + 1 return n")[1], 1)
  T.eq(db:eval("n = (n or 0) + 1 return n")[1], 2)
  T.eq(db:eval("return #ihub.school.list{hub = 'H'}")[1], 1)
end)

T.test("ihub.transaction rolls back when its function raises", function()
  local db <close> = T.fresh()
  db.hub.add{code = "H", name = "Hub", country = "EE"}
  local e = T.raises("IHUB_SCRIPT", "eval:", db.eval, db, [[
    ihub.transaction(function()
      ihub.school.add{hub = "H", code = "S1", name = "One"}
      error("changed my mind")
    end)]])
  T.has(e.message, "changed my mind")
  T.eq(#db.school.list{}, 0)
end)

T.test("errors: a Lua error is IHUB_SCRIPT with the line; an uncaught ihub error keeps its status", function()
  local db <close> = T.fresh()
  local e = T.raises("IHUB_SCRIPT", "eval:2: boom", db.eval, db, "local x = 1\nerror('boom')")
  T.eq(e.method, "eval")
  T.raises("IHUB_SCRIPT", "unexpected symbol", db.eval, db, "return ((")
  T.raises("IHUB_NOTFOUND", "school.get: params.code: no school with code 'NOPE'", db.eval, db,
           "return ihub.school.get{code = 'NOPE'}")
  -- caught inside, it is the embedded engine's error value
  T.eq(db:eval([[local ok, e = pcall(ihub.school.get, {code = "NOPE"})
                 return ok, e.status, e.code, e.method]]), {false, "IHUB_NOTFOUND", 3, "school.get"})
  T.raises("IHUB_SCRIPT", "returned value 1 is a function", db.eval, db, "return print")
  T.raises("IHUB_SCRIPT", "returned value 1.x is NaN", db.eval, db, "return {x = 0/0}")
  T.raises("IHUB_SCRIPT", "not valid UTF-8", db.eval, db, "return '\\xff'")
  T.raises("IHUB_INVALID", "eval: the source must be a string, got no value", db.eval, db)
  T.raises("IHUB_INVALID", "eval: the source must be a string, got table", db.eval, db, {})
  T.raises("IHUB_INVALID", "eval: the source holds a NUL byte", db.eval, db, "return 1\0")
  T.eq(db:eval("return 'still usable'")[1], "still usable")
end)

T.test("budgets: time and memory are IHUB_LIMIT, and the handle stays usable", function()
  local db <close> = T.fresh({admin_time_ms = 100, admin_memory_mb = 16})
  T.raises("IHUB_LIMIT", "time limit of 100 ms", db.eval, db, "while true do end")
  T.raises("IHUB_LIMIT", nil, db.eval, db, "local t = {} for i = 1, 1e8 do t[i] = {i} end")
  T.raises("IHUB_LIMIT", "time limit", db.eval, db, "while true do pcall(error, 'x') end")
  T.eq(db:eval("return 1 + 1")[1], 2)
end)

T.test("the sandbox holds: no io, os or require in admin Lua", function()
  local db <close> = T.fresh()
  T.eq(db:eval("return type(io), type(os), type(require), type(package)"), {"nil", "nil", "nil", "nil"})
  T.ok(io.stdout ~= nil, "the host's own libraries are untouched")
end)
