-- Estonian Digital Accelerator: the schools further along coach the others,
-- needs first. Between schools: a mentor school takes up to three, and the
-- score rewards a mentor strong where the mentee is weak (the mapped needs)
-- and a mentee that needs it most. Inside a school: its own change agents
-- (B1 and up) coach up to four colleagues each — the accelerator works
-- with whole staff rooms, not across schools.
capacity.school = { mentor_max = 3, mentee_min = 0, mentee_max = 1 }
capacity.teacher = { mentor_max = 4, mentee_min = 0, mentee_max = 1 }
blocking.cross_school = "none"

-- A small lead is enough in a cohort of less motivated schools.
gap = { min = 0.02, best_low = 0.08, best_high = 0.4, max = 0.8 }

-- The lower the mentee stands, the more a pair for it is worth.
criteria.need = function(mentee, mentor)
  return mentee.maturity and (1 - mentee.maturity) or 0
end

weights.school = { complementarity = 5, need = 3, maturity_gap = 2, distance = 1 }
weights.teacher = { complementarity = 4, need = 3, maturity_gap = 1, subject = 1 }
