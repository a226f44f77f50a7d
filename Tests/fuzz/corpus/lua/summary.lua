-- The demo's hub script (ihub demo), run in the sandbox by script.eval:
-- it reads through the ihub table, returns a value and cannot write.
-- Teachers per school and the share of schools with an ICT teacher, per hub.
local out = {}
for _, hub in ipairs(ihub.hub.list{}) do
  local teachers = #ihub.person.list{hub = hub.code, role = "teacher"}
  local mentors = #ihub.person.list{hub = hub.code, role = "mentor"}
  out[#out + 1] = string.format("%-7s %-2s %3d schools %4d teachers (%.1f per school) %3d mentors (1 per %.0f teachers)",
    hub.code, hub.country, hub.schools, teachers, teachers / hub.schools, mentors, teachers / math.max(mentors, 1))
end
return table.concat(out, "\n")
