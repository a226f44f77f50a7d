-- Lithuanian computational thinking and AI network: few mentors for many
-- teachers. Only teachers at B2 and up mentor (the network's teacher
-- educators and its strongest teachers); schools are classed by their
-- staff's and students' results together, since the network invites
-- schools by their students' results as much as by their teachers'.
local rank = {A1 = 1, A2 = 2, B1 = 3, B2 = 4, C1 = 5, C2 = 6}

function classify(subject, a)
  if subject.kind == "teacher" then
    local d = a.digcompedu
    if not d or not d.level then return nil, {"no digcompedu level this round"} end
    local why = {"digcompedu level " .. d.level .. " (the network's mentors: B2 and up)"}
    if rank[d.level] >= 4 then return "advanced", why end
    if rank[d.level] >= 3 then return "developing", why end
    return "beginning", why
  end
  local s = a.selfie
  if not s or not s.staff then return nil, {"no selfie answers from staff"} end
  local staff = s.staff.overall.mean
  local students = s.groups.students and s.groups.students.overall.mean or staff
  local mean = (staff + students) / 2
  local why = {string.format("selfie staff %.2f, students %.2f: %.2f together", staff, students, mean)}
  if mean >= 3.4 then return "advanced", why end
  if mean >= 2.8 then return "developing", why end
  return "beginning", why
end
