-- Estonian Digital Accelerator: a school of the programme that has had no
-- mentoring in the window is the one to call first.
return {
  { name = "school_without_mentoring", role = "coordinator",
    description = "schools of the accelerator without a mentoring hour in the window",
    apply = function(ctx)
      local seen, out = {}, {}
      local hours = ihub.activity.hours{hub = ctx.hub, by = "school", from = ctx.from, to = ctx.to}
      for _, r in ipairs(hours.rows) do seen[r.code] = r.hours end
      for _, s in ipairs(ihub.school.list{hub = ctx.hub}) do
        if (seen[s.code] or 0) == 0 then
          out[#out + 1] = {severity = "warning", level = "school", subject = s.code, value = 0,
                           title = "No mentoring at " .. s.code,
                           reason = "No mentoring hour from " .. ctx.from .. " to " .. ctx.to .. "; the accelerator promises 35 to 80.",
                           action = "Agree the next visit of the school's educational technologist."}
        end
      end
      return out
    end },
}
