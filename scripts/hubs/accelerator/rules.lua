-- Estonian Digital Accelerator: a programme for less motivated schools, so
-- the bar for "advanced" is set where this cohort stands, not where the
-- most digital schools of a country do. Every class says what the school
-- needs (its two weakest selfie areas): the accelerator starts by mapping
-- needs.
local rank = {A1 = 1, A2 = 2, B1 = 3, B2 = 4, C1 = 5, C2 = 6}

-- The two weakest areas of a selfie result, e.g. "needs G 2.10, D 2.35".
local function needs(figures)
  local list = {}
  for code, area in pairs(figures.areas or {}) do
    if area.mean then list[#list + 1] = {code = code, mean = area.mean} end
  end
  table.sort(list, function(a, b) return a.mean < b.mean or (a.mean == b.mean and a.code < b.code) end)
  local out = {}
  for i = 1, math.min(2, #list) do out[i] = string.format("%s %.2f", list[i].code, list[i].mean) end
  return "needs " .. (#out > 0 and table.concat(out, ", ") or "not mapped")
end

function classify(subject, a)
  if subject.kind == "teacher" then
    local d = a.digcompedu
    if not d or not d.level then return nil, {"no digcompedu level this round"} end
    local why = {"digcompedu level " .. d.level .. " (accelerator: B1 and up coach colleagues)"}
    if rank[d.level] >= 3 then return "advanced", why end
    if rank[d.level] >= 2 then return "developing", why end
    return "beginning", why
  end
  local s = a.selfie
  if not s or not s.staff then return nil, {"no selfie answers from staff"} end
  local mean = s.staff.overall.mean
  local why = {string.format("selfie staff %.2f (accelerator bars: 3.00 advanced, 2.50 developing)", mean), needs(s.staff)}
  if mean >= 3.0 then return "advanced", why end
  if mean >= 2.5 then return "developing", why end
  return "beginning", why
end
