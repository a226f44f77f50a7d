-- Operations: db.ns.op{...} and db:call(name, {...}), results as tables, the
-- library's own errors for unknown names, pairs over the catalogue.
local T = ...
local ihub = T.ihub

local function hub(db)
  db.hub.add{code = "EE-ACC", name = "Tartu hub", country = "EE", languages = {"et"}}
  db.school.add_many{schools = {
    {hub = "EE-ACC", code = "EE-S01", name = "Tartu School", level = "primary"},
    {hub = "EE-ACC", code = "EE-S02", name = "Elva School", level = "vet"},
  }}
end

T.test("both spellings run the operation and return Lua tables", function()
  local db <close> = T.fresh()
  hub(db)
  local a = db.school.list{hub = "EE-ACC"}
  local b = db:call("school.list", {hub = "EE-ACC"})
  T.eq(a, b)
  T.eq(#a, 2)
  T.eq(a[1].code, "EE-S01")
  T.eq(a[2].name, "Elva School")
  T.eq(math.type(a[1].id), "integer")
  T.eq(getmetatable(a), "ihub.array", "a JSON array comes back marked")
  T.eq(db.school.get{code = "EE-S02"}.level, "vet")
  T.eq(db.school.list{hub = "EE-ACC", level = "vet"}[1].code, "EE-S02")
end)

T.test("params may be nil or absent; extra arguments are ignored", function()
  local db <close> = T.fresh()
  hub(db)
  T.eq(#db.hub.list(), 1)
  T.eq(#db.hub.list(nil), 1)
  T.eq(#db:call("hub.list"), 1)
  T.eq(#db.hub.list({}, "ignored"), 1)
end)

T.test("the keyword namespace import works as a field", function()
  local db <close> = T.fresh()
  db.hub.add{code = "EE-ACC", name = "Tartu hub", country = "EE"}
  local r = db.import.csv{kind = "schools", text = "hub,code,name\nEE-ACC,EE-S01,Tartu School\nEE-ACC,EE-S02,Elva School\n"}
  T.eq({r.inserted, r.rows, r.dry_run}, {2, 2, false})
  T.eq(db.import.csv{kind = "schools", text = "hub,code,name\nEE-ACC,EE-S01,Tartu School\n"}.unchanged, 1)
  local csv = db.export.csv{kind = "schools", hub = "EE-ACC"}
  T.has(csv.text or T.show(csv), "EE-S02")
end)

T.test("method objects are cached per database", function()
  local db <close> = T.fresh()
  T.ok(db.school == db.school)
  T.ok(db.school.list == db.school.list)
  T.eq(tostring(db.school.list), "ihub.method: school.list")
  local other <close> = T.fresh()
  T.ok(db.school ~= other.school, "another database, another object")
end)

T.test("an unknown namespace or method is the library's error at call time", function()
  local db <close> = T.fresh()
  local ns = db.scholo          -- no error yet: names are checked by the library
  T.raises("IHUB_NOTFOUND", "unknown method 'scholo.list'", ns.list, {})
  local e = T.raises("IHUB_NOTFOUND", "did you mean one of school.add, school.add_many, school.get, school.list",
                     db.school.lsit, {})
  T.eq(e.method, "school.lsit")
  T.raises("IHUB_NOTFOUND", "unknown method 'nope.nope'", db.call, db, "nope.nope")
  T.raises("IHUB_NOTFOUND", "unknown method", db.school, {})   -- a namespace is no operation
end)

T.test("bad params and names are IHUB_INVALID naming the call", function()
  local db <close> = T.fresh()
  T.raises("IHUB_INVALID", "school.list: params must be a table or nil, got string", db.school.list, "hub=EE")
  T.raises("IHUB_INVALID", "got ihub.db", db.school.list, db)
  T.raises("IHUB_INVALID", "call: the method name must be a string, got number", db.call, db, 42)
  T.raises("IHUB_INVALID", "holds a NUL byte (at byte 7)", db.call, db, "school\0.list")
  local e = T.raises("IHUB_INVALID", "called with ':'; write db.school.list{...}",
                     function() return db.school:list{} end)
  T.eq(e.method, "school.list")
  T.raises("IHUB_INVALID", "params.hub: unknown field", db.hub.list, {hub = "x"})
  assert(not pcall(db.call, "not a db", "hub.list"), "db.call without ':' is an argument error")
end)

T.test("pairs lists namespaces and their operations from api.describe", function()
  local db <close> = T.fresh()
  local names, seen = {}, {}
  for name, obj in pairs(db) do
    names[#names + 1] = name
    T.ok(obj == db[name], "the value is the method object")
  end
  for _, n in ipairs{"api", "hub", "school", "person", "pairing", "import", "export"} do seen[n] = true end
  for _, n in ipairs(names) do seen[n] = nil end
  T.eq(next(seen), nil, "missing namespaces")
  local sorted = {table.unpack(names)}
  table.sort(sorted)
  T.eq(names, sorted, "sorted")
  local ops = {}
  for name, obj in pairs(db.school) do ops[#ops + 1] = name; T.ok(obj == db.school[name]) end
  T.eq(ops, {"add", "add_many", "get", "list", "update"})
  -- every operation of the catalogue is reachable from pairs
  local all = {}
  for ns, nsobj in pairs(db) do for op in pairs(nsobj) do all[#all + 1] = ns .. "." .. op end end
  local described = {}
  for _, d in ipairs(db.api.describe{}) do described[#described + 1] = d.name end
  table.sort(described)
  T.eq(all, described)
  for _ in pairs(db.school.list) do error("an operation has no children") end
  for _ in pairs(db.nothing) do error("an unknown namespace has no children") end
end)

T.test("the db's own functions come first; namespaces stay reachable by db:call", function()
  local db <close> = T.fresh()
  T.eq(type(db.call), "function")
  T.eq(type(db.eval), "function")
  T.eq(type(db.close), "function")
  T.eq(type(db.isopen), "function")
  T.eq(db[1], nil)
  T.eq(db[true], nil)
end)

T.test("writes are one transaction: a failing batch stores nothing", function()
  local db <close> = T.fresh()
  hub(db)
  T.raises("IHUB_CONFLICT", "params.schools[1].code", db.school.add_many, {schools = {
    {hub = "EE-ACC", code = "EE-S03", name = "New"},
    {hub = "EE-ACC", code = "EE-S01", name = "Duplicate"},
  }})
  T.eq(#db.school.list{}, 2)
end)
