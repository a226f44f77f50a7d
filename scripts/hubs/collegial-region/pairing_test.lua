-- The collegial region on the demo region's GE-IMR: pairs cross
-- achievement levels; the process asks for the collegial method.
local hub, round = "GE-IMR", "GE-IMR-R2"
local order = {beginning = 1, developing = 2, advanced = 3}

local function cycle()
  fixture("demo")
  methodology(hub)
  for _, r in ipairs({"GE-IMR-R1", round}) do
    ihub.classification.run{hub = hub, round = r, subject = "school"}
    ihub.classification.run{hub = hub, round = r, subject = "teacher"}
  end
  local classes = {}
  for _, c in ipairs(ihub.classification.list{round = round}) do classes[c.code] = c.class end
  return classes
end

test("every school pair crosses achievement levels", function()
  local classes = cycle()
  local run = ihub.pairing.propose{hub = hub, round = round, level = "school"}
  assert_true(#run.pairs > 0, "some school pairs")
  for _, p in ipairs(run.pairs) do
    assert_true(order[classes[p.mentor]] > order[classes[p.mentee]],
      p.mentor .. " (" .. classes[p.mentor] .. ") mentors " .. p.mentee .. " (" .. classes[p.mentee] .. ")")
  end
end)

test("a pair of one level is ruled out with the reason", function()
  local classes = cycle()
  local run = ihub.pairing.propose{hub = hub, round = round, level = "school"}
  local same
  for a, ca in pairs(classes) do
    for b, cb in pairs(classes) do
      if a < b and ca == cb and ca == "developing" and a:find("-S", 1, true) and b:find("-S", 1, true) then same = {a, b} end
    end
  end
  assert_true(same ~= nil, "two developing schools in the round")
  local e = ihub.pairing.explain{run = run.run, mentee = same[1], mentor = same[2]}
  assert_match(e.ruled_out_by.reason, "pairs cross levels")
end)

test("development actions need the collegial method", function()
  cycle()
  local school = ihub.school.list{hub = hub, limit = 1}[1].code
  local p = ihub.process.start{school = school, at = "mapping_needs"}
  assert_error(function() ihub.process.move{id = p.id, to = "development_actions"} end, "collegial method")
  ihub.process.choose_method{id = p.id, method = "collegial", step = "development_actions"}
  assert_eq(ihub.process.move{id = p.id, to = "development_actions"}.step, "development_actions")
end)
