-- Imereti regional hub: achievement levels from the selfie of staff AND
-- students (a school is advanced only when both see it so); teachers by
-- their DigCompEdu level. The classes are what the pairing crosses.
local rank = {A1 = 1, A2 = 2, B1 = 3, B2 = 4, C1 = 5, C2 = 6}

function classify(subject, a)
  if subject.kind == "teacher" then
    local d = a.digcompedu
    if not d or not d.level then return nil, {"no digcompedu level this round"} end
    local why = {"digcompedu level " .. d.level .. " (" .. string.format("%.2f", d.overall) .. ")"}
    if rank[d.level] >= 4 then return "advanced", why end
    if rank[d.level] >= 3 then return "developing", why end
    return "beginning", why
  end
  local s = a.selfie
  if not s or not s.staff then return nil, {"no selfie answers from staff"} end
  local staff = s.staff.overall.mean
  local students = s.groups.students and s.groups.students.overall.mean or 0
  local why = {string.format("selfie staff %.2f, students %.2f", staff, students)}
  if staff >= 3.4 and students >= 3.0 then return "advanced", why end
  if staff >= 2.8 then return "developing", why end
  return "beginning", why
end
