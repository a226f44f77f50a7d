-- Engine glue of hub-defined instruments (Assessment/InstrumentScript.swift),
-- defined once per methodology state. A declaration runs in a fresh
-- environment (a copy of the sandbox's globals and libraries), so it leaves
-- nothing behind in the shared globals. Compile errors come back as values,
-- for a message without the helper's traceback; run-time errors propagate
-- (a pcall here would turn a memory overrun into a script error).

local function declaration(source, name)
  local chunk, err = load(source, "=" .. name, "t", __ihub_fresh_env())
  if not chunk then return nil, err end
  return chunk()
end

function __ihub_declare(source, name)
  local def, err = declaration(source, name)
  if err ~= nil then return ihub.null, err end
  if type(def) ~= "table" then return ihub.null, name .. ": the declaration must return a table (the instrument), not " .. type(def) end
  local data = {}
  for k, v in pairs(def) do if k ~= "score" then data[k] = v end end
  local bad = __ihub_json_check(data, name)
  if bad then return ihub.null, bad end
  return data, ihub.null, type(def.score)
end

-- who[i] names the response's subject, for messages.
function __ihub_score(source, name, answers, areas, who)
  local def, err = declaration(source, name)
  if err ~= nil then error(err, 0) end
  local score = type(def) == "table" and def.score or nil
  if type(score) ~= "function" then error(name .. ": the declaration has no score function any more", 0) end
  local out = {}
  for i = 1, #answers do
    local s = score(answers[i], areas[i])
    local bad
    if type(s) == "string" then bad = string.format("a string (%q)", s:sub(1, 40))
    elseif s ~= nil and type(s) ~= "number" then bad = "a " .. type(s)
    elseif s ~= s then bad = "NaN"
    elseif s == math.huge or s == -math.huge then bad = s > 0 and "inf" or "-inf" end
    if bad then error(name .. ": score(" .. who[i] .. "): the score is " .. bad .. "; expected a number or nil", 0) end
    if s == nil then out[i] = ihub.null else out[i] = s end
  end
  return ihub.array(out)
end
