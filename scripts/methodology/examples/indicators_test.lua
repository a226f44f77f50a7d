-- The reference manual's example test of a package (methodology.test).
test("the package loads", function()
  fixture("demo")
  local v = methodology("EE-ACC")
  assert_true(v.version ~= nil)
end)
