-- Tampere school pairs: the researchers mentor the pairs, so the share of
-- the hub's mentoring time with a researcher present is the indicator to
-- watch.
local function researchers(hub)
  local set = {}
  for _, p in ipairs(ihub.person.list{hub = hub, role = "researcher"}) do set[p.code] = true end
  return set
end

indicator{
  name = "researcher_share", description = "Share of mentoring minutes with a researcher taking part",
  level = "hub", type = "share",
  compute = function(ctx)
    local who = researchers(ctx.hub)
    local with, total = 0, 0
    for _, a in ipairs(ihub.activity.list{hub = ctx.hub, from = ctx.window.from, to = ctx.window.to}) do
      total = total + a.minutes
      for _, p in ipairs(a.participants) do
        if p.person and who[p.person] then with = with + a.minutes; break end
      end
    end
    if total == 0 then return {} end
    return {{value = with / total, detail = {minutes = total, with_researcher = with}}}
  end,
}
