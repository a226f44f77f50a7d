-- Engine glue of the pairing policy (Pairing/PolicyScript.swift), defined
-- once per methodology state. Each run loads the default policy
-- (default/pairing.lua), then the hub's "pairing" script, in one fresh
-- environment; prepare asks eligible() of every record and reads the
-- settings, explain scores one pair criterion by criterion.

-- A value as a message shows it: numbers by value (nan, inf, 1e+300),
-- text quoted and cut, anything else by its type.
function __ihub_shown(v)
  local t = type(v)
  if t == "number" or t == "boolean" or t == "nil" then return tostring(v) end
  if t == "string" then return string.format("%q", #v > 80 and v:sub(1, 80) .. "..." or v) end
  return "a " .. t
end
local shown = __ihub_shown
function __ihub_pairing_env(default_source, hub_source, hub_name)
  local env = __ihub_fresh_env()
  local chunk, err = load(default_source, "=ihub-pairing-default", "t", env)
  if not chunk then error(err, 0) end
  chunk()
  if hub_source ~= nil then
    chunk, err = load(hub_source, "=" .. hub_name, "t", env)
    if not chunk then error(err, 0) end
    chunk()
  end
  for _, f in ipairs({"score", "eligible"}) do
    if type(rawget(env, f)) ~= "function" then
      error(hub_name .. ": the policy defines no function " .. f, 0)
    end
  end
  return env
end
-- The policy's settings, checked before they leave Lua: a function,
-- NaN or 1e300 is named with its place, not converted.
local function table_at(hub_name, where, v)
  if v == nil then return {} end
  if type(v) ~= "table" then error(hub_name .. ": " .. where .. " is " .. shown(v) .. "; expected a table", 0) end
  return v
end
local function count(hub_name, where, v, default)
  if v == nil then return default end
  if math.type(v) == nil or v ~= math.floor(v) or v < 0 or v > 1000000 then
    error(hub_name .. ": " .. where .. " is " .. shown(v) .. "; expected a whole number from 0 to 1000000", 0)
  end
  return math.tointeger(v)
end
function __ihub_pairing_settings(env, hub_name, level)
  local b = table_at(hub_name, "blocking", rawget(env, "blocking"))
  local c = table_at(hub_name, "capacity." .. level, table_at(hub_name, "capacity", rawget(env, "capacity"))[level])
  local km = b.max_km
  if km ~= nil and (math.type(km) == nil or km ~= km or km < 0 or km == math.huge) then
    error(hub_name .. ": blocking.max_km is " .. shown(km) .. "; expected a number of km (0 or more) or nil", 0)
  end
  if b.cross_school ~= nil and type(b.cross_school) ~= "string" then
    error(hub_name .. ": blocking.cross_school is " .. shown(b.cross_school) .. "; expected \"paired\", \"any\" or \"none\"", 0)
  end
  local where = "capacity." .. level .. "."
  return {
    same_hub = b.same_hub ~= false, same_language = b.same_language ~= false,
    max_km = km == nil and ihub.null or km, cross_school = b.cross_school or "paired",
    mentor_max = count(hub_name, where .. "mentor_max", c.mentor_max, 1),
    mentee_min = count(hub_name, where .. "mentee_min", c.mentee_min, 0),
    mentee_max = count(hub_name, where .. "mentee_max", c.mentee_max, 1),
    no_repeat = rawget(env, "no_repeat") ~= false,
  }
end
function __ihub_pairing_prepare(default_source, hub_source, hub_name, level, records)
  local env = __ihub_pairing_env(default_source, hub_source, hub_name)
  local roles = {}
  for i = 1, #records do
    local role, why = env.eligible(records[i], level)
    if role ~= nil and role ~= "mentor" and role ~= "mentee" and role ~= "both" then
      error(hub_name .. ": eligible(" .. records[i].code .. ") returned " .. shown(role)
        .. "; expected \"mentor\", \"mentee\", \"both\" or nil", 0)
    end
    if why ~= nil and type(why) ~= "string" then
      error(hub_name .. ": eligible(" .. records[i].code .. ") returned " .. shown(why)
        .. " as the reason; expected a string or nil", 0)
    end
    if role == nil and why == nil then why = "not eligible by the policy" end
    roles[i] = ihub.array({role == nil and ihub.null or role, why == nil and ihub.null or why})
  end
  return env.score, records, ihub.array(roles), __ihub_pairing_settings(env, hub_name, level)
end
function __ihub_pairing_explain(default_source, hub_source, hub_name, mentee, mentor)
  local env = __ihub_pairing_env(default_source, hub_source, hub_name)
  local total, why = env.score(mentee, mentor)
  local pair = "(" .. tostring(mentee.code) .. ", " .. tostring(mentor.code) .. ") returned "
  if total ~= nil and total ~= false and (math.type(total) == nil or total ~= total or math.abs(total) > 1e15) then
    error(hub_name .. ": score" .. pair .. shown(total) .. "; expected a finite number from -1e15 to 1e15, or nil", 0)
  end
  if why ~= nil and type(why) ~= "string" then
    error(hub_name .. ": score" .. pair .. "nil and " .. shown(why) .. " as the reason; expected a string", 0)
  end
  local names = {}
  local weights = (rawget(env, "weights") or {})[mentee.kind] or {}
  if type(env.criteria_of) == "function" then
    names = env.criteria_of(mentee.kind)
  else
    for name in pairs(weights) do names[#names + 1] = name end
    table.sort(names)
  end
  local parts = {}
  for _, name in ipairs(names) do
    local f = (rawget(env, "criteria") or {})[name]
    local v = type(f) == "function" and f(mentee, mentor) or 0
    if math.type(v) == nil or v ~= v or math.abs(v) == math.huge then
      error(hub_name .. ": criteria." .. name .. pair .. shown(v) .. "; expected a finite number", 0)
    end
    local w = weights[name] or 0
    parts[#parts + 1] = {criterion = name, value = v, weight = w, contribution = w * v}
  end
  return type(total) == "number" and total or ihub.null, why == nil and ihub.null or why, ihub.array(parts)
end
