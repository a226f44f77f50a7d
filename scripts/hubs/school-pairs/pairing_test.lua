-- Tampere's school pairs on the demo region's FI-TRE: one to one, within
-- 25 km; teachers paired across the school pair only.
local hub, round = "FI-TRE", "FI-TRE-R2"

local function cycle()
  fixture("demo")
  methodology(hub)
  for _, r in ipairs({"FI-TRE-R1", round}) do
    ihub.classification.run{hub = hub, round = r, subject = "school"}
    ihub.classification.run{hub = hub, round = r, subject = "teacher"}
  end
end

test("schools are paired one to one", function()
  cycle()
  local run = ihub.pairing.propose{hub = hub, round = round, level = "school"}
  assert_true(#run.pairs > 0, "some school pairs")
  local seen = {}
  for _, p in ipairs(run.pairs) do
    assert_eq(seen[p.mentor], nil, p.mentor .. " mentors one school")
    seen[p.mentor] = true
  end
end)

test("schools further than 25 km apart are not candidates", function()
  cycle()
  local run = ihub.pairing.propose{hub = hub, round = round, level = "school"}
  local p = run.pairs[1]
  local e = ihub.pairing.explain{run = run.run, mentee = p.mentee, mentor = p.mentor}
  assert_true(e.score ~= nil, "the chosen pair is scored")
  -- A pair of the run is near: its distance criterion is high.
  for _, c in ipairs(e.criteria) do
    if c.criterion == "distance" then assert_true(c.value > 1 - 25 / 300, "distance criterion " .. c.value) end
  end
end)

test("teachers learn from the partner school", function()
  cycle()
  local schools = ihub.pairing.propose{hub = hub, round = round, level = "school"}
  ihub.pairing.confirm{run = schools.run, start = "2025-09-15"}
  local run = ihub.pairing.propose{hub = hub, round = round, level = "teacher"}
  assert_true(#run.pairs > 0, "some teacher pairs")
  for _, p in ipairs(run.pairs) do
    local a = ihub.person.get{code = p.mentee}.memberships[1].school
    local b = ihub.person.get{code = p.mentor}.memberships[1].school
    assert_true(a ~= b, p.mentee .. " and " .. p.mentor .. " are of the two schools of a pair")
  end
end)
