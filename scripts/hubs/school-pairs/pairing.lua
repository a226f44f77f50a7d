-- Tampere school pairs: nearby schools of one city paired one to one (in
-- the original, two pairs of primary schools, one pair once in the same
-- building), so that teachers can walk over to joint events. Schools
-- further apart than 25 km are not paired; among the rest the nearest and
-- most alike (same level, similar size) come first.
blocking.max_km = 25
capacity.school = { mentor_max = 1, mentee_min = 0, mentee_max = 1 }

weights.school = { distance = 5, level = 3, size = 1, complementarity = 1, maturity_gap = 1 }

-- Two schools of a pair are peers: any assessed school may lead or be led
-- (the one ahead leads, as exclude says), not only the advanced ones.
local default_eligible = eligible
function eligible(r, level)
  if level == "school" and r.maturity ~= nil then return "both" end
  return default_eligible(r, level)
end

-- Teachers learn from the partner school, at the pair's joint events: a
-- pair of teachers crosses the school pair, never stays in one staff room.
blocking.cross_school = "paired"
capacity.teacher = { mentor_max = 2, mentee_min = 0, mentee_max = 1 }
weights.teacher = { complementarity = 3, subject = 2, maturity_gap = 1 }

local default_exclude = exclude
function exclude(mentee, mentor)
  if mentee.kind == "teacher" and mentee.school ~= nil and mentee.school == mentor.school then
    return "the same school: teachers of a school pair learn from the partner school"
  end
  return default_exclude(mentee, mentor)
end
