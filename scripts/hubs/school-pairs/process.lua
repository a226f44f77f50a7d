-- Tampere school pairs: the pair works through joint events of both
-- schools, with university researchers as mentors and the city's
-- coordinators at the anchoring meetings.
describe("anchoring", "Both schools' development teams, the city coordinators and the researchers who mentor the pair agree on aims, roles and time.")
add{code = "joint_event", name = "Joint event of the school pair", after = "new_perspectives",
    description = "Teachers of both schools meet, show each other's practice and plan together, with the researchers."}
rename("reflection", "Reflection with the researchers")
