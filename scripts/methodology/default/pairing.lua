-- ihub default pairing policy. A hub's "pairing" script (script.set) runs
-- after this text in the same environment: assign to any global below to
-- override it, e.g.  weights.school.distance = 0  or  blocking.max_km = 60.
--
-- Records (one Lua table per school or teacher, built once per run):
--   kind ("school"|"teacher"), code, name, hub, level, size, lat, lon,
--   languages, subjects (teachers), school and schools (teachers), roles,
--   class (the round's maturity class, if classified), maturity (overall
--   0..1 on the instrument's scale), areas (area code -> 0..1) and
--   area_codes (the instrument's area codes, in order). A record without an
--   assessment in the round has no maturity, areas {} and area_codes {}:
--   every rule below reads such a record without error.

-- Which candidate pairs are considered at all (checked by the engine).
blocking = {
  same_hub = true,           -- both in the run's hub (false: any hub of the file)
  same_language = true,      -- they share a language (when both declare some)
  max_km = nil,              -- a number: schools at most this far apart
  cross_school = "paired",   -- teachers of different schools: "paired" (their
                             -- schools are a confirmed pair), "any" or "none"
}

-- Loads per level: a mentor's maximum, a mentee's minimum and maximum.
capacity = {
  school  = { mentor_max = 2, mentee_min = 0, mentee_max = 1 },
  teacher = { mentor_max = 3, mentee_min = 0, mentee_max = 1 },
}

-- A pair confirmed in an earlier round is not proposed again.
no_repeat = true

-- Named criteria (each 0..1) and their weights per level; a weight of 0 or
-- nil leaves a criterion out.
weights = {
  school  = { complementarity = 4, maturity_gap = 3, distance = 2, language = 1, level = 1, size = 0.5 },
  teacher = { complementarity = 4, maturity_gap = 2, subject = 2, language = 1, distance = 0.5 },
}

-- The maturity gap (mentor minus mentee, 0..1) that helps most.
gap = { min = 0.1, best_low = 0.2, best_high = 0.45, max = 0.7 }

-- Who may mentor and who may be mentored: "mentor", "mentee", "both", or nil
-- and the reason.
function eligible(r, level)
  if r.maturity == nil then
    return nil, level == "school" and "no selfie results in the round" or "no digcompedu self-reflection in the round"
  end
  if r.class == "advanced" then return "mentor" end
  if r.class == "developing" or r.class == "beginning" then return "mentee" end
  if r.maturity >= 0.6 then return "mentor" end
  return "mentee"
end

local function shares(a, b)
  if a == nil or b == nil then return false end
  for i = 1, #a do
    for j = 1, #b do
      if a[i] == b[j] then return true end
    end
  end
  return false
end

-- Great-circle distance in km, nil when a place is unknown.
local function km(a, b)
  if not (a.lat and a.lon and b.lat and b.lon) then return nil end
  local r = math.pi / 180
  local dlat, dlon = (b.lat - a.lat) * r, (b.lon - a.lon) * r
  local h = math.sin(dlat / 2) ^ 2 + math.cos(a.lat * r) * math.cos(b.lat * r) * math.sin(dlon / 2) ^ 2
  return 12742 * math.asin(math.min(1, math.sqrt(h)))
end

criteria = {
  -- The mentor is strong where the mentee is weak, area by area.
  complementarity = function(mentee, mentor)
    local sum, n = 0, 0
    local codes, weakest, strongest = mentee.area_codes or {}, mentee.areas or {}, mentor.areas or {}
    for i = 1, #codes do
      local weak, strong = weakest[codes[i]], strongest[codes[i]]
      if weak and strong then
        local lift = strong - weak
        if lift > 0 then sum = sum + lift * (1 - weak) end
        n = n + 1
      end
    end
    return n > 0 and math.min(1, 2 * sum / n) or 0
  end,
  -- Ahead enough to help, not so far ahead that the mentee cannot follow.
  maturity_gap = function(mentee, mentor)
    if mentee.maturity == nil or mentor.maturity == nil then return 0 end
    local d = mentor.maturity - mentee.maturity
    if d <= gap.min or d >= gap.max then return 0 end
    if d < gap.best_low then return (d - gap.min) / (gap.best_low - gap.min) end
    if d > gap.best_high then return (gap.max - d) / (gap.max - gap.best_high) end
    return 1
  end,
  -- Near is easier to visit: 1 at 0 km, 0 from 300 km; unknown: 0.5.
  distance = function(mentee, mentor)
    if mentee.school ~= nil and mentee.school == mentor.school then return 1 end
    local d = km(mentee, mentor)
    if d == nil then return 0.5 end
    return math.max(0, 1 - d / 300)
  end,
  language = function(mentee, mentor) return shares(mentee.languages, mentor.languages) and 1 or 0 end,
  subject = function(mentee, mentor) return shares(mentee.subjects, mentor.subjects) and 1 or 0 end,
  level = function(mentee, mentor) return mentee.level ~= nil and mentee.level == mentor.level and 1 or 0 end,
  -- Similar sizes face similar problems: 1 when equal, 0 at ten times.
  size = function(mentee, mentor)
    if not (mentee.size and mentor.size and mentee.size > 0 and mentor.size > 0) then return 0.5 end
    return math.max(0, 1 - math.abs(math.log(mentee.size / mentor.size, 10)))
  end,
}

-- A pair the policy rules out, with the reason, a string (nil: allowed; true:
-- ruled out without one). A record made eligible without a maturity (by a
-- hub's eligible) cannot be compared.
function exclude(mentee, mentor)
  for _, side in ipairs({"mentee", "mentor"}) do
    local r = side == "mentee" and mentee or mentor
    if r.maturity == nil then
      return "no maturity: the " .. side .. " has no assessment in round " .. tostring(r.round)
    end
  end
  if mentor.maturity <= mentee.maturity then return "the mentor is not ahead of the mentee" end
  return nil
end

-- The criteria a level uses, sorted by name (a fixed order: sums do not
-- depend on hash order), computed at the first score, after the hub's script.
local used = {}
function criteria_of(kind)
  local list = used[kind]
  if list == nil then
    list = {}
    if type(weights[kind]) ~= "table" then error("weights." .. kind .. " is a " .. type(weights[kind]) .. "; expected a table of weights", 0) end
    for name, w in pairs(weights[kind]) do
      if type(w) ~= "number" or w ~= w or w == math.huge or w == -math.huge then
        error("weights." .. kind .. "." .. tostring(name) .. " is " .. (type(w) == "number" and tostring(w) or "a " .. type(w))
          .. "; expected a finite number", 0)
      end
      if w ~= 0 then
        if type(criteria[name]) ~= "function" then error("weights." .. kind .. "." .. name .. ": no criterion of that name", 0) end
        list[#list + 1] = name
      end
    end
    table.sort(list)
    used[kind] = list
  end
  return list
end

-- The score of a pair: the weighted sum of the criteria, or nil and the
-- reason when the pair is excluded. Called for every candidate pair.
function score(mentee, mentor)
  local why = exclude(mentee, mentor)
  if why == true then return nil end
  if why then
    if type(why) ~= "string" then
      error(string.format("exclude(%s, %s) returned %s; expected a reason (a string) or nil", tostring(mentee.code),
        tostring(mentor.code), type(why) == "number" and tostring(why) or "a " .. type(why)), 0)
    end
    return nil, why
  end
  local names, w, total = criteria_of(mentee.kind), weights[mentee.kind], 0
  for i = 1, #names do
    local name = names[i]
    local v = criteria[name](mentee, mentor)
    if type(v) ~= "number" or v ~= v or v == math.huge or v == -math.huge then
      error(string.format("criteria.%s(%s, %s) returned %s; expected a finite number", name, tostring(mentee.code),
        tostring(mentor.code), type(v) == "number" and tostring(v) or "a " .. type(v)), 0)
    end
    total = total + w[name] * v
  end
  return total
end
