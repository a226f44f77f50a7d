-- Tampere school pairs: a school pair that met in the window without any
-- of the researchers who mentor it.
return {
  { name = "pair_without_researcher", role = "coordinator",
    description = "school pairs whose activities in the window had no researcher",
    apply = function(ctx)
      local who = {}
      for _, p in ipairs(ihub.person.list{hub = ctx.hub, role = "researcher"}) do who[p.code] = true end
      local out = {}
      for _, m in ipairs(ihub.pairing.mentorships{hub = ctx.hub, level = "school"}) do
        local acts = ihub.activity.list{hub = ctx.hub, mentorship = m.id, from = ctx.from, to = ctx.to}
        local with = false
        for _, a in ipairs(acts) do
          for _, p in ipairs(a.participants) do if p.person and who[p.person] then with = true end end
        end
        if #acts > 0 and not with then
          out[#out + 1] = {severity = "info", level = "school", subject = m.mentee, value = #acts,
                           title = "No researcher with " .. m.mentee .. " and " .. m.mentor,
                           reason = #acts .. " activities of the pair from " .. ctx.from .. " to " .. ctx.to .. ", none with a researcher.",
                           action = "Invite the pair's researcher to the next joint event."}
        end
      end
      return out
    end },
}
