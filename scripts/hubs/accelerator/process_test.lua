-- The accelerator's process: the courses step, and no development actions
-- before the needs are mapped into a plan.
test("the model has the accelerator's courses after new perspectives", function()
  fixture("demo")
  methodology("EE-ACC")
  local codes = {}
  for _, s in ipairs(ihub.process.model{hub = "EE-ACC"}.steps) do codes[#codes + 1] = s.code end
  assert_eq(codes, {"initiative", "anchoring", "joint_planning", "mapping_needs", "new_perspectives", "courses",
                    "development_actions", "reflection"})
end)

test("development actions wait for the school's plan", function()
  fixture("demo")
  methodology("EE-ACC")
  local school = ihub.school.list{hub = "EE-ACC", limit = 1}[1].code
  local p = ihub.process.start{school = school, at = "mapping_needs"}
  assert_error(function() ihub.process.move{id = p.id, to = "development_actions"} end, "has no development plan yet")
  ihub.plan.create{school = school, title = "Plan", instance = p.id}
  assert_eq(ihub.process.move{id = p.id, to = "development_actions"}.step, "development_actions")
end)
