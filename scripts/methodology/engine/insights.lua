-- Engine glue of a hub's "insights" script (Analytics/HubInsightRules.swift),
-- defined once per methodology state. The script is loaded afresh for each
-- rule, in a fresh environment, so that a rule leaves nothing behind for the
-- next. ctx.rows(name, options) reads one indicator over the insights' window.

local function rules_of(source, name)
  local chunk, err = load(source, "=" .. name, "t", __ihub_fresh_env())
  if not chunk then error(err, 0) end
  local rules = chunk()
  if type(rules) ~= "table" then error(name .. ": the script must return a list of rules, not a " .. type(rules), 0) end
  for i, r in ipairs(rules) do
    if type(r) ~= "table" or type(r.name) ~= "string" or type(r.apply) ~= "function" then
      error(name .. ": rule " .. i .. " needs a name (a string) and apply (a function)", 0)
    end
  end
  return rules
end

function __ihub_insight_rules(source, name)
  local out = {}
  for i, r in ipairs(rules_of(source, name)) do
    local wanted = r.indicators
    if wanted ~= nil and type(wanted) ~= "table" then
      error(name .. ": rule " .. r.name .. ": indicators must be a list of indicator names", 0)
    end
    out[i] = {name = r.name, description = r.description or "", role = r.role or ihub.null,
              indicators = ihub.array(wanted or {})}
  end
  return ihub.array(out)
end

function __ihub_insight_apply(source, name, index, ctx)
  local rule = rules_of(source, name)[index]
  ctx.rows = function(indicator, options)
    local res = ihub.indicator.compute{hub = ctx.hub, window = ctx.window, names = {indicator},
                                       options = options and {[indicator] = options} or nil}
    local ind = res.indicators[1]
    if ind.error then error(indicator .. ": " .. ind.error.message, 0) end
    return ind.rows
  end
  local found = rule.apply(ctx)
  if found == nil then return ihub.array({}) end
  if type(found) ~= "table" then error(name .. ": rule " .. rule.name .. ": apply returned a " .. type(found) .. "; expected a list of insights", 0) end
  local bad = __ihub_json_check(found, "the insights")
  if bad then error(name .. ": rule " .. rule.name .. ": " .. bad, 0) end
  return ihub.array(found)
end
