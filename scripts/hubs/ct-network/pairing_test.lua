-- The computational-thinking network on the demo region's LT-CTA: few
-- mentors for many teachers, across the network's schools.
local hub, round = "LT-CTA", "LT-CTA-R2"

local function cycle()
  fixture("demo")
  methodology(hub)
  for _, r in ipairs({"LT-CTA-R1", round}) do
    ihub.classification.run{hub = hub, round = r, subject = "school"}
    ihub.classification.run{hub = hub, round = r, subject = "teacher"}
  end
  local schools = ihub.pairing.propose{hub = hub, round = round, level = "school"}
  ihub.pairing.confirm{run = schools.run, start = "2025-09-15"}
  return ihub.pairing.propose{hub = hub, round = round, level = "teacher"}
end

test("only B2 teachers and up mentor", function()
  local run = cycle()
  local classes = {}
  for _, c in ipairs(ihub.classification.list{round = round, subject = "teacher"}) do classes[c.code] = c.class end
  assert_true(#run.pairs > 0, "some teacher pairs")
  for _, p in ipairs(run.pairs) do assert_eq(classes[p.mentor], "advanced", "the class of mentor " .. p.mentor) end
end)

test("few mentors: up to eight teachers each, five or more on average", function()
  local run = cycle()
  local load, mentors = {}, 0
  for _, p in ipairs(run.pairs) do
    if not load[p.mentor] then mentors = mentors + 1 end
    load[p.mentor] = (load[p.mentor] or 0) + 1
  end
  for mentor, n in pairs(load) do assert_true(n <= 8, mentor .. " mentors " .. n .. " teachers") end
  assert_true(#run.pairs >= 5 * mentors, #run.pairs .. " mentees for " .. mentors .. " mentors")
end)

test("pairs are scored by remoteness from Vilnius, not by distance between them", function()
  local run = cycle()
  local p = run.pairs[1]
  local e = ihub.pairing.explain{run = run.run, mentee = p.mentee, mentor = p.mentor}
  local names = {}
  for _, c in ipairs(e.criteria) do names[#names + 1] = c.criterion end
  table.sort(names)
  assert_eq(names, {"complementarity", "language", "maturity_gap", "remote", "subject"})
end)
