-- Values across the boundary: the embedded engine's rules (json.c, encode.c,
-- compiled into the module), and bad input refused with the place named.
local T = ...
local ihub = T.ihub

local function with_hub()
  local db = T.fresh()
  db.hub.add{code = "H", name = "Hub", country = "EE", region = "Tartumaa", languages = {"et", "ru"}}
  return db
end

T.test("text round trips exactly, non-ASCII included", function()
  local db <close> = with_hub()
  local name = "Nõo Reaalgümnaasium — 学校 😀 \"quoted\" \\ / end"
  db.school.add{hub = "H", code = "S1", name = "x"}
  db.school.update{code = "S1", name = name}
  T.eq(db.school.get{code = "S1"}.name, name)
  local source = "-- line 1\r\nreturn 'ü'\t-- tab\n"
  db.script.set{hub = "H", name = "classify", source = source}
  T.eq(db.script.get{hub = "H", name = "classify"}.source, source)
end)

T.test("integers stay integers; fractions are floats", function()
  local db <close> = with_hub()
  T.eq(math.type(db.hub.get{code = "H"}.id), "integer")
  local v = db:eval("return math.maxinteger, math.mininteger, 0.1, 2.5e-7, 7")
  T.eq(v, {math.maxinteger, math.mininteger, 0.1, 2.5e-7, 7})
  T.eq(#db.hub.list{limit = 1.0}, 1, "a whole float is an integer parameter")
  T.raises("IHUB_INVALID", "params.limit: expected an integer, got 1.5", db.hub.list, {limit = 1.5})
  T.raises("IHUB_INVALID", "params.limit", db.hub.list, {limit = 2^63})
end)

T.test("null: ihub.null inside arrays, absent in objects, nil is left out", function()
  local db <close> = with_hub()
  local v = db:eval("return nil, ihub.array{1, nil, 3}, {a = 1}")
  T.eq(#v, 3)
  T.ok(v[1] == ihub.null, "a nil value is ihub.null in the values array")
  T.ok(v[2][2] == ihub.null and v[2][3] == 3, "a hole of an ihub.array is a null")
  -- in params: nil leaves a member out (keeps the stored value), ihub.null sends null (clears it)
  db.hub.update{code = "H", region = nil, name = "Hub 2"}
  T.eq(db.hub.get{code = "H"}.region, "Tartumaa")
  db.hub.update{code = "H", region = ihub.null}
  T.eq(db.hub.get{code = "H"}.region, nil, "a null member comes back absent")
end)

T.test("arrays and objects: {} is an object, ihub.array{} an array, [] round trips", function()
  local db <close> = with_hub()
  T.raises("IHUB_INVALID", "params.languages: expected an array, got an object",
           db.hub.update, {code = "H", languages = {}})
  db.hub.update{code = "H", languages = ihub.array{}}
  local langs = db.hub.get{code = "H"}.languages
  T.eq(#langs, 0)
  T.eq(getmetatable(langs), "ihub.array")
  db.hub.update{code = "H", languages = langs}   -- [] again, not {}
  db.hub.update{code = "H", languages = {"ET", "pt_br"}}
  T.eq(db.hub.get{code = "H"}.languages, {"et", "pt-BR"})
  -- keys 1..n are an array; a sparse table is an object
  T.raises("IHUB_INVALID", "params.languages: expected an array", db.hub.update,
           {code = "H", languages = {[1] = "et", [3] = "ru"}})
  T.eq(db:eval("return {}, ihub.array{}, {1, 2}, {[2] = 'b'}"), {{}, {}, {1, 2}, {["2"] = "b"}})
end)

T.test("what JSON cannot hold is IHUB_INVALID naming the place", function()
  local db <close> = with_hub()
  local function bad(params, text)
    local e = T.raises("IHUB_INVALID", text, db.school.add, params)
    T.eq(e.method, "school.add")
    T.eq(e.code, 2)
  end
  bad({hub = "H", code = "S", name = print}, "school.add: params.name is a function")
  bad({hub = "H", code = "S", name = coroutine.create(print)}, "params.name is a thread")
  bad({hub = "H", code = "S", name = io.stdout}, "params.name is a userdata")
  bad({hub = "H", code = "S", name = db}, "params.name is a userdata")
  bad({hub = "H", code = "S", name = "x", size = 0/0}, "params.size is NaN")
  bad({hub = "H", code = "S", name = "x", size = math.huge}, "params.size is inf")
  bad({hub = "H", code = "S", name = "x", size = -math.huge}, "params.size is -inf")
  bad({hub = "H", code = "S", name = "ok\xff"}, "params.name is not valid UTF-8 text (byte 3 is 0xff)")
  bad({hub = "H", code = "S", name = "\xed\xa0\x80"}, "params.name is not valid UTF-8")  -- a surrogate
  bad({hub = "H", code = "S", name = "\xc0\xaf"}, "params.name is not valid UTF-8")      -- overlong
  bad({hub = "H", code = "S", ["na\xffme"] = "x"}, "params has a key that is not valid UTF-8")
  bad({hub = "H", code = "S", name = "x", [1] = "a", ["1"] = "b"}, "params has the keys 1 and \"1\"")
  bad({hub = "H", code = "S", name = "x", [1.5] = true}, "params has the key 1.5")
  bad({hub = "H", code = "S", name = "x", [true] = 1}, "params has a key of type boolean")
  bad({hub = "H", code = "S", name = "x", languages = {"et", {f = print}}}, "params.languages[1].f is a function")
  bad({hub = "H", code = "S", name = "x", languages = ihub.array{x = 1}}, "params.languages is an ihub.array with a key")
  bad({hub = "H", code = "S", name = "x", languages = ihub.array{[2^40] = 1}}, "too sparse")
  T.eq(#db.school.list{}, 0, "nothing was stored")
end)

T.test("cyclic tables and huge depth are refused, never a crash", function()
  local db <close> = with_hub()
  local t = {hub = "H"}
  t.self = t
  T.raises("IHUB_INVALID", "params.self.self", db.school.list, t)
  T.raises("IHUB_INVALID", "nested too deeply (more than 100 levels, or a cycle)", db.school.list, t)
  local function nest(n) local v = {} for _ = 1, n do v = {x = v} end return v end
  -- 99 levels inside params reach the operation, which names the unknown field
  T.raises("IHUB_INVALID", "params.x: unknown field", db.school.list, nest(99))
  T.raises("IHUB_INVALID", "nested", db.school.list, nest(100))
  T.raises("IHUB_INVALID", "is nested too deeply", db.school.list, nest(101))
  T.raises("IHUB_INVALID", "is nested too deeply", db.school.list, nest(100000))
  local arr = {}
  for _ = 1, 100000 do arr = {arr} end
  T.raises("IHUB_INVALID", "params.x[0][0]", db.school.list, {x = arr})
  T.eq(#db.hub.list{}, 1, "the handle is still usable")
end)

T.test("the library's own checks: control characters, lengths, NUL bytes", function()
  local db <close> = with_hub()
  T.raises("IHUB_INVALID", "params.name: contains the control character U+0000", db.school.add,
           {hub = "H", code = "S", name = "a\0b"})
  T.raises("IHUB_INVALID", "U+001B", db.school.add, {hub = "H", code = "S", name = "a\27[31m"})
  T.raises("IHUB_LIMIT", "params.name: 70000 bytes is over the limit of 65536 bytes", db.school.add,
           {hub = "H", code = "S", name = ("x"):rep(70000)})
end)

T.test("a large batch crosses whole", function()
  local db <close> = with_hub()
  local schools = {}
  for i = 1, 2000 do
    schools[i] = {hub = "H", code = string.format("S%04d", i), name = "School " .. i .. " — ü"}
  end
  db.school.add_many{schools = schools}
  local list = db.school.list{hub = "H"}
  T.eq(#list, 2000)
  T.eq(list[1234].name, "School 1234 — ü")
end)
