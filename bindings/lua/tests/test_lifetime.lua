-- Handles: close, <close>, __gc, use after close, a file database reopened.
-- SQLite removes a database's -wal file when its last connection closes:
-- that is how these tests see that the handle was really closed.
local T = ...
local ihub = T.ihub

local function file_db(dir, options)
  local path = dir .. "/hub.db"
  local db = ihub.open(path, options)
  db.hub.add{code = "H" .. math.random(1, 1e9), name = "Hub", country = "EE"}
  T.ok(T.exists(path .. "-wal"), "open: the -wal file exists")
  return db, path
end

T.test("close closes; a second close is harmless; isopen tells", function()
  local db, path = file_db(T.tmpdir())
  T.eq(db:isopen(), true)
  T.has(tostring(db), "ihub.db (open)")
  db:close()
  T.ok(not T.exists(path .. "-wal"), "closed: the -wal file is gone")
  T.eq(db:isopen(), false)
  T.has(tostring(db), "ihub.db (closed)")
  db:close()
end)

T.test("use after close is IHUB_MISUSE naming the operation", function()
  local db = T.fresh()
  local list = db.hub.list
  db:close()
  T.raises("IHUB_MISUSE", "hub.list: the database is closed", list, {})
  T.raises("IHUB_MISUSE", "school.get: the database is closed", db.school.get, {code = "S"})
  T.raises("IHUB_MISUSE", "x.y: the database is closed", db.call, db, "x.y")
  T.raises("IHUB_MISUSE", "eval: the database is closed", db.eval, db, "return 1")
  local e = T.raises("IHUB_MISUSE", nil, function() for _ in pairs(db) do end end)
  T.eq(e.code, 12)
end)

T.test("<close> closes at the end of the scope, and when an error leaves it", function()
  local dir = T.tmpdir()
  local path
  do
    local db <close>, p = file_db(dir)
    path = p
  end
  T.ok(not T.exists(path .. "-wal"), "closed at the end of the block")
  local ok = pcall(function()
    local db <close> = file_db(dir)
    db.school.get{code = "NOPE"}
  end)
  T.eq(ok, false)
  T.ok(not T.exists(path .. "-wal"), "closed when the error left the block")
end)

T.test("an unreachable handle is closed by the collector", function()
  local dir = T.tmpdir()
  local db, path = file_db(dir)
  db = nil  -- luacheck: ignore
  collectgarbage("collect")
  collectgarbage("collect")
  T.ok(not T.exists(path .. "-wal"), "collected: the -wal file is gone")
end)

T.test("a method object keeps its database alive", function()
  local dir = T.tmpdir()
  local db, path = file_db(dir)
  local list = db.hub.list
  db = nil  -- luacheck: ignore
  collectgarbage("collect")
  collectgarbage("collect")
  T.ok(T.exists(path .. "-wal"), "still open")
  T.eq(#list{}, 1)
  list = nil  -- luacheck: ignore
  collectgarbage("collect")
  collectgarbage("collect")
  T.ok(not T.exists(path .. "-wal"), "closed with its last method object")
end)

T.test("a file database keeps its data: reopened, with create = false", function()
  local dir = T.tmpdir()
  local path = dir .. "/region.db"
  do
    local db <close> = ihub.open(path)
    db.hub.add{code = "EE-ACC", name = "Tartu hub", country = "EE"}
    db.school.add{hub = "EE-ACC", code = "EE-S01", name = "Tartu School"}
    db:eval("kept = 'admin globals do not outlive the handle'")
  end
  local db <close> = ihub.open(path, {create = false})
  T.eq(db.school.get{code = "EE-S01"}.name, "Tartu School")
  T.eq(db.api.version{}.engine, "sqlite")
  T.eq(db:eval("return kept")[1], ihub.null)
  -- two handles on one file see each other's writes
  local other <close> = ihub.open(path, {create = false})
  other.school.add{hub = "EE-ACC", code = "EE-S02", name = "Elva School"}
  T.eq(#db.school.list{}, 2)
end)

T.test("tostring never shows the path (a PostgreSQL URI may hold a password)", function()
  local dir = T.tmpdir()
  local db <close> = ihub.open(dir .. "/secret-name.db")
  T.ok(not tostring(db):find("secret", 1, true))
end)

T.test("many handles opened and dropped", function()
  for i = 1, 200 do
    local db = ihub.open()
    db.hub.add{code = "H" .. i, name = "Hub", country = "EE"}
    if i % 2 == 0 then db:close() end
  end
  collectgarbage("collect")
  local db <close> = ihub.open()
  T.eq(#db.hub.list{}, 0, "each :memory: database is its own")
end)

T.test("handles left open are closed when the interpreter exits", function()
  local dir = T.tmpdir()
  local code, out = T.run_lua(string.format([[
local ihub = require "ihub"
db = ihub.open(%q)
db.hub.add{code = "H", name = "Hub", country = "EE"}
os.exit(0, true)
]], dir .. "/exit.db"))
  T.eq(code, 0, out)
  T.ok(T.exists(dir .. "/exit.db"))
  T.ok(not T.exists(dir .. "/exit.db-wal"), "closed at exit")
end)
