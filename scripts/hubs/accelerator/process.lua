-- Estonian Digital Accelerator: the process starts from the school's needs
-- and carries the programme's courses; development actions come after the
-- needs are mapped and written into a plan.
rename("mapping_needs", "Mapping the school's needs")
describe("mapping_needs", "Questionnaires for students, teachers and management, a SWOT, an infrastructure analysis and the 9-question school self-test.")
add{code = "courses", name = "Accelerator courses", after = "new_perspectives",
    description = "30-32 h courses for teachers over about six months; a 39 h course for heads on leading digital change."}

rule("development_actions", function(instance, from, to)
  if instance.school == nil then return true end
  local plans = ihub.plan.list{school = instance.school}
  if #plans == 0 then
    return false, "the accelerator maps needs first: " .. instance.school .. " has no development plan yet"
  end
end)
