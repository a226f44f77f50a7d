-- The accelerator's design on the demo region's EE-ACC: classes at the
-- cohort's bar, naming needs; mentor schools with up to three mentees;
-- teachers coached by colleagues of their own school.
local hub, round = "EE-ACC", "EE-ACC-R2"

local function cycle()
  fixture("demo")
  local loaded = methodology(hub)
  for _, r in ipairs({"EE-ACC-R1", round}) do
    ihub.classification.run{hub = hub, round = r, subject = "school"}
    ihub.classification.run{hub = hub, round = r, subject = "teacher"}
  end
  return loaded
end

local function school_of(code)
  return ihub.person.get{code = code}.memberships[1].school
end

test("each school's class names its two weakest areas", function()
  cycle()
  local list = ihub.classification.list{round = round, subject = "school"}
  assert_eq(#list, 6, "the hub's six schools")
  for _, c in ipairs(list) do
    assert_match(c.reasons[1], "accelerator bars")
    assert_match(c.reasons[2], "^needs %u %d%.%d%d, %u %d%.%d%d$")
  end
end)

test("mentor schools are advanced at the cohort's bar and take up to three", function()
  cycle()
  local classes = {}
  for _, c in ipairs(ihub.classification.list{round = round, subject = "school"}) do classes[c.code] = c.class end
  local run = ihub.pairing.propose{hub = hub, round = round, level = "school"}
  assert_true(#run.pairs > 0, "some school pairs")
  local load = {}
  for _, p in ipairs(run.pairs) do
    assert_eq(classes[p.mentor], "advanced", "the mentor school of " .. p.mentee)
    load[p.mentor] = (load[p.mentor] or 0) + 1
    assert_true(load[p.mentor] <= 3, p.mentor .. " mentors at most three schools")
  end
end)

test("teachers are coached inside their own school, up to four each", function()
  cycle()
  local schools = ihub.pairing.propose{hub = hub, round = round, level = "school"}
  ihub.pairing.confirm{run = schools.run, start = "2025-09-15"}
  local run = ihub.pairing.propose{hub = hub, round = round, level = "teacher"}
  assert_true(#run.pairs > 0, "some teacher pairs")
  local load, most = {}, 0
  for _, p in ipairs(run.pairs) do
    assert_eq(school_of(p.mentee), school_of(p.mentor), p.mentee .. " and " .. p.mentor .. " share a school")
    load[p.mentor] = (load[p.mentor] or 0) + 1
    most = math.max(most, load[p.mentor])
  end
  assert_true(most > 1 and most <= 4, "a change agent coaches two to four colleagues, not " .. most)
end)
