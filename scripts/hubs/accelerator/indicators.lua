-- Estonian Digital Accelerator: each school is promised 35-80 hours of
-- mentoring; this shows where each one stands against the 35 h minimum.
indicator{
  name = "mentoring_hours", description = "Mentoring hours per school against the accelerator's 35 h minimum",
  level = "school", type = "number", min = 0,
  compute = function(ctx)
    local rows = {}
    local hours = ihub.activity.hours{hub = ctx.hub, by = "school", from = ctx.window.from, to = ctx.window.to}
    for _, r in ipairs(hours.rows) do
      rows[#rows + 1] = {subject = r.code, value = r.hours, detail = {target = 35, short = math.max(0, 35 - r.hours)}}
    end
    table.sort(rows, function(x, y) return x.subject < y.subject end)
    return rows
  end,
}
