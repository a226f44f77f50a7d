-- Engine glue of a hub's "indicators" script (Analytics/HubIndicatorScript.swift),
-- defined once per methodology state: declaring, listing and computing.
-- Every call loads the script again in a fresh environment, so each
-- computation starts from the same globals.

local function shown(v)
  local t = type(v)
  if t == "number" or t == "boolean" or t == "nil" then return tostring(v) end
  if t == "string" then return string.format("%q", #v > 80 and v:sub(1, 80) .. "..." or v) end
  return "a " .. t
end

-- Runs the script in a fresh environment where indicator{...}
-- declares one; errors name the script's line that declared it.
local function declare(source, script_name)
  local env = __ihub_fresh_env()
  local list, by_name = {}, {}
  env.indicator = function(spec)
    if type(spec) ~= "table" then error("indicator: expected a table {name = ..., compute = ...}, not " .. shown(spec), 2) end
    local name = spec.name
    if type(name) ~= "string" or #name > 64 or not name:match("^[a-z][a-z0-9_]*$") then
      error("indicator: name " .. shown(name) .. " is not an indicator name (a-z, 0-9 and _, starting with a letter, at most 64)", 2)
    end
    if by_name[name] then error("indicator: " .. shown(name) .. " is declared twice", 2) end
    if type(spec.compute) ~= "function" then error("indicator " .. name .. ": compute is " .. shown(spec.compute) .. "; expected a function (ctx)", 2) end
    by_name[name] = spec
    list[#list + 1] = spec
  end
  local chunk, err = load(source, "=" .. script_name, "t", env)
  if not chunk then error(err, 0) end
  chunk()
  return list, by_name
end

function __ihub_indicators_declare(source, script_name)
  local list = declare(source, script_name)
  local out = {}
  for i, s in ipairs(list) do
    out[i] = {name = s.name, description = s.description, level = s.level, type = s.type,
              min = s.min, max = s.max, options = s.options}
  end
  return ihub.array(out)
end

function __ihub_indicators_compute(source, script_name, name, ctx)
  local _, by_name = declare(source, script_name)
  local spec = by_name[name]
  if spec == nil then error(script_name .. ": the script no longer declares " .. shown(name), 0) end
  local rows = spec.compute(ctx)
  if type(rows) ~= "table" then
    error(script_name .. ": " .. name .. ": compute returned " .. shown(rows) .. "; expected a list of rows {subject =, part =, value =, n =, detail =}", 0)
  end
  if rows[1] == nil and next(rows) ~= nil then
    error(script_name .. ": " .. name .. ": compute returned one row, not a list of rows: return {{value = ...}}", 0)
  end
  return ihub.array(rows)
end
