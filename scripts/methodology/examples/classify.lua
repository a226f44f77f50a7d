-- The reference manual's example of a hub script (script.set).
-- advanced: staff see their school at 3.5 or more on selfie
function classify(subject, a)
  local s = a.selfie
  if subject.kind ~= "school" or not s or not s.staff then return nil, "no selfie answers from staff" end
  local mean = s.staff.overall.mean
  if mean >= 3.5 then return "advanced", string.format("staff selfie %.2f", mean) end
  return "developing", string.format("staff selfie %.2f", mean)
end
