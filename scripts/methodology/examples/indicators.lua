-- The reference manual's example of a hub's own indicator (methodology.load,
-- methodology.test, indicator.check): minutes of activities in the window.
indicator{
  name = "minutes", description = "Minutes of activities in the window", level = "hub", type = "count",
  compute = function(ctx)
    local total = 0
    for _, a in ipairs(ihub.activity.list{hub = ctx.hub, from = ctx.window.from, to = ctx.window.to}) do
      total = total + a.minutes
    end
    return {{value = total}}
  end,
}
