-- Engine glue of a hub's "classify" script (ClassificationScript in
-- Assessment/ClassificationMethods.swift), defined once per methodology
-- state. The script runs in a fresh environment (a copy of the sandbox's
-- globals): it leaves nothing behind, and no other hub's classify is seen.
-- It may define the global function classify or return one.

-- who[i] names subject i in messages ("school 'S1'"); ctx (the round, k,
-- the thresholds, the instrument's areas and levels) is classify's third
-- argument, what the default rule (default/rules.lua) reads.
function __ihub_classify(source, name, subjects, assessments, who, ctx)
  local env = __ihub_fresh_env()
  local chunk, err = load(source, "=" .. name, "t", env)
  if not chunk then error(err, 0) end
  local returned = chunk()
  local classify = rawget(env, "classify")
  if type(classify) ~= "function" then classify = returned end
  if type(classify) ~= "function" then
    error(name .. ": the script defines no function classify(subject, assessments)", 0)
  end
  local out = {}
  for i = 1, #subjects do
    local class, reasons = classify(subjects[i], assessments[i], ctx)
    -- What JSON cannot hold is refused here, where the subject is known.
    local bad = __ihub_json_check(class, "the class") or __ihub_json_check(reasons, "the reasons")
    if bad then
      error(name .. ": classify(" .. who[i] .. "): " .. bad, 0)
    end
    out[i] = ihub.array({class == nil and ihub.null or class, reasons == nil and ihub.null or reasons})
  end
  return ihub.array(out)
end
