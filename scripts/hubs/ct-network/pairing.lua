-- Lithuanian computational thinking and AI network: a grassroots network
-- of teachers across schools, with few mentors for many teachers. A
-- mentor takes up to eight teachers of any school of the network (not
-- only of paired schools), and teachers of remote schools, far from
-- Vilnius, come first: the network invites schools by geography too.
capacity.school = { mentor_max = 4, mentee_min = 0, mentee_max = 1 }
capacity.teacher = { mentor_max = 8, mentee_min = 0, mentee_max = 1 }
blocking.cross_school = "any"

local vilnius = { lat = 54.687, lon = 25.280 }

local function km(a, b)
  if not (a.lat and a.lon and b.lat and b.lon) then return nil end
  local r = math.pi / 180
  local dlat, dlon = (b.lat - a.lat) * r, (b.lon - a.lon) * r
  local h = math.sin(dlat / 2) ^ 2 + math.cos(a.lat * r) * math.cos(b.lat * r) * math.sin(dlon / 2) ^ 2
  return 12742 * math.asin(math.min(1, math.sqrt(h)))
end

-- 0 in Vilnius, 1 from 40 km out: a remote mentee is worth more.
criteria.remote = function(mentee, mentor)
  local d = km(mentee, vilnius)
  if d == nil then return 0.5 end
  return math.min(1, d / 40)
end

-- Only the network's advanced teachers and schools mentor; a round not
-- classified yet is read as the default policy reads it.
local default_eligible = eligible
function eligible(r, level)
  if r.maturity == nil or r.class == nil then return default_eligible(r, level) end
  if r.class == "advanced" then return "mentor" end
  return "mentee"
end

weights.school = { complementarity = 4, maturity_gap = 2, remote = 2, language = 1 }
weights.teacher = { complementarity = 3, maturity_gap = 1, remote = 2, subject = 1, language = 1 }
