-- Tampere's researchers: the share of mentoring time they take part in,
-- and the pairs that met without one.
local hub, round = "FI-TRE", "FI-TRE-R2"

local function paired()
  fixture("demo")
  methodology(hub)
  ihub.classification.run{hub = hub, round = round, subject = "school"}
  local run = ihub.pairing.propose{hub = hub, round = round, level = "school"}
  ihub.pairing.confirm{run = run.run, start = "2025-09-15"}
  local m = ihub.pairing.mentorships{hub = hub, level = "school"}[1]
  local researcher = ihub.person.list{hub = hub, role = "researcher", limit = 1}[1].code
  return m, researcher
end

test("the share of mentoring minutes with a researcher", function()
  local m, researcher = paired()
  ihub.activity.log{hub = hub, kind = "workshop", date = "2025-10-06", minutes = 90,
                    participants = {{mentorship = m.id}, {person = researcher, role = "mentor"}}}
  ihub.activity.log{hub = hub, kind = "session", date = "2025-10-20", minutes = 30, participants = {{mentorship = m.id}}}
  local r = ihub.indicator.compute{hub = hub, names = {hub .. ".researcher_share"}, window = "2025-10"}
  local row = r.indicators[1].rows[1]
  assert_near(row.value, 0.75, 1e-9)
  assert_eq({row.minutes, row.with_researcher}, {120, 90})
end)

test("a pair that met without a researcher is named", function()
  local m = paired()
  ihub.activity.log{hub = hub, kind = "session", date = "2025-10-20", minutes = 30, participants = {{mentorship = m.id}}}
  local r = ihub.insight.generate{hub = hub, window = "2025-10"}
  local mine = {}
  for _, x in ipairs(r.insights) do
    if x.rule == "pair_without_researcher" then mine[#mine + 1] = x.subject end
  end
  assert_eq(mine, {m.mentee})
end)
