-- Lithuanian computational thinking and AI network: how far the few
-- mentors stretch: teachers mentored per teacher mentor, over the open
-- teacher mentorships.
indicator{
  name = "mentees_per_mentor", description = "Teachers mentored per mentor (open teacher mentorships)",
  level = "hub", type = "number", min = 0,
  compute = function(ctx)
    local mentors, mentees, n = {}, {}, {0, 0}
    for _, m in ipairs(ihub.pairing.mentorships{hub = ctx.hub, level = "teacher"}) do
      if not mentors[m.mentor] then mentors[m.mentor] = true; n[1] = n[1] + 1 end
      if not mentees[m.mentee] then mentees[m.mentee] = true; n[2] = n[2] + 1 end
    end
    if n[1] == 0 then return {} end
    return {{value = n[2] / n[1], detail = {mentors = n[1], mentees = n[2]}}}
  end,
}
