-- ihub default process model: the Dynamic Process Model of whole-school
-- mentoring. A hub's "process" script (script.set) runs after this text in
-- the same environment and may change it:
--   rename("anchoring", "Meetings with the municipality")   -- a new name
--   describe("anchoring", "What happens in this step")      -- a new description
--   drop("new_perspectives")                                 -- the step goes
--   add{code = "celebration", name = "Celebration", after = "reflection"}
--   step("development_actions").ends_cycle = true            -- edit a step
--   rule("development_actions", function(instance, from, to)
--     if #instance.methods == 0 then
--       return false, "development actions need a chosen method"
--     end
--   end)
-- A rule returns nothing (or true) to allow a move, or false and the reason
-- to refuse it; rule("*", f) applies to every move. It receives the instance
-- as process.get shows it (id, hub, subject, school, mentorship, step,
-- cycle, transitions, methods: a list of {code, name, step, ...}), the step it
-- leaves (nil at the first move) and the step it enters ({code, name,
-- description, ends_cycle, position}), and may read through ihub.* (e.g.
-- ihub.plan.list{...}, ihub.process.get{id = instance.id}), never write.
--
-- Steps are optional and may repeat: an instance may move from any step to
-- any other. The cycle counter goes up by one when new_cycle(from, to) says
-- so: by default when the instance leaves a step that ends a cycle
-- (reflection) for an earlier step, e.g. reflection -> initiative or
-- reflection -> mapping_needs. Replace the function to count otherwise.

steps = {
  { code = "initiative", name = "Initiative",
    description = "An initiative for development, from researchers, school teams or the education authority: why this school, why now." },
  { code = "anchoring", name = "Anchoring meetings with key stakeholders",
    description = "The school's leaders, its development team, the municipality or school board and the mentor agree on aims, roles and time." },
  { code = "joint_planning", name = "Joint planning and getting to know the possibilities",
    description = "Mentor and school plan together and get to know the methods, tools and partners open to them." },
  { code = "mapping_needs", name = "Mapping development needs",
    description = "The school maps where it stands and what it needs: self-reflection results, questionnaires, a needs-mapping workshop." },
  { code = "new_perspectives", name = "Acquiring new perspectives",
    description = "Teachers and leaders meet new practices: visits to advanced schools, courses, workshops, research." },
  { code = "development_actions", name = "Development actions",
    description = "The school carries out its plan: new practices tried in classrooms and across the school, with the mentor's support." },
  { code = "reflection", name = "Reflection", ends_cycle = true,
    description = "School and mentor look back at what changed and why, and decide whether a new cycle begins." },
}

-- Whether a move begins a new cycle. from and to are steps (with their
-- position in the model); from is nil at the first move.
function new_cycle(from, to)
  return from ~= nil and from.ends_cycle == true and from.position ~= nil and to.position < from.position
end
