-- Lithuanian computational thinking and AI network: a mentor with more
-- teachers than the network's eight is overstretched.
return {
  { name = "mentor_overstretched", role = "coordinator",
    description = "teacher mentors with more than eight open mentorships",
    apply = function(ctx)
      local load = {}
      for _, m in ipairs(ihub.pairing.mentorships{hub = ctx.hub, level = "teacher"}) do
        load[m.mentor] = (load[m.mentor] or 0) + 1
      end
      local codes = {}
      for code in pairs(load) do codes[#codes + 1] = code end
      table.sort(codes)
      local out = {}
      for _, code in ipairs(codes) do
        if load[code] > 8 then
          out[#out + 1] = {severity = "warning", level = "person", subject = code, value = load[code],
                           title = code .. " mentors " .. load[code] .. " teachers",
                           reason = load[code] .. " open mentorships; the network plans at most eight per mentor.",
                           action = "Find a second mentor among the network's B2 teachers."}
        end
      end
      return out
    end },
}
