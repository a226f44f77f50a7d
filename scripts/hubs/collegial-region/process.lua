-- Imereti regional hub: the regional ministry and the municipal resource
-- centres select the schools, and development actions follow the
-- collegial method (teachers help each other).
describe("initiative", "The regional ministry and the municipal resource centres select the schools: experience, size, location, infrastructure and teachers' achievement.")
rename("development_actions", "Development actions by the collegial method")

rule("development_actions", function(instance, from, to)
  for _, m in ipairs(instance.methods or {}) do
    if m.code == "collegial" then return true end
  end
  return false, "Imereti works by the collegial method: choose it (process.choose_method) before development actions"
end)
