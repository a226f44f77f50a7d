-- The accelerator's indicator and insight: the 35 h of mentoring each
-- school is promised.
local hub = "EE-ACC"

local function one_session(school, minutes)
  local teacher = ihub.person.list{school = school, role = "teacher", limit = 1}[1].code
  ihub.activity.log{hub = hub, kind = "session", date = "2025-10-06", minutes = minutes,
                    participants = {{school = school}, {person = teacher, role = "mentee"}}}
end

test("mentoring hours per school, with what is short of 35 h", function()
  fixture("demo")
  methodology(hub)
  local school = ihub.school.list{hub = hub}[1].code
  one_session(school, 120)
  local r = ihub.indicator.compute{hub = hub, names = {hub .. ".mentoring_hours"}, window = "2025-10"}
  local rows = r.indicators[1].rows
  assert_eq(#rows, 1, "one school had mentoring")
  assert_eq(rows[1].subject, school)
  assert_eq(rows[1].value, 2)
  assert_eq(rows[1].short, 33)
  assert_eq(rows[1].target, 35)
end)

test("schools without a mentoring hour are named, the others are not", function()
  fixture("demo")
  methodology(hub)
  local schools = ihub.school.list{hub = hub}
  one_session(schools[1].code, 90)
  local r = ihub.insight.generate{hub = hub, window = "2025-10"}
  local named = {}
  for _, x in ipairs(r.insights) do
    if x.rule == "school_without_mentoring" then named[#named + 1] = x.subject end
  end
  table.sort(named)
  local expected = {}
  for i = 2, #schools do expected[#expected + 1] = schools[i].code end
  table.sort(expected)
  assert_eq(named, expected)
end)
