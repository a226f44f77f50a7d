-- Engine glue of the process model (Process/ProcessScript.swift), defined
-- once per methodology state: the editing functions a hub's "process" script
-- calls (bound to its environment), the model's checks, and the rules'
-- evaluation. Each call loads default/process.lua and the hub's script in
-- one fresh environment, so nothing stays behind in the shared globals.

local function shown(v)
  local t = type(v)
  if t == "number" or t == "boolean" or t == "nil" then return tostring(v) end
  if t == "string" then return string.format("%q", #v > 80 and v:sub(1, 80) .. "..." or v) end
  return "a " .. t
end
local function is_code(c)
  return type(c) == "string" and #c <= 64 and c:match("^[a-z][a-z0-9_]*$") ~= nil
end
local function absent(v) return v == nil or v == ihub.null end

-- rename, describe, drop, add, step and rule, bound to env; the
-- rules they collect (step code or "*" -> list of functions).
local function editors(env)
  local rules = {}
  local function list() return type(rawget(env, "steps")) == "table" and env.steps or {} end
  local function codes()
    local out = {}
    for _, s in ipairs(list()) do out[#out + 1] = tostring(type(s) == "table" and s.code or s) end
    return table.concat(out, ", ")
  end
  local function find(code)
    for i, s in ipairs(list()) do if type(s) == "table" and s.code == code then return s, i end end
  end
  -- Errors name the line of the hub script that called the editor.
  local function known(fname, code)
    local s, i = find(code)
    if s == nil then error(fname .. ": no step " .. shown(code) .. " (steps: " .. codes() .. ")", 3) end
    return s, i
  end
  local function text(fname, what, v)
    if type(v) ~= "string" or v == "" then error(fname .. ": " .. what .. " must be a non-empty string, not " .. shown(v), 3) end
  end
  env.step = function(code) local s = known("step", code); return s end
  env.rename = function(code, name, description)
    local s = known("rename", code)
    text("rename", "the new name", name)
    s.name = name
    if description ~= nil then text("rename", "the description", description); s.description = description end
  end
  env.describe = function(code, description)
    local s = known("describe", code)
    text("describe", "the description", description)
    s.description = description
  end
  env.drop = function(code)
    local _, i = known("drop", code)
    table.remove(env.steps, i)
    rules[code] = nil
  end
  env.add = function(spec)
    if type(spec) ~= "table" then error("add: expected a table {code = ..., name = ..., after = ...}, not " .. shown(spec), 2) end
    if not is_code(spec.code) then
      error("add: code " .. shown(spec.code) .. " is not a step code (a-z, 0-9 and _, starting with a letter, at most 64)", 2)
    end
    if find(spec.code) ~= nil then error("add: there is a step " .. shown(spec.code) .. " already", 2) end
    if type(spec.name) ~= "string" or spec.name == "" then error("add: name must be a non-empty string, not " .. shown(spec.name), 2) end
    if spec.after ~= nil and spec.before ~= nil then error("add: give after or before, not both", 2) end
    local at = #list() + 1
    if spec.after ~= nil then local _, i = known("add", spec.after); at = i + 1 end
    if spec.before ~= nil then local _, i = known("add", spec.before); at = i end
    local s = {code = spec.code, name = spec.name, description = spec.description, ends_cycle = spec.ends_cycle}
    if type(rawget(env, "steps")) ~= "table" then env.steps = {} end
    table.insert(env.steps, at, s)
    return s
  end
  env.rule = function(code, f)
    if code ~= "*" then known("rule", code) end
    if type(f) ~= "function" then error("rule: expected a function for " .. shown(code) .. ", not " .. shown(f), 2) end
    local l = rules[code] or {}
    rules[code] = l
    l[#l + 1] = f
  end
  return rules
end

local function setup(default_source, hub_source, hub_name)
  local env = __ihub_fresh_env()
  local rules = editors(env)
  local chunk, err = load(default_source, "=ihub-process-default", "t", env)
  if not chunk then error(err, 0) end
  chunk()
  if not absent(hub_source) then
    chunk, err = load(hub_source, "=" .. hub_name, "t", env)
    if not chunk then error(err, 0) end
    chunk()
  end
  return env, rules
end

-- The steps, checked: a list of {code, name, description?, ends_cycle?}
-- with distinct codes; every rule names one of them.
local function model(env, rules, hub_name)
  local steps = rawget(env, "steps")
  if type(steps) ~= "table" then error(hub_name .. ": steps is " .. shown(steps) .. "; expected a list of steps", 0) end
  local out, by_code, n = {}, {}, #steps
  for i = 1, n do
    local s = steps[i]
    local where = hub_name .. ": steps[" .. i .. "]"
    if type(s) ~= "table" then error(where .. " is " .. shown(s) .. "; expected a table {code = ..., name = ...}", 0) end
    if not is_code(s.code) then
      error(where .. ".code is " .. shown(s.code) .. "; expected a step code (a-z, 0-9 and _, starting with a letter, at most 64)", 0)
    end
    if by_code[s.code] then error(hub_name .. ": step " .. shown(s.code) .. " appears twice", 0) end
    if type(s.name) ~= "string" or s.name == "" then error(where .. ".name is " .. shown(s.name) .. "; expected a non-empty string", 0) end
    if s.description ~= nil and type(s.description) ~= "string" then
      error(where .. ".description is " .. shown(s.description) .. "; expected a string", 0)
    end
    if s.ends_cycle ~= nil and type(s.ends_cycle) ~= "boolean" then
      error(where .. ".ends_cycle is " .. shown(s.ends_cycle) .. "; expected true or false", 0)
    end
    s.position = i
    by_code[s.code] = s
    out[i] = {code = s.code, name = s.name, description = s.description or "", ends_cycle = s.ends_cycle == true}
  end
  if n == 0 then error(hub_name .. ": the model has no steps", 0) end
  for code in pairs(rules) do
    if code ~= "*" and by_code[code] == nil then
      error(hub_name .. ": a rule for " .. shown(code) .. ", which is not a step of the model any more", 0)
    end
  end
  if type(rawget(env, "new_cycle")) ~= "function" then
    error(hub_name .. ": new_cycle is " .. shown(rawget(env, "new_cycle")) .. "; expected a function (from, to)", 0)
  end
  return out, by_code
end

function __ihub_process_model(default_source, hub_source, hub_name)
  local env, rules = setup(default_source, hub_source, hub_name)
  return ihub.array((model(env, rules, hub_name)))
end

-- For each target code: whether the rules allow the move from the
-- instance's step, the reason if not, and whether it begins a new
-- cycle; {unknown = true} for a code that is not a step.
function __ihub_process_check(default_source, hub_source, hub_name, instance, from_code, targets)
  local env, rules = setup(default_source, hub_source, hub_name)
  local out, by_code = model(env, rules, hub_name)
  local from = nil
  if not absent(from_code) then from = by_code[from_code] or {code = from_code, name = from_code, dropped = true} end
  local answers = {}
  for k, code in ipairs(targets) do
    local to = by_code[code]
    if to == nil then
      answers[k] = {unknown = true}
    else
      local allowed, reason = true, nil
      for _, key in ipairs({"*", code}) do
        for n, rule in ipairs(rules[key] or {}) do
          if allowed then
            local ok, why = rule(instance, from, to)
            local which = "the rule for " .. (key == "*" and "every move" or shown(key)) .. (n > 1 and " (number " .. n .. ")" or "")
            if ok == false then
              if why ~= nil and type(why) ~= "string" then
                error(hub_name .. ": " .. which .. " returned false and " .. shown(why) .. " as the reason; expected a string", 0)
              end
              allowed, reason = false, why or ("no reason given by " .. which)
            elseif ok ~= nil and ok ~= true then
              error(hub_name .. ": " .. which .. " returned " .. shown(ok) .. "; expected nothing or true (allowed), or false and a reason", 0)
            end
          end
        end
      end
      local fresh = env.new_cycle(from, to)
      if fresh ~= nil and type(fresh) ~= "boolean" then
        error(hub_name .. ": new_cycle returned " .. shown(fresh) .. "; expected true or false", 0)
      end
      answers[k] = {allowed = allowed, reason = reason == nil and ihub.null or reason, new_cycle = fresh == true}
    end
  end
  return ihub.array(out), ihub.array(answers)
end
