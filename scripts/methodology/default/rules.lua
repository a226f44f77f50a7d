-- ihub default classification rule: advanced, developing or beginning.
-- classification.run uses it for a hub without a "classify" script (a hub's
-- script replaces it). Schools go by the selfie overall of their teachers and
-- leaders together, teachers by their digcompedu level; the weakest and the
-- strongest area point at the next step.
--
-- classify(subject, assessments, ctx) gets, besides what a hub's classify
-- receives (subject = {kind, code, ...}, assessments by instrument code),
-- ctx = {round, k, thresholds = {advanced, developing}, areas = {{code,
-- name}, ...} of the instrument in order, levels = {{code, name, min}, ...}
-- (digcompedu, for teachers)}. It returns a class and its reasons, or nil
-- and the reason why not.

-- x with `digits` decimals, rounded half away from zero.
local function decimals(x, digits)
  local scale = 10 ^ digits
  local p = math.abs(x) * scale
  if p ~= p or p >= 9e15 then return tostring(x) end
  local r = math.floor(p)
  if p - r >= 0.5 then r = r + 1 end
  local sign = (x < 0 and r ~= 0) and "-" or ""
  return string.format("%s%d.%0" .. digits .. "d", sign, r // scale, r % scale)
end

-- x with as few decimals (from 2) as tell it apart from threshold: a
-- sentence never reads "3.75 < 3.75".
local function against(x, threshold)
  for digits = 2, 6 do
    local shown = decimals(x, digits)
    if (tonumber(shown) >= threshold) == (x >= threshold) then return shown end
  end
  return tostring(x)
end

-- The first area with the lowest mean and the first with the highest, in the
-- instrument's order, of those `mean_of` gives a mean for; nil below two.
local function extremes(ctx, mean_of)
  local low, high, count = nil, nil, 0
  for _, area in ipairs(ctx.areas) do
    local mean = mean_of(area.code)
    if mean ~= nil then
      count = count + 1
      if low == nil or mean < low.mean then low = {area = area, mean = mean} end
      if high == nil or mean > high.mean then high = {area = area, mean = mean} end
    end
  end
  if count < 2 then return nil end
  return low, high
end

local function school(a, ctx)
  local selfie = a.selfie
  if selfie == nil then return nil, {"no selfie responses or reports in round " .. ctx.round} end
  local staff = selfie.staff or {}
  local overall = staff.overall or {n = 0}
  if overall.n < ctx.k then
    return nil, {string.format("only %d teachers and leaders answered selfie in round %s (fewer than k = %d)",
      overall.n, ctx.round, ctx.k)}
  end
  local from = string.format("from %d teachers and leaders", overall.n)
  if (staff.reported or 0) > 0 then from = from .. string.format(" (%d in area reports)", staff.reported) end
  local v, adv, dev = overall.mean, ctx.thresholds.advanced, ctx.thresholds.developing
  local class, reasons
  if v >= adv then
    class, reasons = "advanced", {"selfie overall " .. against(v, adv) .. " " .. from .. " ≥ " .. decimals(adv, 2)}
  elseif v >= dev then
    class, reasons = "developing", {"selfie overall " .. against(v, adv) .. " " .. from .. ": ≥ " .. decimals(dev, 2)
      .. " and < " .. decimals(adv, 2)}
  else
    class, reasons = "beginning", {"selfie overall " .. against(v, dev) .. " " .. from .. " < " .. decimals(dev, 2)}
  end
  local areas = staff.areas or {}
  local low, high = extremes(ctx, function(code)
    local s = areas[code]
    return s ~= nil and s.n >= ctx.k and s.mean or nil
  end)
  if low ~= nil then
    reasons[#reasons + 1] = "weakest area: " .. low.area.code .. " " .. low.area.name .. " (" .. decimals(low.mean, 2) .. ")"
    reasons[#reasons + 1] = "strongest area: " .. high.area.code .. " " .. high.area.name .. " (" .. decimals(high.mean, 2) .. ")"
  end
  return class, reasons
end

-- The level a score reaches (the last whose minimum it meets) and its index.
local function level_of(ctx, score)
  local found, index = nil, nil
  for i, level in ipairs(ctx.levels) do
    if score >= level.min then found, index = level, i end
  end
  return found, index
end

local function index_of(ctx, code)
  for i, level in ipairs(ctx.levels) do
    if level.code == code then return i end
  end
end

local function teacher(a, ctx)
  local d = a.digcompedu
  if d == nil then return nil, {"no digcompedu response in round " .. ctx.round} end
  local level, index
  if d.overall ~= nil then level, index = level_of(ctx, d.overall) end
  local advanced, developing = index_of(ctx, ctx.thresholds.advanced), index_of(ctx, ctx.thresholds.developing)
  if level == nil or advanced == nil or developing == nil then
    return nil, {"the digcompedu response of round " .. ctx.round .. " has no scores (only na or pnts)"}
  end
  local function cut(i) return ctx.levels[i].code .. " (" .. decimals(ctx.levels[i].min, 2) .. ")" end
  local head = "digcompedu overall " .. decimals(d.overall, 2) .. ", level " .. level.code .. " " .. level.name
  local class, reasons
  if index >= advanced then
    class, reasons = "advanced", {head .. " ≥ " .. cut(advanced)}
  elseif index >= developing then
    class, reasons = "developing", {head .. ": ≥ " .. cut(developing) .. " and < " .. cut(advanced)}
  else
    class, reasons = "beginning", {head .. " < " .. cut(developing)}
  end
  local areas = d.areas or {}
  local low, high = extremes(ctx, function(code) return areas[code] and areas[code].mean end)
  if low ~= nil then
    local function shown(x) local l = level_of(ctx, x); return l and l.code or decimals(x, 2) end
    reasons[#reasons + 1] = "weakest area: " .. low.area.code .. " " .. low.area.name .. " (" .. shown(low.mean) .. ")"
    reasons[#reasons + 1] = "strongest area: " .. high.area.code .. " " .. high.area.name .. " (" .. shown(high.mean) .. ")"
  end
  return class, reasons
end

function classify(subject, assessments, ctx)
  if subject.kind == "school" then return school(assessments, ctx) end
  return teacher(assessments, ctx)
end
