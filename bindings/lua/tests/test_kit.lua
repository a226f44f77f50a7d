-- The runner's own checks fail when they should (a kit that cannot fail tests nothing).
local T = ...

T.test("eq fails on a different value, subtype or key", function()
  assert(not pcall(T.eq, 1, 2))
  assert(not pcall(T.eq, 1, 1.0))
  assert(not pcall(T.eq, {a = 1}, {a = 1, b = 2}))
  assert(not pcall(T.eq, {a = {1, 2}}, {a = {1, 3}}))
  T.eq({a = {1, "x"}}, {a = {1, "x"}})
end)

T.test("raises fails without an error, with another status or another text", function()
  local db <close> = T.fresh()
  assert(not pcall(T.raises, "IHUB_NOTFOUND", nil, function() end))
  assert(not pcall(T.raises, "IHUB_INVALID", nil, db.school.get, {code = "NOPE"}))
  assert(not pcall(T.raises, "IHUB_NOTFOUND", "other text", db.school.get, {code = "NOPE"}))
  assert(not pcall(T.raises, "IHUB_NOTFOUND", nil, error, "a plain string"))
  T.raises("IHUB_NOTFOUND", "NOPE", db.school.get, {code = "NOPE"})
end)

T.test("has and ok fail on what is not there", function()
  assert(not pcall(T.has, "abc", "x"))
  assert(not pcall(T.ok, false))
  T.has("abc", "b", "c")
end)
