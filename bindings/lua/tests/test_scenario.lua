-- A small realistic script: a hub, its schools and teachers, a SELFIE round,
-- a pairing run with the default policy, its explanation and confirmation.
local T = ...
local ihub = T.ihub

local function region(db)
  db.hub.add{code = "EE-ACC", name = "Tartu hub", country = "EE", languages = {"et"}, min_group_size = 3}
  db.round.add{hub = "EE-ACC", code = "EE-ACC-R1", name = "2026/27 round 1", start = "2026-09-01"}
  local maturity = {["EE-S01"] = 5, ["EE-S02"] = 4, ["EE-S03"] = 2, ["EE-S04"] = 1}
  local schools = {}
  for code, _ in pairs(maturity) do
    schools[#schools + 1] = {hub = "EE-ACC", code = code, name = "School " .. code, level = "primary"}
  end
  table.sort(schools, function(a, b) return a.code < b.code end)
  db.school.add_many{schools = schools}
  local items = {}
  for _, area in ipairs(db.instrument.get{code = "selfie"}.definition.areas) do
    for _, item in ipairs(area.items) do items[#items + 1] = item.code end
  end
  local people, responses = {}, {}
  for _, s in ipairs(schools) do
    for t = 1, 3 do
      local code = s.code .. "-T" .. t
      people[#people + 1] = {hub = "EE-ACC", code = code, name = "Teacher " .. code,
                             schools = {s.code}, roles = {"teacher"}}
      local answers = {}
      for _, item in ipairs(items) do answers[item] = maturity[s.code] end
      responses[#responses + 1] = {respondent = code, school = s.code, person = code,
                                   group = "teachers", answers = answers}
    end
  end
  db.person.add_many{people = people}
  db.assessment.submit{round = "EE-ACC-R1", instrument = "selfie", responses = responses}
end

T.test("a region end to end: pairing proposed, explained, confirmed", function()
  local db <close> = T.fresh()
  region(db)
  T.eq(#db.person.list{hub = "EE-ACC"}, 12)
  local run = db.pairing.propose{hub = "EE-ACC", round = "EE-ACC-R1", level = "school"}
  T.eq(math.type(run.run), "integer")
  T.eq(run.confirmed_at, nil, "a null member is absent")
  local pairs_ = {}
  for _, p in ipairs(run.pairs) do pairs_[#pairs_ + 1] = p.mentee .. "<-" .. p.mentor end
  table.sort(pairs_)
  T.eq(pairs_, {"EE-S03<-EE-S02", "EE-S04<-EE-S01"})
  T.eq(math.type(run.total), "float")

  local why = db.pairing.explain{run = run.run, mentee = "EE-S04", mentor = "EE-S01"}
  T.eq(why.paired, true)
  T.ok(#why.criteria > 0, "criteria listed")
  local sum = 0
  for _, c in ipairs(why.criteria) do sum = sum + c.contribution end
  local score
  for _, p in ipairs(run.pairs) do if p.mentee == "EE-S04" then score = p.score end end
  T.ok(math.abs(sum - score) < 1e-9, "the contributions add up to the pair's score")

  -- a ban feeds a re-run; the confirmed run becomes mentorships
  local again = db.pairing.propose{rerun = run.run, bans = {{mentee = "EE-S04", mentor = "EE-S01"}}}
  for _, p in ipairs(again.pairs) do T.ok(not (p.mentee == "EE-S04" and p.mentor == "EE-S01"), "banned") end
  T.eq(db.pairing.confirm{run = again.run, start = "2026-09-15"}.added, #again.pairs)
  local ms = db.pairing.mentorships{hub = "EE-ACC"}
  T.eq(#ms, #again.pairs)
  for _, m in ipairs(ms) do T.eq(m.start, "2026-09-15") end
  local e = T.raises("IHUB_CONFLICT", nil, db.pairing.confirm, {run = again.run})
  T.eq(e.method, "pairing.confirm")

  -- the admin context sees the same database
  T.eq(db:eval("return #ihub.pairing.mentorships{hub = 'EE-ACC'}")[1], #ms)
  local doc = db.export.json{hub = "EE-ACC"}
  T.ok(type(doc) == "table", "export.json gives a table")
end)

T.test("a hub's own pairing script, stored and used", function()
  local db <close> = T.fresh()
  region(db)
  db.script.set{hub = "EE-ACC", name = "pairing", source = [[
weights.school.distance = 0
function exclude(mentee, mentor) if mentor.code == "EE-S01" then return "on leave" end end
]]}
  local run = db.pairing.propose{hub = "EE-ACC", round = "EE-ACC-R1", level = "school"}
  for _, p in ipairs(run.pairs) do T.ok(p.mentor ~= "EE-S01", "excluded by the hub's rule") end
  local why = db.pairing.explain{run = run.run, mentee = "EE-S04", mentor = "EE-S01"}
  T.eq(why.paired, false)
  T.has(T.show(why), "on leave")
end)
