-- Imereti regional hub: schools of different achievement levels, from
-- different parts of the region, paired on purpose. A pair always crosses
-- classes (advanced with developing or beginning, developing with
-- beginning), and schools far apart are preferred to neighbours. Teachers
-- work by the collegial method: colleagues of one school or of a school
-- pair help each other, a higher class helping a lower one.
local order = { beginning = 1, developing = 2, advanced = 3 }

function eligible(r, level)
  if r.maturity == nil or order[r.class] == nil then
    return nil, "no achievement level (class) in the round"
  end
  if r.class == "advanced" then return "mentor" end
  if r.class == "beginning" then return "mentee" end
  return "both"
end

local function km(a, b)
  if not (a.lat and a.lon and b.lat and b.lon) then return nil end
  local r = math.pi / 180
  local dlat, dlon = (b.lat - a.lat) * r, (b.lon - a.lon) * r
  local h = math.sin(dlat / 2) ^ 2 + math.cos(a.lat * r) * math.cos(b.lat * r) * math.sin(dlon / 2) ^ 2
  return 12742 * math.asin(math.min(1, math.sqrt(h)))
end

-- Different parts of the region: 0 for neighbours, 1 from 40 km apart.
criteria.apart = function(mentee, mentor)
  if mentee.school ~= nil and mentee.school == mentor.school then return 0 end
  local d = km(mentee, mentor)
  if d == nil then return 0.5 end
  return math.min(1, d / 40)
end

-- One class apart is the easiest step; two classes apart still counts.
criteria.level_step = function(mentee, mentor)
  local d = order[mentor.class] - order[mentee.class]
  return d == 1 and 1 or 0.6
end

local default_exclude = exclude
function exclude(mentee, mentor)
  local a, b = order[mentee.class], order[mentor.class]
  if a == nil or b == nil then return "no achievement level (class) in the round" end
  if b <= a then return "the same or a lower achievement level: pairs cross levels (" .. mentor.class .. " with " .. mentee.class .. ")" end
  return default_exclude(mentee, mentor)
end

capacity.school = { mentor_max = 2, mentee_min = 0, mentee_max = 1 }
capacity.teacher = { mentor_max = 3, mentee_min = 0, mentee_max = 1 }
weights.school = { complementarity = 3, level_step = 2, apart = 2, size = 0.5 }
weights.teacher = { complementarity = 3, level_step = 2, subject = 1 }
